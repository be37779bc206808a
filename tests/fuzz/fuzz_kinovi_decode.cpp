// libFuzzer target: arbitrary bytes as the body of every kinovi decoder (create, status, error, webhook) and as a
// Retry-After header. Only seedance::error may escape a decoder; decode_error must not throw at all.
#include <seedance/providers/kinovi.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  seedance::http::response response;
  response.status = 200;
  response.body = std::string(bytes);
  try {
    (void)seedance::kinovi::decode_created(response);
  } catch (const seedance::error&) {
  }
  try {
    (void)seedance::kinovi::decode_status(response);
  } catch (const seedance::error&) {
  }
  try {
    (void)seedance::kinovi::decode_webhook(bytes);
  } catch (const seedance::error&) {
  }
  static constexpr int statuses[] = {400, 401, 402, 403, 404, 422, 429, 500, 503, 302, 0, 200};
  response.status = statuses[size % (sizeof statuses / sizeof statuses[0])];
  response.headers.add("Retry-After", std::string(bytes.substr(0, 40)));
  (void)seedance::kinovi::decode_error(response);
  return 0;
}

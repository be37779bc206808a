// libFuzzer target: arbitrary bytes as the body of every seedance2.ink response and webhook decoder. Decoders may
// throw seedance::error only; decode_error must not throw at all. Seed corpus: tests/fuzz/corpus/seedance2ink_decode.
#include <seedance/providers/seedance2ink.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

/// Calls `decode`, swallowing the one exception type the decoders are allowed to throw.
template <class F>
void tolerate(F&& decode) {
  try {
    (void)decode();
  } catch (const seedance::error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  seedance::http::response r;
  r.status = 200;
  r.body = std::string(bytes);
  tolerate([&] { return seedance::seedance2ink::decode_created(r); });
  tolerate([&] { return seedance::seedance2ink::decode_status(r); });
  tolerate([&] { return seedance::seedance2ink::decode_cancelled(r, "req_fuzz"); });
  tolerate([&] { return seedance::seedance2ink::decode_webhook(bytes); });

  // The first line doubles as a Retry-After and X-Request-Id value for the error decoder.
  const std::string_view first_line = bytes.substr(0, bytes.find('\n'));
  r.headers.add("Retry-After", std::string(first_line.substr(0, 64)));
  r.headers.add("X-Request-Id", std::string(first_line.substr(0, 64)));
  for (int status : {200, 400, 401, 402, 404, 429, 503}) {
    r.status = status;
    (void)seedance::seedance2ink::decode_error(r);  // never throws: an exception here is a finding
  }
  return 0;
}

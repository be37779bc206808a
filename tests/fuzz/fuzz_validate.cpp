// libFuzzer target: seedance::validate() and every codec's encode_create() on requests built from the fuzz bytes:
// strings (invalid UTF-8 included), media lists, every valid enum value, durations, seeds, callback URLs, Ark and
// Kinovi options, metadata and extra objects. Nothing may crash, and only seedance::error may escape. Invariants:
//   - a request that passes validate() for a provider is encoded by that provider's codec, into a body that is
//     well-formed JSON (when the caller's metadata/extra strings are valid UTF-8) and a request the serializer
//     accepts;
//   - check() throws invalid_request exactly when validate() lists problems;
//   - a password written as URL userinfo never appears in a problem or an error message.
// Seed corpus: tests/fuzz/corpus/validate.
#include <seedance/http/serializer.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/request.hpp>

#include <fuzzer/FuzzedDataProvider.h>
#include <boost/json/parse.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

#define FUZZ_CHECK(condition)       \
  do {                              \
    if (!(condition)) std::abort(); \
  } while (0)

// Only ever written as URL userinfo by this target (the input bytes are checked for it).
constexpr std::string_view secret_password = "pw-7Hq2xZ";

// Pieces that make validation reach deeper than random bytes would.
constexpr std::string_view url_prefixes[] = {
    "https://example.com/",
    "http://example.com/",
    "https://user:pw-7Hq2xZ@example.com/",
    "http://user:pw-7Hq2xZ@127.0.0.1:8080/",
    "http://127.0.0.1:",
    "http://localhost/",
    "http://[::1]:9/",
    "data:image/png;base64,",
    "asset://",
    "ftp://example.com/",
    "https://",
    "",
};
constexpr std::string_view url_suffixes[] = {".png", ".jpg", ".mp4", ".mp3", ".wav", "", "?a=b#c", "/x y"};
constexpr std::string_view prompt_tags[] = {"@image1", "@Image2", "@video1", "@audio1", "@image10", "@video4", ""};

/// Consumes a string of up to `max` bytes (any bytes, so invalid UTF-8 included).
std::string bytes(FuzzedDataProvider& in, std::size_t max) { return in.ConsumeRandomLengthString(max); }

std::string url(FuzzedDataProvider& in) {
  std::string u(in.PickValueInArray(url_prefixes));
  u += bytes(in, 48);
  u += in.PickValueInArray(url_suffixes);
  return u;
}

seedance::media_list media(FuzzedDataProvider& in) {
  seedance::media_list list;
  const auto count = in.ConsumeIntegralInRange<std::size_t>(0, 11);
  for (std::size_t i = 0; i < count && in.remaining_bytes() > 0; ++i) list.push_back(url(in));
  return list;
}

template <class T, std::size_t N>
T pick_enum(FuzzedDataProvider& in, const std::array<seedance::detail::enum_name<T>, N>& names) {
  return names[in.ConsumeIntegralInRange<std::size_t>(0, N - 1)].value;
}

/// A JSON object of up to four members whose keys and string values come from the input. Sets `utf8_ok` to
/// false when any of them is not valid UTF-8.
boost::json::object object(FuzzedDataProvider& in, bool& utf8_ok) {
  boost::json::object o;
  const auto count = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < count && in.remaining_bytes() > 0; ++i) {
    std::string key = bytes(in, 16);
    std::string value = bytes(in, 32);
    utf8_ok = utf8_ok && !seedance::detail::scan_utf8(key).bad_offset && !seedance::detail::scan_utf8(value).bad_offset;
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
      case 0:
        o[key] = value;
        break;
      case 1:
        o[key] = in.ConsumeIntegral<std::int64_t>();
        break;
      case 2:
        o[key] = nullptr;
        break;
      default:
        o[key] = boost::json::array{value, in.ConsumeBool()};
        break;
    }
  }
  return o;
}

seedance::request make_request(FuzzedDataProvider& in, bool& utf8_ok) {
  seedance::request r;
  r.model = pick_enum(in, seedance::detail::model_names);
  if (in.ConsumeBool()) r.model_id = bytes(in, 24);
  r.prompt =
      std::string(in.PickValueInArray(prompt_tags)) + bytes(in, 96) + std::string(in.PickValueInArray(prompt_tags));
  r.images = media(in);
  r.videos = media(in);
  r.audios = media(in);
  if (in.ConsumeBool()) r.mode = pick_enum(in, seedance::detail::mode_names);
  if (in.ConsumeBool()) r.ratio = pick_enum(in, seedance::detail::ratio_names);
  if (in.ConsumeBool()) r.resolution = pick_enum(in, seedance::detail::resolution_names);
  if (in.ConsumeBool())
    r.duration = std::chrono::seconds(in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(-2, 20)
                                                       : in.ConsumeIntegral<std::int64_t>());
  if (in.ConsumeBool())
    r.seed = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(-2, 4294967296LL)
                              : in.ConsumeIntegral<std::int64_t>();
  if (in.ConsumeBool()) r.generate_audio = in.ConsumeBool();
  r.upscale_4k = in.ConsumeBool();
  if (in.ConsumeBool()) r.callback_url = url(in);
  if (in.ConsumeBool()) r.watermark = in.ConsumeBool();
  r.return_last_frame = in.ConsumeBool();
  if (in.ConsumeBool()) r.expires_after = std::chrono::seconds(in.ConsumeIntegral<std::int64_t>());
  if (in.ConsumeBool()) r.camera_fixed = in.ConsumeBool();
  r.high_bitrate = in.ConsumeBool();
  if (in.ConsumeBool()) r.metadata = object(in, utf8_ok);
  if (in.ConsumeBool()) r.extra = object(in, utf8_ok);
  return r;
}

bool mentions_secret(std::string_view text) { return text.find(secret_password) != std::string_view::npos; }

/// Validates `r` for `Codec` (with `options`) and, when it passes, encodes it. See the file comment.
template <class Codec>
void exercise(const seedance::request& r, const typename Codec::codec_options& codec_options,
              const seedance::validate_options& options, bool strings_are_utf8, bool check_secret) {
  const std::vector<seedance::problem> problems = seedance::validate(Codec::id, r, options);
  if (check_secret)
    for (const auto& p : problems)
      FUZZ_CHECK(!mentions_secret(p.field) && !mentions_secret(p.rule) && !mentions_secret(p.value));
  bool threw = false;
  try {
    seedance::check(Codec::id, r, options);
  } catch (const seedance::error& e) {
    threw = true;
    FUZZ_CHECK(e.code() == make_error_code(seedance::errc::invalid_request));
    FUZZ_CHECK(e.details().problems.size() == problems.size());
    if (check_secret) FUZZ_CHECK(!mentions_secret(e.what()));
  }
  FUZZ_CHECK(threw == !problems.empty());
  if (!problems.empty()) return;

  // Valid for this provider: the codec must express it.
  seedance::http::request wire_request;
  try {
    wire_request = Codec::encode_create(r, codec_options);
  } catch (const seedance::error& e) {
    if (check_secret) FUZZ_CHECK(!mentions_secret(e.what()));
    std::abort();  // validate() accepted what the codec refuses
  }
  if (strings_are_utf8) {
    std::error_code ec;
    (void)boost::json::parse(wire_request.body, ec);
    FUZZ_CHECK(!ec);
  }
  try {
    (void)seedance::http::serialize(wire_request);
  } catch (const seedance::error& e) {
    FUZZ_CHECK(e.code() == make_error_code(seedance::errc::invalid_request));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const bool check_secret = !mentions_secret(raw);
  FuzzedDataProvider in(data, size);
  bool utf8_ok = true;
  const seedance::request r = make_request(in, utf8_ok);
  // metadata and extra are the caller's own JSON, sent as given: only their strings may make a body malformed.
  const bool strings_are_utf8 = utf8_ok;

  exercise<seedance::kinovi>(r, {seedance::kinovi_schema::current}, {false}, strings_are_utf8, check_secret);
  exercise<seedance::kinovi>(r, {seedance::kinovi_schema::legacy}, {true}, strings_are_utf8, check_secret);
  exercise<seedance::aihubmax>(r, {}, {}, strings_are_utf8, check_secret);
  exercise<seedance::seedance2ink>(r, {}, {}, strings_are_utf8, check_secret);
  exercise<seedance::ark>(r, {}, {}, strings_are_utf8, check_secret);
  return 0;
}

// seedance/request.hpp - what to generate (prompt, media, options) and the checks it must pass.
//
// `request` holds run-time values (CLI flags, config files); `validate()` lists every rule it breaks for a
// provider and `check()` throws them all at once, before any network I/O. The compile-time checked twin
// `request_for<P>` (below) rejects constant models, ratios, resolutions and durations the provider does not
// offer, at compile time, with the reason in words.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/vocabulary.hpp>

#include <boost/json/object.hpp>
#include <boost/url/host_type.hpp>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace seedance {

/// A list of media URLs. A std::vector<std::string> that is built from a braced list of strings through a
/// variadic constructor instead of std::initializer_list: GCC 12 rejects an initializer_list temporary
/// inside a co_await expression ("array used as initializer"), which would break
/// `co_await client.generate({.images = {"https://..."}})`.
struct media_list : std::vector<std::string> {
  media_list() = default;
  /// From one or more strings: `{"https://a/first.png", "https://a/last.png"}`.
  template <class... Urls>
  requires(sizeof...(Urls) > 0 && (std::constructible_from<std::string, Urls&&> && ...))
      media_list(Urls&&... urls) {  // NOLINT(google-explicit-constructor): braced lists are the point
    reserve(sizeof...(Urls));
    (emplace_back(std::forward<Urls>(urls)), ...);
  }
  /// From an existing vector.
  media_list(std::vector<std::string> urls) : std::vector<std::string>(std::move(urls)) {}  // NOLINT
};

/// A generation request, provider-neutral. Unset optionals mean "the provider's default".
struct request {
  seedance::model model = model::seedance_2_0;
  std::string model_id{};  ///< raw provider model id (e.g. Ark "ep-..."); when set it is sent instead of `model`
  std::string prompt{};    ///< may address references as @image1, @video1, @audio1 (case-insensitive)
  media_list images{};     ///< frame modes: first[, last]; reference mode: reference images (<= 9)
  media_list videos{};     ///< reference videos (<= 3); forces reference mode
  media_list audios{};     ///< reference audio clips (<= 3); forces reference mode, never alone
  std::optional<generation_mode> mode{};  ///< deduced from the media when unset (see deduce_mode)
  std::optional<aspect_ratio> ratio{};
  std::optional<seedance::resolution> resolution{};
  std::optional<seedance::duration> duration{};  ///< 4..15 s, or auto_duration where the provider allows
  std::optional<std::int64_t> seed{};            ///< -1 or 0..4294967295
  std::optional<bool> generate_audio{};          ///< false: silent mp4
  bool upscale_4k = false;          ///< Kinovi legacy schema `upscaleResolution: "4k"`; elsewhere use resolution::p4k
  std::string callback_url{};       ///< provider webhook target (https)
  std::optional<bool> watermark{};  ///< Ark
  bool return_last_frame = false;   ///< Ark: also return the last frame image
  std::optional<std::chrono::seconds> expires_after{};  ///< Ark execution_expires_after (3600..259200 s)
  std::optional<bool> camera_fixed{};                   ///< Ark
  bool high_bitrate = false;                            ///< Kinovi `bitrate_mode: "high"`
  boost::json::object metadata{};                       ///< seedance2.ink free-form metadata
  boost::json::object extra{};                          ///< merged into the provider's body last (escape hatch)
};

/// The mode media alone imply: reference when any video or audio is given or more than two images,
/// first_last_frame for two images, first_frame for one, text for none. The one place modes are deduced.
constexpr generation_mode mode_from_media(std::size_t images, std::size_t videos, std::size_t audios) noexcept {
  if (videos != 0 || audios != 0 || images > 2) return generation_mode::reference;
  if (images == 2) return generation_mode::first_last_frame;
  if (images == 1) return generation_mode::first_frame;
  return generation_mode::text;
}

/// The mode a request runs in: `mode` when set, otherwise the one its media imply (mode_from_media).
inline generation_mode deduce_mode(const request& r) noexcept {
  return r.mode ? *r.mode : mode_from_media(r.images.size(), r.videos.size(), r.audios.size());
}

// ------------------------------------------------------------------------------------------------------------
// Compile-time checked request.
//
// `request_for<P>` has the fields of `request` with the same names. Model, ratio, resolution and duration have
// checked types whose `consteval` constructors refuse, at compile time, a constant the provider does not offer
// with ANY of its models; the compiler's message then contains a sentence such as
// "seedance2.ink offers only 16:9, 9:16 and 1:1". Combinations of fields (Kinovi seedance-2.0-fast at 1080p,
// seedance2.ink seedance-1.5-pro for 7 s, a mode that does not fit the media, ...) cannot be seen by one field;
// they are caught by `validate()` / `check()` at run time, before any network I/O.
//
// The checked types default to "unset: the provider's default". They are deliberately not std::optional:
// optional's converting constructor would evaluate the check at run time instead of at compile time.

/// A model that provider P offers, checked at compile time. Default: seedance-2.0, offered everywhere.
template <provider_id P>
class checked_model {
 public:
  /// seedance-2.0 (the default of `request::model`).
  constexpr checked_model() noexcept = default;
  /// Accepts a constant model P offers; any other value does not compile, and the diagnostic names the models
  /// P offers (e.g. "Kinovi offers only seedance-2.0 and seedance-2.0-fast").
  consteval checked_model(seedance::model m) : value_(m) {
    if (!capabilities_for(P).offers_model(m)) detail::refuse_with<capabilities_for(P), &capability_table::model_rule>();
  }
  /// The model. Never throws.
  constexpr seedance::model value() const noexcept { return value_; }
  /// Equal when both hold the same model.
  friend constexpr bool operator==(const checked_model&, const checked_model&) noexcept = default;

 private:
  seedance::model value_ = seedance::model::seedance_2_0;
};

/// An optional field of `request_for<P>` whose constant value is checked at compile time against what provider
/// P offers with ANY of its models. T is aspect_ratio, resolution or duration; use the aliases checked_ratio,
/// checked_resolution and checked_duration. Default-constructed (or from std::nullopt) means unset: the
/// provider's default. (One class rather than a common base class: Clang 14 crashes while generating code for
/// consteval constructors that initialise a base subobject holding a one-byte enum.)
template <provider_id P, class T>
class checked_option {
 public:
  /// Unset: the provider's default.
  constexpr checked_option() noexcept = default;
  /// Unset: the provider's default.
  constexpr checked_option(std::nullopt_t) noexcept {}
  /// Accepts a constant value some model of P offers; anything else does not compile, and the diagnostic names
  /// the offer, e.g. "seedance2.ink offers only 16:9, 9:16 and 1:1", "aihubmax offers only 480p, 720p and
  /// 1080p", "Kinovi offers durations from 4 to 15 seconds", "Kinovi does not offer auto duration; give 4 to 15
  /// seconds". Per-model limits (Kinovi seedance-2.0-fast at 1080p) are run-time checks in validate().
  consteval checked_option(T v) : value_(v), set_(true) {
    constexpr const capability_table& caps = capabilities_for(P);
    if constexpr (std::is_same_v<T, aspect_ratio>) {
      if (!caps.offers_ratio(v)) detail::refuse_with<caps, &capability_table::ratio_rule>();
    } else if constexpr (std::is_same_v<T, seedance::resolution>) {
      if (!caps.offers_resolution(v)) detail::refuse_with<caps, &capability_table::resolution_rule>();
    } else {
      static_assert(std::is_same_v<T, seedance::duration>, "checked_option holds a ratio, resolution or duration");
      if (v == auto_duration) {
        if (!caps.offers_auto_duration()) detail::refuse_with<caps, &capability_table::auto_duration_rule>();
      } else if (!caps.duration_ok(v)) {
        detail::refuse_with<caps, &capability_table::duration_rule>();
      }
    }
  }
  /// True when a value was given.
  constexpr bool has_value() const noexcept { return set_; }
  /// True when a value was given.
  constexpr explicit operator bool() const noexcept { return set_; }
  /// The value. Throws std::bad_optional_access when unset.
  constexpr T value() const {
    if (!set_) throw std::bad_optional_access{};
    return value_;
  }
  /// The value, or `fallback` when unset. Never throws.
  constexpr T value_or(T fallback) const noexcept { return set_ ? value_ : fallback; }
  /// The value as a std::optional (nullopt when unset). Never throws.
  constexpr std::optional<T> to_optional() const noexcept { return set_ ? std::optional<T>{value_} : std::nullopt; }
  /// Equal when both are unset or both hold the same value.
  friend constexpr bool operator==(const checked_option& a, const checked_option& b) noexcept {
    return a.set_ == b.set_ && (!a.set_ || a.value_ == b.value_);
  }

 private:
  T value_{};
  bool set_ = false;
};

/// An aspect ratio provider P offers, checked at compile time; default: unset.
template <provider_id P>
using checked_ratio = checked_option<P, aspect_ratio>;

/// A resolution some model of provider P offers, checked at compile time; default: unset.
template <provider_id P>
using checked_resolution = checked_option<P, resolution>;

/// A duration (whole seconds, or auto_duration) some model of provider P accepts, checked at compile time;
/// default: unset.
template <provider_id P>
using checked_duration = checked_option<P, duration>;

/// The compile-time checked twin of `request` for provider P: same field names, with model, ratio,
/// resolution and duration checked as constants (see checked_model & co). Build it with designated
/// initialisers; `to_request()` gives the run-time form, which `validate()` / `check()` still inspect for
/// cross-field rules before any network I/O.
template <provider_id P>
struct request_for {
  static constexpr provider_id provider = P;

  checked_model<P> model{};
  std::string model_id{};  ///< raw provider model id; when set it is sent instead of `model`
  std::string prompt{};
  media_list images{};
  media_list videos{};
  media_list audios{};
  std::optional<generation_mode> mode{};
  checked_ratio<P> ratio{};
  checked_resolution<P> resolution{};
  checked_duration<P> duration{};
  std::optional<std::int64_t> seed{};
  std::optional<bool> generate_audio{};
  bool upscale_4k = false;
  std::string callback_url{};
  std::optional<bool> watermark{};
  bool return_last_frame = false;
  std::optional<std::chrono::seconds> expires_after{};
  std::optional<bool> camera_fixed{};
  bool high_bitrate = false;
  boost::json::object metadata{};
  boost::json::object extra{};

  /// The run-time request with the same values (copies). Throws only bad_alloc.
  request to_request() const& { return convert(*this); }

  /// The run-time request with the same values (moves the strings, lists and objects). Throws only bad_alloc.
  request to_request() && { return convert(std::move(*this)); }

 private:
  /// Copies from an lvalue, moves from an rvalue (`std::forward<Self>(self).member` is an xvalue then).
  template <class Self>
  static request convert(Self&& self) {
    request r;
    r.model = self.model.value();
    r.model_id = std::forward<Self>(self).model_id;
    r.prompt = std::forward<Self>(self).prompt;
    r.images = std::forward<Self>(self).images;
    r.videos = std::forward<Self>(self).videos;
    r.audios = std::forward<Self>(self).audios;
    r.mode = self.mode;
    r.ratio = self.ratio.to_optional();
    r.resolution = self.resolution.to_optional();
    r.duration = self.duration.to_optional();
    r.seed = self.seed;
    r.generate_audio = self.generate_audio;
    r.upscale_4k = self.upscale_4k;
    r.callback_url = std::forward<Self>(self).callback_url;
    r.watermark = self.watermark;
    r.return_last_frame = self.return_last_frame;
    r.expires_after = self.expires_after;
    r.camera_fixed = self.camera_fixed;
    r.high_bitrate = self.high_bitrate;
    r.metadata = std::forward<Self>(self).metadata;
    r.extra = std::forward<Self>(self).extra;
    return r;
  }
};

// ------------------------------------------------------------------------------------------------------------
// Run-time validation.

/// The earlier spelling of the options of validate() and check(), kept for existing callers: it converts to
/// provider_options (`kinovi_legacy_schema = true` is `provider_options{.kinovi_schema = kinovi_schema::legacy}`).
struct validate_options {
  /// Kinovi only: check against the legacy request schema (see kinovi_legacy_capabilities).
  bool kinovi_legacy_schema = false;
  /// The same choice as provider_options. Never throws.
  constexpr operator provider_options() const noexcept {  // NOLINT(google-explicit-constructor): compatibility
    provider_options o;
    if (kinovi_legacy_schema) o.kinovi_schema = kinovi_schema::legacy;
    return o;
  }
};

namespace detail {

/// Result of scanning text as UTF-8.
struct utf8_scan_result {
  std::size_t code_points = 0;            ///< code points up to the first bad byte (or in all the text)
  std::optional<std::size_t> bad_offset;  ///< byte offset of the first byte that is not valid UTF-8
};

/// Counts the Unicode code points of `text` and finds the first invalid byte (overlong forms, surrogates and
/// values above U+10FFFF are invalid). Never throws.
constexpr utf8_scan_result scan_utf8(std::string_view text) noexcept {
  utf8_scan_result result;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t cp = 0;
    std::uint32_t min_cp = 0;
    if (lead < 0x80) {
      length = 1;
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1F, min_cp = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0F, min_cp = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07, min_cp = 0x10000;
    } else {
      result.bad_offset = i;
      return result;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        result.bad_offset = i + k < text.size() ? i + k : i;
        return result;
      }
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      result.bad_offset = i;
      return result;
    }
    ++result.code_points;
    i += length;
  }
  return result;
}

/// `text` cut to at most `max_bytes` (on a UTF-8 boundary) with "..." appended when cut.
inline std::string shorten(std::string_view text, std::size_t max_bytes = 80) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += "...";
  return out;
}

/// `url` for a problem report: shortened, with everything between "://" (or the start) and the last '@'
/// replaced, so user:password@ credentials are never echoed, even from text that does not parse as a URL.
inline std::string shown_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const std::size_t at = url.rfind('@');
  if (at == std::string_view::npos || at < authority) return shorten(url);
  std::string out(url.substr(0, authority));
  out += "[userinfo removed]";
  out += url.substr(at);
  return shorten(out);
}

constexpr bool has_space_or_control(std::string_view text) noexcept {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return true;
  }
  return false;
}

/// True when every byte is printable ASCII (0x21..0x7E): no space, control or non-ASCII byte.
constexpr bool is_printable_ascii(std::string_view text) noexcept {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  return true;
}

constexpr bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

constexpr bool iends_with(std::string_view text, std::string_view suffix) noexcept {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

inline std::string count_of(std::size_t n, std::string_view noun) {
  std::string out = std::to_string(n);
  out += ' ';
  out += noun;
  if (n != 1) out += 's';
  return out;
}

/// Collects problems for one validation run.
class problem_collector {
 public:
  void add(std::string field, std::string rule, std::string value) {
    problems_.push_back(problem{std::move(field), std::move(rule), std::move(value)});
  }
  std::vector<problem> take() && { return std::move(problems_); }

 private:
  std::vector<problem> problems_;
};

/// True for 127.0.0.0/8, ::1 and "localhost".
inline bool is_loopback_host(const boost::urls::url_view& u) {
  switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
      return (u.host_ipv4_address().to_uint() >> 24) == 127;
    case boost::urls::host_type::ipv6:
      return u.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return iequals(u.encoded_host(), "localhost");
    default:
      return false;
  }
}

/// Media kinds as seedance2.ink tells them apart: by the extension of the URL path.
inline bool has_extension_of_kind(const boost::urls::url_view& u, std::string_view kind) {
  const std::string_view path = u.encoded_path();
  const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  const auto any_of = [&](std::initializer_list<std::string_view> exts) {
    for (std::string_view e : exts)
      if (iends_with(name, e)) return true;
    return false;
  };
  if (kind == "images") return any_of({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"});
  if (kind == "videos") return any_of({".mp4", ".mov", ".m4v"});
  return any_of({".mp3", ".wav"});
}

/// "JPEG, PNG and WebP": the formats of `set`, in declaration order.
inline std::string format_list(enum_set<media_format> set) {
  std::string out;
  std::size_t left = set.size();
  for (unsigned f = 0; f < 32 && left != 0; ++f) {
    if (!set.contains(static_cast<media_format>(f))) continue;
    if (!out.empty()) out += left == 1 ? " and " : ", ";
    --left;
    out += to_string(static_cast<media_format>(f));
  }
  return out;
}

/// Adds a problem when the extension of URL `value` names a format the provider does not accept for `kind`
/// ("images", "videos", "audios"), or a format of another kind. URLs without a known extension are left to the
/// provider.
inline void check_media_format(const capability_table& caps, std::string_view kind, const std::string& field,
                               std::string_view value, problem_collector& out) {
  const auto format = format_from_url(value);
  if (!format) return;
  const media_rules_table& m = caps.media_files;
  const enum_set<media_format> accepted = kind == "images"   ? m.image_formats
                                          : kind == "videos" ? m.video_formats
                                                             : m.audio_formats;
  if (accepted.empty() || accepted.contains(*format)) return;
  const std::string_view noun = kind == "images" ? "images" : kind == "videos" ? "videos" : "audio clips";
  out.add(field,
          std::string(caps.display_name) + " accepts " + format_list(accepted) + " " + std::string(noun) +
              "; this URL's extension says " + std::string(to_string(*format)),
          shown_url(value));
}

inline void check_media(const capability_table& caps, std::string_view kind, std::size_t index, std::string_view value,
                        problem_collector& out) {
  std::string field(kind);
  field += '[';
  field += std::to_string(index);
  field += ']';
  const std::string name(caps.display_name);
  if (value.empty()) return out.add(std::move(field), "must not be empty", "");
  if (istarts_with(value, "data:")) {
    const std::string shown = "data:... (" + std::to_string(value.size()) + " bytes)";
    if (!caps.supports(feature::data_uri_media))
      return out.add(std::move(field), name + " does not accept data: URIs; give an http(s) URL", shown);
    const std::size_t comma = value.find(',');
    // The URI is sent inside a JSON string: bytes outside printable ASCII would make the body malformed.
    if (comma == std::string_view::npos || value.substr(0, comma).find(";base64") == std::string_view::npos ||
        comma + 1 == value.size() || !is_printable_ascii(value))
      out.add(std::move(field), "a data: URI must have the form data:<media type>;base64,<data> in printable ASCII",
              shown);
    return;
  }
  if (istarts_with(value, "asset://")) {
    if (!caps.supports(feature::asset_media))
      return out.add(std::move(field), name + " does not accept asset:// ids; give an http(s) URL", shown_url(value));
    const std::string_view id = value.substr(8);
    if (id.empty() || has_space_or_control(id) || scan_utf8(id).bad_offset)
      out.add(std::move(field), "an asset id must be asset://<id> in UTF-8 without spaces or control characters",
              shown_url(value));
    return;
  }
  const auto parsed = boost::urls::parse_absolute_uri(value);
  if (!parsed) return out.add(std::move(field), "must be an absolute http or https URL", shown_url(value));
  const boost::urls::url_view& u = *parsed;
  const bool https = u.scheme_id() == boost::urls::scheme::https;
  if (!https && u.scheme_id() != boost::urls::scheme::http)
    return out.add(std::move(field), "must be an absolute http or https URL", shown_url(value));
  if (u.encoded_host().empty()) return out.add(std::move(field), "a media URL must name a host", shown_url(value));
  if (u.has_userinfo())
    return out.add(std::move(field), "a media URL must not carry user:password@ credentials", "[userinfo removed]");
  if (caps.media_files.https_only && !https)
    return out.add(std::move(field), name + " accepts only https media URLs", shown_url(value));
  if (caps.media_files.kind_from_extension && !has_extension_of_kind(u, kind)) {
    const char* what = kind == "images"   ? ": an image URL must end in .jpg, .jpeg, .png, .webp, .gif or .bmp"
                       : kind == "videos" ? ": a video URL must end in .mp4, .mov or .m4v"
                                          : ": an audio URL must end in .mp3 or .wav";
    return out.add(std::move(field), name + " tells media apart by extension" + what, shown_url(value));
  }
  check_media_format(caps, kind, field, value, out);
}

/// Checks that every @imageN / @videoN / @audioN tag (case-insensitive) names a reference that exists.
inline void check_prompt_tags(const request& r, problem_collector& out) {
  const std::string_view prompt = r.prompt;
  struct kind_info {
    std::string_view word;
    std::size_t count;
  };
  const kind_info kinds[] = {{"image", r.images.size()}, {"video", r.videos.size()}, {"audio", r.audios.size()}};
  for (std::size_t at = prompt.find('@'); at != std::string_view::npos; at = prompt.find('@', at + 1)) {
    for (const kind_info& k : kinds) {
      const std::string_view rest = prompt.substr(at + 1);
      if (!istarts_with(rest, k.word)) continue;
      std::size_t digits = 0;
      std::uint64_t index = 0;
      while (k.word.size() + digits < rest.size() && digits < 9 && rest[k.word.size() + digits] >= '0' &&
             rest[k.word.size() + digits] <= '9') {
        index = index * 10 + static_cast<std::uint64_t>(rest[k.word.size() + digits] - '0');
        ++digits;
      }
      if (digits == 0) continue;  // "@image" alone is ordinary text
      if (index >= 1 && index <= k.count) continue;
      const std::string tag(prompt.substr(at, 1 + k.word.size() + digits));
      out.add("prompt",
              tag + " names a reference that does not exist: the request has " + count_of(k.count, k.word) +
                  " (tags count from 1)",
              tag);
    }
  }
}

inline std::string feature_rule(const capability_table& caps, feature f) {
  std::string rule(caps.display_name);
  rule += " does not support ";
  rule += describe(f);
  return rule;
}

}  // namespace detail

/// Checks `r` against everything provider `p` is known to accept and returns every problem found (empty:
/// valid). Runs before any network I/O; pure; thread-safe. Throws only bad_alloc.
///
/// Rules: model offered (a raw `model_id` skips the model tables, falls back to what any model offers, and must
/// not contain whitespace or control characters); prompt valid UTF-8 (the problem names the byte offset), within
/// the provider's limit in code points, present where required; @imageN/@videoN/@audioN tags name existing
/// references; media are absolute http(s) URLs without userinfo (data: URIs and asset:// ids only on Ark;
/// https with a known extension on seedance2.ink), within the per-kind and total counts; the mode (explicit or
/// deduced) fits the media (one image for first-frame, two for first-last-frame, none for text, at least one
/// image or video for reference; audio never alone) and the model; ratio, resolution (per model, 4K rules) and
/// duration (per model; auto only where allowed); seed in -1..4294967295 and only where supported;
/// generate_audio=false, callback URL (https; http only for loopback hosts), upscale_4k, high_bitrate, metadata
/// and the Ark task options only where supported; expires_after within 3600..259200 s; `extra` keys non-empty.
/// `extra` may override any body field on purpose (it is the escape hatch); its contents are not checked.
inline std::vector<problem> validate(provider_id p, const request& r, const provider_options& options = {}) {
  const capability_table& caps = capabilities_for(p, options);
  const std::string name(caps.display_name);
  const generation_mode mode = deduce_mode(r);
  detail::problem_collector out;

  // Model.
  const bool raw_model = !r.model_id.empty();
  if (raw_model) {
    if (detail::has_space_or_control(r.model_id) || detail::scan_utf8(r.model_id).bad_offset)
      out.add("model_id", "must be UTF-8 without whitespace or control characters", detail::shorten(r.model_id));
  } else if (!caps.offers_model(r.model)) {
    out.add("model", std::string(caps.model_rule), std::string(to_string(r.model)));
  }
  const bool per_model = !raw_model && caps.offers_model(r.model);
  const model_capability& mc = caps.of(r.model);

  // Prompt.
  const auto utf8 = detail::scan_utf8(r.prompt);
  if (utf8.bad_offset) {
    out.add("prompt", "must be valid UTF-8; the byte at offset " + std::to_string(*utf8.bad_offset) + " is not",
            "byte offset " + std::to_string(*utf8.bad_offset));
  } else if (const std::size_t limit = caps.max_prompt_code_points; limit != 0 && utf8.code_points > limit) {
    out.add("prompt", name + " accepts at most " + std::to_string(limit) + " Unicode code points",
            std::to_string(utf8.code_points) + " code points");
  }
  if (r.prompt.empty() && caps.requires_prompt(mode))
    out.add("prompt", name + " requires a prompt in " + std::string(to_string(mode)) + " mode", "");
  detail::check_prompt_tags(r, out);

  // Media references.
  for (std::size_t i = 0; i < r.images.size(); ++i) detail::check_media(caps, "images", i, r.images[i], out);
  for (std::size_t i = 0; i < r.videos.size(); ++i) detail::check_media(caps, "videos", i, r.videos[i], out);
  for (std::size_t i = 0; i < r.audios.size(); ++i) detail::check_media(caps, "audios", i, r.audios[i], out);
  const auto over = [&](const char* field, std::size_t count, int max, const char* noun) {
    if (count > static_cast<std::size_t>(max))
      out.add(field, name + " accepts at most " + detail::count_of(static_cast<std::size_t>(max), noun),
              std::to_string(count));
  };
  over("images", r.images.size(), caps.media.max_images, "image");
  over("videos", r.videos.size(), caps.media.max_videos, "video");
  over("audios", r.audios.size(), caps.media.max_audios, "audio clip");
  const std::size_t total = r.images.size() + r.videos.size() + r.audios.size();
  if (caps.media.max_total != 0 && total > static_cast<std::size_t>(caps.media.max_total))
    out.add("media", std::string(caps.media.total_rule), std::to_string(total) + " files");

  // Mode against media and model.
  const bool no_frames_media = r.videos.empty() && r.audios.empty();
  switch (mode) {
    case generation_mode::text:
      if (total != 0) out.add("mode", "text mode takes no images, videos or audio", "text");
      break;
    case generation_mode::first_frame:
      if (r.images.size() != 1)
        out.add("images", "first-frame mode takes exactly one image", std::to_string(r.images.size()));
      if (!no_frames_media) out.add("mode", "first-frame mode takes no videos or audio", "first-frame");
      break;
    case generation_mode::first_last_frame:
      if (r.images.size() != 2)
        out.add("images", "first-last-frame mode takes exactly two images (first and last frame)",
                std::to_string(r.images.size()));
      if (!no_frames_media) out.add("mode", "first-last-frame mode takes no videos or audio", "first-last-frame");
      break;
    case generation_mode::reference:
      if (total == 0) out.add("mode", "reference mode needs at least one image or video", "reference");
      break;
  }
  if (caps.infers_mode_from_media && r.mode) {
    if (const auto inferred = mode_from_media(r.images.size(), r.videos.size(), r.audios.size()); inferred != *r.mode)
      out.add("mode",
              name + " infers the mode from the media; these media would run as " + std::string(to_string(inferred)),
              std::string(to_string(*r.mode)));
  }
  if (!r.audios.empty() && r.images.empty() && r.videos.empty())
    out.add("audios", "audio cannot be the only reference; add an image or a video", std::to_string(r.audios.size()));
  if (per_model && !mc.modes.contains(mode)) out.add("mode", std::string(mc.mode_rule), std::string(to_string(mode)));

  // Ratio, resolution, duration.
  if (r.ratio && !caps.offers_ratio(*r.ratio))
    out.add("ratio", std::string(caps.ratio_rule), std::string(to_string(*r.ratio)));
  if (r.resolution) {
    const seedance::resolution res = *r.resolution;
    if (per_model && !mc.resolutions.contains(res))
      out.add("resolution", std::string(mc.resolution_rule), std::string(to_string(res)));
    else if (!per_model && !caps.offers_resolution(res))
      out.add("resolution", std::string(caps.resolution_rule), std::string(to_string(res)));
  }
  if (r.duration) {
    const seedance::duration d = *r.duration;
    if (d == auto_duration) {
      if (!(per_model ? caps.offers_auto_duration(r.model) : caps.offers_auto_duration()))
        out.add("duration", std::string(caps.auto_duration_rule), "auto (-1 s)");
    } else if (per_model ? !mc.durations.contains(d) : !caps.duration_ok(d)) {
      out.add("duration", std::string(per_model ? mc.duration_rule : caps.duration_rule),
              std::to_string(d.count()) + " s");
    }
  }

  // Optional settings.
  if (r.seed) {
    if (*r.seed < -1 || *r.seed > 4294967295LL)
      out.add("seed", "must be -1 (random) or 0..4294967295", std::to_string(*r.seed));
    if (!caps.supports(feature::seed))
      out.add("seed", detail::feature_rule(caps, feature::seed), std::to_string(*r.seed));
  }
  if (r.generate_audio == false) {
    if (!caps.supports(feature::audio_toggle))
      out.add("generate_audio", detail::feature_rule(caps, feature::audio_toggle), "false");
  }
  if (r.upscale_4k && !caps.supports(feature::upscale_4k))
    out.add("upscale_4k", name + " does not support 4k upscaling; use resolution 4k where the model offers it", "true");
  if (r.high_bitrate) {
    if (!caps.supports(feature::high_bitrate))
      out.add("high_bitrate", detail::feature_rule(caps, feature::high_bitrate), "true");
  }
  if (!r.callback_url.empty()) {
    if (!caps.supports(feature::webhook)) {
      out.add("callback_url", detail::feature_rule(caps, feature::webhook), detail::shown_url(r.callback_url));
    } else if (const auto parsed = boost::urls::parse_absolute_uri(r.callback_url); !parsed) {
      out.add("callback_url", "must be an absolute https URL", detail::shown_url(r.callback_url));
    } else if (parsed->has_userinfo()) {
      out.add("callback_url", "must not carry user:password@ credentials", "[userinfo removed]");
    } else if (parsed->encoded_host().empty() ||
               !(parsed->scheme_id() == boost::urls::scheme::https ||
                 (parsed->scheme_id() == boost::urls::scheme::http && detail::is_loopback_host(*parsed)))) {
      out.add("callback_url", "must be an https URL (http only for loopback hosts)", detail::shown_url(r.callback_url));
    }
  }
  if (!r.metadata.empty() && !caps.supports(feature::metadata))
    out.add("metadata", detail::feature_rule(caps, feature::metadata), std::to_string(r.metadata.size()) + " keys");
  if (r.watermark && !caps.supports(feature::watermark))
    out.add("watermark", detail::feature_rule(caps, feature::watermark), *r.watermark ? "true" : "false");
  if (r.return_last_frame && !caps.supports(feature::last_frame))
    out.add("return_last_frame", detail::feature_rule(caps, feature::last_frame), "true");
  if (r.camera_fixed && !caps.supports(feature::camera_fixed))
    out.add("camera_fixed", detail::feature_rule(caps, feature::camera_fixed), *r.camera_fixed ? "true" : "false");
  if (r.expires_after) {
    const auto seconds = r.expires_after->count();
    if (!caps.supports(feature::execution_expiry))
      out.add("expires_after", detail::feature_rule(caps, feature::execution_expiry), std::to_string(seconds) + " s");
    else if (seconds < 3600 || seconds > 259200)
      out.add("expires_after", "must be 3600..259200 seconds (1 hour to 3 days)", std::to_string(seconds) + " s");
  }
  for (const auto& entry : r.extra)
    if (entry.key().empty()) out.add("extra", "keys must not be empty", "\"\"");

  return std::move(out).take();
}

/// validate() with the earlier options type (`{.kinovi_legacy_schema = true}`). A template so that a plain `{}`
/// picks the provider_options overload. Throws only bad_alloc.
template <class Options = validate_options>
requires std::same_as<Options, validate_options> std::vector<problem> validate(provider_id p, const request& r,
                                                                               const Options& options) {
  return validate(p, r, static_cast<provider_options>(options));
}

/// Same as `validate(Provider::id, r, options)`, for a provider type such as `seedance::kinovi`.
template <class Provider>
std::vector<problem> validate(const request& r, const provider_options& options = {}) {
  return validate(Provider::id, r, options);
}

/// Validates a compile-time checked request for its cross-field rules. Throws only bad_alloc.
template <provider_id P>
std::vector<problem> validate(const request_for<P>& r, const provider_options& options = {}) {
  return validate(P, r.to_request(), options);
}

/// One line listing every problem: "invalid request: ratio: seedance2.ink offers only 16:9, 9:16 and 1:1 (got
/// 4:3); duration: ...". Throws only bad_alloc.
inline std::string describe(const std::vector<problem>& problems) {
  std::string text = "invalid request: ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const problem& pr = problems[i];
    if (i != 0) text += "; ";
    text += pr.field;
    text += ": ";
    text += pr.rule;
    if (!pr.value.empty()) {
      text += " (got ";
      text += pr.value;
      text += ')';
    }
  }
  return text;
}

/// Validates `r` for provider `p` and throws seedance::error(errc::invalid_request) when anything is wrong:
/// details().problems holds every problem and what() lists them all (see describe()). Before any I/O;
/// thread-safe.
inline void check(provider_id p, const request& r, const provider_options& options = {}) {
  std::vector<problem> problems = validate(p, r, options);
  if (problems.empty()) return;
  std::string what = describe(problems);
  error_details details;
  details.problems = std::move(problems);
  throw error(errc::invalid_request, std::move(what), std::move(details));
}

/// check() with the earlier options type (`{.kinovi_legacy_schema = true}`). Throws seedance::error
/// (errc::invalid_request). A template so that a plain `{}` picks the provider_options overload.
template <class Options = validate_options>
requires std::same_as<Options, validate_options>
void check(provider_id p, const request& r, const Options& options) {
  check(p, r, static_cast<provider_options>(options));
}

/// Same as `check(Provider::id, r, options)`. Throws seedance::error(errc::invalid_request).
template <class Provider>
void check(const request& r, const provider_options& options = {}) {
  check(Provider::id, r, options);
}

/// Checks a compile-time checked request for its cross-field rules. Throws seedance::error(errc::invalid_request).
template <provider_id P>
void check(const request_for<P>& r, const provider_options& options = {}) {
  check(P, r.to_request(), options);
}

}  // namespace seedance

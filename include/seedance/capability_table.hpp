// seedance/capability_table.hpp - the shape of what a provider offers: the types every provider folder fills
// in (include/seedance/providers/<name>/capabilities.hpp) and the generic checks read. No Asio, no OpenSSL, no
// Boost.
//
// Every rule comes with a sentence fit for a diagnostic ("seedance2.ink offers only 16:9, 9:16 and 1:1"),
// written once, in the provider's table: the run-time checks report it, and a failed compile-time check prints
// it (detail::refuse_with).
#pragma once

#include <seedance/media_format.hpp>
#include <seedance/vocabulary.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace seedance {
namespace detail {
/// Up to 32 one-bit members with union and equality: what enum_set and duration_set share. Fully constexpr.
template <class Set>
class bit_set {
 public:
  /// True when the set holds nothing.
  constexpr bool empty() const noexcept { return bits_ == 0; }
  /// Number of members.
  constexpr std::size_t size() const noexcept {
    std::size_t n = 0;
    for (std::uint32_t b = bits_; b != 0; b &= b - 1) ++n;
    return n;
  }
  /// The union of two sets.
  friend constexpr Set operator|(Set a, Set b) noexcept {
    Set r;
    r.bits_ = a.bits_ | b.bits_;
    return r;
  }
  /// Equal when both hold the same members.
  friend constexpr bool operator==(const bit_set&, const bit_set&) noexcept = default;

 protected:
  constexpr void insert(unsigned position) noexcept { bits_ |= std::uint32_t{1} << position; }
  constexpr bool has(unsigned position) const noexcept {
    return position < 32 && (bits_ & (std::uint32_t{1} << position)) != 0;
  }
  std::uint32_t bits_ = 0;
};
}  // namespace detail

/// A fixed-size set of enum values (one bit per value; enums of up to 32 values). Fully constexpr.
template <class Enum>
class enum_set : public detail::bit_set<enum_set<Enum>> {
 public:
  constexpr enum_set() noexcept = default;
  /// The set holding exactly `values`.
  constexpr enum_set(std::initializer_list<Enum> values) noexcept {
    for (Enum v : values) this->insert(static_cast<unsigned>(v));
  }
  /// True when `v` is in the set.
  constexpr bool contains(Enum v) const noexcept { return this->has(static_cast<unsigned>(v)); }
};

/// The whole-second durations a model accepts (0..31 s; one bit per second). Auto duration (-1 s) is a
/// separate flag of `model_capability`.
class duration_set : public detail::bit_set<duration_set> {
 public:
  constexpr duration_set() noexcept = default;
  /// Every whole second from `first` to `last` inclusive (0 <= first <= last <= 31).
  static constexpr duration_set range(int first, int last) noexcept {
    duration_set s;
    for (int i = first; i <= last; ++i) s.insert(static_cast<unsigned>(i));
    return s;
  }
  /// Exactly the listed seconds (each 0..31).
  static constexpr duration_set of(std::initializer_list<int> seconds) noexcept {
    duration_set s;
    for (int i : seconds) s.insert(static_cast<unsigned>(i));
    return s;
  }
  /// True when `d` (whole seconds) is in the set. Never true for auto_duration.
  constexpr bool contains(duration d) const noexcept { return d.count() >= 0 && has(static_cast<unsigned>(d.count())); }
  /// Shortest duration in the set (0 s when empty).
  constexpr duration min() const noexcept {
    for (unsigned i = 0; i < 32; ++i)
      if (has(i)) return duration{i};
    return duration{0};
  }
  /// Longest duration in the set (0 s when empty).
  constexpr duration max() const noexcept {
    for (unsigned i = 32; i-- > 0;)
      if (has(i)) return duration{i};
    return duration{0};
  }
};

/// Optional abilities and settings a provider may or may not have.
enum class feature : std::uint8_t {
  cancel,            ///< remote cancel of a task
  progress,          ///< 0..100 progress while running
  webhook,           ///< a callback URL for the provider to notify
  seed,              ///< a seed setting
  audio_toggle,      ///< generate_audio = false (silent output)
  native_4k,         ///< resolution::p4k
  upscale_4k,        ///< request::upscale_4k (Kinovi legacy schema only)
  list,              ///< listing past tasks
  data_uri_media,    ///< media given inline as data: URIs
  asset_media,       ///< media given as asset://<id>
  high_bitrate,      ///< request::high_bitrate
  metadata,          ///< request::metadata stored with the task
  watermark,         ///< request::watermark
  last_frame,        ///< request::return_last_frame
  execution_expiry,  ///< request::expires_after
  camera_fixed,      ///< request::camera_fixed
};

/// A few words naming a feature, fit for "<provider> does not support <words>". Never throws.
constexpr std::string_view describe(feature f) noexcept {
  switch (f) {
    case feature::cancel:
      return "cancelling tasks";
    case feature::progress:
      return "progress reports";
    case feature::webhook:
      return "a callback URL";
    case feature::seed:
      return "a seed";
    case feature::audio_toggle:
      return "turning generated audio off";
    case feature::native_4k:
      return "native 4k output";
    case feature::upscale_4k:
      return "4k upscaling";
    case feature::list:
      return "listing tasks";
    case feature::data_uri_media:
      return "data: URIs as media";
    case feature::asset_media:
      return "asset:// ids as media";
    case feature::high_bitrate:
      return "high bitrate output";
    case feature::metadata:
      return "request metadata";
    case feature::watermark:
      return "a watermark setting";
    case feature::last_frame:
      return "returning the last frame";
    case feature::execution_expiry:
      return "an execution expiry";
    case feature::camera_fixed:
      return "a fixed camera setting";
  }
  return "this feature";
}

/// What a provider offers for one model.
struct model_capability {
  seedance::model model = model::seedance_2_0;
  bool offered = false;
  enum_set<resolution> resolutions{};
  /// Resolutions the provider's catalog lists but its API document does not: accepted, and every estimate and
  /// the README say so.
  enum_set<resolution> catalog_only_resolutions{};
  duration_set durations{};
  bool auto_duration = false;  ///< duration -1 s (model chooses) accepted
  enum_set<generation_mode> modes{};
  std::string_view resolution_rule{};  ///< e.g. "Kinovi offers seedance-2.0-fast only at 480p and 720p"
  std::string_view duration_rule{};    ///< e.g. "seedance2.ink offers seedance-1.5-pro only at 5 or 10 seconds"
  std::string_view mode_rule{};        ///< e.g. "Ark offers reference mode only with seedance-2.0 and ..."
};

/// Media count limits of one request. 0 in `max_total` means no combined limit beyond the per-kind ones.
struct media_limits {
  int max_images = 0;
  int max_videos = 0;
  int max_audios = 0;
  int max_total = 0;
  std::string_view total_rule{};  ///< sentence for the combined limit, empty when there is none
};

/// What media files a provider accepts: formats per kind, and the published size and length limits (0: none
/// published). Sizes in bytes, inclusive ("under 50 MB" is 49,999,999).
struct media_rules_table {
  enum_set<media_format> image_formats{};
  enum_set<media_format> video_formats{};
  enum_set<media_format> audio_formats{};
  std::uint64_t max_image_bytes = 0;
  std::uint64_t max_video_bytes = 0;
  std::uint64_t max_audio_bytes = 0;
  std::uint64_t max_request_bytes = 0;  ///< the whole create body (inline data: URIs count)
  int max_video_seconds = 0;            ///< per reference video
  int max_audio_seconds_total = 0;      ///< all reference audio together
  bool https_only = false;              ///< media URLs must be https
  bool kind_from_extension = false;     ///< the provider tells images, videos and audio apart by URL extension
};

/// Everything the library knows a provider offers. One constexpr instance per provider.
struct capability_table {
  provider_id id = provider_id::kinovi;
  std::string_view display_name{};                ///< "Kinovi", "aihubmax", "seedance2.ink", "BytePlus/Volcengine Ark"
  std::string_view default_base_url{};            ///< the API's base URL, path included
  std::string_view api_key_env{};                 ///< the environment variable that holds the API key
  std::array<model_capability, 3> models{};       ///< indexed by the value of `seedance::model`
  enum_set<aspect_ratio> ratios{};                ///< the same for every model
  media_limits media{};                           ///< per request
  media_rules_table media_files{};                ///< formats, sizes, lengths
  std::size_t max_prompt_code_points = 0;         ///< 0: no limit the library enforces
  std::size_t legacy_max_prompt_code_points = 0;  ///< Kinovi legacy schema; 0 when not applicable
  enum_set<generation_mode> prompt_required{};    ///< modes in which an empty prompt is refused
  enum_set<feature> features{};
  /// The provider picks the mode from the media alone (seedance2.ink): an explicit mode must match that choice.
  bool infers_mode_from_media = false;
  std::string_view model_rule{};          ///< e.g. "Kinovi offers only seedance-2.0 and seedance-2.0-fast"
  std::string_view ratio_rule{};          ///< e.g. "seedance2.ink offers only 16:9, 9:16 and 1:1"
  std::string_view resolution_rule{};     ///< across all models
  std::string_view duration_rule{};       ///< across all models
  std::string_view auto_duration_rule{};  ///< why -1 s is refused (or the offer when accepted)

  /// The entry of model `m` (check `offered`).
  constexpr const model_capability& of(model m) const noexcept { return models[static_cast<std::size_t>(m)]; }
  /// True when the provider offers model `m`.
  constexpr bool offers_model(model m) const noexcept { return of(m).offered; }
  /// True when model `m` is offered at resolution `r`.
  constexpr bool offers_resolution(model m, resolution r) const noexcept {
    return of(m).offered && of(m).resolutions.contains(r);
  }
  /// True when any offered model runs at resolution `r`.
  constexpr bool offers_resolution(resolution r) const noexcept {
    for (const auto& mc : models)
      if (mc.offered && mc.resolutions.contains(r)) return true;
    return false;
  }
  /// True when the provider accepts aspect ratio `r`.
  constexpr bool offers_ratio(aspect_ratio r) const noexcept { return ratios.contains(r); }
  /// True when model `m` accepts duration `d` (auto_duration included where allowed).
  constexpr bool duration_ok(model m, duration d) const noexcept {
    if (!of(m).offered) return false;
    if (d == auto_duration) return of(m).auto_duration;
    return of(m).durations.contains(d);
  }
  /// True when any offered model accepts duration `d`.
  constexpr bool duration_ok(duration d) const noexcept {
    for (const auto& mc : models)
      if (mc.offered && duration_ok(mc.model, d)) return true;
    return false;
  }
  /// True when model `m` accepts auto duration (-1 s).
  constexpr bool offers_auto_duration(model m) const noexcept { return of(m).offered && of(m).auto_duration; }
  /// True when any offered model accepts auto duration (-1 s).
  constexpr bool offers_auto_duration() const noexcept { return duration_ok(auto_duration); }
  /// True when model `m` runs in mode `g`.
  constexpr bool offers_mode(model m, generation_mode g) const noexcept {
    return of(m).offered && of(m).modes.contains(g);
  }
  /// True when the provider has feature `f`.
  constexpr bool supports(feature f) const noexcept { return features.contains(f); }
  /// True when an empty prompt is refused in mode `g`.
  constexpr bool requires_prompt(generation_mode g) const noexcept { return prompt_required.contains(g); }
  /// The prompt limit in Unicode code points (0: none enforced); `legacy_schema` selects Kinovi's old limit.
  constexpr std::size_t prompt_limit(bool legacy_schema = false) const noexcept {
    return legacy_schema && legacy_max_prompt_code_points != 0 ? legacy_max_prompt_code_points : max_prompt_code_points;
  }
};

namespace detail {

/// Deliberately not constexpr: reaching a call during constant evaluation makes the compiler stop and print
/// the call, with the sentence passed to it. Never defined; never called at run time.
void compile_time_error(const char* sentence);

/// A sentence as a template argument, so that GCC prints it in the diagnostic of a failed compile-time check.
template <std::size_t N>
struct fixed_sentence {
  char text[N + 1]{};
  consteval fixed_sentence(std::string_view s) {  // NOLINT(google-explicit-constructor): used in template arguments
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
};

/// Stops a compile-time check showing `sentence`: GCC prints the template argument, Clang the call's argument.
template <fixed_sentence Sentence>
constexpr void refuse(const char* sentence) {
  compile_time_error(sentence);
}

/// Stops a compile-time check with the sentence `Table.*Rule` (a rule of a provider's table). Only reached
/// during constant evaluation.
template <const capability_table& Table, std::string_view capability_table::*Rule>
constexpr void refuse_with() {
  constexpr std::string_view sentence = Table.*Rule;
  refuse<fixed_sentence<sentence.size()>(sentence)>(sentence.data());
}

/// Common sets for the provider tables.
inline constexpr enum_set<generation_mode> all_modes{generation_mode::text, generation_mode::first_frame,
                                                     generation_mode::first_last_frame, generation_mode::reference};
inline constexpr enum_set<generation_mode> frame_modes{generation_mode::text, generation_mode::first_frame,
                                                       generation_mode::first_last_frame};
inline constexpr enum_set<resolution> up_to_720p{resolution::p480, resolution::p720};
inline constexpr enum_set<resolution> up_to_1080p{resolution::p480, resolution::p720, resolution::p1080};
inline constexpr enum_set<resolution> up_to_4k{resolution::p480, resolution::p720, resolution::p1080, resolution::p4k};
inline constexpr enum_set<aspect_ratio> fixed_ratios{aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1,
                                                     aspect_ratio::r4_3,  aspect_ratio::r3_4,  aspect_ratio::r21_9};
inline constexpr enum_set<aspect_ratio> all_ratios = fixed_ratios | enum_set<aspect_ratio>{aspect_ratio::adaptive};
inline constexpr enum_set<media_format> common_image_formats{media_format::jpeg, media_format::png, media_format::webp};
inline constexpr enum_set<media_format> common_video_formats{media_format::mp4, media_format::mov};
inline constexpr enum_set<media_format> common_audio_formats{media_format::mp3, media_format::wav};

/// A model the provider does not offer.
constexpr model_capability not_offered(model m) noexcept { return model_capability{.model = m}; }

}  // namespace detail

}  // namespace seedance

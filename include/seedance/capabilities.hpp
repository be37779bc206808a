// seedance/capabilities.hpp - what each provider offers, as constexpr tables, for compile-time and run-time
// checks. No Asio, no OpenSSL, no Boost.
//
// One `capability_table` per provider: models, and per model the resolutions, durations and modes; aspect
// ratios; media limits; prompt length; optional features. Every check comes with a sentence fit for a
// diagnostic ("seedance2.ink offers only 16:9, 9:16 and 1:1"). The sentences that compile-time checks can
// report are written as string literals inside `detail::say(...)` calls so that GCC and Clang print them in
// the error message.
#pragma once

#include <seedance/vocabulary.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace seedance {

/// The providers the library speaks to.
enum class provider_id : std::uint8_t { kinovi, aihubmax, seedance2ink, ark };

/// Every provider, in declaration order.
inline constexpr std::array<provider_id, 4> all_providers{provider_id::kinovi, provider_id::aihubmax,
                                                          provider_id::seedance2ink, provider_id::ark};

/// Every model the vocabulary knows, in declaration order.
inline constexpr std::array<model, 3> all_models{model::seedance_2_0, model::seedance_2_0_fast,
                                                 model::seedance_1_5_pro};

/// The library's run-time name of a provider: "kinovi", "aihubmax", "seedance2ink", "ark". Never throws.
constexpr std::string_view to_string(provider_id p) noexcept {
  switch (p) {
    case provider_id::kinovi:
      return "kinovi";
    case provider_id::aihubmax:
      return "aihubmax";
    case provider_id::seedance2ink:
      return "seedance2ink";
    case provider_id::ark:
      return "ark";
  }
  return "?";
}

/// Parses a provider name case-insensitively ("kinovi", "aihubmax", "seedance2ink" or "seedance2.ink",
/// "ark", "byteplus", "volcengine"). Returns nullopt for anything else. Never throws.
constexpr std::optional<provider_id> parse_provider_id(std::string_view text) noexcept {
  for (provider_id p : all_providers)
    if (detail::iequals(text, to_string(p))) return p;
  if (detail::iequals(text, "seedance2.ink")) return provider_id::seedance2ink;
  if (detail::iequals(text, "byteplus") || detail::iequals(text, "volcengine")) return provider_id::ark;
  return std::nullopt;
}

/// A fixed-size set of enum values (one bit per value; enums of up to 32 values). Fully constexpr.
template <class Enum>
class enum_set {
 public:
  constexpr enum_set() noexcept = default;
  /// The set holding exactly `values`.
  constexpr enum_set(std::initializer_list<Enum> values) noexcept {
    for (Enum v : values) bits_ |= bit(v);
  }
  /// True when `v` is in the set.
  constexpr bool contains(Enum v) const noexcept { return (bits_ & bit(v)) != 0; }
  /// True when the set holds nothing.
  constexpr bool empty() const noexcept { return bits_ == 0; }
  /// Number of values in the set.
  constexpr std::size_t size() const noexcept {
    std::size_t n = 0;
    for (std::uint32_t b = bits_; b != 0; b &= b - 1) ++n;
    return n;
  }
  /// The union of two sets.
  friend constexpr enum_set operator|(enum_set a, enum_set b) noexcept {
    enum_set r;
    r.bits_ = a.bits_ | b.bits_;
    return r;
  }
  /// Equal when both hold the same values.
  friend constexpr bool operator==(enum_set, enum_set) noexcept = default;

 private:
  static constexpr std::uint32_t bit(Enum v) noexcept { return std::uint32_t{1} << static_cast<unsigned>(v); }
  std::uint32_t bits_ = 0;
};

/// The whole-second durations a model accepts (0..31 s; one bit per second). Auto duration (-1 s) is a
/// separate flag of `model_capability`.
class duration_set {
 public:
  constexpr duration_set() noexcept = default;
  /// Every whole second from `first` to `last` inclusive (0 <= first <= last <= 31).
  static constexpr duration_set range(int first, int last) noexcept {
    duration_set s;
    for (int i = first; i <= last; ++i) s.bits_ |= std::uint32_t{1} << i;
    return s;
  }
  /// Exactly the listed seconds (each 0..31).
  static constexpr duration_set of(std::initializer_list<int> seconds) noexcept {
    duration_set s;
    for (int i : seconds) s.bits_ |= std::uint32_t{1} << i;
    return s;
  }
  /// True when `d` (whole seconds) is in the set. Never true for auto_duration.
  constexpr bool contains(duration d) const noexcept {
    return d.count() >= 0 && d.count() < 32 && (bits_ & (std::uint32_t{1} << d.count())) != 0;
  }
  /// Shortest duration in the set (0 s when empty).
  constexpr duration min() const noexcept {
    for (int i = 0; i < 32; ++i)
      if (bits_ & (std::uint32_t{1} << i)) return duration{i};
    return duration{0};
  }
  /// Longest duration in the set (0 s when empty).
  constexpr duration max() const noexcept {
    for (int i = 31; i >= 0; --i)
      if (bits_ & (std::uint32_t{1} << i)) return duration{i};
    return duration{0};
  }
  /// True when the set holds nothing.
  constexpr bool empty() const noexcept { return bits_ == 0; }
  /// The union of two sets.
  friend constexpr duration_set operator|(duration_set a, duration_set b) noexcept {
    duration_set r;
    r.bits_ = a.bits_ | b.bits_;
    return r;
  }
  /// Equal when both hold the same durations.
  friend constexpr bool operator==(duration_set, duration_set) noexcept = default;

 private:
  std::uint32_t bits_ = 0;
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

/// Everything the library knows a provider offers. One constexpr instance per provider.
struct capability_table {
  provider_id id = provider_id::kinovi;
  std::string_view display_name{};                ///< "Kinovi", "aihubmax", "seedance2.ink", "BytePlus/Volcengine Ark"
  std::array<model_capability, 3> models{};       ///< indexed by the value of `seedance::model`
  enum_set<aspect_ratio> ratios{};                ///< the same for every model
  media_limits media{};                           ///< per request
  std::size_t max_prompt_code_points = 0;         ///< 0: no limit the library enforces
  std::size_t legacy_max_prompt_code_points = 0;  ///< Kinovi legacy schema; 0 when not applicable
  enum_set<generation_mode> prompt_required{};    ///< modes in which an empty prompt is refused
  enum_set<feature> features{};
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

/// Returns `sentence`; during a consteval check with `diagnose` set, fails compilation showing it.
constexpr std::string_view say(bool diagnose, const char* sentence) {
  if (diagnose) compile_time_error(sentence);
  return sentence;
}

// Field-level sentences. Each literal sits inside a say() call so that a failing compile-time check prints it.
constexpr std::string_view model_sentence(provider_id p, bool diagnose = false) {
  switch (p) {
    case provider_id::kinovi:
      return say(diagnose, "Kinovi offers only seedance-2.0 and seedance-2.0-fast");
    case provider_id::aihubmax:
      return say(diagnose, "aihubmax offers only seedance-2.0 and seedance-2.0-fast");
    case provider_id::seedance2ink:
      return say(diagnose, "seedance2.ink offers seedance-2.0, seedance-2.0-fast and seedance-1.5-pro");
    case provider_id::ark:
      return say(diagnose, "Ark offers seedance-2.0, seedance-2.0-fast and seedance-1.5-pro");
  }
  return {};
}

constexpr std::string_view ratio_sentence(provider_id p, bool diagnose = false) {
  switch (p) {
    case provider_id::kinovi:
      return say(diagnose, "Kinovi offers 16:9, 9:16, 1:1, 4:3, 3:4 and 21:9, not adaptive");
    case provider_id::aihubmax:
      return say(diagnose, "aihubmax offers 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 and adaptive");
    case provider_id::seedance2ink:
      return say(diagnose, "seedance2.ink offers only 16:9, 9:16 and 1:1");
    case provider_id::ark:
      return say(diagnose, "Ark offers 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 and adaptive");
  }
  return {};
}

constexpr std::string_view resolution_sentence(provider_id p, bool diagnose = false) {
  switch (p) {
    case provider_id::kinovi:
      return say(diagnose, "Kinovi offers 480p, 720p, 1080p and 4k (1080p and 4k with seedance-2.0 only)");
    case provider_id::aihubmax:
      return say(diagnose, "aihubmax offers only 480p, 720p and 1080p");
    case provider_id::seedance2ink:
      return say(diagnose, "seedance2.ink offers only 480p, 720p and 1080p");
    case provider_id::ark:
      return say(diagnose, "Ark offers 480p, 720p, 1080p and 4k (4k with seedance-2.0 only)");
  }
  return {};
}

constexpr std::string_view duration_sentence(provider_id p, bool diagnose = false) {
  switch (p) {
    case provider_id::kinovi:
      return say(diagnose, "Kinovi offers durations from 4 to 15 seconds");
    case provider_id::aihubmax:
      return say(diagnose, "aihubmax offers durations from 4 to 15 seconds, or auto (-1)");
    case provider_id::seedance2ink:
      return say(diagnose, "seedance2.ink offers durations from 4 to 15 seconds (seedance-1.5-pro: 5 or 10)");
    case provider_id::ark:
      return say(diagnose, "Ark offers durations from 4 to 15 seconds (seedance-1.5-pro: 4 to 12), or auto (-1)");
  }
  return {};
}

constexpr std::string_view auto_duration_sentence(provider_id p, bool diagnose = false) {
  switch (p) {
    case provider_id::kinovi:
      return say(diagnose, "Kinovi does not offer auto duration; give 4 to 15 seconds");
    case provider_id::aihubmax:
      return say(diagnose, "aihubmax offers auto duration (-1)");
    case provider_id::seedance2ink:
      return say(diagnose, "seedance2.ink does not offer auto duration; give a number of seconds");
    case provider_id::ark:
      return say(diagnose, "Ark offers auto duration (-1)");
  }
  return {};
}

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

constexpr model_capability not_offered(model m) noexcept { return model_capability{.model = m}; }

}  // namespace detail

/// Kinovi (current 2026 schema; the legacy schema differs only where `validate_options` says).
inline constexpr capability_table kinovi_capabilities{
    .id = provider_id::kinovi,
    .display_name = "Kinovi",
    .models = {{
        {.model = model::seedance_2_0,
         .offered = true,
         .resolutions = detail::up_to_4k,
         .durations = duration_set::range(4, 15),
         .auto_duration = false,
         .modes = detail::all_modes,
         .resolution_rule = "Kinovi offers seedance-2.0 at 480p, 720p, 1080p and 4k",
         .duration_rule = "Kinovi offers seedance-2.0 from 4 to 15 seconds",
         .mode_rule = "Kinovi offers seedance-2.0 in every mode"},
        {.model = model::seedance_2_0_fast,
         .offered = true,
         .resolutions = detail::up_to_720p,
         .durations = duration_set::range(4, 15),
         .auto_duration = false,
         .modes = detail::all_modes,
         .resolution_rule = "Kinovi offers seedance-2.0-fast only at 480p and 720p",
         .duration_rule = "Kinovi offers seedance-2.0-fast from 4 to 15 seconds",
         .mode_rule = "Kinovi offers seedance-2.0-fast in every mode"},
        detail::not_offered(model::seedance_1_5_pro),
    }},
    .ratios = detail::fixed_ratios,
    .media = {.max_images = 9, .max_videos = 3, .max_audios = 3, .max_total = 0, .total_rule = {}},
    .max_prompt_code_points = 10000,
    .legacy_max_prompt_code_points = 4000,
    .prompt_required = detail::all_modes,
    .features = {feature::webhook, feature::seed, feature::audio_toggle, feature::native_4k, feature::upscale_4k,
                 feature::high_bitrate},
    .model_rule = detail::model_sentence(provider_id::kinovi),
    .ratio_rule = detail::ratio_sentence(provider_id::kinovi),
    .resolution_rule = detail::resolution_sentence(provider_id::kinovi),
    .duration_rule = detail::duration_sentence(provider_id::kinovi),
    .auto_duration_rule = detail::auto_duration_sentence(provider_id::kinovi),
};

/// aihubmax unified API. Its callback is not documented for Seedance, so webhooks count as unsupported.
inline constexpr capability_table aihubmax_capabilities{
    .id = provider_id::aihubmax,
    .display_name = "aihubmax",
    .models = {{
        {.model = model::seedance_2_0,
         .offered = true,
         .resolutions = detail::up_to_1080p,
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "aihubmax offers seedance-2.0 at 480p, 720p and 1080p",
         .duration_rule = "aihubmax offers seedance-2.0 from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "aihubmax offers seedance-2.0 in every mode"},
        {.model = model::seedance_2_0_fast,
         .offered = true,
         .resolutions = detail::up_to_720p,
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "aihubmax offers seedance-2.0-fast only at 480p and 720p",
         .duration_rule = "aihubmax offers seedance-2.0-fast from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "aihubmax offers seedance-2.0-fast in every mode"},
        detail::not_offered(model::seedance_1_5_pro),
    }},
    .ratios = detail::all_ratios,
    .media = {.max_images = 9,
              .max_videos = 3,
              .max_audios = 3,
              .max_total = 12,
              .total_rule = "aihubmax accepts at most 12 media files in one request"},
    .max_prompt_code_points = 5000,
    .legacy_max_prompt_code_points = 0,
    .prompt_required = detail::all_modes,
    .features = {feature::progress, feature::seed, feature::audio_toggle},
    .model_rule = detail::model_sentence(provider_id::aihubmax),
    .ratio_rule = detail::ratio_sentence(provider_id::aihubmax),
    .resolution_rule = detail::resolution_sentence(provider_id::aihubmax),
    .duration_rule = detail::duration_sentence(provider_id::aihubmax),
    .auto_duration_rule = detail::auto_duration_sentence(provider_id::aihubmax),
};

/// seedance2.ink Open API. All media go into one `mediaUrls` list of at most 5 https URLs; the provider infers
/// the mode from the media. Prompt length limit unknown, so none is enforced.
inline constexpr capability_table seedance2ink_capabilities{
    .id = provider_id::seedance2ink,
    .display_name = "seedance2.ink",
    .models = {{
        {.model = model::seedance_2_0,
         .offered = true,
         .resolutions = detail::up_to_1080p,
         .durations = duration_set::range(4, 15),
         .auto_duration = false,
         .modes = detail::all_modes,
         .resolution_rule = "seedance2.ink offers only 480p, 720p and 1080p",
         .duration_rule = "seedance2.ink offers seedance-2.0 from 4 to 15 seconds",
         .mode_rule = "seedance2.ink offers seedance-2.0 in every mode"},
        {.model = model::seedance_2_0_fast,
         .offered = true,
         .resolutions = detail::up_to_1080p,
         .durations = duration_set::range(4, 15),
         .auto_duration = false,
         .modes = detail::all_modes,
         .resolution_rule = "seedance2.ink offers only 480p, 720p and 1080p",
         .duration_rule = "seedance2.ink offers seedance-2.0-fast from 4 to 15 seconds",
         .mode_rule = "seedance2.ink offers seedance-2.0-fast in every mode"},
        {.model = model::seedance_1_5_pro,
         .offered = true,
         .resolutions = detail::up_to_1080p,
         .durations = duration_set::of({5, 10}),
         .auto_duration = false,
         .modes = detail::all_modes,
         .resolution_rule = "seedance2.ink offers only 480p, 720p and 1080p",
         .duration_rule = "seedance2.ink offers seedance-1.5-pro only at 5 or 10 seconds",
         .mode_rule = "seedance2.ink offers seedance-1.5-pro in every mode"},
    }},
    .ratios = {aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1},
    .media = {.max_images = 5,
              .max_videos = 5,
              .max_audios = 5,
              .max_total = 5,
              .total_rule = "seedance2.ink accepts at most 5 media URLs in one request"},
    .max_prompt_code_points = 0,
    .legacy_max_prompt_code_points = 0,
    .prompt_required = detail::all_modes,
    .features = {feature::cancel, feature::webhook, feature::metadata},
    .model_rule = detail::model_sentence(provider_id::seedance2ink),
    .ratio_rule = detail::ratio_sentence(provider_id::seedance2ink),
    .resolution_rule = detail::resolution_sentence(provider_id::seedance2ink),
    .duration_rule = detail::duration_sentence(provider_id::seedance2ink),
    .auto_duration_rule = detail::auto_duration_sentence(provider_id::seedance2ink),
};

/// BytePlus ModelArk / Volcengine Ark. No prompt limit is enforced (the provider's is unconfirmed); a prompt
/// is only required for text-to-video.
inline constexpr capability_table ark_capabilities{
    .id = provider_id::ark,
    .display_name = "BytePlus/Volcengine Ark",
    .models = {{
        {.model = model::seedance_2_0,
         .offered = true,
         .resolutions = detail::up_to_4k,
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "Ark offers seedance-2.0 at 480p, 720p, 1080p and 4k",
         .duration_rule = "Ark offers seedance-2.0 from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "Ark offers seedance-2.0 in every mode"},
        {.model = model::seedance_2_0_fast,
         .offered = true,
         .resolutions = detail::up_to_720p,
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "Ark offers seedance-2.0-fast only at 480p and 720p",
         .duration_rule = "Ark offers seedance-2.0-fast from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "Ark offers seedance-2.0-fast in every mode"},
        {.model = model::seedance_1_5_pro,
         .offered = true,
         .resolutions = detail::up_to_1080p,
         .durations = duration_set::range(4, 12),
         .auto_duration = true,
         .modes = detail::frame_modes,
         .resolution_rule = "Ark offers seedance-1.5-pro only at 480p, 720p and 1080p",
         .duration_rule = "Ark offers seedance-1.5-pro from 4 to 12 seconds, or auto (-1)",
         .mode_rule = "Ark offers reference mode only with seedance-2.0 and seedance-2.0-fast"},
    }},
    .ratios = detail::all_ratios,
    .media = {.max_images = 9, .max_videos = 3, .max_audios = 3, .max_total = 0, .total_rule = {}},
    .max_prompt_code_points = 0,
    .legacy_max_prompt_code_points = 0,
    .prompt_required = {generation_mode::text},
    .features = {feature::cancel, feature::webhook, feature::seed, feature::audio_toggle, feature::native_4k,
                 feature::list, feature::data_uri_media, feature::asset_media, feature::watermark, feature::last_frame,
                 feature::execution_expiry, feature::camera_fixed},
    .model_rule = detail::model_sentence(provider_id::ark),
    .ratio_rule = detail::ratio_sentence(provider_id::ark),
    .resolution_rule = detail::resolution_sentence(provider_id::ark),
    .duration_rule = detail::duration_sentence(provider_id::ark),
    .auto_duration_rule = detail::auto_duration_sentence(provider_id::ark),
};

/// The table of provider `p`. Never throws; usable in constant expressions.
constexpr const capability_table& capabilities_for(provider_id p) noexcept {
  switch (p) {
    case provider_id::kinovi:
      return kinovi_capabilities;
    case provider_id::aihubmax:
      return aihubmax_capabilities;
    case provider_id::seedance2ink:
      return seedance2ink_capabilities;
    case provider_id::ark:
      return ark_capabilities;
  }
  return kinovi_capabilities;
}

/// Display name of provider `p` ("Kinovi", "aihubmax", "seedance2.ink", "BytePlus/Volcengine Ark").
constexpr std::string_view display_name(provider_id p) noexcept { return capabilities_for(p).display_name; }

/// True when provider `p` offers model `m`. Never throws.
constexpr bool offers_model(provider_id p, model m) noexcept { return capabilities_for(p).offers_model(m); }

/// True when provider `p` offers model `m` at resolution `r`. Never throws.
constexpr bool offers_resolution(provider_id p, model m, resolution r) noexcept {
  return capabilities_for(p).offers_resolution(m, r);
}

/// True when provider `p` offers resolution `r` with any of its models. Never throws.
constexpr bool offers_resolution(provider_id p, resolution r) noexcept {
  return capabilities_for(p).offers_resolution(r);
}

/// True when provider `p` accepts aspect ratio `r`. Never throws.
constexpr bool offers_ratio(provider_id p, aspect_ratio r) noexcept { return capabilities_for(p).offers_ratio(r); }

/// True when provider `p` accepts duration `d` for model `m` (auto_duration included where allowed).
constexpr bool duration_ok(provider_id p, model m, duration d) noexcept {
  return capabilities_for(p).duration_ok(m, d);
}

/// True when provider `p` accepts duration `d` with any of its models. Never throws.
constexpr bool duration_ok(provider_id p, duration d) noexcept { return capabilities_for(p).duration_ok(d); }

/// True when provider `p` lets model `m` choose the duration (-1 s). Never throws.
constexpr bool offers_auto_duration(provider_id p, model m) noexcept {
  return capabilities_for(p).offers_auto_duration(m);
}

/// True when provider `p` runs model `m` in mode `g`. Never throws.
constexpr bool offers_mode(provider_id p, model m, generation_mode g) noexcept {
  return capabilities_for(p).offers_mode(m, g);
}

/// True when provider `p` has feature `f`. Never throws.
constexpr bool supports(provider_id p, feature f) noexcept { return capabilities_for(p).supports(f); }

}  // namespace seedance

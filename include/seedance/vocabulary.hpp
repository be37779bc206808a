// seedance/vocabulary.hpp - the words every other header speaks: models, aspect ratios, resolutions,
// durations, generation modes and task states, with constexpr names and parsing.
//
// Lightweight on purpose: no Asio, no OpenSSL, no Boost. Safe to include everywhere.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace seedance {

/// Video generation models known to the library. A provider-specific id that is not listed here
/// (for example an Ark endpoint id `ep-...`) goes into `request::model_id` instead.
enum class model : std::uint8_t {
  seedance_2_0,       ///< Seedance 2.0 (standard quality)
  seedance_2_0_fast,  ///< Seedance 2.0 fast
  seedance_1_5_pro,   ///< Seedance 1.5 pro
};

/// Output aspect ratio. `adaptive` lets the provider follow the input media.
enum class aspect_ratio : std::uint8_t { r16_9, r9_16, r1_1, r4_3, r3_4, r21_9, adaptive };

/// Output resolution. `p4k` is native 4K (3840x2160 at 16:9) where a provider offers it.
enum class resolution : std::uint8_t { p480, p720, p1080, p4k };

/// How the provider is asked to use the media of a request.
enum class generation_mode : std::uint8_t {
  text,              ///< prompt only
  first_frame,       ///< one image used as the opening frame
  first_last_frame,  ///< two images: opening and closing frame
  reference,         ///< "Omni Reference": up to 9 images, 3 videos, 3 audio clips addressed as @image1...
};

/// Normalised task state across providers. `unknown` is a state string the library has not seen; it is
/// never fatal: waiting goes on.
enum class task_state : std::uint8_t { queued, running, succeeded, failed, cancelled, expired, unknown };

/// The providers the library speaks to: the one list of them. A new provider is a value here plus its folder
/// include/seedance/providers/<name>/ (README, "Adding a provider"); every table indexed by provider_id
/// static_asserts that it has an entry for each value, so the compiler names what is still missing.
enum class provider_id : std::uint8_t { kinovi, aihubmax, seedance2ink, ark };

/// How many providers there are (the number of provider_id values).
inline constexpr std::size_t provider_count = static_cast<std::size_t>(provider_id::ark) + 1;

/// Output length. `auto_duration` (-1 s) lets the model choose where a provider allows it.
using duration = std::chrono::seconds;
inline constexpr duration auto_duration{-1};

/// True for states after which a task never changes again.
constexpr bool is_terminal(task_state s) noexcept {
  return s == task_state::succeeded || s == task_state::failed || s == task_state::cancelled ||
         s == task_state::expired;
}

namespace detail {
template <class Enum>
struct enum_name {
  Enum value;
  std::string_view name;
};

inline constexpr std::array<enum_name<model>, 3> model_names{{
    {model::seedance_2_0, "seedance-2.0"},
    {model::seedance_2_0_fast, "seedance-2.0-fast"},
    {model::seedance_1_5_pro, "seedance-1.5-pro"},
}};
inline constexpr std::array<enum_name<aspect_ratio>, 7> ratio_names{{
    {aspect_ratio::r16_9, "16:9"},
    {aspect_ratio::r9_16, "9:16"},
    {aspect_ratio::r1_1, "1:1"},
    {aspect_ratio::r4_3, "4:3"},
    {aspect_ratio::r3_4, "3:4"},
    {aspect_ratio::r21_9, "21:9"},
    {aspect_ratio::adaptive, "adaptive"},
}};
inline constexpr std::array<enum_name<resolution>, 4> resolution_names{{
    {resolution::p480, "480p"},
    {resolution::p720, "720p"},
    {resolution::p1080, "1080p"},
    {resolution::p4k, "4k"},
}};
inline constexpr std::array<enum_name<generation_mode>, 4> mode_names{{
    {generation_mode::text, "text"},
    {generation_mode::first_frame, "first-frame"},
    {generation_mode::first_last_frame, "first-last-frame"},
    {generation_mode::reference, "reference"},
}};
inline constexpr std::array<enum_name<provider_id>, provider_count> provider_names{{
    {provider_id::kinovi, "kinovi"},
    {provider_id::aihubmax, "aihubmax"},
    {provider_id::seedance2ink, "seedance2ink"},
    {provider_id::ark, "ark"},
}};
inline constexpr std::array<enum_name<task_state>, 7> state_names{{
    {task_state::queued, "queued"},
    {task_state::running, "running"},
    {task_state::succeeded, "succeeded"},
    {task_state::failed, "failed"},
    {task_state::cancelled, "cancelled"},
    {task_state::expired, "expired"},
    {task_state::unknown, "unknown"},
}};

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

template <class Enum, std::size_t N>
constexpr std::string_view name_of(const std::array<enum_name<Enum>, N>& table, Enum value) noexcept {
  for (const auto& entry : table)
    if (entry.value == value) return entry.name;
  return "?";
}

template <class Enum, std::size_t N>
constexpr std::optional<Enum> parse_from(const std::array<enum_name<Enum>, N>& table, std::string_view text) noexcept {
  for (const auto& entry : table)
    if (iequals(entry.name, text)) return entry.value;
  return std::nullopt;
}
}  // namespace detail

/// The library's own name of a value ("seedance-2.0", "16:9", "720p", "first-frame", "succeeded").
/// Provider wire names live in the provider codecs. Never throws.
constexpr std::string_view to_string(model v) noexcept { return detail::name_of(detail::model_names, v); }
constexpr std::string_view to_string(aspect_ratio v) noexcept { return detail::name_of(detail::ratio_names, v); }
constexpr std::string_view to_string(resolution v) noexcept { return detail::name_of(detail::resolution_names, v); }
constexpr std::string_view to_string(generation_mode v) noexcept { return detail::name_of(detail::mode_names, v); }
constexpr std::string_view to_string(task_state v) noexcept { return detail::name_of(detail::state_names, v); }
/// The library's run-time name of a provider: "kinovi", "aihubmax", "seedance2ink", "ark". Never throws.
constexpr std::string_view to_string(provider_id v) noexcept { return detail::name_of(detail::provider_names, v); }

/// Every provider, in declaration order.
inline constexpr std::array<provider_id, provider_count> all_providers = [] {
  std::array<provider_id, provider_count> ids{};
  for (std::size_t i = 0; i < provider_count; ++i) ids[i] = detail::provider_names[i].value;
  return ids;
}();

/// Every model the vocabulary knows, in declaration order.
inline constexpr std::array<model, 3> all_models{model::seedance_2_0, model::seedance_2_0_fast,
                                                 model::seedance_1_5_pro};

/// Parses the library's names, case-insensitively. Also accepts common spellings: "2.0", "fast", "1.5-pro",
/// "seedance-20", "seedance2.0-pro", "seedance2.0-fast", "16x9", "1080P", "4K", "2160p". Returns nullopt for
/// anything else. Never throws.
constexpr std::optional<model> parse_model(std::string_view text) noexcept {
  if (auto m = detail::parse_from(detail::model_names, text)) return m;
  if (detail::iequals(text, "2.0") || detail::iequals(text, "seedance-20") || detail::iequals(text, "seedance2.0") ||
      detail::iequals(text, "seedance2.0-pro"))
    return model::seedance_2_0;
  if (detail::iequals(text, "fast") || detail::iequals(text, "2.0-fast") || detail::iequals(text, "seedance2-fast") ||
      detail::iequals(text, "seedance2.0-fast"))
    return model::seedance_2_0_fast;
  if (detail::iequals(text, "1.5-pro") || detail::iequals(text, "1.5")) return model::seedance_1_5_pro;
  return std::nullopt;
}

constexpr std::optional<aspect_ratio> parse_aspect_ratio(std::string_view text) noexcept {
  if (auto r = detail::parse_from(detail::ratio_names, text)) return r;
  for (const auto& entry : detail::ratio_names) {  // "16x9" spelling
    std::string_view n = entry.name;
    const auto colon = n.find(':');
    if (colon == std::string_view::npos || text.size() != n.size()) continue;
    if (text.substr(0, colon) == n.substr(0, colon) && detail::ascii_lower(text[colon]) == 'x' &&
        text.substr(colon + 1) == n.substr(colon + 1))
      return entry.value;
  }
  return std::nullopt;
}

constexpr std::optional<resolution> parse_resolution(std::string_view text) noexcept {
  if (auto r = detail::parse_from(detail::resolution_names, text)) return r;
  if (detail::iequals(text, "2160p")) return resolution::p4k;
  return std::nullopt;
}

constexpr std::optional<generation_mode> parse_generation_mode(std::string_view text) noexcept {
  if (auto m = detail::parse_from(detail::mode_names, text)) return m;
  if (detail::iequals(text, "first_frame") || detail::iequals(text, "keyframe")) return generation_mode::first_frame;
  if (detail::iequals(text, "first_last_frame")) return generation_mode::first_last_frame;
  return std::nullopt;
}

/// Parses a provider name case-insensitively ("kinovi", "aihubmax", "seedance2ink" or "seedance2.ink",
/// "ark", "byteplus", "volcengine"). Returns nullopt for anything else. Never throws.
constexpr std::optional<provider_id> parse_provider_id(std::string_view text) noexcept {
  if (auto p = detail::parse_from(detail::provider_names, text)) return p;
  if (detail::iequals(text, "seedance2.ink")) return provider_id::seedance2ink;
  if (detail::iequals(text, "byteplus") || detail::iequals(text, "volcengine")) return provider_id::ark;
  return std::nullopt;
}

constexpr std::optional<task_state> parse_task_state(std::string_view text) noexcept {
  return detail::parse_from(detail::state_names, text);
}

/// Parses "5", "5s" or "auto" (-1 s). Returns nullopt for anything else. Never throws.
constexpr std::optional<duration> parse_duration(std::string_view text) noexcept {
  if (detail::iequals(text, "auto") || text == "-1") return auto_duration;
  if (!text.empty() && (text.back() == 's' || text.back() == 'S')) text.remove_suffix(1);
  if (text.empty() || text.size() > 4) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return duration{value};
}

}  // namespace seedance

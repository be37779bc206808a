// seedance/pricing.hpp - what a request will cost, estimated before anything is spent.
//
// Price tables are constexpr data; `estimate()` applies them to a request and says how it got the figure, or
// why it cannot give one. It never guesses: where a provider publishes no price (aihubmax) or the request
// leaves a price-relevant setting to an unknown provider default, the cost is empty and `basis` says why.
// No Asio, no OpenSSL.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seedance {

/// Which Kinovi price list to apply.
enum class kinovi_price_table : std::uint8_t {
  current_2026,  ///< per-second tiers, a separate tier with a reference video, native 4k (default)
  legacy,        ///< per-second base + reference-video surcharge + 28/s for the 4K upscale
};

/// Choices for estimate().
struct pricing_options {
  kinovi_price_table kinovi_table = kinovi_price_table::current_2026;
};

/// How much to trust an estimate.
enum class estimate_confidence : std::uint8_t {
  documented,  ///< straight from the provider's published table, with every setting given
  inferred,    ///< a documented table or formula, plus an assumption (a default, a frame size, a fit)
  low,         ///< extrapolated from very few published examples
  unknown,     ///< no figure
};

/// An estimate made before submitting.
struct cost_estimate {
  std::optional<seedance::cost> cost{};  ///< credits (Kinovi, seedance2.ink) or tokens (Ark); nullopt: unknown
  std::optional<seedance::cost> usd{};   ///< US dollars, where a unit price is known (Ark 2.0 and 2.0-fast)
  estimate_confidence confidence = estimate_confidence::unknown;
  std::string basis{};  ///< how the figure was computed, or why there is none
};

/// Output frame size in pixels.
struct frame_size {
  int width = 0;
  int height = 0;
};

/// The nominal output frame size for a resolution and ratio (Kinovi's published table; 4k is 3840x2160 at
/// 16:9 and 2160x3840 at 9:16). nullopt for `adaptive` (it follows the input media) and for 4k at other
/// ratios (same pixel budget, exact size unpublished). Never throws.
constexpr std::optional<frame_size> nominal_frame_size(resolution res, aspect_ratio ratio) noexcept {
  constexpr std::array<std::array<frame_size, 6>, 3> table{{
      // 16:9       9:16        1:1         4:3         3:4         21:9
      {{{864, 496}, {496, 864}, {640, 640}, {752, 560}, {560, 752}, {992, 432}}},            // 480p
      {{{1280, 720}, {720, 1280}, {960, 960}, {1112, 834}, {834, 1112}, {1470, 630}}},       // 720p
      {{{1920, 1080}, {1080, 1920}, {1440, 1440}, {1664, 1248}, {1248, 1664}, {2206, 946}}}  // 1080p
  }};
  if (ratio == aspect_ratio::adaptive) return std::nullopt;
  if (res == resolution::p4k) {
    if (ratio == aspect_ratio::r16_9) return frame_size{3840, 2160};
    if (ratio == aspect_ratio::r9_16) return frame_size{2160, 3840};
    return std::nullopt;
  }
  return table[static_cast<std::size_t>(res)][static_cast<std::size_t>(ratio)];
}

/// Kinovi credits per output second, or nullopt when the table has no entry (model or resolution not offered;
/// native 4k in the legacy table; the upscale in the current table). `reference_video`: any video in the
/// request. `upscale_4k`: legacy only, +28 credits/s. Never throws.
constexpr std::optional<int> kinovi_credits_per_second(kinovi_price_table table, model m, resolution res,
                                                       bool reference_video, bool upscale_4k = false) noexcept {
  if (m == model::seedance_1_5_pro) return std::nullopt;
  const bool fast = m == model::seedance_2_0_fast;
  if (table == kinovi_price_table::current_2026) {
    if (upscale_4k) return std::nullopt;
    // 480p, 720p, 1080p, 4k; 0 = not offered.
    constexpr std::array<int, 4> standard{15, 40, 90, 200};
    constexpr std::array<int, 4> standard_with_video{19, 48, 108, 240};
    constexpr std::array<int, 4> fast_rate{14, 28, 0, 0};
    constexpr std::array<int, 4> fast_with_video{18, 34, 0, 0};
    const auto& row =
        fast ? (reference_video ? fast_with_video : fast_rate) : (reference_video ? standard_with_video : standard);
    const int rate = row[static_cast<std::size_t>(res)];
    return rate == 0 ? std::nullopt : std::optional<int>{rate};
  }
  // Legacy: base + reference-video surcharge (+ 28 for the 4K upscale). No native 4k.
  constexpr std::array<int, 3> standard_base{15, 40, 83};
  constexpr std::array<int, 3> standard_video{4, 8, 17};
  constexpr std::array<int, 3> fast_base{10, 28, 0};
  constexpr std::array<int, 3> fast_video{3, 6, 0};
  if (res == resolution::p4k) return std::nullopt;
  const auto index = static_cast<std::size_t>(res);
  const int base = fast ? fast_base[index] : standard_base[index];
  if (base == 0) return std::nullopt;
  return base + (reference_video ? (fast ? fast_video[index] : standard_video[index]) : 0) + (upscale_4k ? 28 : 0);
}

/// Ark output tokens for `seconds` of video at `width` x `height`: W * H * (24 * seconds + 1) / 1024, rounded
/// down. Fits the published examples exactly once sides are rounded up to multiples of 16 (1080p counts as
/// 1920x1088); see ark_coded_size(). Never throws.
constexpr std::uint64_t ark_tokens(int width, int height, std::int64_t seconds) noexcept {
  return static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) *
         static_cast<std::uint64_t>(24 * seconds + 1) / 1024;
}

/// A frame size with each side rounded up to a multiple of 16 (coded macroblock size). Never throws.
constexpr frame_size ark_coded_size(frame_size f) noexcept {
  return {(f.width + 15) / 16 * 16, (f.height + 15) / 16 * 16};
}

/// BytePlus list price in US dollars per million output tokens without video input, or nullopt where unknown
/// (seedance-1.5-pro). Never throws.
constexpr std::optional<double> ark_usd_per_million_tokens(model m) noexcept {
  switch (m) {
    case model::seedance_2_0:
      return 7.0;
    case model::seedance_2_0_fast:
      return 5.6;
    case model::seedance_1_5_pro:
      break;
  }
  return std::nullopt;
}

/// seedance2.ink credits per output second: 8 at 720p for seedance-2.0 and seedance-2.0-fast, worked out from
/// the provider's two examples (low confidence); nullopt for everything else. Never throws.
constexpr std::optional<int> seedance2ink_credits_per_second(model m, resolution res) noexcept {
  if (res == resolution::p720 && (m == model::seedance_2_0 || m == model::seedance_2_0_fast)) return 8;
  return std::nullopt;
}

namespace detail {

inline cost_estimate no_estimate(std::string basis) {
  cost_estimate e;
  e.basis = std::move(basis);
  return e;
}

inline std::optional<seedance::cost> estimated(double amount, cost_unit unit) {
  return seedance::cost{.amount = amount, .unit = unit, .estimated = true};
}

inline std::string seconds_text(std::int64_t s) { return std::to_string(s) + " s"; }

inline cost_estimate estimate_kinovi(const request& r, const pricing_options& o) {
  const bool legacy = o.kinovi_table == kinovi_price_table::legacy;
  const std::string table_name = legacy ? "Kinovi legacy table" : "Kinovi 2026 table";
  if (!r.model_id.empty()) return no_estimate(table_name + ": raw model id '" + r.model_id + "' has no known price");
  if (r.duration == auto_duration) return no_estimate("Kinovi does not offer auto duration");
  bool assumed = false;
  std::string notes;
  const std::int64_t seconds = r.duration ? r.duration->count() : 5;
  if (!r.duration) assumed = true, notes += "; duration not set: the provider default 5 s";
  if (seconds < 4 || seconds > 15) return no_estimate("Kinovi offers durations from 4 to 15 seconds");
  const resolution res = r.resolution.value_or(resolution::p720);
  if (!r.resolution)
    assumed = true, notes += legacy ? "; resolution not set: assumed 720p (the legacy docs disagree on the default)"
                                    : "; resolution not set: the provider default 720p";
  const bool video = !r.videos.empty();
  const auto rate = kinovi_credits_per_second(o.kinovi_table, r.model, res, video, r.upscale_4k);
  if (!rate)
    return no_estimate(table_name + " has no price for " + std::string(to_string(r.model)) + " at " +
                       std::string(to_string(res)) + (r.upscale_4k ? " with the 4K upscale" : ""));
  cost_estimate e;
  e.cost = estimated(static_cast<double>(*rate * seconds), cost_unit::credits);
  e.confidence = assumed ? estimate_confidence::inferred : estimate_confidence::documented;
  e.basis = table_name + ": " + std::to_string(*rate) + " credits/s for " + std::string(to_string(r.model)) + " at " +
            std::string(to_string(res)) +
            (video ? (legacy ? " incl. reference-video surcharge" : " with reference video") : "") +
            (r.upscale_4k ? " incl. 4K upscale +28/s" : "") + " x " + seconds_text(seconds) + notes;
  return e;
}

inline cost_estimate estimate_seedance2ink(const request& r) {
  if (!r.model_id.empty()) return no_estimate("seedance2.ink: raw model id '" + r.model_id + "' has no known price");
  if (!r.resolution) return no_estimate("seedance2.ink: resolution not set and the provider default is unknown");
  if (!r.duration || *r.duration == auto_duration)
    return no_estimate("seedance2.ink: duration not set and the provider default is unknown");
  const auto rate = seedance2ink_credits_per_second(r.model, *r.resolution);
  if (!rate)
    return no_estimate("seedance2.ink publishes no price for " + std::string(to_string(r.model)) + " at " +
                       std::string(to_string(*r.resolution)) + "; the create response reports creditsCharged");
  cost_estimate e;
  e.cost = estimated(static_cast<double>(*rate * r.duration->count()), cost_unit::credits);
  e.confidence = estimate_confidence::low;
  e.basis = "seedance2.ink: " + std::to_string(*rate) + " credits/s at 720p x " + seconds_text(r.duration->count()) +
            ", worked out from two published examples (low confidence); the create response reports creditsCharged";
  return e;
}

inline cost_estimate estimate_ark(const request& r) {
  std::string notes;
  const resolution res = r.resolution.value_or(resolution::p720);
  if (!r.resolution) notes += "; resolution not set: assumed the default 720p";
  aspect_ratio ratio = r.ratio.value_or(aspect_ratio::r16_9);
  if (!r.ratio || ratio == aspect_ratio::adaptive) {
    notes += "; ratio follows the input: assumed the 16:9 pixel budget";
    ratio = aspect_ratio::r16_9;
  }
  auto nominal = nominal_frame_size(res, ratio);
  if (!nominal) {  // 4k at a ratio other than 16:9 / 9:16: same pixel budget
    nominal = frame_size{3840, 2160};
    notes += "; 4k at this ratio: assumed the 3840x2160 pixel budget";
  }
  const frame_size coded = ark_coded_size(*nominal);
  const std::string size_text = std::to_string(coded.width) + "x" + std::to_string(coded.height);
  if (r.duration == auto_duration) {
    return no_estimate("Ark: auto duration lets the model choose 4 to 15 s; at most " +
                       std::to_string(ark_tokens(coded.width, coded.height, 15)) + " tokens at " + size_text);
  }
  const std::int64_t seconds = r.duration ? r.duration->count() : 5;
  if (!r.duration) notes += "; duration not set: assumed the default 5 s";
  const std::uint64_t tokens = ark_tokens(coded.width, coded.height, seconds);
  const std::string formula = "Ark tokens = W x H x (24 x duration + 1) / 1024 at " + size_text + " x " +
                              seconds_text(seconds) + " = " + std::to_string(tokens);
  if (!r.videos.empty())
    return no_estimate(formula +
                       " for the output only; reference videos add tokens for their own length, which "
                       "is not known before upload" +
                       notes);
  cost_estimate e;
  e.cost = estimated(static_cast<double>(tokens), cost_unit::tokens);
  e.confidence = estimate_confidence::inferred;  // the formula is a fit to published examples
  e.basis = formula + " (formula fitted to published examples)" + notes;
  if (const auto usd = r.model_id.empty() ? ark_usd_per_million_tokens(r.model) : std::nullopt) {
    e.usd = estimated(static_cast<double>(tokens) * *usd / 1e6, cost_unit::usd);
    e.basis += "; USD at the BytePlus list price of $" + std::string(*usd == 7.0 ? "7.0" : "5.6") +
               " per million tokens (1080p may bill higher)";
  } else {
    e.basis += "; USD price unknown for this model";
  }
  return e;
}

}  // namespace detail

/// Estimates what `r` will cost on provider `p` before anything is submitted. Pure; thread-safe; throws only
/// bad_alloc. Returns an empty cost (with `basis` saying why) when the provider publishes no price (aihubmax;
/// seedance2.ink outside 720p 2.0/2.0-fast), when a price-relevant setting is left to an unknown default, for
/// auto duration (the model picks the length; Ark's basis gives the upper bound), for a raw model id on
/// credit-priced providers, and on Ark when reference videos are given (their length is billed too).
/// Unset duration counts as the provider default 5 s and unset resolution as 720p where those defaults are
/// documented or inferred (the basis says so). The figure the provider reports after submitting is the
/// authority: Kinovi creditsUsed, aihubmax usage.credits_reserved, seedance2.ink creditsCharged, Ark
/// usage.completion_tokens.
inline cost_estimate estimate(provider_id p, const request& r, const pricing_options& options = {}) {
  switch (p) {
    case provider_id::kinovi:
      return detail::estimate_kinovi(r, options);
    case provider_id::aihubmax:
      return detail::no_estimate(
          "aihubmax publishes no Seedance price: unknown; the create response reports usage.credits_reserved");
    case provider_id::seedance2ink:
      return detail::estimate_seedance2ink(r);
    case provider_id::ark:
      return detail::estimate_ark(r);
  }
  return detail::no_estimate("unknown provider");
}

/// Same as `estimate(Provider::id, r, options)`, for a provider type such as `seedance::ark`.
template <class Provider>
cost_estimate estimate(const request& r, const pricing_options& options = {}) {
  return estimate(Provider::id, r, options);
}

}  // namespace seedance

// seedance/providers/kinovi/pricing.hpp - Kinovi's price rule: credits per output second, and US dollars at
// the published $0.005 per credit. No Asio, no OpenSSL.
//
// Two price lists exist, one per request schema. Where Kinovi's pages disagree the estimate takes the higher
// figure, so that it never under-states what will be billed: the legacy pages name 1080p (83 credits/s for
// seedance-2.0) as the default resolution, while the image-to-video price examples (160 credits for 4 s) are
// the 720p rate; a legacy request with no resolution is priced at 1080p, and the basis names the 720p figure.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/cost_estimate.hpp>
#include <seedance/providers/kinovi/capabilities.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace seedance {

/// Which Kinovi price list to apply (it follows the request schema).
enum class kinovi_price_table : std::uint8_t {
  current_2026,  ///< per-second tiers, a separate tier with a reference video, native 4k (default)
  legacy,        ///< per-second base + reference-video surcharge + 28/s for the 4K upscale
};

/// US dollars per Kinovi credit: "160 credits, $0.80" (Kinovi image-to-video, pricing).
inline constexpr double kinovi_usd_per_credit = 0.005;

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

/// Kinovi's price rule.
template <>
struct provider_pricing<provider_id::kinovi> {
  /// The estimate of `r` under the price list of `o.kinovi_schema`. Pure; throws only bad_alloc.
  static cost_estimate estimate(const request& r, const provider_options& o) {
    using detail::no_estimate;
    const bool legacy = o.kinovi_schema == kinovi_schema::legacy;
    const kinovi_price_table table = legacy ? kinovi_price_table::legacy : kinovi_price_table::current_2026;
    const std::string table_name = legacy ? "Kinovi legacy table" : "Kinovi 2026 table";
    if (!r.model_id.empty()) return no_estimate(table_name + ": raw model id '" + r.model_id + "' has no known price");
    if (r.duration == auto_duration) return no_estimate(std::string(kinovi_capabilities.auto_duration_rule));
    bool assumed = false;
    std::string notes;
    const std::int64_t seconds = r.duration ? r.duration->count() : 5;
    if (!r.duration) assumed = true, notes += "; duration not set: the provider default 5 s";
    if (seconds < 4 || seconds > 15) return no_estimate(std::string(kinovi_capabilities.duration_rule));
    const bool fast = r.model == model::seedance_2_0_fast;
    const bool video = !r.videos.empty();
    resolution res = r.resolution.value_or(resolution::p720);
    if (!r.resolution && legacy) {
      // The documented default; seedance-2.0-fast has no 1080p, so it renders its best, 720p.
      res = fast ? resolution::p720 : resolution::p1080;
      assumed = true;
      notes += fast
                   ? "; resolution not set: the documented default 1080p does not exist for seedance-2.0-fast, "
                     "priced at its highest, 720p"
                   : "; resolution not set: priced at the documented default 1080p; the image-to-video price "
                     "examples are the 720p rate, " +
                         std::to_string(*kinovi_credits_per_second(table, r.model, resolution::p720, video) * seconds) +
                         " credits";
    } else if (!r.resolution) {
      assumed = true, notes += "; resolution not set: the provider default 720p";
    }
    const auto rate = kinovi_credits_per_second(table, r.model, res, video, r.upscale_4k);
    if (!rate)
      return no_estimate(table_name + " has no price for " + std::string(to_string(r.model)) + " at " +
                         std::string(to_string(res)) + (r.upscale_4k ? " with the 4K upscale" : ""));
    const auto credits = static_cast<double>(*rate * seconds);
    cost_estimate e;
    e.cost = detail::estimated(credits, cost_unit::credits);
    e.usd = detail::estimated(credits * kinovi_usd_per_credit, cost_unit::usd);
    e.confidence = assumed ? estimate_confidence::inferred : estimate_confidence::documented;
    e.basis = table_name + ": " + std::to_string(*rate) + " credits/s for " + std::string(to_string(r.model)) + " at " +
              std::string(to_string(res)) +
              (video ? (legacy ? " incl. reference-video surcharge" : " with reference video") : "") +
              (r.upscale_4k ? " incl. 4K upscale +28/s" : "") + " x " + detail::seconds_text(seconds) +
              "; USD at $0.005 per credit" + notes;
    return e;
  }
};

}  // namespace seedance

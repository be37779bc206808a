// seedance/providers/seedance2ink/pricing.hpp - seedance2.ink's price rule: credits per output second, worked
// out from the provider's two published examples. No Asio, no OpenSSL.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/cost_estimate.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

#include <optional>
#include <string>

namespace seedance {

/// seedance2.ink credits per output second: 8 at 720p for seedance-2.0 and seedance-2.0-fast, worked out from
/// the provider's two examples (low confidence); nullopt for everything else. Never throws.
constexpr std::optional<int> seedance2ink_credits_per_second(model m, resolution res) noexcept {
  if (res == resolution::p720 && (m == model::seedance_2_0 || m == model::seedance_2_0_fast)) return 8;
  return std::nullopt;
}

/// seedance2.ink's price rule.
template <>
struct provider_pricing<provider_id::seedance2ink> {
  /// The estimate of `r`. Pure; throws only bad_alloc.
  static cost_estimate estimate(const request& r, const provider_options&) {
    using detail::estimated;
    using detail::no_estimate;
    using detail::seconds_text;
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
};

}  // namespace seedance

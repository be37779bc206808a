// seedance/providers/aihubmax/pricing.hpp - aihubmax's price rule: it publishes no Seedance price, so an
// estimate says so; the create response reports the credits reserved. No Asio, no OpenSSL.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/cost_estimate.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

#include <string>

namespace seedance {

/// aihubmax's price rule.
template <>
struct provider_pricing<provider_id::aihubmax> {
  /// No figure: aihubmax publishes no Seedance price. The basis says so, and notes a resolution that only the
  /// provider's catalog lists. Pure; throws only bad_alloc.
  static cost_estimate estimate(const request& r, const provider_options&) {
    std::string basis =
        "aihubmax publishes no Seedance price: unknown; the create response reports usage.credits_reserved";
    if (r.resolution && r.model_id.empty() &&
        aihubmax_capabilities.of(r.model).catalog_only_resolutions.contains(*r.resolution))
      basis +=
          "; " + std::string(to_string(*r.resolution)) + " is in the provider's catalog but not in its API document";
    return detail::no_estimate(std::move(basis));
  }
};

}  // namespace seedance

// seedance/pricing.hpp - what a request will cost, estimated before anything is spent.
//
// Each provider's price rule lives in its folder (include/seedance/providers/<name>/pricing.hpp);
// `estimate()` applies the one of the provider asked for and says how it got the figure, or why it cannot give
// one. It never guesses and never under-states: where a provider publishes no price (aihubmax) or the request
// leaves a price-relevant setting to an unknown provider default, the cost is empty and `basis` says why;
// where the provider's documents disagree, the higher figure is taken and the basis names the other.
// No Asio, no OpenSSL.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/cost_estimate.hpp>
#include <seedance/providers/aihubmax/pricing.hpp>
#include <seedance/providers/ark/pricing.hpp>
#include <seedance/providers/kinovi/pricing.hpp>
#include <seedance/providers/seedance2ink/pricing.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

namespace seedance {

/// The earlier spelling of estimate()'s options, kept for existing callers: it converts to provider_options
/// (the legacy price list is the Kinovi legacy schema's).
struct pricing_options {
  kinovi_price_table kinovi_table = kinovi_price_table::current_2026;
  /// The same choice as provider_options. Never throws.
  constexpr operator provider_options() const noexcept {  // NOLINT(google-explicit-constructor): compatibility
    provider_options o;
    if (kinovi_table == kinovi_price_table::legacy) o.kinovi_schema = kinovi_schema::legacy;
    return o;
  }
};

/// Estimates what `r` will cost on provider `p` before anything is submitted. Pure; thread-safe; throws only
/// bad_alloc. Returns an empty cost (with `basis` saying why) when the provider publishes no price (aihubmax;
/// seedance2.ink outside 720p 2.0/2.0-fast), when a price-relevant setting is left to an unknown default, for
/// auto duration (the model picks the length; Ark's basis gives the upper bound), for a raw model id on
/// credit-priced providers, and on Ark when reference videos are given (their length is billed too).
/// Unset duration counts as the provider default 5 s; unset resolution as the documented default (Kinovi
/// legacy: 1080p) or 720p where the default is inferred (the basis says so). `usd` is set where a dollar price
/// is published (Kinovi, Ark 2.0 and 2.0-fast). The figure the provider reports after submitting is the
/// authority: Kinovi creditsUsed, aihubmax usage.credits_reserved, seedance2.ink creditsCharged, Ark
/// usage.completion_tokens.
inline cost_estimate estimate(provider_id p, const request& r, const provider_options& options = {}) {
  return with_provider(p,
                       [&]<provider_id P>(provider_constant<P>) { return provider_pricing<P>::estimate(r, options); });
}

/// Same as `estimate(Provider::id, r, options)`, for a provider type such as `seedance::ark`.
template <class Provider>
cost_estimate estimate(const request& r, const provider_options& options = {}) {
  return estimate(Provider::id, r, options);
}

}  // namespace seedance

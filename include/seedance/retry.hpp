// seedance/retry.hpp - the whole retry rule in one pure function: whether to try an operation again, and
// after how long, from (operation, attempt, error, Retry-After). No I/O, no clocks: callers sleep.
//
// The money rule lives here: a create request costs money, so it is repeated only when the provider
// provably did not accept it (nothing was written before a connect/TLS failure, or the provider answered
// 429). Status, cancel, list and download are idempotent and retried on transport failures, 408, 429
// and 5xx with exponential backoff and jitter, honouring Retry-After.
#pragma once

#include <seedance/error.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <system_error>

namespace seedance {

/// What kind of request is being retried; decides which failures may be repeated.
enum class operation_kind : std::uint8_t { create, status, cancel, list, download };

/// Retry tuning. Plain aggregate; the defaults suit all four providers.
struct retry_policy {
  int max_attempts = 6;                                ///< total attempts for idempotent operations
  int max_create_attempts = 4;                         ///< total attempts for create (only safe cases)
  std::chrono::milliseconds initial_delay{500};        ///< delay before the second attempt
  double multiplier = 2.0;                             ///< growth per attempt
  std::chrono::milliseconds max_delay{30'000};         ///< cap of the computed backoff
  double jitter = 0.2;                                 ///< +/- fraction applied to computed backoff
  std::chrono::milliseconds max_retry_after{120'000};  ///< cap of a server-sent Retry-After
  /// Longest pause between tries of a create held after a 429 (see hold_delay()): the hold also ends as soon
  /// as one of the client's own tasks ends, so this only bounds how long an end elsewhere goes unnoticed.
  std::chrono::milliseconds max_hold_delay{30'000};
};

/// Deterministic jitter source (splitmix64). Seed it for reproducible delays in tests; the client seeds it
/// from std::random_device. Not thread-safe: one per client.
class jitter_source {
 public:
  explicit constexpr jitter_source(std::uint64_t seed = 0x9e3779b97f4a7c15ULL) noexcept : state_(seed) {}

  /// Next value in [0, 1).
  constexpr double next_unit() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

/// The outcome of `decide_retry`.
struct retry_decision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  ///< sleep this long before the next attempt (when retry)
};

/// True when `code` may be repeated for `kind` at all, ignoring attempt counts. `retry_safe` is the
/// transport's statement that no byte of the request was written. Never throws.
inline bool is_retryable(operation_kind kind, const std::error_code& code, bool retry_safe) noexcept {
  if (code.category() != error_category()) return false;  // cancellation and foreign errors: never
  const auto e = static_cast<errc>(code.value());
  if (kind == operation_kind::create) {
    // Only where the provider provably did not accept the request.
    if (e == errc::rate_limited) return true;
    return retry_safe && (e == errc::connect_failed || e == errc::tls_failed);
  }
  switch (e) {
    case errc::connect_failed:
    case errc::tls_failed:
    case errc::connection_closed:
    case errc::timeout:
    case errc::idle_timeout:
    case errc::protocol_error:
    case errc::rate_limited:
    case errc::server_error:
    case errc::outcome_unknown:  // an idempotent request has no "unknown outcome" worth keeping
      return true;
    default:
      return false;
  }
}

/// Decides whether to make attempt number `attempts_made + 1`, and the delay before it.
/// `attempts_made` counts attempts already made (>= 1). `retry_after` is the server's hint, if any; it is
/// honoured (capped at `max_retry_after`) instead of the computed backoff and never shortened by jitter.
/// Computed backoff: initial_delay * multiplier^(attempts_made-1), capped at max_delay, then scaled by a
/// factor in [1-jitter, 1+jitter) drawn from `jitter`. Pure apart from advancing `jitter`. Never throws.
inline retry_decision decide_retry(const retry_policy& policy, operation_kind kind, int attempts_made,
                                   const std::error_code& code, bool retry_safe,
                                   std::optional<std::chrono::seconds> retry_after, jitter_source& jitter) noexcept {
  const int limit = kind == operation_kind::create ? policy.max_create_attempts : policy.max_attempts;
  if (attempts_made >= limit || !is_retryable(kind, code, retry_safe)) return {};
  using ms = std::chrono::milliseconds;
  if (retry_after && retry_after->count() >= 0) {
    return {true, std::min<ms>(std::chrono::duration_cast<ms>(*retry_after), policy.max_retry_after)};
  }
  const double exponent = static_cast<double>(std::max(attempts_made - 1, 0));
  double base = static_cast<double>(policy.initial_delay.count()) * std::pow(policy.multiplier, exponent);
  base = std::min(base, static_cast<double>(policy.max_delay.count()));
  const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * jitter.next_unit();
  return {true, ms(static_cast<ms::rep>(std::llround(std::max(0.0, base * factor))))};
}

/// The pause before try number `holds_made + 1` of a create the provider refused with 429 (the task was not
/// created, so the create is held, not failed): the server's Retry-After when it sent one, else
/// initial_delay * multiplier^(holds_made-1) with jitter; either way at most `max_hold_delay`, and from the
/// second refusal on at least `initial_delay` (a Retry-After of 0 repeated forever must not spin). `holds_made`
/// counts the refusals so far (>= 1). The client tries sooner when one of its own tasks ends. Pure apart from
/// advancing `jitter`. Never throws.
inline std::chrono::milliseconds hold_delay(const retry_policy& policy, int holds_made,
                                            std::optional<std::chrono::seconds> retry_after,
                                            jitter_source& jitter) noexcept {
  using ms = std::chrono::milliseconds;
  const ms cap = std::max(policy.max_hold_delay, ms(0));
  const ms floor = std::min(holds_made >= 2 ? std::max(policy.initial_delay, ms(0)) : ms(0), cap);
  if (retry_after && retry_after->count() >= 0)
    return std::clamp<ms>(std::chrono::duration_cast<ms>(*retry_after), floor, cap);
  const double exponent = static_cast<double>(std::max(holds_made - 1, 0));
  double base =
      static_cast<double>(policy.initial_delay.count()) * std::pow(policy.multiplier, std::min(exponent, 64.0));
  base = std::min(base, static_cast<double>(cap.count()));
  const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * jitter.next_unit();
  return std::clamp<ms>(ms(static_cast<ms::rep>(std::llround(std::max(0.0, base * factor)))), floor, cap);
}

}  // namespace seedance

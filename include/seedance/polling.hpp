// seedance/polling.hpp - when to ask a provider for a task's status next. Pure: from what is known
// (time waited, polls made, progress, the provider's estimate) to the next delay. No I/O, no clocks.
//
// The rule keeps the delay between a task finishing and the client noticing within
// max(min_interval, detection_fraction x time waited), which bounds detection latency to a fixed share of
// the task's length, while the number of polls grows only logarithmically with it. Provider hints make it
// cheaper still: with an estimated total time, polls before half of it are skipped; with progress,
// the remaining time is extrapolated.
#pragma once

#include <seedance/retry.hpp>
#include <seedance/vocabulary.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

namespace seedance {

/// Polling tuning. Plain aggregate.
struct polling_policy {
  std::chrono::milliseconds first_delay{1'000};    ///< first poll soon: catches instant rejections
  std::chrono::milliseconds min_interval{2'000};   ///< never poll more often than this
  std::chrono::milliseconds max_interval{30'000};  ///< never wait longer than this between polls
  double detection_fraction = 0.05;                ///< allowed detection delay as a share of time waited
  double jitter = 0.1;                             ///< delays are shortened by up to this fraction, never lengthened
  std::optional<std::chrono::milliseconds> expected_duration{};  ///< caller's own estimate of the whole task
};

/// What the waiter knows at the moment it schedules the next poll.
struct poll_state {
  std::chrono::milliseconds waited{0};  ///< since the wait started (or since submit, when known)
  int polls = 0;                        ///< status requests made so far in this wait
  task_state state = task_state::unknown;
  std::optional<int> progress{};                         ///< 0..100 when the provider reports it
  std::optional<std::chrono::seconds> estimated_time{};  ///< provider's estimate of the total run time
};

/// The delay before the next status request. Pure apart from advancing `jitter`. Never throws.
inline std::chrono::milliseconds next_poll_delay(const polling_policy& policy, const poll_state& s,
                                                 jitter_source& jitter) noexcept {
  using ms = std::chrono::milliseconds;
  if (s.polls == 0) return policy.first_delay;
  const double waited = static_cast<double>(s.waited.count());
  double delay = std::max(static_cast<double>(policy.min_interval.count()), policy.detection_fraction * waited);

  // Expected total from the caller, the provider's estimate, or extrapolated progress.
  std::optional<double> expected{};
  if (policy.expected_duration) expected = static_cast<double>(policy.expected_duration->count());
  if (s.estimated_time && s.estimated_time->count() > 0)
    expected = static_cast<double>(std::chrono::duration_cast<ms>(*s.estimated_time).count());
  if (s.progress && *s.progress > 5 && *s.progress < 100 && waited > 0)
    expected = waited * 100.0 / static_cast<double>(*s.progress);
  if (expected && waited < *expected * 0.5) {
    // Far from the expected end: sleep until half of it, still bounded by max_interval below.
    delay = std::max(delay, *expected * 0.5 - waited);
  }

  delay = std::min(delay, static_cast<double>(policy.max_interval.count()));
  delay *= 1.0 - policy.jitter * jitter.next_unit();
  return ms(
      static_cast<ms::rep>(std::max(delay, static_cast<double>(policy.min_interval.count()) * (1.0 - policy.jitter))));
}

}  // namespace seedance

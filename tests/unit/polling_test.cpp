#include <seedance/polling.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

seedance::polling_policy exact() {
  seedance::polling_policy p;
  p.jitter = 0;
  return p;
}

TEST(Polling, FirstPollIsSoon) {
  seedance::jitter_source rng(1);
  EXPECT_EQ(seedance::next_poll_delay(exact(), {.waited = 0ms, .polls = 0}, rng), 1000ms);
}

TEST(Polling, IntervalIsMinUntilFractionOfWaitExceedsIt) {
  seedance::jitter_source rng(1);
  const auto p = exact();
  EXPECT_EQ(seedance::next_poll_delay(p, {.waited = 1000ms, .polls = 1}, rng), 2000ms);
  EXPECT_EQ(seedance::next_poll_delay(p, {.waited = 39'000ms, .polls = 10}, rng), 2000ms);
  EXPECT_EQ(seedance::next_poll_delay(p, {.waited = 100'000ms, .polls = 30}, rng), 5000ms);
  EXPECT_EQ(seedance::next_poll_delay(p, {.waited = 2'000'000ms, .polls = 90}, rng), 30'000ms);  // capped
}

TEST(Polling, DetectionDelayStaysWithinFractionOfTaskLength) {
  // Simulate tasks of known length; the gap between completion and the poll that sees it is bounded.
  const auto p = exact();
  for (long length_ms : {3'000L, 20'000L, 60'000L, 180'000L, 600'000L}) {
    seedance::jitter_source rng(5);
    long t = 0;
    int polls = 0;
    while (true) {
      t += seedance::next_poll_delay(p, {.waited = ms(t), .polls = polls}, rng).count();
      ++polls;
      if (t >= length_ms) break;
    }
    const long detection = t - length_ms;
    EXPECT_LE(detection, std::max(2'000L, length_ms / 20) + 1) << length_ms;
  }
}

TEST(Polling, EstimatedTimeSkipsEarlyPolls) {
  const auto p = exact();
  seedance::jitter_source rng(1);
  seedance::poll_state s{
      .waited = 1000ms, .polls = 1, .state = seedance::task_state::running, .estimated_time = std::chrono::seconds(60)};
  EXPECT_EQ(seedance::next_poll_delay(p, s, rng), 29'000ms);  // until half of the estimate
  s.estimated_time = std::chrono::seconds(600);
  EXPECT_EQ(seedance::next_poll_delay(p, s, rng), 30'000ms);  // bounded by max_interval
}

TEST(Polling, ProgressExtrapolatesRemainingTime) {
  const auto p = exact();
  seedance::jitter_source rng(1);
  // 10% after 10 s: expected 100 s, half is 50 s -> wait 40 s, capped at 30 s.
  seedance::poll_state s{.waited = 10'000ms, .polls = 3, .state = seedance::task_state::running, .progress = 10};
  EXPECT_EQ(seedance::next_poll_delay(p, s, rng), 30'000ms);
  // 80% after 40 s: expected 50 s, past half: fraction rule (2 s).
  s = {.waited = 40'000ms, .polls = 8, .state = seedance::task_state::running, .progress = 80};
  EXPECT_EQ(seedance::next_poll_delay(p, s, rng), 2000ms);
}

TEST(Polling, JitterOnlyShortensAndIsReproducible) {
  seedance::polling_policy p;  // jitter 0.1
  seedance::jitter_source a(11), b(11);
  for (int i = 1; i < 50; ++i) {
    seedance::poll_state s{.waited = ms(i * 3000), .polls = i};
    const auto da = seedance::next_poll_delay(p, s, a);
    const auto db = seedance::next_poll_delay(p, s, b);
    EXPECT_EQ(da, db);
    seedance::jitter_source none(11);
    const auto exact_delay = seedance::next_poll_delay(exact(), s, none);
    EXPECT_LE(da, exact_delay);
    EXPECT_GE(da.count(), static_cast<long>(static_cast<double>(exact_delay.count()) * 0.9) - 1);
  }
}

TEST(Polling, PollCountForThreeMinuteTaskWithEstimate) {
  const auto p = exact();
  seedance::jitter_source rng(1);
  long t = 0;
  int polls = 0;
  while (t < 180'000) {
    t += seedance::next_poll_delay(p, {.waited = ms(t), .polls = polls, .estimated_time = std::chrono::seconds(180)},
                                   rng)
             .count();
    ++polls;
  }
  EXPECT_LE(polls, 40);
  EXPECT_LE(t - 180'000, 9'000);
}

}  // namespace

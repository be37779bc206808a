#include <seedance/retry.hpp>

#include <gtest/gtest.h>

#include <system_error>

namespace {

using namespace std::chrono_literals;
using seedance::errc;
using seedance::operation_kind;

seedance::retry_policy no_jitter() {
  seedance::retry_policy p;
  p.jitter = 0;
  return p;
}

TEST(Retry, ExponentialBackoffExactValuesWithoutJitter) {
  auto policy = no_jitter();
  seedance::jitter_source rng(1);
  const auto code = make_error_code(errc::server_error);
  const long expected[] = {500, 1000, 2000, 4000, 8000};
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto d = seedance::decide_retry(policy, operation_kind::status, attempt, code, false, std::nullopt, rng);
    ASSERT_TRUE(d.retry) << attempt;
    EXPECT_EQ(d.delay.count(), expected[attempt - 1]) << attempt;
  }
  // Sixth attempt made: limit reached.
  EXPECT_FALSE(seedance::decide_retry(policy, operation_kind::status, 6, code, false, std::nullopt, rng).retry);
}

TEST(Retry, BackoffIsCappedAtMaxDelay) {
  auto policy = no_jitter();
  policy.max_attempts = 20;
  seedance::jitter_source rng(1);
  auto d = seedance::decide_retry(policy, operation_kind::download, 15, make_error_code(errc::connection_closed), false,
                                  std::nullopt, rng);
  ASSERT_TRUE(d.retry);
  EXPECT_EQ(d.delay, 30'000ms);
}

TEST(Retry, SeededJitterGivesExactReproducibleDelays) {
  seedance::retry_policy policy;  // jitter 0.2
  seedance::jitter_source a(42), b(42), reference(42);
  const auto code = make_error_code(errc::timeout);
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto da = seedance::decide_retry(policy, operation_kind::status, attempt, code, false, std::nullopt, a);
    auto db = seedance::decide_retry(policy, operation_kind::status, attempt, code, false, std::nullopt, b);
    EXPECT_EQ(da.delay, db.delay);
    const double base = 500.0 * (1 << (attempt - 1));
    const double factor = 0.8 + 0.4 * reference.next_unit();
    EXPECT_EQ(da.delay.count(), std::llround(base * factor));
    EXPECT_GE(da.delay.count(), static_cast<long>(base * 0.8));
    EXPECT_LT(da.delay.count(), static_cast<long>(base * 1.2) + 1);
  }
}

TEST(Retry, RetryAfterIsHonouredAndCapped) {
  seedance::retry_policy policy;
  seedance::jitter_source rng(7);
  const auto code = make_error_code(errc::rate_limited);
  auto d = seedance::decide_retry(policy, operation_kind::status, 1, code, false, std::chrono::seconds(7), rng);
  ASSERT_TRUE(d.retry);
  EXPECT_EQ(d.delay, 7000ms);
  d = seedance::decide_retry(policy, operation_kind::status, 1, code, false, std::chrono::seconds(3600), rng);
  EXPECT_EQ(d.delay, 120'000ms);
  d = seedance::decide_retry(policy, operation_kind::status, 1, code, false, std::chrono::seconds(0), rng);
  EXPECT_EQ(d.delay, 0ms);
}

TEST(Retry, CreateIsRetriedOnlyWhenProvablyNotAccepted) {
  seedance::retry_policy policy;
  seedance::jitter_source rng(3);
  auto create = [&](errc e, bool safe) {
    return seedance::decide_retry(policy, operation_kind::create, 1, make_error_code(e), safe, std::nullopt, rng).retry;
  };
  EXPECT_TRUE(create(errc::connect_failed, true));
  EXPECT_TRUE(create(errc::tls_failed, true));
  EXPECT_TRUE(create(errc::rate_limited, false));
  // Anything after the request may have been written: never.
  EXPECT_FALSE(create(errc::connect_failed, false));
  EXPECT_FALSE(create(errc::connection_closed, false));
  EXPECT_FALSE(create(errc::connection_closed, true));
  EXPECT_FALSE(create(errc::timeout, false));
  EXPECT_FALSE(create(errc::outcome_unknown, false));
  EXPECT_FALSE(create(errc::server_error, false));
  // Money and auth answers are final.
  EXPECT_FALSE(create(errc::unauthorized, false));
  EXPECT_FALSE(create(errc::insufficient_credits, false));
  EXPECT_FALSE(create(errc::invalid_request, false));
  EXPECT_FALSE(create(errc::forbidden, false));
}

TEST(Retry, CreateRespectsItsOwnAttemptLimit) {
  seedance::retry_policy policy;
  policy.max_create_attempts = 2;
  seedance::jitter_source rng(3);
  const auto code = make_error_code(errc::rate_limited);
  EXPECT_TRUE(seedance::decide_retry(policy, operation_kind::create, 1, code, false, std::nullopt, rng).retry);
  EXPECT_FALSE(seedance::decide_retry(policy, operation_kind::create, 2, code, false, std::nullopt, rng).retry);
}

TEST(Retry, IdempotentOperationsRetryTransportAndServerErrorsOnly) {
  for (auto kind : {operation_kind::status, operation_kind::cancel, operation_kind::list, operation_kind::download}) {
    for (auto e : {errc::connect_failed, errc::tls_failed, errc::connection_closed, errc::timeout, errc::idle_timeout,
                   errc::protocol_error, errc::rate_limited, errc::server_error})
      EXPECT_TRUE(seedance::is_retryable(kind, make_error_code(e), false)) << static_cast<int>(e);
    for (auto e : {errc::unauthorized, errc::forbidden, errc::not_found, errc::insufficient_credits, errc::rejected,
                   errc::bad_response, errc::invalid_request, errc::output_expired})
      EXPECT_FALSE(seedance::is_retryable(kind, make_error_code(e), false)) << static_cast<int>(e);
  }
}

TEST(Retry, CancellationIsNeverRetried) {
  const auto aborted = std::make_error_code(std::errc::operation_canceled);
  EXPECT_FALSE(seedance::is_retryable(operation_kind::status, aborted, true));
  EXPECT_FALSE(seedance::is_retryable(operation_kind::create, aborted, true));
}

TEST(Retry, JitterSourceIsUniformEnough) {
  seedance::jitter_source rng(99);
  double sum = 0;
  for (int i = 0; i < 10'000; ++i) {
    const double u = rng.next_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10'000, 0.5, 0.02);
}

}  // namespace

// The money decisions of a create, each in one function: may_have_created_task() (the table in
// create_outcome.hpp, row by row), is_tasks_in_progress_limit(), the errors the transport builds from them
// (http/error.hpp), and the hold delay of a create refused with 429 (retry.hpp). The two headers of these
// decisions include no Asio and no OpenSSL: this translation unit includes them first and checks.
#include <seedance/create_outcome.hpp>
#include <seedance/http/error.hpp>

#if defined(ASIO_DETAIL_CONFIG_HPP) || defined(ASIO_VERSION) || defined(ASIO_HPP)
#error "create_outcome.hpp or http/error.hpp includes an Asio header"
#endif
#if defined(OPENSSL_E_OS2_H) || defined(HEADER_E_OS2_H)
#error "create_outcome.hpp or http/error.hpp includes an OpenSSL header"
#endif

#include <seedance/retry.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <system_error>

namespace {

using namespace std::chrono_literals;
using seedance::errc;
using seedance::may_have_created_task;
using seedance::send_progress;

struct table_row {
  const char* why;
  send_progress progress;
  bool may_have_created;
};

TEST(CreateOutcome, MayHaveCreatedTaskTable) {
  const table_row rows[] = {
      // An idempotent request creates nothing, however far it got.
      {"GET, nothing written", {.idempotent = true, .request_written = false}, false},
      {"GET, written, no answer", {.idempotent = true, .request_written = true}, false},
      {"GET, 2xx head, body lost", {.idempotent = true, .request_written = true, .response_status = 200}, false},
      // Nothing written: the server never saw it.
      {"POST, connect failed", {.idempotent = false, .request_written = false}, false},
      {"POST, not written, a status is meaningless", {.request_written = false, .response_status = 200}, false},
      // Written, no response head: nobody can tell.
      {"POST, written, connection lost", {.request_written = true}, true},
      {"POST, written, deadline before any answer", {.request_written = true, .response_status = 0}, true},
      // A 2xx head: accepted; only an understood body says which task.
      {"POST, 200, body cut", {.request_written = true, .response_status = 200}, true},
      {"POST, 201, body unreadable", {.request_written = true, .response_status = 201}, true},
      {"POST, 299, body unreadable", {.request_written = true, .response_status = 299}, true},
      {"POST, 200, body understood",
       {.request_written = true, .response_status = 200, .response_understood = true},
       false},
      // Any other status is the provider's answer that it did not take the request.
      {"POST, 100 head", {.request_written = true, .response_status = 100}, false},
      {"POST, 302 head", {.request_written = true, .response_status = 302}, false},
      {"POST, 400, body cut", {.request_written = true, .response_status = 400}, false},
      {"POST, 402", {.request_written = true, .response_status = 402}, false},
      {"POST, 429, body cut", {.request_written = true, .response_status = 429}, false},
      {"POST, 500", {.request_written = true, .response_status = 500}, false},
      {"POST, 503, body cut", {.request_written = true, .response_status = 503}, false},
      // "Understood" only matters for 2xx.
      {"POST, 500, understood", {.request_written = true, .response_status = 500, .response_understood = true}, false},
  };
  for (const auto& row : rows) EXPECT_EQ(may_have_created_task(row.progress), row.may_have_created) << row.why;
  // The table is constexpr: usable where the decision must be known at compile time.
  static_assert(may_have_created_task(send_progress{.request_written = true}));
  static_assert(!may_have_created_task(send_progress{.idempotent = true, .request_written = true}));
}

TEST(CreateOutcome, ErrorCodeFormIsTrueOnlyForOutcomeUnknown) {
  EXPECT_TRUE(may_have_created_task(make_error_code(errc::outcome_unknown)));
  for (errc e :
       {errc::invalid_request, errc::connect_failed, errc::tls_failed, errc::connection_closed, errc::timeout,
        errc::rate_limited, errc::server_error, errc::rejected, errc::bad_response, errc::insufficient_credits})
    EXPECT_FALSE(may_have_created_task(make_error_code(e))) << make_error_code(e).message();
  EXPECT_FALSE(may_have_created_task(std::make_error_code(std::errc::operation_canceled)));
  EXPECT_FALSE(may_have_created_task(std::error_code{}));
}

TEST(CreateOutcome, A429IsAboutTasksInProgressUnlessItsBodySaysOtherwise) {
  seedance::error_details plain;  // Kinovi's error table: "429 Concurrency limit exceeded", no fields
  EXPECT_TRUE(seedance::is_tasks_in_progress_limit(plain));
  seedance::error_details named;
  named.concurrency_limit = 5;  // Kinovi v2 README: {"limit":5,"current":5}
  EXPECT_TRUE(seedance::is_tasks_in_progress_limit(named));
  seedance::error_details concurrency_code;
  concurrency_code.provider_code = "concurrency_limit_exceeded";
  EXPECT_TRUE(seedance::is_tasks_in_progress_limit(concurrency_code));
  for (const char* rate : {"RateLimitExceeded.EndpointRPMExceeded", "RateLimitExceeded.EndpointTPMExceeded",
                           "QuotaExceeded", "rate_limit_exceeded"}) {
    seedance::error_details d;
    d.provider_code = rate;
    EXPECT_FALSE(seedance::is_tasks_in_progress_limit(d)) << rate;
    d.concurrency_limit = 3;  // a body naming the limit settles it
    EXPECT_TRUE(seedance::is_tasks_in_progress_limit(d)) << rate;
  }
}

TEST(CreateOutcome, TransportErrorsAreBuiltFromTheDecision) {
  using seedance::http::send_error;
  const auto lost = send_error("POST 127.0.0.1:1/tasks", send_progress{.request_written = true},
                               errc::connection_closed, "the connection failed while reading the response (eof)");
  EXPECT_EQ(lost.code(), make_error_code(errc::outcome_unknown));
  EXPECT_FALSE(lost.details().retry_safe);
  EXPECT_EQ(lost.text(),
            "POST 127.0.0.1:1/tasks: outcome unknown: the connection failed while reading the response (eof); the "
            "server may have processed the request");

  const auto refused =
      send_error("POST 127.0.0.1:1/tasks", send_progress{.request_written = true, .response_status = 429},
                 errc::connection_closed, "the connection failed while reading the response (eof)");
  EXPECT_EQ(refused.code(), make_error_code(errc::connection_closed));
  EXPECT_FALSE(refused.details().retry_safe);  // written: never repeated blindly
  EXPECT_EQ(refused.details().http_status, 429);

  const auto idempotent =
      send_error("GET 127.0.0.1:1/tasks/1", send_progress{.idempotent = true, .request_written = true}, errc::timeout,
                 "the request deadline of 5 ms passed");
  EXPECT_EQ(idempotent.code(), make_error_code(errc::timeout));
  EXPECT_TRUE(idempotent.details().retry_safe);
  EXPECT_EQ(idempotent.text(), "GET 127.0.0.1:1/tasks/1: the request deadline of 5 ms passed");

  const auto unsent = send_error("POST 127.0.0.1:1/tasks", seedance::http::nothing_sent(), errc::connect_failed,
                                 "cannot connect to 127.0.0.1:1: Connection refused");
  EXPECT_EQ(unsent.code(), make_error_code(errc::connect_failed));
  EXPECT_TRUE(unsent.details().retry_safe);
  EXPECT_EQ(unsent.details().http_status, 0);
}

TEST(CreateHold, DelayBacksOffUpToThirtySecondsAndHonoursRetryAfter) {
  seedance::retry_policy policy;
  policy.jitter = 0;
  seedance::jitter_source rng(1);
  const long expected[] = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
  for (int holds = 1; holds <= 8; ++holds)
    EXPECT_EQ(seedance::hold_delay(policy, holds, std::nullopt, rng).count(), expected[holds - 1]) << holds;
  EXPECT_EQ(seedance::hold_delay(policy, 200, std::nullopt, rng), 30'000ms);  // no overflow far out
  EXPECT_EQ(seedance::hold_delay(policy, 1, std::chrono::seconds(7), rng), 7000ms);
  EXPECT_EQ(seedance::hold_delay(policy, 1, std::chrono::seconds(3600), rng), 30'000ms);  // capped
  EXPECT_EQ(seedance::hold_delay(policy, 1, std::chrono::seconds(0), rng), 0ms);          // the server's word
  EXPECT_EQ(seedance::hold_delay(policy, 2, std::chrono::seconds(0), rng), 500ms);        // but never a spin
  policy.max_hold_delay = 2s;
  EXPECT_EQ(seedance::hold_delay(policy, 5, std::nullopt, rng), 2000ms);
}

TEST(CreateHold, SeededJitterStaysWithinItsBand) {
  seedance::retry_policy policy;  // jitter 0.2
  seedance::jitter_source a(9), reference(9);
  for (int holds = 1; holds <= 10; ++holds) {
    const auto d = seedance::hold_delay(policy, holds, std::nullopt, a);
    const double base = std::min(500.0 * (1 << (holds - 1)), 30'000.0);
    const double factor = 0.8 + 0.4 * reference.next_unit();
    EXPECT_EQ(d.count(), std::min<long>(std::llround(base * factor), 30'000)) << holds;
    EXPECT_LE(d, 30'000ms);
  }
}

TEST(ScrubSecret, LivesBesideRedactAndRemovesPiecesOfTheKey) {
  const std::string key = "sk-live-0123456789abcdef";
  EXPECT_EQ(seedance::scrub_secret("Bearer " + key + " refused", key), "Bearer [redacted] refused");
  // What is left of a key cut to length by a provider's message is removed too.
  EXPECT_EQ(seedance::scrub_secret("header was Bearer sk-live-01234...", key), "header was Bearer [redacted]...");
  EXPECT_EQ(seedance::scrub_secret("sk-live is a prefix", key), "sk-live is a prefix");     // 7 characters: kept
  EXPECT_EQ(seedance::scrub_secret("key abc1234 here", "abc1234"), "key [redacted] here");  // short: whole only
}

}  // namespace

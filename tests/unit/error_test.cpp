// Error codes, categories, conditions, HTTP status mapping and redaction.
#include <seedance/error.hpp>
#include <support/every_errc.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <system_error>

namespace {

using seedance::condition;
using seedance::errc;

TEST(Error, CategoryNamesAndMessages) {
  EXPECT_STREQ(seedance::error_category().name(), "seedance");
  EXPECT_STREQ(seedance::condition_category().name(), "seedance.condition");
  EXPECT_EQ(seedance::make_error_code(errc::invalid_request).message(), "invalid request");
  EXPECT_EQ(seedance::make_error_code(errc::rate_limited).message(), "rate limited");
  EXPECT_EQ(seedance::make_error_code(errc::outcome_unknown).message(),
            "outcome unknown: the request may have created a task");
  EXPECT_EQ(seedance::make_error_condition(condition::cancelled).message(), "cancelled");
  EXPECT_EQ(std::error_code(9999, seedance::error_category()).message(), "unknown seedance error");
}

TEST(Error, EveryCodeHasItsOwnMessage) {
  const auto& all = seedance::test_support::every_errc;
  for (errc e : all) {
    const std::string m = seedance::make_error_code(e).message();
    EXPECT_FALSE(m.empty());
    EXPECT_NE(m, "unknown seedance error") << static_cast<int>(e);
  }
}

TEST(Error, CodesCompareToConditions) {
  EXPECT_EQ(seedance::make_error_code(errc::rate_limited), condition::rate_limited);
  EXPECT_EQ(std::error_code(errc::rate_limited), condition::rate_limited);
  EXPECT_EQ(std::error_code(errc::invalid_request), condition::invalid_request);
  EXPECT_EQ(std::error_code(errc::unsupported), condition::invalid_request);
  EXPECT_EQ(std::error_code(errc::unauthorized), condition::auth);
  EXPECT_EQ(std::error_code(errc::forbidden), condition::auth);
  EXPECT_EQ(std::error_code(errc::insufficient_credits), condition::insufficient_credits);
  EXPECT_EQ(std::error_code(errc::tls_failed), condition::transport);
  EXPECT_EQ(std::error_code(errc::server_error), condition::transport);
  EXPECT_EQ(std::error_code(errc::idle_timeout), condition::timeout);
  EXPECT_EQ(std::error_code(errc::deadline_exceeded), condition::timeout);
  EXPECT_EQ(std::error_code(errc::task_failed), condition::task_failed);
  EXPECT_EQ(std::error_code(errc::task_expired), condition::task_failed);
  EXPECT_EQ(std::error_code(errc::task_cancelled), condition::cancelled);
  EXPECT_EQ(std::error_code(errc::outcome_unknown), condition::outcome_unknown);
  EXPECT_NE(std::error_code(errc::rate_limited), condition::transport);
  EXPECT_NE(std::error_code(errc::outcome_unknown), condition::transport);  // never mistaken for retryable
}

TEST(Error, StandardCodesCompareToConditions) {
  EXPECT_EQ(std::make_error_code(std::errc::operation_canceled), condition::cancelled);
  EXPECT_EQ(std::error_code(ECANCELED, std::system_category()), condition::cancelled);
  EXPECT_EQ(std::make_error_code(std::errc::timed_out), condition::timeout);
  EXPECT_EQ(std::make_error_code(std::errc::connection_refused), condition::transport);
  EXPECT_EQ(std::make_error_code(std::errc::connection_reset), condition::transport);
  EXPECT_NE(std::make_error_code(std::errc::operation_canceled), condition::timeout);
  EXPECT_NE(std::make_error_code(std::errc::no_such_file_or_directory), condition::transport);
}

TEST(Error, HttpStatusMapping) {
  EXPECT_EQ(seedance::errc_from_http_status(400), errc::rejected);
  EXPECT_EQ(seedance::errc_from_http_status(401), errc::unauthorized);
  EXPECT_EQ(seedance::errc_from_http_status(402), errc::insufficient_credits);
  EXPECT_EQ(seedance::errc_from_http_status(403), errc::forbidden);
  EXPECT_EQ(seedance::errc_from_http_status(404), errc::not_found);
  EXPECT_EQ(seedance::errc_from_http_status(408), errc::timeout);
  EXPECT_EQ(seedance::errc_from_http_status(422), errc::rejected);
  EXPECT_EQ(seedance::errc_from_http_status(429), errc::rate_limited);
  EXPECT_EQ(seedance::errc_from_http_status(500), errc::server_error);
  EXPECT_EQ(seedance::errc_from_http_status(503), errc::server_error);
  static_assert(seedance::errc_from_http_status(429) == errc::rate_limited);
}

TEST(Error, ExceptionCarriesCodeMessageAndDetails) {
  seedance::error_details d;
  d.http_status = 429;
  d.provider_code = "RateLimitExceeded.EndpointRPMExceeded";
  d.retry_after = std::chrono::seconds{3};
  d.problems.push_back({"ratio", "seedance2.ink offers only 16:9, 9:16 and 1:1", "4:3"});
  const seedance::error e(errc::rate_limited, "create: rate limited by Ark", d);
  EXPECT_EQ(e.code(), errc::rate_limited);
  EXPECT_EQ(e.code(), condition::rate_limited);
  EXPECT_NE(std::string(e.what()).find("create: rate limited by Ark"), std::string::npos);
  EXPECT_EQ(e.details().http_status, 429);
  EXPECT_EQ(e.details().retry_after, std::chrono::seconds{3});
  ASSERT_EQ(e.details().problems.size(), 1u);
  EXPECT_EQ(e.details().problems[0].value, "4:3");

  try {
    throw e;
  } catch (const std::system_error& caught) {  // catchable as the standard type
    EXPECT_EQ(caught.code(), condition::rate_limited);
  }
}

TEST(Error, RedactRemovesTheKey) {
  const std::string key = "sk-live-0123456789abcdef";
  const std::string text = "401 from server: invalid key " + key + " (Bearer " + key + ")";
  const std::string clean = seedance::redact(text, key);
  EXPECT_EQ(clean.find(key), std::string::npos);
  EXPECT_EQ(clean, "401 from server: invalid key [redacted] (Bearer [redacted])");
  EXPECT_EQ(seedance::redact("nothing here", key), "nothing here");
  EXPECT_EQ(seedance::redact("a key abc in text", "abc"), "a key abc in text");  // too short to be a key
  EXPECT_EQ(seedance::redact("kkkkkkkk", "kkkk"), "[redacted][redacted]");
}

}  // namespace

// jobs/store_kinds.hpp - the two job stores behind one test interface, so that every store test and runner
// test runs against both: SQLite on a temporary file, PostgreSQL in a schema of its own on the test cluster
// (SEEDANCE_TEST_POSTGRES_URL; without it the PostgreSQL tests skip and say why).
#pragma once

#include "support.hpp"

#include <seedance/jobs/postgres.hpp>
#include <seedance/jobs/sqlite.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <string>

namespace seedance::jobs_test {

/// SQLite: every open() is another connection to the same file.
struct sqlite_kind {
  using store_type = jobs::sqlite_store;
  std::filesystem::path file;

  /// Prepares an empty store for test `name`; "" when ready, else why the test must skip.
  std::string prepare(asio::io_context&, const std::string& name) {
    file = temp_dir(name) / "jobs.db";
    return {};
  }
  std::unique_ptr<store_type> open(asio::io_context& io) {
    jobs::sqlite_options o;
    o.poll_interval = 20ms;
    return std::make_unique<store_type>(io.get_executor(), file, o);
  }
};

/// PostgreSQL: every open() is another pair of connections to one schema, dropped before the test.
struct postgres_kind {
  using store_type = jobs::postgres_store;
  std::string url;
  std::string schema;
  std::chrono::milliseconds fallback_poll = 100ms;

  std::string prepare(asio::io_context& io, const std::string& name) {
    url = postgres_url();
    if (url.empty())
      return "SEEDANCE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against (scripts/test starts one)";
    schema = "t_";
    for (char c : name) schema += std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '_';
    schema = schema.substr(0, 40) + "_" + std::to_string(::getpid() % 100000);
    auto connection = run(io, jobs::detail::pg_connection::connect(io.get_executor(), url));
    run(io, connection->exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
    return {};
  }
  std::unique_ptr<store_type> open(asio::io_context& io) {
    jobs::postgres_options o;
    o.schema = schema;
    o.fallback_poll = fallback_poll;
    return run(io, store_type::open(io.get_executor(), url, o));
  }
};

/// The name of the running test, for file and schema names.
inline std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

}  // namespace seedance::jobs_test

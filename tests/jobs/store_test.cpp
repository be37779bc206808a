// The job stores against their contract: insert-if-absent, compare-and-set, leases, listing, resolve, change
// notifications. Every test runs against SQLite (a temporary file, two connections) and PostgreSQL.
#include "store_kinds.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace {

using namespace seedance::jobs_test;
namespace sj = seedance::jobs;

template <class Kind>
class JobStore : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = kind.prepare(io, current_test_name());
    if (!why.empty()) GTEST_SKIP() << why;
  }
  sj::job fresh(const std::string& key) {
    sj::job j;
    j.key = key;
    j.request_json = sj::request_to_json(text_request(key));
    j.path = "/tmp/" + key + ".mp4";
    return j;
  }
  asio::io_context io;
  Kind kind;
};
using kinds = ::testing::Types<sqlite_kind, postgres_kind>;
TYPED_TEST_SUITE(JobStore, kinds);

TYPED_TEST(JobStore, InsertIfAbsentKeepsTheFirstJob) {
  auto a = this->kind.open(this->io);
  auto b = this->kind.open(this->io);
  auto first = this->fresh("shot-1");
  auto stored = run(this->io, a->insert_if_absent(first));
  EXPECT_EQ(stored.state, sj::job_state::intent);
  EXPECT_EQ(stored.version, 1);
  auto other = this->fresh("shot-1");
  other.path = "/tmp/elsewhere.mp4";
  auto again = run(this->io, b->insert_if_absent(other));
  EXPECT_EQ(again.path, first.path);  // the first one stays
  EXPECT_EQ(again.version, 1);
  EXPECT_FALSE(run(this->io, a->get("shot-2")).has_value());
}

TYPED_TEST(JobStore, CompareAndSetLetsOneWriterWin) {
  auto a = this->kind.open(this->io);
  auto b = this->kind.open(this->io);
  auto seen_by_a = run(this->io, a->insert_if_absent(this->fresh("k")));
  auto seen_by_b = *run(this->io, b->get("k"));
  const auto next_a = sj::apply(seen_by_a, sj::job_state::creating);
  const auto next_b = sj::apply(seen_by_b, sj::job_state::creating);
  EXPECT_TRUE(run(this->io, a->compare_and_set(seen_by_a, next_a)));
  EXPECT_FALSE(run(this->io, b->compare_and_set(seen_by_b, next_b)));
  auto now = *run(this->io, b->get("k"));
  EXPECT_EQ(now.state, sj::job_state::creating);
  EXPECT_EQ(now.version, 2);
  sj::transition_data d;
  d.task_id = "task_7";
  const auto created = sj::apply(now, sj::job_state::created, d);
  EXPECT_TRUE(run(this->io, b->compare_and_set(now, created)));
  EXPECT_EQ(run(this->io, a->get("k"))->task_id, "task_7");
}

TYPED_TEST(JobStore, LeaseKeepsOtherWorkersOutUntilItRunsOut) {
  auto a = this->kind.open(this->io);
  auto b = this->kind.open(this->io);
  run(this->io, a->insert_if_absent(this->fresh("k")));
  ASSERT_TRUE(run(this->io, a->claim("k", "worker-a", 60s)).has_value());
  EXPECT_FALSE(run(this->io, b->claim("k", "worker-b", 60s)).has_value());
  EXPECT_TRUE(run(this->io, a->claim("k", "worker-a", 60s)).has_value());  // a restarted worker-a takes it back
  EXPECT_TRUE(run(this->io, a->renew("k", "worker-a", 1ms)));
  EXPECT_FALSE(run(this->io, b->renew("k", "worker-b", 60s)));
  std::this_thread::sleep_for(20ms);  // worker-a's 1 ms lease has run out
  auto taken = run(this->io, b->claim("k", "worker-b", 60s));
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->lease_owner, "worker-b");
  EXPECT_FALSE(run(this->io, a->renew("k", "worker-a", 60s)));  // worker-a lost it
  run(this->io, b->release("k", "worker-b"));
  EXPECT_TRUE(run(this->io, a->claim("k", "worker-a", 60s)).has_value());
}

TYPED_TEST(JobStore, ClaimNextTakesEachWorkableJobOnce) {
  auto a = this->kind.open(this->io);
  auto b = this->kind.open(this->io);
  for (const char* key : {"j1", "j2", "j3", "j4"}) run(this->io, a->insert_if_absent(this->fresh(key)));
  // j4 is finished (failed at create): nobody claims it.
  auto j4 = *run(this->io, a->get("j4"));
  auto creating = sj::apply(j4, sj::job_state::creating);
  ASSERT_TRUE(run(this->io, a->compare_and_set(j4, creating)));
  sj::transition_data why;
  why.error_code = "rejected";
  ASSERT_TRUE(run(this->io, a->compare_and_set(creating, sj::apply(creating, sj::job_state::failed, why))));
  std::vector<std::string> taken;
  for (int i = 0; i < 5; ++i) {
    auto& store = i % 2 ? *b : *a;
    auto j = run(this->io, store.claim_next(i % 2 ? "worker-b" : "worker-a", 60s));
    if (j) taken.push_back(j->key);
  }
  EXPECT_EQ(taken, (std::vector<std::string>{"j1", "j2", "j3"}));
  auto unfinished = run(this->io, b->list_unfinished());
  ASSERT_EQ(unfinished.size(), 3u);
  EXPECT_EQ(unfinished[0].key, "j1");
  EXPECT_EQ(unfinished[2].key, "j3");
}

TYPED_TEST(JobStore, ResolveOnlyMovesOutcomeUnknownJobs) {
  auto a = this->kind.open(this->io);
  auto j = run(this->io, a->insert_if_absent(this->fresh("k")));
  EXPECT_THROW(run(this->io, a->resolve("k", std::string("task_1"))), seedance::error);  // intent
  EXPECT_THROW(run(this->io, a->resolve("nope", std::nullopt)), seedance::error);
  auto creating = sj::apply(j, sj::job_state::creating);
  ASSERT_TRUE(run(this->io, a->compare_and_set(j, creating)));
  auto unknown = sj::apply(creating, sj::job_state::outcome_unknown);
  ASSERT_TRUE(run(this->io, a->compare_and_set(creating, unknown)));
  auto resolved = run(this->io, a->resolve("k", std::string("task_1")));
  EXPECT_EQ(resolved.state, sj::job_state::created);
  EXPECT_EQ(resolved.task_id, "task_1");
  try {
    run(this->io, a->resolve("k", std::nullopt));
    ADD_FAILURE() << "a created job was resolved";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), seedance::errc::invalid_request);
  }
}

TYPED_TEST(JobStore, ResolveRefusesACreatingJobWhoseWorkerIsAlive) {
  auto a = this->kind.open(this->io);
  auto j = run(this->io, a->insert_if_absent(this->fresh("k")));
  ASSERT_TRUE(run(this->io, a->claim("k", "worker-a", 60s)).has_value());
  auto creating = sj::apply(j, sj::job_state::creating);
  ASSERT_TRUE(run(this->io, a->compare_and_set(j, creating)));
  EXPECT_THROW(run(this->io, a->resolve("k", std::nullopt)), seedance::error);
  ASSERT_TRUE(run(this->io, a->renew("k", "worker-a", 1ms)));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(run(this->io, a->resolve("k", std::nullopt)).state, sj::job_state::intent);
}

TEST(PostgresJobStore, AWriteOnOneConnectionWakesAWaiterOnAnother) {
  asio::io_context io;
  postgres_kind kind;
  kind.fallback_poll = std::chrono::hours(1);  // only a notification can end the wait below
  const std::string why = kind.prepare(io, current_test_name());
  if (!why.empty()) GTEST_SKIP() << why;
  auto waiter = kind.open(io);
  auto writer = kind.open(io);
  sj::job j;
  j.key = "k";
  j.request_json = "{}";
  j.path = "/tmp/k.mp4";
  auto stored = run(io, writer->insert_if_absent(j));
  const auto creating = sj::apply(stored, sj::job_state::creating);  // (not notified: nobody waits on it)
  ASSERT_TRUE(run(io, writer->compare_and_set(stored, creating)));
  bool woke = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await waiter->wait_for_change("k", std::chrono::hours(1));
        woke = true;
      },
      asio::detached);
  for (int i = 0; i < 5; ++i) io.run_one_for(10ms);  // the waiter is parked
  EXPECT_FALSE(woke);
  sj::transition_data d;
  d.task_id = "task_1";
  ASSERT_TRUE(run(io, writer->compare_and_set(creating, sj::apply(creating, sj::job_state::created, d))));
  const auto give_up = std::chrono::steady_clock::now() + 30s;  // a failure bound, not a timing assertion
  pump(io, [&] { return woke || std::chrono::steady_clock::now() > give_up; });
  EXPECT_TRUE(woke) << "no notification reached the waiting store";
}

TEST(PostgresJobStore, RefusesABadSchemaNameBeforeConnecting) {
  asio::io_context io;
  sj::postgres_options o;
  o.schema = "Robert'); DROP TABLE";
  try {
    run(io, sj::postgres_store::open(io.get_executor(), "postgresql://nobody@127.0.0.1:1/none", o));
    FAIL() << "accepted the schema name";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), seedance::errc::invalid_request);
    EXPECT_EQ(std::string(e.what()).rfind("schema: ", 0), 0u) << e.what();
  }
}

}  // namespace

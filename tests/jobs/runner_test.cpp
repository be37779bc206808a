// job_runner against the simulator, over both stores: one task per key however often and wherever run() is
// called, crashes at every state boundary, failures and unknown outcomes kept, never resubmitted.
#include "store_kinds.hpp"

#include <seedance/jobs/runner.hpp>

#include <gtest/gtest.h>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>

#include <memory>
#include <string>

namespace {

using namespace seedance::jobs_test;
namespace sj = seedance::jobs;
using seedance::errc;

/// Thrown by on_transition to stop a worker right after a commit (what a crash leaves in the store).
struct simulated_crash {};

template <class Kind>
class JobRunner : public ::testing::Test {
 public:
  using store_type = typename Kind::store_type;
  using runner_type = sj::job_runner<seedance::kinovi, store_type>;

  /// One worker process: a client, a store connection and a runner.
  struct worker {
    std::unique_ptr<seedance::client<seedance::kinovi>> client;
    std::unique_ptr<store_type> store;
    std::unique_ptr<runner_type> runner;
  };

  void SetUp() override {
    const std::string why = kind.prepare(io, current_test_name());
    if (!why.empty()) GTEST_SKIP() << why;
    dir = temp_dir(current_test_name());
  }

  worker start_worker(const std::string& id, std::function<void(const sj::job&)> on_transition = {},
                      std::chrono::milliseconds lease = 30s) {
    worker w;
    w.client = std::make_unique<seedance::client<seedance::kinovi>>(io.get_executor(), kinovi_options(sim));
    w.store = kind.open(io);
    sj::runner_options o;
    o.worker_id = id;
    o.lease = lease;
    o.watch_interval = 50ms;
    o.wait.deadline = 60s;
    o.on_transition = std::move(on_transition);
    w.runner = std::make_unique<runner_type>(*w.client, *w.store, o);
    return w;
  }

  std::filesystem::path out(const std::string& key) const { return dir / (key + ".mp4"); }

  asio::io_context io;
  st::simulator sim{fast_sim()};
  Kind kind;
  std::filesystem::path dir;
};
using kinds = ::testing::Types<sqlite_kind, postgres_kind>;
TYPED_TEST_SUITE(JobRunner, kinds);

TYPED_TEST(JobRunner, RunTwiceWithTheSameKeyCreatesOneTaskAlsoAfterARestart) {
  const auto req = text_request("twice");
  const auto path = this->out("twice");
  sj::job_result first, second, third;
  {
    auto w = this->start_worker("worker-a");
    first = run(this->io, w.runner->run("twice", req, path));
    second = run(this->io, w.runner->run("twice", req, path));
  }
  EXPECT_EQ(create_requests(this->sim), 1u);
  {
    auto restarted = this->start_worker("worker-b");  // another process, another connection
    third = run(this->io, restarted.runner->run("twice", req, path));
  }
  EXPECT_EQ(create_requests(this->sim), 1u);
  EXPECT_FALSE(first.task_id.empty());
  EXPECT_EQ(second.task_id, first.task_id);
  EXPECT_EQ(third.task_id, first.task_id);
  EXPECT_EQ(third.bytes, first.bytes);
  EXPECT_TRUE(complete_mp4(path));
  EXPECT_EQ(std::filesystem::file_size(path), first.bytes);
}

TYPED_TEST(JobRunner, ConcurrentRunsOfOneKeyShareOneTask) {
  auto a = this->start_worker("worker-a");
  auto b = this->start_worker("worker-b");
  const auto req = text_request("shared");
  const auto path = this->out("shared");
  int done = 0;
  std::vector<sj::job_result> results;
  auto collect = [&](std::exception_ptr e, sj::job_result r) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        ADD_FAILURE() << x.what();
      }
    }
    results.push_back(std::move(r));
    ++done;
  };
  // Two coroutines of one worker and one of another, all at once.
  asio::co_spawn(this->io, a.runner->run("shared", req, path), collect);
  asio::co_spawn(this->io, a.runner->run("shared", req, path), collect);
  asio::co_spawn(this->io, b.runner->run("shared", req, path), collect);
  pump(this->io, [&] { return done == 3; });
  EXPECT_EQ(create_requests(this->sim), 1u);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].task_id, results[1].task_id);
  EXPECT_EQ(results[1].task_id, results[2].task_id);
  EXPECT_TRUE(complete_mp4(path));
}

TYPED_TEST(JobRunner, AKeyNamingAnotherRequestIsRefusedBeforeAnythingIsSent) {
  auto w = this->start_worker("worker-a");
  run(this->io, w.runner->run("k", text_request("one"), this->out("k")));
  try {
    run(this->io, w.runner->run("k", text_request("two"), this->out("k")));
    FAIL() << "a second request under one key was accepted";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::invalid_request);
    EXPECT_EQ(std::string(e.what()).rfind("key: ", 0), 0u) << e.what();
  }
  try {
    run(this->io, w.runner->run("bad key", text_request("one"), this->out("k")));
    FAIL();
  } catch (const seedance::error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("key: ", 0), 0u) << e.what();
  }
  EXPECT_EQ(create_requests(this->sim), 1u);
}

TYPED_TEST(JobRunner, AFailedTaskIsReportedAgainNotResubmitted) {
  auto w = this->start_worker("worker-a");
  this->sim.script_next(st::outcome::moderation_failure);
  for (int i = 0; i < 2; ++i) {
    try {
      run(this->io, w.runner->run("doomed", text_request("doomed"), this->out("doomed")));
      FAIL() << "run " << i << " succeeded";
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), errc::task_failed) << e.what();
    }
  }
  EXPECT_EQ(create_requests(this->sim), 1u);
  EXPECT_EQ(run(this->io, w.store->get("doomed"))->state, sj::job_state::failed);
  EXPECT_FALSE(std::filesystem::exists(this->out("doomed")));
}

TYPED_TEST(JobRunner, AnUnknownCreateOutcomeWaitsForAnExplicitResolve) {
  auto w = this->start_worker("worker-a");
  this->sim.fault_on_nth("createTask", 1, st::fault{.kind = st::fault_kind::drop_after_request});
  const auto req = text_request("unknown");
  for (int i = 0; i < 2; ++i) {
    try {
      run(this->io, w.runner->run("unknown", req, this->out("unknown")));
      FAIL() << "run " << i << " succeeded";
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), errc::outcome_unknown) << e.what();
    }
  }
  EXPECT_EQ(create_requests(this->sim), 1u);  // never resubmitted on its own
  auto resumed = run(this->io, w.runner->resume());
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].error, errc::outcome_unknown);
  EXPECT_EQ(create_requests(this->sim), 1u);
  // The user looked at the provider and found nothing usable: resolve to "none", and the next run creates.
  EXPECT_EQ(run(this->io, w.runner->resolve("unknown", std::nullopt)).state, sj::job_state::intent);
  auto r = run(this->io, w.runner->run("unknown", req, this->out("unknown")));
  EXPECT_EQ(create_requests(this->sim), 2u);
  EXPECT_TRUE(complete_mp4(r.path));
}

TYPED_TEST(JobRunner, ARefusedCreateLeavesNothingAndALaterRunCreates) {
  auto w = this->start_worker("worker-a");
  this->sim.fault_on_nth("createTask", 1, st::fault{.kind = st::fault_kind::http_error, .status = 402});
  const auto req = text_request("refused");
  try {
    run(this->io, w.runner->run("refused", req, this->out("refused")));
    FAIL() << "the refused create succeeded";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::insufficient_credits) << e.what();
  }
  auto stored = run(this->io, w.store->get("refused"));
  EXPECT_EQ(stored->state, sj::job_state::intent);
  EXPECT_EQ(stored->error_code, "insufficient_credits");
  EXPECT_EQ(this->sim.creates(seedance::provider_id::kinovi), 0u);
  auto r = run(this->io, w.runner->run("refused", req, this->out("refused")));  // credits topped up
  EXPECT_EQ(this->sim.creates(seedance::provider_id::kinovi), 1u);
  EXPECT_TRUE(complete_mp4(r.path));
}

TYPED_TEST(JobRunner, AServerErrorAnsweringTheCreateIsAnUnknownOutcome) {
  auto w = this->start_worker("worker-a");
  this->sim.fault_on_nth("createTask", 1, st::fault{.kind = st::fault_kind::http_error, .status = 503});
  EXPECT_THROW(run(this->io, w.runner->run("maybe", text_request("maybe"), this->out("maybe"))), seedance::error);
  EXPECT_EQ(run(this->io, w.store->get("maybe"))->state, sj::job_state::outcome_unknown);
  EXPECT_EQ(create_requests(this->sim), 1u);
}

/// Crash tests: the worker stops right after committing `crash_at` (nothing else written, the lease kept), a
/// restarted worker resumes. Exactly one create reaches the provider in the end, and the file is complete.
template <class Fixture>
void crash_and_resume(Fixture& f, sj::job_state crash_at) {
  const std::string key = "crash-" + std::string(sj::to_string(crash_at));
  const auto req = text_request(key);
  const auto path = f.out(key);
  {
    auto w = f.start_worker("worker-a", [crash_at](const sj::job& j) {
      if (j.state == crash_at) throw simulated_crash{};
    });
    EXPECT_THROW(run(f.io, w.runner->run(key, req, path)), simulated_crash) << sj::to_string(crash_at);
  }
  auto restarted = f.start_worker("worker-a");  // the same worker id: it takes its lease back at once
  auto outcomes = run(f.io, restarted.runner->resume());
  if (crash_at == sj::job_state::creating) {
    // Died between committing "creating" and the answer: the create may have been sent. Not resubmitted.
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].error, errc::outcome_unknown) << outcomes[0].message;
    EXPECT_EQ(create_requests(f.sim), 0u);  // (it had not been: the crash came before the send)
    run(f.io, restarted.runner->resolve(key, std::nullopt));
    run(f.io, restarted.runner->run(key, req, path));
  } else if (crash_at == sj::job_state::downloaded) {
    EXPECT_TRUE(outcomes.empty());  // nothing left to do
    run(f.io, restarted.runner->run(key, req, path));
  } else {
    ASSERT_EQ(outcomes.size(), 1u);
    ASSERT_TRUE(outcomes[0].result.has_value()) << outcomes[0].message;
    EXPECT_EQ(outcomes[0].result->path, path);
  }
  EXPECT_EQ(create_requests(f.sim), 1u) << sj::to_string(crash_at);
  EXPECT_TRUE(complete_mp4(path)) << sj::to_string(crash_at);
  auto stored = run(f.io, restarted.store->get(key));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state, sj::job_state::downloaded);
  EXPECT_EQ(stored->bytes, std::filesystem::file_size(path));
}

TYPED_TEST(JobRunner, CrashAfterCommittingCreating) { crash_and_resume(*this, sj::job_state::creating); }
TYPED_TEST(JobRunner, CrashAfterCommittingCreated) { crash_and_resume(*this, sj::job_state::created); }
TYPED_TEST(JobRunner, CrashAfterCommittingSucceeded) { crash_and_resume(*this, sj::job_state::succeeded); }
TYPED_TEST(JobRunner, CrashAfterCommittingDownloaded) { crash_and_resume(*this, sj::job_state::downloaded); }

TYPED_TEST(JobRunner, AnotherWorkerTakesOverACreatedJobOnceTheLeaseRunsOutWithoutCreatingAgain) {
  const auto req = text_request("orphan");
  const auto path = this->out("orphan");
  {
    auto dead = this->start_worker(
        "worker-dead",
        [](const sj::job& j) {
          if (j.state == sj::job_state::created) throw simulated_crash{};
        },
        300ms);
    EXPECT_THROW(run(this->io, dead.runner->run("orphan", req, path)), simulated_crash);
  }
  auto survivor = this->start_worker("worker-b");
  auto r = run(this->io, survivor.runner->run("orphan", req, path));  // waits out the dead worker's lease
  EXPECT_EQ(create_requests(this->sim), 1u);
  EXPECT_TRUE(complete_mp4(r.path));
}

TYPED_TEST(JobRunner, ACreatingJobOfADeadWorkerBecomesOutcomeUnknownForOthers) {
  const auto req = text_request("limbo");
  {
    auto dead = this->start_worker(
        "worker-dead",
        [](const sj::job& j) {
          if (j.state == sj::job_state::creating) throw simulated_crash{};
        },
        300ms);
    EXPECT_THROW(run(this->io, dead.runner->run("limbo", req, this->out("limbo"))), simulated_crash);
  }
  auto other = this->start_worker("worker-b");
  try {
    run(this->io, other.runner->run("limbo", req, this->out("limbo")));
    FAIL() << "a job that may have been created was run again";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::outcome_unknown) << e.what();
  }
  EXPECT_EQ(create_requests(this->sim), 0u);
}

TEST(JobRunnerReadme, TheReadmeExampleRunsAsWritten) {
  // The "Durable jobs" section of README.md, with the client and paths of this test.
  asio::io_context io;
  st::simulator sim(fast_sim());
  seedance::client<seedance::kinovi> client(io.get_executor(), kinovi_options(sim));
  const auto dir = temp_dir(current_test_name());
  seedance::request req = text_request("readme");
  seedance::jobs::sqlite_store store(io.get_executor(), dir / "jobs.db");
  seedance::jobs::job_runner jobs(client, store, {.worker_id = "render-1"});
  auto done = run(io, jobs.run("shot-042", req, dir / "shot-042.mp4"));
  EXPECT_TRUE(complete_mp4(done.path));
  EXPECT_TRUE(run(io, jobs.resume()).empty());
  EXPECT_EQ(create_requests(sim), 1u);
}

TYPED_TEST(JobRunner, AnOutcomeWrittenElsewhereEndsTheWait) {
  // A webhook handler on another replica records the task's end in the store: the waiting run() stops waiting
  // on the provider (whose task would run on forever here) and reports the recorded outcome.
  auto waiter = this->start_worker("worker-a");
  auto replica = this->kind.open(this->io);
  this->sim.script_next(st::outcome::stall);
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(this->io, waiter.runner->run("hooked", text_request("hooked"), this->out("hooked")),
                 [&](std::exception_ptr e, sj::job_result) {
                   failure = e;
                   done = true;
                 });
  std::optional<sj::job> created;
  pump(this->io, [&] {
    created = run(this->io, replica->get("hooked"));
    return done || (created && created->state == sj::job_state::created);
  });
  ASSERT_FALSE(done) << "run() ended before its task was created";
  // The handler knows the task id from the callback body: it finds the job by it and records the outcome.
  auto found = run(this->io, replica->find_by_task_id(created->task_id));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key, "hooked");
  EXPECT_FALSE(run(this->io, replica->find_by_task_id("task-of-nobody")));
  sj::transition_data hook;
  hook.error_code = "task_failed";
  hook.error_message = "the provider's callback says the task failed";
  ASSERT_TRUE(run(this->io, replica->compare_and_set(*found, sj::apply(*found, sj::job_state::failed, hook))));
  pump(this->io, [&] { return done; });
  ASSERT_TRUE(failure);
  try {
    std::rethrow_exception(failure);
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::task_failed);
    EXPECT_NE(std::string(e.what()).find("callback says"), std::string::npos) << e.what();
  }
  EXPECT_EQ(create_requests(this->sim), 1u);
}

TYPED_TEST(JobRunner, ACancelledRunLeavesTheJobResumableAndGivesItsLeaseBack) {
  auto w = this->start_worker("worker-a");
  auto req = text_request("cancelled");
  req.prompt += " [sim:slow]";  // the task runs long enough to be cancelled while it is waited for
  asio::cancellation_signal cancel;
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(this->io, w.runner->run("cancelled", req, this->out("cancelled")),
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, sj::job_result) {
                   failure = e;
                   done = true;
                 }));
  std::optional<sj::job> seen;
  pump(this->io, [&] {
    seen = run(this->io, w.store->get("cancelled"));
    return done || (seen && seen->state == sj::job_state::created);
  });
  ASSERT_FALSE(done);
  cancel.emit(asio::cancellation_type::terminal);
  pump(this->io, [&] { return done; });
  ASSERT_TRUE(failure);
  EXPECT_THROW(std::rethrow_exception(failure), std::system_error);
  auto stored = run(this->io, w.store->get("cancelled"));
  EXPECT_EQ(stored->state, sj::job_state::created);
  EXPECT_EQ(stored->lease_owner, "");
  auto other = this->start_worker("worker-b");  // no lease to wait out
  auto r = run(this->io, other.runner->run("cancelled", req, this->out("cancelled")));
  EXPECT_EQ(r.task_id, stored->task_id);
  EXPECT_EQ(create_requests(this->sim), 1u);
  EXPECT_TRUE(complete_mp4(r.path));
}

TYPED_TEST(JobRunner, WorkersOfAFleetSplitTheJobsAndCreateEachOnce) {
  auto a = this->start_worker("worker-a");
  auto b = this->start_worker("worker-b");
  constexpr int jobs = 12;
  for (int i = 0; i < jobs; ++i) {
    const std::string key = "fleet-" + std::to_string(i);
    sj::job j;
    j.key = key;
    j.request_json = sj::request_to_json(text_request(key));
    j.path = this->out(key).string();
    run(this->io, a.store->insert_if_absent(j));
  }
  std::size_t finished_a = 0, finished_b = 0;
  int done = 0;
  asio::co_spawn(this->io, a.runner->work(4), [&](std::exception_ptr e, std::size_t n) {
    EXPECT_FALSE(e);
    finished_a = n;
    ++done;
  });
  asio::co_spawn(this->io, b.runner->work(4), [&](std::exception_ptr e, std::size_t n) {
    EXPECT_FALSE(e);
    finished_b = n;
    ++done;
  });
  pump(this->io, [&] { return done == 2; });
  EXPECT_EQ(finished_a + finished_b, static_cast<std::size_t>(jobs));
  EXPECT_EQ(create_requests(this->sim), static_cast<std::uint64_t>(jobs));
  for (int i = 0; i < jobs; ++i) EXPECT_TRUE(complete_mp4(this->out("fleet-" + std::to_string(i)))) << i;
}

}  // namespace

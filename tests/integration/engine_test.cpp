// seedance::engine::service against the simulator over real TLS on 127.0.0.1: submit -> events -> a file on disk,
// validation failures in the library's words, cancel, the error details of provider failures, caller-driven mode,
// and poll() handing over events without ever waiting for the service's thread. The service here is the
// seedance::engine library (its implementation compiled once, in src/engine.cpp).
#include <seedance/engine.hpp>
#include <seedance/request.hpp>
#include <seedance/testing/simulator.hpp>

#include <support/subprocess.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace engine = seedance::engine;
using seedance::provider_id;
using seedance::test_support::is_complete_mp4;
using seedance::testing::request_kind;

bool is_terminal(engine::event_kind k) {
  return k == engine::event_kind::downloaded || k == engine::event_kind::failed || k == engine::event_kind::cancelled;
}

class EngineService : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("seedance-engine-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    service_.reset();
    sim_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  /// Starts a simulator (options `so`) and a service for provider `p` pointed at it through base_url, api_key and
  /// ca_file, polling fast.
  void start(provider_id p, seedance::testing::simulator_options so = {}, bool own_thread = true) {
    if (so.time_scale == 1.0) so.time_scale = 0.02;
    sim_ = std::make_unique<seedance::testing::simulator>(so);
    const fs::path ca = dir_ / "ca.pem";
    std::ofstream(ca) << sim_->ca_pem();
    engine::service_options o;
    o.provider = std::string(seedance::to_string(p));
    o.base_url = sim_->base_url(p);
    o.api_key = sim_->api_key();
    o.ca_file = ca.string();
    o.poll_first_delay = std::chrono::milliseconds(20);
    o.poll_min_interval = std::chrono::milliseconds(20);
    o.own_thread = own_thread;
    service_ = std::make_unique<engine::service>(o);
    ASSERT_EQ(service_->startup_failure(), nullptr) << service_->startup_failure()->message;
  }

  static engine::request valid_request() {
    engine::request r;
    r.prompt = "a paper plane loops over a city at night";
    r.images = {"https://example.com/plane.png"};
    r.duration = std::chrono::seconds{5};
    return r;
  }

  /// Polls until every job in `jobs` has had its terminal event (or a generous safety limit passes); returns the
  /// events of each job in the order received.
  std::map<std::uint64_t, std::vector<engine::event>> run_until_done(const std::vector<engine::job_handle>& jobs) {
    std::map<std::uint64_t, std::vector<engine::event>> by_job;
    std::size_t ended = 0;
    std::vector<engine::event> events;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (ended < jobs.size() && std::chrono::steady_clock::now() < limit) {
      service_->run_ready();
      service_->poll(events);
      for (auto& e : events) {
        if (is_terminal(e.kind)) ++ended;
        by_job[e.job.id].push_back(std::move(e));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return by_job;
  }

  /// Polls until job `job` has had an event satisfying `pred`; returns every event of the job seen so far.
  template <class Pred>
  std::vector<engine::event> run_until(engine::job_handle job, Pred pred) {
    std::vector<engine::event> seen, events;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (std::chrono::steady_clock::now() < limit) {
      service_->poll(events);
      for (auto& e : events)
        if (e.job == job) {
          seen.push_back(std::move(e));
          if (pred(seen.back())) return seen;
        }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return seen;
  }

  fs::path dir_;
  std::unique_ptr<seedance::testing::simulator> sim_;
  std::unique_ptr<engine::service> service_;
};

TEST_F(EngineService, SubmitGivesEventsInOrderAndACompleteFile) {
  start(provider_id::kinovi);
  const fs::path out = dir_ / "clip.mp4";
  const engine::job_handle job = service_->submit(valid_request(), out.string());
  EXPECT_NE(job.id, 0u);
  auto events = run_until_done({job})[job.id];
  ASSERT_FALSE(events.empty());

  // submitting -> (queued/running ...) -> downloading -> downloaded, each state entered once, in that order.
  std::vector<engine::job_state> states;
  for (const auto& e : events)
    if (e.kind == engine::event_kind::state_changed) states.push_back(e.state);
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states.front(), engine::job_state::submitting);
  EXPECT_EQ(states.back(), engine::job_state::downloading);
  for (std::size_t i = 1; i < states.size(); ++i) EXPECT_LT(states[i - 1], states[i]) << "state " << i;

  const engine::event& last = events.back();
  ASSERT_EQ(last.kind, engine::event_kind::downloaded) << (last.failure ? last.failure->message : "");
  EXPECT_EQ(last.state, engine::job_state::done);
  EXPECT_EQ(last.path, out.string());
  EXPECT_EQ(last.bytes, fs::file_size(out));
  EXPECT_FALSE(last.task_id.empty());
  ASSERT_TRUE(last.cost.has_value());
  EXPECT_GT(last.cost->amount, 0);
  EXPECT_EQ(last.cost->unit, engine::cost_unit::credits);
  EXPECT_TRUE(is_complete_mp4(out));
  EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const auto& e) { return is_terminal(e.kind); }), 1);
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 1u);
  EXPECT_EQ(service_->active_jobs(), 0u);
  EXPECT_FALSE(service_->has_events());
}

TEST_F(EngineService, ManyJobsEachEndOnceWithTheirOwnFile) {
  seedance::testing::simulator_options so;
  so.aihubmax.concurrency = 0;
  start(provider_id::aihubmax, so);
  std::vector<engine::job_handle> jobs;
  for (int i = 0; i < 8; ++i)
    jobs.push_back(service_->submit(valid_request(), (dir_ / ("clip-" + std::to_string(i) + ".mp4")).string()));
  auto by_job = run_until_done(jobs);
  ASSERT_EQ(by_job.size(), jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& events = by_job[jobs[i].id];
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().state, engine::job_state::submitting);
    EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const auto& e) { return is_terminal(e.kind); }), 1);
    EXPECT_EQ(events.back().kind, engine::event_kind::downloaded) << i;
    EXPECT_TRUE(is_complete_mp4(dir_ / ("clip-" + std::to_string(i) + ".mp4"))) << i;
  }
}

TEST_F(EngineService, InvalidRequestFailsWithTheLibrarysSentencesBeforeAnyRequest) {
  start(provider_id::seedance2ink);
  engine::request r = valid_request();
  r.ratio = seedance::aspect_ratio::r4_3;
  r.duration = std::chrono::seconds{30};

  seedance::request same;
  same.prompt = r.prompt;
  same.images = r.images;
  same.ratio = r.ratio;
  same.duration = r.duration;
  const auto expected = seedance::validate(provider_id::seedance2ink, same);
  ASSERT_GE(expected.size(), 2u);

  const auto problems = service_->check(r);
  ASSERT_EQ(problems.size(), expected.size());
  for (std::size_t i = 0; i < problems.size(); ++i) {
    EXPECT_EQ(problems[i].field, expected[i].field);
    EXPECT_EQ(problems[i].rule, expected[i].rule);
    EXPECT_EQ(problems[i].value, expected[i].value);
  }
  EXPECT_EQ(engine::service::describe(problems), seedance::describe(expected));
  EXPECT_TRUE(service_->check(valid_request()).empty());

  const engine::job_handle job = service_->submit(r, (dir_ / "never.mp4").string());
  const auto events = run_until_done({job})[job.id];
  ASSERT_FALSE(events.empty());
  const engine::event& last = events.back();
  ASSERT_EQ(last.kind, engine::event_kind::failed);
  ASSERT_TRUE(last.failure.has_value());
  EXPECT_EQ(last.failure->code, seedance::errc::invalid_request);
  EXPECT_EQ(last.failure->message, seedance::describe(expected));
  EXPECT_NE(last.failure->message.find("seedance2.ink offers only 16:9, 9:16 and 1:1"), std::string::npos)
      << last.failure->message;
  EXPECT_EQ(last.failure->details.problems.size(), expected.size());
  EXPECT_FALSE(last.failure->task_may_exist);
  EXPECT_EQ(sim_->count(request_kind::create), 0u) << "nothing was sent";
  EXPECT_FALSE(fs::exists(dir_ / "never.mp4"));
}

TEST_F(EngineService, ExistingOutputFileFailsBeforeAnyRequest) {
  start(provider_id::kinovi);
  const fs::path out = dir_ / "taken.mp4";
  std::ofstream(out) << "mine";
  const engine::job_handle job = service_->submit(valid_request(), out.string());
  const auto events = run_until_done({job})[job.id];
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().failure.has_value());
  EXPECT_EQ(events.back().failure->code, seedance::errc::file_exists);
  EXPECT_NE(events.back().failure->message.find("output_path"), std::string::npos);
  EXPECT_EQ(sim_->count(request_kind::create), 0u);
  EXPECT_EQ(seedance::test_support::read_file(out), "mine");
}

TEST_F(EngineService, ProviderRefusalCarriesTheFullErrorDetails) {
  seedance::testing::simulator_options so;
  so.kinovi.credits = 0;  // Kinovi answers 402 with the credits required and available
  start(provider_id::kinovi, so);
  const engine::job_handle job = service_->submit(valid_request(), (dir_ / "clip.mp4").string());
  const auto events = run_until_done({job})[job.id];
  ASSERT_FALSE(events.empty());
  const engine::event& last = events.back();
  ASSERT_EQ(last.kind, engine::event_kind::failed);
  ASSERT_TRUE(last.failure.has_value());
  EXPECT_EQ(last.failure->code, seedance::errc::insufficient_credits);
  EXPECT_EQ(last.failure->details.http_status, 402);
  EXPECT_FALSE(last.failure->details.provider_message.empty());
  EXPECT_TRUE(last.failure->details.credits_available.has_value());
  EXPECT_FALSE(last.failure->task_may_exist) << "a 402 made no task";
  EXPECT_FALSE(last.failure->message.empty());
  EXPECT_EQ(last.failure->message.find(sim_->api_key()), std::string::npos);
}

TEST_F(EngineService, TaskFailureCarriesTheProvidersCodeAndTheTaskId) {
  start(provider_id::ark);
  sim_->script_next(seedance::testing::outcome::moderation_failure);
  const engine::job_handle job = service_->submit(valid_request(), (dir_ / "clip.mp4").string());
  const auto events = run_until_done({job})[job.id];
  ASSERT_FALSE(events.empty());
  const engine::event& last = events.back();
  ASSERT_EQ(last.kind, engine::event_kind::failed);
  ASSERT_TRUE(last.failure.has_value());
  EXPECT_EQ(last.failure->code, seedance::errc::task_failed);
  EXPECT_FALSE(last.failure->details.provider_code.empty());
  EXPECT_FALSE(last.failure->details.task_id.empty());
  EXPECT_EQ(last.failure->details.task_id, last.task_id);
  EXPECT_TRUE(last.failure->task_may_exist);
  EXPECT_FALSE(fs::exists(dir_ / "clip.mp4"));
}

TEST_F(EngineService, CreateAnswered500MayHaveMadeATask) {
  start(provider_id::kinovi);
  seedance::testing::fault f;
  f.kind = seedance::testing::fault_kind::http_error;
  f.status = 500;
  sim_->fault_on_nth("createTask", 1, f);
  const engine::job_handle job = service_->submit(valid_request(), (dir_ / "clip.mp4").string());
  const auto events = run_until_done({job})[job.id];
  ASSERT_FALSE(events.empty());
  const engine::event& last = events.back();
  ASSERT_EQ(last.kind, engine::event_kind::failed);
  ASSERT_TRUE(last.failure.has_value());
  EXPECT_EQ(last.failure->details.http_status, 500);
  EXPECT_TRUE(last.failure->task_may_exist) << last.failure->message;
  EXPECT_EQ(sim_->count(provider_id::kinovi, request_kind::create), 1u) << "a create is never repeated blindly";
}

TEST_F(EngineService, CancelStopsTheJobAndCancelsTheRemoteTask) {
  start(provider_id::seedance2ink);
  sim_->script_next(seedance::testing::outcome::stall);
  const fs::path out = dir_ / "stalled.mp4";
  const engine::job_handle job = service_->submit(valid_request(), out.string());
  const auto before = run_until(job, [](const engine::event& e) { return !e.task_id.empty(); });
  ASSERT_FALSE(before.empty());
  ASSERT_FALSE(before.back().task_id.empty());
  service_->cancel(job);
  const auto after = run_until(job, [](const engine::event& e) { return is_terminal(e.kind); });
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back().kind, engine::event_kind::cancelled);
  EXPECT_EQ(after.back().state, engine::job_state::cancelled);
  EXPECT_FALSE(after.back().failure.has_value()) << after.back().failure->message;
  EXPECT_EQ(sim_->count(provider_id::seedance2ink, request_kind::cancel), 1u);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(service_->active_jobs(), 0u);
  service_->cancel(job);  // an ended job: nothing happens
  std::vector<engine::event> events;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  service_->poll(events);
  EXPECT_TRUE(events.empty());
}

TEST_F(EngineService, CancelWhereTheProviderCannotSaysTheTaskGoesOn) {
  start(provider_id::kinovi);
  sim_->script_next(seedance::testing::outcome::stall);
  const engine::job_handle job = service_->submit(valid_request(), (dir_ / "stalled.mp4").string());
  ASSERT_FALSE(run_until(job, [](const engine::event& e) { return !e.task_id.empty(); }).empty());
  service_->cancel(job);
  const auto after = run_until(job, [](const engine::event& e) { return is_terminal(e.kind); });
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back().kind, engine::event_kind::cancelled);
  ASSERT_TRUE(after.back().failure.has_value());
  EXPECT_EQ(after.back().failure->code, seedance::errc::unsupported);
  EXPECT_TRUE(after.back().failure->task_may_exist);
  EXPECT_EQ(after.back().failure->details.task_id, after.back().task_id);
}

TEST_F(EngineService, PollNeverWaitsForTheServiceThread) {
  // Caller-driven: the service's work runs only inside run_ready(). poll() from the same thread must return
  // at once with nothing, instead of waiting for events or doing the I/O itself.
  start(provider_id::kinovi, {}, /*own_thread=*/false);
  const engine::job_handle job = service_->submit(valid_request(), (dir_ / "clip.mp4").string());
  std::vector<engine::event> events;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(service_->poll(events), 0u);
  EXPECT_FALSE(service_->has_events());
  EXPECT_EQ(service_->active_jobs(), 1u);
  EXPECT_EQ(sim_->count(request_kind::create), 0u) << "poll() did no I/O";

  // Driven by run_ready(), the job completes and its events arrive.
  const auto events_of_job = run_until_done({job})[job.id];
  ASSERT_FALSE(events_of_job.empty());
  EXPECT_EQ(events_of_job.back().kind, engine::event_kind::downloaded);
  EXPECT_TRUE(is_complete_mp4(dir_ / "clip.mp4"));
}

TEST_F(EngineService, PollHandsOverWhateverIsQueuedWhileJobsRun) {
  // With jobs in flight on the service's thread, poll() keeps returning (mostly with nothing), and every event
  // arrives exactly once, in order.
  start(provider_id::kinovi);
  std::vector<engine::job_handle> jobs;
  for (int i = 0; i < 3; ++i)
    jobs.push_back(service_->submit(valid_request(), (dir_ / ("clip-" + std::to_string(i) + ".mp4")).string()));
  std::size_t empty_polls = 0, ended = 0;
  std::vector<engine::event> events;
  std::map<std::uint64_t, std::vector<engine::job_state>> states;
  const auto limit = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (ended < jobs.size() && std::chrono::steady_clock::now() < limit) {
    if (service_->poll(events) == 0) ++empty_polls;
    for (const auto& e : events) {
      if (e.kind == engine::event_kind::state_changed) states[e.job.id].push_back(e.state);
      if (is_terminal(e.kind)) ++ended;
    }
    std::this_thread::yield();
  }
  EXPECT_EQ(ended, jobs.size());
  EXPECT_GT(empty_polls, 0u) << "poll() returned without events while the jobs ran";
  for (const auto& job : jobs) {
    const auto& s = states[job.id];
    ASSERT_FALSE(s.empty());
    for (std::size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i - 1], s[i]);
  }
}

TEST_F(EngineService, DestroyingTheServiceStopsRunningJobsAndLeavesNoTemporaryFile) {
  start(provider_id::aihubmax);
  sim_->script_next(seedance::testing::outcome::stall);
  const engine::job_handle job = service_->submit(valid_request(), (dir_ / "stalled.mp4").string());
  ASSERT_FALSE(run_until(job, [](const engine::event& e) { return !e.task_id.empty(); }).empty());
  service_.reset();  // returns: the job is cancelled and the thread joined
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().filename().string().find(".part-"), std::string::npos) << entry.path();
}

TEST(EngineStartup, AnUnknownProviderOrMissingKeyFailsEveryJobWithTheReason) {
  engine::service_options o;
  o.provider = "no-such-provider";
  engine::service bad_provider(o);
  ASSERT_NE(bad_provider.startup_failure(), nullptr);
  EXPECT_EQ(bad_provider.startup_failure()->code, seedance::errc::invalid_request);
  EXPECT_NE(bad_provider.startup_failure()->message.find("provider"), std::string::npos);
  ASSERT_EQ(bad_provider.check(engine::request{}).size(), 1u);
  EXPECT_EQ(bad_provider.check(engine::request{}).front().field, "provider");

  const engine::job_handle job = bad_provider.submit(engine::request{}, "clip.mp4");
  const auto events = bad_provider.drain();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events.front().job, job);
  EXPECT_EQ(events.front().kind, engine::event_kind::failed);
  ASSERT_TRUE(events.front().failure.has_value());
  EXPECT_EQ(events.front().failure->message, bad_provider.startup_failure()->message);

  engine::service_options insecure;
  insecure.api_key = "sk-test-0123456789";
  insecure.base_url = "http://127.0.0.1:1/kinovi/api/v1";
  engine::service http_only(insecure);
  ASSERT_NE(http_only.startup_failure(), nullptr);
  EXPECT_NE(http_only.startup_failure()->message.find("base_url"), std::string::npos);
}

TEST(EngineStartup, TheEmbeddedSimulatorNeedsNoKey) {
  const fs::path dir = fs::temp_directory_path() / ("seedance-engine-embedded-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  engine::service_options o;
  o.provider = "ark";
  o.embedded_simulator = true;
  o.poll_first_delay = std::chrono::milliseconds(20);
  o.poll_min_interval = std::chrono::milliseconds(20);
  {
    engine::service s(o);
    ASSERT_EQ(s.startup_failure(), nullptr) << s.startup_failure()->message;
    engine::request r;
    r.prompt = "a lighthouse at dusk";
    const engine::job_handle job = s.submit(r, (dir / "lighthouse.mp4").string());
    std::optional<engine::event> last;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (!last && std::chrono::steady_clock::now() < limit) {
      for (auto& e : s.drain())
        if (e.job == job && is_terminal(e.kind)) last = std::move(e);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(last.has_value());
    ASSERT_EQ(last->kind, engine::event_kind::downloaded) << (last->failure ? last->failure->message : "");
    ASSERT_TRUE(last->cost.has_value());
    EXPECT_EQ(last->cost->unit, engine::cost_unit::tokens);
  }
  EXPECT_TRUE(is_complete_mp4(dir / "lighthouse.mp4"));
  fs::remove_all(dir);
}

}  // namespace

// The fleet: three worker processes (tests/jobs/worker) share one job store and 60 jobs against the simulator
// with faults; one worker is killed with SIGKILL midway while it holds a created task, a replacement is started.
// Every job ends downloaded exactly once: 60 tasks created, every file a complete MP4. PostgreSQL (many machines)
// and SQLite (several processes on one machine, one file).
#include "store_kinds.hpp"

#include "support/subprocess.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifndef SEEDANCE_JOBS_WORKER
#error "SEEDANCE_JOBS_WORKER must name the seedance_jobs_worker executable"
#endif

namespace {

using namespace seedance::jobs_test;
namespace sj = seedance::jobs;
namespace ts = seedance::test_support;

/// Everything the child's stdout file holds so far ("" before it exists).
std::string stdout_so_far(const std::filesystem::path& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind("stdout-", 0) == 0) return ts::read_file(e.path());
  return {};
}

template <class Kind>
class JobFleet : public ::testing::Test {};
using kinds = ::testing::Types<sqlite_kind, postgres_kind>;
TYPED_TEST_SUITE(JobFleet, kinds);

/// The store argument of the worker program for `kind`.
std::string worker_store(const sqlite_kind& kind) { return "sqlite:" + kind.file.string(); }
std::string worker_store(const postgres_kind& kind) { return kind.url; }
std::string worker_schema(const sqlite_kind&) { return "-"; }
std::string worker_schema(const postgres_kind& kind) { return kind.schema; }

TYPED_TEST(JobFleet, SixtyJobsThreeWorkersOneKilledMidwayEachTaskCreatedOnce) {
  asio::io_context io;
  TypeParam kind;
  const std::string why = kind.prepare(io, current_test_name());
  if (!why.empty()) GTEST_SKIP() << why;
  const auto dir = temp_dir(current_test_name() + "-run");

  auto sim_options = fast_sim();
  sim_options.time_scale = 0.1;
  st::simulator sim(sim_options);
  // Faults every worker has to ride out: refused creates (nothing made), failing status polls, cut downloads.
  sim.fault_with_probability("createTask", 0.1,
                             st::fault{.kind = st::fault_kind::rate_limit, .retry_after = std::chrono::seconds(0)});
  sim.fault_with_probability("recordInfo", 0.1, st::fault{.kind = st::fault_kind::http_error, .status = 502});
  sim.fault_with_probability("/files/", 0.2, st::fault{.kind = st::fault_kind::close_mid_body, .bytes = 700});

  constexpr int job_count = 60;
  {
    auto store = kind.open(io);
    for (int i = 0; i < job_count; ++i) {
      const std::string key = "shot-" + std::to_string(i);
      sj::job j;
      j.key = key;
      j.request_json = sj::request_to_json(text_request(key));
      j.path = (dir / (key + ".mp4")).string();
      run(io, store->insert_if_absent(j));
    }
  }
  const auto ca_file = dir / "ca.pem";
  std::ofstream(ca_file) << sim.ca_pem();

  const auto start = [&](const std::string& id, int concurrency, int pause_after) {
    const auto out = dir / ("out-" + id);
    std::filesystem::create_directories(out);
    ts::process_options o;
    o.args = {SEEDANCE_JOBS_WORKER,
              worker_store(kind),
              worker_schema(kind),
              sim.base_url(seedance::provider_id::kinovi),
              ca_file.string(),
              sim.api_key(),
              id,
              std::to_string(concurrency),
              std::to_string(pause_after)};
    o.output_dir = out;
    o.timeout = std::chrono::minutes(4);
    return std::make_unique<ts::child_process>(std::move(o));
  };

  // The victim works one job at a time and freezes right after committing its first task id.
  auto victim = start("victim", 1, 1);
  auto first = start("first", 4, 0);
  auto second = start("second", 4, 0);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);  // a failure bound only
  while (stdout_so_far(dir / "out-victim").find("paused") == std::string::npos &&
         std::chrono::steady_clock::now() < give_up && !victim->poll())
    std::this_thread::sleep_for(10ms);
  ASSERT_NE(stdout_so_far(dir / "out-victim").find("paused"), std::string::npos) << "the victim never paused";
  victim->send(SIGKILL);
  const auto killed = victim->wait();
  EXPECT_EQ(killed.signal, SIGKILL);
  auto replacement = start("replacement", 4, 0);

  // The survivors finish every job, the victim's too (claimed again once its lease ran out, waited for on the
  // recorded task id).
  std::size_t finished = 0;
  for (auto* worker : {first.get(), second.get(), replacement.get()}) {
    const auto r = worker->wait();
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto at = r.out.find("finished ");
    if (at != std::string::npos) finished += std::stoul(r.out.substr(at + 9));
  }
  EXPECT_EQ(finished, static_cast<std::size_t>(job_count));

  EXPECT_EQ(sim.creates(seedance::provider_id::kinovi), static_cast<std::uint64_t>(job_count));
  auto store = kind.open(io);
  const auto all = run(io, store->list_all());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(job_count));
  for (const auto& j : all) {
    EXPECT_EQ(j.state, sj::job_state::downloaded) << j.key << ": " << j.error_message;
    EXPECT_TRUE(complete_mp4(j.path)) << j.key;
    EXPECT_EQ(std::filesystem::file_size(j.path), j.bytes) << j.key;
  }
}

}  // namespace

// jobs/support.hpp - shared helpers of the job store tests: driving coroutines to completion, simulator and
// client options, temporary directories, counting creates, checking output files.
#pragma once

#include <seedance/client.hpp>
#include <seedance/detail/mp4_check.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/testing/simulator.hpp>
#include <support/run_coroutine.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace seedance::jobs_test {

using namespace std::chrono_literals;
namespace st = seedance::testing;

using seedance::test_support::pump;
using seedance::test_support::run;

/// The void form of run().
inline void run(asio::io_context& io, asio::awaitable<void> a) {
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, std::move(a), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  pump(io, [&] { return done; });
  if (failure) std::rethrow_exception(failure);
}

/// A fast simulator: tasks take about 60 ms.
inline st::simulator_options fast_sim() {
  st::simulator_options o;
  o.time_scale = 0.05;
  o.api_key = "sk-jobs-test-2b7c9d1e";
  o.kinovi.concurrency = 100;
  return o;
}

/// Client options for the simulator's Kinovi endpoint with short polling and retry delays.
inline client_options<kinovi> kinovi_options(const st::simulator& sim) {
  client_options<kinovi> o;
  o.api_key = sim.api_key();
  o.base_url = sim.base_url(provider_id::kinovi);
  o.transport.tls.ca_pem = sim.ca_pem();
  o.transport.tls.use_default_paths = false;
  o.transport.proxy.from_environment = false;
  o.polling.first_delay = 20ms;
  o.polling.min_interval = 20ms;
  o.polling.max_interval = 100ms;
  o.retry.initial_delay = 10ms;
  o.retry.max_delay = 100ms;
  o.retry.max_retry_after = 200ms;
  o.jitter_seed = 11;
  return o;
}

/// A fresh, empty directory under the system's temporary directory.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("seedance-jobs-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Create requests the simulator received for Kinovi (answered or not).
inline std::uint64_t create_requests(const st::simulator& sim) {
  return sim.count(provider_id::kinovi, st::request_kind::create);
}

/// True when `path` is a complete MP4 (its top-level boxes fill the file).
inline bool complete_mp4(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return !ec && size > 0 && seedance::detail::mp4_boxes_fill_file(path, size);
}

/// A text-to-video request whose prompt names the job.
inline request text_request(const std::string& name) {
  request r;
  r.prompt = "a paper kite over dunes, shot " + name;
  return r;
}

/// The PostgreSQL URL of the test cluster, or "" when the tests run without one.
inline std::string postgres_url() {
  const char* url = std::getenv("SEEDANCE_TEST_POSTGRES_URL");
  return url ? std::string(url) : std::string();
}

}  // namespace seedance::jobs_test

// benchmarks/jobs_bench.hpp - `seedance-bench jobs`: claim throughput of the PostgreSQL job store.
//
//   seedance-bench jobs --store postgresql://USER@HOST:PORT/DB --workers W --jobs N [--schema NAME]
//
// Fills a fresh schema (dropped first) with N jobs, then W workers, each a thread with its own io_context and
// store connections, claim jobs with claim_next (FOR UPDATE SKIP LOCKED) and run each as an instantly finished
// task: the four transitions intent -> creating -> created -> succeeded -> downloaded (compare-and-set each; the
// last one frees the lease), as job_runner does without the provider. Prints:
//   jobs=N workers=W seconds=... claims_per_s=... claim_p50_ms=... claim_p99_ms=... claim_max_ms=...
// claims_per_s counts whole jobs (claim + four commits) per second of wall time; the latencies are of
// the claim statement alone, measured around each claim_next.
#pragma once

#include <seedance/jobs/postgres.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace seedance_bench_jobs {

namespace sj = seedance::jobs;
using bench_clock = std::chrono::steady_clock;

/// Runs `a` on a private io_context to completion; rethrows its exception.
template <class T>
T run_to_end(asio::io_context& io, asio::awaitable<T> a) {
  std::exception_ptr failure;
  std::unique_ptr<T> result;
  asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result = std::make_unique<T>(std::move(value));
    io.stop();
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

/// One worker: claims until nothing is left; returns the claim latencies in microseconds.
inline asio::awaitable<std::vector<double>> claim_loop(sj::postgres_store& store, std::string worker) {
  std::vector<double> latencies;
  for (;;) {
    const auto before = bench_clock::now();
    auto claimed = co_await store.claim_next(worker, std::chrono::seconds(30));
    latencies.push_back(std::chrono::duration<double, std::micro>(bench_clock::now() - before).count());
    if (!claimed) break;
    sj::job j = std::move(*claimed);
    sj::transition_data task;
    task.task_id = "instant-" + j.key;
    sj::transition_data url;
    url.video_url = "https://127.0.0.1/instant.mp4";
    sj::transition_data bytes;
    bytes.bytes = 1;
    const sj::transition_data none;
    const std::pair<sj::job_state, const sj::transition_data*> steps[] = {{sj::job_state::creating, &none},
                                                                          {sj::job_state::created, &task},
                                                                          {sj::job_state::succeeded, &url},
                                                                          {sj::job_state::downloaded, &bytes}};
    for (const auto& [to, data] : steps) {
      sj::job next = sj::apply(j, to, *data);
      if (!co_await store.compare_and_set(j, next)) throw std::runtime_error("job " + j.key + " moved under its owner");
      j = std::move(next);
    }  // the move to downloaded freed the lease
  }
  latencies.pop_back();  // the last claim found nothing
  co_return latencies;
}

/// The `jobs` command (see the top of this header).
template <class Arguments>
int jobs_command(Arguments& args) {
  const std::string url = args.text("store");
  const auto workers = static_cast<int>(args.number("workers", 4, 1, 256));
  const auto jobs = static_cast<long>(args.number("jobs", 2000, 1, 10'000'000));
  const std::string schema = args.text("schema", std::string("seedance_bench"));
  args.check_all_used();
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0)
    throw std::invalid_argument("--store must be a postgresql:// URL");

  sj::postgres_options options;
  options.schema = schema;
  {
    asio::io_context io;
    auto admin = run_to_end(io, sj::detail::pg_connection::connect(io.get_executor(), url));
    run_to_end(io, [&]() -> asio::awaitable<int> {
      co_await admin->exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      co_return 0;
    }());
    auto store = run_to_end(io, sj::postgres_store::open(io.get_executor(), url, options));
    run_to_end(io, [&]() -> asio::awaitable<int> {
      co_await admin->exec("INSERT INTO " + schema +
                           ".seedance_jobs(key, state, request_json, path, version, updated_ms) SELECT 'job-' || g, "
                           "0, '{}', '/dev/null', 1, 0 FROM generate_series(1, " +
                           std::to_string(jobs) + ") AS g");
      co_return 0;
    }());
  }

  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(workers));
  std::vector<std::string> failures(static_cast<std::size_t>(workers));
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<sj::postgres_store>> stores;
  for (int w = 0; w < workers; ++w) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    stores.push_back(
        run_to_end(*contexts.back(), sj::postgres_store::open(contexts.back()->get_executor(), url, options)));
  }
  const auto started = bench_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      const auto i = static_cast<std::size_t>(w);
      try {
        latencies[i] = run_to_end(*contexts[i], claim_loop(*stores[i], "bench-" + std::to_string(w)));
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(bench_clock::now() - started).count();
  for (const auto& f : failures)
    if (!f.empty()) throw std::runtime_error(f);

  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  if (static_cast<long>(all.size()) != jobs)
    throw std::runtime_error("claimed " + std::to_string(all.size()) + " jobs of " + std::to_string(jobs));
  const auto percentile = [&](double p) {
    return all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))] / 1000.0;
  };
  std::printf(
      "jobs=%ld workers=%d seconds=%.3f claims_per_s=%.0f claim_p50_ms=%.3f claim_p99_ms=%.3f "
      "claim_max_ms=%.3f\n",
      jobs, workers, seconds, static_cast<double>(jobs) / seconds, percentile(0.50), percentile(0.99),
      all.back() / 1000.0);
  return 0;
}

}  // namespace seedance_bench_jobs

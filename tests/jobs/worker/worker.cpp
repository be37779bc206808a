// seedance_jobs_worker - one worker process of the fleet tests: works the jobs of a job store against the
// simulator until none needs work.
//
//   seedance_jobs_worker STORE SCHEMA BASE_URL CA_FILE API_KEY WORKER_ID CONCURRENCY [PAUSE_AFTER_CREATED]
//
// STORE is a PostgreSQL URL (postgresql://..., SCHEMA names the schema) or sqlite:FILE (SCHEMA unused).
//
// With PAUSE_AFTER_CREATED = n, the worker stops moving (blocks in place, holding its leases) right after
// committing its n-th `created`, and prints "paused" on stdout: the test then kills it with SIGKILL, at a point
// where no create of this worker is in flight (run it with CONCURRENCY 1). Exit status 0 when done.
#include <seedance/client.hpp>
#include <seedance/jobs/postgres.hpp>
#include <seedance/jobs/runner.hpp>
#include <seedance/jobs/sqlite.hpp>
#include <seedance/providers/kinovi.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  if (argc < 8) {
    std::cerr << "usage: seedance_jobs_worker URL SCHEMA BASE_URL CA_FILE API_KEY WORKER_ID CONCURRENCY "
                 "[PAUSE_AFTER_CREATED]\n";
    return 2;
  }
  const std::string url = argv[1];
  std::ifstream ca_file(argv[4]);
  std::stringstream ca;
  ca << ca_file.rdbuf();
  const int pause_after = argc > 8 ? std::stoi(argv[8]) : 0;

  asio::io_context io;
  seedance::client_options<seedance::kinovi> co;
  co.api_key = argv[5];
  co.base_url = argv[3];
  co.transport.tls.ca_pem = ca.str();
  co.transport.tls.use_default_paths = false;
  co.transport.proxy.from_environment = false;
  co.polling.first_delay = 20ms;
  co.polling.min_interval = 20ms;
  co.polling.max_interval = 100ms;
  co.retry.initial_delay = 10ms;
  co.retry.max_delay = 100ms;
  co.retry.max_retry_after = 200ms;
  seedance::client<seedance::kinovi> client(io.get_executor(), co);

  int status = 1;
  // Drives the store to the end; prints "finished N".
  const auto work = [&](auto& store) -> asio::awaitable<void> {
    seedance::jobs::runner_options ro;
    ro.worker_id = argv[6];
    ro.lease = 1500ms;
    ro.watch_interval = 100ms;
    ro.wait.deadline = 120s;
    int created = 0;
    ro.on_transition = [&](const seedance::jobs::job& j) {
      if (j.state != seedance::jobs::job_state::created || ++created != pause_after) return;
      std::cout << "paused" << std::endl;
      for (;;) ::pause();  // holds everything in place until SIGKILL
    };
    seedance::jobs::job_runner runner(client, store, ro);
    const std::size_t finished = co_await runner.work(static_cast<std::size_t>(std::stoul(argv[7])));
    std::cout << "finished " << finished << std::endl;
    status = 0;
  };
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        if (url.rfind("sqlite:", 0) == 0) {
          seedance::jobs::sqlite_options so;
          so.poll_interval = 50ms;
          seedance::jobs::sqlite_store store(io.get_executor(), url.substr(7), so);
          co_await work(store);
        } else {
          seedance::jobs::postgres_options po;
          po.schema = argv[2];
          po.fallback_poll = 500ms;
          auto store = co_await seedance::jobs::postgres_store::open(io.get_executor(), url, po);
          co_await work(*store);
        }
      },
      [&](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            std::cerr << "worker " << argv[6] << ": " << x.what() << "\n";
          }
        }
        io.stop();
      });
  io.run();
  return status;
}

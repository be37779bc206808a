// readme_snippets.cpp - the code shown in README.md, compiled with the examples so it cannot rot. Each region
// between "// [readme:NAME]" and "// [readme:end]" appears verbatim in the README (a unit test checks it).
//
// Run with SEEDANCE_SIM_ORIGIN=https://127.0.0.1:PORT, SEEDANCE_CA_FILE and SEEDANCE_API_KEY set (e.g. from
// `seedance sim`), it runs every snippet against the simulator; without them it only says so.
#include <seedance/seedance.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

// [readme:generate]
asio::awaitable<void> make_clip(seedance::client<seedance::kinovi>& client) {
  const seedance::request_for<seedance::kinovi::id> request{
      .prompt = "slow dolly-in, leaves moving in the wind",
      .images = {"https://example.com/first.png", "https://example.com/last.png"},
      .ratio = seedance::aspect_ratio::r16_9,
      .resolution = seedance::resolution::p720,
      .duration = std::chrono::seconds{5},
  };
  seedance::video video = co_await client.generate(request);
  co_await client.download(video, "clip.mp4");
}

int run(seedance::client_options<seedance::kinovi> options = {}) {
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), options);  // key: $SEEDANCE_API_KEY
  asio::co_spawn(io, make_clip(client), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);  // leaves io.run() with the seedance::error
  });
  io.run();
  return 0;
}
// [readme:end]

// [readme:wait]
asio::awaitable<void> resume(seedance::client<seedance::kinovi>& client, std::string task_id) {
  // Works for any task id: one created by another process, or before a restart.
  const seedance::wait_options patience{.deadline = std::chrono::minutes(30)};
  seedance::task done = co_await client.wait(task_id, patience);
  co_await client.download(done.videos.front(), task_id + ".mp4");
}
// [readme:end]

// [readme:cancel]
asio::awaitable<void> give_up(seedance::client<seedance::seedance2ink>& client, std::string task_id) {
  seedance::task t = co_await client.cancel(task_id);  // errc::unsupported on Kinovi and aihubmax
  std::cout << t.id << " is " << seedance::to_string(t.state) << "\n";
}
// [readme:end]

// [readme:download]
asio::awaitable<void> fetch(seedance::client<seedance::kinovi>& client, std::string task_id) {
  const seedance::download_options options{
      .on_progress =
          [](std::uint64_t done, std::optional<std::uint64_t> total) {
            if (total) std::cout << done * 100 / *total << "%\r" << std::flush;
          },
      .overwrite = true,
  };
  seedance::download_result file = co_await client.download_task(task_id, "later.mp4", options);
  std::cout << file.path << ": " << file.bytes << " bytes, " << file.resumes << " resumes\n";
}
// [readme:end]

// [readme:token]
void start(seedance::client<seedance::kinovi>& client, seedance::request request) {
  client.async_generate(std::move(request), {}, [](std::error_code ec, seedance::video video) {
    if (ec)
      std::cerr << "failed: " << ec.message() << "\n";
    else
      std::cout << "ready: " << video.url << "\n";
  });
}
// [readme:end]

// [readme:errors]
asio::awaitable<void> careful(seedance::client<seedance::kinovi>& client, seedance::request request) {
  try {
    seedance::video video = co_await client.generate(request);
    co_await client.download(video, "careful.mp4");
  } catch (const seedance::error& e) {
    if (e.code() == seedance::condition::invalid_request) {
      for (const auto& p : e.details().problems) std::cerr << p.field << ": " << p.rule << "\n";  // nothing sent
    } else if (e.code() == seedance::errc::outcome_unknown) {
      std::cerr << "the task may exist: check before submitting again\n";  // never retried by the library
    } else if (e.code() == seedance::condition::task_failed) {
      std::cerr << e.details().provider_code << ": " << e.details().provider_message << "\n";
    } else {
      throw;
    }
  }
}
// [readme:end]

namespace {

/// Runs `op` to completion on `io`, rethrowing what it threw.
template <class Awaitable>
void run_one(asio::io_context& io, Awaitable op) {
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr e) { failure = e; });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
}

/// Creates a task and stores it in `out`.
template <class Client>
asio::awaitable<void> submit_into(Client& client, seedance::request request, seedance::task& out) {
  out = co_await client.submit(request);
}

template <class Provider>
seedance::client_options<Provider> sim_options(const std::string& origin, const char* ca_file, const char* path) {
  seedance::client_options<Provider> o;
  o.base_url = origin + path;
  o.transport.tls.ca_file = ca_file;
  o.polling.first_delay = o.polling.min_interval = std::chrono::milliseconds(100);
  return o;
}

}  // namespace

int main() {
  const char* origin = std::getenv("SEEDANCE_SIM_ORIGIN");
  const char* ca_file = std::getenv("SEEDANCE_CA_FILE");
  if (!origin || !ca_file) {
    std::cout << "README snippets compiled; set SEEDANCE_SIM_ORIGIN and SEEDANCE_CA_FILE to run them\n";
    return 0;
  }
  try {
    const auto kinovi = sim_options<seedance::kinovi>(origin, ca_file, "/kinovi/api/v1");
    run(kinovi);  // generate + download -> clip.mp4

    asio::io_context io;
    seedance::client<seedance::kinovi> client(io.get_executor(), kinovi);
    seedance::request request;
    request.prompt = "a kite over the dunes";
    request.images = {"https://example.com/kite.png"};
    seedance::task created;
    run_one(io, submit_into(client, request, created));
    run_one(io, resume(client, created.id));  // -> <id>.mp4
    run_one(io, fetch(client, created.id));   // -> later.mp4
    start(client, request);
    io.restart();
    io.run();
    seedance::request bad = request;
    bad.ratio = seedance::aspect_ratio::adaptive;  // Kinovi has no adaptive ratio: refused before sending
    run_one(io, careful(client, bad));

    seedance::client<seedance::seedance2ink> ink(io.get_executor(),
                                                 sim_options<seedance::seedance2ink>(origin, ca_file, "/seedance2ink"));
    seedance::request stalled;
    stalled.prompt = "[sim:stall] a clock that never strikes";
    run_one(io, submit_into(ink, stalled, created));
    run_one(io, give_up(ink, created.id));
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// callback_engine.cpp - a game-loop style program: no coroutines in user code, only completion handlers.
// Each frame the loop runs whatever network work is ready (io_context::poll, which never blocks) and then
// does its own work, as a game or media engine would (Kinovi).
//
//   export SEEDANCE_API_KEY=...            # or KINOVI_API_KEY
//   ./callback_engine [output.mp4]
//
// SEEDANCE_BASE_URL and SEEDANCE_CA_FILE point the program at another endpoint, e.g. the local simulator.
#include <seedance/client.hpp>
#include <seedance/providers/kinovi.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

/// The engine's view of one generation: the handlers below fill it in; the frame loop reads it.
struct clip_job {
  std::string output{};
  std::string state = "starting";
  std::optional<int> progress{};
  bool finished = false;
  bool ok = false;
};

/// Starts generate -> download with completion handlers. The handlers run inside io_context::poll(), on the
/// engine's own thread, so they may touch `job` without locks.
void start_clip(seedance::client<seedance::kinovi>& client, clip_job& job) {
  seedance::request request;  // the run-time form: values could come from a level file or a UI
  request.prompt = "a paper plane loops over a city at night";
  request.images = {"https://example.com/plane.png"};
  request.duration = std::chrono::seconds{5};

  seedance::wait_options wait;
  wait.on_progress = [&job](const seedance::task& t) {
    job.state = seedance::to_string(t.state);
    job.progress = t.progress;
  };
  client.async_generate(request, wait, [&client, &job](std::error_code ec, seedance::video video) {
    if (ec) {
      std::cerr << "generate failed: " << ec.message() << "\n";
      job.finished = true;
      return;
    }
    job.state = "downloading";
    client.async_download(video.url, job.output, {.overwrite = true},
                          [&job](std::error_code ec, seedance::download_result file) {
                            if (ec)
                              std::cerr << "download failed: " << ec.message() << "\n";
                            else
                              std::cout << "saved " << file.path.string() << " (" << file.bytes << " bytes)\n";
                            job.ok = !ec;
                            job.finished = true;
                          });
  });
}

int main(int argc, char** argv) {
  seedance::client_options<seedance::kinovi> options;
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) options.base_url = url;
  if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) options.transport.tls.ca_file = ca;

  try {
    asio::io_context io;
    auto keep_running = asio::make_work_guard(io);  // poll() must not find the context "out of work"
    seedance::client<seedance::kinovi> client(io.get_executor(), options);

    clip_job job{.output = argc > 1 ? argv[1] : "callback_engine.mp4"};
    start_clip(client, job);

    std::string shown;
    for (long frame = 0; !job.finished; ++frame) {
      io.poll();  // run the handlers that are ready; never blocks

      // ... the engine's own frame work would go here (simulation, rendering) ...
      const std::string status = job.state + (job.progress ? " " + std::to_string(*job.progress) + "%" : "");
      if (status != shown) std::cout << "frame " << frame << ": " << (shown = status) << "\n";
      std::this_thread::sleep_for(std::chrono::milliseconds(16));
    }
    return job.ok ? 0 : 1;
  } catch (const seedance::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

// engine_frame_loop.cpp - a game-engine style program: built with -fno-exceptions -fno-rtti, it includes only
// <seedance/engine.hpp> (no Asio, Boost or OpenSSL headers) and runs a 60 fps frame loop that hands requests to
// a seedance::engine::service and takes its events once per frame. Network, file writes, fsync and the MP4
// check happen on the service's own thread, so a frame never waits for them.
//
//   ./engine_frame_loop [count]                   # offline: the service's embedded simulator (the default)
//   SEEDANCE_BASE_URL=... SEEDANCE_API_KEY=... [SEEDANCE_CA_FILE=...] [SEEDANCE_PROVIDER=kinovi] ./engine_frame_loop
//
// Build it the copy-drop way (the implementation compiled once, with exceptions, in a file of its own):
//
//   printf '#define SEEDANCE_ENGINE_BOOST_SOURCES\n#include <seedance/engine_impl.hpp>\n' > seedance_engine.cpp
//   g++ -std=c++20 -Iinclude -c seedance_engine.cpp
//   g++ -std=c++20 -fno-exceptions -fno-rtti -Iinclude -c examples/engine_frame_loop.cpp
//   g++ engine_frame_loop.o seedance_engine.o -o engine_frame_loop -lssl -lcrypto -lpthread
#include <seedance/engine.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace engine = seedance::engine;

/// What the frame loop shows for one job.
struct clip {
  engine::job_handle job{};
  std::string output{};
  engine::job_state state = engine::job_state::submitting;
  std::string detail{};  ///< progress, path or error text
  bool ended = false;
  bool ok = false;
};

/// The service's options: the endpoint from the environment when SEEDANCE_BASE_URL is set, else the embedded
/// simulator.
engine::service_options options_from_environment() {
  engine::service_options o;
  o.overwrite = true;  // the example may be run again in the same directory
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) {
    o.base_url = url;
    if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) o.ca_file = ca;
    if (const char* provider = std::getenv("SEEDANCE_PROVIDER")) o.provider = provider;
  } else {
    o.embedded_simulator = true;
  }
  if (o.embedded_simulator || o.base_url.find("://127.0.0.1") != std::string::npos) {
    o.poll_first_delay = std::chrono::milliseconds(100);  // a local simulator answers in milliseconds
    o.poll_min_interval = std::chrono::milliseconds(200);
  }
  return o;
}

/// One line describing the job, e.g. "running 40%", "done: clip-1.mp4 (120345 bytes, 50 credits)".
std::string status_of(const engine::event& e) {
  std::string text(engine::to_string(e.state));
  if (e.kind == engine::event_kind::progress && e.state == engine::job_state::downloading && e.total_bytes)
    text += " " + std::to_string(e.bytes * 100 / *e.total_bytes) + "%";
  else if (e.progress)
    text += " " + std::to_string(*e.progress) + "%";
  if (e.kind == engine::event_kind::downloaded) {
    text += ": " + e.path + " (" + std::to_string(e.bytes) + " bytes";
    if (e.cost)
      text += ", " + std::to_string(static_cast<long long>(e.cost->amount)) +
              (e.cost->unit == engine::cost_unit::tokens ? " tokens" : " credits") + (e.cost->estimated ? " est." : "");
    text += ")";
  }
  if (e.failure) text += ": " + e.failure->message;
  if (e.failure && e.failure->task_may_exist) text += " [task " + e.task_id + " may exist at the provider]";
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 3;
  engine::service service(options_from_environment());
  if (const engine::failure* f = service.startup_failure()) {
    std::fprintf(stderr, "cannot start: %s\n", f->message.c_str());
    return 1;
  }

  // A request as a level file or a UI would give it. check() explains a bad one before anything is sent.
  engine::request request;
  request.prompt = "a paper plane loops over a city at night";
  request.images = {"https://example.com/plane.png"};
  request.duration = std::chrono::seconds{5};
  for (const seedance::problem& p : service.check(request))
    std::fprintf(stderr, "request problem: %s: %s\n", p.field.c_str(), p.rule.c_str());

  std::vector<clip> clips;
  for (int i = 1; i <= count; ++i) {
    clip c;
    c.output = "engine_clip-" + std::to_string(i) + ".mp4";
    c.job = service.submit(request, c.output);  // returns at once
    clips.push_back(c);
  }

  std::vector<engine::event> events;  // reused every frame
  const auto frame_time = std::chrono::microseconds(16'667);
  auto next_frame = std::chrono::steady_clock::now();
  std::size_t ended = 0;
  for (long frame = 0; ended < clips.size(); ++frame) {
    service.poll(events);  // every event since the last frame; never waits for the service's thread
    for (const engine::event& e : events) {
      for (clip& c : clips) {
        if (c.job != e.job) continue;
        const std::string status = status_of(e);
        if (status != c.detail)
          std::printf("frame %ld: job %llu %s\n", frame, static_cast<unsigned long long>(e.job.id), status.c_str());
        c.detail = status;
        c.state = e.state;
        if (e.kind == engine::event_kind::downloaded || e.kind == engine::event_kind::failed ||
            e.kind == engine::event_kind::cancelled) {
          c.ended = true;
          c.ok = e.kind == engine::event_kind::downloaded;
          ++ended;
        }
      }
    }
    // ... the engine's own frame work would go here (simulation, rendering) ...
    next_frame += frame_time;
    std::this_thread::sleep_until(next_frame);
  }

  int made = 0;
  for (const clip& c : clips) made += c.ok ? 1 : 0;
  std::printf("%d of %zu clips made\n", made, clips.size());
  return made == static_cast<int>(clips.size()) ? 0 : 1;
}

// seedance/engine.hpp - the facade for game and media engines: submit jobs, poll events once per frame.
//
// Includes only the C++ standard library and the library's std-only headers (vocabulary.hpp, error.hpp): no
// Asio, Boost or OpenSSL. Compiles with -fno-exceptions -fno-rtti and never throws. A `service` owns an I/O
// thread on which every network exchange, file write, fsync and MP4 check happens; the engine's thread only
// hands requests over (`submit`, `cancel`) and takes finished events out of a queue (`poll`, `drain`), which
// costs an atomic exchange and moving the events: it never waits for the I/O thread.
//
// The implementation is compiled once, with exceptions, in a translation unit of its own:
//
//   // seedance_engine.cpp (compiled with exceptions; the only file that includes engine_impl.hpp)
//   #define SEEDANCE_ENGINE_BOOST_SOURCES  // optional: compile Boost.JSON and Boost.URL here (no -lboost_*)
//   #include <seedance/engine_impl.hpp>
//
// and linked with -lssl -lcrypto -pthread (plus -lboost_json -lboost_url without the macro). CMake and meson
// users link the static library target `seedance::engine` instead, which is that translation unit.
//
//   seedance::engine::service s({.provider = "kinovi"});      // key: $SEEDANCE_API_KEY or $KINOVI_API_KEY
//   seedance::engine::request r;
//   r.prompt = "a paper plane loops over a city at night";
//   r.images = {"https://example.com/plane.png"};
//   auto job = s.submit(std::move(r), "plane.mp4");
//   std::vector<seedance::engine::event> events;
//   for (;;) {                                                 // the frame loop
//     s.poll(events);                                          // every event since the last call; never blocks
//     for (const auto& e : events) ...                         // state_changed, progress, downloaded, failed
//   }
//
// Every job ends with exactly one terminal event: `downloaded`, `failed` or `cancelled`.
#pragma once

#include <seedance/error.hpp>
#include <seedance/vocabulary.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace seedance::engine {

/// What to generate: plain data (strings, enums, durations), the same fields and meaning as
/// `seedance::request` without its JSON escape hatches. Unset optionals mean "the provider's default".
struct request {
  seedance::model model = seedance::model::seedance_2_0;
  std::string model_id{};                 ///< raw provider model id (e.g. Ark "ep-..."); sent instead of `model`
  std::string prompt{};                   ///< may address references as @image1, @video1, @audio1
  std::vector<std::string> images{};      ///< first[, last] frame; reference mode: up to 9 reference images
  std::vector<std::string> videos{};      ///< reference videos (up to 3); forces reference mode
  std::vector<std::string> audios{};      ///< reference audio clips (up to 3); forces reference mode, never alone
  std::optional<generation_mode> mode{};  ///< deduced from the media when unset
  std::optional<aspect_ratio> ratio{};
  std::optional<seedance::resolution> resolution{};
  std::optional<seedance::duration> duration{};         ///< 4..15 s, or auto_duration where the provider allows
  std::optional<std::int64_t> seed{};                   ///< -1 or 0..4294967295
  std::optional<bool> generate_audio{};                 ///< false: silent mp4
  std::string callback_url{};                           ///< provider webhook target (https)
  std::optional<bool> watermark{};                      ///< Ark
  std::optional<bool> camera_fixed{};                   ///< Ark
  bool return_last_frame = false;                       ///< Ark
  std::optional<std::chrono::seconds> expires_after{};  ///< Ark, 3600..259200 s
  bool upscale_4k = false;                              ///< Kinovi legacy schema only
  bool high_bitrate = false;                            ///< Kinovi
};

/// Construction options of a `service`. Plain aggregate; copied.
struct service_options {
  /// Provider, chosen at run time: "kinovi", "aihubmax", "seedance2ink", "ark" (also "byteplus", "volcengine"
  /// for the Ark regions). An unknown name makes every job fail with errc::invalid_request.
  std::string provider = "kinovi";
  /// API key. Empty: $SEEDANCE_API_KEY, then the provider's own variable (e.g. $KINOVI_API_KEY).
  std::string api_key{};
  /// Base URL including the API path. Empty: the provider's default.
  std::string base_url{};
  /// PEM file of extra trusted CAs (e.g. a test server's). The system's CA store is trusted as well.
  std::string ca_file{};
  /// Run a loopback simulator of every provider inside the service and send everything there: offline demos
  /// and tests, no key and no money. Overrides api_key, base_url and ca_file.
  bool embedded_simulator = false;
  /// Multiplies the embedded simulator's task durations (0.05: a task takes about 60 ms).
  double simulator_time_scale = 0.05;
  /// Replace existing files at output paths. Without it, an existing file fails the job before any request.
  bool overwrite = false;
  /// Longest wait for a task to finish after it was created.
  std::chrono::milliseconds wait_deadline{std::chrono::minutes(30)};
  /// Status polling: first poll after this, then never more often than min, never less often than max.
  std::chrono::milliseconds poll_first_delay{1'000};
  std::chrono::milliseconds poll_min_interval{2'000};
  std::chrono::milliseconds poll_max_interval{30'000};
  /// At most this many tasks in flight at the provider (0: unlimited; lowered when a provider names its limit).
  std::size_t max_in_flight = 0;
  /// True: the service runs its own I/O thread. False: nothing runs until the caller calls run_ready() (then
  /// network and file work happen on the caller's thread).
  bool own_thread = true;
};

/// Identifies one submitted job. Value 0 is never used.
struct job_handle {
  std::uint64_t id = 0;
  /// Equal when both name the same job.
  friend constexpr bool operator==(job_handle, job_handle) noexcept = default;
};

/// Where a job is.
enum class job_state : std::uint8_t {
  submitting,   ///< checked and being created at the provider
  queued,       ///< the provider has the task queued
  running,      ///< the provider is generating
  downloading,  ///< the video is being saved
  done,         ///< the file is complete on disk (event_kind::downloaded)
  failed,       ///< the job ended with an error (event::failure)
  cancelled,    ///< cancel() stopped the job
};

/// Name of a state ("submitting", "queued", ...). Never throws.
constexpr std::string_view to_string(job_state s) noexcept {
  switch (s) {
    case job_state::submitting:
      return "submitting";
    case job_state::queued:
      return "queued";
    case job_state::running:
      return "running";
    case job_state::downloading:
      return "downloading";
    case job_state::done:
      return "done";
    case job_state::failed:
      return "failed";
    case job_state::cancelled:
      return "cancelled";
  }
  return "?";
}

/// What an event reports.
enum class event_kind : std::uint8_t {
  state_changed,  ///< `state` changed (task_id is set from queued on)
  progress,       ///< generating: `progress` percent (providers that report it); downloading: `bytes`
  downloaded,     ///< terminal: the file is at `path` (`bytes` long); `cost` when known
  failed,         ///< terminal: `failure` says what went wrong
  cancelled,      ///< terminal: cancel() stopped the job; `failure` is set when a task may go on remotely
};

/// Name of an event kind ("state_changed", ...). Never throws.
constexpr std::string_view to_string(event_kind k) noexcept {
  switch (k) {
    case event_kind::state_changed:
      return "state_changed";
    case event_kind::progress:
      return "progress";
    case event_kind::downloaded:
      return "downloaded";
    case event_kind::failed:
      return "failed";
    case event_kind::cancelled:
      return "cancelled";
  }
  return "?";
}

/// Unit of a cost figure.
enum class cost_unit : std::uint8_t { credits, tokens, usd, cny };

/// A cost: reported by the provider, or estimated by the library before submitting.
struct cost {
  double amount = 0;
  engine::cost_unit unit = engine::cost_unit::credits;
  bool estimated = false;  ///< true: the library's estimate; false: the provider's figure
};

/// Everything known about a failure: what the library's exceptions carry, as data.
struct failure {
  std::error_code code{};  ///< a seedance::errc (compare: `code == seedance::errc::rate_limited`) or a system code
  std::string message{};   ///< one line naming what failed and why (for invalid_request: every problem)
  /// HTTP status, provider code and message, task id, request id, retry hints, validation problems.
  seedance::error_details details{};
  /// True when a task was or may have been created at the provider (it may cost money or still run): with a
  /// task id in details.task_id, or errc::outcome_unknown (no id: check the provider before submitting again).
  bool task_may_exist = false;
};

/// One thing that happened to a job. Events of a job arrive in order.
struct event {
  job_handle job{};
  event_kind kind = event_kind::state_changed;
  job_state state = job_state::submitting;     ///< the job's state after this event
  std::string task_id{};                       ///< the provider's task id, once known
  std::optional<int> progress{};               ///< 0..100 from the provider while generating, when it reports one
  std::uint64_t bytes = 0;                     ///< downloading: bytes on disk so far; downloaded: the file's size
  std::optional<std::uint64_t> total_bytes{};  ///< downloading: the size announced by the server, when known
  std::string path{};                          ///< downloaded: the file written
  std::optional<engine::cost> cost{};          ///< from the task's creation on, when known
  std::optional<engine::failure> failure{};    ///< failed (always) and cancelled (a task may go on remotely)
};

/// Runs generate + download jobs for an engine. Construction starts the I/O thread (own_thread) and never
/// throws: a problem (unknown provider, no API key, bad base URL or CA file, simulator that cannot start) is
/// kept in startup_failure() and fails every job with it. The destructor cancels the jobs still running
/// (their temporary files are removed, remote tasks are left alone) and joins the thread.
///
/// Thread safety: every member function may be called from any thread, except run_ready() (one thread at a time)
/// and the destructor. poll()/drain() are meant for one consumer (the engine's thread); with several, each
/// event goes to exactly one of them.
class service {
 public:
  /// Starts the service. Never throws; see startup_failure().
  explicit service(service_options options = {}) noexcept;
  /// Cancels unfinished jobs, stops and joins the I/O thread. Unpolled events are dropped.
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  /// Nullptr when the service is ready; otherwise why every job fails.
  const engine::failure* startup_failure() const noexcept;

  /// Starts a job: check the request (before any network I/O), create the task, wait for it, download its
  /// first video to `output_path` (written beside it and renamed into place when complete and checked).
  /// Returns at once; the outcome comes as events. Allocates the job record only.
  job_handle submit(engine::request r, std::string output_path) noexcept;

  /// Stops a job: polling and the download stop (the temporary file is removed) and, where the provider can
  /// cancel (seedance2.ink, Ark), the remote task is asked to cancel. The job ends with a `cancelled` event
  /// (whose `failure` is set when a remote task may go on). No effect on a job that already ended. Returns at
  /// once.
  void cancel(job_handle job) noexcept;

  /// Replaces the contents of `events` with every event since the last poll()/drain(), oldest first, and
  /// returns how many. Never waits for the I/O thread: one atomic exchange, then the events are moved.
  std::size_t poll(std::vector<event>& events) noexcept;

  /// Every event since the last poll()/drain(), oldest first. Same as poll() into a new vector.
  std::vector<event> drain() noexcept;

  /// True when an event is waiting (a cheap test before poll()).
  bool has_events() const noexcept;

  /// Every rule `r` breaks for this service's provider, in the words of seedance::validate() (field, rule,
  /// offending value); empty when valid. Runs on the calling thread; pure CPU, no I/O.
  std::vector<seedance::problem> check(const engine::request& r) const noexcept;

  /// One line listing every problem, as the failed event of an invalid request says it ("invalid request:
  /// ratio: ..."). Empty when there is none.
  static std::string describe(const std::vector<seedance::problem>& problems) noexcept;

  /// Jobs submitted and not yet ended (their terminal event may still wait in the queue).
  std::size_t active_jobs() const noexcept;

  /// For own_thread = false: runs the work that is ready now (network, files) on the calling thread, without
  /// waiting; returns how many handlers ran. With own_thread it does nothing and returns 0.
  std::size_t run_ready() noexcept;

  class impl;  ///< defined in <seedance/engine_impl.hpp>

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace seedance::engine

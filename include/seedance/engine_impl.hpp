// seedance/engine_impl.hpp - the implementation of <seedance/engine.hpp>.
//
// Include it in exactly ONE translation unit of the program, compiled WITH exceptions (and RTTI): it defines
// the service's functions (not inline), so a second translation unit including it fails to link with
// "multiple definition". The rest of the engine includes only <seedance/engine.hpp> and may be built with
// -fno-exceptions -fno-rtti. Exceptions never leave this translation unit: every one is turned into an event
// (or into startup_failure()) at the boundary.
//
//   // seedance_engine.cpp
//   #define SEEDANCE_ENGINE_BOOST_SOURCES  // optional: also compile Boost.JSON and Boost.URL here
//   #include <seedance/engine_impl.hpp>
//
// Link with -lssl -lcrypto -pthread, and with -lboost_json -lboost_url unless SEEDANCE_ENGINE_BOOST_SOURCES is
// defined (then the program must not link those libraries as well). The CMake/meson target seedance::engine
// is this translation unit as a static library (without the macro: it links the Boost libraries).
//
// Inside: one io_context on the service's own thread runs a client<any_provider>; each job is one coroutine
// (submit, wait, download). Events go to the engine through a lock-free stack: the I/O thread pushes with a
// compare-and-swap, poll() takes the whole stack with one atomic exchange, so the engine's thread never waits
// for a lock the I/O thread holds.
#pragma once

#include <seedance/engine.hpp>

#ifdef SEEDANCE_ENGINE_BOOST_SOURCES
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
#endif

#include <seedance/client.hpp>
#include <seedance/providers/any_provider.hpp>
#include <seedance/request.hpp>
#include <seedance/testing/simulator.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace seedance::engine {

namespace detail {

/// One queued event: a node of the lock-free stack between the I/O thread and the consumer.
struct event_node {
  event value;
  event_node* next = nullptr;
};

/// The library's request with the values of an engine request.
inline seedance::request to_library_request(const engine::request& r) {
  seedance::request out;
  out.model = r.model;
  out.model_id = r.model_id;
  out.prompt = r.prompt;
  out.images = seedance::media_list(r.images);
  out.videos = seedance::media_list(r.videos);
  out.audios = seedance::media_list(r.audios);
  out.mode = r.mode;
  out.ratio = r.ratio;
  out.resolution = r.resolution;
  out.duration = r.duration;
  out.seed = r.seed;
  out.generate_audio = r.generate_audio;
  out.callback_url = r.callback_url;
  out.watermark = r.watermark;
  out.camera_fixed = r.camera_fixed;
  out.return_last_frame = r.return_last_frame;
  out.expires_after = r.expires_after;
  out.upscale_4k = r.upscale_4k;
  out.high_bitrate = r.high_bitrate;
  return out;
}

/// The library's cost figure as the facade's plain struct.
inline engine::cost to_engine_cost(const seedance::cost& c) noexcept {
  engine::cost out;
  out.amount = c.amount;
  out.estimated = c.estimated;
  switch (c.unit) {
    case seedance::cost_unit::credits:
      out.unit = engine::cost_unit::credits;
      break;
    case seedance::cost_unit::tokens:
      out.unit = engine::cost_unit::tokens;
      break;
    case seedance::cost_unit::usd:
      out.unit = engine::cost_unit::usd;
      break;
    case seedance::cost_unit::cny:
      out.unit = engine::cost_unit::cny;
      break;
  }
  return out;
}

/// Whatever ended an operation, as data. Never throws but bad_alloc.
inline engine::failure failure_from(const std::exception_ptr& ep) {
  engine::failure f;
  try {
    std::rethrow_exception(ep);
  } catch (const seedance::error& e) {
    f.code = e.code();
    f.message = e.text();
    f.details = e.details();
  } catch (const std::system_error& e) {
    f.code = e.code();
    f.message = e.what();
  } catch (const std::bad_alloc&) {
    f.code = std::make_error_code(std::errc::not_enough_memory);
    f.message = "out of memory";
  } catch (const std::exception& e) {
    f.code = make_error_code(errc::io_error);
    f.message = e.what();
  } catch (...) {
    f.code = make_error_code(errc::io_error);
    f.message = "unknown failure";
  }
  f.task_may_exist = !f.details.task_id.empty() || f.code == make_error_code(errc::outcome_unknown);
  return f;
}

/// The job's state while the provider reports `s` (terminal states are reported by the wait's outcome).
inline job_state job_state_for(task_state s, job_state current) noexcept {
  switch (s) {
    case task_state::queued:
      return job_state::queued;
    case task_state::running:
    case task_state::unknown:
      return job_state::running;
    default:
      return current;
  }
}

/// Throws seedance::error when `path` cannot take the video, before any network I/O: no file name
/// (invalid_request), an existing file without overwrite (file_exists), a missing directory (io_error).
inline void check_output_path(const std::string& path, bool overwrite) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (path.empty() || target.filename().empty() || target.filename() == "." || target.filename() == "..")
    throw seedance::error(errc::invalid_request, "output_path: must name a file (got \"" + path + "\")");
  std::error_code ec;
  if (!overwrite && fs::exists(target, ec))
    throw seedance::error(errc::file_exists,
                          "output_path: " + path + " exists (set service_options::overwrite to replace it)");
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  if (!fs::is_directory(dir, ec))
    throw seedance::error(errc::io_error, "output_path: the directory " + dir.string() + " does not exist");
}

}  // namespace detail

/// The service's state. Everything below `jobs_` is touched on the I/O thread only.
class service::impl {
 public:
  using library_client = seedance::client<seedance::any_provider>;

  explicit impl(service_options options) : options_(std::move(options)) {
    io_ = std::make_unique<asio::io_context>(1);
    work_.emplace(io_->get_executor());
    try {
      start_client();
    } catch (...) {
      startup_failure_ = detail::failure_from(std::current_exception());
      client_.reset();
    }
    if (options_.own_thread && !startup_failure_) {
      try {
        thread_ = std::thread([this] { run_thread(); });
      } catch (...) {  // no thread could be made (resource limits): every job fails, saying so
        startup_failure_ = detail::failure_from(std::current_exception());
        startup_failure_->message = "cannot start the service's I/O thread: " + startup_failure_->message;
      }
    }
  }

  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  ~impl() {
    if (thread_.joinable()) {
      asio::post(*io_, [this] { begin_stop(); });
      thread_.join();
    } else {
      begin_stop();
      const auto give_up = std::chrono::steady_clock::now() + stop_grace;
      while (!jobs_.empty() && std::chrono::steady_clock::now() < give_up && !io_->stopped())
        io_->run_one_for(std::chrono::milliseconds(100));
    }
    if (!jobs_.empty()) {
      // A job did not stop within the grace period: its coroutine frame still refers to the client and the
      // io_context. Leaking them is safe; destroying them would not be.
      (void)client_.release();
      (void)io_.release();
      for (auto& entry : jobs_) (void)entry.second.release();
    }
    client_.reset();
    io_.reset();
    for (event_node* n = head_.exchange(nullptr, std::memory_order_acquire); n != nullptr;) {
      event_node* next = n->next;
      delete n;
      n = next;
    }
  }

  // ---- called from any thread ------------------------------------------------------------------------

  job_handle submit(engine::request r, std::string output_path) {
    const job_handle handle{last_id_.fetch_add(1, std::memory_order_relaxed) + 1};
    active_.fetch_add(1, std::memory_order_relaxed);
    if (startup_failure_) {
      event e;
      e.job = handle;
      e.kind = event_kind::failed;
      e.state = job_state::failed;
      e.failure = *startup_failure_;
      active_.fetch_sub(1, std::memory_order_relaxed);
      push(std::move(e));
      return handle;
    }
    auto j = std::make_unique<job>();
    j->id = handle.id;
    j->request = std::move(r);
    j->path = std::move(output_path);
    asio::post(*io_, [this, owned = std::move(j)]() mutable { start_job(std::move(owned)); });
    return handle;
  }

  void cancel(job_handle handle) {
    asio::post(*io_, [this, id = handle.id] {
      const auto found = jobs_.find(id);
      if (found == jobs_.end() || found->second->cancel_requested) return;
      found->second->cancel_requested = true;
      found->second->signal.emit(asio::cancellation_type::terminal);
    });
  }

  std::size_t poll(std::vector<event>& out) noexcept {
    out.clear();
    event_node* list = head_.exchange(nullptr, std::memory_order_acquire);
    if (list == nullptr) return 0;
    event_node* oldest_first = nullptr;  // the stack is newest first
    std::size_t count = 0;
    while (list != nullptr) {
      event_node* next = list->next;
      list->next = oldest_first;
      oldest_first = list;
      list = next;
      ++count;
    }
    out.reserve(count);
    while (oldest_first != nullptr) {
      event_node* next = oldest_first->next;
      out.push_back(std::move(oldest_first->value));
      delete oldest_first;
      oldest_first = next;
    }
    return count;
  }

  bool has_events() const noexcept { return head_.load(std::memory_order_acquire) != nullptr; }

  std::vector<seedance::problem> check(const engine::request& r) const {
    if (!provider_) {
      seedance::problem p;
      p.field = "provider";
      p.rule = "must be one of kinovi, aihubmax, seedance2ink, ark, byteplus, volcengine";
      p.value = options_.provider;
      return {p};
    }
    return seedance::validate(provider_->id(), detail::to_library_request(r), provider_->options());
  }

  std::size_t active_jobs() const noexcept { return active_.load(std::memory_order_relaxed); }

  std::size_t run_ready() {
    if (options_.own_thread) return 0;
    return io_->poll();
  }

  const engine::failure* startup_failure() const noexcept { return startup_failure_ ? &*startup_failure_ : nullptr; }

 private:
  using event_node = detail::event_node;

  /// A running job. Lives in jobs_ until its terminal event is pushed.
  struct job {
    std::uint64_t id = 0;
    engine::request request{};
    std::string path{};
    asio::cancellation_signal signal{};
    bool cancel_requested = false;
    bool create_started = false;  ///< the create request may have been sent
    job_state state = job_state::submitting;
    std::string task_id{};
    std::optional<engine::cost> cost{};
    std::optional<int> progress{};
    std::uint64_t bytes = 0;
    std::uint64_t reported_bytes = 0;
    int reported_percent = -1;
  };

  /// How long the destructor lets cancelled jobs take to stop.
  static constexpr std::chrono::seconds stop_grace{10};

  /// Resolves the provider, starts the embedded simulator when asked, and makes the client (no I/O). Throws.
  void start_client() {
    provider_ = seedance::any_provider::from_name(options_.provider);
    if (!provider_)
      throw seedance::error(errc::invalid_request,
                            "provider: must be one of kinovi, aihubmax, seedance2ink, ark, "
                            "byteplus, volcengine (got \"" +
                                options_.provider + "\")");
    seedance::client_options<seedance::any_provider> o;
    o.codec = provider_->options();
    o.max_in_flight = options_.max_in_flight;
    o.polling.first_delay = options_.poll_first_delay;
    o.polling.min_interval = options_.poll_min_interval;
    o.polling.max_interval = options_.poll_max_interval;
    if (options_.embedded_simulator) {
      seedance::testing::simulator_options so;
      so.time_scale = options_.simulator_time_scale;
      simulator_ = std::make_unique<seedance::testing::simulator>(so);
      o.api_key = simulator_->api_key();
      o.base_url = simulator_->base_url(provider_->id());
      o.transport.tls.ca_pem = simulator_->ca_pem();
      o.transport.proxy.from_environment = false;  // loopback
    } else {
      o.api_key = options_.api_key;
      o.base_url = options_.base_url;
      o.transport.tls.ca_file = options_.ca_file;
    }
    client_ = std::make_unique<library_client>(io_->get_executor(), *provider_, std::move(o));
  }

  /// The I/O thread: runs the io_context until begin_stop() ends it.
  void run_thread() noexcept {
    for (;;) {
      try {
        io_->run();
        return;
      } catch (...) {
        // A handler outside any job threw (nothing of the service's own does): keep serving the others.
      }
    }
  }

  /// On the I/O thread: cancel every job, end the thread once they have all stopped (or after the grace).
  void begin_stop() {
    stopping_ = true;
    for (auto& entry : jobs_) {
      entry.second->cancel_requested = true;
      entry.second->signal.emit(asio::cancellation_type::terminal);
    }
    work_.reset();
    if (jobs_.empty()) {
      io_->stop();
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(*io_, stop_grace);
    timer->async_wait([this, timer](std::error_code) { io_->stop(); });
  }

  /// Queues an event for poll(): a lock-free push (any thread).
  void push(event e) {
    auto* node = new event_node{std::move(e), nullptr};
    node->next = head_.load(std::memory_order_relaxed);
    while (!head_.compare_exchange_weak(node->next, node, std::memory_order_release, std::memory_order_relaxed)) {
    }
  }

  /// An event of kind `kind` carrying what is known of the job now.
  event event_for(const job& j, event_kind kind) const {
    event e;
    e.job = job_handle{j.id};
    e.kind = kind;
    e.state = j.state;
    e.task_id = j.task_id;
    e.progress = j.progress;
    e.bytes = j.bytes;
    e.cost = j.cost;
    return e;
  }

  /// Moves the job to state `s`, with a state_changed event when it is a change.
  void set_state(job& j, job_state s) {
    if (j.state == s) return;
    j.state = s;
    push(event_for(j, event_kind::state_changed));
  }

  /// Pushes the job's terminal event and forgets the job.
  void end_job(job& j, event e) {
    if (!j.task_id.empty() && client_) client_->forget(j.task_id);  // its in-flight slot, if still held
    const std::uint64_t id = j.id;
    active_.fetch_sub(1, std::memory_order_relaxed);
    push(std::move(e));
    jobs_.erase(id);
    if (stopping_ && jobs_.empty()) io_->stop();
  }

  /// On the I/O thread: registers the job and spawns its coroutine, bound to the job's cancellation signal.
  void start_job(std::unique_ptr<job> owned) {
    if (stopping_) {
      active_.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    job& j = *owned;
    jobs_.emplace(j.id, std::move(owned));
    push(event_for(j, event_kind::state_changed));  // submitting
    const std::uint64_t id = j.id;
    asio::co_spawn(*io_, run_job(j), asio::bind_cancellation_slot(j.signal.slot(), [this, id](std::exception_ptr ep) {
      try {
        finish(id, ep);
      } catch (...) {
        // Only bad_alloc can get here; the job's terminal event could not be made.
      }
    }));
  }

  /// Throws operation_aborted when cancel() reached the job (for steps that do not observe cancellation).
  static void stop_if_cancelled(const job& j) {
    if (j.cancel_requested) throw std::system_error(std::make_error_code(std::errc::operation_canceled));
  }

  /// The job: checks, create, wait (state and progress events), download. Throws whatever ends it early.
  asio::awaitable<void> run_job(job& j) {
    const seedance::request r = detail::to_library_request(j.request);
    seedance::check(provider_->id(), r, provider_->options());
    detail::check_output_path(j.path, options_.overwrite);
    j.create_started = true;
    const seedance::task created = co_await client_->submit(r);
    j.task_id = created.id;
    if (created.cost) j.cost = detail::to_engine_cost(*created.cost);
    stop_if_cancelled(j);
    set_state(j, detail::job_state_for(created.state, job_state::queued));

    seedance::wait_options wait;
    wait.deadline = options_.wait_deadline;
    wait.on_progress = [this, &j](const seedance::task& t) { observe(j, t); };
    const seedance::task done = co_await client_->wait(created.id, wait);
    stop_if_cancelled(j);
    if (done.cost && !done.cost->estimated) j.cost = detail::to_engine_cost(*done.cost);
    if (done.videos.empty()) {
      seedance::error_details details;
      details.task_id = done.id;
      throw seedance::error(errc::bad_response, "task " + done.id + " succeeded without a video", details);
    }

    j.progress.reset();
    set_state(j, job_state::downloading);
    seedance::download_options download;
    download.overwrite = options_.overwrite;
    download.on_progress = [this, &j](std::uint64_t bytes, std::optional<std::uint64_t> total) {
      downloaded_some(j, bytes, total);
    };
    const std::filesystem::path target(j.path);
    const seedance::video video = done.videos.front();
    const seedance::download_result file = co_await client_->download(video, target, download);
    j.bytes = file.bytes;
  }

  /// A snapshot seen by the wait: state and progress events.
  void observe(job& j, const seedance::task& t) {
    const job_state next = detail::job_state_for(t.state, j.state);
    if (t.progress != j.progress) {
      j.progress = t.progress;
      if (next == j.state && t.progress) push(event_for(j, event_kind::progress));
    }
    set_state(j, next);
  }

  /// Download progress, at most one event per percent (or per MiB when the size is unknown).
  void downloaded_some(job& j, std::uint64_t bytes, std::optional<std::uint64_t> total) {
    j.bytes = bytes;
    if (total && *total > 0) {
      const int percent = static_cast<int>(bytes * 100 / *total);
      if (percent == j.reported_percent) return;
      j.reported_percent = percent;
    } else if (bytes - j.reported_bytes < (1u << 20)) {
      return;
    }
    j.reported_bytes = bytes;
    event e = event_for(j, event_kind::progress);
    e.total_bytes = total;
    push(std::move(e));
  }

  /// The job's coroutine ended: downloaded, failed or cancelled.
  void finish(std::uint64_t id, const std::exception_ptr& ep) {
    const auto found = jobs_.find(id);
    if (found == jobs_.end()) return;
    job& j = *found->second;
    if (!ep && !j.cancel_requested) {
      j.state = job_state::done;
      j.progress.reset();
      event e = event_for(j, event_kind::downloaded);
      e.path = j.path;
      end_job(j, std::move(e));
      return;
    }
    if (j.cancel_requested) {
      cancelled(j);
      return;
    }
    j.state = job_state::failed;
    event e = event_for(j, event_kind::failed);
    e.failure = detail::failure_from(ep);
    if (e.failure->details.task_id.empty() && !j.task_id.empty()) e.failure->details.task_id = j.task_id;
    // A create that failed after it may have been written (a 5xx answer, a connection lost mid-exchange) is not
    // safe to repeat: the provider may have made the task.
    const bool create_unsettled = j.task_id.empty() && j.create_started && !e.failure->details.retry_safe &&
                                  e.failure->code.category() == seedance::error_category() &&
                                  e.failure->code != make_error_code(errc::invalid_request) &&
                                  e.failure->code != make_error_code(errc::unsupported);
    e.failure->task_may_exist = e.failure->task_may_exist || !j.task_id.empty() || create_unsettled;
    end_job(j, std::move(e));
  }

  /// After cancel(): ask the provider to cancel the remote task where it can, then end the job.
  void cancelled(job& j) {
    j.state = job_state::cancelled;
    event e = event_for(j, event_kind::cancelled);
    if (j.task_id.empty()) {
      if (j.create_started) {  // the create request may be on its way: its outcome is unknown
        engine::failure f;
        f.code = make_error_code(errc::outcome_unknown);
        f.message =
            "cancelled while the task was being created: it may exist at the provider; check before "
            "submitting again";
        f.task_may_exist = true;
        e.failure = std::move(f);
      }
      end_job(j, std::move(e));
      return;
    }
    if (stopping_ || !provider_->supports_cancel()) {
      engine::failure f;
      f.code = make_error_code(stopping_ ? errc::outcome_unknown : errc::unsupported);
      f.message = stopping_ ? "the service stopped; task " + j.task_id + " was not cancelled at the provider"
                            : std::string(provider_->display_name()) + " has no cancel endpoint: task " + j.task_id +
                                  " goes on at the provider";
      f.details.task_id = j.task_id;
      f.task_may_exist = true;
      e.failure = std::move(f);
      end_job(j, std::move(e));
      return;
    }
    const std::uint64_t id = j.id;
    asio::co_spawn(*io_, client_->cancel(j.task_id), [this, id](std::exception_ptr ep, seedance::task) {
      const auto found = jobs_.find(id);
      if (found == jobs_.end()) return;
      job& cancelled_job = *found->second;
      event done = event_for(cancelled_job, event_kind::cancelled);
      if (ep) {
        done.failure = detail::failure_from(ep);
        done.failure->message = "remote cancel failed: " + done.failure->message;
        if (done.failure->details.task_id.empty()) done.failure->details.task_id = cancelled_job.task_id;
        done.failure->task_may_exist = true;
      }
      end_job(cancelled_job, std::move(done));
    });
  }

  service_options options_;
  std::optional<engine::failure> startup_failure_{};
  std::optional<seedance::any_provider> provider_{};
  std::unique_ptr<seedance::testing::simulator> simulator_{};  // outlives the client: destroyed last
  std::unique_ptr<asio::io_context> io_{};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{};
  std::unique_ptr<library_client> client_{};
  std::thread thread_{};
  std::atomic<event_node*> head_{nullptr};
  std::atomic<std::uint64_t> last_id_{0};
  std::atomic<std::size_t> active_{0};
  // I/O thread only (or the caller's, with own_thread = false).
  std::unordered_map<std::uint64_t, std::unique_ptr<job>> jobs_{};
  bool stopping_ = false;
};

// ---- service: the boundary. Nothing below lets an exception out. ---------------------------------------------

service::service(service_options options) noexcept : impl_(std::make_unique<impl>(std::move(options))) {}

service::~service() = default;

const engine::failure* service::startup_failure() const noexcept { return impl_->startup_failure(); }

job_handle service::submit(engine::request r, std::string output_path) noexcept {
  return impl_->submit(std::move(r), std::move(output_path));
}

void service::cancel(job_handle job) noexcept { impl_->cancel(job); }

std::size_t service::poll(std::vector<event>& events) noexcept { return impl_->poll(events); }

std::vector<event> service::drain() noexcept {
  std::vector<event> events;
  impl_->poll(events);
  return events;
}

bool service::has_events() const noexcept { return impl_->has_events(); }

std::vector<seedance::problem> service::check(const engine::request& r) const noexcept { return impl_->check(r); }

std::string service::describe(const std::vector<seedance::problem>& problems) noexcept {
  if (problems.empty()) return {};
  return seedance::describe(problems);
}

std::size_t service::active_jobs() const noexcept { return impl_->active_jobs(); }

std::size_t service::run_ready() noexcept { return impl_->run_ready(); }

}  // namespace seedance::engine

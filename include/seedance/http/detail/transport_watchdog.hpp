// seedance/http/detail/transport_watchdog.hpp - one timer per request that enforces every deadline.
//
// Instead of racing each read against its own timer, a request owns one watchdog: it knows the
// whole-request deadline, the deadline of the current phase (connect, handshake) and, while a response is
// being read, the idle-read limit measured from the last byte received. Reads only record the time of
// their last byte (no timer work per read), which keeps streaming large bodies cheap. When a deadline
// passes the watchdog closes the socket (or cancels the resolver / queue wait) under watch, so the pending
// operation fails at once; the request then asks fired() which deadline it was.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <algorithm>
#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <system_error>

namespace seedance::http::detail {

/// Which deadline ended a request.
enum class deadline_kind { none, connect, handshake, request, idle_read };

/// Enforces the deadlines of one request. Not thread-safe: use from the strand that runs the request.
class request_watchdog {
 public:
  using clock = std::chrono::steady_clock;

  /// Starts watching: the request must finish before `request_deadline`; reads may pause at most `idle_read`.
  request_watchdog(asio::any_io_executor executor, clock::time_point request_deadline, clock::duration idle_read)
      : state_(std::make_shared<state>(std::move(executor))) {
    state_->request_deadline = request_deadline;
    state_->idle_read = idle_read;
    arm();
  }

  request_watchdog(const request_watchdog&) = delete;
  request_watchdog& operator=(const request_watchdog&) = delete;

  /// Stops watching; nothing under watch is touched afterwards.
  ~request_watchdog() { state_->stop(); }

  /// Closes `socket` when a deadline passes (replaces what was watched before).
  void watch(asio::ip::tcp::socket& socket) noexcept {
    state_->clear_targets();
    state_->socket = &socket;
  }
  /// Cancels `resolver` when a deadline passes (replaces what was watched before).
  void watch(asio::ip::tcp::resolver& resolver) noexcept {
    state_->clear_targets();
    state_->resolver = &resolver;
  }
  /// Cancels `timer` when a deadline passes (replaces what was watched before).
  void watch(asio::steady_timer& timer) noexcept {
    state_->clear_targets();
    state_->timer_target = &timer;
  }
  /// Watches nothing (call before the watched object goes away).
  void unwatch() noexcept { state_->clear_targets(); }

  /// Starts a phase (connect or handshake) that must end within `limit`.
  void begin_phase(deadline_kind kind, clock::duration limit) {
    state_->phase = kind;
    state_->phase_deadline = clock::now() + limit;
    arm();
  }
  /// Ends the current phase.
  void end_phase() noexcept {
    state_->phase = deadline_kind::none;
    state_->phase_deadline = clock::time_point::max();
  }

  /// Starts (or restarts) the idle-read limit, counted from now.
  void start_idle_watch() {
    state_->last_activity = clock::now();
    state_->idle_watch = true;
    arm();
  }
  /// Stops the idle-read limit (between responses).
  void stop_idle_watch() noexcept { state_->idle_watch = false; }

  /// Records that bytes arrived: the idle-read limit restarts. Cheap; call on every read.
  void activity() noexcept { state_->last_activity = clock::now(); }

  /// The deadline that passed, or deadline_kind::none.
  deadline_kind fired() const noexcept { return state_->fired; }

  /// The whole-request deadline.
  clock::time_point request_deadline() const noexcept { return state_->request_deadline; }

 private:
  struct state {
    explicit state(asio::any_io_executor executor) : timer(std::move(executor)) {}

    asio::steady_timer timer;
    clock::time_point request_deadline = clock::time_point::max();
    clock::time_point phase_deadline = clock::time_point::max();
    deadline_kind phase = deadline_kind::none;
    clock::duration idle_read{};
    clock::time_point last_activity{};
    bool idle_watch = false;
    bool stopped = false;
    deadline_kind fired = deadline_kind::none;
    unsigned generation = 0;
    asio::ip::tcp::socket* socket = nullptr;
    asio::ip::tcp::resolver* resolver = nullptr;
    asio::steady_timer* timer_target = nullptr;

    void clear_targets() noexcept {
      socket = nullptr;
      resolver = nullptr;
      timer_target = nullptr;
    }

    void stop() noexcept {
      stopped = true;
      clear_targets();
      ++generation;
      try {
        timer.cancel();
      } catch (...) {  // cancel reports only impossible service errors; nothing to do
      }
    }

    clock::time_point idle_deadline() const noexcept {
      if (!idle_watch) return clock::time_point::max();
      if (last_activity > clock::time_point::max() - idle_read) return clock::time_point::max();
      return last_activity + idle_read;
    }

    clock::time_point next_deadline() const noexcept {
      return std::min({request_deadline, phase_deadline, idle_deadline()});
    }

    /// Decides which deadline (if any) has passed at `now`.
    deadline_kind due(clock::time_point now) const noexcept {
      if (now >= request_deadline) return deadline_kind::request;
      if (now >= phase_deadline) return phase;
      if (now >= idle_deadline()) return deadline_kind::idle_read;
      return deadline_kind::none;
    }

    void fire(deadline_kind kind) noexcept {
      fired = kind;
      std::error_code ignored;
      if (socket != nullptr) {
        socket->cancel(ignored);
        socket->close(ignored);
      }
      if (resolver != nullptr) resolver->cancel();
      if (timer_target != nullptr) {
        try {
          timer_target->cancel();
        } catch (...) {  // see stop()
        }
      }
      clear_targets();
    }
  };

  static void arm(const std::shared_ptr<state>& s) {
    if (s->stopped || s->fired != deadline_kind::none) return;
    const auto generation = ++s->generation;
    s->timer.expires_at(s->next_deadline());
    s->timer.async_wait([s, generation](const std::error_code&) {
      if (s->stopped || generation != s->generation || s->fired != deadline_kind::none) return;
      const auto kind = s->due(clock::now());
      if (kind != deadline_kind::none)
        s->fire(kind);
      else
        arm(s);  // the idle deadline moved because bytes arrived
    });
  }

  void arm() { arm(state_); }

  std::shared_ptr<state> state_;
};

/// Makes the watchdog forget its target when a scope ends, before the watched object is destroyed (declare
/// it after that object).
class unwatch_on_exit {
 public:
  explicit unwatch_on_exit(request_watchdog& watchdog) noexcept : watchdog_(watchdog) {}
  unwatch_on_exit(const unwatch_on_exit&) = delete;
  unwatch_on_exit& operator=(const unwatch_on_exit&) = delete;
  ~unwatch_on_exit() { watchdog_.unwatch(); }

 private:
  request_watchdog& watchdog_;
};

}  // namespace seedance::http::detail

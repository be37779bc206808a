// seedance/testing/detail/sim_engine.hpp - the simulator's task store and lifecycle state machine.
//
// Pure: no I/O, no clock reads. Time comes in as arguments, so unit tests step it by hand. Per-task state is
// kept small (a few short strings and numbers) so that tens of thousands of tasks fit in a few MiB.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/testing/simulator_options.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seedance::testing::detail {

using sim_clock = std::chrono::steady_clock;
using sim_time = sim_clock::time_point;

/// Lifecycle states, named after Ark's; each provider renders them with its own words.
enum class sim_state : std::uint8_t { queued, running, succeeded, failed, cancelled, expired };

/// True for states a task never leaves.
constexpr bool is_terminal(sim_state s) noexcept { return s != sim_state::queued && s != sim_state::running; }

/// Ark's word for a state ("queued", "running", ...).
constexpr std::string_view to_string(sim_state s) noexcept {
  switch (s) {
    case sim_state::queued:
      return "queued";
    case sim_state::running:
      return "running";
    case sim_state::succeeded:
      return "succeeded";
    case sim_state::failed:
      return "failed";
    case sim_state::cancelled:
      return "cancelled";
    case sim_state::expired:
      return "expired";
  }
  return "?";
}

/// Why a failed task failed.
enum class sim_failure : std::uint8_t { none, moderation, server, invalid_parameter, timeout };

/// Output resolution tiers the providers share.
enum class sim_resolution : std::uint8_t { p480, p720, p1080, p4k };

/// The resolution's wire name ("480p", ...).
constexpr std::string_view to_string(sim_resolution r) noexcept {
  switch (r) {
    case sim_resolution::p480:
      return "480p";
    case sim_resolution::p720:
      return "720p";
    case sim_resolution::p1080:
      return "1080p";
    case sim_resolution::p4k:
      return "4k";
  }
  return "720p";
}

/// One simulated task. Kept small on purpose: no request body, no media, only what responses echo.
struct sim_task {
  std::string id;
  std::string model;         ///< as the client sent it
  std::string callback_url;  ///< empty: no webhook
  std::string file_token;    ///< output file token, set on success
  std::string prompt;        ///< only for providers that echo it (seedance2.ink)
  std::string ratio = "16:9";
  sim_time created{};
  sim_time started{};   ///< valid once running
  sim_time finished{};  ///< valid once terminal
  sim_clock::duration queue_for{};
  sim_clock::duration run_for{};
  std::int64_t created_unix_ms = 0;
  std::int64_t seed = 0;
  double credits = 0;  ///< charged at create; refunded when the task does not succeed
  std::int32_t execution_expires_after = 172800;
  std::uint32_t account = 0;
  std::int16_t duration = 5;  ///< output seconds
  provider_id provider = provider_id::kinovi;
  sim_state state = sim_state::queued;
  outcome result = outcome::success;
  sim_failure failure = sim_failure::none;
  sim_resolution resolution = sim_resolution::p720;
  bool generate_audio = true;
  bool legacy = false;  ///< Kinovi legacy (v1) schema: legacy output items
  bool return_last_frame = false;
  bool flex = false;                ///< Ark service_tier "flex"
  bool empty_results_once = false;  ///< aihubmax race: the first completed read has no results
  bool deleted = false;             ///< Ark: DELETE on a finished task removed the record
};

/// A state change, for webhooks.
struct sim_transition {
  std::uint32_t task = 0;
  sim_state from = sim_state::queued;
  sim_state to = sim_state::queued;
  sim_time at{};
};

/// The tasks of all providers and accounts, and the events that move them through their lifecycle.
/// Thread-compatible (the simulator guards it with a mutex).
class sim_engine {
 public:
  /// `queue_limits[p]` > 0: provider p runs at most that many tasks per account at once and keeps the
  /// others queued (Ark). 0: no queueing limit (creates are refused earlier, by the caller).
  explicit sim_engine(std::array<std::uint32_t, 4> queue_limits = {}) : queue_limits_(queue_limits) {}

  /// Adds an account with `balance[p]` credits per provider; returns its index.
  std::uint32_t add_account(std::array<double, 4> balance) {
    accounts_.push_back(account{balance, {}, {}, {}});
    return static_cast<std::uint32_t>(accounts_.size() - 1);
  }

  /// Balance of account `a` at provider `p`.
  double balance(std::uint32_t a, provider_id p) const { return accounts_.at(a).balance[index(p)]; }

  /// Tasks of provider `p` in flight (queued or running) for account `a`.
  std::uint32_t in_flight(std::uint32_t a, provider_id p) const { return accounts_.at(a).in_flight[index(p)]; }

  /// Most tasks of provider `p` ever in flight (queued or running) at once, all accounts together.
  std::uint32_t max_in_flight(provider_id p) const { return max_in_flight_[index(p)]; }
  /// Most tasks of provider `p` ever running at once, all accounts together.
  std::uint32_t max_running(provider_id p) const { return max_running_[index(p)]; }
  /// Tasks of provider `p` running now.
  std::uint32_t running(provider_id p) const { return running_total_[index(p)]; }

  /// Stores a new task (state queued), charges `t.credits` to its account and schedules its lifecycle from
  /// `now`. The id must be unique (see find()). Returns the task's index.
  std::uint32_t add(sim_task t, sim_time now) {
    t.state = sim_state::queued;
    t.created = now;
    const auto idx = static_cast<std::uint32_t>(tasks_.size());
    tasks_.push_back(std::move(t));
    sim_task& task = tasks_.back();
    by_id_.emplace(std::string_view(task.id), idx);
    account& acc = accounts_.at(task.account);
    const auto p = index(task.provider);
    acc.balance[p] -= task.credits;
    ++acc.in_flight[p];
    ++in_flight_total_[p];
    max_in_flight_[p] = std::max(max_in_flight_[p], in_flight_total_[p]);
    if (task.result == outcome::expiry && task.provider == provider_id::ark)
      push(now + task.queue_for + task.run_for, idx, event_kind::expire);
    else
      push(now + task.queue_for, idx, event_kind::ready);
    return idx;
  }

  /// Index of the task with this id (deleted ones included), or nullopt.
  std::optional<std::uint32_t> find(std::string_view id) const {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
  }

  /// The task at index `idx`. Throws std::out_of_range for a bad index.
  sim_task& task(std::uint32_t idx) { return tasks_.at(idx); }
  /// The task at index `idx`. Throws std::out_of_range for a bad index.
  const sim_task& task(std::uint32_t idx) const { return tasks_.at(idx); }
  /// Tasks stored (deleted ones included).
  std::size_t size() const noexcept { return tasks_.size(); }

  /// When the next scheduled change happens, or nullopt when nothing is scheduled.
  std::optional<sim_time> next_event() {
    drop_stale_events();
    if (events_.empty()) return std::nullopt;
    return events_.top().at;
  }

  /// Applies every change due at or before `now`, in time order; appends them to `out`.
  void advance(sim_time now, std::vector<sim_transition>& out) {
    for (;;) {
      drop_stale_events();
      if (events_.empty() || events_.top().at > now) return;
      const event e = events_.top();
      events_.pop();
      sim_task& t = tasks_[e.task];
      switch (e.kind) {
        case event_kind::ready:
          if (t.state == sim_state::queued) on_ready(e.task, e.at, out);
          break;
        case event_kind::finish:
          if (t.state == sim_state::running) {
            finish(e.task, t.result == outcome::success ? sim_state::succeeded : sim_state::failed, e.at, out);
          }
          break;
        case event_kind::expire:
          if (t.state == sim_state::queued) finish(e.task, sim_state::expired, e.at, out);
          break;
      }
    }
  }

  /// Cancels a queued or running task at `now` (refunding it); appends the change to `out`. Returns false
  /// (and changes nothing) when the task is already terminal.
  bool cancel(std::uint32_t idx, sim_time now, std::vector<sim_transition>& out) {
    if (is_terminal(tasks_.at(idx).state)) return false;
    finish(idx, sim_state::cancelled, now, out);
    return true;
  }

  /// Marks a terminal task deleted (Ark DELETE): find() still knows it, responses treat it as gone.
  void erase(std::uint32_t idx) { tasks_.at(idx).deleted = true; }

  /// Progress 0..100 of a task at `now` (aihubmax): 0 queued, rising while running, 100 succeeded.
  int progress(std::uint32_t idx, sim_time now) const {
    const sim_task& t = tasks_.at(idx);
    switch (t.state) {
      case sim_state::queued:
        return 0;
      case sim_state::succeeded:
        return 100;
      case sim_state::running:
        return running_progress(t, now);
      default:
        return running_progress(t, t.finished);
    }
  }

  /// Progress of the running phase at `at`: 1..99 in proportion to the elapsed part of run_for.
  static int running_progress(const sim_task& t, sim_time at) {
    if (t.started == sim_time{} || at < t.started) return 0;
    if (t.run_for <= sim_clock::duration::zero()) return 99;
    const double part =
        std::chrono::duration<double>(at - t.started).count() / std::chrono::duration<double>(t.run_for).count();
    return std::clamp(static_cast<int>(part * 100.0), 1, 99);
  }

 private:
  enum class event_kind : std::uint8_t { ready, finish, expire };
  struct event {
    sim_time at;
    std::uint64_t sequence;
    std::uint32_t task;
    event_kind kind;
  };
  struct later {
    bool operator()(const event& a, const event& b) const noexcept {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };
  struct account {
    std::array<double, 4> balance;
    std::array<std::uint32_t, 4> in_flight;
    std::array<std::uint32_t, 4> running;
    std::array<std::deque<std::uint32_t>, 4> waiting;  ///< ready but over the queue limit, FIFO
  };

  static std::size_t index(provider_id p) noexcept { return static_cast<std::size_t>(p); }

  void push(sim_time at, std::uint32_t task, event_kind kind) { events_.push(event{at, ++sequence_, task, kind}); }

  // Events of tasks that were cancelled meanwhile stay in the heap; skip them lazily.
  void drop_stale_events() {
    while (!events_.empty()) {
      const event& e = events_.top();
      const sim_state s = tasks_[e.task].state;
      const bool live = (e.kind == event_kind::finish) ? s == sim_state::running : s == sim_state::queued;
      if (live) return;
      events_.pop();
    }
  }

  void on_ready(std::uint32_t idx, sim_time at, std::vector<sim_transition>& out) {
    sim_task& t = tasks_[idx];
    const auto p = index(t.provider);
    account& acc = accounts_[t.account];
    if (queue_limits_[p] != 0 && acc.running[p] >= queue_limits_[p]) {
      acc.waiting[p].push_back(idx);
      return;
    }
    start(idx, at, out);
  }

  void start(std::uint32_t idx, sim_time at, std::vector<sim_transition>& out) {
    sim_task& t = tasks_[idx];
    const auto p = index(t.provider);
    t.state = sim_state::running;
    t.started = at;
    ++accounts_[t.account].running[p];
    ++running_total_[p];
    max_running_[p] = std::max(max_running_[p], running_total_[p]);
    out.push_back(sim_transition{idx, sim_state::queued, sim_state::running, at});
    if (t.result != outcome::stall) push(at + t.run_for, idx, event_kind::finish);
  }

  void finish(std::uint32_t idx, sim_state to, sim_time at, std::vector<sim_transition>& out) {
    sim_task& t = tasks_[idx];
    const auto p = index(t.provider);
    account& acc = accounts_[t.account];
    const sim_state from = t.state;
    t.state = to;
    t.finished = at;
    if (to != sim_state::succeeded) acc.balance[p] += t.credits;
    --acc.in_flight[p];
    --in_flight_total_[p];
    out.push_back(sim_transition{idx, from, to, at});
    if (from == sim_state::running) {
      --acc.running[p];
      --running_total_[p];
      // A slot freed: the oldest waiting task of this account starts now.
      while (!acc.waiting[p].empty() && (queue_limits_[p] == 0 || acc.running[p] < queue_limits_[p])) {
        const auto next = acc.waiting[p].front();
        acc.waiting[p].pop_front();
        if (tasks_[next].state == sim_state::queued) start(next, at, out);
      }
    }
  }

  std::array<std::uint32_t, 4> queue_limits_{};
  std::deque<sim_task> tasks_;  // deque: stable addresses, so by_id_ can key on views of task ids
  std::unordered_map<std::string_view, std::uint32_t> by_id_;
  std::vector<account> accounts_;
  std::priority_queue<event, std::vector<event>, later> events_;
  std::uint64_t sequence_ = 0;
  std::array<std::uint32_t, 4> in_flight_total_{};
  std::array<std::uint32_t, 4> running_total_{};
  std::array<std::uint32_t, 4> max_in_flight_{};
  std::array<std::uint32_t, 4> max_running_{};
};

}  // namespace seedance::testing::detail

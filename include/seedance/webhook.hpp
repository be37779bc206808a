// seedance/webhook.hpp - receive provider callbacks and wake the matching wait().
//
// No provider signs its callbacks, so a callback is only a hint: wait() re-fetches the task by id before
// it reports anything. The listener parses, deduplicates (providers deliver more than once and out of
// order) and wakes subscribers; it never decides a task's outcome by itself.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/http/parser.hpp>
#include <seedance/http/serializer.hpp>
#include <seedance/task.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace seedance {

/// Listener tuning.
struct webhook_options {
  std::string path = "/";                          ///< only POSTs to this path are accepted
  std::size_t max_body_bytes = 1024 * 1024;        ///< larger bodies are refused (413)
  std::size_t remembered_notifications = 100'000;  ///< dedup memory (oldest forgotten first)
  std::chrono::milliseconds read_timeout{10'000};  ///< a client that stalls is dropped
};

/// Counters for observability and tests.
struct webhook_stats {
  std::uint64_t received = 0;    ///< POST bodies received
  std::uint64_t accepted = 0;    ///< parsed and new
  std::uint64_t duplicates = 0;  ///< parsed, already seen
  std::uint64_t rejected = 0;    ///< unparseable, wrong path or method, too large
};

/// An HTTP endpoint that receives provider callbacks (plain HTTP: put it behind your TLS terminator, or
/// feed bodies received by your own server to `deliver()`). Not thread-safe: use it and the clients that
/// wait on it from one strand.
class webhook_listener {
 public:
  /// Turns a callback body into a task snapshot; throws seedance::error(bad_response) for garbage.
  /// Usually a provider's `decode_webhook`, e.g. `&seedance::kinovi::decode_webhook`.
  using decoder = std::function<task(std::string_view body)>;

  /// Creates a listener; nothing is bound until `start()`.
  webhook_listener(asio::any_io_executor executor, decoder decode, webhook_options options = {})
      : executor_(std::move(executor)),
        decode_(std::move(decode)),
        options_(std::move(options)),
        acceptor_(executor_) {}

  webhook_listener(const webhook_listener&) = delete;
  webhook_listener& operator=(const webhook_listener&) = delete;
  ~webhook_listener() { stop(); }

  /// Binds `endpoint` (port 0: the OS picks) and starts accepting. Throws std::system_error when the
  /// address cannot be bound.
  // Deferred: a template only so that a translation unit that never calls it does not compile it (GCC 12 emits
  // every inline coroutine it parses, with the Asio operations it awaits).
  template <class Deferred = void>
  void start(const asio::ip::tcp::endpoint& endpoint) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    asio::co_spawn(executor_, accept_loop<Deferred>(alive_), asio::detached);
  }

  /// Stops accepting; open connections finish their current request. Idempotent.
  void stop() noexcept {
    std::error_code ignored;
    acceptor_.close(ignored);
    *alive_ = false;
  }

  /// The bound endpoint.
  asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  /// The URL to hand to a provider as callback URL, e.g. "http://127.0.0.1:40123/hooks".
  std::string url() const {
    const auto ep = local_endpoint();
    const auto host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    return "http://" + host + ":" + std::to_string(ep.port()) + options_.path;
  }

  /// Called for every new (non-duplicate) notification, after subscribers were woken.
  void on_notification(std::function<void(const task&)> callback) { on_notification_ = std::move(callback); }

  /// Parses one callback body, deduplicates it and wakes the task's subscribers. Returns the task when the
  /// notification is new, nullopt for a duplicate. Throws seedance::error(bad_response) for garbage.
  std::optional<task> deliver(std::string_view body) {
    task t = decode_(body);
    if (t.id.empty()) throw error(errc::bad_response, "webhook: callback names no task id");
    const auto key = std::make_tuple(t.id, t.state, t.progress.value_or(-1), t.provider_state);
    if (!seen_.insert(key).second) {
      ++stats_.duplicates;
      return std::nullopt;
    }
    seen_order_.push_back(key);
    while (seen_order_.size() > options_.remembered_notifications) {
      seen_.erase(seen_order_.front());
      seen_order_.pop_front();
    }
    ++stats_.accepted;
    const auto [entry, first_of_task] = notified_.try_emplace(t.id, 0);
    ++entry->second;
    if (first_of_task) notified_order_.push_back(t.id);
    while (notified_order_.size() > options_.remembered_notifications) {  // forget the oldest task first
      notified_.erase(notified_order_.front());
      notified_order_.pop_front();
    }
    // find(), not operator[]: an entry made for every task nobody waits on would never be erased.
    if (const auto it = subscribers_.find(t.id); it != subscribers_.end())
      for (auto* s : it->second) s->wake();
    if (on_notification_) on_notification_(t);
    return t;
  }

  /// A registration for one task's callbacks; wait_for() returns early when one arrives.
  class subscription {
   public:
    subscription(webhook_listener& owner, std::string task_id)
        : owner_(&owner), task_id_(std::move(task_id)), timer_(owner.executor_) {
      owner_->subscribers_[task_id_].insert(this);
      // A callback may have arrived before the subscription (fast providers): count it.
      if (auto it = owner_->notified_.find(task_id_); it != owner_->notified_.end()) pending_ = it->second;
    }
    subscription(const subscription&) = delete;
    subscription& operator=(const subscription&) = delete;
    ~subscription() {
      auto it = owner_->subscribers_.find(task_id_);
      if (it != owner_->subscribers_.end()) {
        it->second.erase(this);
        if (it->second.empty()) owner_->subscribers_.erase(it);
      }
    }

    /// Waits until a callback for the task arrives or `timeout` passes. Returns true when woken by a
    /// callback. Cancellation: throws system_error(operation_aborted).
    template <class Deferred = void>
    asio::awaitable<bool> wait_for(std::chrono::milliseconds timeout) {
      if (pending_ > 0) {
        pending_ = 0;
        co_return true;
      }
      timer_.expires_after(timeout);
      woken_ = false;
      try {
        co_await timer_.async_wait(asio::use_awaitable);
      } catch (const std::system_error&) {
        if (!woken_) throw;  // cancelled by the caller, not by a callback
      }
      const bool notified = pending_ > 0;
      pending_ = 0;
      co_return notified;
    }

   private:
    friend class webhook_listener;
    void wake() {
      ++pending_;
      woken_ = true;
      timer_.cancel();
    }
    webhook_listener* owner_;
    std::string task_id_;
    asio::steady_timer timer_;
    std::size_t pending_ = 0;
    bool woken_ = false;
  };

  /// Registers interest in `task_id`. Keep the subscription alive while waiting.
  subscription subscribe(std::string task_id) { return subscription(*this, std::move(task_id)); }

  /// Counters.
  const webhook_stats& stats() const noexcept { return stats_; }

 private:
  template <class Deferred = void>
  asio::awaitable<void> accept_loop(std::shared_ptr<bool> alive) {
    while (*alive) {
      asio::ip::tcp::socket socket(executor_);
      try {
        co_await acceptor_.async_accept(socket, asio::use_awaitable);
      } catch (const std::system_error&) {
        co_return;  // closed
      }
      asio::co_spawn(executor_, serve(std::move(socket), alive), asio::detached);
    }
  }

  template <class Deferred = void>
  asio::awaitable<void> serve(asio::ip::tcp::socket socket, std::shared_ptr<bool> alive) {
    http::parser_limits limits;
    limits.max_body_bytes = options_.max_body_bytes;
    limits.max_header_bytes = 16 * 1024;
    http::request_parser parser(limits);
    std::string buffer;
    std::array<char, 8192> chunk{};
    asio::steady_timer guard(executor_, options_.read_timeout);
    guard.async_wait([&socket](const std::error_code& ec) {
      if (!ec) socket.close();
    });
    try {
      while (*alive) {
        std::size_t n = co_await socket.async_read_some(asio::buffer(chunk), asio::use_awaitable);
        buffer.append(chunk.data(), n);
        std::error_code ec;
        const auto used = parser.put(buffer, ec);
        buffer.erase(0, used);
        http::response resp;
        if (ec) {
          ++stats_.rejected;
          resp.status = ec == http::parse_error::body_too_large ? 413 : 400;
        } else if (!parser.done()) {
          continue;
        } else {
          resp = handle(parser.get());
        }
        resp.headers.set("Content-Type", "application/json");
        resp.headers.set("Connection", "close");
        if (resp.body.empty()) resp.body = resp.status == 200 ? "{\"ok\":true}" : "{\"ok\":false}";
        if (resp.reason.empty()) resp.reason = resp.status == 200 ? "OK" : "Error";
        const std::string wire = http::serialize(resp);
        co_await asio::async_write(socket, asio::buffer(wire), asio::use_awaitable);
        break;
      }
    } catch (const std::exception&) {
      // Peer went away or timed out: nothing to report.
    }
    guard.cancel();
    std::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  http::response handle(const http::request& req) {
    http::response resp;
    ++stats_.received;
    const std::string_view target = req.target;
    const auto path = target.substr(0, target.find('?'));
    if (req.method != http::method::post || path != options_.path) {
      ++stats_.rejected;
      resp.status = 404;
      return resp;
    }
    try {
      deliver(req.body);
      resp.status = 200;
    } catch (const std::exception&) {
      ++stats_.rejected;
      resp.status = 400;
    }
    return resp;
  }

  using dedup_key = std::tuple<std::string, task_state, int, std::string>;

  asio::any_io_executor executor_;
  decoder decode_;
  webhook_options options_;
  asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::function<void(const task&)> on_notification_{};
  std::set<dedup_key> seen_;
  std::deque<dedup_key> seen_order_;
  std::map<std::string, std::size_t> notified_;  // callbacks per task, for subscriptions made after them
  std::deque<std::string> notified_order_;       // the tasks of notified_, oldest first
  std::map<std::string, std::set<subscription*>> subscribers_;
  webhook_stats stats_;
};

}  // namespace seedance

// seedance/http/detail/connection_pool.hpp - keep-alive connections per origin with a per-origin cap.
//
// An origin ("host:port") owns idle connections (most recently used first) and a count of connections in
// use or being opened. At the cap, requests queue; a connection given back goes straight to the oldest
// waiter (or, when it cannot be reused, the right to open a new one does), so waiting never spins.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <seedance/http/detail/transport_watchdog.hpp>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace seedance::http::detail {

/// One TLS connection to an origin.
struct pooled_connection {
  pooled_connection(const asio::any_io_executor& executor, asio::ssl::context& context) : stream(executor, context) {}

  asio::ssl::stream<asio::ip::tcp::socket> stream;
  std::chrono::steady_clock::time_point idle_since{};
  std::uint64_t requests = 0;  ///< requests sent on this connection

  asio::ip::tcp::socket& socket() noexcept { return stream.next_layer(); }

  /// Size of read_buffer(): one TLS record's plaintext, the most a read on the TLS stream returns.
  static constexpr std::size_t read_buffer_size = 16 * 1024;

  /// The connection's read buffer, allocated on first use and kept for the connection's life, so a request
  /// on a pooled connection allocates (and zeroes) no buffer. Throws std::bad_alloc.
  char* read_buffer() {
    if (!read_buffer_) read_buffer_ = std::make_unique_for_overwrite<char[]>(read_buffer_size);
    return read_buffer_.get();
  }

  /// True when the connection looks usable: open, nothing buffered by TLS, and the peer neither closed it
  /// nor sent anything unasked (a close_notify, or stray bytes). Checked with a non-blocking peek.
  bool looks_alive() noexcept {
    auto& s = socket();
    if (!s.is_open() || SSL_pending(stream.native_handle()) > 0) return false;
#if defined(MSG_DONTWAIT) && defined(MSG_PEEK)
    // One non-blocking peek: no switching of the socket's blocking mode (two more system calls per request).
    char peeked = 0;
    const auto got = ::recv(s.native_handle(), &peeked, 1, MSG_PEEK | MSG_DONTWAIT);
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
#else
    std::error_code ec;
    s.non_blocking(true, ec);
    if (ec) return false;
    char byte = 0;
    const auto received = s.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
    std::error_code ignored;
    s.non_blocking(false, ignored);
    (void)received;
    return ec == asio::error::would_block || ec == asio::error::try_again;
#endif
  }

  /// Closes the socket at once (no TLS close_notify: the connection is being dropped). Never throws.
  void close() noexcept {
    std::error_code ignored;
    socket().close(ignored);
  }

 private:
  std::unique_ptr<char[]> read_buffer_{};
};

class connection_pool;

/// The right to use one connection slot of an origin, with the connection when it is an existing one.
/// Dropping a lease closes its connection and frees the slot; give_back() pools a reusable connection.
class connection_lease {
 public:
  connection_lease() = default;
  connection_lease(connection_pool* pool, std::string origin, std::unique_ptr<pooled_connection> connection,
                   bool reused) noexcept
      : pool_(pool), origin_(std::move(origin)), connection_(std::move(connection)), reused_(reused) {}
  connection_lease(connection_lease&& other) noexcept
      : pool_(std::exchange(other.pool_, nullptr)),
        origin_(std::move(other.origin_)),
        connection_(std::move(other.connection_)),
        reused_(other.reused_) {}
  connection_lease& operator=(connection_lease&& other) noexcept {
    if (this != &other) {
      release(false);
      pool_ = std::exchange(other.pool_, nullptr);
      origin_ = std::move(other.origin_);
      connection_ = std::move(other.connection_);
      reused_ = other.reused_;
    }
    return *this;
  }
  connection_lease(const connection_lease&) = delete;
  connection_lease& operator=(const connection_lease&) = delete;
  ~connection_lease() { release(false); }

  /// The connection, or null when the holder must open one (then set it with attach()).
  pooled_connection* connection() const noexcept { return connection_.get(); }
  /// True when the connection came from the pool (it may turn out stale).
  bool reused() const noexcept { return reused_; }
  /// Sets a newly opened connection.
  void attach(std::unique_ptr<pooled_connection> connection) noexcept {
    connection_ = std::move(connection);
    reused_ = false;
  }
  /// Closes the connection but keeps the slot, so a fresh connection can be attached.
  void drop_connection() noexcept {
    if (connection_) connection_->close();
    connection_.reset();
    reused_ = false;
  }
  /// Returns the slot; the connection is pooled when `reusable`, else closed.
  void give_back(bool reusable) noexcept { release(reusable); }

 private:
  void release(bool reusable) noexcept;

  connection_pool* pool_ = nullptr;
  std::string origin_;
  std::unique_ptr<pooled_connection> connection_;
  bool reused_ = false;
};

/// Keep-alive pool. Not thread-safe: use from one strand. Must outlive every lease it hands out.
class connection_pool {
 public:
  connection_pool(asio::any_io_executor executor, std::size_t max_per_origin, std::chrono::milliseconds idle_expiry)
      : executor_(std::move(executor)),
        max_per_origin_(max_per_origin == 0 ? 1 : max_per_origin),
        idle_expiry_(idle_expiry) {}

  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  /// A slot for `origin`: a live pooled connection when one is idle (stale or expired ones are closed on the
  /// way), else the right to open one. At the cap, waits (asynchronously, first come first served) until a slot is
  /// given back. Errors: system_error(operation_aborted) when cancelled or when the watchdog cancels the wait (the
  /// caller asks the watchdog which). Cancellation: per-operation cancellation of the wait is supported.
  // Deferred: a template only so that a translation unit that never calls it does not compile it (GCC 12 emits
  // every inline coroutine it parses, with the Asio operations it awaits).
  template <class Deferred = void>
  asio::awaitable<connection_lease> acquire(const std::string& origin, request_watchdog& watchdog) {
    auto& slot = origins_[origin];
    expire_idle(slot);
    while (!slot.idle.empty()) {
      auto connection = std::move(slot.idle.back());
      slot.idle.pop_back();
      if (connection->looks_alive()) {
        ++slot.in_use;
        co_return connection_lease(this, origin, std::move(connection), true);
      }
      connection->close();
    }
    if (slot.in_use < max_per_origin_) {
      ++slot.in_use;
      co_return connection_lease(this, origin, nullptr, false);
    }

    waiter self(executor_);
    slot.waiters.push_back(&self);
    queue_guard guard{this, origin, self};

    watchdog.watch(self.timer);
    std::error_code ec;
    co_await self.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    watchdog.unwatch();
    if (!self.granted) throw std::system_error(asio::error::operation_aborted);
    self.consumed = true;
    const bool reused = self.connection != nullptr;
    co_return connection_lease(this, origin, std::move(self.connection), reused);
  }

  /// Gives a slot back (see connection_lease). Never throws.
  void release(const std::string& origin, std::unique_ptr<pooled_connection> connection, bool reusable) noexcept {
    try {
      auto& slot = origins_[origin];
      if (!reusable && connection) {
        connection->close();
        connection.reset();
      }
      if (!slot.waiters.empty()) {
        waiter* next = slot.waiters.front();
        slot.waiters.pop_front();
        next->granted = true;
        next->connection = std::move(connection);  // null: the waiter opens a new connection in this slot
        next->timer.cancel();
        return;
      }
      if (slot.in_use > 0) --slot.in_use;
      if (connection) {
        connection->idle_since = std::chrono::steady_clock::now();
        slot.idle.push_back(std::move(connection));
      }
    } catch (...) {  // only bad_alloc from the map; the connection (if any) is closed by its destructor
    }
  }

  /// Closes every idle connection. Never throws.
  void close_idle() noexcept {
    for (auto& [origin, slot] : origins_) {
      for (auto& connection : slot.idle) connection->close();
      slot.idle.clear();
    }
  }

  /// Idle connections of `origin` (for tests and statistics).
  std::size_t idle_count(const std::string& origin) const {
    const auto found = origins_.find(origin);
    return found == origins_.end() ? 0 : found->second.idle.size();
  }

 private:
  struct waiter {
    explicit waiter(const asio::any_io_executor& executor) : timer(executor, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    bool granted = false;
    bool consumed = false;
    std::unique_ptr<pooled_connection> connection;
  };

  // Leaves the queue (or passes a granted slot on) however the wait in acquire() ends. A class of its own rather
  // than a local one: GCC 12 cannot mangle a class local to a coroutine when the header is precompiled.
  struct queue_guard {
    connection_pool* pool;
    const std::string& origin;
    waiter& self;
    ~queue_guard() {
      if (!self.granted) {
        auto& waiters = pool->origins_[origin].waiters;
        std::erase(waiters, &self);
      } else if (!self.consumed) {
        // Granted but the request ended (cancelled) before using it: pass the slot on.
        pool->release(origin, std::move(self.connection), self.connection != nullptr);
      }
    }
  };

  struct origin_slot {
    std::vector<std::unique_ptr<pooled_connection>> idle;  // oldest first
    std::size_t in_use = 0;                                // leased, including connections being opened
    std::deque<waiter*> waiters;
  };

  void expire_idle(origin_slot& slot) {
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(slot.idle, [&](const std::unique_ptr<pooled_connection>& connection) {
      if (now - connection->idle_since < idle_expiry_) return false;
      connection->close();
      return true;
    });
  }

  asio::any_io_executor executor_;
  std::size_t max_per_origin_;
  std::chrono::milliseconds idle_expiry_;
  std::unordered_map<std::string, origin_slot> origins_;
};

inline void connection_lease::release(bool reusable) noexcept {
  if (pool_ == nullptr) return;
  auto* pool = std::exchange(pool_, nullptr);
  const bool pool_it = reusable && connection_ != nullptr;
  pool->release(origin_, std::move(connection_), pool_it);
}

}  // namespace seedance::http::detail

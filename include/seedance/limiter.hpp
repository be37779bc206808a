// seedance/limiter.hpp - an asynchronous counting semaphore: at most N tasks in flight, the rest wait
// without polling, first come first served. The limit can be lowered at run time (learned from a
// provider's 429 answer) and raised again. A slot holder whose create the provider refused for too many tasks
// in progress can hold its slot until another slot is given back (hold()).
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <system_error>

namespace seedance {

/// Counting semaphore for coroutines. Not thread-safe: use it from one strand (the client's executor).
class concurrency_limiter {
 public:
  /// `limit` 0 means unlimited.
  concurrency_limiter(asio::any_io_executor executor, std::size_t limit)
      : executor_(std::move(executor)), limit_(limit) {}
  concurrency_limiter(const concurrency_limiter&) = delete;
  concurrency_limiter& operator=(const concurrency_limiter&) = delete;

  /// Waits until a slot is free and takes it. Waiters are served in arrival order.
  /// Cancellation: a cancelled wait leaves the queue and throws system_error(operation_aborted); no slot is
  /// taken.
  // Deferred: a template only so that a translation unit that never calls it does not compile it (GCC 12 emits
  // every inline coroutine it parses, with the Asio operations it awaits).
  template <class Deferred = void>
  asio::awaitable<void> acquire() {
    if (waiters_.empty() && has_room()) {
      ++in_use_;
      co_return;
    }
    auto node = waiters_.emplace(waiters_.end(), executor_);
    node->timer.expires_at(asio::steady_timer::time_point::max());
    try {
      co_await node->timer.async_wait(asio::use_awaitable);
    } catch (const std::system_error&) {
      // Woken by release()/set_limit() (granted) or by cancellation (not granted): decided below.
    }
    const bool granted = node->granted;
    waiters_.erase(node);
    if (!granted) throw std::system_error(asio::error::operation_aborted);
    // The slot was counted for us by release()/set_limit().
  }

  /// Takes a slot if one is free right now and nobody is queued.
  bool try_acquire() noexcept {
    if (!waiters_.empty() || !has_room()) return false;
    ++in_use_;
    return true;
  }

  /// Returns a slot: wakes the longest holder (see hold()) and, if there is room, the next waiter.
  void release() noexcept {
    if (in_use_ > 0) --in_use_;
    for (auto& h : holders_) {
      if (h.granted) continue;
      h.granted = true;
      h.timer.cancel();
      break;
    }
    wake();
  }

  /// Waits, keeping the caller's slot, until another slot is returned (release()) or `timeout` passes. Returns
  /// true when a release woke it, false when the timeout passed. Each release wakes one holder, the longest
  /// waiting first. For a create the provider refused because too many tasks are in progress: the next try is
  /// worth making when one of this limiter's tasks has ended, or after a backoff.
  /// Cancellation: leaves the holders and throws system_error(operation_aborted); the slot stays taken.
  // Deferred: see acquire().
  template <class Deferred = void>
  asio::awaitable<bool> hold(std::chrono::steady_clock::duration timeout) {
    auto node = holders_.emplace(holders_.end(), executor_);
    node->timer.expires_after(timeout);
    bool aborted = false;
    try {
      co_await node->timer.async_wait(asio::use_awaitable);
    } catch (const std::system_error&) {
      aborted = true;  // woken by release() (granted) or cancelled (not granted): decided below
    }
    const bool woken = node->granted;
    holders_.erase(node);
    if (aborted && !woken) throw std::system_error(asio::error::operation_aborted);
    co_return woken;
  }

  /// Changes the limit (0 = unlimited). Lowering never revokes slots already taken; raising wakes waiters.
  void set_limit(std::size_t limit) noexcept {
    limit_ = limit;
    wake();
  }

  std::size_t limit() const noexcept { return limit_; }
  std::size_t in_use() const noexcept { return in_use_; }
  /// Waiters still queued (not yet granted).
  std::size_t waiting() const noexcept {
    std::size_t n = 0;
    for (const auto& w : waiters_) n += w.granted ? 0 : 1;
    return n;
  }
  /// Slot holders in hold(), not yet woken.
  std::size_t holding() const noexcept {
    std::size_t n = 0;
    for (const auto& h : holders_) n += h.granted ? 0 : 1;
    return n;
  }

 private:
  struct waiter {
    explicit waiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool granted = false;
  };

  bool has_room() const noexcept { return limit_ == 0 || in_use_ < limit_; }

  void wake() noexcept {
    for (auto& w : waiters_) {
      if (!has_room()) break;
      if (w.granted) continue;
      w.granted = true;
      ++in_use_;
      w.timer.cancel();
    }
  }

  asio::any_io_executor executor_;
  std::size_t limit_;
  std::size_t in_use_ = 0;
  std::list<waiter> waiters_;
  std::list<waiter> holders_;
};

}  // namespace seedance

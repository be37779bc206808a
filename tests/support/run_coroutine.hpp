// support/run_coroutine.hpp - drive an io_context from a test until a coroutine is done.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

namespace seedance::test_support {

/// Runs handlers of `io` until `done()` (restarting it when it runs out of work between steps).
template <class Pred>
void pump(asio::io_context& io, Pred done) {
  while (!done()) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(50));
  }
}

/// Runs `a` on `io` until it completes (pooled connections keep io busy, so run() alone would not return);
/// rethrows what it threw. Completed on this thread, not through asio::use_future's system-executor thread,
/// which TSan cannot follow.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  std::exception_ptr failure;
  std::optional<T> result;
  bool done = false;
  asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
    done = true;
  });
  pump(io, [&] { return done; });
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace seedance::test_support

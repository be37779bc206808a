// concurrency_limiter: slots in arrival order, a lowered limit, and hold(): a slot holder refused with 429 that
// waits for another slot to come back (or a timeout) without giving up its own.
#include <seedance/limiter.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using seedance::concurrency_limiter;

TEST(Limiter, WaitersAreServedInArrivalOrderAndALoweredLimitHoldsThemBack) {
  asio::io_context io;
  concurrency_limiter limiter(io.get_executor(), 2);
  std::vector<int> order;
  for (int i = 0; i < 4; ++i)
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          co_await limiter.acquire();
          order.push_back(i);
        },
        asio::detached);
  io.run_for(20ms);
  EXPECT_EQ(order, (std::vector<int>{0, 1}));
  EXPECT_EQ(limiter.in_use(), 2u);
  EXPECT_EQ(limiter.waiting(), 2u);
  limiter.set_limit(1);  // lowering revokes nothing
  limiter.release();     // 1 in use, limit 1: still no room
  io.restart();
  io.run_for(20ms);
  EXPECT_EQ(order.size(), 2u);
  limiter.release();  // 0 in use: the next in line goes
  io.restart();
  io.run_for(20ms);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  limiter.set_limit(0);  // unlimited: everyone goes
  io.restart();
  io.run_for(20ms);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(limiter.waiting(), 0u);
}

TEST(Limiter, HoldIsWokenByAReleaseKeepingItsSlotLongestHolderFirst) {
  asio::io_context io;
  concurrency_limiter limiter(io.get_executor(), 3);
  std::vector<std::string> events;
  // Slot 1 is a task in flight; slots 2 and 3 are creates refused with 429 that hold.
  ASSERT_TRUE(limiter.try_acquire());
  ASSERT_TRUE(limiter.try_acquire());
  ASSERT_TRUE(limiter.try_acquire());
  limiter.set_limit(1);  // what was in flight when the 429 came
  for (const char* name : {"first", "second"})
    asio::co_spawn(
        io,
        [&, name]() -> asio::awaitable<void> {
          const bool woken = co_await limiter.hold(1h);
          events.push_back(std::string(name) + (woken ? " woken" : " timed out"));
        },
        asio::detached);
  io.run_for(20ms);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(limiter.holding(), 2u);
  limiter.release();  // the task ended: one holder tries again, the longest first
  io.restart();
  io.run_for(20ms);
  EXPECT_EQ(events, (std::vector<std::string>{"first woken"}));
  EXPECT_EQ(limiter.in_use(), 2u);  // the holders kept their slots
  EXPECT_EQ(limiter.holding(), 1u);
  limiter.release();
  io.restart();
  io.run_for(20ms);
  EXPECT_EQ(events, (std::vector<std::string>{"first woken", "second woken"}));
  EXPECT_EQ(limiter.holding(), 0u);
}

TEST(Limiter, HoldTimesOutWithoutARelease) {
  asio::io_context io;
  concurrency_limiter limiter(io.get_executor(), 1);
  ASSERT_TRUE(limiter.try_acquire());
  std::optional<bool> woken;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { woken = co_await limiter.hold(1ms); }, asio::detached);
  io.run();
  ASSERT_TRUE(woken.has_value());
  EXPECT_FALSE(*woken);
  EXPECT_EQ(limiter.in_use(), 1u);
  EXPECT_EQ(limiter.holding(), 0u);
}

TEST(Limiter, CancelledHoldThrowsOperationAbortedAndKeepsTheSlot) {
  asio::io_context io;
  concurrency_limiter limiter(io.get_executor(), 1);
  ASSERT_TRUE(limiter.try_acquire());
  asio::cancellation_signal cancel;
  std::exception_ptr ended;
  bool done = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { co_await limiter.hold(1h); },
      asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr ep) {
        ended = ep;
        done = true;
      }));
  io.run_for(10ms);
  EXPECT_FALSE(done);
  cancel.emit(asio::cancellation_type::terminal);
  io.restart();
  io.run_for(100ms);
  ASSERT_TRUE(done);
  ASSERT_TRUE(ended);
  try {
    std::rethrow_exception(ended);
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
  }
  EXPECT_EQ(limiter.holding(), 0u);
  EXPECT_EQ(limiter.in_use(), 1u);  // the caller still owns its slot and gives it back itself
  limiter.release();                // a release with nobody holding wakes nobody
  EXPECT_EQ(limiter.in_use(), 0u);
}

}  // namespace

// Unit tests of seedance::webhook_listener without sockets: deliver() parses, deduplicates and wakes the waits
// subscribed to a task; the dedup memory is bounded and forgets the oldest first; callbacks are hints and never
// decide anything by themselves.
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/webhook.hpp>

#include <gtest/gtest.h>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <malloc.h>

#include <chrono>
#include <cstddef>
#include <future>
#include <string>
#include <string_view>
#include <support/fixtures.hpp>
#include <vector>

namespace {

using namespace std::chrono_literals;
using seedance::errc;
using seedance::task_state;
using seedance::webhook_listener;
namespace fx = seedance::test_support;

/// An Ark callback body for task `id` in `status`.
std::string ark_callback(std::string_view id, std::string_view status) {
  return boost::json::serialize(boost::json::value{{"id", id}, {"status", status}});
}

webhook_listener ark_listener(asio::io_context& io, seedance::webhook_options o = {}) {
  return webhook_listener(
      io.get_executor(), [](std::string_view body) { return seedance::ark::decode_webhook(body); }, o);
}

/// Runs `a` on `io` until it completes.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  auto future = asio::co_spawn(io, std::move(a), asio::use_future);
  while (future.wait_for(0s) != std::future_status::ready) {
    io.restart();
    io.run_one_for(10ms);
  }
  return future.get();
}

TEST(WebhookListener, NewNotificationsAreReturnedAndDuplicatesAreNot) {
  asio::io_context io;
  auto listener = ark_listener(io);
  const auto first = listener.deliver(ark_callback("cgt-1", "running"));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, "cgt-1");
  EXPECT_EQ(first->state, task_state::running);
  EXPECT_FALSE(listener.deliver(ark_callback("cgt-1", "running")).has_value());
  // Another state of the same task is news, even when it arrives out of order: the listener never decides.
  EXPECT_TRUE(listener.deliver(ark_callback("cgt-1", "succeeded")).has_value());
  EXPECT_TRUE(listener.deliver(ark_callback("cgt-1", "queued")).has_value());
  EXPECT_EQ(listener.stats().accepted, 3u);
  EXPECT_EQ(listener.stats().duplicates, 1u);
}

TEST(WebhookListener, GarbageAndCallbacksWithoutATaskIdAreBadResponses) {
  asio::io_context io;
  auto listener = ark_listener(io);
  for (std::string body : {std::string(""), std::string("not json"), std::string("[]"), std::string("{}"),
                           std::string("{\"status\":\"running\"}"), std::string(100'000, '[')}) {
    try {
      (void)listener.deliver(body);
      ADD_FAILURE() << "accepted: " << body.substr(0, 40);
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), make_error_code(errc::bad_response)) << e.what();
    }
  }
  EXPECT_EQ(listener.stats().accepted, 0u);
  EXPECT_EQ(listener.stats().duplicates, 0u);
}

TEST(WebhookListener, EveryProvidersCallbacksAreRead) {
  struct sample {
    const char* fixture;
    webhook_listener::decoder decode;
  };
  const std::vector<sample> samples = {
      {"kinovi/webhook_enveloped_state_success.json",
       [](std::string_view b) { return seedance::kinovi::decode_webhook(b); }},
      {"kinovi/webhook_flat_status_fail_string_error.json",
       [](std::string_view b) { return seedance::kinovi::decode_webhook(b); }},
      {"aihubmax/webhook_completed.json", [](std::string_view b) { return seedance::aihubmax::decode_webhook(b); }},
      {"seedance2ink/webhook_succeeded.json",
       [](std::string_view b) { return seedance::seedance2ink::decode_webhook(b); }},
      {"ark/webhook_failed.json", [](std::string_view b) { return seedance::ark::decode_webhook(b); }},
  };
  asio::io_context io;
  for (const auto& s : samples) {
    webhook_listener listener(io.get_executor(), s.decode);
    const auto t = listener.deliver(fx::read_fixture(s.fixture));
    ASSERT_TRUE(t.has_value()) << s.fixture;
    EXPECT_FALSE(t->id.empty()) << s.fixture;
    EXPECT_TRUE(seedance::is_terminal(t->state)) << s.fixture;
  }
}

TEST(WebhookListener, DedupMemoryIsBoundedAndForgetsTheOldestFirst) {
  asio::io_context io;
  seedance::webhook_options o;
  o.remembered_notifications = 3;
  auto listener = ark_listener(io, o);
  for (const char* id : {"cgt-a", "cgt-b", "cgt-c", "cgt-d"})
    ASSERT_TRUE(listener.deliver(ark_callback(id, "running")).has_value());
  EXPECT_FALSE(listener.deliver(ark_callback("cgt-d", "running")).has_value());  // remembered
  EXPECT_FALSE(listener.deliver(ark_callback("cgt-b", "running")).has_value());  // remembered
  EXPECT_TRUE(listener.deliver(ark_callback("cgt-a", "running")).has_value());   // the oldest: forgotten
}

#if defined(__GLIBC__)
std::size_t heap_in_use() { return ::mallinfo2().uordblks; }
#else
std::size_t heap_in_use() { return 0; }
#endif

TEST(WebhookListener, MemoryStaysBoundedWhateverTheCallbacksName) {
  // Callbacks for tasks nobody waits on (most of them, in a service that polls some tasks and gets callbacks for
  // all) must not leave anything behind beyond the bounded dedup memory. (Under a sanitizer's allocator
  // mallinfo2() reports nothing and this checks nothing.)
  asio::io_context io;
  seedance::webhook_options o;
  o.remembered_notifications = 100;
  auto listener = ark_listener(io, o);
  auto waiting = listener.subscribe("cgt-waited-for");
  const auto deliver_many = [&](int from, int count) {
    for (int i = from; i < from + count; ++i)
      ASSERT_TRUE(listener.deliver(ark_callback("cgt-nobody-waits-" + std::to_string(i), "succeeded")).has_value());
  };
  deliver_many(0, 1000);  // warm-up: the dedup memory fills
  const std::size_t before = heap_in_use();
  deliver_many(1000, 100'000);
  const std::size_t after = heap_in_use();
  EXPECT_LT(after, before + (1u << 20)) << "grew by " << (after - before) << " bytes for 100000 callbacks";
  EXPECT_FALSE(run(io, waiting.wait_for(10ms)));
}

TEST(WebhookListener, ACallbackWakesTheWaitOfItsTaskOnly) {
  asio::io_context io;
  auto listener = ark_listener(io);
  auto mine = listener.subscribe("cgt-mine");
  auto other = listener.subscribe("cgt-other");
  std::vector<std::string> seen;
  listener.on_notification([&](const seedance::task& t) { seen.push_back(t.id); });
  // The wait starts first, then the callback arrives while it is parked.
  auto parked = asio::co_spawn(io, mine.wait_for(10s), asio::use_future);
  io.restart();
  io.poll();
  ASSERT_TRUE(listener.deliver(ark_callback("cgt-mine", "succeeded")).has_value());
  while (parked.wait_for(0s) != std::future_status::ready) {
    io.restart();
    io.run_one_for(10ms);
  }
  EXPECT_TRUE(parked.get());  // woken long before its 60 s
  EXPECT_FALSE(run(io, other.wait_for(20ms)));
  EXPECT_EQ(seen, std::vector<std::string>{"cgt-mine"});
}

TEST(WebhookListener, ACallbackBeforeTheSubscriptionIsNotLost) {
  asio::io_context io;
  auto listener = ark_listener(io);
  ASSERT_TRUE(listener.deliver(ark_callback("cgt-fast", "succeeded")).has_value());  // a fast provider answers first
  auto late = listener.subscribe("cgt-fast");
  EXPECT_TRUE(run(io, late.wait_for(10s)));
  EXPECT_FALSE(run(io, late.wait_for(20ms)));  // counted once
}

TEST(WebhookListener, AnEarlyCallbackIsRememberedWhileNewerOnesComeIn) {
  // The memory of which tasks already had a callback forgets the oldest task first, never a recent one: a wait
  // that subscribes right after its task's callback must find it, whatever the task ids sort like.
  asio::io_context io;
  seedance::webhook_options o;
  o.remembered_notifications = 3;
  auto listener = ark_listener(io, o);
  for (const char* id : {"cgt-z1", "cgt-z2", "cgt-z3"})
    ASSERT_TRUE(listener.deliver(ark_callback(id, "running")).has_value());
  ASSERT_TRUE(
      listener.deliver(ark_callback("cgt-a", "succeeded")).has_value());  // the newest, and the first in sort order
  auto sub = listener.subscribe("cgt-a");
  EXPECT_TRUE(run(io, sub.wait_for(10s)));  // woken at once; the bound only keeps a failure short
}

TEST(WebhookListener, SubscriptionsEndCleanly) {
  asio::io_context io;
  auto listener = ark_listener(io);
  {
    auto a = listener.subscribe("cgt-1");
    auto b = listener.subscribe("cgt-1");
  }
  EXPECT_TRUE(listener.deliver(ark_callback("cgt-1", "running")).has_value());  // nobody left to wake
  auto c = listener.subscribe("cgt-1");
  EXPECT_TRUE(run(io, c.wait_for(10s)));
}

}  // namespace

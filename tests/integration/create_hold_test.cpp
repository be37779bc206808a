// A create refused with 429 is held, not failed (the task was not made), against the simulator over real TLS:
// an account limited to tasks in progress that answers a plain 429 (Kinovi's error table: "429 Concurrency limit
// exceeded - too many tasks in progress, wait for some to complete", no `limit` in the body). And the transport's
// "may this create have created a task?" decision on the wire, against scripted TLS servers.
#include <seedance/seedance.hpp>
#include <seedance/testing/certificates.hpp>
#include <seedance/testing/simulator.hpp>

#include <support/run_coroutine.hpp>
#include <support/tls_server.hpp>

#include <gtest/gtest.h>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace st = seedance::testing;
using seedance::errc;
using seedance::provider_id;

using seedance::test_support::pump;

/// An account allowing `limit` Kinovi tasks in progress, answering a create beyond it with a plain 429, and
/// tasks of 20 s of simulated time (1 s at this time scale).
st::simulator_options plain_429_account(std::uint32_t limit) {
  st::simulator_options o;
  o.time_scale = 0.05;
  o.run_time = 20s;
  o.api_key = "sk-test-hold-0123456789";
  o.kinovi.concurrency = limit;
  o.kinovi.concurrency_429_names_limit = false;
  return o;
}

seedance::client_options<seedance::kinovi> options_for(const st::simulator& sim) {
  seedance::client_options<seedance::kinovi> o;
  o.api_key = sim.api_key();
  o.base_url = sim.base_url(provider_id::kinovi);
  o.transport.tls.ca_pem = sim.ca_pem();
  o.transport.tls.use_default_paths = false;
  o.transport.proxy.from_environment = false;
  o.polling.first_delay = 20ms;
  o.polling.min_interval = 20ms;
  o.polling.max_interval = 100ms;
  o.retry.initial_delay = 10ms;
  o.retry.max_delay = 100ms;
  o.retry.max_hold_delay = 500ms;
  o.jitter_seed = 11;
  return o;
}

std::size_t count_containing(const std::vector<std::string>& lines, std::string_view needle) {
  std::size_t n = 0;
  for (const auto& l : lines) n += l.find(needle) != std::string::npos;
  return n;
}

TEST(CreateHold, PlainSimulated429CarriesNoLimit) {
  st::simulator sim(plain_429_account(1));
  asio::io_context io;
  auto o = options_for(sim);
  o.max_create_hold = 0ms;  // fail at the first refusal: the body is what is under test
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  seedance::request stall;
  stall.prompt = "[sim:stall] occupies the only slot";
  const seedance::task first = st::run_blocking(io, client.submit(stall));
  seedance::request second;
  second.prompt = "refused";
  try {
    st::run_blocking(io, client.submit(second));
    ADD_FAILURE() << "expected a 429";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::rate_limited)) << e.what();
    EXPECT_EQ(e.details().http_status, 429);
    EXPECT_FALSE(e.details().concurrency_limit.has_value()) << "the plain body names no limit";
    EXPECT_NE(e.details().provider_message.find("Too many tasks in progress"), std::string::npos)
        << e.details().provider_message;
    EXPECT_TRUE(e.details().retry_safe);  // refused: nothing was created
  }
  EXPECT_EQ(sim.creates(provider_id::kinovi), 1u);
  EXPECT_EQ(client.limiter().limit(), 1u) << "lowered to the one task in flight";
  client.forget(first.id);
}

TEST(CreateHold, SixGeneratesOnAnAccountOfTwoAllFinishWithSixCreates) {
  st::simulator sim(plain_429_account(2));
  asio::io_context io;
  auto o = options_for(sim);
  std::vector<std::string> log;
  o.log = [&](seedance::log_level, std::string_view line) { log.emplace_back(line); };
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  int done = 0;
  std::vector<std::string> failures;
  std::vector<std::string> videos;
  for (int i = 0; i < 6; ++i) {
    seedance::request r;
    r.prompt = "held " + std::to_string(i);
    asio::co_spawn(io, client.generate(r), [&](std::exception_ptr ep, seedance::video v) {
      if (ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          failures.emplace_back(e.what());
        }
      } else {
        videos.push_back(v.task_id);
      }
      ++done;
    });
  }
  pump(io, [&] { return done == 6; });
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(videos.size(), 6u);
  EXPECT_EQ(sim.creates(provider_id::kinovi), 6u) << "exactly one task per generate()";
  EXPECT_LE(sim.max_in_flight(provider_id::kinovi), 2u);
  // Four creates met the limit at once: they were held and tried again, never failed.
  const auto create_requests = sim.count(provider_id::kinovi, st::request_kind::create);
  EXPECT_GE(create_requests, 10u) << "6 creates and at least 4 refusals";
  EXPECT_GE(count_containing(log, "create refused with 429"), 4u);
  EXPECT_GE(count_containing(log, "concurrency lowered to the"), 1u) << "unlimited, then what was in flight";
  EXPECT_GE(client.limiter().limit(), 1u);
  EXPECT_LE(client.limiter().limit(), 3u);
  EXPECT_EQ(client.limiter().in_use(), 0u);
  EXPECT_EQ(client.limiter().holding(), 0u);
}

TEST(CreateHold, SubmitGivesUpWithRateLimitedWhenTheHoldEnds) {
  st::simulator sim(plain_429_account(1));
  asio::io_context io;
  auto o = options_for(sim);
  o.max_create_hold = 150ms;
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  seedance::request stall;
  stall.prompt = "[sim:stall] never ends";
  const seedance::task first = st::run_blocking(io, client.submit(stall));
  seedance::request second;
  second.prompt = "held, then refused";
  try {
    st::run_blocking(io, client.submit(second));
    ADD_FAILURE() << "expected rate_limited";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::rate_limited)) << e.what();
    EXPECT_NE(e.text().find("still refused with 429 after holding it"), std::string::npos) << e.text();
    EXPECT_TRUE(e.details().retry_safe);
    EXPECT_EQ(e.text().find(sim.api_key()), std::string::npos);
  }
  EXPECT_EQ(sim.creates(provider_id::kinovi), 1u);
  EXPECT_GE(sim.count(provider_id::kinovi, st::request_kind::create), 3u) << "the stall, a refusal, a try after it";
  EXPECT_EQ(client.limiter().in_use(), 1u) << "only the stalled task keeps its slot";
  client.forget(first.id);
  EXPECT_EQ(client.limiter().in_use(), 0u);
}

TEST(CreateHold, GenerateHoldsNoLongerThanItsDeadline) {
  st::simulator sim(plain_429_account(1));
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), options_for(sim));  // max_create_hold: 30 min
  seedance::request stall;
  stall.prompt = "[sim:stall] never ends";
  const seedance::task first = st::run_blocking(io, client.submit(stall));
  seedance::request second;
  second.prompt = "held within the wait deadline";
  seedance::wait_options wo;
  wo.deadline = 150ms;
  try {
    st::run_blocking(io, client.generate(second, wo));
    ADD_FAILURE() << "expected rate_limited";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::rate_limited)) << e.what();
  }
  EXPECT_EQ(sim.creates(provider_id::kinovi), 1u);
  client.forget(first.id);
}

TEST(CreateHold, CancellingAHeldCreateGivesItsSlotBack) {
  st::simulator sim(plain_429_account(1));
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), options_for(sim));
  seedance::request stall;
  stall.prompt = "[sim:stall] never ends";
  const seedance::task first = st::run_blocking(io, client.submit(stall));
  seedance::request second;
  second.prompt = "held, then cancelled";
  asio::cancellation_signal cancel;
  std::exception_ptr ended;
  bool done = false;
  asio::co_spawn(io, client.submit(second),
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr ep, seedance::task) {
                   ended = ep;
                   done = true;
                 }));
  pump(io, [&] { return sim.count(provider_id::kinovi, st::request_kind::create) >= 2; });  // refused once
  pump(io, [&] { return client.limiter().holding() == 1; });
  EXPECT_FALSE(done);
  cancel.emit(asio::cancellation_type::terminal);
  pump(io, [&] { return done; });
  ASSERT_TRUE(ended);
  try {
    std::rethrow_exception(ended);
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted) << e.what();
  }
  EXPECT_EQ(client.limiter().in_use(), 1u);
  EXPECT_EQ(client.limiter().holding(), 0u);
  EXPECT_EQ(sim.creates(provider_id::kinovi), 1u);
  client.forget(first.id);
}

TEST(CreateHold, ALimitNamedInTheBodyIsTakenAsIs) {
  auto so = plain_429_account(3);
  so.kinovi.concurrency_429_names_limit = true;  // {"limit":3,"current":3}
  so.run_time = 1s;
  st::simulator sim(so);
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), options_for(sim));
  int done = 0, failed = 0;
  for (int i = 0; i < 7; ++i) {
    seedance::request r;
    r.prompt = "named " + std::to_string(i);
    asio::co_spawn(io, client.generate(r), [&](std::exception_ptr ep, seedance::video) {
      failed += ep ? 1 : 0;
      ++done;
    });
  }
  pump(io, [&] { return done == 7; });
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(client.limiter().limit(), 3u) << "the provider's own number, never raised";
  EXPECT_EQ(sim.creates(provider_id::kinovi), 7u);
}

// ---- the transport's decision on the wire ------------------------------------------------------------------

const st::test_pki& pki() {
  static const auto instance = st::make_test_pki();
  return instance;
}

seedance::http::transport_options transport_options() {
  seedance::http::transport_options options;
  options.tls.use_default_paths = false;
  options.tls.ca_pem = pki().authority.ca.certificate_pem;
  options.proxy.from_environment = false;
  return options;
}

seedance::http::request create_post() {
  seedance::http::request r;
  r.method = seedance::http::method::post;
  r.body = R"({"prompt":"x"})";
  r.headers.set("Content-Type", "application/json");
  return r;
}

seedance::error send_error_of(const st::tls_server& server, seedance::http::transport_options options) {
  asio::io_context io;
  seedance::http::transport transport(io.get_executor(), std::move(options));
  try {
    const auto answer = st::run_blocking(io, transport.send(server.url("/jobs/createTask"), create_post()));
    ADD_FAILURE() << "expected an error, got status " << answer.status;
  } catch (const seedance::error& e) {
    return e;
  }
  return seedance::error(errc::bad_response, "no error");
}

TEST(CreateOutcomeOnTheWire, A2xxHeadWhoseBodyStallsMayHaveCreatedATask) {
  st::tls_server server(
      pki().leaf, [](st::server_connection& c, const seedance::http::request&) -> asio::awaitable<void> {
        co_await c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\":");
        co_await c.wait_for_close(30s);
      });
  auto options = transport_options();
  options.timeouts.idle_read = 200ms;
  const auto e = send_error_of(server, options);
  EXPECT_EQ(e.code(), make_error_code(errc::outcome_unknown)) << e.what();
  EXPECT_FALSE(e.details().retry_safe);
  EXPECT_EQ(e.details().http_status, 200);
}

TEST(CreateOutcomeOnTheWire, A2xxHeadWhoseBodyIsCutMayHaveCreatedATask) {
  st::tls_server server(
      pki().leaf, [](st::server_connection& c, const seedance::http::request&) -> asio::awaitable<void> {
        co_await c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\":");
        c.close();
      });
  const auto e = send_error_of(server, transport_options());
  EXPECT_EQ(e.code(), make_error_code(errc::outcome_unknown)) << e.what();
  EXPECT_FALSE(e.details().retry_safe);
}

TEST(CreateOutcomeOnTheWire, A429HeadWhoseBodyIsCutIsTheProvidersRefusal) {
  st::tls_server server(
      pki().leaf, [](st::server_connection& c, const seedance::http::request&) -> asio::awaitable<void> {
        co_await c.write(
            "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
        c.close();
      });
  const auto e = send_error_of(server, transport_options());
  EXPECT_EQ(e.code(), make_error_code(errc::connection_closed)) << e.what();
  EXPECT_EQ(e.details().http_status, 429);
  EXPECT_FALSE(e.details().retry_safe) << "written: never repeated blindly";
}

TEST(CreateOutcomeOnTheWire, AMalformedAnswerToAPostMayHaveCreatedATask) {
  st::tls_server server(pki().leaf,
                        [](st::server_connection& c, const seedance::http::request&) -> asio::awaitable<void> {
                          co_await c.write("HTTP/1.1 2OO OK\r\n\r\n");
                          c.close();
                        });
  const auto e = send_error_of(server, transport_options());
  EXPECT_EQ(e.code(), make_error_code(errc::outcome_unknown)) << e.what();
  EXPECT_NE(e.text().find("malformed response"), std::string::npos) << e.text();
}

TEST(CreateOutcomeOnTheWire, NothingWrittenCreatesNothing) {
  asio::io_context io;
  auto options = transport_options();
  seedance::http::transport transport(io.get_executor(), options);
  // A port nobody listens on: the connect fails before any byte of the request exists on the wire.
  asio::ip::tcp::acceptor probe(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const auto port = probe.local_endpoint().port();
  probe.close();
  try {
    st::run_blocking(io,
                     transport.send("https://127.0.0.1:" + std::to_string(port) + "/jobs/createTask", create_post()));
    ADD_FAILURE() << "expected connect_failed";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::connect_failed)) << e.what();
    EXPECT_TRUE(e.details().retry_safe);
    EXPECT_FALSE(seedance::may_have_created_task(e.code()));
  }
}

}  // namespace

// Integration tests of http::transport against real TLS servers on 127.0.0.1 (certificates made at run time):
// keep-alive, the per-origin cap, body framing, limits, deadlines, stale connections, proxies, redirects,
// cancellation and streaming a large body with bounded memory.
#include <gtest/gtest.h>

#include <seedance/http/transport.hpp>
#include <seedance/testing/certificates.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <string>
#include <string_view>
#include <support/tls_server.hpp>
#include <vector>

namespace {

using namespace std::chrono_literals;
using seedance::errc;
using seedance::http::request;
using seedance::http::response;
using seedance::http::send_options;
using seedance::http::transport;
using seedance::http::transport_options;
using seedance::testing::run_blocking;
using seedance::testing::server_connection;
using seedance::testing::tls_server;
using seedance::testing::wait_until;
namespace http = seedance::http;

const seedance::testing::test_pki& pki() {
  static const auto instance = seedance::testing::make_test_pki();
  return instance;
}

/// Options trusting only the test CA, ignoring any proxy settings of the machine running the tests.
transport_options test_options() {
  transport_options options;
  options.tls.use_default_paths = false;
  options.tls.ca_pem = pki().authority.ca.certificate_pem;
  options.proxy.from_environment = false;
  return options;
}

request get(std::string target = "/") {
  request r;
  r.target = std::move(target);
  return r;
}

request post(std::string body) {
  request r;
  r.method = http::method::post;
  r.body = std::move(body);
  r.headers.set("Content-Type", "application/json");
  return r;
}

/// Runs one send() on `io` and returns the seedance::error it throws (fails the test if none).
seedance::error expect_error(asio::io_context& io, transport& client, const std::string& url, request req,
                             send_options opts = {}) {
  try {
    auto answer = run_blocking(io, client.send(url, std::move(req), std::move(opts)));
    ADD_FAILURE() << "expected an error, got status " << answer.status;
  } catch (const seedance::error& e) {
    return e;
  }
  return seedance::error(errc::bad_response, "no error");
}

asio::awaitable<void> echo_target(server_connection& c, const request& r) {
  co_await c.respond(200, "you asked for " + r.target);
}

TEST(Transport, SequentialRequestsReuseOneConnection) {
  tls_server server(pki().leaf, echo_target);
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  for (int i = 0; i < 5; ++i) {
    const auto answer = run_blocking(io, client.send(server.url("/n/" + std::to_string(i) + "?q=1"), get()));
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.body, "you asked for /n/" + std::to_string(i) + "?q=1");
  }
  EXPECT_EQ(server.handshakes(), 1u);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().tls_handshakes, 1u);
  EXPECT_EQ(client.stats().requests, 5u);
  EXPECT_EQ(client.stats().reused, 4u);
  const auto seen = server.received();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].headers.find("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[0].headers.find("User-Agent"), "seedance-cpp");
}

TEST(Transport, IdleConnectionsExpire) {
  tls_server server(pki().leaf, echo_target);
  asio::io_context io;
  auto options = test_options();
  options.idle_expiry = std::chrono::milliseconds(50);
  transport client(io.get_executor(), options);
  run_blocking(io, client.send(server.url("/"), get()));
  std::this_thread::sleep_for(150ms);
  run_blocking(io, client.send(server.url("/"), get()));
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(client.stats().reused, 0u);
}

TEST(Transport, HeadResponseHasNoBody) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n");
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  auto head = get();
  head.method = http::method::head;
  const auto answer = run_blocking(io, client.send(server.url("/"), head));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers.find("Content-Length"), "12345");
  EXPECT_TRUE(answer.body.empty());
  run_blocking(io, client.send(server.url("/"), head));
  EXPECT_EQ(server.connections(), 1u);
}

TEST(Transport, PerOriginCapQueuesRequests) {
  std::atomic<int> in_flight{0}, peak{0};
  tls_server server(pki().leaf, [&](server_connection& c, const request&) -> asio::awaitable<void> {
    const int now = ++in_flight;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    co_await c.sleep(30ms);
    --in_flight;
    co_await c.respond(200, "ok");
  });
  asio::io_context io;
  auto options = test_options();
  options.max_connections_per_origin = 2;
  transport client(io.get_executor(), options);
  std::vector<std::future<response>> answers;
  for (int i = 0; i < 8; ++i)
    answers.push_back(asio::co_spawn(io, client.send(server.url("/"), get()), asio::use_future));
  io.run();
  for (auto& answer : answers) EXPECT_EQ(answer.get().status, 200);
  EXPECT_LE(server.connections(), 2u);
  EXPECT_LE(peak.load(), 2);
  EXPECT_EQ(client.stats().connections_opened, server.connections());
  EXPECT_EQ(client.stats().requests, 8u);
}

TEST(Transport, ChunkedBody) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    std::vector<std::string> chunks{std::string("hello, "), std::string("chunked "), std::string(100'000, 'x'),
                                    std::string("world")};
    co_await c.respond_chunked(200, std::move(chunks));
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  const auto answer = run_blocking(io, client.send(server.url("/"), get()));
  EXPECT_EQ(answer.body, "hello, chunked " + std::string(100'000, 'x') + "world");
  run_blocking(io, client.send(server.url("/"), get()));
  EXPECT_EQ(server.connections(), 1u);  // the chunked response left the connection reusable
}

TEST(Transport, CloseDelimitedBodyEndsWithTheConnection) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.respond_until_close(200, "until the end");
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).body, "until the end");
  EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).body, "until the end");
  EXPECT_EQ(server.connections(), 2u);  // never reused
  EXPECT_EQ(client.stats().reused, 0u);
}

TEST(Transport, PeerClosingMidBodyIsConnectionClosed) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + std::string(100, 'x'));
    c.close();
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  const auto e = expect_error(io, client, server.url("/"), get());
  EXPECT_EQ(e.code(), errc::connection_closed) << e.what();
  EXPECT_TRUE(e.details().retry_safe);  // GET
}

TEST(Transport, HeadersOverTheLimit) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    http::headers extra;
    extra.set("X-Huge", std::string(8192, 'h'));
    co_await c.respond(200, "body", extra);
  });
  asio::io_context io;
  auto options = test_options();
  options.limits.max_header_bytes = 4096;
  transport client(io.get_executor(), options);
  const auto e = expect_error(io, client, server.url("/"), get());
  EXPECT_EQ(e.code(), errc::message_too_large) << e.what();
}

TEST(Transport, BodyOverTheLimit) {
  tls_server server(pki().leaf, [](server_connection& c, const request& r) -> asio::awaitable<void> {
    if (r.target == "/chunked") {
      std::vector<std::string> chunks(2, std::string(3000, 'a'));
      co_await c.respond_chunked(200, std::move(chunks));
    } else {
      co_await c.respond(200, std::string(5000, 'b'));
    }
  });
  asio::io_context io;
  auto options = test_options();
  options.limits.max_body_bytes = 4000;
  transport client(io.get_executor(), options);
  auto e = expect_error(io, client, server.url("/"), get());
  EXPECT_EQ(e.code(), errc::message_too_large) << e.what();
  e = expect_error(io, client, server.url("/chunked"), get());
  EXPECT_EQ(e.code(), errc::message_too_large) << e.what();
  send_options small;
  small.max_body_bytes = 100;
  e = expect_error(io, client, server.url("/"), get(), small);
  EXPECT_EQ(e.code(), errc::message_too_large) << e.what();
  send_options large;
  large.max_body_bytes = 10'000;
  EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get(), large)).body.size(), 5000u);
}

TEST(Transport, StalledBodyHitsTheIdleTimeout) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + std::string(10, 'x'));
    co_await c.sleep(100ms);
    co_await c.write(std::string(10, 'y'));  // still moving: the idle limit restarts
    co_await c.wait_for_close(30s);          // then stalls until the client gives up
  });
  asio::io_context io;
  auto options = test_options();
  options.timeouts.idle_read = 200ms;
  options.timeouts.request = 60s;
  transport client(io.get_executor(), options);
  const auto e = expect_error(io, client, server.url("/"), get());
  EXPECT_EQ(e.code(), errc::idle_timeout) << e.what();
  EXPECT_TRUE(e.code() == seedance::condition::timeout);
  EXPECT_TRUE(wait_until([&] { return server.closed_connections() == 1; }));
}

TEST(Transport, RequestDeadline) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    // Keeps sending a byte every 50 ms: never idle, but never done.
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
    for (int i = 0; i < 200 && !c.closed(); ++i) {
      co_await c.write("x");
      co_await c.sleep(50ms);
    }
  });
  asio::io_context io;
  auto options = test_options();
  options.timeouts.idle_read = 10s;
  options.timeouts.request = 400ms;
  transport client(io.get_executor(), options);
  const auto e = expect_error(io, client, server.url("/"), get());
  EXPECT_EQ(e.code(), errc::timeout) << e.what();
}

TEST(Transport, PostTimingOutBeforeTheAnswerHasAnUnknownOutcome) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.wait_for_close(30s);
  });
  asio::io_context io;
  auto options = test_options();
  options.timeouts.idle_read = 200ms;
  transport client(io.get_executor(), options);
  const auto e = expect_error(io, client, server.url("/jobs"), post("{}"));
  EXPECT_EQ(e.code(), errc::outcome_unknown) << e.what();
  EXPECT_FALSE(e.details().retry_safe);
  EXPECT_NE(std::string(e.what()).find("outcome unknown"), std::string::npos);
}

TEST(Transport, StalePooledConnectionReplaysGetOnce) {
  // The server drops every connection when its second request arrives (the keep-alive race).
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    if (c.request_index() == 1) {
      c.close();
      co_return;
    }
    co_await c.respond(200, "fresh");
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).body, "fresh");
  EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).body, "fresh");
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(client.stats().replayed, 1u);
  EXPECT_EQ(client.stats().requests, 3u);
}

TEST(Transport, StalePooledConnectionNeverReplaysPost) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    if (c.request_index() == 1) {
      c.close();
      co_return;
    }
    co_await c.respond(200, "fresh");
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  run_blocking(io, client.send(server.url("/"), get()));
  const auto e = expect_error(io, client, server.url("/jobs/createTask"), post(R"({"prompt":"x"})"));
  EXPECT_EQ(e.code(), errc::outcome_unknown) << e.what();
  EXPECT_TRUE(e.code() == seedance::condition::outcome_unknown);
  EXPECT_FALSE(e.details().retry_safe);
  EXPECT_NE(std::string(e.what()).find("outcome unknown"), std::string::npos);
  EXPECT_EQ(server.requests(), 2u);  // sent exactly once
  EXPECT_EQ(client.stats().replayed, 0u);
}

TEST(Transport, IdleConnectionClosedByTheServerIsNotReused) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.respond(200, "once");
    c.close();  // without announcing it: the client finds out from the socket
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  run_blocking(io, client.send(server.url("/"), get()));
  ASSERT_TRUE(wait_until([&] { return server.closed_connections() == 1; }));
  std::this_thread::sleep_for(20ms);  // let the FIN reach the client's socket
  const auto e_or_answer = run_blocking(io, client.send(server.url("/"), post("{}")));
  EXPECT_EQ(e_or_answer.body, "once");  // the POST went on a fresh connection: no outcome doubt
  EXPECT_EQ(client.stats().reused, 0u);
  EXPECT_EQ(client.stats().replayed, 0u);
  EXPECT_EQ(server.connections(), 2u);
}

TEST(Transport, CancellationClosesTheConnection) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc");
    co_await c.wait_for_close(30s);
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  asio::cancellation_signal cancel;
  auto answer = asio::co_spawn(io, client.send(server.url("/"), get()),
                               asio::bind_cancellation_slot(cancel.slot(), asio::use_future));
  asio::steady_timer timer(io);
  std::function<void(std::error_code)> poll = [&](std::error_code) {
    if (server.requests() == 1) {
      cancel.emit(asio::cancellation_type::terminal);
      return;
    }
    timer.expires_after(5ms);
    timer.async_wait(poll);
  };
  poll({});
  io.run();
  try {
    answer.get();
    ADD_FAILURE() << "expected cancellation";
  } catch (const seedance::error& e) {
    ADD_FAILURE() << "expected operation_aborted, got " << e.what();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
    EXPECT_TRUE(e.code() == seedance::condition::cancelled);
  }
  EXPECT_TRUE(wait_until([&] { return server.closed_connections() == 1; }));
  // The transport still works afterwards, on a new connection.
  tls_server other(pki().leaf, echo_target);
  EXPECT_EQ(run_blocking(io, client.send(other.url("/again"), get())).status, 200);
}

TEST(Transport, AwaitableOperatorsCancelTheLoser) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.wait_for_close(30s);
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  const auto winner = run_blocking(io, [&]() -> asio::awaitable<std::size_t> {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    const auto result = co_await (client.send(server.url("/"), get()) || timer.async_wait(asio::use_awaitable));
    co_return result.index();
  }());
  EXPECT_EQ(winner, 1u);
  EXPECT_TRUE(wait_until([&] { return server.closed_connections() == 1; }));
}

TEST(Transport, CancellationWhileQueuedAtTheCap) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.sleep(300ms);
    co_await c.respond(200, "slow");
  });
  asio::io_context io;
  auto options = test_options();
  options.max_connections_per_origin = 1;
  transport client(io.get_executor(), options);
  auto first = asio::co_spawn(io, client.send(server.url("/"), get()), asio::use_future);
  const auto winner = run_blocking(io, [&]() -> asio::awaitable<std::size_t> {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(co_await asio::this_coro::executor, 50ms);
    const auto result = co_await (client.send(server.url("/"), get()) || timer.async_wait(asio::use_awaitable));
    co_return result.index();
  }());
  EXPECT_EQ(winner, 1u);  // the queued request gave up
  io.restart();
  io.run();
  EXPECT_EQ(first.get().body, "slow");
  // The slot was not lost: another request still gets through.
  EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).body, "slow");
}

TEST(Transport, RedirectAcrossHostsDropsAuthorization) {
  std::string final_url;
  tls_server server(pki().leaf, [&](server_connection& c, const request& r) -> asio::awaitable<void> {
    if (r.target == "/start") {
      co_await c.redirect(302, final_url);
    } else if (r.target == "/same-host") {
      co_await c.redirect(307, "/final");
    } else {
      const bool secrets = r.headers.contains("Authorization") || r.headers.contains("Cookie");
      co_await c.respond(200, secrets ? "auth present" : "auth absent");
    }
  });
  final_url = server.url("/final", "localhost");
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  auto req = get();
  req.headers.set("Authorization", "Bearer secret-key-1234");
  req.headers.set("Cookie", "session=abc");
  send_options follow;
  follow.follow_redirects = true;
  EXPECT_EQ(run_blocking(io, client.send(server.url("/start"), req, follow)).body, "auth absent");
  EXPECT_EQ(run_blocking(io, client.send(server.url("/same-host"), req, follow)).body, "auth present");
  EXPECT_EQ(run_blocking(io, client.send(server.url("/start"), req)).status, 302);  // not followed unless asked
  EXPECT_EQ(client.stats().redirects, 2u);
}

TEST(Transport, RedirectLoopIsTooManyRedirects) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.redirect(301, "/again");
  });
  asio::io_context io;
  auto options = test_options();
  options.max_redirects = 3;
  transport client(io.get_executor(), options);
  send_options follow;
  follow.follow_redirects = true;
  const auto e = expect_error(io, client, server.url("/"), get(), follow);
  EXPECT_EQ(e.code(), errc::too_many_redirects) << e.what();
  EXPECT_EQ(server.requests(), 4u);
}

TEST(Transport, RedirectToPlainHttpIsRefused) {
  tls_server server(pki().leaf, [](server_connection& c, const request& r) -> asio::awaitable<void> {
    if (r.target == "/userinfo")
      co_await c.redirect(302, "https://user:pw@127.0.0.1/");
    else
      co_await c.redirect(302, "http://127.0.0.1/plain");
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  send_options follow;
  follow.follow_redirects = true;
  auto e = expect_error(io, client, server.url("/"), get(), follow);
  EXPECT_EQ(e.code(), errc::insecure_redirect) << e.what();
  e = expect_error(io, client, server.url("/userinfo"), get(), follow);
  EXPECT_EQ(e.code(), errc::insecure_redirect) << e.what();
}

TEST(Transport, InvalidUrlsAreRefusedBeforeAnyIo) {
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  for (const char* url : {"http://127.0.0.1/", "https://user:pw@127.0.0.1/", "not a url", "https:///path"}) {
    try {
      run_blocking(io, client.send(url, get()));
      ADD_FAILURE() << url;
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), errc::invalid_request) << url << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("url"), std::string::npos);
    }
  }
  auto bad = get();
  bad.headers.set("X-Injected", "a\r\nb");
  try {
    run_blocking(io, client.send("https://127.0.0.1:1/", bad));
    ADD_FAILURE();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::invalid_request) << e.what();
  }
  EXPECT_EQ(client.stats().connections_opened, 0u);
}

TEST(Transport, ConnectFailureIsRetrySafe) {
  std::uint16_t closed_port = 0;
  {
    asio::io_context scratch;
    asio::ip::tcp::acceptor acceptor(scratch, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = acceptor.local_endpoint().port();
  }
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  const auto e = expect_error(io, client, "https://127.0.0.1:" + std::to_string(closed_port) + "/", post("{}"));
  EXPECT_EQ(e.code(), errc::connect_failed) << e.what();
  EXPECT_TRUE(e.details().retry_safe);
}

TEST(Transport, SilentServerHitsTheHandshakeTimeout) {
  // A TCP listener that accepts but never speaks TLS.
  asio::io_context listener_io;
  asio::ip::tcp::acceptor acceptor(listener_io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket accepted(listener_io);
  acceptor.async_accept(accepted, [](std::error_code) {});
  std::thread listener([&] { listener_io.run(); });

  asio::io_context io;
  auto options = test_options();
  options.timeouts.handshake = 200ms;
  transport client(io.get_executor(), options);
  const auto e = expect_error(io, client, "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/",
                              post("{}"));
  EXPECT_EQ(e.code(), errc::timeout) << e.what();
  EXPECT_TRUE(e.details().retry_safe);  // nothing was sent
  EXPECT_NE(std::string(e.what()).find("handshake"), std::string::npos) << e.what();
  listener.join();
}

TEST(Transport, SinkReceivesTheBodyAndCanAbort) {
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.respond(200, std::string(300'000, 'z'));
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  std::size_t received = 0;
  send_options streaming;
  streaming.sink = [&](std::string_view chunk, std::error_code&) { received += chunk.size(); };
  const auto answer = run_blocking(io, client.send(server.url("/"), get(), streaming));
  EXPECT_TRUE(answer.body.empty());
  EXPECT_EQ(received, 300'000u);

  send_options failing;
  failing.sink = [](std::string_view, std::error_code& ec) {
    ec = std::make_error_code(std::errc::no_space_on_device);
  };
  const auto e = expect_error(io, client, server.url("/"), get(), failing);
  EXPECT_EQ(e.code(), std::errc::no_space_on_device) << e.what();
}

TEST(Transport, OnHeadersSeesTheHeadBeforeTheBodyAndCanAbort) {
  tls_server server(pki().leaf, [](server_connection& c, const request& r) -> asio::awaitable<void> {
    if (r.target == "/redirect")
      co_await c.redirect(302, "/final");
    else
      co_await c.respond(r.target == "/missing" ? 404 : 200, std::string(50'000, 'b'));
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  std::vector<int> statuses;
  std::size_t body_before_head = 0;
  std::size_t received = 0;
  send_options watched;
  watched.follow_redirects = true;
  watched.on_headers = [&](const response& head, std::error_code& ec) {
    statuses.push_back(head.status);
    body_before_head += received;
    if (head.status == 404) ec = errc::not_found;
  };
  watched.sink = [&](std::string_view chunk, std::error_code&) { received += chunk.size(); };
  EXPECT_EQ(run_blocking(io, client.send(server.url("/redirect"), get(), watched)).status, 200);
  EXPECT_EQ(statuses, std::vector<int>{200});  // not called for the redirect being followed
  EXPECT_EQ(body_before_head, 0u);
  EXPECT_EQ(received, 50'000u);
  received = 0;
  const auto e = expect_error(io, client, server.url("/missing"), get(), watched);
  EXPECT_EQ(e.code(), errc::not_found) << e.what();
  EXPECT_EQ(received, 0u);  // the body never reached the sink
}

TEST(Transport, ThroughConnectProxyWithBasicAuth) {
  tls_server server(pki().leaf, echo_target);
  seedance::testing::connect_proxy proxy("alice", "s3cret-pass");
  asio::io_context io;
  auto options = test_options();
  options.proxy.url = proxy.url("alice", "s3cret-pass");
  transport client(io.get_executor(), options);
  EXPECT_EQ(run_blocking(io, client.send(server.url("/via-proxy"), get())).body, "you asked for /via-proxy");
  EXPECT_EQ(run_blocking(io, client.send(server.url("/again"), get())).status, 200);
  EXPECT_EQ(proxy.tunnels(), 1u);  // the tunnelled connection was kept alive
  ASSERT_EQ(proxy.targets().size(), 1u);
  EXPECT_EQ(proxy.targets()[0], "127.0.0.1:" + std::to_string(server.port()));

  auto wrong = test_options();
  wrong.proxy.url = proxy.url("alice", "wrong-password");
  transport refused(io.get_executor(), wrong);
  const auto e = expect_error(io, refused, server.url("/"), get());
  EXPECT_EQ(e.code(), errc::proxy_failed) << e.what();
  EXPECT_EQ(e.details().http_status, 407);
  EXPECT_NE(std::string(e.what()).find("407"), std::string::npos);
  EXPECT_EQ(std::string(e.what()).find("wrong-password"), std::string::npos);
  EXPECT_EQ(std::string(e.what()).find("alice"), std::string::npos);
}

/// Sets an environment variable for the scope of a test.
class scoped_env {
 public:
  scoped_env(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~scoped_env() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Transport, HttpsProxyAndNoProxyFromTheEnvironment) {
  tls_server server(pki().leaf, echo_target);
  seedance::testing::connect_proxy proxy;
  scoped_env lower_proxy("https_proxy", proxy.url());
  scoped_env upper_proxy("HTTPS_PROXY", proxy.url());
  scoped_env lower_none("no_proxy", "");
  scoped_env upper_none("NO_PROXY", "");
  asio::io_context io;
  auto options = test_options();
  options.proxy.from_environment = true;
  {
    transport client(io.get_executor(), options);
    EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).status, 200);
    EXPECT_EQ(proxy.tunnels(), 1u);
  }
  {
    scoped_env bypass("no_proxy", "example.com, 127.0.0.1");
    transport client(io.get_executor(), options);
    EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).status, 200);
    EXPECT_EQ(proxy.tunnels(), 1u);  // direct
  }
  {
    options.proxy.from_environment = false;
    transport client(io.get_executor(), options);
    EXPECT_EQ(run_blocking(io, client.send(server.url("/"), get())).status, 200);
    EXPECT_EQ(proxy.tunnels(), 1u);  // environment ignored
  }
}

/// Peak resident set size of this process in KiB (VmHWM), or 0 when unavailable.
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

long current_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

/// True under AddressSanitizer with its default (large) quarantine of freed memory, which inflates RSS.
bool address_sanitizer_quarantine_active() {
#if defined(__SANITIZE_ADDRESS__)
  constexpr bool asan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  constexpr bool asan = true;
#else
  constexpr bool asan = false;
#endif
#else
  constexpr bool asan = false;
#endif
  const char* options = std::getenv("ASAN_OPTIONS");
  return asan && (options == nullptr || std::string_view(options).find("quarantine_size_mb") == std::string_view::npos);
}

// SLOW (a few seconds): 1 GiB generated on the fly by the server, streamed through TLS into a sink.
TEST(Transport, SLOW_OneGibibyteStreamsWithBoundedMemory) {
  constexpr std::uint64_t total = 1ull << 30;
  tls_server server(pki().leaf, [](server_connection& c, const request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n");
    const std::string block(64 * 1024, 'v');
    for (std::uint64_t sent = 0; sent < total && !c.closed(); sent += block.size()) co_await c.write(block);
  });
  asio::io_context io;
  transport client(io.get_executor(), test_options());
  // Reset the peak to the current size (Linux >= 4.0), so only this test's growth counts.
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const long rss_before = current_rss_kib();
  const long peak_before = peak_rss_kib();
  std::uint64_t received = 0;
  send_options streaming;
  streaming.sink = [&](std::string_view chunk, std::error_code&) { received += chunk.size(); };
  const auto started = std::chrono::steady_clock::now();
  const auto answer = run_blocking(io, client.send(server.url("/big"), get(), streaming));
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const long peak_after = peak_rss_kib();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(received, total);
  const long growth = peak_after - std::max(rss_before, 0L);
  std::printf(
      "[ 1 GiB  ] %.2f s, %.0f MiB/s; RSS before %ld KiB, peak before %ld KiB, peak after %ld KiB, "
      "growth %ld KiB\n",
      seconds, 1024.0 / seconds, rss_before, peak_before, peak_after, growth);
  if (address_sanitizer_quarantine_active()) {
    std::printf(
        "[ 1 GiB  ] AddressSanitizer keeps freed memory in its quarantine, so the bound is not checked; "
        "run with ASAN_OPTIONS=quarantine_size_mb=1 to check it\n");
    return;
  }
  EXPECT_LT(growth, 32L * 1024);
}

}  // namespace

// support/tls_server.hpp - a small scriptable HTTPS/1.1 server and a CONNECT proxy on 127.0.0.1 for tests.
//
// tls_server listens on 127.0.0.1 (a free port), runs on ITS OWN THREAD with its own io_context, and calls a
// handler coroutine for every parsed request:
//
//   seedance::testing::tls_server server(pki.leaf, [](server_connection& c, const http::request& r)
//                                                       -> asio::awaitable<void> {
//     co_await c.respond(200, "hello");                  // or respond_chunked, respond_until_close, write(raw),
//   });                                                  // redirect, sleep, wait_for_close, close()
//   auto url = server.url("/path");                      // "https://127.0.0.1:PORT/path"
//
// Requests are read with http::request_parser and responses written with http::serialize. After the
// handler returns, the server reads the next request on the same connection unless the handler closed it
// or the request asked for "Connection: close". Counters (connections, handshakes, closed connections,
// requests) are atomics that the test thread may read at any time; wait_until() polls one with a bounded
// wait. The handler runs on the server thread: share state with the test only through atomics or a mutex.
//
// connect_proxy is a plain-TCP HTTP proxy that only knows CONNECT (to 127.0.0.1 / localhost), optionally
// demanding Basic credentials; it also runs on its own thread.
//
// run_blocking(io, task) runs a client coroutine on the test's io_context until it ends and returns its
// result (or rethrows its exception).
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <asio.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <seedance/http/message.hpp>
#include <seedance/http/parser.hpp>
#include <seedance/http/proxy.hpp>
#include <seedance/http/serializer.hpp>
#include <seedance/testing/certificates.hpp>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace seedance::testing {

/// Runs `task` on `io` (restarting it first) until the coroutine ends; returns its value or rethrows.
template <class T>
T run_blocking(asio::io_context& io, asio::awaitable<T> task) {
  // The result is handed over on this thread: asio::use_future completes on a system-executor thread, and
  // sanitizers (TSan) cannot see libstdc++'s exception_ptr reference counting across that hand-over.
  std::exception_ptr failure;
  std::optional<std::conditional_t<std::is_void_v<T>, char, T>> result;
  if constexpr (std::is_void_v<T>) {
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) { failure = e; });
  } else {
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
      failure = e;
      if (!e) result.emplace(std::move(value));
    });
  }
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

/// Polls `condition` every 5 ms until it holds or `timeout` passes; returns its last value.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

/// One accepted TLS connection, handed to the handler with each request. Use only on the server thread.
class server_connection {
 public:
  using stream_type = asio::ssl::stream<asio::ip::tcp::socket>;

  server_connection(asio::ip::tcp::socket socket, asio::ssl::context& context, std::size_t id)
      : stream_(std::move(socket), context), id_(id) {}

  /// 1-based number of this connection in accept order.
  std::size_t id() const noexcept { return id_; }
  /// 0-based index of the current request on this connection (0 for the first).
  std::size_t request_index() const noexcept { return request_index_; }
  /// The TLS stream (for anything the helpers do not cover).
  stream_type& stream() noexcept { return stream_; }
  /// True once close() was called or the socket failed.
  bool closed() const noexcept { return closed_; }

  /// Writes raw bytes. Marks the connection closed if the write fails (never throws).
  asio::awaitable<void> write(std::string_view bytes) {
    if (closed_) co_return;
    std::error_code ec;
    co_await asio::async_write(stream_, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) close();
  }

  /// Writes `r` (Content-Length added by the serializer unless Transfer-Encoding is set).
  asio::awaitable<void> respond(http::response r) { co_await write(http::serialize(r)); }

  /// Writes a response with `status`, `body` and extra header fields.
  asio::awaitable<void> respond(int status, std::string body = {}, http::headers extra = {}) {
    http::response r;
    r.status = status;
    r.reason = status < 300 ? "OK" : status < 400 ? "Redirect" : "Error";
    r.headers = std::move(extra);
    r.body = std::move(body);
    co_await respond(std::move(r));
  }

  /// Writes a chunked response whose body is `chunks` (one HTTP chunk each).
  asio::awaitable<void> respond_chunked(int status, std::vector<std::string> chunks, http::headers extra = {}) {
    http::response r;
    r.status = status;
    r.reason = "OK";
    r.headers = std::move(extra);
    r.headers.set("Transfer-Encoding", "chunked");
    std::string out;
    http::serialize_head(r, out);
    for (const auto& chunk : chunks) {
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
      out += size;
      out += chunk;
      out += "\r\n";
    }
    out += "0\r\n\r\n";
    co_await write(out);
  }

  /// Writes a response without Content-Length or chunking (HTTP/1.1 close-delimited body), then closes.
  asio::awaitable<void> respond_until_close(int status, std::string_view body) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " OK\r\nConnection: close\r\n\r\n";
    out += body;
    co_await write(out);
    close();
  }

  /// Writes a redirect to `location`.
  asio::awaitable<void> redirect(int status, std::string location) {
    http::headers extra;
    extra.set("Location", std::move(location));
    co_await respond(status, "moved", std::move(extra));
  }

  /// Waits `duration` (the client's state is not watched meanwhile).
  asio::awaitable<void> sleep(std::chrono::milliseconds duration) {
    asio::steady_timer timer(stream_.get_executor(), duration);
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  /// Waits until the peer closes the connection (returns true) or `limit` passes (false). Bytes the peer
  /// sends meanwhile are kept for the next request.
  asio::awaitable<bool> wait_for_close(std::chrono::milliseconds limit) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(stream_.get_executor(), limit);
    const auto outcome = co_await (timer.async_wait(asio::use_awaitable) || read_until_error());
    co_return outcome.index() == 1;
  }

  /// Closes the TCP connection at once (no TLS close_notify): the client sees an abrupt end.
  void close() noexcept {
    closed_ = true;
    std::error_code ignored;
    stream_.lowest_layer().close(ignored);
  }

 private:
  friend class tls_server;

  asio::awaitable<void> read_until_error() {
    char buffer[4096];
    for (;;) {
      std::error_code ec;
      const auto n =
          co_await stream_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      pending_.append(buffer, n);
      if (ec == asio::error::operation_aborted) co_return;  // the wait ended first: keep the connection
      if (ec) {
        close();
        co_return;
      }
    }
  }

  stream_type stream_;
  std::size_t id_;
  std::size_t request_index_ = 0;
  bool closed_ = false;
  std::string pending_;  // bytes read but not parsed yet
};

/// A request handler: a coroutine that answers `request` on `connection` (or closes it, or stalls...).
using request_handler = std::function<asio::awaitable<void>(server_connection&, const http::request&)>;

/// HTTPS/1.1 test server on 127.0.0.1 with its own thread. See the file comment.
class tls_server {
 public:
  /// Starts serving with `certificate` (leaf PEM, optionally followed by intermediates, and its key).
  tls_server(const pem_pair& certificate, request_handler handler) : handler_(std::move(handler)) {
    context_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3);
    context_.use_certificate_chain(asio::buffer(certificate.certificate_pem));
    context_.use_private_key(asio::buffer(certificate.private_key_pem), asio::ssl::context::pem);
    acceptor_.emplace(*io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(*io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_->run(); });
  }

  tls_server(const tls_server&) = delete;
  tls_server& operator=(const tls_server&) = delete;

  /// Stops the thread; open connections are closed, pending handlers are dropped.
  ~tls_server() {
    asio::post(*io_, [this] {
      std::error_code ignored;
      acceptor_->close(ignored);
      for (auto* connection : live_) connection->close();
      io_->stop();
    });
    thread_.join();
    io_.reset();  // destroys suspended coroutines while everything they use is still alive
  }

  /// The listening port.
  std::uint16_t port() const noexcept { return port_; }
  /// "https://HOST:PORT" + path.
  std::string url(std::string_view path = "/", std::string_view host = "127.0.0.1") const {
    return "https://" + std::string(host) + ":" + std::to_string(port_) + std::string(path);
  }

  std::size_t connections() const noexcept { return connections_; }  ///< TCP connections accepted
  std::size_t handshakes() const noexcept { return handshakes_; }    ///< TLS handshakes completed
  std::size_t handshake_failures() const noexcept { return handshake_failures_; }
  std::size_t closed_connections() const noexcept { return closed_; }  ///< connections finished
  std::size_t requests() const noexcept { return requests_; }          ///< requests parsed

  /// Copies of the requests received so far, in order.
  std::vector<http::request> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      std::error_code ec;
      auto socket = co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(*io_, serve(std::move(socket), ++connections_), asio::detached);
    }
  }

  asio::awaitable<void> serve(asio::ip::tcp::socket socket, std::size_t id) {
    server_connection connection(std::move(socket), context_, id);
    live_.insert(&connection);
    struct finish {
      tls_server& server;
      server_connection& connection;
      ~finish() {
        server.live_.erase(&connection);
        ++server.closed_;
      }
    } finisher{*this, connection};

    std::error_code ec;
    co_await connection.stream_.async_handshake(asio::ssl::stream_base::server,
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      ++handshake_failures_;
      connection.close();
      co_return;
    }
    ++handshakes_;

    http::request_parser parser;
    char buffer[16 * 1024];
    while (!connection.closed()) {
      parser.reset();
      while (!parser.done()) {
        if (connection.pending_.empty()) {
          const auto n = co_await connection.stream_.async_read_some(asio::buffer(buffer),
                                                                     asio::redirect_error(asio::use_awaitable, ec));
          connection.pending_.append(buffer, n);
          if (ec && connection.pending_.empty()) {
            connection.close();
            co_return;
          }
        }
        std::error_code parse_ec;
        const auto used = parser.put(connection.pending_, parse_ec);
        connection.pending_.erase(0, used);
        if (parse_ec) {
          co_await connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
          connection.close();
          co_return;
        }
        if (ec && !parser.done()) {
          connection.close();
          co_return;
        }
      }
      ++requests_;
      const http::request request = parser.get();
      {
        std::lock_guard lock(mutex_);
        received_.push_back(request);
      }
      co_await handler_(connection, request);
      ++connection.request_index_;
      if (!parser.keep_alive()) connection.close();
    }
  }

  request_handler handler_;
  std::optional<asio::io_context> io_{std::in_place};
  asio::ssl::context context_{asio::ssl::context::tls_server};
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::set<server_connection*> live_;  // server thread only
  std::atomic<std::size_t> connections_{0}, handshakes_{0}, handshake_failures_{0}, closed_{0}, requests_{0};
  mutable std::mutex mutex_;
  std::vector<http::request> received_;
};

/// A plain-TCP HTTP proxy that serves CONNECT to 127.0.0.1 / localhost only, on its own thread.
class connect_proxy {
 public:
  /// Starts the proxy. With a non-empty `user`, CONNECT needs "Proxy-Authorization: Basic" for
  /// user:password; otherwise the proxy answers 407.
  explicit connect_proxy(std::string user = {}, std::string password = {}) {
    if (!user.empty()) expected_authorization_ = "Basic " + http::detail::base64_encode(user + ":" + password);
    acceptor_.emplace(*io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(*io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_->run(); });
  }

  connect_proxy(const connect_proxy&) = delete;
  connect_proxy& operator=(const connect_proxy&) = delete;

  ~connect_proxy() {
    asio::post(*io_, [this] {
      std::error_code ignored;
      acceptor_->close(ignored);
      for (auto* socket : live_) socket->close(ignored);
      io_->stop();
    });
    thread_.join();
    io_.reset();
  }

  /// The listening port.
  std::uint16_t port() const noexcept { return port_; }
  /// "http://[user:password@]127.0.0.1:PORT".
  std::string url(std::string_view user = {}, std::string_view password = {}) const {
    std::string credentials;
    if (!user.empty()) credentials = std::string(user) + ":" + std::string(password) + "@";
    return "http://" + credentials + "127.0.0.1:" + std::to_string(port_);
  }

  std::size_t tunnels() const noexcept { return tunnels_; }  ///< CONNECTs answered 200
  std::size_t refused() const noexcept { return refused_; }  ///< CONNECTs answered 407 or 4xx/5xx
  /// Targets ("host:port") of every CONNECT received, in order.
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      std::error_code ec;
      auto socket = co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(*io_, serve(std::move(socket)), asio::detached);
    }
  }

  static asio::awaitable<void> pump(asio::ip::tcp::socket& from, asio::ip::tcp::socket& to) {
    char buffer[16 * 1024];
    for (;;) {
      std::error_code ec;
      const auto n = co_await from.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (n > 0) co_await asio::async_write(to, asio::buffer(buffer, n), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        std::error_code ignored;
        to.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        co_return;
      }
    }
  }

  asio::awaitable<void> serve(asio::ip::tcp::socket client) {
    asio::ip::tcp::socket upstream(*io_);
    live_.insert(&client);
    live_.insert(&upstream);
    struct finish {
      connect_proxy& proxy;
      asio::ip::tcp::socket& a;
      asio::ip::tcp::socket& b;
      ~finish() {
        proxy.live_.erase(&a);
        proxy.live_.erase(&b);
      }
    } finisher{*this, client, upstream};

    http::request_parser parser;
    char buffer[4096];
    std::error_code ec;
    while (!parser.done()) {
      const auto n =
          co_await client.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      std::error_code parse_ec;
      parser.put(std::string_view(buffer, n), parse_ec);
      if (parse_ec || (ec && !parser.done())) co_return;
    }
    const auto& request = parser.get();
    {
      std::lock_guard lock(mutex_);
      targets_.push_back(request.target);
    }
    const auto refuse = [&](std::string status) -> asio::awaitable<void> {
      ++refused_;
      std::string answer = "HTTP/1.1 " + status +
                           "\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Type: text/plain\r\n"
                           "Content-Length: 7\r\nConnection: close\r\n\r\ndenied\n";
      co_await asio::async_write(client, asio::buffer(answer), asio::redirect_error(asio::use_awaitable, ec));
    };
    if (request.method != http::method::connect) {
      co_await refuse("405 Method Not Allowed");
      co_return;
    }
    if (!expected_authorization_.empty() && request.headers.find("Proxy-Authorization") != expected_authorization_) {
      co_await refuse("407 Proxy Authentication Required");
      co_return;
    }
    const auto colon = request.target.rfind(':');
    const std::string host = request.target.substr(0, colon);
    if (colon == std::string::npos || (host != "127.0.0.1" && host != "localhost")) {
      co_await refuse("403 Forbidden");
      co_return;
    }
    const auto port = static_cast<std::uint16_t>(std::stoi(request.target.substr(colon + 1)));
    co_await upstream.async_connect({asio::ip::make_address("127.0.0.1"), port},
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_await refuse("502 Bad Gateway");
      co_return;
    }
    ++tunnels_;
    const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
    co_await asio::async_write(client, asio::buffer(established), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    using namespace asio::experimental::awaitable_operators;
    co_await (pump(client, upstream) && pump(upstream, client));
  }

  std::optional<asio::io_context> io_{std::in_place};
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  std::string expected_authorization_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::set<asio::ip::tcp::socket*> live_;  // proxy thread only
  std::atomic<std::size_t> tunnels_{0}, refused_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
};

}  // namespace seedance::testing

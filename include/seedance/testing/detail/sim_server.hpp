// seedance/testing/detail/sim_server.hpp - the simulator's I/O shell: a TLS server on 127.0.0.1 (one coroutine
// per connection, keep-alive, faults applied on the wire), the lifecycle timer and the webhook sender, all on
// one io_context run by one thread of its own. The behaviour lives in sim_service; this file moves bytes.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/detail/asio_config.hpp>
#include <seedance/http/message.hpp>
#include <seedance/http/parser.hpp>
#include <seedance/http/serializer.hpp>
#include <seedance/testing/certificates.hpp>
#include <seedance/testing/detail/sim_common.hpp>
#include <seedance/testing/detail/sim_service.hpp>
#include <seedance/testing/simulator_options.hpp>

#include <openssl/ssl.h>
#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

namespace seedance::testing::detail {

inline constexpr auto sim_nothrow = asio::experimental::as_tuple(asio::use_awaitable);

/// The running simulator: sockets, thread, timer, webhooks. Public members are guarded by `mutex`.
class sim_server {
 public:
  /// Makes the CA and the server certificate and binds 127.0.0.1:options.port (0: any free port). Throws
  /// std::system_error when the port cannot be bound, std::runtime_error when a certificate cannot be made.
  explicit sim_server(simulator_options options)
      : service(options, ""),
        authority_(certificate_authority::make("seedance simulator CA")),
        leaf_(authority_.issue(server_leaf_options())),
        port_(options.port),
        webhook_timeout_(options.webhook_timeout),
        keep_alive_timeout_(options.keep_alive_timeout) {
    bind();
  }

  /// Not copyable: it owns a thread and sockets.
  sim_server(const sim_server&) = delete;
  sim_server& operator=(const sim_server&) = delete;

  /// Stops (see stop()).
  ~sim_server() { stop(); }

  /// Starts the I/O thread (no-op when running). Throws std::system_error when the port cannot be bound
  /// again after a stop().
  void start() {
    std::lock_guard<std::mutex> control(control_mutex_);
    if (thread_.joinable()) return;
    if (!acceptor_) bind();
    stopping_ = false;
    asio::co_spawn(*io_, accept_loop(), [this](std::exception_ptr e) { report("accept loop", e); });
    asio::co_spawn(*io_, lifecycle_loop(), [this](std::exception_ptr e) { report("lifecycle timer", e); });
    thread_ = std::thread([this] { io_->run(); });
  }

  /// Stops the I/O thread and closes every connection (no-op when stopped). Webhook deliveries still
  /// pending are abandoned. Must not be called from the I/O thread.
  void stop() {
    std::lock_guard<std::mutex> control(control_mutex_);
    stopping_ = true;
    if (io_) io_->stop();
    if (thread_.joinable()) thread_.join();
    // Explicit order: objects bound to the io_context go before it; pending coroutine frames are destroyed
    // with it.
    lifecycle_timer_.reset();
    acceptor_.reset();
    io_.reset();
    server_tls_.reset();
    webhooks_in_flight_ = 0;
  }

  /// True while the I/O thread runs. Thread-safe.
  bool running() const {
    std::lock_guard<std::mutex> control(control_mutex_);
    return thread_.joinable();
  }

  /// The bound port. Thread-safe.
  std::uint16_t port() const noexcept { return port_; }
  /// The CA that signed the server certificate. Thread-safe (immutable).
  const certificate_authority& authority() const noexcept { return authority_; }
  /// Webhook groups still being delivered. Thread-safe.
  std::size_t webhooks_in_flight() const noexcept { return webhooks_in_flight_.load(); }

  std::mutex mutex;     ///< guards `service`
  sim_service service;  ///< guarded by `mutex`

 private:
  static leaf_options server_leaf_options() {
    leaf_options o;
    o.common_name = "127.0.0.1";
    o.dns_names = {"localhost"};
    o.ip_addresses = {"127.0.0.1", "::1"};
    return o;
  }

  void bind() {
    io_ = std::make_unique<asio::io_context>(1);
    server_tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    server_tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1);
    // The chain the server presents: its leaf, then the CA (clients trust the CA through ca_pem()).
    const std::string chain = leaf_.certificate_pem + authority_.ca.certificate_pem;
    server_tls_->use_certificate_chain(asio::buffer(chain));
    server_tls_->use_private_key(asio::buffer(leaf_.private_key_pem), asio::ssl::context::pem);
    acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(*io_);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port_);
    acceptor_->open(endpoint.protocol());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(endpoint);
    acceptor_->listen();
    port_ = acceptor_->local_endpoint().port();
    lifecycle_timer_ = std::make_unique<asio::steady_timer>(*io_);
    std::lock_guard<std::mutex> lock(mutex);
    service.set_origin("https://127.0.0.1:" + std::to_string(port_));
  }

  // ---- accepting and serving -------------------------------------------------------------------------------

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_->async_accept(sim_nothrow);
      if (stopping_) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
        continue;
      }
      socket.set_option(asio::ip::tcp::no_delay(true));
      asio::co_spawn(*io_, serve(std::move(socket)), [this](std::exception_ptr e) { report("connection", e); });
    }
  }

  using tls_stream = asio::ssl::stream<asio::ip::tcp::socket>;

  /// Closes a connection that stays silent for keep_alive_timeout (while waiting for a handshake or for
  /// the first bytes of a request), as servers do with idle keep-alive connections.
  class idle_watch {
   public:
    idle_watch(asio::io_context& io, std::chrono::milliseconds limit) : timer_(io), limit_(limit) {}
    void arm(const std::shared_ptr<tls_stream>& stream) {
      if (limit_.count() <= 0) return;
      timer_.expires_after(limit_);
      timer_.async_wait([weak = std::weak_ptr<tls_stream>(stream)](std::error_code ec) {
        if (ec) return;
        if (auto s = weak.lock()) {
          std::error_code ignored;
          s->lowest_layer().close(ignored);
        }
      });
    }
    void disarm() { timer_.cancel(); }

   private:
    asio::steady_timer timer_;
    std::chrono::milliseconds limit_;
  };

  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    // Shared so that the idle watchdog never touches a stream this coroutine has already destroyed.
    auto owner = std::make_shared<tls_stream>(std::move(socket), *server_tls_);
    tls_stream& stream = *owner;
    idle_watch idle(*io_, keep_alive_timeout_);
    {
      idle.arm(owner);
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, sim_nothrow);
      idle.disarm();
      if (ec) co_return;
    }
    std::string buffer;
    std::vector<char> scratch(16 * 1024);
    http::request_parser parser;
    for (;;) {
      parser.reset();
      // Wait for the first bytes of the next request.
      if (buffer.empty()) {
        idle.arm(owner);
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), sim_nothrow);
        idle.disarm();
        if (ec || n == 0) co_return;
        buffer.append(scratch.data(), n);
      }
      std::optional<fault> early;
      {
        std::lock_guard<std::mutex> lock(mutex);
        early = service.pick_fault("", fault_stage::arrival);
      }
      if (early) {
        log_exchange("?", "", {}, request_kind::other, {}, 0, early->kind, "dropped before reading the request");
        abort(stream);
        co_return;
      }
      // Read the whole request.
      std::error_code parse_ec;
      for (;;) {
        const std::size_t used = parser.put(buffer, parse_ec);
        buffer.erase(0, used);
        if (parse_ec || parser.done()) break;
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), sim_nothrow);
        if (ec || n == 0) co_return;  // the client went away mid-request
        buffer.append(scratch.data(), n);
      }
      if (parse_ec) {
        http::response bad = text_response(400, "text/plain", "malformed request: " + parse_ec.message() + "\n");
        bad.headers.set("Connection", "close");
        std::string wire;
        http::serialize_head(bad, wire);
        wire += bad.body;
        co_await asio::async_write(stream, asio::buffer(wire), sim_nothrow);
        log_exchange("?", "", {}, request_kind::other, {}, 400, std::nullopt, "malformed request");
        abort(stream);
        co_return;
      }
      const http::request request = std::move(parser.get());
      const bool keep_alive = parser.keep_alive();
      const bool keep_going = co_await respond(stream, request, keep_alive);
      if (!keep_going || !keep_alive) {
        abort(stream);
        co_return;
      }
    }
  }

  /// Answers one request, applying a fault if one strikes. Returns false when the connection must close.
  asio::awaitable<bool> respond(tls_stream& stream, const http::request& request, bool keep_alive) {
    const std::string method(http::to_string(request.method));
    std::optional<fault> f;
    sim_reply reply;
    bool processed = true;
    {
      std::lock_guard<std::mutex> lock(mutex);
      f = service.pick_fault(request.target, fault_stage::request);
      if (f && (f->kind == fault_kind::drop_before_request || f->kind == fault_kind::http_error ||
                f->kind == fault_kind::rate_limit)) {
        processed = false;
        if (f->kind != fault_kind::drop_before_request) reply = service.fault_reply(request, *f);
        const sim_route r = route(request.method, request.target);
        reply.provider = r.provider;
        reply.kind = r.kind;
        reply.task_id = r.task_id;
      } else {
        reply = service.handle(request, sim_clock::now());
      }
    }
    wake_lifecycle();
    if (!processed && f->kind == fault_kind::drop_before_request) {
      log_exchange(method, request.target, reply.provider, reply.kind, reply.task_id, 0, f->kind,
                   "dropped before processing");
      co_return false;
    }
    if (f && f->kind == fault_kind::drop_after_request) {
      log_exchange(method, request.target, reply.provider, reply.kind, reply.task_id, 0, f->kind,
                   "processed, then dropped without an answer");
      co_return false;
    }
    if (f && f->kind == fault_kind::delay) {
      asio::steady_timer wait(*io_, f->delay);
      co_await wait.async_wait(sim_nothrow);
    }

    http::response& response = reply.response;
    response.headers.set("Server", "seedance-sim");
    if (!keep_alive) response.headers.set("Connection", "close");
    std::string_view body_bytes =
        reply.body_view.empty()
            ? std::string_view(response.body)
            : std::string_view(reinterpret_cast<const char*>(reply.body_view.data()), reply.body_view.size());
    std::string corrupted;
    if (f && f->kind == fault_kind::invalid_json) {
      corrupted = std::string(body_bytes.substr(0, body_bytes.size() / 2));
      if (corrupted.empty()) corrupted = "{";
      body_bytes = corrupted;
      response.headers.set("Content-Length", std::to_string(corrupted.size()));
    }
    if (f && f->kind == fault_kind::truncated_chunked) {
      response.headers.erase("Content-Length");
      response.headers.set("Transfer-Encoding", "chunked");
    }
    const bool head_only = reply.head_only || request.method == http::method::head;
    if (!response.headers.contains("Content-Length") && !response.headers.contains("Transfer-Encoding"))
      response.headers.set("Content-Length", std::to_string(body_bytes.size()));
    std::string head;
    {
      http::response head_only_copy;
      head_only_copy.status = response.status;
      head_only_copy.reason = response.reason;
      head_only_copy.headers = response.headers;
      http::serialize_head(head_only_copy, head);
    }
    const std::string note = reply.note;
    const int status = response.status;
    const std::optional<fault_kind> applied = f ? std::optional<fault_kind>(f->kind) : std::nullopt;
    auto log_it = [&](std::string extra) {
      log_exchange(method, request.target, reply.provider, reply.kind, reply.task_id, status, applied,
                   note.empty() ? std::move(extra) : note + (extra.empty() ? "" : "; " + extra));
    };

    // Each exchange is logged before its bytes go out, so a test that has its answer finds it in the log.
    if (f && f->kind == fault_kind::close_after_headers) {
      log_it("closed after the headers");
      co_await asio::async_write(stream, asio::buffer(head), sim_nothrow);
      co_return false;
    }
    if (f && f->kind == fault_kind::close_mid_body) {
      std::string wire = head;
      if (!head_only) wire.append(body_bytes.substr(0, std::min(f->bytes, body_bytes.size())));
      log_it("closed after " + std::to_string(wire.size() - head.size()) + " body bytes");
      co_await asio::async_write(stream, asio::buffer(wire), sim_nothrow);
      co_return false;
    }
    if (f && f->kind == fault_kind::truncated_chunked) {
      std::string wire = head;
      const std::string_view first = body_bytes.substr(0, body_bytes.size() / 2);
      if (!first.empty()) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", first.size());
        wire += size;
        wire.append(first);
        wire += "\r\n";
      }
      log_it("chunked body cut before its last chunk");
      co_await asio::async_write(stream, asio::buffer(wire), sim_nothrow);
      co_return false;
    }
    std::string wire = head;
    if (!head_only) wire.append(body_bytes);
    if (f && f->kind == fault_kind::slow_bytes) {
      log_it("sent in pieces of " + std::to_string(std::max<std::size_t>(1, f->bytes)) + " bytes");
      const std::size_t piece = std::max<std::size_t>(1, f->bytes);
      asio::steady_timer gap(*io_);
      for (std::size_t at = 0; at < wire.size(); at += piece) {
        auto [ec, n] = co_await asio::async_write(
            stream, asio::buffer(wire.data() + at, std::min(piece, wire.size() - at)), sim_nothrow);
        if (ec) co_return false;
        gap.expires_after(f->delay);
        co_await gap.async_wait(sim_nothrow);
      }
      co_return true;
    }
    log_it("");
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(wire), sim_nothrow);
    co_return !ec;
  }

  /// Closes the TCP connection at once, without a TLS close_notify (as a crashed or impatient peer does).
  static void abort(tls_stream& stream) {
    std::error_code ignored;
    stream.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream.lowest_layer().close(ignored);
  }

  void log_exchange(std::string method, std::string path, std::optional<provider_id> provider, request_kind kind,
                    std::string task_id, int status, std::optional<fault_kind> applied, std::string note) {
    log_entry entry;
    entry.time = sim_clock::now();
    entry.method = std::move(method);
    entry.path = std::move(path);
    entry.provider = provider;
    entry.kind = kind;
    entry.task_id = std::move(task_id);
    entry.status = status;
    entry.fault = applied;
    entry.note = std::move(note);
    std::lock_guard<std::mutex> lock(mutex);
    if (service.options().log_to_stderr) print(entry);
    service.record(std::move(entry));
  }

  static void print(const log_entry& e) {
    std::string line = "seedance-sim: ";
    line += e.method + " " + e.path + " -> " + std::to_string(e.status);
    line += " [" + std::string(e.provider ? to_string(*e.provider) : "-") + " " + std::string(to_string(e.kind));
    if (!e.task_id.empty()) line += " " + e.task_id;
    line += "]";
    if (e.fault) line += " fault=" + std::string(to_string(*e.fault));
    if (!e.note.empty()) line += " (" + e.note + ")";
    std::cerr << line << '\n';
  }

  // ---- lifecycle timer and webhooks ------------------------------------------------------------------------

  /// Makes the lifecycle loop look at the schedule again (after a request may have changed it). I/O thread.
  void wake_lifecycle() {
    if (lifecycle_timer_) lifecycle_timer_->cancel();
    dispatch_webhooks();
  }

  asio::awaitable<void> lifecycle_loop() {
    while (!stopping_) {
      std::optional<sim_time> next;
      {
        std::lock_guard<std::mutex> lock(mutex);
        next = service.next_event();
      }
      lifecycle_timer_->expires_at(next ? *next : sim_clock::now() + std::chrono::hours(1));
      co_await lifecycle_timer_->async_wait(sim_nothrow);
      if (stopping_) co_return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        service.advance(sim_clock::now());
      }
      dispatch_webhooks();
    }
  }

  void dispatch_webhooks() {
    std::vector<std::vector<webhook_job>> groups;
    {
      std::lock_guard<std::mutex> lock(mutex);
      groups = service.take_webhooks();
      // Entries such as refused callbacks were recorded by the service itself; print them too.
    }
    for (auto& group : groups) {
      ++webhooks_in_flight_;
      asio::co_spawn(*io_, deliver_group(std::move(group)), [this](std::exception_ptr e) {
        --webhooks_in_flight_;
        report("webhook delivery", e);
      });
    }
  }

  asio::awaitable<void> deliver_group(std::vector<webhook_job> group) {
    for (auto& job : group) co_await deliver(job);
  }

  /// Logs an exception that ended a connection or delivery coroutine (the simulator itself keeps running).
  void report(std::string_view what, std::exception_ptr e) {
    if (!e) return;
    std::string text = "internal error in " + std::string(what) + ": ";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      text += ex.what();
    } catch (...) {
      text += "unknown exception";
    }
    log_exchange("?", "", std::nullopt, request_kind::other, {}, 0, std::nullopt, std::move(text));
  }

  asio::awaitable<void> deliver(webhook_job& job) {
    const auto url = parse_url(job.url);
    if (!url) co_return;
    const std::size_t attempts = job.retry_delays.size() + 1;
    for (std::size_t attempt = 1; attempt <= attempts; ++attempt) {
      std::string error;
      const int status = co_await post_with_deadline(*url, job.body, error);
      std::string note = "attempt " + std::to_string(attempt);
      if (!job.note.empty()) note += ", " + job.note;
      if (!error.empty()) note += ": " + error;
      log_exchange("POST", job.url, job.provider, request_kind::webhook, job.task_id, status, job.fault, note);
      if (status >= 200 && status < 300) co_return;
      if (attempt == attempts || stopping_) co_return;
      asio::steady_timer wait(*io_, job.retry_delays[attempt - 1]);
      co_await wait.async_wait(sim_nothrow);
    }
  }

  asio::awaitable<int> post_with_deadline(const url_parts& url, const std::string& body, std::string& error) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer deadline(*io_, webhook_timeout_);
    auto result = co_await (post_once(url, body, error) || deadline.async_wait(asio::use_awaitable));
    if (result.index() == 1) {
      error = "timed out";
      co_return 0;
    }
    co_return std::get<0>(result);
  }

  /// One POST to a loopback URL over plain TCP (http) or TLS trusting the simulator's CA (https). Returns the
  /// status, or 0 with `error` set.
  asio::awaitable<int> post_once(url_parts url, std::string body, std::string& error) {
    std::error_code address_ec;
    asio::ip::address address = url.host == "localhost" || url.host == "localhost."
                                    ? asio::ip::make_address("127.0.0.1")
                                    : asio::ip::make_address(url.host, address_ec);
    if (address_ec || !address.is_loopback()) {
      error = "refused: not a loopback address";
      co_return 0;
    }
    asio::ip::tcp::socket socket(*io_);
    {
      auto [ec] = co_await socket.async_connect(asio::ip::tcp::endpoint(address, url.port), sim_nothrow);
      if (ec) {
        error = "connect failed: " + ec.message();
        co_return 0;
      }
    }
    http::request request;
    request.method = http::method::post;
    request.target = url.target;
    const std::string host_header = (url.ip_v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
    request.headers.add("Host", host_header);
    request.headers.add("Content-Type", "application/json");
    request.headers.add("User-Agent", "seedance-sim-webhook");
    request.headers.add("Connection", "close");
    request.body = std::move(body);
    const std::string wire = http::serialize(request);
    if (url.scheme == "https") {
      asio::ssl::context client(asio::ssl::context::tls_client);
      client.set_verify_mode(asio::ssl::verify_peer);
      client.add_certificate_authority(asio::buffer(authority_.ca.certificate_pem));
      tls_stream stream(std::move(socket), client);
      if (url.host == "localhost" || url.host == "localhost.")
        SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
      stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
      auto [hs] = co_await stream.async_handshake(asio::ssl::stream_base::client, sim_nothrow);
      if (hs) {
        error = "TLS handshake failed: " + hs.message();
        co_return 0;
      }
      co_return co_await exchange(stream, wire, error);
    }
    co_return co_await exchange(socket, wire, error);
  }

  template <class Stream>
  static asio::awaitable<int> exchange(Stream& stream, const std::string& wire, std::string& error) {
    auto [wec, written] = co_await asio::async_write(stream, asio::buffer(wire), sim_nothrow);
    if (wec) {
      error = "write failed: " + wec.message();
      co_return 0;
    }
    http::response_parser parser;
    parser.set_request_method(http::method::post);
    std::vector<char> scratch(8192);
    for (;;) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), sim_nothrow);
      std::error_code pec;
      if (n > 0) parser.put(std::string_view(scratch.data(), n), pec);
      if (!pec && parser.done()) co_return parser.get().status;
      if (pec) {
        error = "bad response: " + pec.message();
        co_return 0;
      }
      if (ec) {
        parser.put_eof(pec);
        if (!pec && parser.done()) co_return parser.get().status;
        if (parser.headers_done()) co_return parser.get().status;  // status known; body cut short
        error = "no response: " + ec.message();
        co_return 0;
      }
    }
  }

  certificate_authority authority_;
  pem_pair leaf_;
  std::uint16_t port_ = 0;
  std::chrono::milliseconds webhook_timeout_;
  std::chrono::milliseconds keep_alive_timeout_;
  mutable std::mutex control_mutex_;
  std::unique_ptr<asio::io_context> io_;
  std::unique_ptr<asio::ssl::context> server_tls_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<asio::steady_timer> lifecycle_timer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> webhooks_in_flight_{0};
};

}  // namespace seedance::testing::detail

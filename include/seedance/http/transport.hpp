// seedance/http/transport.hpp - HTTPS/1.1 client transport over standalone Asio with a keep-alive pool.
//
// One `transport` sends requests to absolute https URLs. Connections are pooled per origin (host and port)
// and reused while the server keeps them alive; TLS always verifies the peer and its host name. Deadlines:
// connect, TLS handshake, the whole request, and an idle-read limit that restarts whenever bytes arrive.
// Bodies are buffered up to a limit or streamed to a sink with bounded memory. HTTPS proxies are reached
// through CONNECT. Redirects are followed for GET when asked, only to https URLs.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <algorithm>
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/connect.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <seedance/create_outcome.hpp>
#include <seedance/error.hpp>
#include <seedance/http/detail/connection_pool.hpp>
#include <seedance/http/detail/transport_watchdog.hpp>
#include <seedance/http/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/http/parser.hpp>
#include <seedance/http/proxy.hpp>
#include <seedance/http/serializer.hpp>
#include <seedance/http/tls.hpp>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace seedance::http {

/// Time limits of one request. Each must be positive.
struct timeouts {
  std::chrono::milliseconds connect{10'000};    ///< name resolution + TCP connect (+ proxy CONNECT)
  std::chrono::milliseconds handshake{10'000};  ///< TLS handshake
  std::chrono::milliseconds request{120'000};   ///< the whole send(), redirects and queueing included
  std::chrono::milliseconds idle_read{30'000};  ///< longest pause while a response is arriving
};

/// Configuration of a transport; fixed for its lifetime.
struct transport_options {
  tls_options tls{};                              ///< trust anchors (verification is always on)
  http::timeouts timeouts{};                      ///< deadlines
  parser_limits limits{};                         ///< header limits; max_body_bytes bounds buffered bodies
  std::size_t max_connections_per_origin = 32;    ///< requests beyond it wait for a free connection
  std::chrono::milliseconds idle_expiry{30'000};  ///< idle pooled connections older than this are closed
  proxy_options proxy{};                          ///< CONNECT proxy (explicit or from the environment)
  int max_redirects = 5;                          ///< followed redirects per send() (GET only)
  std::string user_agent = "seedance-cpp";        ///< sent unless the request has a User-Agent
};

/// A request body streamed piece by piece instead of held in request::body (an upload from disk), sent
/// with Content-Length: size (never chunked).
struct body_source {
  std::uint64_t size = 0;  ///< the exact number of body bytes
  /// Fills `buffer` with up to buffer.size() bytes of the body starting at byte `offset` and returns how many
  /// (at least 1 while offset < size). Positional, so a replay on a fresh connection reads from 0 again.
  /// Setting `ec` (or returning 0 early) aborts the request with that error; the connection is not reused.
  std::function<std::size_t(std::uint64_t offset, std::span<char> buffer, std::error_code& ec)> read{};
};

/// Per-request choices.
struct send_options {
  /// When set, the request body comes from here (request::body must be empty), body_chunk_bytes at a time.
  std::optional<body_source> body{};
  body_sink sink{};                               ///< when set, the body goes here chunk by chunk (response.body empty)
  bool follow_redirects = false;                  ///< follow 301/302/303/307/308 for GET, https only
  std::optional<std::uint64_t> max_body_bytes{};  ///< overrides limits.max_body_bytes; with a sink: no limit unless set
  /// Called once per response, when its status line and headers are complete and before any body byte
  /// reaches the sink (not for redirects being followed). Setting ec aborts the request with that error,
  /// like a failing sink. Lets a download check the status and Content-Range before writing anything.
  std::function<void(const response&, std::error_code&)> on_headers{};
};

/// Counters since the transport was made.
struct transport_stats {
  std::uint64_t connections_opened = 0;  ///< TCP connections established (to the origin or a proxy)
  std::uint64_t tls_handshakes = 0;      ///< completed TLS handshakes
  std::uint64_t requests = 0;            ///< requests written (replays and redirects included)
  std::uint64_t reused = 0;              ///< requests written on a pooled keep-alive connection
  std::uint64_t replayed = 0;            ///< idempotent requests sent again after a stale pooled connection
  std::uint64_t redirects = 0;           ///< redirects followed
};

namespace detail {

/// An https URL split into what the transport needs.
struct https_target {
  boost::urls::url url{};
  std::string host{};  ///< lower case, IPv6 without brackets
  std::uint16_t port = 443;
  std::string origin{};       ///< pool key "host:port"
  std::string authority{};    ///< "host:port" as written in CONNECT / messages ("[v6]:port")
  std::string host_header{};  ///< Host header value (port omitted when 443)
  std::string target{};       ///< origin-form path and query
  std::string display{};      ///< "authority/path" for messages: no query, no userinfo
};

/// Checks `url` and splits it. `code` and `field` select how a bad URL is reported.
inline https_target make_https_target(boost::urls::url url, errc code, std::string_view field) {
  const auto fail = [&](std::string_view rule) {
    throw seedance::error(code, std::string(field) + ": " + std::string(rule));
  };
  if (url.scheme_id() != boost::urls::scheme::https) fail("the URL scheme must be https");
  if (url.has_userinfo()) fail("the URL must not contain user information");
  if (!url.has_authority() || url.encoded_host().empty()) fail("the URL has no host");
  https_target t;
  t.host = ascii_lower(url.host_address());
  if (url.has_port() && !url.port().empty()) {
    if (url.port_number() == 0) fail("the URL port must be 1 to 65535");
    t.port = url.port_number();
  }
  url.remove_fragment();
  const std::string bracketed = url.host_type() == boost::urls::host_type::ipv6 ? "[" + t.host + "]" : t.host;
  t.authority = bracketed + ":" + std::to_string(t.port);
  t.origin = t.host + ":" + std::to_string(t.port);
  t.host_header = t.port == 443 ? bracketed : t.authority;
  t.target = url.encoded_path().empty() ? "/" : std::string(url.encoded_path());
  if (url.has_query()) t.target += "?" + std::string(url.encoded_query());
  t.display = t.authority + std::string(url.encoded_path());
  t.url = std::move(url);
  return t;
}

/// Parses the absolute https URL given to send(). Throws seedance::error(errc::invalid_request) naming "url".
inline https_target parse_https_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) throw seedance::error(errc::invalid_request, "url: not a valid absolute URL");
  return make_https_target(boost::urls::url(*parsed), errc::invalid_request, "url");
}

/// Resolves a Location header against the current URL. Throws seedance::error(errc::insecure_redirect).
inline https_target resolve_redirect(const https_target& current, std::string_view location) {
  auto reference = boost::urls::parse_uri_reference(location);
  if (!reference) throw seedance::error(errc::insecure_redirect, "redirect: the Location header is not a valid URL");
  boost::urls::url next;
  if (!boost::urls::resolve(current.url, *reference, next))
    throw seedance::error(errc::insecure_redirect, "redirect: the Location header cannot be resolved");
  return make_https_target(std::move(next), errc::insecure_redirect, "redirect");
}

constexpr bool is_redirect_status(int status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// Errors meaning the peer closed or reset the connection.
inline bool is_connection_loss(const std::error_code& ec) noexcept {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted || ec == asio::error::not_connected ||
         ec == http::parse_error::partial_message;
}

inline std::chrono::steady_clock::time_point deadline_after(std::chrono::milliseconds limit) noexcept {
  const auto now = std::chrono::steady_clock::now();
  if (limit >=
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::time_point::max() - now))
    return std::chrono::steady_clock::time_point::max();
  return now + limit;
}

/// Throws system_error(operation_aborted) when the awaiting coroutine was cancelled (for operations that
/// do not observe per-operation cancellation themselves, such as name resolution).
// Deferred: a template only so that a translation unit that never calls it does not compile it (GCC 12 emits
// every inline coroutine it parses, with the Asio operations it awaits).
template <class Deferred = void>
asio::awaitable<void> throw_if_cancelled() {
  const auto state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) throw std::system_error(asio::error::operation_aborted);
}

/// What one request/response exchange on a connection produced.
struct exchange_result {
  std::error_code ec{};           ///< empty on success
  bool response_started = false;  ///< any response byte arrived
  bool headers_done = false;      ///< the status line and headers were complete
  int status = 0;                 ///< their status, once complete
  bool sink_failed = false;       ///< ec came from the caller's body sink
  bool source_failed = false;     ///< ec came from the caller's body source
  bool reusable = false;          ///< the connection may carry another request
  const char* stage = "";         ///< "sending the request" / "reading the response"
  response message{};
};

}  // namespace detail

/// HTTPS/1.1 client with a keep-alive connection pool per origin.
///
/// Thread safety: not thread-safe. Use one transport from one strand (or a single-threaded io_context), and
/// run every send() on that strand. The transport must outlive every send() it started.
class transport {
 public:
  /// Makes a transport whose I/O runs on `executor`.
  /// Errors: seedance::error(errc::tls_failed) when a configured CA cannot be loaded;
  /// seedance::error(errc::invalid_request) for a malformed proxy URL (explicit or from HTTPS_PROXY) or a
  /// non-positive timeout. Thread safety: reads the environment (HTTPS_PROXY, NO_PROXY) once, here.
  explicit transport(asio::any_io_executor executor, transport_options options = {})
      : executor_(std::move(executor)),
        options_(std::move(options)),
        tls_context_(make_client_context(options_.tls)),
        proxies_(options_.proxy),
        pool_(executor_, options_.max_connections_per_origin, options_.idle_expiry) {
    const auto check = [](std::chrono::milliseconds value, const char* field) {
      if (value.count() <= 0)
        throw seedance::error(errc::invalid_request,
                              std::string("transport_options.timeouts.") + field + ": must be positive");
    };
    check(options_.timeouts.connect, "connect");
    check(options_.timeouts.handshake, "handshake");
    check(options_.timeouts.request, "request");
    check(options_.timeouts.idle_read, "idle_read");
    if (options_.max_redirects < 0)
      throw seedance::error(errc::invalid_request, "transport_options.max_redirects: must not be negative");
  }

  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  /// Sends `req` to the absolute https `url` (its path and query replace req.target) and returns the
  /// response. Adds Host and, when absent, User-Agent; a pooled connection is reused when alive. A request
  /// that meets a stale pooled connection (closed by the server before any response byte) is sent once more
  /// on a new connection when its method is idempotent. With opts.follow_redirects, a GET follows up to
  /// max_redirects redirects to https URLs, dropping Authorization and Cookie when the host or port changes.
  /// `url` is parsed by the call itself, so it may be a temporary even when the awaitable runs later.
  /// With opts.body the request body is streamed from that source with its Content-Length (uploads from disk).
  ///
  /// Errors (seedance::error): invalid_request (a bad URL is thrown by the call itself, a bad header when the
  /// awaitable starts; both before any I/O); connect_failed and
  /// tls_failed (nothing was sent; details().retry_safe = true); proxy_failed; timeout; idle_timeout;
  /// connection_closed; protocol_error; message_too_large; too_many_redirects; insecure_redirect; the
  /// sink's own error code when opts.sink sets one, or the body source's when opts.body->read sets one (an
  /// exception thrown by either propagates as is); outcome_unknown
  /// when a non-idempotent request (POST, PATCH) was written and then failed where it may have been acted on:
  /// no response head arrived, or a 2xx head whose body did not (may_have_created_task(); retry_safe = false).
  /// Error messages never contain header values or URL queries.
  /// Cancellation: per-operation cancellation (bind_cancellation_slot, awaitable operators) closes the
  /// connection and throws std::system_error(asio::error::operation_aborted); the connection is never
  /// pooled again. Thread safety: see the class.
  template <class Deferred = void>
  asio::awaitable<response> send(std::string_view url, request req, send_options opts = {}) {
    return send_to_url(detail::parse_https_url(url), std::move(req), std::move(opts));
  }

  /// Counters since construction. Never throws. Thread safety: see the class.
  transport_stats stats() const noexcept { return stats_; }

  /// Closes every idle pooled connection (connections in use are unaffected). Never throws.
  /// Thread safety: see the class.
  void close_idle() noexcept { pool_.close_idle(); }

  /// The options this transport was made with. Never throws.
  const transport_options& options() const noexcept { return options_; }

  /// The executor all I/O runs on. Never throws.
  const asio::any_io_executor& get_executor() const noexcept { return executor_; }

 private:
  /// send() after the URL was parsed: follows redirects within one watchdog (one request deadline).
  template <class Deferred = void>
  asio::awaitable<response> send_to_url(detail::https_target current, request req, send_options opts) {
    detail::request_watchdog watchdog(executor_, detail::deadline_after(options_.timeouts.request),
                                      options_.timeouts.idle_read);
    int redirects = 0;
    for (;;) {
      response answer = co_await send_to_origin(current, req, opts, watchdog);
      const auto location = answer.headers.find("Location");
      if (!will_follow(opts, req.method, answer.status) || !location) co_return answer;
      if (redirects >= options_.max_redirects) {
        error_details details;
        details.http_status = answer.status;
        details.retry_safe = true;
        throw seedance::error(
            errc::too_many_redirects,
            "GET " + current.display + ": more than " + std::to_string(options_.max_redirects) + " redirects",
            std::move(details));
      }
      ++redirects;
      ++stats_.redirects;
      auto next = detail::resolve_redirect(current, *location);
      if (next.origin != current.origin) {
        req.headers.erase("Authorization");
        req.headers.erase("Cookie");
      }
      current = std::move(next);
    }
  }

  static constexpr std::uint64_t max_discarded_redirect_body = 1 << 20;
  /// Bytes read from a body_source and written per step: large enough for full TLS records and few system
  /// calls, small enough that an upload of any size stays within a few hundred KiB.
  static constexpr std::size_t body_chunk_bytes = 256 * 1024;

  static bool will_follow(const send_options& opts, method m, int status) noexcept {
    return opts.follow_redirects && m == method::get && detail::is_redirect_status(status);
  }

  static std::string milliseconds_text(std::chrono::milliseconds value) {
    return std::to_string(value.count()) + " ms";
  }

  /// Throws the error for a deadline that passed, the request having got as far as `progress`.
  [[noreturn]] void throw_deadline(detail::deadline_kind kind, const std::string& what,
                                   const send_progress& progress) const {
    std::string text;
    errc code = errc::timeout;
    switch (kind) {
      case detail::deadline_kind::connect:
        text = "connecting timed out after " + milliseconds_text(options_.timeouts.connect);
        break;
      case detail::deadline_kind::handshake:
        text = "the TLS handshake timed out after " + milliseconds_text(options_.timeouts.handshake);
        break;
      case detail::deadline_kind::idle_read:
        code = errc::idle_timeout;
        text = "no response data for " + milliseconds_text(options_.timeouts.idle_read);
        break;
      default:
        text = "the request deadline of " + milliseconds_text(options_.timeouts.request) + " passed";
        break;
    }
    throw send_error(what, progress, code, text);
  }

  /// Sends one request to one origin (no redirects), replaying once after a stale pooled connection.
  template <class Deferred = void>
  asio::awaitable<response> send_to_origin(const detail::https_target& target, const request& original,
                                           const send_options& opts, detail::request_watchdog& watchdog) {
    request req = original;
    req.target = target.target;
    req.headers.set("Host", target.host_header);
    if (!req.headers.contains("User-Agent") && !options_.user_agent.empty())
      req.headers.set("User-Agent", options_.user_agent);
    // The whole body is sent at once: the serializer writes the one true Content-Length.
    req.headers.erase("Transfer-Encoding");
    req.headers.erase("Content-Length");
    std::string wire;
    if (opts.body) {  // a streamed body: its declared size is the Content-Length
      if (!req.body.empty() || !opts.body->read)
        throw seedance::error(errc::invalid_request,
                              "send_options.body: needs a read function and an empty request.body");
      req.headers.set("Content-Length", std::to_string(opts.body->size));
      serialize_head(req, wire);
    } else {
      wire = serialize(req);  // throws invalid_request (naming the header) before any I/O
    }
    const std::string what = std::string(to_string(req.method)) + " " + target.display;
    const bool idempotent = is_idempotent(req.method);

    detail::connection_lease lease;
    try {
      lease = co_await pool_.acquire(target.origin, watchdog);
    } catch (const std::system_error&) {
      if (watchdog.fired() != detail::deadline_kind::none) throw_deadline(watchdog.fired(), what, nothing_sent());
      throw;
    }

    const detail::unwatch_on_exit forget_connection(watchdog);  // destroyed before the lease
    bool replayed = false;
    for (;;) {
      if (lease.connection() == nullptr) co_await open_connection(lease, target, watchdog, what);
      const bool reused = lease.reused();
      ++stats_.requests;
      if (reused) ++stats_.reused;
      auto result = co_await exchange(*lease.connection(), wire, req.method, opts, watchdog);
      watchdog.stop_idle_watch();  // a replay's reconnect is bounded by the connect/handshake limits instead
      if (!result.ec) {
        watchdog.unwatch();
        lease.give_back(result.reusable);
        co_return std::move(result.message);
      }
      watchdog.unwatch();

      // What the server may have seen: the one fact every error below is judged by.
      const send_progress progress{.idempotent = idempotent,
                                   .request_written = true,
                                   .response_status = result.headers_done ? result.status : 0};
      if (watchdog.fired() != detail::deadline_kind::none) throw_deadline(watchdog.fired(), what, progress);
      if (result.ec == asio::error::operation_aborted) throw std::system_error(result.ec);

      if (result.sink_failed || result.source_failed) {
        error_details details;
        details.retry_safe = idempotent;
        if (result.headers_done) details.http_status = result.status;
        throw seedance::error(
            result.ec,
            what + (result.sink_failed ? ": the response body sink failed: " : ": reading the request body failed: ") +
                result.ec.message(),
            std::move(details));
      }

      const bool stale = reused && !result.response_started && detail::is_connection_loss(result.ec);
      if (stale && !replayed && idempotent) {
        replayed = true;
        ++stats_.replayed;
        lease.drop_connection();
        continue;
      }
      if (stale && !replayed)
        throw send_error(what, progress, errc::connection_closed,
                         "the server closed the reused keep-alive connection (" + result.ec.message() +
                             ") before answering; " + std::string(to_string(req.method)) +
                             " is not idempotent, so it was not sent again");
      if (result.ec.category() == parse_error_category() && result.ec != parse_error::partial_message) {
        const auto code = to_errc(static_cast<parse_error>(result.ec.value()));
        throw send_error(
            what, progress, code,
            (code == errc::message_too_large ? "the response is over the configured limit (" : "malformed response (") +
                result.ec.message() + ")");
      }
      throw send_error(what, progress, errc::connection_closed,
                       "the connection failed while " + std::string(result.stage) + " (" + result.ec.message() + ")");
    }
  }

  /// Opens a TCP connection (directly or through the proxy) and completes the TLS handshake, attaching the
  /// connection to `lease`. Errors are thrown with retry_safe = true (nothing was sent).
  template <class Deferred = void>
  asio::awaitable<void> open_connection(detail::connection_lease& lease, const detail::https_target& target,
                                        detail::request_watchdog& watchdog, const std::string& what) {
    auto connection = std::make_unique<detail::pooled_connection>(executor_, tls_context_);
    auto& socket = connection->socket();
    const auto proxy = proxies_.proxy_for(target.host);
    const std::string peer = proxy ? "proxy " + proxy->display() : target.authority;
    const auto check = [&](const std::error_code& ec, errc code, const std::string& text) {
      if (!ec) return;
      watchdog.unwatch();
      if (watchdog.fired() != detail::deadline_kind::none) throw_deadline(watchdog.fired(), what, nothing_sent());
      if (ec == asio::error::operation_aborted) throw std::system_error(ec);
      throw send_error(what, nothing_sent(), code, text + ": " + ec.message());
    };

    watchdog.begin_phase(detail::deadline_kind::connect, options_.timeouts.connect);
    asio::ip::tcp::resolver resolver(executor_);
    const detail::unwatch_on_exit forget_targets(watchdog);  // destroyed before the resolver and connection
    watchdog.watch(resolver);
    std::error_code ec;
    const std::string& host = proxy ? proxy->host : target.host;
    const auto port = std::to_string(proxy ? proxy->port : target.port);
    auto flags = asio::ip::resolver_base::numeric_service;
    if (is_ip_literal(host)) flags |= asio::ip::resolver_base::numeric_host;
    auto endpoints = co_await resolver.async_resolve(host, port, flags, asio::redirect_error(asio::use_awaitable, ec));
    check(ec, errc::connect_failed, "cannot resolve " + (proxy ? peer : host));
    co_await detail::throw_if_cancelled();

    watchdog.watch(socket);
    co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    check(ec, errc::connect_failed, "cannot connect to " + peer);
    co_await detail::throw_if_cancelled();
    ++stats_.connections_opened;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);

    if (proxy) co_await open_tunnel(socket, target, *proxy, watchdog, what);

    watchdog.begin_phase(detail::deadline_kind::handshake, options_.timeouts.handshake);
    prepare_client_stream(connection->stream, target.host);
    co_await connection->stream.async_handshake(asio::ssl::stream_base::client,
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      const auto reason = describe_handshake_failure(connection->stream, ec);
      check(ec, errc::tls_failed, "TLS handshake with " + target.authority + " failed: " + reason);
    }
    ++stats_.tls_handshakes;
    watchdog.end_phase();
    watchdog.unwatch();
    lease.attach(std::move(connection));
  }

  /// Asks the proxy for a tunnel to the origin (CONNECT host:port) and checks its answer.
  template <class Deferred = void>
  asio::awaitable<void> open_tunnel(asio::ip::tcp::socket& socket, const detail::https_target& target,
                                    const proxy_endpoint& proxy, detail::request_watchdog& watchdog,
                                    const std::string& what) {
    error_details details;
    const std::string peer = "proxy " + proxy.display();
    request connect_request;
    connect_request.method = method::connect;
    connect_request.target = target.authority;
    connect_request.headers.set("Host", target.authority);
    if (!proxy.authorization.empty()) connect_request.headers.set("Proxy-Authorization", proxy.authorization);
    if (!options_.user_agent.empty()) connect_request.headers.set("User-Agent", options_.user_agent);
    const std::string wire = serialize(connect_request);

    const auto fail = [&](const std::error_code& ec, const std::string& text) {
      watchdog.unwatch();
      if (watchdog.fired() != detail::deadline_kind::none) throw_deadline(watchdog.fired(), what, nothing_sent());
      if (ec == asio::error::operation_aborted) throw std::system_error(ec);
      throw send_error(what, nothing_sent(), errc::proxy_failed, text, details);
    };

    std::error_code ec;
    co_await asio::async_write(socket, asio::buffer(wire), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) fail(ec, peer + " failed during CONNECT (" + ec.message() + ")");

    response_parser parser(options_.limits);  // only the head is read, whatever body a refusal has
    parser.set_request_method(method::connect);
    char buffer[4096];
    while (!parser.headers_done()) {
      const std::size_t received =
          co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (received > 0) {
        std::error_code parse_ec;
        const auto used = parser.put(std::string_view(buffer, received), parse_ec);
        if (parse_ec) fail(parse_ec, peer + " sent a malformed CONNECT response (" + parse_ec.message() + ")");
        if (parser.headers_done() && parser.get().ok() && used < received)
          fail({}, peer + " sent data before the TLS handshake");
      }
      if (ec && !parser.headers_done()) fail(ec, peer + " closed the connection during CONNECT (" + ec.message() + ")");
    }
    const auto& answer = parser.get();
    if (!answer.ok()) {
      details.http_status = answer.status;
      std::string text =
          peer + " refused CONNECT to " + target.authority + " with status " + std::to_string(answer.status);
      if (answer.status == 407)
        text += proxy.authorization.empty() ? " (proxy authentication required: the proxy URL has no credentials)"
                                            : " (proxy authentication required: the proxy rejected the credentials)";
      fail({}, text);
    }
  }

  /// Writes one request and reads its response on `connection`. Failures are returned, not thrown, so the
  /// caller can decide about replays.
  template <class Deferred = void>
  asio::awaitable<detail::exchange_result> exchange(detail::pooled_connection& connection, const std::string& wire,
                                                    method request_method, const send_options& opts,
                                                    detail::request_watchdog& watchdog) {
    detail::exchange_result result;
    auto& stream = connection.stream;
    watchdog.watch(connection.socket());
    ++connection.requests;

    std::error_code ec;
    result.stage = "sending the request";
    co_await asio::async_write(stream, asio::buffer(wire), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      result.ec = ec;
      co_return result;
    }
    if (opts.body && opts.body->size > 0) {
      const body_source& source = *opts.body;
      std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(source.size, body_chunk_bytes)));
      for (std::uint64_t offset = 0; offset < source.size;) {
        const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), source.size - offset));
        std::error_code read_ec;
        const std::size_t got = source.read(offset, std::span<char>(chunk.data(), wanted), read_ec);
        if (!read_ec && (got == 0 || got > wanted)) read_ec = make_error_code(errc::io_error);
        if (read_ec) {
          result.ec = read_ec;
          result.source_failed = true;
          co_return result;
        }
        co_await asio::async_write(stream, asio::buffer(chunk.data(), got),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          result.ec = ec;
          co_return result;
        }
        offset += got;
      }
    }

    const std::uint64_t body_limit = opts.max_body_bytes.value_or(opts.sink ? std::numeric_limits<std::uint64_t>::max()
                                                                            : options_.limits.max_body_bytes);
    parser_limits limits = options_.limits;
    limits.max_body_bytes = body_limit;
    response_parser parser(limits);
    parser.set_request_method(request_method);
    std::string body;
    bool decided = false;
    bool discard = false;  // the body of a redirect that will be followed
    bool abandon = false;  // that body is too long to drain: drop the connection instead
    std::uint64_t received_body = 0;
    bool announced = false;
    // Tells the caller about the status line and headers once, before any body byte.
    auto announce = [&](std::error_code& hook_ec) {
      if (announced || !parser.headers_done()) return;
      announced = true;
      if (!decided) {
        decided = true;
        discard = will_follow(opts, request_method, parser.get().status) && parser.get().headers.contains("Location");
      }
      if (!discard && opts.on_headers) {
        opts.on_headers(parser.get(), hook_ec);
        if (hook_ec) result.sink_failed = true;
      }
    };
    parser.set_body_sink([&](std::string_view chunk, std::error_code& sink_ec) {
      announce(sink_ec);
      if (sink_ec) return;
      received_body += chunk.size();  // the parser enforces body_limit
      if (discard) {
        if (received_body > max_discarded_redirect_body) {
          abandon = true;
          sink_ec = asio::error::operation_aborted;
        }
        return;
      }
      if (opts.sink) {
        opts.sink(chunk, sink_ec);
        if (sink_ec) result.sink_failed = true;
        return;
      }
      body.append(chunk);
    });

    result.stage = "reading the response";
    char* const buffer = connection.read_buffer();
    constexpr std::size_t buffer_size = detail::pooled_connection::read_buffer_size;
    bool leftover = false;
    bool closed = false;
    watchdog.start_idle_watch();
    for (;;) {
      const std::size_t received = co_await stream.async_read_some(asio::buffer(buffer, buffer_size),
                                                                   asio::redirect_error(asio::use_awaitable, ec));
      if (received > 0) {
        watchdog.activity();
        result.response_started = true;
        std::string_view data(buffer, received);
        while (!data.empty() && !parser.done()) {
          std::error_code parse_ec;
          const auto used = parser.put(data, parse_ec);
          result.headers_done = parser.headers_done();
          if (result.headers_done) result.status = parser.get().status;
          if (!parse_ec) announce(parse_ec);
          if (parse_ec) {
            if (abandon) break;
            result.ec = parse_ec;
            co_return result;
          }
          if (used == 0 && !parser.done()) {
            result.ec = parse_error::bad_line_ending;  // the parser made no progress: not HTTP
            co_return result;
          }
          data.remove_prefix(used);
        }
        if (abandon) break;
        if (parser.done()) {
          leftover = !data.empty();
          break;
        }
      }
      if (ec) {
        if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
          std::error_code parse_ec;
          parser.put_eof(parse_ec);
          result.headers_done = parser.headers_done();
          if (result.headers_done) result.status = parser.get().status;
          if (!parse_ec) announce(parse_ec);
          if (parse_ec && result.sink_failed) {
            result.ec = parse_ec;
            co_return result;
          }
          if (!parse_ec && parser.done()) {
            closed = true;  // a close-delimited body ended with the connection
            break;
          }
        }
        result.ec = ec;
        co_return result;
      }
    }
    watchdog.stop_idle_watch();
    result.headers_done = true;
    result.reusable = !abandon && !leftover && !closed && parser.keep_alive();
    result.message = std::move(parser.get());
    result.message.body = std::move(body);
    co_return result;
  }

  asio::any_io_executor executor_;
  transport_options options_;
  asio::ssl::context tls_context_;
  proxy_selector proxies_;
  detail::connection_pool pool_;
  transport_stats stats_;
};

}  // namespace seedance::http

// support/sim_client.hpp - a minimal, test-only HTTPS client for talking to testing::simulator: one TLS
// connection (kept alive between requests), serialize(request) out, response_parser in. It reports exactly
// what happened on the wire (how far the response got, how the connection ended), which is what fault tests
// need. Blocking calls, each bounded by a deadline; not thread-safe (one per thread).
#pragma once

#include <seedance/detail/asio_config.hpp>
#include <seedance/http/message.hpp>
#include <seedance/http/parser.hpp>
#include <seedance/http/serializer.hpp>

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace seedance::test_support {

/// What one exchange produced.
struct sim_result {
  std::error_code error;    ///< transport or parse error ({} when the response completed)
  bool headers = false;     ///< the status line and headers arrived
  bool complete = false;    ///< the whole response arrived
  bool timed_out = false;   ///< the deadline passed
  http::response response;  ///< what arrived (body buffered)
  std::size_t reads = 0;    ///< read operations it took (slow-byte faults show many)
  std::chrono::steady_clock::duration elapsed{};
};

/// A blocking HTTPS client to the simulator (127.0.0.1:port), trusting the given CA.
class sim_client {
 public:
  sim_client(std::uint16_t port, const std::string& ca_pem, std::string api_key = "sim-test-key")
      : port_(port), api_key_(std::move(api_key)), tls_(asio::ssl::context::tls_client) {
    tls_.set_verify_mode(asio::ssl::verify_peer);
    tls_.add_certificate_authority(asio::buffer(ca_pem));
  }

  /// Uses this key in Authorization headers from now on ("" sends none).
  void set_api_key(std::string key) { api_key_ = std::move(key); }

  /// Closes the kept-alive connection (the next request opens a new one).
  void disconnect() { stream_.reset(); }

  /// Sends `request` (Host, Authorization when a key is set) and reads the response within `deadline`.
  sim_result send(http::request request, std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
    if (!request.headers.contains("Host")) request.headers.add("Host", "127.0.0.1:" + std::to_string(port_));
    if (!api_key_.empty() && !request.headers.contains("Authorization"))
      request.headers.add("Authorization", "Bearer " + api_key_);
    sim_result result;
    const auto started = std::chrono::steady_clock::now();
    io_.restart();
    asio::co_spawn(io_, exchange(std::move(request), result), asio::detached);
    io_.run_for(deadline);
    if (!io_.stopped()) {
      // Deadline: close the socket so the exchange ends with an error, then let it finish.
      result.timed_out = true;
      if (stream_) {
        std::error_code ignored;
        stream_->lowest_layer().close(ignored);
      }
      io_.run_for(std::chrono::seconds(5));
    }
    result.elapsed = std::chrono::steady_clock::now() - started;
    if (!result.complete) stream_.reset();
    return result;
  }

  /// GET (or another body-less method) of `target`.
  sim_result get(std::string target, http::method m = http::method::get) {
    http::request r;
    r.method = m;
    r.target = std::move(target);
    return send(std::move(r));
  }

  /// POST of a JSON body.
  sim_result post(std::string target, const boost::json::value& body) {
    http::request r;
    r.method = http::method::post;
    r.target = std::move(target);
    r.headers.add("Content-Type", "application/json");
    r.body = boost::json::serialize(body);
    return send(std::move(r));
  }

 private:
  using stream_type = asio::ssl::stream<asio::ip::tcp::socket>;
  static constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);

  asio::awaitable<void> exchange(http::request request, sim_result& result) {
    if (!stream_) {
      stream_ = std::make_unique<stream_type>(io_, tls_);
      stream_type& fresh = *stream_;
      auto [cec] = co_await fresh.lowest_layer().async_connect(
          asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), nothrow);
      if (cec) {
        result.error = cec;
        co_return;
      }
      fresh.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
      auto [hec] = co_await fresh.async_handshake(asio::ssl::stream_base::client, nothrow);
      if (hec) {
        result.error = hec;
        co_return;
      }
    }
    stream_type& stream = *stream_;
    const std::string wire = http::serialize(request);
    auto [wec, written] = co_await asio::async_write(stream, asio::buffer(wire), nothrow);
    if (wec) {
      result.error = wec;
      co_return;
    }
    http::response_parser parser;
    parser.set_request_method(request.method);
    std::string scratch(16 * 1024, '\0');
    for (;;) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(scratch), nothrow);
      ++result.reads;
      std::error_code pec;
      if (n > 0) parser.put(std::string_view(scratch.data(), n), pec);
      result.headers = parser.headers_done();
      result.response = parser.get();
      if (pec) {
        result.error = pec;
        co_return;
      }
      if (parser.done()) {
        result.complete = true;
        if (!parser.keep_alive()) stream_.reset();
        co_return;
      }
      if (rec) {
        parser.put_eof(pec);
        result.response = parser.get();
        if (!pec && parser.done()) {
          result.complete = true;
          stream_.reset();
          co_return;
        }
        result.error = rec;
        co_return;
      }
    }
  }

  std::uint16_t port_;
  std::string api_key_;
  asio::io_context io_{1};
  asio::ssl::context tls_;
  std::unique_ptr<stream_type> stream_;
};

}  // namespace seedance::test_support

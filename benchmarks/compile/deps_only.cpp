// deps_only.cpp - the baseline of the compile-time probe: only the libraries seedance is built on (Asio with
// TLS, Boost.JSON, Boost.URL), used a little so that their templates are instantiated. See with_seedance.cpp.
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include <string>

asio::awaitable<void> fetch(asio::ssl::stream<asio::ip::tcp::socket>& stream) {
  const boost::urls::url url("https://example.com/api/v1/jobs/recordInfo?taskId=x");
  const std::string head = "GET " + std::string(url.encoded_target()) + " HTTP/1.1\r\nHost: example.com\r\n\r\n";
  co_await asio::async_write(stream, asio::buffer(head), asio::use_awaitable);
  char buffer[4096];
  const std::size_t n = co_await stream.async_read_some(asio::buffer(buffer), asio::use_awaitable);
  const boost::json::value body = boost::json::parse(std::string_view(buffer, n));
  (void)boost::json::serialize(body);
}

int main() {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, tls);
  asio::co_spawn(io, fetch(stream), asio::detached);
  io.run();
}

// seedance/http/parser.hpp - sans-I/O incremental HTTP/1.1 response and request parsers. No socket code.
#pragma once

#include <seedance/error.hpp>
#include <seedance/http/message.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace seedance::http {

/// Why a message could not be parsed. Category "seedance.http"; every value is equivalent to
/// `seedance::condition::transport`.
enum class parse_error {
  bad_line_ending = 1,          ///< a line not ended by CRLF
  bad_status_line,              ///< the status line is not "HTTP/1.x SP 3DIGIT [SP reason]"
  bad_request_line,             ///< the request line is not "method SP target SP HTTP/1.x"
  bad_version,                  ///< not HTTP/1.x
  bad_status_code,              ///< status code is not three digits from 100 to 999
  bad_reason_phrase,            ///< control characters in the reason phrase
  bad_method,                   ///< the method is not a token
  unsupported_method,           ///< a method token the library does not know
  bad_target,                   ///< request target not in origin-, absolute-, authority- (CONNECT) or asterisk-form
  bad_header_name,              ///< empty field name or a character that is not a token character
  space_before_colon,           ///< whitespace between field name and colon
  missing_colon,                ///< a header line without a colon
  bad_header_value,             ///< a control character (other than HTAB) in a field value
  obs_fold,                     ///< obsolete line folding (a header line starting with SP or HTAB)
  header_too_large,             ///< start line and headers together over max_header_bytes
  too_many_headers,             ///< more fields than max_header_count
  bad_content_length,           ///< Content-Length is not a decimal number
  content_length_overflow,      ///< Content-Length does not fit 64 bits
  conflicting_content_length,   ///< several different Content-Length values
  bad_transfer_encoding,        ///< an empty Transfer-Encoding
  unsupported_transfer_coding,  ///< a coding other than a single final "chunked"
  content_length_with_transfer_encoding,  ///< both framing headers: refused (request smuggling)
  bad_chunk_size,                         ///< chunk size missing or not hexadecimal
  chunk_size_overflow,                    ///< chunk size does not fit 64 bits
  bad_chunk_extension,                    ///< control characters in a chunk extension
  chunk_extension_too_large,              ///< chunk extensions over max_chunk_extension_bytes
  bad_chunk_data_end,                     ///< chunk data not followed by CRLF
  trailer_too_large,                      ///< trailer section over max_trailer_bytes
  body_too_large,                         ///< body over max_body_bytes
  partial_message,                        ///< the peer closed the connection before the message ended
};

}  // namespace seedance::http

template <>
struct std::is_error_code_enum<seedance::http::parse_error> : std::true_type {};

namespace seedance::http {

/// The "seedance.http" error category of `parse_error`. Thread-safe; lives for the whole program.
const std::error_category& parse_error_category() noexcept;

/// Makes an error code of category "seedance.http".
inline std::error_code make_error_code(parse_error e) noexcept { return {static_cast<int>(e), parse_error_category()}; }

/// Bounds on what a parser accepts; memory use stays within them whatever the peer sends.
struct parser_limits {
  std::size_t max_header_bytes = 64 * 1024;      ///< start line + header fields (+ skipped 1xx heads)
  std::size_t max_header_count = 100;            ///< header fields (trailers excluded)
  std::uint64_t max_body_bytes = 64ull << 20;    ///< decoded body, buffered or handed to a sink
  std::size_t max_chunk_extension_bytes = 4096;  ///< all chunk extensions of one message together
  std::size_t max_trailer_bytes = 16 * 1024;     ///< trailer section
};

/// Receives body bytes (de-chunked) as they arrive; set `ec` to abort parsing with that error.
using body_sink = std::function<void(std::string_view chunk, std::error_code& ec)>;

/// Incremental HTTP/1.1 response parser. Thread-compatible.
class response_parser {
 public:
  /// A parser ready for the first message.
  explicit response_parser(parser_limits limits = {}) : limits_(limits) {}
  /// Method of the request this response answers: HEAD, and CONNECT with 2xx, have no body. Call before put().
  void set_request_method(method m) { method_ = m; }
  /// Body goes to `sink` piece by piece instead of get().body. Call before put().
  void set_body_sink(body_sink sink) { sink_ = std::move(sink); }
  /// Parses bytes; returns how many were consumed (stops at the end of one message). Sets ec on error.
  std::size_t put(std::string_view bytes, std::error_code& ec) {
    (void)bytes;
    ec = parse_error::partial_message;
    return 0;
  }
  /// The peer closed: completes a close-delimited body; mid-message sets parse_error::partial_message.
  void put_eof(std::error_code& ec) { ec = parse_error::partial_message; }
  /// True once the status line and headers are parsed.
  bool headers_done() const noexcept { return false; }
  /// True once the whole message is parsed.
  bool done() const noexcept { return false; }
  /// True when the connection may carry another message after this one.
  bool keep_alive() const noexcept { return false; }
  /// The Content-Length value, when present.
  std::optional<std::uint64_t> content_length() const noexcept { return std::nullopt; }
  /// True when the body is chunked.
  bool chunked() const noexcept { return false; }
  /// Decoded body bytes received so far.
  std::uint64_t body_bytes() const noexcept { return 0; }
  /// The message parsed so far.
  const response& get() const noexcept { return msg_; }
  /// The message parsed so far (move the body out if wanted).
  response& get() noexcept { return msg_; }
  /// Ready for the next message; keeps the limits.
  void reset() { msg_ = {}; }

 private:
  parser_limits limits_;
  method method_ = method::get;
  body_sink sink_;
  response msg_;
};

/// Incremental HTTP/1.1 request parser (server side). Thread-compatible.
class request_parser {
 public:
  /// A parser ready for the first message.
  explicit request_parser(parser_limits limits = {}) : limits_(limits) {}
  /// Body goes to `sink` piece by piece instead of get().body. Call before put().
  void set_body_sink(body_sink sink) { sink_ = std::move(sink); }
  /// Parses bytes; returns how many were consumed (stops at the end of one message). Sets ec on error.
  std::size_t put(std::string_view bytes, std::error_code& ec) {
    (void)bytes;
    ec = parse_error::partial_message;
    return 0;
  }
  /// The peer closed: mid-message sets parse_error::partial_message.
  void put_eof(std::error_code& ec) { ec = parse_error::partial_message; }
  /// True once the request line and headers are parsed.
  bool headers_done() const noexcept { return false; }
  /// True once the whole message is parsed.
  bool done() const noexcept { return false; }
  /// True when the connection may carry another message after this one.
  bool keep_alive() const noexcept { return false; }
  /// The Content-Length value, when present.
  std::optional<std::uint64_t> content_length() const noexcept { return std::nullopt; }
  /// True when the body is chunked.
  bool chunked() const noexcept { return false; }
  /// Decoded body bytes received so far.
  std::uint64_t body_bytes() const noexcept { return 0; }
  /// The message parsed so far.
  const request& get() const noexcept { return msg_; }
  /// The message parsed so far.
  request& get() noexcept { return msg_; }
  /// Ready for the next message; keeps the limits.
  void reset() { msg_ = {}; }

 private:
  parser_limits limits_;
  body_sink sink_;
  request msg_;
};

namespace detail {
class parse_error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "seedance.http"; }
  std::string message(int) const override { return "malformed HTTP message"; }
  std::error_condition default_error_condition(int) const noexcept override {
    return make_error_condition(condition::transport);
  }
};
}  // namespace detail

inline const std::error_category& parse_error_category() noexcept {
  static const detail::parse_error_category_impl instance;
  return instance;
}

}  // namespace seedance::http

// seedance/http/parser.hpp - sans-I/O incremental HTTP/1.1 response and request parsers (RFC 9112). No socket
// code: the caller feeds bytes with put() and end-of-stream with put_eof().
//
// Any split of the input gives the same result. Memory stays bounded by `parser_limits` whatever the peer
// sends, byte by byte included. Framing is strict where laxness enables request smuggling: lines end in CRLF,
// Content-Length together with Transfer-Encoding is refused, only a single "chunked" coding is accepted.
#pragma once

#include <seedance/error.hpp>
#include <seedance/http/detail/chars.hpp>
#include <seedance/http/message.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace seedance::http {

/// Why a message could not be parsed. Category "seedance.http"; every value is equivalent to
/// `seedance::condition::transport`. `to_errc()` maps a value onto `seedance::errc`.
enum class parse_error {
  bad_line_ending = 1,                    ///< a line not ended by CRLF
  bad_status_line,                        ///< the status line is not "HTTP/1.x SP 3DIGIT [SP reason]"
  bad_request_line,                       ///< the request line is not "method SP target SP HTTP/1.x"
  bad_version,                            ///< not HTTP/1.x
  bad_status_code,                        ///< the status code is not three digits from 100 to 999
  bad_reason_phrase,                      ///< a control character in the reason phrase
  bad_method,                             ///< the method is not a token
  unsupported_method,                     ///< a method token the library does not know
  bad_target,                             ///< target not in origin-, absolute-, authority- (CONNECT) or asterisk-form
  bad_header_name,                        ///< empty field name or a character that is not a token character
  space_before_colon,                     ///< whitespace between a field name and its colon
  missing_colon,                          ///< a header line without a colon
  bad_header_value,                       ///< a control character (other than HTAB) in a field value
  obs_fold,                               ///< obsolete line folding (a header line starting with SP or HTAB)
  header_too_large,                       ///< start line and headers together over max_header_bytes
  too_many_headers,                       ///< more fields than max_header_count
  bad_content_length,                     ///< Content-Length is not a decimal number
  content_length_overflow,                ///< Content-Length does not fit 64 bits
  conflicting_content_length,             ///< several different Content-Length values
  bad_transfer_encoding,                  ///< a Transfer-Encoding field without any coding
  unsupported_transfer_coding,            ///< a coding other than a single, final "chunked"
  content_length_with_transfer_encoding,  ///< both framing fields: refused (request smuggling)
  bad_chunk_size,                         ///< a chunk size missing, not hexadecimal, or too many digits
  chunk_size_overflow,                    ///< a chunk size that does not fit 64 bits
  bad_chunk_extension,                    ///< a control character in a chunk extension
  chunk_extension_too_large,              ///< chunk extensions of the message over max_chunk_extension_bytes
  bad_chunk_data_end,                     ///< chunk data not followed by CRLF
  trailer_too_large,                      ///< the trailer section over max_trailer_bytes
  body_too_large,                         ///< the body over max_body_bytes
  partial_message,                        ///< the stream ended before the message did
};

}  // namespace seedance::http

template <>
struct std::is_error_code_enum<seedance::http::parse_error> : std::true_type {};

namespace seedance::http {

/// The "seedance.http" error category of `parse_error`. Thread-safe; lives for the whole program.
const std::error_category& parse_error_category() noexcept;

/// Makes an error code of category "seedance.http". Never throws.
inline std::error_code make_error_code(parse_error e) noexcept { return {static_cast<int>(e), parse_error_category()}; }

/// The library error code a transport reports for `e`: message_too_large for limits, connection_closed for
/// partial_message, protocol_error otherwise. Never throws.
constexpr errc to_errc(parse_error e) noexcept {
  switch (e) {
    case parse_error::header_too_large:
    case parse_error::too_many_headers:
    case parse_error::chunk_extension_too_large:
    case parse_error::trailer_too_large:
    case parse_error::body_too_large:
      return errc::message_too_large;
    case parse_error::partial_message:
      return errc::connection_closed;
    default:
      return errc::protocol_error;
  }
}

/// Bounds on what a parser accepts; memory use stays within them whatever the peer sends.
struct parser_limits {
  /// Start line and header fields with their CRLFs and the final empty line; the heads of skipped 1xx
  /// responses count too.
  std::size_t max_header_bytes = 64 * 1024;
  /// Header fields of the message (trailer fields are bounded by max_trailer_bytes instead).
  std::size_t max_header_count = 100;
  /// Decoded body bytes, buffered or handed to a sink.
  std::uint64_t max_body_bytes = 64ull << 20;
  /// All chunk extensions of one message together (with the whitespace before them).
  std::size_t max_chunk_extension_bytes = 4096;
  /// Trailer fields with their CRLFs (the final empty line excluded).
  std::size_t max_trailer_bytes = 16 * 1024;
};

/// Receives body bytes (de-chunked) as they arrive, in pieces; set `ec` to abort parsing with that error.
using body_sink = std::function<void(std::string_view chunk, std::error_code& ec)>;

namespace detail {

/// The parsing engine shared by response_parser and request_parser.
template <bool IsRequest>
class basic_parser {
 public:
  using message_type = std::conditional_t<IsRequest, request, response>;

  explicit basic_parser(const parser_limits& limits) : limits_(limits) {}

  void set_limits(const parser_limits& limits) noexcept { limits_ = limits; }
  const parser_limits& limits() const noexcept { return limits_; }
  void set_request_method(method m) noexcept { request_method_ = m; }
  void set_body_sink(body_sink sink) { sink_ = std::move(sink); }

  std::size_t put(std::string_view in, std::error_code& ec) {
    ec.clear();
    if (state_ == state::failed) {
      ec = error_;
      return 0;
    }
    std::size_t pos = 0;
    while (pos < in.size() && state_ != state::done) {
      started_ = true;
      const std::string_view rest = in.substr(pos);
      switch (state_) {
        case state::start_line:
        case state::fields:
          pos += parse_head(rest, ec);
          break;
        case state::body_length:
          pos += parse_length_body(rest, ec);
          break;
        case state::body_close:
          pos += parse_close_body(rest, ec);
          break;
        case state::trailers:
          pos += parse_trailers(rest, ec);
          break;
        case state::done:
        case state::failed:
          break;
        default:
          pos += parse_chunked(rest, ec);
          break;
      }
      if (ec) {
        fail(ec);
        return pos;
      }
    }
    return pos;
  }

  void put_eof(std::error_code& ec) {
    ec.clear();
    if (state_ == state::failed) {
      ec = error_;
    } else if (state_ == state::body_close) {
      state_ = state::done;
    } else if (state_ != state::done) {
      ec = parse_error::partial_message;
      fail(ec);
    }
  }

  bool headers_done() const noexcept { return headers_done_; }
  bool done() const noexcept { return state_ == state::done; }
  bool started() const noexcept { return started_; }
  bool keep_alive() const noexcept { return headers_done_ && keep_alive_; }
  std::optional<std::uint64_t> content_length() const noexcept { return content_length_; }
  bool chunked() const noexcept { return chunked_; }
  std::uint64_t body_bytes() const noexcept { return body_bytes_; }
  int version_minor() const noexcept { return version_minor_; }
  std::error_code error() const noexcept { return error_; }
  const message_type& get() const noexcept { return msg_; }
  message_type& get() noexcept { return msg_; }

  void reset() {
    // Keep buffers of a reasonable size for the next message; drop large ones.
    constexpr std::size_t keep_capacity = 64 * 1024;
    std::string body = std::move(msg_.body);
    msg_ = message_type{};
    if (body.capacity() <= keep_capacity) {
      body.clear();
      msg_.body = std::move(body);
    }
    if (line_buf_.capacity() > keep_capacity) line_buf_ = std::string();
    line_buf_.clear();
    const parser_limits limits = limits_;
    *this = basic_parser(limits, std::move(msg_), std::move(line_buf_));
  }

 private:
  enum class state : std::uint8_t {
    start_line,
    fields,
    body_length,
    body_close,
    chunk_size,
    chunk_size_space,
    chunk_extension,
    chunk_size_lf,
    chunk_data,
    chunk_data_cr,
    chunk_data_lf,
    trailers,
    done,
    failed,
  };

  basic_parser(const parser_limits& limits, message_type&& msg, std::string&& line_buf) noexcept
      : limits_(limits), msg_(std::move(msg)), line_buf_(std::move(line_buf)) {}

  void fail(std::error_code ec) noexcept {
    state_ = state::failed;
    error_ = ec;
  }

  // Takes bytes of the current line from `in`: returns how many were consumed. When the line is complete,
  // `line` is set to it without its CRLF and `complete` to true. `used` counts the bytes of the section so
  // far (partial line included) and never exceeds `limit`, so the line buffer stays bounded.
  std::size_t take_line(std::string_view in, std::size_t& used, std::size_t limit, parse_error too_large,
                        std::string_view& line, bool& complete, std::error_code& ec) {
    complete = false;
    const void* newline = std::memchr(in.data(), '\n', in.size());
    const std::size_t length =
        newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - in.data()) + 1 : in.size();
    if (length > limit - used) {
      ec = too_large;
      return 0;
    }
    used += length;
    if (!newline) {
      line_buf_.append(in.data(), length);
      return length;
    }
    if (line_buf_.empty()) {
      line = in.substr(0, length);
    } else {
      line_buf_.append(in.data(), length);
      line = line_buf_;
    }
    if (line.size() < 2 || line[line.size() - 2] != '\r') {
      ec = parse_error::bad_line_ending;
      return length;
    }
    line.remove_suffix(2);
    complete = true;
    return length;
  }

  std::size_t parse_head(std::string_view in, std::error_code& ec) {
    std::string_view line;
    bool complete = false;
    const std::size_t n =
        take_line(in, head_bytes_, limits_.max_header_bytes, parse_error::header_too_large, line, complete, ec);
    if (!complete) return n;
    if (state_ == state::start_line) {
      // RFC 9112 §2.2: empty lines before the start line are ignored (they still count against the limit).
      if (!line.empty()) {
        ec = parse_start_line(line);
        if (!ec) state_ = state::fields;
      }
    } else if (line.empty()) {
      on_headers_complete(ec);
    } else if (detail::is_ows(line.front())) {
      ec = parse_error::obs_fold;
    } else if (msg_.headers.size() >= limits_.max_header_count) {
      ec = parse_error::too_many_headers;
    } else {
      ec = parse_field(line, msg_.headers);
    }
    line_buf_.clear();
    return n;
  }

  static std::error_code parse_field(std::string_view line, headers& out) {
    std::size_t colon = 0;
    while (colon < line.size() && detail::is_token_char(line[colon])) ++colon;
    if (colon == line.size()) return colon == 0 ? parse_error::bad_header_name : parse_error::missing_colon;
    if (line[colon] != ':') {
      if (detail::is_ows(line[colon])) {
        // "Name : value" (RFC 9112 §5.1 demands rejection); "Na me: v" is a bad name.
        std::size_t next = colon;
        while (next < line.size() && detail::is_ows(line[next])) ++next;
        if (colon > 0 && next < line.size() && line[next] == ':') return parse_error::space_before_colon;
      }
      return parse_error::bad_header_name;
    }
    if (colon == 0) return parse_error::bad_header_name;
    const std::string_view value = detail::trim_ows(line.substr(colon + 1));
    if (detail::find_bad_field_char(value) != std::string_view::npos) return parse_error::bad_header_value;
    out.add(std::string(line.substr(0, colon)), std::string(value));
    return {};
  }

  // "HTTP/1.x" -> minor version, or -1.
  static int parse_version(std::string_view v) noexcept {
    if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[5] != '1' || v[6] != '.' || !detail::is_digit(v[7])) return -1;
    return v[7] - '0';
  }

  std::error_code parse_start_line(std::string_view line) {
    if constexpr (IsRequest) {
      return parse_request_line(line);
    } else {
      return parse_status_line(line);
    }
  }

  std::error_code parse_status_line(std::string_view line) {
    if (line.substr(0, 5) != "HTTP/") return parse_error::bad_status_line;
    const int minor = parse_version(line.substr(0, 8));
    if (minor < 0) return parse_error::bad_version;
    if (line.size() < 9 || line[8] != ' ') return parse_error::bad_status_line;
    if (line.size() < 12 || !detail::is_digit(line[9]) || !detail::is_digit(line[10]) || !detail::is_digit(line[11]))
      return parse_error::bad_status_code;
    if (line.size() > 12 && line[12] != ' ')
      return detail::is_digit(line[12]) ? parse_error::bad_status_code : parse_error::bad_status_line;
    const int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (status < 100) return parse_error::bad_status_code;
    const std::string_view reason = line.size() > 13 ? line.substr(13) : std::string_view();
    if (detail::find_bad_field_char(reason) != std::string_view::npos) return parse_error::bad_reason_phrase;
    if constexpr (!IsRequest) {
      msg_.version_minor = minor;
      msg_.status = status;
      msg_.reason.assign(reason);
    }
    version_minor_ = minor;
    return {};
  }

  std::error_code parse_request_line(std::string_view line) {
    const auto first_space = line.find(' ');
    if (first_space == std::string_view::npos) return parse_error::bad_request_line;
    const std::string_view method_token = line.substr(0, first_space);
    if (!detail::is_token(method_token)) return parse_error::bad_method;
    const auto parsed_method = parse_method(method_token);
    if (!parsed_method) return parse_error::unsupported_method;
    const std::string_view rest = line.substr(first_space + 1);
    const auto second_space = rest.find(' ');
    if (second_space == std::string_view::npos) return parse_error::bad_request_line;
    const std::string_view target = rest.substr(0, second_space);
    const std::string_view version = rest.substr(second_space + 1);
    if (version.substr(0, 5) != "HTTP/") return parse_error::bad_request_line;
    const int minor = parse_version(version);
    if (minor < 0) return parse_error::bad_version;
    if (!valid_target(*parsed_method, target)) return parse_error::bad_target;
    if constexpr (IsRequest) {
      msg_.method = *parsed_method;
      msg_.target.assign(target);
    }
    version_minor_ = minor;
    return {};
  }

  static bool valid_target(method m, std::string_view target) noexcept {
    if (target.empty()) return false;
    for (char c : target) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f) return false;
    }
    if (m == method::connect) {
      // authority-form: host ":" port (RFC 9112 §3.2.3).
      if (target.find_first_of("/?#@") != std::string_view::npos) return false;
      const auto colon = target.rfind(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == target.size()) return false;
      for (char c : target.substr(colon + 1))
        if (!detail::is_digit(c)) return false;
      return true;
    }
    if (target.front() == '/') return true;               // origin-form
    if (target == "*") return m == method::options;       // asterisk-form
    if (!detail::is_alpha(target.front())) return false;  // absolute-form: scheme ":" ...
    for (std::size_t i = 1; i < target.size(); ++i) {
      const char c = target[i];
      if (c == ':') return true;
      if (!detail::is_alpha(c) && !detail::is_digit(c) && c != '+' && c != '-' && c != '.') return false;
    }
    return false;
  }

  std::error_code add_content_length(std::string_view value) {
    // A list of identical values ("5, 5") is accepted like repeated identical fields (RFC 9110 §8.6).
    while (true) {
      const auto comma = value.find(',');
      const std::string_view element = detail::trim_ows(value.substr(0, comma));
      if (element.empty()) return parse_error::bad_content_length;
      std::uint64_t n = 0;
      for (char c : element) {
        if (!detail::is_digit(c)) return parse_error::bad_content_length;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return parse_error::content_length_overflow;
        n = n * 10 + digit;
      }
      if (content_length_ && *content_length_ != n) return parse_error::conflicting_content_length;
      content_length_ = n;
      if (comma == std::string_view::npos) return {};
      value.remove_prefix(comma + 1);
    }
  }

  void on_headers_complete(std::error_code& ec) {
    if constexpr (!IsRequest) {
      if (msg_.status >= 100 && msg_.status < 200 && msg_.status != 101) {
        // Interim response: dropped; the final response follows on the same stream.
        msg_.status = 0;
        msg_.reason.clear();
        msg_.headers.clear();
        state_ = state::start_line;
        return;
      }
    }
    bool has_transfer_encoding = false, only_chunked = true, connection_close = false, connection_keep_alive = false;
    std::size_t codings = 0;
    for (const auto& f : msg_.headers) {
      if (iequals(f.name, "content-length")) {
        ec = add_content_length(f.value);
        if (ec) return;
      } else if (iequals(f.name, "transfer-encoding")) {
        has_transfer_encoding = true;
        detail::for_each_list_element(f.value, [&](std::string_view coding) {
          ++codings;
          if (!iequals(coding, "chunked")) only_chunked = false;
          return true;
        });
      } else if (iequals(f.name, "connection")) {
        detail::for_each_list_element(f.value, [&](std::string_view option) {
          if (iequals(option, "close")) connection_close = true;
          if (iequals(option, "keep-alive")) connection_keep_alive = true;
          return true;
        });
      }
    }
    if (has_transfer_encoding) {
      if (content_length_) {
        ec = parse_error::content_length_with_transfer_encoding;
        return;
      }
      if (codings == 0) {
        ec = parse_error::bad_transfer_encoding;
        return;
      }
      // Only "chunked", exactly once: we never ask for compressed transfer codings.
      if (codings != 1 || !only_chunked) {
        ec = parse_error::unsupported_transfer_coding;
        return;
      }
      chunked_ = true;
    }
    keep_alive_ = version_minor_ >= 1 ? !connection_close : connection_keep_alive && !connection_close;
    if (chunked_ && version_minor_ == 0) keep_alive_ = false;  // RFC 9112 §6.1: faulty framing in HTTP/1.0
    headers_done_ = true;

    if constexpr (!IsRequest) {
      const int status = msg_.status;
      if (status == 101 || (request_method_ == method::connect && status / 100 == 2)) {
        keep_alive_ = false;  // the connection now carries another protocol
        state_ = state::done;
        return;
      }
      if (request_method_ == method::head || status == 204 || status == 304) {
        state_ = state::done;
        return;
      }
    }
    if (chunked_) {
      state_ = state::chunk_size;
    } else if (content_length_) {
      if (*content_length_ > limits_.max_body_bytes) {
        ec = parse_error::body_too_large;
        return;
      }
      remaining_ = *content_length_;
      if (remaining_ == 0) {
        state_ = state::done;
        return;
      }
      if (!sink_) msg_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, 8u << 20)));
      state_ = state::body_length;
    } else if constexpr (IsRequest) {
      state_ = state::done;  // requests without framing fields have no body
    } else {
      keep_alive_ = false;  // the body ends when the connection closes
      state_ = state::body_close;
    }
  }

  void deliver(std::string_view piece, std::error_code& ec) {
    body_bytes_ += piece.size();
    if (sink_) {
      sink_(piece, ec);
    } else {
      msg_.body.append(piece);
    }
  }

  std::size_t parse_length_body(std::string_view in, std::error_code& ec) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
    remaining_ -= n;
    if (remaining_ == 0) state_ = state::done;
    deliver(in.substr(0, n), ec);
    return n;
  }

  std::size_t parse_close_body(std::string_view in, std::error_code& ec) {
    // Up to the limit, then the error: what was delivered does not depend on how the input was split.
    const auto room = limits_.max_body_bytes - body_bytes_;
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(room, in.size()));
    if (n > 0) deliver(in.substr(0, n), ec);
    if (!ec && n < in.size()) ec = parse_error::body_too_large;
    return n;
  }

  bool count_extension_byte(std::error_code& ec) {
    if (extension_bytes_ >= limits_.max_chunk_extension_bytes) {
      ec = parse_error::chunk_extension_too_large;
      return false;
    }
    ++extension_bytes_;
    return true;
  }

  std::size_t parse_chunked(std::string_view in, std::error_code& ec) {
    constexpr std::size_t max_size_digits = 64;  // leading zeros included
    std::size_t i = 0;
    while (i < in.size()) {
      const char c = in[i];
      switch (state_) {
        case state::chunk_size: {
          if (const int digit = detail::hex_value(c); digit >= 0) {
            if (chunk_size_ > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
              ec = parse_error::chunk_size_overflow;
              return i;
            }
            if (++chunk_size_digits_ > max_size_digits) {
              ec = parse_error::bad_chunk_size;
              return i;
            }
            chunk_size_ = chunk_size_ * 16 + static_cast<std::uint64_t>(digit);
            ++i;
            continue;
          }
          if (chunk_size_digits_ == 0) {
            ec = parse_error::bad_chunk_size;
            return i;
          }
          if (c == '\r') {
            state_ = state::chunk_size_lf;
          } else if (c == ';' || detail::is_ows(c)) {
            if (!count_extension_byte(ec)) return i;
            state_ = c == ';' ? state::chunk_extension : state::chunk_size_space;
          } else {
            ec = c == '\n' ? parse_error::bad_line_ending : parse_error::bad_chunk_size;
            return i;
          }
          ++i;
          continue;
        }
        case state::chunk_size_space: {
          // Whitespace after the size is tolerated before ';' and, leniently, before CRLF ("5 \r\n").
          if (c == '\r') {
            state_ = state::chunk_size_lf;
          } else if (c == ';' || detail::is_ows(c)) {
            if (!count_extension_byte(ec)) return i;
            if (c == ';') state_ = state::chunk_extension;
          } else {
            ec = c == '\n' ? parse_error::bad_line_ending : parse_error::bad_chunk_size;
            return i;
          }
          ++i;
          continue;
        }
        case state::chunk_extension: {
          // Extensions are validated and skipped, never stored.
          const std::string_view rest = in.substr(i);
          const auto cr = rest.find('\r');
          const std::size_t length = std::min(cr, rest.size());
          // Characters within the budget are checked first so that the error does not depend on the split.
          const std::size_t budget = limits_.max_chunk_extension_bytes - extension_bytes_;
          if (const auto bad = detail::find_bad_field_char(rest.substr(0, std::min(length, budget)));
              bad != std::string_view::npos) {
            ec = parse_error::bad_chunk_extension;
            return i + bad;
          }
          if (length > budget) {
            ec = parse_error::chunk_extension_too_large;
            return i + budget;
          }
          extension_bytes_ += length;
          i += length;
          if (cr != std::string_view::npos) {
            state_ = state::chunk_size_lf;
            ++i;
          }
          continue;
        }
        case state::chunk_size_lf: {
          if (c != '\n') {
            ec = parse_error::bad_line_ending;
            return i;
          }
          ++i;
          if (chunk_size_ == 0) {
            state_ = state::trailers;
            return i;
          }
          if (chunk_size_ > limits_.max_body_bytes - body_bytes_) {
            ec = parse_error::body_too_large;
            return i;
          }
          remaining_ = chunk_size_;
          state_ = state::chunk_data;
          continue;
        }
        case state::chunk_data: {
          const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
          remaining_ -= n;
          if (remaining_ == 0) state_ = state::chunk_data_cr;
          deliver(in.substr(i, n), ec);
          i += n;
          if (ec) return i;
          continue;
        }
        case state::chunk_data_cr:
        case state::chunk_data_lf: {
          if (c != (state_ == state::chunk_data_cr ? '\r' : '\n')) {
            ec = parse_error::bad_chunk_data_end;
            return i;
          }
          ++i;
          if (state_ == state::chunk_data_lf) {
            chunk_size_ = 0;
            chunk_size_digits_ = 0;
            state_ = state::chunk_size;
          } else {
            state_ = state::chunk_data_lf;
          }
          continue;
        }
        default:
          return i;
      }
    }
    return i;
  }

  std::size_t parse_trailers(std::string_view in, std::error_code& ec) {
    std::string_view line;
    bool complete = false;
    // +2: the final empty line does not count against the limit.
    const std::size_t n = take_line(in, trailer_bytes_, limits_.max_trailer_bytes + 2, parse_error::trailer_too_large,
                                    line, complete, ec);
    if (!complete) return n;
    if (line.empty()) {
      state_ = state::done;
    } else if (trailer_bytes_ > limits_.max_trailer_bytes) {
      ec = parse_error::trailer_too_large;
    } else if (detail::is_ows(line.front())) {
      ec = parse_error::obs_fold;
    } else {
      ec = parse_field(line, msg_.headers);
    }
    line_buf_.clear();
    return n;
  }

  parser_limits limits_;
  message_type msg_;
  std::string line_buf_;  // the current line when it spans several put() calls
  body_sink sink_;
  std::error_code error_;
  std::optional<std::uint64_t> content_length_;
  std::uint64_t body_bytes_ = 0;
  std::uint64_t remaining_ = 0;  // of the Content-Length body or of the current chunk
  std::uint64_t chunk_size_ = 0;
  std::size_t chunk_size_digits_ = 0;
  std::size_t head_bytes_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::size_t extension_bytes_ = 0;
  int version_minor_ = 1;
  method request_method_ = method::get;
  state state_ = state::start_line;
  bool headers_done_ = false;
  bool keep_alive_ = false;
  bool chunked_ = false;
  bool started_ = false;
};

}  // namespace detail

/// Incremental HTTP/1.1 response parser (client side). Feed bytes with put() until done(); any split of the
/// input gives the same result. 1xx interim responses other than 101 are skipped. Thread-compatible: one
/// parser per connection, used from one thread at a time.
class response_parser {
 public:
  /// A parser ready for the first message, bounded by `limits`.
  explicit response_parser(parser_limits limits = {}) : impl_(limits) {}

  /// Method of the request this response answers: responses to HEAD, and 2xx responses to CONNECT, have no
  /// body. Call before put(); reset() forgets it (back to GET).
  void set_request_method(method m) noexcept { impl_.set_request_method(m); }

  /// Sends the body (de-chunked) to `sink` piece by piece as it arrives instead of storing it in get().body;
  /// no piece is larger than the input handed to put(). Call before put(); reset() forgets the sink.
  void set_body_sink(body_sink sink) { impl_.set_body_sink(std::move(sink)); }

  /// Replaces the limits (e.g. a per-request max_body_bytes). Call before put(); reset() keeps them.
  void set_limits(const parser_limits& limits) noexcept { impl_.set_limits(limits); }

  /// The limits in force.
  const parser_limits& limits() const noexcept { return impl_.limits(); }

  /// Parses `bytes`; returns how many were consumed. Stops at the end of one message: bytes after it are
  /// left unconsumed (keep them for the next message after reset()). On malformed or oversized input sets
  /// `ec` to a parse_error (or to the error a sink set) and the parser stays failed: later calls consume
  /// nothing and report the same error. Throws only std::bad_alloc (and what a sink throws).
  std::size_t put(std::string_view bytes, std::error_code& ec) { return impl_.put(bytes, ec); }

  /// The peer closed the stream: completes a close-delimited body; a no-op when done(); otherwise sets `ec`
  /// to parse_error::partial_message (also when no byte arrived: see started()). Never throws.
  void put_eof(std::error_code& ec) noexcept { impl_.put_eof(ec); }

  /// True once the final status line and headers are parsed.
  bool headers_done() const noexcept { return impl_.headers_done(); }

  /// True once the whole message is parsed.
  bool done() const noexcept { return impl_.done(); }

  /// True once any byte of this message (or of a skipped 1xx response) has been consumed.
  bool started() const noexcept { return impl_.started(); }

  /// True when the connection may carry another message after this one: HTTP/1.1 unless "Connection:
  /// close", HTTP/1.0 only with "Connection: keep-alive"; never for close-delimited bodies, 101 or CONNECT.
  /// False until headers_done().
  bool keep_alive() const noexcept { return impl_.keep_alive(); }

  /// The Content-Length value, when the message has one.
  std::optional<std::uint64_t> content_length() const noexcept { return impl_.content_length(); }

  /// True when the message uses Transfer-Encoding: chunked.
  bool chunked() const noexcept { return impl_.chunked(); }

  /// Decoded body bytes received so far (buffered or handed to the sink).
  std::uint64_t body_bytes() const noexcept { return impl_.body_bytes(); }

  /// The error the parser failed with, or an empty code.
  std::error_code error() const noexcept { return impl_.error(); }

  /// The response parsed so far; trailer fields are appended to its headers.
  const response& get() const noexcept { return impl_.get(); }

  /// The response parsed so far (move the body out if wanted).
  response& get() noexcept { return impl_.get(); }

  /// Forgets the message, the request method and the sink: ready for the next message. Keeps the limits.
  void reset() { impl_.reset(); }

 private:
  detail::basic_parser<false> impl_;
};

/// Incremental HTTP/1.1 request parser (server side). Same contract as response_parser; a request without
/// Content-Length or Transfer-Encoding has no body. Thread-compatible.
class request_parser {
 public:
  /// A parser ready for the first message, bounded by `limits`.
  explicit request_parser(parser_limits limits = {}) : impl_(limits) {}

  /// Sends the body (de-chunked) to `sink` piece by piece instead of get().body. Call before put(); reset()
  /// forgets the sink.
  void set_body_sink(body_sink sink) { impl_.set_body_sink(std::move(sink)); }

  /// Replaces the limits. Call before put(); reset() keeps them.
  void set_limits(const parser_limits& limits) noexcept { impl_.set_limits(limits); }

  /// The limits in force.
  const parser_limits& limits() const noexcept { return impl_.limits(); }

  /// Parses `bytes`; returns how many were consumed, stopping at the end of one request (pipelined bytes are
  /// left unconsumed). Errors as response_parser::put().
  std::size_t put(std::string_view bytes, std::error_code& ec) { return impl_.put(bytes, ec); }

  /// The peer closed the stream: a no-op when done(), otherwise sets parse_error::partial_message.
  void put_eof(std::error_code& ec) noexcept { impl_.put_eof(ec); }

  /// True once the request line and headers are parsed.
  bool headers_done() const noexcept { return impl_.headers_done(); }

  /// True once the whole request is parsed.
  bool done() const noexcept { return impl_.done(); }

  /// True once any byte of this request has been consumed.
  bool started() const noexcept { return impl_.started(); }

  /// True when the connection may carry another request: HTTP/1.1 unless "Connection: close", HTTP/1.0 only
  /// with "Connection: keep-alive". False until headers_done().
  bool keep_alive() const noexcept { return impl_.keep_alive(); }

  /// The Content-Length value, when the request has one.
  std::optional<std::uint64_t> content_length() const noexcept { return impl_.content_length(); }

  /// True when the request uses Transfer-Encoding: chunked.
  bool chunked() const noexcept { return impl_.chunked(); }

  /// Decoded body bytes received so far.
  std::uint64_t body_bytes() const noexcept { return impl_.body_bytes(); }

  /// Minor HTTP version of the request line (0 or 1 in practice).
  int version_minor() const noexcept { return impl_.version_minor(); }

  /// The error the parser failed with, or an empty code.
  std::error_code error() const noexcept { return impl_.error(); }

  /// The request parsed so far; trailer fields are appended to its headers.
  const request& get() const noexcept { return impl_.get(); }

  /// The request parsed so far (move the body out if wanted).
  request& get() noexcept { return impl_.get(); }

  /// Forgets the request and the sink: ready for the next one. Keeps the limits.
  void reset() { impl_.reset(); }

 private:
  detail::basic_parser<true> impl_;
};

namespace detail {
class parse_error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "seedance.http"; }

  std::string message(int value) const override {
    switch (static_cast<parse_error>(value)) {
      case parse_error::bad_line_ending:
        return "HTTP line not terminated by CRLF";
      case parse_error::bad_status_line:
        return "malformed HTTP status line";
      case parse_error::bad_request_line:
        return "malformed HTTP request line";
      case parse_error::bad_version:
        return "unsupported HTTP version (expected HTTP/1.x)";
      case parse_error::bad_status_code:
        return "HTTP status code is not three digits from 100 to 999";
      case parse_error::bad_reason_phrase:
        return "control character in HTTP reason phrase";
      case parse_error::bad_method:
        return "HTTP method is not a token";
      case parse_error::unsupported_method:
        return "unsupported HTTP method";
      case parse_error::bad_target:
        return "malformed HTTP request target";
      case parse_error::bad_header_name:
        return "invalid HTTP header field name";
      case parse_error::space_before_colon:
        return "whitespace between HTTP header field name and colon";
      case parse_error::missing_colon:
        return "HTTP header line without a colon";
      case parse_error::bad_header_value:
        return "control character in HTTP header field value";
      case parse_error::obs_fold:
        return "obsolete line folding in HTTP header";
      case parse_error::header_too_large:
        return "HTTP header section over the size limit";
      case parse_error::too_many_headers:
        return "too many HTTP header fields";
      case parse_error::bad_content_length:
        return "Content-Length is not a decimal number";
      case parse_error::content_length_overflow:
        return "Content-Length too large";
      case parse_error::conflicting_content_length:
        return "conflicting Content-Length values";
      case parse_error::bad_transfer_encoding:
        return "empty Transfer-Encoding";
      case parse_error::unsupported_transfer_coding:
        return "unsupported transfer coding (only a single chunked coding is accepted)";
      case parse_error::content_length_with_transfer_encoding:
        return "both Content-Length and Transfer-Encoding present";
      case parse_error::bad_chunk_size:
        return "malformed chunk size";
      case parse_error::chunk_size_overflow:
        return "chunk size too large";
      case parse_error::bad_chunk_extension:
        return "control character in chunk extension";
      case parse_error::chunk_extension_too_large:
        return "chunk extensions over the size limit";
      case parse_error::bad_chunk_data_end:
        return "chunk data not followed by CRLF";
      case parse_error::trailer_too_large:
        return "HTTP trailer section over the size limit";
      case parse_error::body_too_large:
        return "HTTP body over the size limit";
      case parse_error::partial_message:
        return "stream ended before the HTTP message was complete";
    }
    return "unknown HTTP parse error";
  }

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

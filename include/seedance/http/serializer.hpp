// seedance/http/serializer.hpp - HTTP/1.1 request and response serialization (RFC 9112). No socket code.
//
// Nothing that could split or smuggle a message reaches the wire: CR, LF and NUL (and other control
// characters) are refused in the target, reason phrase, header names and values, header names must be tokens,
// and the framing fields must agree with the body. Errors name the offending header but never show its value,
// which may be a secret such as an Authorization key.
#pragma once

#include <seedance/error.hpp>
#include <seedance/http/detail/chars.hpp>
#include <seedance/http/message.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seedance::http {

/// Appends the request line and header fields of `r`, with the final empty line, to `out` (HTTP/1.1).
/// Adds "Content-Length: <r.body size>" unless Content-Length or Transfer-Encoding is set, when the body is
/// not empty or the method is POST, PUT or PATCH. A Content-Length set by the caller must match a non-empty
/// body; with an empty body it is trusted (the body is streamed separately).
/// Throws seedance::error(errc::invalid_request) naming the header (never its value) or the target (never
/// its text) when a header name is not a token, a value or the target contains CR, LF, NUL or another control
/// character, Content-Length is malformed or contradicts the body, or it comes with Transfer-Encoding;
/// `out` is then unchanged. Thread-safe (no shared state).
void serialize_head(const request& r, std::string& out);

/// Appends the status line and header fields of `r`, with the final empty line, to `out`. Adds
/// "Content-Length: <r.body size>" unless Content-Length or Transfer-Encoding is set or the status is 1xx,
/// 204 or 304. For a response to HEAD set Content-Length yourself and leave the body empty. Throws as the
/// request overload, and also for a status outside 100..999, an HTTP minor version other than 0 or 1, or a
/// body on a 1xx, 204 or 304 response.
void serialize_head(const response& r, std::string& out);

/// The whole request on the wire: serialize_head() followed by the body. Content-Length, when set by the
/// caller, must equal the body size. Throws as serialize_head().
std::string serialize(const request& r);

/// The whole response on the wire: serialize_head() followed by the body. Content-Length, when set by the
/// caller, must equal the body size. Throws as serialize_head().
std::string serialize(const response& r);

namespace detail {

/// Up to the first character that cannot be shown: enough to name a header without echoing what follows.
inline std::string printable_name(std::string_view name) {
  std::size_t n = 0;
  while (n < name.size() && n < 64 && is_token_char(name[n])) ++n;
  std::string out(name.substr(0, n));
  if (n < name.size()) out += "...";
  return out;
}

[[noreturn]] inline void throw_invalid(std::string field, std::string rule, std::string what) {
  error_details details;
  details.problems.push_back({std::move(field), std::move(rule), {}});
  throw error(errc::invalid_request, std::move(what), std::move(details));
}

/// Why `s` cannot be written as a field value, reason phrase or target, or nullptr.
constexpr const char* unsafe_text_rule(std::string_view s) noexcept {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return "must not contain CR, LF or NUL";
  }
  if (find_bad_field_char(s) != std::string_view::npos) return "must not contain control characters other than HTAB";
  return nullptr;
}

inline std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
  s = trim_ows(s);
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

/// Checks the fields, and returns whether Content-Length must be added.
inline bool check_fields(const headers& fields, std::size_t body_size, bool strict_length) {
  bool has_transfer_encoding = false;
  std::optional<std::uint64_t> content_length;
  for (const auto& f : fields) {
    if (!is_token(f.name)) {
      const std::string shown = printable_name(f.name);
      throw_invalid("header " + shown, "a header name must be a non-empty token",
                    "HTTP header name \"" + shown + "\" is not a token (RFC 9110 field-name)");
    }
    if (const char* rule = unsafe_text_rule(f.value))
      throw_invalid("header " + f.name, std::string("a header value ") + rule,
                    "HTTP header " + f.name + ": the value " + rule + " (value not shown)");
    if (iequals(f.name, "transfer-encoding")) has_transfer_encoding = true;
    if (iequals(f.name, "content-length")) {
      const auto n = parse_decimal(f.value);
      if (!n)
        throw_invalid("header Content-Length", "must be a decimal number",
                      "HTTP header Content-Length is not a decimal number");
      if (content_length && *content_length != *n)
        throw_invalid("header Content-Length", "repeated with different values",
                      "HTTP header Content-Length repeated with different values");
      content_length = n;
    }
  }
  if (content_length && has_transfer_encoding)
    throw_invalid("header Content-Length", "must not be sent with Transfer-Encoding",
                  "HTTP headers Content-Length and Transfer-Encoding must not be sent together");
  if (content_length && *content_length != body_size && (strict_length || body_size != 0))
    throw_invalid("header Content-Length", "must equal the body size",
                  "HTTP header Content-Length " + std::to_string(*content_length) + " contradicts the body size " +
                      std::to_string(body_size));
  return !content_length && !has_transfer_encoding;
}

inline void append_fields(const headers& fields, std::string& out) {
  for (const auto& f : fields) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
}

inline std::size_t fields_size(const headers& fields) noexcept {
  std::size_t n = 0;
  for (const auto& f : fields) n += f.name.size() + f.value.size() + 4;
  return n;
}

inline void write_head(const request& r, std::string& out, bool strict_length) {
  if (r.target.empty()) throw_invalid("target", "must not be empty", "HTTP request target is empty");
  for (char c : r.target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f)
      throw_invalid("target", "must not contain spaces or control characters (CR, LF, NUL, ...)",
                    "HTTP request target contains a space or a control character (target not shown)");
  }
  const bool needs_length = r.method == method::post || r.method == method::put || r.method == method::patch;
  const bool add_length = check_fields(r.headers, r.body.size(), strict_length) && (!r.body.empty() || needs_length);
  const std::string_view method_name = to_string(r.method);
  out.reserve(out.size() + method_name.size() + r.target.size() + 13 + fields_size(r.headers) + 40 +
              (strict_length ? r.body.size() : 0));
  out += method_name;
  out += ' ';
  out += r.target;
  out += " HTTP/1.1\r\n";
  append_fields(r.headers, out);
  if (add_length) {
    out += "Content-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
  }
  out += "\r\n";
}

inline void write_head(const response& r, std::string& out, bool strict_length) {
  if (r.status < 100 || r.status > 999)
    throw_invalid("status", "must be from 100 to 999", "HTTP status " + std::to_string(r.status) + " is not 100..999");
  if (r.version_minor != 0 && r.version_minor != 1)
    throw_invalid("version_minor", "must be 0 or 1", "HTTP/1." + std::to_string(r.version_minor) + " is not supported");
  if (const char* rule = unsafe_text_rule(r.reason))
    throw_invalid("reason", std::string("the reason phrase ") + rule, std::string("HTTP reason phrase ") + rule);
  const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
  if (bodiless && !r.body.empty())
    throw_invalid("body", "1xx, 204 and 304 responses have no body",
                  "HTTP status " + std::to_string(r.status) + " cannot carry a body");
  if (bodiless && r.status != 304 && r.headers.contains("content-length"))
    throw_invalid("header Content-Length", "not allowed on 1xx and 204 responses",
                  "HTTP header Content-Length is not allowed with status " + std::to_string(r.status));
  // 304 may repeat the Content-Length of the representation: not checked against the (empty) body.
  const bool add_length = check_fields(r.headers, r.body.size(), strict_length && !bodiless) && !bodiless;
  out.reserve(out.size() + 15 + r.reason.size() + fields_size(r.headers) + 40 + (strict_length ? r.body.size() : 0));
  out += "HTTP/1.";
  out += static_cast<char>('0' + r.version_minor);
  out += ' ';
  out += std::to_string(r.status);
  out += ' ';
  out += r.reason;
  out += "\r\n";
  append_fields(r.headers, out);
  if (add_length) {
    out += "Content-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace detail

inline void serialize_head(const request& r, std::string& out) {
  std::string head;
  detail::write_head(r, head, false);
  out += head;
}

inline void serialize_head(const response& r, std::string& out) {
  std::string head;
  detail::write_head(r, head, false);
  out += head;
}

inline std::string serialize(const request& r) {
  std::string out;
  detail::write_head(r, out, true);
  out += r.body;
  return out;
}

inline std::string serialize(const response& r) {
  std::string out;
  detail::write_head(r, out, true);
  out += r.body;
  return out;
}

}  // namespace seedance::http

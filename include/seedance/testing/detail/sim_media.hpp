// seedance/testing/detail/sim_media.hpp - how the simulator serves output files: like a signed-URL CDN
// (S3/TOS style): Content-Length, ETag, byte ranges (206, 416), HEAD, and 403 once the link has expired.
// Pure; no I/O.
#pragma once

#include <seedance/http/message.hpp>
#include <seedance/testing/detail/sim_common.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace seedance::testing::detail {

/// A 1x1 PNG, served as every task's last-frame image.
inline constexpr unsigned char last_frame_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
    0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x50, 0x70, 0x68, 0x00, 0x00, 0x01, 0x64, 0x00, 0xe1, 0xc7,
    0x13, 0xc9, 0xf6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/// An inclusive byte range.
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

/// What a Range header asks of a representation of `size` bytes.
struct range_request {
  enum class kind : std::uint8_t { whole, partial, unsatisfiable } what = kind::whole;
  byte_range range{};
};

/// Interprets a Range header value (RFC 9110 §14). One "bytes=" range is honoured: "a-b", "a-", "-n".
/// Several ranges, other units or malformed values are ignored (the whole file is sent), as the RFC allows.
inline range_request parse_range(std::string_view value, std::uint64_t size) {
  range_request out;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  value = trim(value);
  if (!value.starts_with("bytes=")) return out;
  std::string_view spec = trim(value.substr(6));
  if (spec.find(',') != std::string_view::npos) return out;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return out;
  auto number = [](std::string_view s) -> std::optional<std::uint64_t> {
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
  };
  const std::string_view a = trim(spec.substr(0, dash));
  const std::string_view b = trim(spec.substr(dash + 1));
  if (a.empty()) {  // suffix range: the last n bytes
    const auto n = number(b);
    if (!n) return out;
    if (*n == 0 || size == 0) {
      out.what = range_request::kind::unsatisfiable;
      return out;
    }
    out.what = range_request::kind::partial;
    out.range = {size - std::min(*n, size), size - 1};
    return out;
  }
  const auto first = number(a);
  if (!first) return out;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    const auto l = number(b);
    if (!l || *l < *first) return out;  // invalid: ignore the header
    last = std::min(*l, last);
  }
  if (*first >= size) {
    out.what = range_request::kind::unsatisfiable;
    return out;
  }
  out.what = range_request::kind::partial;
  out.range = {*first, last};
  return out;
}

/// An S3/TOS-style XML error document.
inline http::response storage_error(int status, std::string_view code, std::string_view message) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  body += code;
  body += "</Code><Message>";
  body += message;
  body += "</Message></Error>\n";
  return text_response(status, "application/xml", std::move(body));
}

/// Serves `data` for a GET or HEAD with the request's Range and If-Range headers. `etag` is quoted.
inline sim_reply file_reply(const http::request& request, std::span<const unsigned char> data,
                            std::string_view content_type, const std::string& etag) {
  sim_reply reply;
  reply.kind = request_kind::download;
  http::response& r = reply.response;
  const std::uint64_t size = data.size();
  range_request range;
  if (auto header = request.headers.find("Range")) {
    range = parse_range(*header, size);
    if (auto if_range = request.headers.find("If-Range"); if_range && *if_range != etag)
      range = range_request{};  // the representation changed (or a date was sent): whole file
  }
  r.headers.add("Accept-Ranges", "bytes");
  r.headers.add("ETag", etag);
  r.headers.add("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT");
  r.headers.add("Cache-Control", "private, max-age=86400");
  if (range.what == range_request::kind::unsatisfiable) {
    r = storage_error(416, "InvalidRange", "The requested range is not satisfiable");
    r.headers.add("Content-Range", "bytes */" + std::to_string(size));
    r.headers.add("Accept-Ranges", "bytes");
    return reply;
  }
  r.headers.add("Content-Type", std::string(content_type));
  if (range.what == range_request::kind::partial) {
    r.status = 206;
    r.headers.add("Content-Range", "bytes " + std::to_string(range.range.first) + "-" +
                                       std::to_string(range.range.last) + "/" + std::to_string(size));
    reply.body_view = data.subspan(range.range.first, range.range.last - range.range.first + 1);
  } else {
    r.status = 200;
    reply.body_view = data;
  }
  r.reason = std::string(reason_phrase(r.status));
  r.headers.add("Content-Length", std::to_string(reply.body_view.size()));
  if (request.method == http::method::head) {
    reply.head_only = true;
    reply.body_view = {};
  }
  return reply;
}

}  // namespace seedance::testing::detail

// Unit tests of the sans-I/O HTTP/1.1 parsers: every feature and every error, each message fed whole, split at
// every byte position and byte by byte.
#include <seedance/http/parser.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using seedance::http::body_sink;
using seedance::http::method;
using seedance::http::parse_error;
using seedance::http::parser_limits;
using seedance::http::request_parser;
using seedance::http::response_parser;

/// What a parser made of some input.
struct outcome {
  std::error_code ec;
  std::size_t consumed = 0;
  bool done = false;
  bool headers_done = false;
  bool keep_alive = false;
  std::uint64_t body_bytes = 0;
  std::string body;  // get().body
  std::string sunk;  // bytes handed to the sink
  std::size_t sink_calls = 0;
  std::size_t largest_piece = 0;
  std::vector<std::pair<std::string, std::string>> fields;  // get().headers
  int status = 0;
  std::string reason;
  int version_minor = -1;
  std::string target;
  method request_method = method::get;
};

/// Options of one parse.
struct setup {
  parser_limits limits{};
  method request_method = method::get;
  bool use_sink = false;
  bool eof = false;  // call put_eof() after the input
};

template <class Parser>
void configure(Parser& p, const setup& s, outcome& out) {
  if constexpr (std::is_same_v<Parser, response_parser>) p.set_request_method(s.request_method);
  if (s.use_sink)
    p.set_body_sink([&out](std::string_view piece, std::error_code&) {
      out.sunk.append(piece);
      ++out.sink_calls;
      out.largest_piece = std::max(out.largest_piece, piece.size());
    });
}

template <class Parser>
void collect(const Parser& p, outcome& out) {
  out.done = p.done();
  out.headers_done = p.headers_done();
  out.keep_alive = p.keep_alive();
  out.body_bytes = p.body_bytes();
  out.body = p.get().body;
  for (const auto& f : p.get().headers) out.fields.emplace_back(f.name, f.value);
  if constexpr (std::is_same_v<Parser, response_parser>) {
    out.status = p.get().status;
    out.reason = p.get().reason;
    out.version_minor = p.get().version_minor;
  } else {
    out.version_minor = p.version_minor();
    out.target = p.get().target;
    out.request_method = p.get().method;
  }
}

/// Feeds `wire` in the given pieces (the last piece runs to the end); stops at the end of the message or at
/// the first error, like a transport would.
template <class Parser>
outcome parse_pieces(std::string_view wire, const std::vector<std::size_t>& cuts, const setup& s = {}) {
  outcome out;
  Parser p(s.limits);
  configure(p, s, out);
  std::size_t begin = 0;
  auto feed = [&](std::size_t end) {
    while (begin < end && !out.ec && !p.done()) {
      const std::size_t n = p.put(wire.substr(begin, end - begin), out.ec);
      begin += n;
      if (n == 0) break;
    }
  };
  for (std::size_t cut : cuts) feed(std::min(cut, wire.size()));
  feed(wire.size());
  if (s.eof && !out.ec) p.put_eof(out.ec);
  out.consumed = begin;
  collect(p, out);
  return out;
}

template <class Parser>
outcome parse_whole(std::string_view wire, const setup& s = {}) {
  return parse_pieces<Parser>(wire, {}, s);
}

std::vector<std::size_t> every_byte(std::size_t n) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < n; ++i) cuts.push_back(i);
  return cuts;
}

void expect_same(const outcome& a, const outcome& b, const std::string& how) {
  SCOPED_TRACE(how);
  EXPECT_EQ(a.ec, b.ec);
  EXPECT_EQ(a.done, b.done);
  EXPECT_EQ(a.headers_done, b.headers_done);
  EXPECT_EQ(a.keep_alive, b.keep_alive);
  EXPECT_EQ(a.body_bytes, b.body_bytes);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.sunk, b.sunk);
  EXPECT_EQ(a.fields, b.fields);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.version_minor, b.version_minor);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.request_method, b.request_method);
  if (!a.ec) {
    EXPECT_EQ(a.consumed, b.consumed);
  }
}

/// Parses whole, split at every position, byte by byte, in buffered and sink mode; checks they all agree and
/// returns the whole-buffer outcome.
template <class Parser>
outcome parse_every_way(std::string_view wire, setup s = {}) {
  const outcome whole = parse_whole<Parser>(wire, s);
  for (std::size_t cut = 0; cut <= wire.size(); ++cut)
    expect_same(whole, parse_pieces<Parser>(wire, {cut}, s), "split at " + std::to_string(cut));
  expect_same(whole, parse_pieces<Parser>(wire, every_byte(wire.size()), s), "byte by byte");
  setup sink = s;
  sink.use_sink = true;
  outcome sunk = parse_pieces<Parser>(wire, every_byte(wire.size()), sink);
  EXPECT_TRUE(sunk.body.empty());
  EXPECT_LE(sunk.largest_piece, 1u);
  EXPECT_EQ(sunk.sunk, whole.body);
  EXPECT_EQ(sunk.ec, whole.ec);
  EXPECT_EQ(sunk.done, whole.done);
  return whole;
}

outcome response_every_way(std::string_view wire, setup s = {}) { return parse_every_way<response_parser>(wire, s); }
outcome request_every_way(std::string_view wire, setup s = {}) { return parse_every_way<request_parser>(wire, s); }

std::string field_of(const outcome& o, std::string_view name) {
  for (const auto& [n, v] : o.fields)
    if (seedance::http::iequals(n, name)) return v;
  return "<absent>";
}

// ---------------------------------------------------------------------------------------------------------------
// Responses: framing

TEST(HttpResponseParser, ContentLengthBodyEveryWay) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nX-Request-Id: abc\r\n\r\n"
      "{\"ok\":true}";
  const auto o = response_every_way(wire);
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.status, 200);
  EXPECT_EQ(o.reason, "OK");
  EXPECT_EQ(o.version_minor, 1);
  EXPECT_EQ(o.body, "{\"ok\":true}");
  EXPECT_EQ(o.body_bytes, 11u);
  EXPECT_EQ(o.consumed, wire.size());
  EXPECT_TRUE(o.keep_alive);
  EXPECT_EQ(field_of(o, "content-type"), "application/json");
  EXPECT_EQ(field_of(o, "X-REQUEST-ID"), "abc");
}

TEST(HttpResponseParser, AccessorsReportFraming) {
  response_parser p;
  std::error_code ec;
  EXPECT_FALSE(p.started());
  p.put("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.started());
  EXPECT_TRUE(p.headers_done());
  EXPECT_FALSE(p.done());
  EXPECT_EQ(p.content_length(), 5u);
  EXPECT_FALSE(p.chunked());
  EXPECT_EQ(p.body_bytes(), 2u);
  EXPECT_TRUE(p.get().ok());
}

TEST(HttpResponseParser, ReasonPhraseOptional) {
  auto empty = response_every_way("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(empty.ec);
  EXPECT_EQ(empty.status, 404);
  EXPECT_EQ(empty.reason, "");
  auto missing = response_every_way("HTTP/1.1 204\r\n\r\n");
  EXPECT_FALSE(missing.ec);
  EXPECT_TRUE(missing.done);
  EXPECT_EQ(missing.status, 204);
  auto spaced = response_every_way("HTTP/1.1 500 Internal  Server\tError\r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(spaced.ec);
  EXPECT_EQ(spaced.reason, "Internal  Server\tError");
}

TEST(HttpResponseParser, Http10CloseDelimitedBodyEndsAtEof) {
  setup s;
  s.eof = true;
  const auto o = response_every_way("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of this until close", s);
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.version_minor, 0);
  EXPECT_EQ(o.body, "all of this until close");
  EXPECT_FALSE(o.keep_alive);
}

TEST(HttpResponseParser, CloseDelimitedBodyNeedsEof) {
  response_parser p;
  std::error_code ec;
  const std::string wire = "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nabc";
  EXPECT_EQ(p.put(wire, ec), wire.size());
  EXPECT_FALSE(ec);
  EXPECT_FALSE(p.done());
  EXPECT_FALSE(p.keep_alive());  // never for close-delimited bodies
  EXPECT_EQ(p.put("def", ec), 3u);
  p.put_eof(ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.get().body, "abcdef");
  p.put_eof(ec);  // a no-op on a complete message
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.done());
}

TEST(HttpResponseParser, ChunkedWithExtensionsAndTrailersEveryWay) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
      "5;name=value;q=\"quoted\"\r\nhello\r\n"
      "6 ; ext\r\n, worl\r\n"
      "000001\r\nd\r\n"
      "0\r\nX-Checksum: 42\r\nX-Other:  v  \r\n\r\n";
  const auto o = response_every_way(wire);
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.body, "hello, world");
  EXPECT_EQ(o.body_bytes, 12u);
  EXPECT_EQ(o.consumed, wire.size());
  EXPECT_EQ(field_of(o, "x-checksum"), "42");
  EXPECT_EQ(field_of(o, "x-other"), "v");
  EXPECT_TRUE(o.keep_alive);
}

TEST(HttpResponseParser, ChunkedAccessorAndUpperCaseHex) {
  response_parser p;
  std::error_code ec;
  const std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n";
  EXPECT_EQ(p.put(wire, ec), wire.size());
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.chunked());
  EXPECT_FALSE(p.content_length());
  EXPECT_EQ(p.get().body, "0123456789");
}

TEST(HttpResponseParser, HeadersTrimmedRepeatedAndCaseInsensitive) {
  const auto o = response_every_way(
      "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Pad: \t  padded value \t \r\nX-Empty:\r\n"
      "X-Tab: a\tb\r\nX-Utf8: caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n");
  ASSERT_FALSE(o.ec);
  response_parser p;
  std::error_code ec;
  p.put(
      "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Pad: \t  padded value \t \r\nContent-Length: "
      "0\r\n\r\n",
      ec);
  ASSERT_FALSE(ec);
  const auto cookies = p.get().headers.find_all("SET-COOKIE");
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_EQ(cookies[0], "a=1");
  EXPECT_EQ(cookies[1], "b=2");
  EXPECT_EQ(field_of(o, "x-pad"), "padded value");
  EXPECT_EQ(field_of(o, "x-empty"), "");
  EXPECT_EQ(field_of(o, "x-tab"), "a\tb");
  EXPECT_EQ(field_of(o, "x-utf8"), "caf\xc3\xa9");
}

TEST(HttpResponseParser, LeadingEmptyLinesIgnored) {
  const auto o = response_every_way("\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
  EXPECT_FALSE(o.ec);
  EXPECT_EQ(o.body, "x");
}

// ---------------------------------------------------------------------------------------------------------------
// Responses: messages without a body, interim responses

TEST(HttpResponseParser, HeadResponseHasNoBody) {
  setup s;
  s.request_method = method::head;
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
  const auto o = response_every_way(head + "HTTP/1.1 200 OK\r\n", s);
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.consumed, head.size());
  EXPECT_EQ(o.body, "");
  EXPECT_TRUE(o.keep_alive);
  // A HEAD response may announce a body larger than the limit: none follows.
  s.limits.max_body_bytes = 10;
  EXPECT_FALSE(response_every_way(head, s).ec);
  // Chunked HEAD response: still no body.
  EXPECT_TRUE(response_every_way("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", s).done);
}

TEST(HttpResponseParser, NoBodyFor204And304) {
  for (const char* status : {"204 No Content", "304 Not Modified"}) {
    const std::string head = std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 42\r\nETag: \"x\"\r\n\r\n";
    const auto o = response_every_way(head + "HTTP/1.1 200 OK\r\n\r\n");
    EXPECT_FALSE(o.ec) << status;
    EXPECT_TRUE(o.done) << status;
    EXPECT_EQ(o.consumed, head.size()) << status;
    EXPECT_TRUE(o.keep_alive) << status;
  }
}

TEST(HttpResponseParser, Connect2xxHasNoBodyButOtherStatusesDo) {
  setup s;
  s.request_method = method::connect;
  const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
  auto o = response_every_way(established + "\x16\x03\x01 tls bytes", s);
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.consumed, established.size());
  EXPECT_FALSE(o.keep_alive);
  o = response_every_way("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\ndeny", s);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.body, "deny");
}

TEST(HttpResponseParser, InterimResponsesSkipped) {
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nLocation: /x\r\n\r\nokLEFTOVER";
  const auto o = response_every_way(wire);
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.status, 201);
  EXPECT_EQ(o.reason, "Created");
  EXPECT_EQ(o.body, "ok");
  EXPECT_EQ(field_of(o, "link"), "<absent>");  // the interim fields are dropped
  EXPECT_EQ(field_of(o, "location"), "/x");
  EXPECT_EQ(o.consumed, wire.size() - 8);
}

TEST(HttpResponseParser, SwitchingProtocolsEndsTheMessage) {
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  const auto o = response_every_way(head + "\x81\x05hello");
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.status, 101);
  EXPECT_EQ(o.consumed, head.size());
  EXPECT_EQ(o.body, "");
  EXPECT_FALSE(o.keep_alive);
}

TEST(HttpResponseParser, EndlessInterimResponsesHitTheHeaderLimit) {
  std::string wire;
  for (int i = 0; i < 5000; ++i) wire += "HTTP/1.1 100 Continue\r\n\r\n";
  setup s;
  s.limits.max_header_bytes = 4096;
  const auto o = parse_whole<response_parser>(wire, s);
  EXPECT_EQ(o.ec, parse_error::header_too_large);
  EXPECT_LE(o.consumed, 4096u);
}

// ---------------------------------------------------------------------------------------------------------------
// Keep-alive rules

TEST(HttpResponseParser, KeepAliveRules) {
  struct row {
    const char* wire;
    bool keep_alive;
  };
  const row rows[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true},
      {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false},
      {"HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n", false},
      {"HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", true},
      {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false},
      {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true},
      {"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true},
      {"HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", false},
      {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true},
  };
  for (const auto& r : rows) {
    const auto o = response_every_way(r.wire);
    EXPECT_FALSE(o.ec) << r.wire;
    EXPECT_TRUE(o.done) << r.wire;
    EXPECT_EQ(o.keep_alive, r.keep_alive) << r.wire;
  }
  response_parser p;
  EXPECT_FALSE(p.keep_alive());  // nothing parsed yet
}

// ---------------------------------------------------------------------------------------------------------------
// Responses: malformed input, one specific error each

struct bad_case {
  std::string wire;
  parse_error expected;
};

void expect_error_every_way(const bad_case& c, setup s = {}, bool request = false) {
  SCOPED_TRACE(c.wire);
  const auto o = request ? request_every_way(c.wire, s) : response_every_way(c.wire, s);
  EXPECT_EQ(o.ec, c.expected) << o.ec.message();
  EXPECT_FALSE(o.done);
}

TEST(HttpResponseParser, MalformedStatusLines) {
  const bad_case cases[] = {
      {"ICY 200 OK\r\n\r\n", parse_error::bad_status_line},
      {"HTTP/2 200 OK\r\n\r\n", parse_error::bad_version},
      {"HTTP/2.0 200 OK\r\n\r\n", parse_error::bad_version},
      {"HTTP/1.x 200 OK\r\n\r\n", parse_error::bad_version},
      {"HTTP/1.1\r\n\r\n", parse_error::bad_status_line},
      {"HTTP/1.1  200 OK\r\n\r\n", parse_error::bad_status_code},
      {"HTTP/1.1 20 OK\r\n\r\n", parse_error::bad_status_code},
      {"HTTP/1.1 2000 OK\r\n\r\n", parse_error::bad_status_code},
      {"HTTP/1.1 099 Low\r\n\r\n", parse_error::bad_status_code},
      {"HTTP/1.1 200OK\r\n\r\n", parse_error::bad_status_line},
      {"HTTP/1.1 200 O\x01K\r\n\r\n", parse_error::bad_reason_phrase},
      {"HTTP/1.1 200 O\rK\r\n\r\n", parse_error::bad_reason_phrase},
      {"HTTP/1.1 200 OK\n\r\n", parse_error::bad_line_ending},
      {"HTTP/1.1 200 OK\r\nA: b\n\r\n", parse_error::bad_line_ending},
      {"HTTP/1.1 200 OK\r\n\n", parse_error::bad_line_ending},
  };
  for (const auto& c : cases) expect_error_every_way(c);
}

TEST(HttpResponseParser, MalformedHeaderFields) {
  const bad_case cases[] = {
      {"HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n", parse_error::obs_fold},
      {"HTTP/1.1 200 OK\r\nX-Folded: a\r\n\tb\r\n\r\n", parse_error::obs_fold},
      {"HTTP/1.1 200 OK\r\n Leading: x\r\n\r\n", parse_error::obs_fold},
      {"HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello", parse_error::space_before_colon},
      {"HTTP/1.1 200 OK\r\nX-A\t: b\r\n\r\n", parse_error::space_before_colon},
      {"HTTP/1.1 200 OK\r\nX A: b\r\n\r\n", parse_error::bad_header_name},
      {"HTTP/1.1 200 OK\r\nX(A): b\r\n\r\n", parse_error::bad_header_name},
      {"HTTP/1.1 200 OK\r\nX\"A: b\r\n\r\n", parse_error::bad_header_name},
      {"HTTP/1.1 200 OK\r\nX\x80: b\r\n\r\n", parse_error::bad_header_name},
      {"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", parse_error::bad_header_name},
      {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", parse_error::missing_colon},
      {std::string("HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n", 29), parse_error::bad_header_value},
      {"HTTP/1.1 200 OK\r\nX-A: a\x7f\r\n\r\n", parse_error::bad_header_value},
      {"HTTP/1.1 200 OK\r\nX-A: a\x1b[31m\r\n\r\n", parse_error::bad_header_value},
      {"HTTP/1.1 200 OK\r\nX-A: a\rInjected: b\r\n\r\n", parse_error::bad_header_value},
  };
  for (const auto& c : cases) expect_error_every_way(c);
}

TEST(HttpResponseParser, ContentLengthValidation) {
  const bad_case cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 5a\r\n\r\n", parse_error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", parse_error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", parse_error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\n", parse_error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", parse_error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", parse_error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\n", parse_error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n", parse_error::content_length_overflow},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", parse_error::content_length_overflow},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
       parse_error::conflicting_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello", parse_error::conflicting_content_length},
  };
  for (const auto& c : cases) expect_error_every_way(c);
  // The largest 64-bit value parses (and is then over the body limit).
  expect_error_every_way(
      {"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n", parse_error::body_too_large});
}

TEST(HttpResponseParser, IdenticalContentLengthDuplicatesAccepted) {
  for (const char* wire : {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello",
                           "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello",
                           "HTTP/1.1 200 OK\r\nContent-Length: 005\r\n\r\nhello"}) {
    const auto o = response_every_way(wire);
    EXPECT_FALSE(o.ec) << wire;
    EXPECT_EQ(o.body, "hello") << wire;
  }
}

TEST(HttpResponseParser, TransferEncodingValidation) {
  const bad_case cases[] = {
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", parse_error::unsupported_transfer_coding},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", parse_error::unsupported_transfer_coding},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", parse_error::unsupported_transfer_coding},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
       parse_error::unsupported_transfer_coding},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", parse_error::unsupported_transfer_coding},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", parse_error::bad_transfer_encoding},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: , \r\n\r\n", parse_error::bad_transfer_encoding},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
       parse_error::content_length_with_transfer_encoding},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
       parse_error::content_length_with_transfer_encoding},
  };
  for (const auto& c : cases) expect_error_every_way(c);
}

TEST(HttpResponseParser, MalformedChunks) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const bad_case cases[] = {
      {head + "ffffffffffffffffff\r\n", parse_error::chunk_size_overflow},
      {head + "10000000000000000\r\n", parse_error::chunk_size_overflow},
      {head + "zz\r\n", parse_error::bad_chunk_size},
      {head + "\r\n", parse_error::bad_chunk_size},
      {head + ";ext\r\n", parse_error::bad_chunk_size},
      {head + "-5\r\n", parse_error::bad_chunk_size},
      {head + "0x5\r\n", parse_error::bad_chunk_size},
      {head + "5 5\r\nhello\r\n", parse_error::bad_chunk_size},
      {head + std::string(65, '0') + "1\r\nx\r\n0\r\n\r\n", parse_error::bad_chunk_size},
      {head + "5\n", parse_error::bad_line_ending},
      {head + "5\rx", parse_error::bad_line_ending},
      {head + "5\r\nhelloXX", parse_error::bad_chunk_data_end},
      {head + "5\r\nhello\rX", parse_error::bad_chunk_data_end},
      {head + "5\r\nhello\n", parse_error::bad_chunk_data_end},
      {head + "5;a=\x01\r\nhello\r\n", parse_error::bad_chunk_extension},
      {head + "5;a\nb\r\nhello\r\n", parse_error::bad_chunk_extension},
      {head + "0\r\nX-T: 1\n\r\n", parse_error::bad_line_ending},
      {head + "0\r\nX-T: 1\r\n folded\r\n\r\n", parse_error::obs_fold},
      {head + "0\r\nX T: 1\r\n\r\n", parse_error::bad_header_name},
      {head + "0\r\nX-T: \x02\r\n\r\n", parse_error::bad_header_value},
  };
  for (const auto& c : cases) expect_error_every_way(c);
}

TEST(HttpResponseParser, LargestChunkSizeParsesThenHitsTheBodyLimit) {
  expect_error_every_way(
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", parse_error::body_too_large});
  // Leading zeros are fine within reason.
  const auto o = response_every_way(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "00000000000000000000000000000003\r\nabc\r\n0000\r\n\r\n");
  EXPECT_FALSE(o.ec);
  EXPECT_EQ(o.body, "abc");
}

TEST(HttpResponseParser, EndlessChunkExtensionStopsAtTheLimit) {
  setup s;
  s.limits.max_chunk_extension_bytes = 100;
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string wire = head + "1;" + std::string(100000, 'x');
  for (const auto& cuts : {std::vector<std::size_t>{}, every_byte(wire.size())}) {
    const auto o = parse_pieces<response_parser>(wire, cuts, s);
    EXPECT_EQ(o.ec, parse_error::chunk_extension_too_large);
    EXPECT_LE(o.consumed, head.size() + 2 + 100);
  }
  // The limit covers all extensions of the message together.
  std::string many = head;
  for (int i = 0; i < 30; ++i) many += "1;abcdefghij\r\nx\r\n";
  many += "0\r\n\r\n";
  expect_error_every_way({many, parse_error::chunk_extension_too_large}, s);
  // Within the limit: accepted.
  s.limits.max_chunk_extension_bytes = 1000;
  EXPECT_FALSE(response_every_way(many, s).ec);
}

TEST(HttpResponseParser, TrailerLimit) {
  setup s;
  s.limits.max_trailer_bytes = 64;
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n";
  // Exactly at the limit (CRLFs counted, the final empty line not): accepted.
  const std::string at_limit = head + "X-T: " + std::string(57, 'a') + "\r\n\r\n";
  const auto ok = response_every_way(at_limit, s);
  EXPECT_FALSE(ok.ec);
  EXPECT_EQ(field_of(ok, "x-t"), std::string(57, 'a'));
  expect_error_every_way({head + "X-T: " + std::string(58, 'a') + "\r\n\r\n", parse_error::trailer_too_large}, s);
  expect_error_every_way(
      {head + "X-T: 1\r\nX-U: " + std::string(100, 'b') + "\r\n\r\n", parse_error::trailer_too_large}, s);
  // An endless trailer line, byte by byte: stops within the limit.
  const std::string endless = head + "X-T: " + std::string(100000, 'c');
  const auto o = parse_pieces<response_parser>(endless, every_byte(endless.size()), s);
  EXPECT_EQ(o.ec, parse_error::trailer_too_large);
  EXPECT_LE(o.consumed, head.size() + 66);
}

// ---------------------------------------------------------------------------------------------------------------
// Limits

TEST(HttpResponseParser, HeaderCountLimit) {
  setup s;
  s.limits.max_header_count = 3;
  EXPECT_FALSE(response_every_way("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n", s).ec);
  expect_error_every_way(
      {"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n", parse_error::too_many_headers}, s);
}

TEST(HttpResponseParser, HeaderBytesLimit) {
  const std::string head = "HTTP/1.1 200 OK\r\nX-A: 12345\r\n\r\n";  // 32 bytes
  setup s;
  s.limits.max_header_bytes = head.size();
  EXPECT_TRUE(response_every_way(head, s).headers_done);
  s.limits.max_header_bytes = head.size() - 1;
  expect_error_every_way({head, parse_error::header_too_large}, s);
  // One endless line, whole and byte by byte: refused as soon as it passes the limit.
  s.limits.max_header_bytes = 1024;
  const std::string endless = "HTTP/1.1 200 OK\r\nX-Long: " + std::string(200000, 'v');
  for (const auto& cuts : {std::vector<std::size_t>{}, every_byte(endless.size())}) {
    const auto o = parse_pieces<response_parser>(endless, cuts, s);
    EXPECT_EQ(o.ec, parse_error::header_too_large);
    EXPECT_LE(o.consumed, 1024u);
  }
  // Many short lines.
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 1000; ++i) many += "A: b\r\n";
  s.limits.max_header_count = 100000;
  const auto o = parse_whole<response_parser>(many, s);
  EXPECT_EQ(o.ec, parse_error::header_too_large);
  EXPECT_LE(o.consumed, 1024u);
}

TEST(HttpResponseParser, BodyLimitEveryFraming) {
  setup s;
  s.limits.max_body_bytes = 10;
  EXPECT_FALSE(response_every_way("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", s).ec);
  expect_error_every_way({"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789a", parse_error::body_too_large}, s);
  const std::string chunked_head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_FALSE(response_every_way(chunked_head + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", s).ec);
  expect_error_every_way({chunked_head + "5\r\n01234\r\n6\r\n56789a\r\n0\r\n\r\n", parse_error::body_too_large}, s);
  s.eof = true;
  EXPECT_FALSE(response_every_way("HTTP/1.1 200 OK\r\n\r\n0123456789", s).ec);
  expect_error_every_way({"HTTP/1.1 200 OK\r\n\r\n0123456789a", parse_error::body_too_large}, s);
}

TEST(HttpResponseParser, BodyLimitAppliesInSinkMode) {
  setup s;
  s.limits.max_body_bytes = 10;
  s.use_sink = true;
  s.eof = true;
  for (const char* wire : {"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789a",
                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n6\r\n56789a\r\n",
                           "HTTP/1.1 200 OK\r\n\r\n0123456789a"}) {
    const auto o = parse_whole<response_parser>(wire, s);
    EXPECT_EQ(o.ec, parse_error::body_too_large) << wire;
    EXPECT_LE(o.body_bytes, 10u) << wire;
    EXPECT_LE(o.sunk.size(), 10u) << wire;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sink mode

TEST(HttpResponseParser, SinkReceivesPiecesWithBoundedMemory) {
  const std::size_t body_size = 1 << 20;
  std::string body(body_size, '\0');
  for (std::size_t i = 0; i < body_size; ++i) body[i] = static_cast<char>('a' + i % 26);
  std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t at = 0; at < body_size; at += 40000) {
    const std::size_t n = std::min<std::size_t>(40000, body_size - at);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    chunked += size;
    chunked.append(body, at, n);
    chunked += "\r\n";
  }
  chunked += "0\r\n\r\n";
  std::string length = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body_size) + "\r\n\r\n" + body;
  for (std::string* wire : {&chunked, &length}) {
    response_parser p;
    std::string sunk;
    std::size_t largest = 0, calls = 0;
    p.set_body_sink([&](std::string_view piece, std::error_code&) {
      sunk.append(piece);
      largest = std::max(largest, piece.size());
      ++calls;
      EXPECT_TRUE(p.get().body.empty());
    });
    std::error_code ec;
    std::size_t pos = 0;
    while (pos < wire->size() && !p.done()) {
      const std::size_t n = p.put(std::string_view(*wire).substr(pos, 1000), ec);
      ASSERT_FALSE(ec);
      pos += n;
    }
    EXPECT_TRUE(p.done());
    EXPECT_EQ(pos, wire->size());
    EXPECT_EQ(sunk, body);
    EXPECT_LE(largest, 1000u);  // never more than one put() worth: no whole-body buffering
    EXPECT_GE(calls, body_size / 1000);
    EXPECT_TRUE(p.get().body.empty());
    EXPECT_EQ(p.get().body.capacity(), std::string().capacity());
    EXPECT_EQ(p.body_bytes(), body_size);
  }
}

TEST(HttpResponseParser, SinkErrorStopsParsing) {
  response_parser p;
  const std::error_code abort = std::make_error_code(std::errc::no_space_on_device);
  int calls = 0;
  p.set_body_sink([&](std::string_view, std::error_code& ec) {
    if (++calls == 2) ec = abort;
  });
  std::error_code ec;
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  EXPECT_EQ(p.put(head + "abc", ec), head.size() + 3);
  EXPECT_FALSE(ec);
  EXPECT_EQ(p.put("def", ec), 3u);
  EXPECT_EQ(ec, abort);
  EXPECT_EQ(p.put("ghij", ec), 0u);
  EXPECT_EQ(ec, abort);
  EXPECT_EQ(p.error(), abort);
  EXPECT_EQ(calls, 2);
  p.put_eof(ec);
  EXPECT_EQ(ec, abort);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors are sticky; put_eof

TEST(HttpResponseParser, ErrorIsStickyAndConsumesNothing) {
  response_parser p;
  std::error_code ec;
  const std::string bad = "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n";
  p.put(bad, ec);
  EXPECT_EQ(ec, parse_error::bad_header_name);
  EXPECT_EQ(p.put("HTTP/1.1 200 OK\r\n\r\n", ec), 0u);
  EXPECT_EQ(ec, parse_error::bad_header_name);
  EXPECT_EQ(p.put("", ec), 0u);
  EXPECT_EQ(ec, parse_error::bad_header_name);
  p.put_eof(ec);
  EXPECT_EQ(ec, parse_error::bad_header_name);
  EXPECT_FALSE(p.done());
  p.reset();
  EXPECT_FALSE(p.error());
  EXPECT_EQ(p.put("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ec), 38u);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.done());
}

TEST(HttpResponseParser, EofMidMessageIsPartial) {
  for (const char* wire :
       {"", "HTTP/1.1 2", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n", "HTTP/1.1 100 Continue\r\n\r\n"}) {
    response_parser p;
    std::error_code ec;
    p.put(wire, ec);
    ASSERT_FALSE(ec) << wire;
    EXPECT_EQ(p.started(), *wire != '\0');
    p.put_eof(ec);
    EXPECT_EQ(ec, parse_error::partial_message) << wire;
    EXPECT_FALSE(p.done());
    p.put("more", ec);
    EXPECT_EQ(ec, parse_error::partial_message);
  }
}

TEST(HttpResponseParser, PutAfterDoneConsumesNothing) {
  response_parser p;
  std::error_code ec;
  EXPECT_EQ(p.put("HTTP/1.1 204 No Content\r\n\r\nHTTP", ec), 27u);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.put("HTTP/1.1 200 OK\r\n", ec), 0u);
  EXPECT_FALSE(ec);
}

// ---------------------------------------------------------------------------------------------------------------
// Pipelining and reuse

TEST(HttpResponseParser, PipelinedResponsesWithReset) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
      "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree";
  const std::vector<std::pair<int, std::string>> expected = {{200, "one"}, {200, "two"}, {404, "three"}};
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    // Bytes arrive in two reads; the caller keeps what a message did not consume.
    response_parser p;
    std::string buffer;
    std::size_t next_read = 0, message = 0;
    const std::size_t reads[] = {cut, wire.size()};
    for (std::size_t end : reads) {
      buffer.append(wire, next_read, end - next_read);
      next_read = end;
      while (!buffer.empty()) {
        std::error_code ec;
        const std::size_t n = p.put(buffer, ec);
        ASSERT_FALSE(ec);
        buffer.erase(0, n);
        if (!p.done()) break;
        ASSERT_LT(message, expected.size());
        EXPECT_EQ(p.get().status, expected[message].first);
        EXPECT_EQ(p.get().body, expected[message].second);
        EXPECT_EQ(p.keep_alive(), message < 2);
        ++message;
        p.reset();
      }
    }
    EXPECT_EQ(message, expected.size()) << "cut " << cut;
  }
}

TEST(HttpResponseParser, ResetForgetsMethodAndSinkKeepsLimits) {
  parser_limits limits;
  limits.max_body_bytes = 3;
  response_parser p(limits);
  p.set_request_method(method::head);
  std::string sunk;
  p.set_body_sink([&](std::string_view piece, std::error_code&) { sunk.append(piece); });
  std::error_code ec;
  p.put("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", ec);
  EXPECT_TRUE(p.done());
  p.reset();
  EXPECT_FALSE(p.headers_done());
  EXPECT_FALSE(p.done());
  EXPECT_FALSE(p.started());
  EXPECT_EQ(p.get().status, 0);
  EXPECT_TRUE(p.get().headers.empty());
  EXPECT_EQ(p.limits().max_body_bytes, 3u);
  p.put("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", ec);  // GET now: a body, buffered
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.get().body, "abc");
  EXPECT_EQ(sunk, "");
  p.reset();
  p.put("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd", ec);
  EXPECT_EQ(ec, parse_error::body_too_large);
  p.reset();
  limits.max_body_bytes = 4;
  p.set_limits(limits);
  p.put("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd", ec);
  EXPECT_FALSE(ec);
}

TEST(HttpResponseParser, BodyCanBeMovedOut) {
  response_parser p;
  std::error_code ec;
  p.put("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", ec);
  const std::string body = std::move(p.get().body);
  EXPECT_EQ(body, "abc");
}

// ---------------------------------------------------------------------------------------------------------------
// Error category

TEST(HttpParseError, CategoryAndConditions) {
  const std::error_code ec = parse_error::chunk_size_overflow;
  EXPECT_STREQ(ec.category().name(), "seedance.http");
  EXPECT_EQ(&ec.category(), &seedance::http::parse_error_category());
  EXPECT_EQ(ec, seedance::condition::transport);
  EXPECT_NE(ec, seedance::condition::timeout);
  EXPECT_EQ(make_error_code(parse_error::partial_message).value(), static_cast<int>(parse_error::partial_message));
  for (int v = static_cast<int>(parse_error::bad_line_ending); v <= static_cast<int>(parse_error::partial_message);
       ++v) {
    const std::error_code code(v, seedance::http::parse_error_category());
    EXPECT_EQ(code, seedance::condition::transport);
    EXPECT_NE(code.message(), "unknown HTTP parse error") << v;
  }
  EXPECT_EQ(seedance::http::to_errc(parse_error::body_too_large), seedance::errc::message_too_large);
  EXPECT_EQ(seedance::http::to_errc(parse_error::header_too_large), seedance::errc::message_too_large);
  EXPECT_EQ(seedance::http::to_errc(parse_error::partial_message), seedance::errc::connection_closed);
  EXPECT_EQ(seedance::http::to_errc(parse_error::obs_fold), seedance::errc::protocol_error);
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

TEST(HttpRequestParser, GetWithoutBodyEveryWay) {
  const std::string wire = "GET /api/v1/jobs/recordInfo?taskId=x HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n";
  const auto o = request_every_way(wire + "GET / HTTP/1.1\r\n");
  EXPECT_FALSE(o.ec);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.request_method, method::get);
  EXPECT_EQ(o.target, "/api/v1/jobs/recordInfo?taskId=x");
  EXPECT_EQ(o.version_minor, 1);
  EXPECT_EQ(o.consumed, wire.size());
  EXPECT_EQ(field_of(o, "host"), "127.0.0.1");
  EXPECT_TRUE(o.keep_alive);
}

TEST(HttpRequestParser, PostWithContentLengthAndChunkedBodies) {
  auto o = request_every_way(
      "POST /jobs/createTask HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
      "{\"prompt\":1}\n");
  EXPECT_FALSE(o.ec);
  EXPECT_EQ(o.request_method, method::post);
  EXPECT_EQ(o.body, "{\"prompt\":1}\n");
  o = request_every_way("PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\nDigest: y\r\n\r\n");
  EXPECT_FALSE(o.ec);
  EXPECT_EQ(o.request_method, method::put);
  EXPECT_EQ(o.body, "abcd");
  EXPECT_EQ(field_of(o, "digest"), "y");
}

TEST(HttpRequestParser, TargetForms) {
  struct row {
    const char* wire;
    method m;
    const char* target;
  };
  const row rows[] = {
      {"GET http://example.test/a?b HTTP/1.1\r\n\r\n", method::get, "http://example.test/a?b"},
      {"CONNECT api.example.test:443 HTTP/1.1\r\nHost: api.example.test:443\r\n\r\n", method::connect,
       "api.example.test:443"},
      {"CONNECT [::1]:8443 HTTP/1.1\r\n\r\n", method::connect, "[::1]:8443"},
      {"OPTIONS * HTTP/1.1\r\n\r\n", method::options, "*"},
      {"DELETE /v3/tasks/cgt-1 HTTP/1.1\r\n\r\n", method::delete_, "/v3/tasks/cgt-1"},
      {"HEAD / HTTP/1.0\r\n\r\n", method::head, "/"},
      {"PATCH /a%20b HTTP/1.1\r\n\r\n", method::patch, "/a%20b"},
  };
  for (const auto& r : rows) {
    const auto o = request_every_way(r.wire);
    EXPECT_FALSE(o.ec) << r.wire;
    EXPECT_TRUE(o.done) << r.wire;
    EXPECT_EQ(o.request_method, r.m) << r.wire;
    EXPECT_EQ(o.target, r.target) << r.wire;
  }
}

TEST(HttpRequestParser, MalformedRequestLines) {
  const bad_case cases[] = {
      {"GET\r\n\r\n", parse_error::bad_request_line},
      {"GET /\r\n\r\n", parse_error::bad_request_line},
      {"GET / FTP/1.1\r\n\r\n", parse_error::bad_request_line},
      {"GET / HTTP/2.0\r\n\r\n", parse_error::bad_version},
      {"GET / HTTP/1.1 \r\n\r\n", parse_error::bad_version},
      {"GET  / HTTP/1.1\r\n\r\n", parse_error::bad_request_line},
      {"GET / x HTTP/1.1\r\n\r\n", parse_error::bad_request_line},
      {"GET /\x7f HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"GET relative HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"GET * HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"GET 1http://x HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"CONNECT /path HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"CONNECT host HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"CONNECT host: HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"CONNECT user@host:443 HTTP/1.1\r\n\r\n", parse_error::bad_target},
      {"GE(T / HTTP/1.1\r\n\r\n", parse_error::bad_method},
      {" GET / HTTP/1.1\r\n\r\n", parse_error::bad_method},
      {"get / HTTP/1.1\r\n\r\n", parse_error::unsupported_method},
      {"TRACE / HTTP/1.1\r\n\r\n", parse_error::unsupported_method},
      {"GET / HTTP/1.1\n\r\n", parse_error::bad_line_ending},
  };
  for (const auto& c : cases) expect_error_every_way(c, {}, true);
}

TEST(HttpRequestParser, SmugglingAndFramingErrors) {
  const bad_case cases[] = {
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       parse_error::content_length_with_transfer_encoding},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", parse_error::unsupported_transfer_coding},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n", parse_error::unsupported_transfer_coding},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
       parse_error::conflicting_content_length},
      {"POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n", parse_error::space_before_colon},
      {"POST / HTTP/1.1\r\nContent-Length: 1_0\r\n\r\n", parse_error::bad_content_length},
      {"POST / HTTP/1.1\r\nX: y\r\n z\r\n\r\n", parse_error::obs_fold},
  };
  for (const auto& c : cases) expect_error_every_way(c, {}, true);
}

TEST(HttpRequestParser, KeepAliveRules) {
  EXPECT_TRUE(request_every_way("GET / HTTP/1.1\r\n\r\n").keep_alive);
  EXPECT_FALSE(request_every_way("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
  EXPECT_FALSE(request_every_way("GET / HTTP/1.0\r\n\r\n").keep_alive);
  EXPECT_TRUE(request_every_way("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
  const auto o = request_every_way("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(o.version_minor, 0);
}

TEST(HttpRequestParser, PipelinedRequests) {
  const std::string wire =
      "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
      "GET /b HTTP/1.1\r\n\r\n"
      "DELETE /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
  request_parser p;
  std::string_view rest = wire;
  std::vector<std::string> targets;
  while (!rest.empty()) {
    std::error_code ec;
    const std::size_t n = p.put(rest, ec);
    ASSERT_FALSE(ec);
    ASSERT_TRUE(p.done());
    rest.remove_prefix(n);
    targets.push_back(p.get().target);
    p.reset();
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"/a", "/b", "/c"}));
}

TEST(HttpRequestParser, EofRules) {
  request_parser p;
  std::error_code ec;
  p.put_eof(ec);
  EXPECT_EQ(ec, parse_error::partial_message);
  EXPECT_FALSE(p.started());
  p.reset();
  p.put("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", ec);
  ASSERT_FALSE(ec);
  p.put_eof(ec);  // no close-delimited request bodies
  EXPECT_EQ(ec, parse_error::partial_message);
  p.reset();
  p.put("GET / HTTP/1.1\r\n\r\n", ec);
  p.put_eof(ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.done());
}

TEST(HttpRequestParser, LimitsAndSink) {
  setup s;
  s.limits.max_header_count = 1;
  expect_error_every_way({"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", parse_error::too_many_headers}, s, true);
  s = {};
  s.limits.max_header_bytes = 20;
  expect_error_every_way({"GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", parse_error::header_too_large}, s,
                         true);
  s = {};
  s.limits.max_body_bytes = 2;
  expect_error_every_way({"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", parse_error::body_too_large}, s, true);
  s = {};
  s.use_sink = true;
  const auto o = parse_pieces<request_parser>(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", {52, 60}, s);
  EXPECT_FALSE(o.ec);
  EXPECT_EQ(o.sunk, "abcde");
  EXPECT_EQ(o.body, "");
  EXPECT_EQ(o.body_bytes, 5u);
}

// Fuzz finding: a control character past the extension budget gave bad_chunk_extension byte by byte but
// chunk_extension_too_large whole. Characters within the budget are now checked first, so both agree.
TEST(HttpParserRegression, ChunkExtensionErrorDoesNotDependOnSplit) {
  setup s;
  s.limits.max_chunk_extension_bytes = 16;
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_error_every_way(
      {head + "5;a=" + std::string(20, '\xdf') + "b\x15\nhello\r\n0\r\n\r\n", parse_error::chunk_extension_too_large},
      s);
  expect_error_every_way(
      {head + "5;a=b\x15" + std::string(20, 'x') + "\r\nhello\r\n0\r\n\r\n", parse_error::bad_chunk_extension}, s);
  expect_error_every_way({"PATCH /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0;" + std::string(17, 'x') +
                              std::string("\x01\0", 2) + "xx\r\n\r\n",
                          parse_error::chunk_extension_too_large},
                         s, true);
}

// Inputs the fuzzer found interesting, kept as regression tests.
TEST(HttpParserRegression, FuzzFindings) {
  parser_limits small;
  small.max_header_bytes = 256;
  small.max_header_count = 8;
  small.max_body_bytes = 64;
  small.max_chunk_extension_bytes = 16;
  small.max_trailer_bytes = 32;
  const std::string inputs[] = {
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\t\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1 \t ;\r\nx\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 00000000000000000000000000000000000000000001\r\n\r\nx",
  };
  for (const auto& wire : inputs) {
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
      response_parser p(small);
      std::error_code ec;
      const std::size_t n = p.put(std::string_view(wire).substr(0, cut), ec);
      if (!ec) p.put(std::string_view(wire).substr(n), ec);
      EXPECT_LE(p.body_bytes(), small.max_body_bytes);
      if (p.done()) {
        EXPECT_FALSE(ec);
      }
    }
  }
}

}  // namespace

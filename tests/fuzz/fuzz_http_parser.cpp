// libFuzzer target: the HTTP/1.1 response parser. The input is split at a point derived from its first byte
// and parsed in buffered and sink mode, whole and byte by byte, with small limits; every way must agree and
// keep the parser's invariants.
#include <seedance/http/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using seedance::http::method;
using seedance::http::parser_limits;
using seedance::http::response_parser;

#define FUZZ_CHECK(condition)       \
  do {                              \
    if (!(condition)) std::abort(); \
  } while (0)

struct result {
  std::error_code ec;
  std::size_t consumed = 0;
  bool done = false;
  std::uint64_t body_bytes = 0;
  std::string body;
  int status = 0;
  std::size_t fields = 0;
};

parser_limits small_limits() {
  parser_limits limits;
  limits.max_header_bytes = 512;
  limits.max_header_count = 16;
  limits.max_body_bytes = 256;
  limits.max_chunk_extension_bytes = 32;
  limits.max_trailer_bytes = 64;
  return limits;
}

// Feeds `wire` in pieces ending at each of `cuts` (then the rest), like a transport: stops at the end of the
// message or at the first error, then reports end of stream.
result run(std::string_view wire, std::size_t first_cut, bool byte_by_byte, bool sink, method m) {
  const parser_limits limits = small_limits();
  response_parser p(limits);
  p.set_request_method(m);
  result r;
  std::string sunk;
  if (sink)
    p.set_body_sink([&](std::string_view piece, std::error_code&) {
      FUZZ_CHECK(!piece.empty());
      sunk.append(piece);
      FUZZ_CHECK(sunk.size() <= limits.max_body_bytes);
    });
  std::size_t pos = 0;
  auto feed = [&](std::size_t end) {
    while (pos < end && !r.ec && !p.done()) {
      const std::size_t step = byte_by_byte ? 1 : end - pos;
      const std::size_t n = p.put(wire.substr(pos, step), r.ec);
      FUZZ_CHECK(n <= step);
      pos += n;
      FUZZ_CHECK(p.body_bytes() <= limits.max_body_bytes);
      if (n < step) break;
    }
  };
  feed(first_cut);
  feed(wire.size());
  if (!r.ec) {
    const bool was_done = p.done();
    p.put_eof(r.ec);
    FUZZ_CHECK(!was_done || !r.ec);  // put_eof on a complete message is a no-op
  }
  // Invariants.
  FUZZ_CHECK(!(p.done() && r.ec));
  FUZZ_CHECK(p.body_bytes() <= limits.max_body_bytes);
  FUZZ_CHECK(!p.done() || p.headers_done());
  FUZZ_CHECK(p.get().headers.size() <= limits.max_header_count + limits.max_trailer_bytes / 3);
  if (sink) {
    FUZZ_CHECK(p.get().body.empty());
    FUZZ_CHECK(sunk.size() == p.body_bytes());
  } else {
    FUZZ_CHECK(p.get().body.size() == p.body_bytes());
  }
  if (p.done()) {
    FUZZ_CHECK(p.get().status >= 200 || p.get().status == 101);
    if (p.chunked()) FUZZ_CHECK(!p.content_length());
    if (p.content_length() && !p.chunked() && m != method::head && p.get().status != 204 && p.get().status != 304 &&
        p.get().status != 101 && !(m == method::connect && p.get().status / 100 == 2))
      FUZZ_CHECK(*p.content_length() == p.body_bytes());
  }
  if (r.ec) {
    // Sticky: nothing more is consumed and the same error is reported.
    std::error_code again;
    FUZZ_CHECK(p.put(wire, again) == 0 || wire.empty());
    FUZZ_CHECK(again == r.ec);
    FUZZ_CHECK(r.ec == seedance::condition::transport);
  }
  r.consumed = pos;
  r.done = p.done();
  r.body_bytes = p.body_bytes();
  r.body = sink ? sunk : p.get().body;
  r.status = p.get().status;
  r.fields = p.get().headers.size();
  // Reuse after reset() must behave like a fresh parser.
  p.reset();
  FUZZ_CHECK(!p.done() && !p.headers_done() && p.body_bytes() == 0 && p.get().headers.empty());
  return r;
}

void check_same(const result& a, const result& b) {
  FUZZ_CHECK(a.ec == b.ec);
  FUZZ_CHECK(a.done == b.done);
  FUZZ_CHECK(a.body_bytes == b.body_bytes);
  FUZZ_CHECK(a.body == b.body);
  FUZZ_CHECK(a.status == b.status);
  FUZZ_CHECK(a.fields == b.fields);
  if (!a.ec) FUZZ_CHECK(a.consumed == b.consumed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  const std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t cut = wire.empty() ? 0 : (static_cast<std::size_t>(control) * 131) % (wire.size() + 1);
  const method m = (control & 3) == 1 ? method::head : (control & 3) == 2 ? method::connect : method::get;
  const result whole = run(wire, wire.size(), false, false, m);
  check_same(whole, run(wire, cut, false, false, m));
  check_same(whole, run(wire, cut, false, true, m));
  if (wire.size() <= 4096) check_same(whole, run(wire, 0, true, (control & 4) != 0, m));
  return 0;
}

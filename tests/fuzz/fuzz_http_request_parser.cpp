// libFuzzer target: the HTTP/1.1 request parser (server side). The input is split at a point derived from its
// first byte and parsed in buffered and sink mode, whole and byte by byte, with small limits; every way must
// agree and keep the parser's invariants.
#include <seedance/http/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using seedance::http::parser_limits;
using seedance::http::request_parser;

#define FUZZ_CHECK(condition)       \
  do {                              \
    if (!(condition)) std::abort(); \
  } while (0)

struct result {
  std::error_code ec;
  std::size_t consumed = 0;
  std::size_t messages = 0;
  std::uint64_t body_bytes = 0;
  std::string bodies;   // every message's body, '|'-separated
  std::string targets;  // every message's target, ' '-separated
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

// Parses pipelined requests: bytes arrive in two reads (at `first_cut`, then the rest) or one byte at a time;
// the parser is reset after each complete request, like a server loop.
result run(std::string_view wire, std::size_t first_cut, bool byte_by_byte, bool sink) {
  const parser_limits limits = small_limits();
  request_parser p(limits);
  result r;
  std::string sunk;
  auto install_sink = [&] {
    if (sink)
      p.set_body_sink([&](std::string_view piece, std::error_code&) {
        FUZZ_CHECK(!piece.empty());
        sunk.append(piece);
      });
  };
  install_sink();
  std::size_t pos = 0;
  std::size_t available = 0;
  auto drain = [&] {
    while (pos < available && !r.ec && r.messages < 64) {
      const std::size_t step = byte_by_byte ? 1 : available - pos;
      const std::size_t n = p.put(wire.substr(pos, step), r.ec);
      FUZZ_CHECK(n <= step);
      pos += n;
      FUZZ_CHECK(p.body_bytes() <= limits.max_body_bytes);
      FUZZ_CHECK(!(p.done() && r.ec));
      if (r.ec) break;
      if (p.done()) {
        FUZZ_CHECK(p.headers_done());
        if (p.content_length()) FUZZ_CHECK(*p.content_length() == p.body_bytes());
        if (p.chunked()) FUZZ_CHECK(!p.content_length());
        if (sink) {
          FUZZ_CHECK(p.get().body.empty());
          FUZZ_CHECK(sunk.size() == p.body_bytes());
          r.bodies += sunk;
          sunk.clear();
        } else {
          FUZZ_CHECK(p.get().body.size() == p.body_bytes());
          r.bodies += p.get().body;
        }
        r.bodies += '|';
        FUZZ_CHECK(!p.get().target.empty());
        r.targets += p.get().target;
        r.targets += ' ';
        ++r.messages;
        p.reset();
        install_sink();
      } else if (n < step) {
        FUZZ_CHECK(false);  // not done and no error: everything given must be consumed
      }
    }
  };
  available = first_cut;
  drain();
  available = wire.size();
  drain();
  if (!r.ec && r.messages < 64) {
    const bool was_started = p.started();
    p.put_eof(r.ec);
    // A request never ends at EOF: either nothing was pending or it is partial.
    FUZZ_CHECK(r.ec || false == was_started);
    if (!was_started) r.ec.clear();
  }
  if (r.ec && r.ec != seedance::http::parse_error::partial_message) {
    std::error_code again;
    FUZZ_CHECK(p.put("GET / HTTP/1.1\r\n\r\n", again) == 0);
    FUZZ_CHECK(again == r.ec);
    FUZZ_CHECK(again == seedance::condition::transport);
  }
  r.consumed = pos;
  r.body_bytes = p.body_bytes();
  return r;
}

void check_same(const result& a, const result& b) {
  FUZZ_CHECK(a.ec == b.ec);
  FUZZ_CHECK(a.messages == b.messages);
  FUZZ_CHECK(a.bodies == b.bodies);
  FUZZ_CHECK(a.targets == b.targets);
  if (!a.ec) FUZZ_CHECK(a.consumed == b.consumed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  const std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t cut = wire.empty() ? 0 : (static_cast<std::size_t>(control) * 131) % (wire.size() + 1);
  const result whole = run(wire, wire.size(), false, false);
  check_same(whole, run(wire, cut, false, false));
  check_same(whole, run(wire, cut, false, true));
  if (wire.size() <= 4096) check_same(whole, run(wire, 0, true, (control & 4) != 0));
  return 0;
}

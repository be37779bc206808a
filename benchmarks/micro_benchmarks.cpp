// micro_benchmarks.cpp - Google Benchmark micro-benchmarks of the pure parts of seedance: each provider codec
// (encode_create, decode_status on the golden fixtures), the HTTP response parser (MB/s over Content-Length,
// chunked and header-heavy responses), the request serializer and request validation (check()).
//
//   seedance_micro_benchmarks [--benchmark_filter=REGEX] [--benchmark_min_time=SECONDS]
//
// No sockets, no clocks in the code measured. Bodies come from tests/fixtures (SEEDANCE_FIXTURES_DIR).
#include <seedance/http/parser.hpp>
#include <seedance/http/serializer.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/request.hpp>

#include <support/fixtures.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using namespace std::chrono_literals;

/// A realistic first-frame request that every provider accepts.
seedance::request first_frame_request() {
  seedance::request r;
  r.model = seedance::model::seedance_2_0;
  r.prompt =
      "Slow dolly-in on a lighthouse at dusk, waves breaking on the rocks, warm light sweeping over the water, "
      "cinematic, 35 mm film grain";
  r.images = {"https://example.com/assets/first-frame-lighthouse.png"};
  r.ratio = seedance::aspect_ratio::r16_9;
  r.resolution = seedance::resolution::p720;
  r.duration = 5s;
  return r;
}

/// An Omni Reference request (images, a video and an audio clip) for the validation benchmark.
seedance::request reference_request() {
  seedance::request r = first_frame_request();
  r.prompt = "@image1 walks through the scene of @video1 while @audio1 plays; @image2 waves from the window";
  r.images = {"https://example.com/assets/character.png", "https://example.com/assets/friend.png"};
  r.videos = {"https://example.com/assets/street.mp4"};
  r.audios = {"https://example.com/assets/theme.mp3"};
  return r;
}

// ---- codecs ------------------------------------------------------------------------------------------------

template <class Codec>
void encode_create(benchmark::State& state) {
  const seedance::request r = first_frame_request();
  std::size_t bytes = 0;
  for (auto _ : state) {
    seedance::http::request wire = Codec::encode_create(r);
    bytes += wire.body.size();
    benchmark::DoNotOptimize(wire);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

template <class Codec>
void decode_status(benchmark::State& state, std::string_view fixture) {
  const seedance::http::response response = seedance::test_support::load_response(fixture);
  if (Codec::decode_status(response).videos.empty()) throw std::runtime_error("fixture without a video");
  for (auto _ : state) {
    seedance::task t = Codec::decode_status(response);
    benchmark::DoNotOptimize(t);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * response.body.size()));
}

BENCHMARK_TEMPLATE(encode_create, seedance::kinovi)->Name("codec/kinovi/encode_create");
BENCHMARK_TEMPLATE(encode_create, seedance::aihubmax)->Name("codec/aihubmax/encode_create");
BENCHMARK_TEMPLATE(encode_create, seedance::seedance2ink)->Name("codec/seedance2ink/encode_create");
BENCHMARK_TEMPLATE(encode_create, seedance::ark)->Name("codec/ark/encode_create");
void kinovi_decode_status(benchmark::State& state) {
  decode_status<seedance::kinovi>(state, "kinovi/response_status_success.json");
}
void aihubmax_decode_status(benchmark::State& state) {
  decode_status<seedance::aihubmax>(state, "aihubmax/response_status_completed.json");
}
void seedance2ink_decode_status(benchmark::State& state) {
  decode_status<seedance::seedance2ink>(state, "seedance2ink/response_status_succeeded.json");
}
void ark_decode_status(benchmark::State& state) {
  decode_status<seedance::ark>(state, "ark/response_status_succeeded.json");
}
BENCHMARK(kinovi_decode_status)->Name("codec/kinovi/decode_status");
BENCHMARK(aihubmax_decode_status)->Name("codec/aihubmax/decode_status");
BENCHMARK(seedance2ink_decode_status)->Name("codec/seedance2ink/decode_status");
BENCHMARK(ark_decode_status)->Name("codec/ark/decode_status");

// ---- HTTP response parser ----------------------------------------------------------------------------------

/// Headers a typical JSON API answer carries (about 300 bytes).
std::string typical_head(std::string_view framing) {
  return "HTTP/1.1 200 OK\r\n"
         "Date: Tue, 01 Sep 2026 10:00:00 GMT\r\n"
         "Content-Type: application/json; charset=utf-8\r\n" +
         std::string(framing) +
         "Connection: keep-alive\r\n"
         "Server: nginx\r\n"
         "Vary: Accept-Encoding\r\n"
         "X-Request-Id: 5f0c6d3e-8a51-4c1e-9a8d-2b7c1f0e4a99\r\n"
         "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"
         "Cache-Control: no-store\r\n"
         "\r\n";
}

std::string content_length_response(std::size_t body_size) {
  return typical_head("Content-Length: " + std::to_string(body_size) + "\r\n") + std::string(body_size, 'x');
}

std::string chunked_response(std::size_t body_size, std::size_t chunk_size) {
  std::string wire = typical_head("Transfer-Encoding: chunked\r\n");
  for (std::size_t sent = 0; sent < body_size;) {
    const std::size_t n = std::min(chunk_size, body_size - sent);
    char size_line[32];
    const int length = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
    wire.append(size_line, static_cast<std::size_t>(length));
    wire.append(n, 'x');
    wire += "\r\n";
    sent += n;
  }
  wire += "0\r\n\r\n";
  return wire;
}

/// A small response with many header fields (CDN, tracing, cookies), as some gateways answer.
std::string header_heavy_response() {
  std::string wire = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 40; ++i)
    wire += "X-Gateway-Trace-" + std::to_string(i) + ": upstream=10.0.0." + std::to_string(i) +
            ":8443; latency=12ms; region=ap-southeast-1\r\n";
  wire += "Set-Cookie: session=abcdef0123456789; Path=/; Secure; HttpOnly\r\nContent-Type: application/json\r\n";
  const std::string body = R"({"id":"task-1","status":"processing","progress":40})";
  wire += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return wire;
}

/// Parses `wire` handed over in pieces of `piece` bytes (a TLS record is at most 16 KiB), with a fresh parser
/// per message as the transport does; `sink` streams the body instead of buffering it.
void parse(benchmark::State& state, const std::string& wire, std::size_t piece, bool sink) {
  seedance::http::parser_limits limits;
  limits.max_body_bytes = std::uint64_t{1} << 32;
  std::uint64_t sunk = 0;
  for (auto _ : state) {
    seedance::http::response_parser parser(limits);
    if (sink) parser.set_body_sink([&sunk](std::string_view chunk, std::error_code&) { sunk += chunk.size(); });
    std::string_view rest = wire;
    std::error_code ec;
    while (!rest.empty() && !parser.done()) {
      const std::size_t used = parser.put(rest.substr(0, piece), ec);
      if (ec) throw std::runtime_error("parse error: " + ec.message());
      rest.remove_prefix(used);
    }
    if (!parser.done()) throw std::runtime_error("incomplete parse");
    benchmark::DoNotOptimize(parser.get());
  }
  benchmark::DoNotOptimize(sunk);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

void parser_content_length(benchmark::State& state) {
  parse(state, content_length_response(static_cast<std::size_t>(state.range(0))), 16 * 1024, false);
}
void parser_content_length_sink(benchmark::State& state) {
  parse(state, content_length_response(static_cast<std::size_t>(state.range(0))), 16 * 1024, true);
}
void parser_chunked(benchmark::State& state) {
  parse(state, chunked_response(static_cast<std::size_t>(state.range(0)), 4096), 16 * 1024, false);
}
void parser_chunked_sink(benchmark::State& state) {
  parse(state, chunked_response(static_cast<std::size_t>(state.range(0)), 4096), 16 * 1024, true);
}
void parser_header_heavy(benchmark::State& state) { parse(state, header_heavy_response(), 16 * 1024, false); }
void parser_status_response(benchmark::State& state) {
  // The answer a status poll gets: typical headers and a 600-byte JSON body, in one read.
  parse(state, content_length_response(600), 16 * 1024, false);
}

BENCHMARK(parser_status_response)->Name("parser/status_response_600B");
BENCHMARK(parser_header_heavy)->Name("parser/header_heavy_40_fields");
BENCHMARK(parser_content_length)->Name("parser/content_length")->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(parser_content_length_sink)->Name("parser/content_length_sink")->Arg(1 << 20);
BENCHMARK(parser_chunked)->Name("parser/chunked_4KiB_chunks")->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(parser_chunked_sink)->Name("parser/chunked_4KiB_chunks_sink")->Arg(1 << 20);

// ---- serializer and validation -------------------------------------------------------------------------------

void serialize_status_request(benchmark::State& state) {
  seedance::http::request req = seedance::aihubmax::status_request("task-unified-1757165031-uyujaw3d");
  req.headers.set("Host", "api.aihubmax.com");
  req.headers.set("Authorization", "Bearer sk-0123456789abcdef0123456789abcdef");
  req.headers.set("Accept", "application/json");
  req.headers.set("User-Agent", "seedance-cpp");
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string wire = seedance::http::serialize(req);
    bytes += wire.size();
    benchmark::DoNotOptimize(wire);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(serialize_status_request)->Name("serializer/status_request");

void check_request(benchmark::State& state, seedance::request r) {
  for (auto _ : state) {
    seedance::check(seedance::provider_id::kinovi, r);
    benchmark::ClobberMemory();
  }
}
void check_invalid_request(benchmark::State& state) {
  seedance::request r = first_frame_request();
  r.images = {"ftp://example.com/a.png", "not a url", "https://example.com/c.png"};
  r.duration = 40s;
  r.ratio = seedance::aspect_ratio::adaptive;
  std::size_t problems = 0;
  for (auto _ : state) {
    try {
      seedance::check(seedance::provider_id::kinovi, r);
    } catch (const seedance::error& e) {
      problems += e.details().problems.size();
    }
  }
  if (problems == 0) throw std::runtime_error("the invalid request passed check()");
}
BENCHMARK_CAPTURE(check_request, first_frame, first_frame_request())->Name("validate/check_first_frame");
BENCHMARK_CAPTURE(check_request, reference, reference_request())->Name("validate/check_reference");
BENCHMARK(check_invalid_request)->Name("validate/check_invalid_5_problems");

}  // namespace

BENCHMARK_MAIN();

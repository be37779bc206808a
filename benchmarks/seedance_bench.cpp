// seedance-bench - end-to-end measurements of the seedance client, usable against any HTTPS server.
//
//   seedance-bench poll     --url URL [--ca-file PEM] --connections C --seconds S
//       status-style GETs on C keep-alive connections from one thread: C coroutines on one io_context, each
//       looping http::transport::send(). Prints: requests_per_s=... p50_us=... p99_us=... errors=...
//   seedance-bench download --url URL [--ca-file PEM] --out FILE
//       client::download() of URL (the library's real download path: streamed to a temporary file, checked,
//       fsynced, renamed). Prints: bytes=... seconds=... mb_per_s=... peak_rss_kb=...
//   seedance-bench upload   --size SIZE --upload-to s3://BUCKET[/PREFIX] --endpoint URL [--ca-file PEM]
//                           [--region R] [--file PATH]
//       media::s3_uploader::upload() of a file of SIZE bytes (256M, 1G: binary suffixes K M G), made in a temporary
//       folder unless --file names one, to an S3-compatible server; credentials from AWS_ACCESS_KEY_ID and
//       AWS_SECRET_ACCESS_KEY. The file starts with a fresh nonce, so every run uploads (no HEAD skip). Prints:
//       bytes=... seconds=... mb_per_s=... put_seconds=... put_mb_per_s=... peak_rss_kb=... (seconds: hash, HEAD
//       and PUT; put_: from the first body byte handed to the connection to the end).
//   seedance-bench waiters  --tasks N [--poll-interval-s P] [--sim-port PORT --ca-file PEM]
//       N concurrent client.wait() on N running tasks of a simulator that runs in a child process (this
//       program, command serve-sim), so that only the client's memory is measured. Prints:
//       tasks=... baseline_rss_kb=... rss_kb=... peak_rss_kb=... rss_per_task_bytes=... heap_per_task_bytes=...
//       (RSS growth and malloc'ed bytes per wait, measured against the state just before the waits started).
//       With --sim-port, uses a simulator already running (`seedance-bench serve-sim --ca-out PEM --port PORT`),
//       e.g. to run the client alone under a heap profiler.
//   seedance-bench polling  --length-s L --tasks K [--time-scale X] [--provider NAME] [--expected-s E]
//       K generate() calls against the in-process simulator on a time scale, every task of known length L
//       (simulated seconds); the client's default polling policy (with polling_policy::expected_duration = E
//       when given) is scaled by the same factor: every duration in it is multiplied by X. Prints the status
//       requests per task and the delay between completion and its detection, in simulated seconds.
//   seedance-bench frames   --jobs N --seconds S [--pattern engine|io-poll] [--time-scale X] [--dir DIR]
//       A 60 fps frame loop on the main thread for S seconds while N generate+download jobs run against the
//       in-process simulator (one job submitted per frame from the first frame on; files written to DIR, default
//       the temporary directory). engine: a seedance::engine::service (its own I/O thread); each frame calls
//       poll(). io-poll: the pattern engine_frame_loop replaced, a client on an io_context driven by
//       io_context::poll() from the frame loop. The time of that one call is measured every frame. Prints:
//       pattern=... frames=... jobs=... jobs_done=... drain_p50_us=... drain_p99_us=... drain_max_us=...
//       frame_late_max_us=... (frames started later than scheduled, the worst lateness).
//   seedance-bench jobs     --store postgresql://USER@HOST:PORT/DB --workers W --jobs N [--schema NAME]
//       claim throughput of the PostgreSQL job store (built when libpq is found; see jobs_bench.hpp). Prints:
//       jobs=... workers=... claims_per_s=... claim_p50_ms=... claim_p99_ms=...
//
// MB means 10^6 bytes. Exit status: 0 on success, 1 when a measurement failed, 2 on a usage error.
#include <seedance/client.hpp>
#include <seedance/engine.hpp>
#include <seedance/http/transport.hpp>
#include <seedance/media/s3.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/any_provider.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/testing/simulator.hpp>
#if SEEDANCE_BENCH_JOBS
#include "jobs_bench.hpp"
#endif

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include <malloc.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::string_view usage_text =
    "usage:\n"
    "  seedance-bench poll --url URL [--ca-file PEM] --connections C --seconds S\n"
    "  seedance-bench download --url URL [--ca-file PEM] --out FILE\n"
    "  seedance-bench upload --size SIZE --upload-to s3://BUCKET[/PREFIX] --endpoint URL [--ca-file PEM] [--region R]\n"
    "                        [--file PATH]\n"
    "  seedance-bench waiters --tasks N [--poll-interval-s P] [--sim-port PORT --ca-file PEM]\n"
    "  seedance-bench frames --jobs N --seconds S [--pattern engine|io-poll] [--time-scale X] [--dir DIR]\n"
    "  seedance-bench serve-sim --ca-out FILE [--port PORT]\n"
    "  seedance-bench polling --length-s L --tasks K [--time-scale X] [--provider kinovi|aihubmax|seedance2ink|ark]\n"
    "                         [--expected-s E]\n"
    "  seedance-bench jobs --store postgresql://USER@HOST:PORT/DB --workers W --jobs N [--schema NAME]\n";

/// --name value pairs after the command. Every flag takes a value.
class arguments {
 public:
  arguments(int argc, char** argv, int first) {
    for (int i = first; i < argc; i += 2) {
      const std::string_view name = argv[i];
      if (name.rfind("--", 0) != 0) throw usage_error("unexpected argument " + std::string(name));
      if (i + 1 >= argc) throw usage_error(std::string(name) + " needs a value");
      values_[std::string(name.substr(2))] = argv[i + 1];
    }
  }

  std::string text(const std::string& name, std::optional<std::string> fallback = std::nullopt) {
    used_.push_back(name);
    const auto found = values_.find(name);
    if (found != values_.end()) return found->second;
    if (fallback) return *fallback;
    throw usage_error("--" + name + " is required");
  }

  double number(const std::string& name, std::optional<double> fallback, double min, double max) {
    const std::string value =
        text(name, fallback ? std::optional<std::string>(std::to_string(*fallback)) : std::nullopt);
    std::size_t used = 0;
    double parsed = 0;
    try {
      parsed = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || !(parsed >= min && parsed <= max))
      throw usage_error("--" + name + " must be a number from " + std::to_string(min) + " to " + std::to_string(max));
    return parsed;
  }

  /// Refuses flags no command read.
  void check_all_used() const {
    for (const auto& [name, value] : values_)
      if (std::find(used_.begin(), used_.end(), name) == used_.end()) throw usage_error("unknown option --" + name);
  }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> used_;
};

/// A field of /proc/self/status in kB (VmRSS, VmHWM); 0 when unavailable.
std::uint64_t proc_status_kb(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  for (int i = 0; i < 100 && std::getline(in, line); ++i) {
    if (line.rfind(field, 0) == 0 && line.size() > field.size() && line[field.size()] == ':')
      return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return 0;
}

/// Bytes handed out by malloc and not yet freed (glibc), or 0 where unknown.
std::uint64_t heap_in_use() {
#if defined(__GLIBC__)
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

double percentile(std::vector<std::uint32_t>& values, double p) {
  if (values.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
  const auto index = std::min(values.size() - 1, rank);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// "https://host:port" of an https URL.
std::string origin_of(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "https" || !parsed->has_authority())
    throw usage_error("--url must be an absolute https URL");
  return "https://" + std::string(parsed->encoded_authority());
}

seedance::http::transport_options transport_options_for(const std::string& ca_file) {
  seedance::http::transport_options options;
  options.tls.ca_file = ca_file;
  options.proxy.from_environment = false;  // loopback measurements never go through a proxy
  return options;
}

/// Runs `io` until `op` ends; rethrows what it threw.
template <class T>
T run_to_end(asio::io_context& io, asio::awaitable<T> op) {
  std::exception_ptr failure;
  std::optional<T> result;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

// ---- upload ----------------------------------------------------------------------------------------------------

/// "256M" -> 268435456 (binary suffixes K, M, G; none: bytes).
std::uint64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  unsigned long long number = 0;
  try {
    number = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::uint64_t unit = 1;
  const std::string suffix = used == 0 ? text : text.substr(used);
  if (suffix == "K" || suffix == "k")
    unit = 1ULL << 10;
  else if (suffix == "M" || suffix == "m")
    unit = 1ULL << 20;
  else if (suffix == "G" || suffix == "g")
    unit = 1ULL << 30;
  else if (!suffix.empty() || used == 0)
    throw usage_error("--size must be a number with an optional K, M or G suffix");
  if (number == 0 || number > (1ULL << 40) / unit) throw usage_error("--size must be from 1 byte to 1T");
  return number * unit;
}

/// Writes `size` pseudo-random bytes to `path`, 1 MiB at a time, starting with a per-run nonce.
void write_test_file(const std::filesystem::path& path, std::uint64_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::vector<char> block(1 << 20);
  std::uint64_t x = static_cast<std::uint64_t>(clock_type::now().time_since_epoch().count()) | 1;
  for (std::uint64_t written = 0; written < size;) {
    for (std::size_t i = 0; i + 8 <= block.size(); i += 8) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64: incompressible, cheap
      std::memcpy(block.data() + i, &x, 8);
    }
    const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(block.size(), size - written));
    out.write(block.data(), n);
    written += static_cast<std::uint64_t>(n);
  }
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

int upload_command(arguments& args) {
  const std::uint64_t size = parse_size(args.text("size"));
  const std::string bucket_url = args.text("upload-to");
  const std::string endpoint = args.text("endpoint");
  const std::string ca_file = args.text("ca-file", "");
  const std::string region = args.text("region", "");
  const std::string given_file = args.text("file", "");
  args.check_all_used();

  std::filesystem::path file = given_file;
  std::filesystem::path folder;
  if (file.empty()) {
    folder = std::filesystem::temp_directory_path() / ("seedance-bench-upload-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    file = folder / "upload.bin";
    write_test_file(file, size);
  }
  struct remove_on_exit {
    std::filesystem::path folder;
    ~remove_on_exit() {
      std::error_code ignored;
      if (!folder.empty()) std::filesystem::remove_all(folder, ignored);
    }
  } cleanup{folder};

  auto options = seedance::media::s3_options::from_environment(bucket_url, region, endpoint);
  options.transport.tls.ca_file = ca_file;
  options.transport.proxy.from_environment = false;
  asio::io_context io(1);
  seedance::media::s3_uploader uploader(io.get_executor(), options);
  std::optional<clock_type::time_point> first_byte;
  seedance::media::upload_request request;
  request.source = seedance::media::media_source::from_file(file);
  request.content_type = "application/octet-stream";
  request.progress = [&](std::uint64_t, std::uint64_t) {
    if (!first_byte) first_byte = clock_type::now();
  };
  const auto start = clock_type::now();
  const auto result = run_to_end(io, uploader.upload(request));
  const double elapsed = seconds_since(start);
  const double put_seconds = first_byte ? seconds_since(*first_byte) : 0.0;
  std::printf("bytes=%llu seconds=%.3f mb_per_s=%.1f put_seconds=%.3f put_mb_per_s=%.1f skipped=%d peak_rss_kb=%llu\n",
              static_cast<unsigned long long>(result.size), elapsed, static_cast<double>(result.size) / 1e6 / elapsed,
              put_seconds, put_seconds > 0 ? static_cast<double>(result.size) / 1e6 / put_seconds : 0.0,
              result.already_present ? 1 : 0, static_cast<unsigned long long>(proc_status_kb("VmHWM")));
  return 0;
}

// ---- poll ----------------------------------------------------------------------------------------------------

int poll_command(arguments& args) {
  const std::string url = args.text("url");
  const std::string ca_file = args.text("ca-file", "");
  const auto connections = static_cast<std::size_t>(args.number("connections", std::nullopt, 1, 10'000));
  const double seconds = args.number("seconds", std::nullopt, 0.1, 3600);
  args.check_all_used();
  origin_of(url);

  asio::io_context io(1);
  auto options = transport_options_for(ca_file);
  options.max_connections_per_origin = connections;
  seedance::http::transport transport(io.get_executor(), options);

  seedance::http::request request;
  request.method = seedance::http::method::get;
  request.headers.set("Accept", "application/json");
  request.headers.set("Authorization", "Bearer bench-dummy-key");

  std::vector<std::uint32_t> latencies_us;
  latencies_us.reserve(4'000'000);
  std::uint64_t errors = 0;
  std::string first_error;
  const auto start = clock_type::now();
  const auto stop_at = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
  auto loop = [&]() -> asio::awaitable<void> {
    while (clock_type::now() < stop_at) {
      const auto sent = clock_type::now();
      try {
        const seedance::http::response response = co_await transport.send(url, request);
        if (response.status != 200) throw std::runtime_error("HTTP " + std::to_string(response.status));
        const auto took = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - sent);
        if (latencies_us.size() < latencies_us.capacity())
          latencies_us.push_back(static_cast<std::uint32_t>(took.count()));
      } catch (const std::exception& e) {
        if (errors++ == 0) first_error = e.what();
        if (errors > 100) throw;
      }
    }
  };
  std::exception_ptr failure;
  for (std::size_t i = 0; i < connections; ++i)
    asio::co_spawn(io, loop(), [&](std::exception_ptr e) {
      if (e && !failure) failure = e;
    });
  io.run();
  const double elapsed = seconds_since(start);
  if (failure) std::rethrow_exception(failure);
  const auto count = latencies_us.size();
  const double p50 = percentile(latencies_us, 0.50);
  const double p99 = percentile(latencies_us, 0.99);
  std::printf("requests_per_s=%.0f p50_us=%.0f p99_us=%.0f errors=%llu connections_opened=%llu\n",
              static_cast<double>(count) / elapsed, p50, p99, static_cast<unsigned long long>(errors),
              static_cast<unsigned long long>(transport.stats().connections_opened));
  if (errors > 0) std::fprintf(stderr, "seedance-bench: first error: %s\n", first_error.c_str());
  return errors > 0 ? 1 : 0;
}

// ---- download ------------------------------------------------------------------------------------------------

int download_command(arguments& args) {
  const std::string url = args.text("url");
  const std::string ca_file = args.text("ca-file", "");
  const std::filesystem::path out = args.text("out");
  args.check_all_used();

  asio::io_context io(1);
  seedance::client_options<seedance::aihubmax> options;
  options.api_key = "bench-dummy-key";  // download URLs carry no key; the client insists on having one
  options.base_url = origin_of(url);
  options.transport = transport_options_for(ca_file);
  seedance::client<seedance::aihubmax> client(io.get_executor(), options);

  const auto start = clock_type::now();
  const seedance::download_result result = run_to_end(io, [&]() -> asio::awaitable<seedance::download_result> {
    seedance::download_options download;
    download.overwrite = true;
    co_return co_await client.download(url, out, download);
  }());
  const double elapsed = seconds_since(start);
  std::printf("bytes=%llu seconds=%.3f mb_per_s=%.1f peak_rss_kb=%llu\n", static_cast<unsigned long long>(result.bytes),
              elapsed, static_cast<double>(result.bytes) / 1e6 / elapsed,
              static_cast<unsigned long long>(proc_status_kb("VmHWM")));
  return 0;
}

// ---- simulator in a child process ----------------------------------------------------------------------------

volatile std::sig_atomic_t stop_serving = 0;
extern "C" void on_stop_signal(int) { stop_serving = 1; }

/// serve-sim --ca-out FILE: a simulator whose tasks run for ten hours with no concurrency limits. Prints its
/// port on stdout, then serves until stdin reaches end of file (the parent exited or closed it) or SIGTERM.
int serve_sim_command(arguments& args) {
  const std::string ca_out = args.text("ca-out");
  const auto port = static_cast<std::uint16_t>(args.number("port", 0.0, 0, 65535));
  args.check_all_used();
  seedance::testing::simulator_options options;
  options.port = port;
  options.queue_time = 0ms;
  options.run_time = std::chrono::hours(10);
  options.kinovi.concurrency = 0;
  options.aihubmax.concurrency = 0;
  options.seedance2ink.concurrency = 0;
  options.ark.concurrency = 0;
  options.max_log_entries = 1000;
  options.keep_alive_timeout = 0ms;
  seedance::testing::simulator sim(options);
  {
    std::ofstream ca(ca_out, std::ios::binary | std::ios::trunc);
    ca << sim.ca_pem();
    if (!ca.flush()) throw std::runtime_error("cannot write " + ca_out);
  }
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  std::printf("%u\n", static_cast<unsigned>(sim.port()));
  std::fflush(stdout);
  char byte = 0;
  while (!stop_serving && ::read(STDIN_FILENO, &byte, 1) > 0) {
  }
  return 0;
}

/// A `seedance-bench serve-sim` child process; stopped (stdin closed, then waited for) on destruction.
class sim_process {
 public:
  explicit sim_process(const std::string& ca_out) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    posix_spawn_file_actions_addclose(&actions, from_child[0]);
    std::string self = "/proc/self/exe", command = "serve-sim", flag = "--ca-out", file = ca_out;
    char* argv[] = {self.data(), command.data(), flag.data(), file.data(), nullptr};
    const int spawned = posix_spawn(&pid_, "/proc/self/exe", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    if (spawned != 0) {
      ::close(from_child[0]);
      ::close(stdin_);
      throw std::runtime_error("cannot start the simulator process");
    }
    std::string line;
    char c = 0;
    while (line.size() < 16 && ::read(from_child[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(from_child[0]);
    port_ = static_cast<std::uint16_t>(std::strtoul(line.c_str(), nullptr, 10));
    if (port_ == 0) {
      stop();
      throw std::runtime_error("the simulator process did not report its port");
    }
  }
  sim_process(const sim_process&) = delete;
  sim_process& operator=(const sim_process&) = delete;
  ~sim_process() { stop(); }

  std::uint16_t port() const noexcept { return port_; }

 private:
  void stop() noexcept {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
    if (pid_ > 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  std::uint16_t port_ = 0;
};

seedance::request bench_request() {
  seedance::request r;
  r.prompt = "slow dolly-in on a lighthouse at dusk";
  r.images = {"https://example.com/first.png"};
  r.resolution = seedance::resolution::p720;
  r.duration = 5s;
  return r;
}

// ---- waiters -------------------------------------------------------------------------------------------------

int waiters_command(arguments& args) {
  const auto tasks = static_cast<std::size_t>(args.number("tasks", std::nullopt, 1, 200'000));
  const auto interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(args.number("poll-interval-s", 60.0, 1, 3600) * 1000));
  const auto external_port = static_cast<std::uint16_t>(args.number("sim-port", 0.0, 0, 65535));
  std::filesystem::path ca_file = args.text("ca-file", "");
  args.check_all_used();
  if (external_port != 0 && ca_file.empty()) throw usage_error("--sim-port needs --ca-file");

  std::unique_ptr<sim_process> child;
  if (external_port == 0) {
    ca_file = std::filesystem::temp_directory_path() / ("seedance-bench-ca-" + std::to_string(::getpid()));
    child = std::make_unique<sim_process>(ca_file.string());  // started before any thread of ours exists
  }
  const std::uint16_t port = external_port != 0 ? external_port : child->port();

  asio::io_context io(1);
  seedance::client_options<seedance::kinovi> options;
  options.api_key = "sim-test-key";
  options.base_url = "https://127.0.0.1:" + std::to_string(port) + "/kinovi/api/v1";
  options.transport = transport_options_for(ca_file.string());
  seedance::client<seedance::kinovi> client(io.get_executor(), options);

  std::vector<std::string> ids;
  ids.reserve(tasks);
  std::vector<asio::cancellation_signal> stop(tasks);
  std::size_t established = 0, ended = 0, failed = 0;
  std::uint64_t baseline_kb = 0, waiting_kb = 0, heap_baseline = 0, heap_waiting = 0;

  auto controller = [&]() -> asio::awaitable<int> {
    // 1. The tasks, created 256 at a time.
    const seedance::request request = bench_request();
    for (std::size_t begun = 0; begun < tasks;) {
      const std::size_t batch = std::min<std::size_t>(256, tasks - begun);
      std::size_t done = 0;
      std::exception_ptr failure;
      asio::steady_timer batch_done(io, clock_type::time_point::max());
      for (std::size_t i = 0; i < batch; ++i)
        asio::co_spawn(io, client.submit(request), [&](std::exception_ptr e, seedance::task t) {
          if (e && !failure) failure = e;
          if (!e) ids.push_back(t.id);
          if (++done == batch) batch_done.cancel();
        });
      std::error_code ignored;
      co_await batch_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      if (failure) std::rethrow_exception(failure);
      begun += batch;
    }
    // 2. Baseline: the client holds the tasks (ids, in-flight slots), no wait has started.
    asio::steady_timer settle(io, 200ms);
    co_await settle.async_wait(asio::use_awaitable);
    baseline_kb = proc_status_kb("VmRSS");
    heap_baseline = heap_in_use();

    // 3. The waits, started 256 at a time (as an application accumulates them): each polls once at once, then
    // every `interval`. Once all have seen their first answer they are parked between polls, which is the state
    // whose cost is measured; starting them all at once would measure 10,000 queued requests instead.
    seedance::polling_policy parked;
    parked.first_delay = interval;
    parked.min_interval = interval;
    parked.max_interval = interval;
    const auto give_up = clock_type::now() + 300s;
    for (std::size_t i = 0; i < tasks; ++i) {
      seedance::wait_options wait;
      wait.deadline = std::chrono::hours(2);
      wait.polling = parked;
      wait.on_progress = [&](const seedance::task&) { ++established; };
      asio::co_spawn(io, client.wait(ids[i], std::move(wait)),
                     asio::bind_cancellation_slot(stop[i].slot(), [&](std::exception_ptr e, seedance::task) {
                       ++ended;
                       if (e) {
                         try {
                           std::rethrow_exception(e);
                         } catch (const std::system_error& error) {
                           if (error.code() != asio::error::operation_aborted) ++failed;
                         } catch (...) {
                           ++failed;
                         }
                       }
                     }));
      if ((i + 1) % 256 != 0 && i + 1 != tasks) continue;
      while (established < i + 1 && ended == 0 && clock_type::now() < give_up) {
        asio::steady_timer tick(io, 1ms);
        co_await tick.async_wait(asio::use_awaitable);
      }
    }
    if (established < tasks) throw std::runtime_error("not every wait got its first answer");
    heap_waiting = heap_in_use();
    settle.expires_after(200ms);
    co_await settle.async_wait(asio::use_awaitable);
    waiting_kb = proc_status_kb("VmRSS");

    // 4. Stop the waits (cancellation ends each one promptly).
    for (auto& s : stop) s.emit(asio::cancellation_type::terminal);
    while (ended < tasks && clock_type::now() < give_up) {
      asio::steady_timer tick(io, 10ms);
      co_await tick.async_wait(asio::use_awaitable);
    }
    co_return 0;
  };
  run_to_end(io, controller());
  if (child) std::filesystem::remove(ca_file);
  const double per_task =
      (static_cast<double>(waiting_kb) - static_cast<double>(baseline_kb)) * 1024.0 / static_cast<double>(tasks);
  const double heap_per_task =
      (static_cast<double>(heap_waiting) - static_cast<double>(heap_baseline)) / static_cast<double>(tasks);
  std::printf(
      "tasks=%zu baseline_rss_kb=%llu rss_kb=%llu peak_rss_kb=%llu rss_per_task_bytes=%.0f heap_per_task_bytes=%.0f "
      "failed=%zu\n",
      tasks, static_cast<unsigned long long>(baseline_kb), static_cast<unsigned long long>(waiting_kb),
      static_cast<unsigned long long>(proc_status_kb("VmHWM")), per_task, heap_per_task, failed);
  return failed > 0 ? 1 : 0;
}

// ---- polling -------------------------------------------------------------------------------------------------

/// `policy` with every duration multiplied by `scale` (at least 1 ms each).
seedance::polling_policy scaled(seedance::polling_policy policy, double scale) {
  const auto scale_ms = [scale](std::chrono::milliseconds d) {
    return std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(static_cast<double>(d.count()) * scale)));
  };
  policy.first_delay = scale_ms(policy.first_delay);
  policy.min_interval = scale_ms(policy.min_interval);
  policy.max_interval = scale_ms(policy.max_interval);
  if (policy.expected_duration) policy.expected_duration = scale_ms(*policy.expected_duration);
  return policy;
}

int polling_command(arguments& args) {
  const double length_s = args.number("length-s", std::nullopt, 1, 24 * 3600);
  const auto tasks = static_cast<std::size_t>(args.number("tasks", std::nullopt, 1, 1000));
  const double scale = args.number("time-scale", 0.01, 0.0001, 1);
  const std::string provider_name = args.text("provider", "kinovi");
  const double expected_s = args.number("expected-s", 0.0, 0, 24 * 3600);
  args.check_all_used();
  const auto provider = seedance::any_provider::from_name(provider_name);
  if (!provider) throw usage_error("--provider: unknown provider " + provider_name);

  seedance::testing::simulator_options sim_options;
  sim_options.time_scale = scale;
  sim_options.queue_time = 0ms;
  sim_options.run_time = std::chrono::milliseconds(std::llround(length_s * 1000));
  sim_options.kinovi.concurrency = 0;
  sim_options.aihubmax.concurrency = 0;
  sim_options.seedance2ink.concurrency = 0;
  sim_options.ark.concurrency = 0;
  sim_options.max_log_entries = 1'000'000;
  seedance::testing::simulator sim(sim_options);

  asio::io_context io(1);
  seedance::client_options<seedance::any_provider> options;
  options.api_key = sim.api_key();
  options.base_url = sim.base_url(provider->id());
  options.transport.tls.ca_pem = sim.ca_pem();
  options.transport.proxy.from_environment = false;
  if (expected_s > 0) options.polling.expected_duration = std::chrono::milliseconds(std::llround(expected_s * 1000));
  options.polling = scaled(options.polling, scale);
  options.jitter_seed = 42;
  seedance::client<seedance::any_provider> client(io.get_executor(), *provider, options);

  const auto length = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(length_s * scale));
  std::map<std::string, clock_type::time_point> detected;  // task id -> when generate() returned
  std::size_t failed = 0;
  for (std::size_t i = 0; i < tasks; ++i) {
    auto one = [&]() -> asio::awaitable<void> {
      const seedance::request request = bench_request();
      const seedance::video video = co_await client.generate(request);
      detected[video.task_id] = clock_type::now();
    };
    asio::co_spawn(io, one(), [&](std::exception_ptr e) {
      if (e) ++failed;
    });
  }
  io.run();
  // A task starts when the simulator answers its create request (queue_time is 0): the time of that log entry,
  // on the same steady clock. It is logged just after the task was made, so delays are if anything overstated.
  std::vector<double> delays;  // real seconds
  for (const auto& entry : sim.log()) {
    if (entry.kind != seedance::testing::request_kind::create) continue;
    const auto found = detected.find(entry.task_id);
    if (found != detected.end())
      delays.push_back(std::chrono::duration<double>(found->second - (entry.time + length)).count());
  }
  if (delays.empty() || delays.size() != detected.size()) throw std::runtime_error("tasks missing from the log");
  std::sort(delays.begin(), delays.end());
  const double statuses = static_cast<double>(sim.count(provider->id(), seedance::testing::request_kind::status));
  const double bound = std::max(2.0, 0.05 * length_s);  // simulated seconds
  const double p50 = delays[(delays.size() - 1) / 2] / scale, max = delays.back() / scale;
  const auto within = std::count_if(delays.begin(), delays.end(), [&](double d) { return d / scale <= bound; });
  std::printf(
      "provider=%s expected_s=%.0f length_s=%.0f tasks=%zu status_requests_per_task=%.1f detect_p50_s=%.2f "
      "detect_max_s=%.2f "
      "detect_p50_share=%.4f detect_max_share=%.4f bound_s=%.2f within_bound=%zu/%zu failed=%zu\n",
      provider_name.c_str(), expected_s, length_s, tasks, statuses / static_cast<double>(tasks), p50, max,
      p50 / length_s, max / length_s, bound, static_cast<std::size_t>(within), delays.size(), failed);
  return failed > 0 ? 1 : 0;
}

// ---- frames ---------------------------------------------------------------------------------------------------

/// What the frame loop measured.
struct frame_figures {
  std::vector<std::uint32_t> call_us;  ///< the poll()/io_context::poll() call of each frame
  std::uint64_t late_max_us = 0;       ///< the worst lateness of a frame's start
  std::size_t done = 0, failed = 0;
};

/// Runs `frame(n)` at 60 fps for `seconds`, timing `per_frame()` (the call under test) each frame.
template <class Submit, class PerFrame>
void frame_loop(double seconds, std::size_t jobs, frame_figures& figures, Submit submit, PerFrame per_frame) {
  const auto frame_time = std::chrono::microseconds(16'667);
  const auto start = clock_type::now();
  const auto end = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
  auto next = start;
  for (std::size_t frame = 0; next < end; ++frame) {
    const auto late = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - next).count();
    figures.late_max_us =
        std::max<std::uint64_t>(figures.late_max_us, static_cast<std::uint64_t>(std::max<long>(0, late)));
    if (frame < jobs) submit(frame);
    const auto before = clock_type::now();
    per_frame();
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - before).count();
    figures.call_us.push_back(static_cast<std::uint32_t>(took));
    next += frame_time;
    std::this_thread::sleep_until(next);
  }
}

int frames_command(arguments& args) {
  const auto jobs = static_cast<std::size_t>(args.number("jobs", 50, 1, 10'000));
  const double seconds = args.number("seconds", 10, 0.1, 3600);
  const std::string pattern = args.text("pattern", "engine");
  const double scale = args.number("time-scale", 1, 0.001, 10);
  const std::filesystem::path dir =
      std::filesystem::path(args.text("dir", std::filesystem::temp_directory_path().string())) /
      ("seedance-bench-frames-" + std::to_string(::getpid()));
  args.check_all_used();
  if (pattern != "engine" && pattern != "io-poll") throw usage_error("--pattern must be engine or io-poll");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  seedance::testing::simulator_options sim_options;
  sim_options.time_scale = scale;  // a task: 0.2 s queued + 1 s running at scale 1
  sim_options.kinovi.concurrency = 0;
  seedance::testing::simulator sim(sim_options);
  const std::string ca_file = (dir / "ca.pem").string();
  std::ofstream(ca_file) << sim.ca_pem();
  const auto clip = [&](std::size_t n) { return (dir / ("clip-" + std::to_string(n) + ".mp4")).string(); };
  constexpr auto first_poll = std::chrono::milliseconds(200);
  constexpr auto poll_interval = std::chrono::milliseconds(500);

  frame_figures figures;
  figures.call_us.reserve(static_cast<std::size_t>(seconds * 61) + 1);
  if (pattern == "engine") {
    seedance::engine::service_options options;
    options.base_url = sim.base_url(seedance::provider_id::kinovi);
    options.api_key = sim.api_key();
    options.ca_file = ca_file;
    options.poll_first_delay = first_poll;
    options.poll_min_interval = poll_interval;
    seedance::engine::service service(options);
    if (const auto* failure = service.startup_failure()) throw std::runtime_error(failure->message);
    seedance::engine::request request;  // bench_request()'s values
    request.prompt = "slow dolly-in on a lighthouse at dusk";
    request.images = {"https://example.com/first.png"};
    request.resolution = seedance::resolution::p720;
    request.duration = 5s;
    std::vector<seedance::engine::event> events;
    events.reserve(4 * jobs);
    frame_loop(
        seconds, jobs, figures, [&](std::size_t n) { service.submit(request, clip(n)); },
        [&] {
          service.poll(events);
          for (const auto& e : events) {
            if (e.kind == seedance::engine::event_kind::downloaded) ++figures.done;
            if (e.kind == seedance::engine::event_kind::failed) ++figures.failed;
          }
        });
  } else {
    asio::io_context io(1);
    auto keep_running = asio::make_work_guard(io);
    seedance::client_options<seedance::any_provider> options;
    options.base_url = sim.base_url(seedance::provider_id::kinovi);
    options.api_key = sim.api_key();
    options.transport.tls.ca_file = ca_file;
    options.transport.proxy.from_environment = false;
    options.polling.first_delay = first_poll;
    options.polling.min_interval = poll_interval;
    seedance::client<seedance::any_provider> client(io.get_executor(),
                                                    seedance::any_provider(seedance::provider_id::kinovi), options);
    const auto one_job = [&](std::string path) -> asio::awaitable<void> {
      const seedance::request request = bench_request();
      const seedance::video video = co_await client.generate(request);
      const seedance::download_options download;
      co_await client.download(video, path, download);
    };
    frame_loop(
        seconds, jobs, figures,
        [&](std::size_t n) {
          asio::co_spawn(io, one_job(clip(n)), [&](std::exception_ptr e) { ++(e ? figures.failed : figures.done); });
        },
        [&] { io.poll(); });
    // Let the jobs still running finish (unmeasured): their coroutines refer to the client.
    while (figures.done + figures.failed < std::min(jobs, figures.call_us.size())) io.run_one();
  }
  std::filesystem::remove_all(dir);

  const std::size_t frames = figures.call_us.size();
  const double p50 = percentile(figures.call_us, 0.50), p99 = percentile(figures.call_us, 0.99),
               max = percentile(figures.call_us, 1.0);
  std::printf(
      "pattern=%s frames=%zu jobs=%zu jobs_done=%zu jobs_failed=%zu drain_p50_us=%.0f drain_p99_us=%.0f "
      "drain_max_us=%.0f frame_late_max_us=%llu\n",
      pattern.c_str(), frames, jobs, figures.done, figures.failed, p50, p99, max,
      static_cast<unsigned long long>(figures.late_max_us));
  return figures.failed > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage_text;
    return 2;
  }
  const std::string_view command = argv[1];
  try {
    arguments args(argc, argv, 2);
    if (command == "poll") return poll_command(args);
    if (command == "download") return download_command(args);
    if (command == "upload") return upload_command(args);
    if (command == "waiters") return waiters_command(args);
    if (command == "polling") return polling_command(args);
    if (command == "frames") return frames_command(args);
    if (command == "serve-sim") return serve_sim_command(args);
#if SEEDANCE_BENCH_JOBS
    if (command == "jobs") return seedance_bench_jobs::jobs_command(args);
#else
    if (command == "jobs") throw std::runtime_error("built without libpq: the jobs command is not available");
#endif
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << usage_text;
      return 0;
    }
    throw usage_error("unknown command " + std::string(command));
  } catch (const usage_error& e) {
    std::cerr << "seedance-bench: " << e.what() << "\n" << usage_text;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "seedance-bench " << command << ": " << e.what() << "\n";
    return 1;
  }
}

// seedance_soak - many generation jobs across all four providers against the simulator, with faults of every kind
// the simulator has, 429 storms, duplicate and out-of-order webhooks and expiring output URLs, under a
// concurrency limit, on an io_context run by two threads.
//
//   seedance_soak                     2000 jobs (the short form: well under a minute)
//   seedance_soak --jobs N            any number of jobs
//   seedance_soak --long              at least 21 minutes of jobs (--seconds 1260), RSS checkpoints every minute
//   seedance_soak --seconds S         jobs for S seconds
//   options: --window N (jobs active at once, 48), --max-in-flight N (per client, 6), --fault-rate F (0.10),
//            --seed N, --out DIR (where downloads go; default a fresh directory under the system temp dir)
//   environment, for investigations: SEEDANCE_SOAK_ONLY=0..3 sends every job to one provider (kinovi, aihubmax,
//   seedance2ink, ark); SEEDANCE_SOAK_TRACE=<provider name> prints that client's log lines to stderr;
//   SEEDANCE_SOAK_EXIT_WITH_CLIENTS_ALIVE=1 exits after the summary without destroying the clients (for heap
//   profilers: what they still hold shows as leaked).
//
// The simulator runs in a child process, so the memory this process measures is the library's and the
// driver's, not the simulator's growing task store and request log. At the end the child reports what it saw
// (request log, faults, tasks per job) and the soak checks:
//   - every job ended with a complete MP4 (byte-identical to the one served) or a seedance::error with a code;
//   - no job created more than one task: every job on a provider with webhooks carries its number in its
//     callback URL, so the simulator's webhook log maps each created task to its job; every created task must be
//     mapped, and no job may own two tasks (aihubmax has no webhooks: its task count must not exceed its jobs).
//     A job whose create ended in outcome_unknown is never submitted again;
//   - no partial file: no *.part-* file is left, and no file exists at the final path of a job that failed;
//   - memory is flat after warm-up: resident memory at the end is within 20% + 8 MiB of the first checkpoint
//     after warm-up.
// It prints a summary (jobs, outcomes by type, faults injected by type, requests, memory, duration) and exits 0
// when every check passed, 1 otherwise, 2 on bad usage.
#include <seedance/seedance.hpp>
#include <seedance/testing/simulator.hpp>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace st = seedance::testing;
using seedance::errc;
using seedance::provider_id;
using clock_type = std::chrono::steady_clock;

// ---- options ---------------------------------------------------------------------------------------------------

struct soak_options {
  std::uint64_t jobs = 2000;         ///< job-count bound (ignored when `duration` is set)
  std::chrono::seconds duration{0};  ///< time bound: launch jobs until it passes, then drain
  std::size_t window = 48;           ///< jobs active at once (the rest are not started yet)
  std::size_t max_in_flight = 6;     ///< client_options::max_in_flight of each provider's client
  double fault_rate = 0.10;          ///< share of requests hit by a fault, spread over every request fault kind
  std::uint64_t seed = 0x50a4;       ///< simulator faults, job mix and jitter
  std::filesystem::path out_dir{};   ///< downloads (emptied as jobs are verified)
  std::chrono::seconds storm_every{3};
  std::chrono::milliseconds storm_length{400};  ///< every request in a storm is answered 429
};

// The simulated world runs 50 times faster than the providers': a task is queued 4 ms and runs 20 ms.
constexpr double time_scale = 0.02;
// Output URLs expire after this much real time; "late" jobs wait longer before downloading.
constexpr auto output_ttl_real = 8s;
constexpr auto late_download_wait = 9s;
constexpr std::string_view api_key = "sk-soak-0f1e2d3c4b5a69788796a5b4";

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<soak_options> parse_arguments(int argc, char** argv) {
  soak_options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string_view(argv[++i]);
    };
    const auto number = [&]() -> std::optional<std::uint64_t> {
      const auto v = value();
      return v ? parse_number(*v) : std::nullopt;
    };
    if (arg == "--long") {
      o.duration = 1260s;
      o.storm_every = 30s;
    } else if (arg == "--jobs") {
      const auto n = number();
      if (!n || *n == 0) return std::nullopt;
      o.jobs = *n;
    } else if (arg == "--seconds") {
      const auto n = number();
      if (!n || *n == 0) return std::nullopt;
      o.duration = std::chrono::seconds(*n);
    } else if (arg == "--window") {
      const auto n = number();
      if (!n || *n == 0 || *n > 10'000) return std::nullopt;
      o.window = *n;
    } else if (arg == "--max-in-flight") {
      const auto n = number();
      if (!n || *n == 0) return std::nullopt;
      o.max_in_flight = *n;
    } else if (arg == "--fault-rate") {
      const auto v = value();
      if (!v) return std::nullopt;
      char* end = nullptr;
      const std::string text(*v);
      o.fault_rate = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size() || o.fault_rate < 0 || o.fault_rate > 0.5) return std::nullopt;
    } else if (arg == "--seed") {
      const auto n = number();
      if (!n) return std::nullopt;
      o.seed = *n;
    } else if (arg == "--out") {
      const auto v = value();
      if (!v) return std::nullopt;
      o.out_dir = std::filesystem::path(*v);
    } else {
      return std::nullopt;
    }
  }
  return o;
}

// ---- names -----------------------------------------------------------------------------------------------------

constexpr std::array<st::fault_kind, 12> all_fault_kinds{
    st::fault_kind::drop_before_request, st::fault_kind::drop_after_request, st::fault_kind::close_after_headers,
    st::fault_kind::close_mid_body,      st::fault_kind::slow_bytes,         st::fault_kind::truncated_chunked,
    st::fault_kind::invalid_json,        st::fault_kind::http_error,         st::fault_kind::delay,
    st::fault_kind::rate_limit,          st::fault_kind::webhook_duplicate,  st::fault_kind::webhook_out_of_order,
};

constexpr std::array<st::request_kind, 7> all_request_kinds{
    st::request_kind::create,   st::request_kind::status,  st::request_kind::cancel, st::request_kind::list,
    st::request_kind::download, st::request_kind::webhook, st::request_kind::other,
};

// ---- pipes between the soak and its simulator process ------------------------------------------------------------

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

/// Reads one '\n'-terminated line (without the newline); nullopt at end of stream.
std::optional<std::string> read_line(int fd, std::string& pending) {
  for (;;) {
    if (const auto nl = pending.find('\n'); nl != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      return line;
    }
    char buffer[65536];
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
}

// ---- the simulator process -----------------------------------------------------------------------------------------

/// Parses "job=<n>" from a callback URL.
std::optional<std::uint64_t> job_of_callback(std::string_view url) {
  const auto at = url.find("job=");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view digits = url.substr(at + 4);
  digits = digits.substr(0, std::min(digits.find_first_not_of("0123456789"), digits.size()));
  return parse_number(digits);
}

void add_faults(st::simulator& sim, const soak_options& o) {
  // Request faults: every kind, with equal shares of the fault rate, on every path (create, status, download).
  const double share = o.fault_rate / 10.0;
  const auto add = [&](st::fault f, double p) { sim.add_fault(st::fault_rule::with_probability("", p, f)); };
  add({.kind = st::fault_kind::drop_before_request}, share);  // empty path: strikes as the first bytes arrive
  add({.kind = st::fault_kind::drop_after_request}, share);
  add({.kind = st::fault_kind::close_after_headers}, share);
  add({.kind = st::fault_kind::close_mid_body, .bytes = 40}, share / 2);
  add({.kind = st::fault_kind::close_mid_body, .bytes = 20'000}, share / 2);
  add({.kind = st::fault_kind::slow_bytes, .bytes = 2048, .delay = 1ms}, share);
  add({.kind = st::fault_kind::truncated_chunked}, share);
  add({.kind = st::fault_kind::invalid_json}, share);
  add({.kind = st::fault_kind::http_error, .status = 500}, share / 3);
  add({.kind = st::fault_kind::http_error, .status = 502}, share / 3);
  add({.kind = st::fault_kind::http_error, .status = 503, .retry_after = 0s}, share / 3);
  add({.kind = st::fault_kind::delay, .delay = 40ms}, share);
  add({.kind = st::fault_kind::rate_limit, .retry_after = 0s}, share);
  // Webhook faults: a tenth of the deliveries each.
  add({.kind = st::fault_kind::webhook_duplicate}, 0.10);
  add({.kind = st::fault_kind::webhook_out_of_order}, 0.10);
}

/// What the simulator saw, as JSON for the soak.
boost::json::object simulator_report(const st::simulator& sim, std::uint64_t storms, std::uint64_t storm_hits) {
  const std::vector<st::log_entry> log = sim.log();
  std::uint64_t ever = 0;
  boost::json::object requests;
  for (auto kind : all_request_kinds) {
    const auto n = sim.count(kind);
    ever += n;
    requests[std::string(st::to_string(kind))] = n;
  }
  std::map<std::string, std::uint64_t> faults;
  for (auto kind : all_fault_kinds) faults[std::string(st::to_string(kind))] = 0;
  std::map<std::uint64_t, std::set<std::string>> tasks_of_job;
  std::map<std::string, std::pair<provider_id, bool>> created;  // task id -> (provider, named by a callback)
  std::uint64_t internal_errors = 0;
  for (const auto& e : log) {
    if (e.fault) ++faults[std::string(st::to_string(*e.fault))];
    if (e.note.rfind("internal error", 0) == 0) ++internal_errors;
    if (e.kind == st::request_kind::create && !e.task_id.empty() && e.provider)
      created.emplace(e.task_id, std::make_pair(*e.provider, false));
    if (e.kind == st::request_kind::webhook && !e.task_id.empty())
      if (const auto job = job_of_callback(e.path)) tasks_of_job[*job].insert(e.task_id);
  }
  for (const auto& [job, tasks] : tasks_of_job)
    for (const auto& id : tasks)
      if (auto it = created.find(id); it != created.end()) it->second.second = true;

  boost::json::object report;
  report["log_entries"] = log.size();
  report["log_complete"] = ever == log.size();
  report["requests"] = std::move(requests);
  boost::json::object fault_counts;
  for (const auto& [name, n] : faults) fault_counts[name] = n;
  report["faults"] = std::move(fault_counts);
  report["storms"] = storms;
  report["storm_hits"] = storm_hits;
  report["internal_errors"] = internal_errors;
  boost::json::object providers;
  for (provider_id p : seedance::all_providers) {
    std::uint64_t created_seen = 0, mapped = 0;
    for (const auto& [id, info] : created)
      if (info.first == p) {
        ++created_seen;
        mapped += info.second ? 1 : 0;
      }
    providers[std::string(seedance::to_string(p))] = boost::json::object{
        {"tasks", sim.creates(p)},
        {"create_requests", sim.count(p, st::request_kind::create)},
        {"created_in_log", created_seen},
        {"created_named_by_a_callback", mapped},
        {"max_in_flight", sim.max_in_flight(p)},
    };
  }
  report["providers"] = std::move(providers);
  boost::json::object jobs;
  for (const auto& [job, tasks] : tasks_of_job) {
    boost::json::array ids;
    for (const auto& id : tasks) ids.emplace_back(id);
    jobs[std::to_string(job)] = std::move(ids);
  }
  report["tasks_of_job"] = std::move(jobs);
  return report;
}

/// Waits until no task is moving and no webhook is being delivered (bounded).
void wait_until_quiet(const st::simulator& sim) {
  std::this_thread::sleep_for(1s);  // every task runs for well under a second of real time
  std::uint64_t last = 0;
  for (int i = 0; i < 120; ++i) {
    std::uint64_t now = 0;
    for (auto kind : all_request_kinds) now += sim.count(kind);
    if (sim.webhooks_in_flight() == 0 && now == last) return;
    last = now;
    std::this_thread::sleep_for(500ms);
  }
}

/// The child process: serves the simulator until told to report, then until the pipe closes.
[[noreturn]] void simulator_process(int command_fd, int reply_fd, const soak_options& o) {
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  st::simulator_options so;
  so.api_key = std::string(api_key);
  so.time_scale = time_scale;
  so.output_ttl = std::chrono::duration_cast<std::chrono::milliseconds>(output_ttl_real / time_scale);
  so.seed = o.seed;
  so.max_log_entries = 20'000'000;  // never drop: the report needs every webhook attempt
  so.keep_alive_timeout = 10s;
  int status = 0;
  try {
    st::simulator sim(so);
    add_faults(sim, o);
    const boost::json::object hello{{"port", sim.port()}, {"ca", sim.ca_pem()}};
    if (!write_all(reply_fd, boost::json::serialize(hello) + "\n")) ::_exit(3);

    std::uint64_t storms = 0, storm_hits = 0;
    std::optional<std::uint64_t> storm_rule;
    auto next_storm = clock_type::now() + 300ms;  // the first while the window fills, then regularly
    auto storm_end = next_storm;
    const auto end_storm = [&] {
      if (!storm_rule) return;
      storm_hits += sim.fault_hits(*storm_rule);
      sim.remove_fault(*storm_rule);
      storm_rule.reset();
    };
    std::string pending;
    for (;;) {
      pollfd pfd{command_fd, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 50);
      const auto now = clock_type::now();
      if (storm_rule && now >= storm_end) end_storm();
      if (now >= next_storm) {
        // A 429 storm: for storm_length every request, whatever it is, is refused with Retry-After 1 s.
        const st::fault storm{.kind = st::fault_kind::rate_limit, .retry_after = 1s};
        storm_rule = sim.add_fault(st::fault_rule::from_nth("", 1, storm));
        ++storms;
        storm_end = now + o.storm_length;
        next_storm = now + o.storm_every;
      }
      if (ready <= 0) continue;
      const auto command = read_line(command_fd, pending);
      if (!command || *command == "exit") break;
      if (*command == "report") {
        end_storm();
        wait_until_quiet(sim);
        if (!write_all(reply_fd, boost::json::serialize(simulator_report(sim, storms, storm_hits)) + "\n")) break;
      }
    }
    sim.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seedance_soak: simulator process: %s\n", e.what());
    status = 3;
  }
  ::_exit(status);
}

// ---- the soak process --------------------------------------------------------------------------------------------

/// Resident memory of this process in bytes (0 when /proc is unavailable).
std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

/// Heap bytes in use (glibc's count; 0 elsewhere or under a sanitizer's allocator).
std::uint64_t heap_bytes() {
#if defined(__GLIBC__)
  return ::mallinfo2().uordblks;
#else
  return 0;
#endif
}

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

/// Jobs in each stage right now (for the checkpoint lines).
enum stage : std::size_t { submitting, waiting, sleeping_late, downloading, stage_count };
std::array<std::atomic<int>, stage_count> jobs_in_stage{};
std::array<std::array<std::atomic<int>, stage_count>, 4> provider_jobs_in_stage{};

/// Counts a job in a stage for as long as it lives.
struct stage_mark {
  stage at;
  std::size_t provider;
  stage_mark(stage s, provider_id p) : at(s), provider(static_cast<std::size_t>(p)) {
    ++jobs_in_stage[at];
    ++provider_jobs_in_stage[provider][at];
  }
  stage_mark(const stage_mark&) = delete;
  stage_mark& operator=(const stage_mark&) = delete;
  ~stage_mark() {
    --jobs_in_stage[at];
    --provider_jobs_in_stage[provider][at];
  }
};

constexpr int outcome_success = 0;
constexpr int outcome_unexpected = -1;  // anything but a seedance::error: a soak failure
constexpr int outcome_bad_file = -2;    // "success" with a file that is not the complete MP4: a soak failure

/// What one job ended with. Kept small: the soak keeps one per job.
struct job_record {
  std::uint64_t task_hash = 0;  ///< std::hash of the task id the client reported (0: none)
  std::uint32_t job = 0;
  std::int16_t outcome = outcome_success;
  provider_id provider = provider_id::kinovi;
  std::uint8_t late : 1 = 0;                ///< waited past the output URL's lifetime before downloading
  std::uint8_t listener : 1 = 0;            ///< waited on webhooks instead of polling
  std::uint8_t file_after_failure : 1 = 0;  ///< a file existed at the final path after the job failed
};

/// Launches jobs (at most `window` active), collects their records.
class driver {
 public:
  driver(const soak_options& o, std::function<void(std::uint64_t)> spawn)
      : options_(o),
        spawn_(std::move(spawn)),
        end_(clock_type::now() + o.duration),
        // Every record's memory is allocated and touched now, so the soak's own bookkeeping does not show as
        // growth in the resident-memory checks (a time-bound run stops launching when it is full).
        records_(o.duration.count() > 0 ? static_cast<std::size_t>(o.duration.count()) * 250 : o.jobs) {}

  void start() {
    for (std::size_t i = 0; i < options_.window; ++i) launch_next();
  }

  /// Called by each job when it ends (on its provider's strand).
  void finish(job_record record) {
    records_[stored_++] = record;
    ++finished_;
    launch_next();
  }

  bool done() const { return exhausted_ && finished_ == launched_; }
  std::uint64_t finished() const { return finished_; }
  /// The records (call once every job has finished).
  std::vector<job_record> records() const {
    return std::vector<job_record>(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(stored_.load()));
  }

 private:
  void launch_next() {
    if (exhausted_) return;
    const bool time_bound = options_.duration.count() > 0;
    const std::uint64_t job = next_++;
    if ((time_bound && clock_type::now() >= end_) || job >= records_.size()) {
      exhausted_ = true;
      return;
    }
    ++launched_;
    spawn_(job);
  }

  soak_options options_;
  std::function<void(std::uint64_t)> spawn_;
  clock_type::time_point end_;
  std::atomic<std::uint64_t> next_{0}, launched_{0}, finished_{0}, stored_{0};
  std::atomic<bool> exhausted_{false};
  std::vector<job_record> records_;
};

/// One provider's client, strand and (where the provider has webhooks) listener.
template <class P>
struct lane {
  static constexpr provider_id id = P::id;
  static constexpr bool has_webhooks = P::id != provider_id::aihubmax;
  asio::strand<asio::io_context::executor_type> strand;
  seedance::client<P> client;
  std::unique_ptr<seedance::webhook_listener> listener;
  std::string callback_base;

  lane(asio::io_context& io, const seedance::client_options<P>& o) : strand(asio::make_strand(io)), client(strand, o) {
    if constexpr (has_webhooks) {
      seedance::webhook_options wo;
      wo.path = "/hook";
      wo.remembered_notifications = 2000;  // reached during warm-up: the dedup memory is then flat
      listener = std::make_unique<seedance::webhook_listener>(
          strand, [](std::string_view body) { return P::decode_webhook(body); }, wo);
      listener->start({asio::ip::make_address("127.0.0.1"), 0});
      callback_base = listener->url();
    }
  }
};

template <class P>
seedance::client_options<P> client_options_for(std::uint16_t port, const std::string& ca, const soak_options& o) {
  seedance::client_options<P> c;
  c.api_key = std::string(api_key);
  c.base_url = "https://127.0.0.1:" + std::to_string(port) + std::string(st::detail::base_path(P::id));
  c.transport.tls.ca_pem = ca;
  c.transport.tls.use_default_paths = false;
  c.transport.proxy.from_environment = false;
  c.transport.timeouts.connect = 5s;
  c.transport.timeouts.handshake = 5s;
  c.transport.timeouts.request = 30s;
  c.transport.timeouts.idle_read = 10s;
  c.polling.first_delay = 20ms;
  c.polling.min_interval = 20ms;
  c.polling.max_interval = 250ms;
  c.retry.initial_delay = 20ms;
  c.retry.max_delay = 400ms;
  c.retry.max_retry_after = 1500ms;
  c.retry.max_attempts = 8;
  c.retry.max_create_attempts = 8;
  c.max_in_flight = o.max_in_flight;
  c.jitter_seed = o.seed * 31 + static_cast<std::uint64_t>(P::id) + 1;
  if (const char* trace = std::getenv("SEEDANCE_SOAK_TRACE"); trace && std::string_view(trace) == P::name)
    c.log = [](seedance::log_level, std::string_view line) {
      std::fprintf(stderr, "%s: %.*s\n", std::string(P::name).c_str(), static_cast<int>(line.size()), line.data());
    };
  return c;
}

/// A deterministic mix from the job number: mode, markers, late download, webhook wait.
struct job_plan {
  seedance::request request;
  bool late = false;
  bool listener = false;
};

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

job_plan plan_job(std::uint64_t job, std::uint64_t seed, const std::string& callback_base) {
  const std::uint64_t r = mix(job ^ (seed << 20));
  job_plan plan;
  seedance::request& q = plan.request;
  q.prompt = "soak job " + std::to_string(job) + " (" + std::to_string(r % 1'000'000'007) + "): a kite over dunes";
  switch ((r >> 8) % 4) {
    case 0:
      break;  // text
    case 1:
      q.images = {"https://example.com/first.png"};
      break;
    case 2:
      q.images = {"https://example.com/first.png", "https://example.com/last.png"};
      break;
    default:
      q.prompt = "@image1 walks through @video1 to @audio1, soak job " + std::to_string(job);
      q.images = {"https://example.com/hero.png"};
      q.videos = {"https://example.com/scene.mp4"};
      q.audios = {"https://example.com/beat.mp3"};
      q.mode = seedance::generation_mode::reference;
      break;
  }
  q.duration = 5s;
  const auto outcome = (r >> 16) % 100;
  if (outcome < 3)
    q.prompt += " [sim:fail]";
  else if (outcome < 4)
    q.prompt += " [sim:fail-server]";
  else if (outcome < 5)
    q.prompt += " [sim:expire]";
  plan.late = (r >> 24) % 100 < 4;
  if (!callback_base.empty()) {
    q.callback_url = callback_base + "?job=" + std::to_string(job);
    plan.listener = (r >> 32) % 100 < 40;
  }
  return plan;
}

bool file_is_sample(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto sample = st::sample_mp4();
  return content.size() == sample.size() &&
         std::equal(sample.begin(), sample.end(), content.begin(),
                    [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); });
}

template <class P>
asio::awaitable<void> run_job(lane<P>& l, driver& d, const soak_options& o, std::uint64_t job) {
  job_record record;
  record.job = static_cast<std::uint32_t>(job);
  record.provider = P::id;
  const job_plan plan = plan_job(job, o.seed, l.callback_base);
  record.late = plan.late;
  record.listener = plan.listener;
  const auto target = o.out_dir / ("job-" + std::to_string(job) + ".mp4");
  std::string task_id;
  try {
    std::optional<stage_mark> mark(std::in_place, submitting, P::id);
    const seedance::task created = co_await l.client.submit(plan.request);
    task_id = created.id;
    mark.emplace(waiting, P::id);
    record.task_hash = std::hash<std::string>{}(task_id);
    seedance::wait_options wo;
    wo.deadline = 120s;
    if (plan.listener) {
      wo.listener = l.listener.get();
      wo.fallback_poll = 1s;
    }
    const seedance::task done = co_await l.client.wait(task_id, wo);
    if (done.videos.empty()) throw std::runtime_error("task " + task_id + " succeeded without a video");
    const seedance::video video = done.videos.front();
    mark.emplace(downloading, P::id);
    if (plan.late) {
      const stage_mark late_mark(sleeping_late, P::id);
      asio::steady_timer timer(l.strand, late_download_wait);
      co_await timer.async_wait(asio::use_awaitable);
    }
    seedance::download_result result;
    std::optional<seedance::error> first_failure;
    try {
      result = co_await l.client.download(video, target);
    } catch (const seedance::error& e) {
      if (e.code() != make_error_code(errc::output_expired)) throw;
      first_failure = e;
    }
    if (first_failure) {
      // The documented recovery: fetch the task again for a fresh URL (the simulator issues none: still expired).
      result = co_await l.client.download_task(task_id, target);
    }
    const bool complete = result.bytes == st::sample_mp4().size() && file_is_sample(target);
    record.outcome = static_cast<std::int16_t>(complete ? outcome_success : outcome_bad_file);
    std::error_code ignored;
    std::filesystem::remove(target, ignored);
  } catch (const seedance::error& e) {
    record.outcome = static_cast<std::int16_t>(e.code().category() == seedance::error_category() ? e.code().value()
                                                                                                 : outcome_unexpected);
    if (std::string_view(e.what()).empty()) record.outcome = outcome_unexpected;
    if (!task_id.empty()) l.client.forget(task_id);  // the soak does not follow this task any further
    std::error_code ec;
    record.file_after_failure = std::filesystem::exists(target, ec);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seedance_soak: job %llu: unexpected exception: %s\n", static_cast<unsigned long long>(job),
                 e.what());
    record.outcome = outcome_unexpected;
  }
  d.finish(record);
}

/// Files left in the output directory: unfinished downloads and anything else.
std::pair<std::vector<std::string>, std::vector<std::string>> leftovers(const std::filesystem::path& dir) {
  std::vector<std::string> partial, stray;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    (name.find(".part-") != std::string::npos ? partial : stray).push_back(name);
  }
  return {partial, stray};
}

struct checkpoint {
  double seconds = 0;
  std::uint64_t jobs = 0;
  std::uint64_t rss = 0;
  std::uint64_t heap = 0;
};

int run_soak(const soak_options& o, int command_fd, int reply_fd) {
  std::string pending;
  const auto hello_line = read_line(reply_fd, pending);
  if (!hello_line) {
    std::fprintf(stderr, "seedance_soak: the simulator process did not start\n");
    return 1;
  }
  const auto hello = boost::json::parse(*hello_line).as_object();
  const auto port = static_cast<std::uint16_t>(hello.at("port").to_number<std::uint64_t>());
  const std::string ca(hello.at("ca").as_string());

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  lane<seedance::kinovi> kinovi(io, client_options_for<seedance::kinovi>(port, ca, o));
  lane<seedance::aihubmax> aihubmax(io, client_options_for<seedance::aihubmax>(port, ca, o));
  lane<seedance::seedance2ink> ink(io, client_options_for<seedance::seedance2ink>(port, ca, o));
  lane<seedance::ark> ark(io, client_options_for<seedance::ark>(port, ca, o));

  std::unique_ptr<driver> d;
  const auto spawn = [&](std::uint64_t job) {
    const auto on_end = [](std::exception_ptr e) {
      if (e) std::fprintf(stderr, "seedance_soak: a job coroutine escaped its handler\n");
    };
    const char* only = std::getenv("SEEDANCE_SOAK_ONLY");  // a provider number 0..3: every job goes there
    switch (only ? std::atoi(only) : job % 4) {
      case 0:
        asio::co_spawn(kinovi.strand, run_job(kinovi, *d, o, job), on_end);
        break;
      case 1:
        asio::co_spawn(aihubmax.strand, run_job(aihubmax, *d, o, job), on_end);
        break;
      case 2:
        asio::co_spawn(ink.strand, run_job(ink, *d, o, job), on_end);
        break;
      default:
        asio::co_spawn(ark.strand, run_job(ark, *d, o, job), on_end);
        break;
    }
  };
  d = std::make_unique<driver>(o, spawn);

  const auto started = clock_type::now();
  const bool time_bound = o.duration.count() > 0;
  std::printf(
      "seedance_soak: %s, window %zu, max_in_flight %zu per client, fault rate %.0f%%, 429 storms (%lld ms) every "
      "%llds, "
      "two threads\n",
      time_bound ? ("jobs for " + std::to_string(o.duration.count()) + " s").c_str()
                 : (std::to_string(o.jobs) + " jobs").c_str(),
      o.window, o.max_in_flight, o.fault_rate * 100, static_cast<long long>(o.storm_length.count()),
      static_cast<long long>(o.storm_every.count()));
  std::fflush(stdout);
  d->start();
  std::thread second([&] { io.run(); });
  std::thread first([&] { io.run(); });

  // Checkpoints: every tenth of the jobs (or every minute); the baseline is the first one after warm-up (a
  // quarter of the jobs, or three minutes).
  std::vector<checkpoint> checkpoints;
  std::optional<checkpoint> baseline;
  std::uint64_t next_job_mark = std::max<std::uint64_t>(1, o.jobs / 10);
  auto next_time_mark = started + 60s;
  const auto seconds_since_start = [&] { return std::chrono::duration<double>(clock_type::now() - started).count(); };
  const auto overall_limit = started + (time_bound ? o.duration + 10min : std::chrono::seconds(o.jobs) + 10min);
  while (!d->done() && clock_type::now() < overall_limit) {
    std::this_thread::sleep_for(100ms);
    const auto finished = d->finished();
    const bool due = time_bound ? clock_type::now() >= next_time_mark : finished >= next_job_mark;
    if (!due) continue;
    if (time_bound)
      next_time_mark += 60s;
    else
      next_job_mark += std::max<std::uint64_t>(1, o.jobs / 10);
    const checkpoint c{seconds_since_start(), finished, resident_bytes(), heap_bytes()};
    checkpoints.push_back(c);
    const bool warm = time_bound ? clock_type::now() >= started + 3min : finished >= o.jobs / 4;
    if (warm && !baseline) baseline = c;
    const auto limits = [](auto& l) {
      std::promise<std::string> text;
      asio::post(l.strand, [&] {
        const auto& lim = l.client.limiter();
        const auto& jobs = provider_jobs_in_stage[static_cast<std::size_t>(std::decay_t<decltype(l)>::id)];
        text.set_value(std::to_string(lim.in_use()) + "/" + std::to_string(lim.limit()) + "+" +
                       std::to_string(lim.waiting()) + " (jobs: " + std::to_string(jobs[submitting].load()) + " s, " +
                       std::to_string(jobs[waiting].load()) + " w, " + std::to_string(jobs[downloading].load()) +
                       " d)");
      });
      return text.get_future().get();
    };
    std::printf("  checkpoint %6.1f s: slots in use/limit+waiting: kinovi %s, aihubmax %s, seedance2ink %s, ark %s\n",
                c.seconds, limits(kinovi).c_str(), limits(aihubmax).c_str(), limits(ink).c_str(), limits(ark).c_str());
    std::printf("  checkpoint %6.1f s: active %d submitting, %d waiting, %d late, %d downloading\n", c.seconds,
                jobs_in_stage[submitting].load(), jobs_in_stage[waiting].load(), jobs_in_stage[sleeping_late].load(),
                jobs_in_stage[downloading].load() - jobs_in_stage[sleeping_late].load());
    std::printf("  checkpoint %6.1f s: %llu jobs done, rss %.1f MiB, heap in use %.1f MiB%s\n", c.seconds,
                static_cast<unsigned long long>(c.jobs), mib(c.rss), mib(c.heap),
                baseline && baseline->seconds == c.seconds ? " (baseline)" : "");
    std::fflush(stdout);
  }
  const bool finished_in_time = d->done();
  const checkpoint end_point{seconds_since_start(), d->finished(), resident_bytes(), heap_bytes()};
  const double duration = end_point.seconds;

  // Ask the simulator process what it saw while the listeners still answer webhooks.
  boost::json::object report;
  if (write_all(command_fd, "report\n")) {
    if (const auto line = read_line(reply_fd, pending)) report = boost::json::parse(*line).as_object();
  }
  seedance::webhook_stats hooks;
  const auto add_stats = [&](auto& l) {
    if (!l.listener) return;
    std::promise<seedance::webhook_stats> stats;
    auto future = stats.get_future();
    asio::post(l.strand, [&] {
      stats.set_value(l.listener->stats());
      l.listener->stop();
    });
    const auto s = future.get();
    hooks.received += s.received;
    hooks.accepted += s.accepted;
    hooks.duplicates += s.duplicates;
    hooks.rejected += s.rejected;
  };
  add_stats(kinovi);
  add_stats(aihubmax);
  add_stats(ink);
  add_stats(ark);
  work.reset();
  io.stop();
  first.join();
  second.join();
  write_all(command_fd, "exit\n");

  // ---- checks -----------------------------------------------------------------------------------------------------
  std::vector<std::string> failures;
  const auto fail = [&](std::string text) { failures.push_back(std::move(text)); };
  if (!finished_in_time) fail("the jobs did not finish within the overall limit");
  if (report.empty()) fail("no report from the simulator process");

  const std::vector<job_record> records = d->records();
  std::map<std::string, std::uint64_t> outcomes;
  std::array<std::uint64_t, 4> jobs_per_provider{};
  std::uint64_t successes = 0, unknown = 0, unknown_with_task = 0, late = 0, listener_waits = 0;
  const auto tasks_of_job =
      report.contains("tasks_of_job") ? report.at("tasks_of_job").as_object() : boost::json::object{};
  std::uint64_t duplicate_jobs = 0;
  for (const auto& r : records) {
    ++jobs_per_provider[static_cast<std::size_t>(r.provider)];
    late += r.late ? 1 : 0;
    listener_waits += r.listener ? 1 : 0;
    std::string name;
    if (r.outcome == outcome_success) {
      name = "success";
      ++successes;
    } else if (r.outcome == outcome_unexpected) {
      name = "UNEXPECTED (not a seedance::error)";
      fail("job " + std::to_string(r.job) + " ended with something other than a seedance::error");
    } else if (r.outcome == outcome_bad_file) {
      name = "BAD FILE";
      fail("job " + std::to_string(r.job) + " reported success but its file is not the complete MP4");
    } else {
      name = std::string(seedance::to_string(static_cast<errc>(r.outcome)));
    }
    ++outcomes[name];
    if (r.file_after_failure) fail("job " + std::to_string(r.job) + " failed but left a file at its final path");
    if (r.provider == provider_id::aihubmax) {
      if (r.outcome == static_cast<int>(errc::outcome_unknown)) ++unknown;
      continue;
    }
    const auto it = tasks_of_job.find(std::to_string(r.job));
    const std::size_t tasks = it == tasks_of_job.end() ? 0 : it->value().as_array().size();
    if (tasks > 1) {
      ++duplicate_jobs;
      fail("job " + std::to_string(r.job) + " created " + std::to_string(tasks) + " tasks");
    }
    if (r.outcome == static_cast<int>(errc::outcome_unknown)) {
      ++unknown;
      unknown_with_task += tasks;
    }
    if (r.task_hash != 0) {
      // The task the client reported is the one the simulator created for this job.
      const bool same =
          tasks == 1 && std::hash<std::string>{}(std::string(it->value().as_array()[0].as_string())) == r.task_hash;
      if (!same) fail("job " + std::to_string(r.job) + ": the client's task is not the one created for the job");
    }
  }
  if (records.size() != d->finished()) fail("records do not match finished jobs");

  std::uint64_t tasks_total = 0;
  std::string provider_lines;
  if (report.contains("providers")) {
    for (provider_id p : seedance::all_providers) {
      const auto& pr = report.at("providers").as_object().at(seedance::to_string(p)).as_object();
      const auto tasks = pr.at("tasks").to_number<std::uint64_t>();
      const auto jobs = jobs_per_provider[static_cast<std::size_t>(p)];
      tasks_total += tasks;
      if (tasks > jobs) fail(std::string(seedance::to_string(p)) + ": more tasks than jobs");
      if (p != provider_id::aihubmax) {
        const auto named = pr.at("created_named_by_a_callback").to_number<std::uint64_t>();
        if (named != tasks)
          fail(std::string(seedance::to_string(p)) + ": " + std::to_string(tasks - named) +
               " created tasks were never named by a callback (cannot prove they belong to one job)");
      }
      provider_lines += "    " + std::string(seedance::to_string(p)) + ": " + std::to_string(jobs) + " jobs, " +
                        std::to_string(tasks) + " tasks, " +
                        std::to_string(pr.at("create_requests").to_number<std::uint64_t>()) +
                        " create requests, at most " +
                        std::to_string(pr.at("max_in_flight").to_number<std::uint64_t>()) + " tasks in flight\n";
    }
    if (!report.at("log_complete").as_bool()) fail("the simulator's request log dropped entries");
    if (report.at("internal_errors").to_number<std::uint64_t>() != 0) fail("the simulator reported internal errors");
  }

  const auto [partial, stray] = leftovers(o.out_dir);
  if (!partial.empty()) fail(std::to_string(partial.size()) + " partial files left (" + partial.front() + ")");
  if (!stray.empty()) fail(std::to_string(stray.size()) + " unexpected files left (" + stray.front() + ")");

  std::uint64_t rss_bound = 0;
  if (baseline) {
    rss_bound = baseline->rss + baseline->rss / 5 + (8ull << 20);
    if (end_point.rss > rss_bound)
      fail("resident memory grew from " + std::to_string(mib(baseline->rss)) + " MiB to " +
           std::to_string(mib(end_point.rss)) + " MiB");
  } else {
    fail("no checkpoint after warm-up");
  }
  if (successes * 2 < records.size()) fail("fewer than half of the jobs succeeded: the soak measures too little");

  // ---- summary ----------------------------------------------------------------------------------------------------
  std::printf("\nseedance soak: %zu jobs in %.1f s (%.1f jobs/s)\n", records.size(), duration,
              duration > 0 ? static_cast<double>(records.size()) / duration : 0.0);
  std::printf("  outcomes:\n");
  for (const auto& [name, n] : outcomes) {
    std::printf("    %-22s %llu", name.c_str(), static_cast<unsigned long long>(n));
    if (name == "outcome_unknown")
      std::printf("  (%llu of them did create a task, %llu did not; none was submitted again)",
                  static_cast<unsigned long long>(unknown_with_task),
                  static_cast<unsigned long long>(unknown - unknown_with_task));
    std::printf("\n");
  }
  std::printf("  jobs that waited past the URL lifetime before downloading: %llu; waits on webhooks: %llu\n",
              static_cast<unsigned long long>(late), static_cast<unsigned long long>(listener_waits));
  if (report.contains("faults")) {
    std::printf("  faults injected (from the simulator log):\n");
    std::uint64_t total = 0;
    for (const auto& f : report.at("faults").as_object()) {
      const auto n = f.value().to_number<std::uint64_t>();
      total += n;
      std::printf("    %-22s %llu\n", std::string(f.key()).c_str(), static_cast<unsigned long long>(n));
    }
    std::printf("    %-22s %llu (429 storms: %llu, %llu requests refused)\n", "total",
                static_cast<unsigned long long>(total),
                static_cast<unsigned long long>(report.at("storms").to_number<std::uint64_t>()),
                static_cast<unsigned long long>(report.at("storm_hits").to_number<std::uint64_t>()));
    std::printf("  requests seen by the simulator:");
    for (const auto& r : report.at("requests").as_object())
      std::printf(" %s %llu", std::string(r.key()).c_str(),
                  static_cast<unsigned long long>(r.value().to_number<std::uint64_t>()));
    std::printf("\n  per provider:\n%s", provider_lines.c_str());
    std::printf("  tasks created: %llu for %zu jobs; jobs with more than one task: %llu\n",
                static_cast<unsigned long long>(tasks_total), records.size(),
                static_cast<unsigned long long>(duplicate_jobs));
  }
  std::printf("  webhooks at the listeners: %llu received, %llu new, %llu duplicates, %llu rejected\n",
              static_cast<unsigned long long>(hooks.received), static_cast<unsigned long long>(hooks.accepted),
              static_cast<unsigned long long>(hooks.duplicates), static_cast<unsigned long long>(hooks.rejected));
  std::printf("  files: %llu complete MP4s verified byte for byte; %zu partial, %zu stray left\n",
              static_cast<unsigned long long>(successes), partial.size(), stray.size());
  if (baseline)
    std::printf(
        "  resident memory: %.1f MiB after warm-up (%llu jobs), %.1f MiB at the end, bound %.1f MiB; heap in "
        "use %.1f MiB -> %.1f MiB\n",
        mib(baseline->rss), static_cast<unsigned long long>(baseline->jobs), mib(end_point.rss), mib(rss_bound),
        mib(baseline->heap), mib(end_point.heap));
  if (std::getenv("SEEDANCE_SOAK_EXIT_WITH_CLIENTS_ALIVE") != nullptr) {
    // For heap profilers: whatever the clients and listeners still hold shows as "leaked" at exit.
    std::fflush(stdout);
    std::exit(failures.empty() ? 0 : 1);
  }
  if (failures.empty()) {
    std::printf("  result: PASS\n");
    return 0;
  }
  std::printf("  result: FAIL\n");
  for (std::size_t i = 0; i < failures.size() && i < 20; ++i) std::printf("    - %s\n", failures[i].c_str());
  if (failures.size() > 20) std::printf("    ... and %zu more\n", failures.size() - 20);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_arguments(argc, argv);
  if (!parsed) {
    std::fprintf(stderr,
                 "usage: seedance_soak [--jobs N | --seconds S | --long] [--window N] [--max-in-flight N] "
                 "[--fault-rate F] [--seed N] [--out DIR]\n");
    return 2;
  }
  soak_options o = *parsed;
  const bool own_dir = o.out_dir.empty();
  if (own_dir) o.out_dir = std::filesystem::temp_directory_path() / ("seedance-soak-" + std::to_string(::getpid()));
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec || !std::filesystem::is_empty(o.out_dir, ec)) {
    std::fprintf(stderr, "seedance_soak: %s must be an empty, writable directory\n", o.out_dir.c_str());
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);

  // Fork before any thread exists: the simulator process gets a clean copy.
  int commands[2], replies[2];
  if (::pipe(commands) != 0 || ::pipe(replies) != 0) {
    std::perror("seedance_soak: pipe");
    return 1;
  }
  const pid_t child = ::fork();
  if (child < 0) {
    std::perror("seedance_soak: fork");
    return 1;
  }
  if (child == 0) {
    ::close(commands[1]);
    ::close(replies[0]);
    simulator_process(commands[0], replies[1], o);
  }
  ::close(commands[0]);
  ::close(replies[1]);
  int status = 1;
  try {
    status = run_soak(o, commands[1], replies[0]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seedance_soak: %s\n", e.what());
    status = 1;
  }
  ::close(commands[1]);
  int child_status = 0;
  ::waitpid(child, &child_status, 0);
  ::close(replies[0]);
  if (own_dir && status == 0) std::filesystem::remove_all(o.out_dir, ec);
  return status;
}

// examples/cli/journal.hpp - the crash-safe journal of `seedance batch`.
//
// A JSON-lines file, appended to and fsync'ed record by record, so that a rerun after a crash, kill -9 or
// power loss knows which tasks exist and never creates one twice:
//
//   {"event":"submitting","job":"kite.mp4","line":1,"fingerprint":"…"}   before the create request is sent
//   {"event":"created","job":"kite.mp4","task_id":"task_1","cost":{…}}    the moment the provider answered
//   {"event":"create_failed","job":…,"code":"rate_limited","error":"…"}  the provider refused: nothing exists
//   {"event":"create_unknown","job":…,"error":"…"}                      may or may not exist: needs attention
//   {"event":"succeeded","job":…,"task_id":…}  {"event":"failed",…}     the task ended
//   {"event":"downloaded","job":…,"task_id":…,"path":…,"bytes":…}     the mp4 is complete on disk
//   {"event":"download_failed",…}  {"event":"resolved","job":…,"task_id":"…"|null}   (--resolve)
//
// A "submitting" record with nothing after it means the process died while the create request may have been
// in flight: the rerun reports the job as needing attention instead of creating it again. A torn last line
// (the process died mid-write) is ignored: it was never followed by a send.
#pragma once

#include "json_text.hpp"

#include <seedance/task.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace seedance_cli {

/// Where a job stands according to the journal.
enum class job_phase : std::uint8_t {
  fresh,           ///< nothing recorded (or a definite create failure / "resolved none"): submit it
  submitting,      ///< the create may have been sent; the process died before the answer was recorded
  created,         ///< a task exists: wait for it
  create_failed,   ///< the provider refused the create: nothing exists; a rerun submits again
  create_unknown,  ///< the create may or may not have created a task: needs attention
  succeeded,       ///< the task succeeded: download it
  failed,          ///< the task failed, was cancelled or expired: reported, not resubmitted
  downloaded,      ///< the mp4 is on disk
};

/// Name of a phase ("fresh", "submitting", ...). Never throws.
constexpr std::string_view to_string(job_phase p) noexcept {
  switch (p) {
    case job_phase::fresh:
      return "fresh";
    case job_phase::submitting:
      return "submitting";
    case job_phase::created:
      return "created";
    case job_phase::create_failed:
      return "create_failed";
    case job_phase::create_unknown:
      return "create_unknown";
    case job_phase::succeeded:
      return "succeeded";
    case job_phase::failed:
      return "failed";
    case job_phase::downloaded:
      return "downloaded";
  }
  return "?";
}

/// What the journal knows about one job.
struct job_history {
  job_phase phase = job_phase::fresh;
  std::string task_id{};
  std::string fingerprint{};  ///< of the manifest line when it was submitted
  std::optional<seedance::cost> cost{};
  std::string path{};
  std::uint64_t bytes = 0;
  std::string error{};       ///< the last error text
  std::string error_code{};  ///< e.g. "task_failed", "outcome_unknown"
};

/// The journal replayed: every job's latest state.
struct journal_state {
  std::map<std::string, job_history> jobs{};
  std::size_t records = 0;        ///< complete records applied
  std::size_t ignored_lines = 0;  ///< torn or unreadable lines (normally at most the last one)
};

namespace detail {

inline std::string_view string_or_empty(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

inline std::string_view unit_name(seedance::cost_unit u) noexcept {
  switch (u) {
    case seedance::cost_unit::credits:
      return "credits";
    case seedance::cost_unit::tokens:
      return "tokens";
    case seedance::cost_unit::usd:
      return "usd";
    case seedance::cost_unit::cny:
      return "cny";
  }
  return "credits";
}

inline std::optional<seedance::cost_unit> parse_unit(std::string_view s) noexcept {
  for (auto u :
       {seedance::cost_unit::credits, seedance::cost_unit::tokens, seedance::cost_unit::usd, seedance::cost_unit::cny})
    if (unit_name(u) == s) return u;
  return std::nullopt;
}

}  // namespace detail

/// A cost as JSON: {"amount":40,"unit":"credits","estimated":true}.
inline boost::json::object cost_to_json(const seedance::cost& c) {
  return boost::json::object{{"amount", c.amount}, {"unit", detail::unit_name(c.unit)}, {"estimated", c.estimated}};
}

/// The cost of a journal record's "cost" member, when well-formed.
inline std::optional<seedance::cost> cost_from_json(const boost::json::value* v) {
  if (!v || !v->is_object()) return std::nullopt;
  const auto& o = v->get_object();
  const auto* amount = o.if_contains("amount");
  if (!amount || !amount->is_number()) return std::nullopt;
  const auto unit = detail::parse_unit(detail::string_or_empty(o, "unit"));
  if (!unit) return std::nullopt;
  const auto* estimated = o.if_contains("estimated");
  return seedance::cost{.amount = amount->to_number<double>(),
                        .unit = *unit,
                        .estimated = estimated && estimated->is_bool() && estimated->get_bool()};
}

/// Applies one parsed record to `state`. Records of unknown events are ignored (newer versions may add some).
inline void apply_record(journal_state& state, const boost::json::object& rec) {
  const std::string_view event = detail::string_or_empty(rec, "event");
  const std::string job(detail::string_or_empty(rec, "job"));
  ++state.records;
  if (job.empty()) return;  // run headers and the like
  job_history& h = state.jobs[job];
  const auto task_id = detail::string_or_empty(rec, "task_id");
  const auto error = detail::string_or_empty(rec, "error");
  const auto code = detail::string_or_empty(rec, "code");
  if (event == "submitting") {
    h = job_history{};
    h.phase = job_phase::submitting;
    h.fingerprint = std::string(detail::string_or_empty(rec, "fingerprint"));
  } else if (event == "created") {
    h.phase = job_phase::created;
    h.task_id = std::string(task_id);
    h.cost = cost_from_json(rec.if_contains("cost"));
    h.error.clear(), h.error_code.clear();
  } else if (event == "create_failed") {
    h.phase = job_phase::create_failed;
    h.error = std::string(error), h.error_code = std::string(code);
  } else if (event == "create_unknown") {
    h.phase = job_phase::create_unknown;
    h.error = std::string(error), h.error_code = std::string(code);
  } else if (event == "succeeded") {
    h.phase = job_phase::succeeded;
    if (!task_id.empty()) h.task_id = std::string(task_id);
    if (auto c = cost_from_json(rec.if_contains("cost"))) h.cost = c;
  } else if (event == "failed") {
    h.phase = job_phase::failed;
    if (!task_id.empty()) h.task_id = std::string(task_id);
    h.error = std::string(error), h.error_code = std::string(code);
  } else if (event == "downloaded") {
    h.phase = job_phase::downloaded;
    if (!task_id.empty()) h.task_id = std::string(task_id);
    h.path = std::string(detail::string_or_empty(rec, "path"));
    const auto* bytes = rec.if_contains("bytes");
    h.bytes = bytes && bytes->is_number() ? bytes->to_number<std::uint64_t>() : 0;
  } else if (event == "download_failed") {
    h.error = std::string(error), h.error_code = std::string(code);
  } else if (event == "resolved") {
    // The user looked at the provider: the task id that belongs to the job, or null for "nothing was created".
    if (task_id.empty()) {
      h.phase = job_phase::fresh;
      h.task_id.clear();
    } else {
      h.phase = job_phase::created;
      h.task_id = std::string(task_id);
    }
    h.error.clear(), h.error_code.clear();
  }
}

/// Replays journal text. Never throws except bad_alloc: unreadable lines (a torn last line) are counted in
/// `ignored_lines` and skipped.
inline journal_state replay_journal(std::string_view text) {
  journal_state state;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty()) continue;
    std::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) {
      ++state.ignored_lines;
      continue;
    }
    apply_record(state, v.get_object());
  }
  return state;
}

/// The whole file, or "" when it does not exist. Throws std::system_error when it exists but cannot be read.
inline std::string read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Current UTC time as "2026-01-31T12:34:56Z".
inline std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

/// Appends records to the journal file, each one written with a single write() and fsync'ed before append()
/// returns. Not thread-safe (use from one thread, as the batch runner does).
class journal_writer {
 public:
  /// Opens (creating it if needed) the journal at `path`. A torn last line is terminated so the next record
  /// starts on a line of its own. Throws std::system_error when the file cannot be opened.
  explicit journal_writer(const std::filesystem::path& path) {
    const bool existed = std::filesystem::exists(path);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "journal: cannot open " + path.string());
    if (existed) {
      const std::string text = read_text_file(path);
      if (!text.empty() && text.back() != '\n') write_all("\n");
    } else {
      // Make the new directory entry itself durable.
      const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
      const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
      }
    }
  }
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;
  ~journal_writer() {
    if (fd_ >= 0) ::close(fd_);
  }

  /// Adds "time" to `record`, writes it as one line and fsyncs. Throws std::system_error when writing or
  /// syncing fails (the batch stops: it could no longer promise exactly-once creates).
  void append(boost::json::object record) {
    record["time"] = utc_timestamp();
    std::string line = json_text(record);
    line += '\n';
    write_all(line);
    if (::fsync(fd_) != 0) throw std::system_error(errno, std::generic_category(), "journal: fsync failed");
  }

 private:
  void write_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "journal: write failed");
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  int fd_ = -1;
};

}  // namespace seedance_cli

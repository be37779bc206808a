// examples/cli/batch.hpp - `seedance batch`: a manifest of requests run with a concurrency limit, journaled so
// that a rerun after a crash resumes without creating any task twice. prepare_batch() reads the manifest and
// the journal; batch_runner runs the jobs on the program's io_context and client (commands.hpp hands them
// over in a batch_context).
#pragma once

#include "args.hpp"
#include "common.hpp"
#include "exit_codes.hpp"
#include "journal.hpp"
#include "json_text.hpp"
#include "manifest.hpp"
#include "progress.hpp"

#include <seedance/create_outcome.hpp>
#include <seedance/seedance.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace seedance_cli {

/// One manifest line during a batch run.
struct batch_job {
  /// What this run must do for the job, decided from the journal before anything is sent.
  enum class plan : std::uint8_t { submit, wait, download, done, failed_before, attention };
  /// How the job ended in this run.
  enum class result : std::uint8_t { pending, succeeded, skipped, failed, attention, interrupted };

  manifest_job spec{};
  job_history history{};
  plan todo = plan::submit;
  result outcome = result::pending;
  std::string message{};  ///< why it failed or needs attention
  int create_attempts = 0;
  bool creating = false;  ///< a create request may be on the wire: never cancel it
  bool running = false;
  std::unique_ptr<asio::cancellation_signal> cancel = std::make_unique<asio::cancellation_signal>();

  /// "line 3 (kite.mp4)".
  std::string name() const { return "line " + std::to_string(spec.line) + " (" + spec.key + ")"; }
};

/// What a batch run uses of the program around it. Every reference must outlive the batch_runner.
struct batch_context {
  const options& opts;        ///< the parsed command line
  const terminal& term;       ///< where the summary goes
  asio::io_context& io;       ///< the program's io_context; the runner's coroutines run on it
  client_type& client;        ///< sends the creates, waits and downloads
  progress_display& display;  ///< progress and --json events
  const bool& interrupted;    ///< set by the program's signal handler
  bool simulated = false;     ///< the built-in simulator stands in for the provider
};

/// Runs the jobs of one batch: a dispatcher starting jobs while fewer than the limit are in flight, and one
/// coroutine per job. Single-threaded (the context's io_context).
class batch_runner {
 public:
  /// `jobs` and `journal` must outlive the runner; so must everything `context` refers to.
  batch_runner(batch_context context, std::vector<batch_job>& jobs, journal_writer& journal)
      : ctx_(context), jobs_(jobs), journal_(journal), wake_(context.io) {}

  /// Stops starting jobs and cancels every wait and download; creates in flight finish and are journaled.
  void interrupt() {
    stopping_ = true;
    for (auto& j : jobs_)
      if (j.running && !j.creating) j.cancel->emit(asio::cancellation_type::terminal);
    wake_.cancel();
  }

  /// Runs every job, prints the summary, returns the exit code.
  asio::awaitable<int> run() {
    std::deque<batch_job*> queue;
    for (auto& j : jobs_) {  // tasks that already exist first: they are in flight at the provider
      switch (j.todo) {
        case batch_job::plan::wait:
        case batch_job::plan::download:
          queue.push_back(&j);
          break;
        case batch_job::plan::done:
          finish(j, batch_job::result::skipped,
                 "[" + j.spec.key + "] already done: " + (j.history.path.empty() ? j.spec.key : j.history.path));
          break;
        case batch_job::plan::failed_before:
          finish(j, batch_job::result::failed, j.message);
          break;
        case batch_job::plan::attention:
          finish(j, batch_job::result::attention, j.message);
          break;
        case batch_job::plan::submit:
          break;
      }
    }
    for (auto& j : jobs_)
      if (j.todo == batch_job::plan::submit) queue.push_back(&j);

    while (!stopping_ && (!queue.empty() || !requeued_.empty() || active_ > 0)) {
      // A job whose create was refused with 429 comes back at the end of the queue.
      while (!requeued_.empty()) queue.push_back(requeued_.front()), requeued_.pop_front();
      if (queue.empty() || !room()) {
        co_await wake();
        continue;
      }
      batch_job* j = queue.front();
      queue.pop_front();
      start(*j);
    }
    while (active_ > 0) co_await wake();
    for (auto* j : queue) j->outcome = batch_job::result::interrupted;
    for (auto* j : requeued_) j->outcome = batch_job::result::interrupted;
    co_return summary();
  }

 private:
  using result = batch_job::result;

  std::size_t limit() const {
    std::size_t n = ctx_.opts.concurrency;
    const std::size_t learned = ctx_.client.limiter().limit();  // lowered by a provider's 429 body
    if (learned != 0) n = std::min(n, learned);
    return std::max<std::size_t>(n, 1);
  }
  bool room() const { return in_flight_ < limit(); }

  asio::awaitable<void> wake() {
    wake_.expires_at(asio::steady_timer::time_point::max());
    co_await wake_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
  void notify() { wake_.cancel(); }

  void start(batch_job& j) {
    ++in_flight_;
    ++active_;
    j.running = true;
    asio::co_spawn(ctx_.io, run_job(j),
                   asio::bind_cancellation_slot(j.cancel->slot(), [this, &j](std::exception_ptr ep) {
                     j.running = false;
                     --active_;
                     if (ep) {  // only the journal throws out of run_job: stop, it can no longer be trusted
                       try {
                         std::rethrow_exception(ep);
                       } catch (const std::exception& e) {
                         fatal_ = e.what();
                       }
                       j.outcome = result::failed;
                       j.message = fatal_;
                       interrupt();
                     }
                     notify();
                   }));
  }

  /// Releases the job's slot in the concurrency gate once.
  struct slot {
    batch_runner* runner;
    bool held = true;
    void release() {
      if (held) --runner->in_flight_, runner->notify();
      held = false;
    }
    ~slot() { release(); }
  };

  void journal(boost::json::object record) { journal_.append(std::move(record)); }

  job_view view_of(const batch_job& j, std::string phase) const {
    return job_view{.label = j.spec.key, .task_id = j.history.task_id, .phase = std::move(phase), .started = started_};
  }

  void show(const batch_job& j, job_view v) {
    v.started = job_started_.count(j.spec.key) ? job_started_.at(j.spec.key) : clock_type::now();
    ctx_.display.update(j.spec.key, v, clock_type::now());
  }

  void finish(batch_job& j, result r, const std::string& line) {
    j.outcome = r;
    boost::json::object ev{{"event", "job"},
                           {"job", j.spec.key},
                           {"line", j.spec.line},
                           {"result", result_name(r)},
                           {"message", r == result::succeeded || r == result::skipped ? std::string() : j.message}};
    if (!j.history.task_id.empty()) ev["task_id"] = j.history.task_id;
    if (!j.history.path.empty()) ev["path"] = j.history.path;
    ctx_.display.finish(j.spec.key, line, std::move(ev));
    ++finished_;
    show_total();
  }

  void show_total() {
    if (ctx_.display.style() != output_style::bars) return;
    const int percent = jobs_.empty() ? 100 : static_cast<int>(finished_ * 100 / jobs_.size());
    ctx_.display.update(" total",
                        job_view{.label = "batch",
                                 .phase = std::to_string(finished_) + "/" + std::to_string(jobs_.size()),
                                 .percent = percent,
                                 .started = started_},
                        clock_type::now());
  }

  static std::string_view result_name(result r) {
    switch (r) {
      case result::pending:
        return "pending";
      case result::succeeded:
        return "succeeded";
      case result::skipped:
        return "skipped";
      case result::failed:
        return "failed";
      case result::attention:
        return "needs_attention";
      case result::interrupted:
        return "interrupted";
    }
    return "?";
  }

  asio::awaitable<void> run_job(batch_job& j) {
    slot gate{this};
    job_started_[j.spec.key] = clock_type::now();
    if (stopping_) {
      j.outcome = result::interrupted;
      co_return;
    }
    enum class stage { create, wait, download } at = stage::create;
    std::optional<seedance::video> video;
    try {
      if (j.todo == batch_job::plan::submit) {
        show(j, view_of(j, "submitting"));
        // Journaled (and fsync'ed) before the request can reach the provider: if the process dies from here
        // until "created" is journaled, the rerun knows the create may have happened.
        journal(
            {{"event", "submitting"}, {"job", j.spec.key}, {"line", j.spec.line}, {"fingerprint", j.spec.fingerprint}});
        j.creating = true;
        ++j.create_attempts;
        seedance::task created;
        try {
          created = co_await ctx_.client.submit(j.spec.req);
        } catch (const seedance::error& e) {
          j.creating = false;
          const std::string what = message_of(e);
          if (seedance::may_have_created_task(e.code())) {
            journal({{"event", "create_unknown"}, {"job", j.spec.key}, {"code", "outcome_unknown"}, {"error", what}});
            j.message = what + "; " + resolve_advice(j);
            finish(j, result::attention, "[" + j.spec.key + "] needs attention: " + what);
            co_return;
          }
          journal({{"event", "create_failed"}, {"job", j.spec.key}, {"code", code_name(e.code())}, {"error", what}});
          if (e.code() == seedance::errc::rate_limited && j.create_attempts < 5 && !stopping_) {
            ctx_.display.note("[" + j.spec.key + "] rate limited; will try again", {});
            requeued_.push_back(&j);
            co_return;
          }
          j.message = "create refused: " + what;
          finish(j, result::failed, "[" + j.spec.key + "] failed: " + j.message);
          co_return;
        }
        j.creating = false;
        j.history.task_id = created.id;
        j.history.cost = created.cost;
        boost::json::object rec{{"event", "created"}, {"job", j.spec.key}, {"task_id", created.id}};
        if (created.cost) rec["cost"] = cost_to_json(*created.cost);
        journal(std::move(rec));
        if (stopping_) {
          j.outcome = result::interrupted;
          co_return;
        }
        j.todo = batch_job::plan::wait;
      }
      if (j.todo == batch_job::plan::wait) {
        at = stage::wait;
        show(j, view_of(j, "waiting"));
        seedance::wait_options wo;
        wo.deadline = ctx_.opts.deadline.value_or(30min);
        wo.on_progress = [this, &j](const seedance::task& t) {
          auto v = view_of(j, std::string(seedance::to_string(t.state)));
          v.percent = t.progress;
          v.provider_estimate = t.estimated_time;
          show(j, v);
        };
        const seedance::task done = co_await ctx_.client.wait(j.history.task_id, std::move(wo));
        if (done.cost) j.history.cost = done.cost;
        boost::json::object rec{{"event", "succeeded"}, {"job", j.spec.key}, {"task_id", done.id}};
        if (done.cost) rec["cost"] = cost_to_json(*done.cost);
        journal(std::move(rec));
        if (!done.videos.empty()) video = done.videos.front();
      }
      gate.release();  // the task is no longer in flight at the provider
      at = stage::download;
      const auto path = std::filesystem::path(ctx_.opts.out_dir) / j.spec.key;
      seedance::download_options dl;
      dl.overwrite = true;  // the journal says this job owns the file (an earlier run may have died after rename)
      dl.on_progress = [this, &j](std::uint64_t done, std::optional<std::uint64_t> total) {
        auto v = view_of(j, "downloading");
        if (total && *total > 0) v.percent = static_cast<int>(done * 100 / *total);
        show(j, v);
      };
      show(j, view_of(j, "downloading"));
      seedance::download_result r;  // (not a ?: with co_await in both arms: GCC 12 destroys the result twice)
      if (video)
        r = co_await ctx_.client.download(*video, path, std::move(dl));
      else
        r = co_await ctx_.client.download_task(j.history.task_id, path, std::move(dl));
      journal({{"event", "downloaded"},
               {"job", j.spec.key},
               {"task_id", j.history.task_id},
               {"path", r.path.string()},
               {"bytes", r.bytes}});
      j.history.path = r.path.string();
      j.history.bytes = r.bytes;
      finish(j, result::succeeded,
             "[" + j.spec.key + "] saved " + r.path.string() + " (" + std::to_string(r.bytes) + " bytes)");
    } catch (const seedance::error& e) {
      const std::string what = message_of(e);
      const auto code = e.code();
      if (at == stage::wait && (code == seedance::errc::task_failed || code == seedance::errc::task_cancelled ||
                                code == seedance::errc::task_expired)) {
        journal({{"event", "failed"},
                 {"job", j.spec.key},
                 {"task_id", j.history.task_id},
                 {"code", code_name(code)},
                 {"error", what}});
        j.message = what;
      } else if (at == stage::download) {
        journal({{"event", "download_failed"},
                 {"job", j.spec.key},
                 {"task_id", j.history.task_id},
                 {"code", code_name(code)},
                 {"error", what}});
        j.message = what + " (run again to retry the download)";
      } else if (stopping_) {
        j.outcome = result::interrupted;
        co_return;
      } else {
        j.message = what + " (run again to keep waiting for task " + j.history.task_id + ")";
      }
      finish(j, result::failed, "[" + j.spec.key + "] failed: " + j.message);
    } catch (const std::system_error& e) {
      if (stopping_) {
        j.outcome = result::interrupted;
        ctx_.display.finish(j.spec.key, "", {});
        co_return;
      }
      j.message = message_of(e);
      finish(j, result::failed, "[" + j.spec.key + "] failed: " + j.message);
    }
  }

  std::string resolve_advice(const batch_job& j) const {
    return "the task may or may not exist: check the " + std::string(seedance::display_name(ctx_.opts.conn.provider)) +
           " task list, then run again with --resolve " + std::to_string(j.spec.line) + "=TASK_ID (it exists) or " +
           "--resolve " + std::to_string(j.spec.line) + "=none (it does not)";
  }

  int summary() {
    std::size_t succeeded = 0, skipped = 0, failed = 0, attention = 0, interrupted = 0;
    std::map<seedance::cost_unit, std::pair<double, bool>> cost;  // amount, any estimate
    for (const auto& j : jobs_) {
      switch (j.outcome) {
        case result::succeeded:
          ++succeeded;
          break;
        case result::skipped:
          ++skipped;
          break;
        case result::failed:
          ++failed;
          break;
        case result::attention:
          ++attention;
          break;
        case result::interrupted:
        case result::pending:
          ++interrupted;
          break;
      }
      if (j.history.cost && !j.history.task_id.empty()) {
        auto& [amount, estimated] = cost[j.history.cost->unit];
        amount += j.history.cost->amount;
        estimated = estimated || j.history.cost->estimated;
      }
    }
    auto& d = ctx_.display;
    d.finish(" total", "", {});
    d.clear();
    std::string cost_text;
    boost::json::array costs;
    for (const auto& [unit, total] : cost) {
      if (!cost_text.empty()) cost_text += " + ";
      cost_text += format_cost(seedance::cost{.amount = total.first, .unit = unit, .estimated = total.second});
      if (total.second) cost_text += " (includes estimates)";
      costs.push_back(cost_to_json(seedance::cost{.amount = total.first, .unit = unit, .estimated = total.second}));
    }
    if (cost_text.empty()) cost_text = "none recorded";

    if (ctx_.opts.json) {
      boost::json::array failed_list, attention_list;
      for (const auto& j : jobs_) {
        boost::json::object item{{"line", j.spec.line}, {"job", j.spec.key}, {"message", j.message}};
        if (!j.history.task_id.empty()) item["task_id"] = j.history.task_id;
        if (j.outcome == result::failed) failed_list.push_back(item);
        if (j.outcome == result::attention) attention_list.push_back(item);
      }
      d.emit({{"event", "summary"},
              {"jobs", jobs_.size()},
              {"succeeded", succeeded},
              {"skipped", skipped},
              {"failed", failed},
              {"needs_attention", attention},
              {"interrupted", interrupted},
              {"cost", std::move(costs)},
              {"failed_jobs", std::move(failed_list)},
              {"attention_jobs", std::move(attention_list)}});
    } else {
      auto& out = ctx_.term.out;
      if (ctx_.simulated) out << "SIMULATED: the built-in simulator ran this batch; nothing was charged.\n";
      out << "batch: " << jobs_.size() << " jobs: " << succeeded << " succeeded, " << skipped
          << " skipped (already done), " << failed << " failed, " << attention << " need attention";
      if (interrupted) out << ", " << interrupted << " not finished (interrupted)";
      out << "\ncost: " << cost_text << "\n";
      if (failed) {
        out << "failed:\n";
        for (const auto& j : jobs_)
          if (j.outcome == result::failed) out << "  " << j.name() << ": " << j.message << "\n";
      }
      if (attention) {
        out << "need attention (not resubmitted):\n";
        for (const auto& j : jobs_)
          if (j.outcome == result::attention) out << "  " << j.name() << ": " << j.message << "\n";
      }
      if (interrupted) out << "run the same command again to resume\n";
      out << std::flush;
    }
    if (!fatal_.empty()) throw command_failure{exit_code::transport, "batch stopped: " + fatal_, "io_error"};
    if (interrupted || ctx_.interrupted) return to_int(exit_code::interrupted);
    if (attention) return to_int(exit_code::outcome_unknown);
    if (failed) return to_int(exit_code::task_failed);
    return 0;
  }

  batch_context ctx_;
  std::vector<batch_job>& jobs_;
  journal_writer& journal_;
  asio::steady_timer wake_;
  std::deque<batch_job*> requeued_;
  std::map<std::string, steady_time> job_started_;
  steady_time started_ = clock_type::now();
  std::size_t in_flight_ = 0;
  std::size_t active_ = 0;
  std::size_t finished_ = 0;
  bool stopping_ = false;
  std::string fatal_;
};

/// Decides what to do for a job from what the journal says, before anything is sent.
inline void plan_job(batch_job& j, const std::filesystem::path& out_dir, std::string_view provider) {
  const job_history& h = j.history;
  const std::string line = std::to_string(j.spec.line);
  const bool changed = !h.fingerprint.empty() && h.fingerprint != j.spec.fingerprint;
  switch (h.phase) {
    case job_phase::fresh:
    case job_phase::create_failed: {
      std::error_code ec;
      if (std::filesystem::exists(out_dir / j.spec.key, ec)) {
        // Not made by this batch, but never overwritten by it: nothing is spent on it.
        j.todo = batch_job::plan::done;
        j.history.path = (out_dir / j.spec.key).string() + " (exists; not submitted)";
      } else {
        j.todo = batch_job::plan::submit;
      }
      return;
    }
    case job_phase::submitting:
    case job_phase::create_unknown:
      j.todo = batch_job::plan::attention;
      j.message = std::string(h.phase == job_phase::submitting
                                  ? "an earlier run stopped while creating this task"
                                  : "an earlier create ended with an unknown outcome (" + h.error + ")") +
                  ": the task may or may not exist at " + std::string(provider) +
                  "; check its task list, then run again with --resolve " + line + "=TASK_ID or --resolve " + line +
                  "=none";
      return;
    default:
      break;
  }
  if (changed) {
    j.todo = batch_job::plan::attention;
    j.message = "the manifest line changed after task " + h.task_id +
                " was created for it; restore the line, or give it a new output name to run it as a new job";
    return;
  }
  switch (h.phase) {
    case job_phase::created:
      j.todo = batch_job::plan::wait;
      return;
    case job_phase::succeeded:
      j.todo = batch_job::plan::download;
      return;
    case job_phase::failed:
      j.todo = batch_job::plan::failed_before;
      j.message = "task " + h.task_id + " failed in an earlier run: " + h.error +
                  " (not resubmitted; give the line a new output name to try again)";
      return;
    case job_phase::downloaded: {
      std::error_code ec;
      const auto path = h.path.empty() ? out_dir / j.spec.key : std::filesystem::path(h.path);
      const bool complete = std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) == h.bytes;
      j.todo = complete ? batch_job::plan::done : batch_job::plan::download;
      return;
    }
    default:
      j.todo = batch_job::plan::submit;
      return;
  }
}

/// The jobs of a batch as the journal left them, with what this run must do for each, and the journal records
/// of the --resolve flags (to append before anything runs).
struct batch_plan {
  std::vector<batch_job> jobs{};
  std::vector<boost::json::object> resolutions{};
};

/// Reads the manifest (every problem is reported on `term`, then nullopt: nothing may be sent), replays the
/// journal, applies --resolve, creates --out-dir and plans each job. Sends nothing. Throws command_failure
/// (usage) for a missing manifest, a bad --resolve or an --out-dir that cannot be created, and
/// std::system_error when the journal cannot be read.
inline std::optional<batch_plan> prepare_batch(const options& o, const terminal& term,
                                               const seedance::provider_options& validation) {
  // 1. The manifest: every problem, before anything is sent.
  if (!std::filesystem::exists(o.manifest))
    throw command_failure{exit_code::usage, "batch: " + o.manifest + " does not exist", "usage"};
  std::string text;
  try {
    text = read_text_file(o.manifest);
  } catch (const std::system_error& e) {
    throw command_failure{exit_code::usage, e.what(), "usage"};
  }
  manifest m = parse_manifest(text, o.conn.provider, validation);
  if (!m.problems.empty()) {
    for (const auto& p : m.problems) {
      term.err << "seedance: error: " << o.manifest << ": " << describe(p) << "\n";
      if (o.json)
        term.out << json_text(boost::json::object{{"event", "error"},
                                                  {"code", "invalid_request"},
                                                  {"line", p.line},
                                                  {"field", p.field},
                                                  {"rule", p.rule},
                                                  {"value", p.value}})
                 << "\n";
    }
    term.err << "seedance: " << m.problems.size() << " problem(s) in " << o.manifest << "; nothing was sent\n";
    return std::nullopt;
  }

  // 2. The journal: where each job stands.
  journal_state state = replay_journal(read_text_file(o.journal));
  batch_plan plan;
  plan.jobs.reserve(m.jobs.size());
  for (auto& spec : m.jobs) {
    batch_job j;
    j.spec = std::move(spec);
    if (auto it = state.jobs.find(j.spec.key); it != state.jobs.end()) j.history = it->second;
    plan.jobs.push_back(std::move(j));
  }

  // 3. --resolve: the user settled jobs whose create outcome was unknown.
  for (const auto& resolution : o.resolutions) {
    const std::string& ref = resolution.first;  // (not a structured binding: Clang 14 cannot capture those)
    const std::string& value = resolution.second;
    auto it = std::find_if(plan.jobs.begin(), plan.jobs.end(),
                           [&](const batch_job& j) { return j.spec.key == ref || std::to_string(j.spec.line) == ref; });
    if (it == plan.jobs.end())
      throw command_failure{exit_code::usage, "--resolve " + ref + ": no such line number or output name", "usage"};
    if (it->history.phase != job_phase::submitting && it->history.phase != job_phase::create_unknown)
      throw command_failure{exit_code::usage,
                            "--resolve " + ref + ": " + it->name() +
                                " does not need attention (journal: " + std::string(to_string(it->history.phase)) + ")",
                            "usage"};
    boost::json::object rec{{"event", "resolved"}, {"job", it->spec.key}};
    if (value == "none") {
      rec["task_id"] = nullptr;
      it->history.phase = job_phase::fresh;
    } else {
      rec["task_id"] = value;
      it->history.phase = job_phase::created;
      it->history.task_id = value;
    }
    it->history.fingerprint = it->spec.fingerprint;
    plan.resolutions.push_back(std::move(rec));
  }

  // 4. What to do for each job.
  const std::filesystem::path out_dir(o.out_dir);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec)
    throw command_failure{exit_code::usage, "--out-dir: cannot create " + o.out_dir + ": " + ec.message(), "usage"};
  for (auto& j : plan.jobs) plan_job(j, out_dir, seedance::display_name(o.conn.provider));
  return plan;
}

}  // namespace seedance_cli

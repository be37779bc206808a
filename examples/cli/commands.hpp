// examples/cli/commands.hpp - what each `seedance` command does, on top of seedance::client<any_provider>.
//
// One `app` per process: it owns the io_context (run on the main thread), the signal handling (Ctrl-C ends
// waits promptly but lets a create request in flight finish, so its task id is never lost), the embedded
// simulator in --sim mode (on a thread of its own) and the progress display. Every command returns an exit
// code (exit_codes.hpp); every error is one line naming what failed and why.
#pragma once

#include "args.hpp"
#include "batch.hpp"
#include "common.hpp"
#include "exit_codes.hpp"
#include "help.hpp"
#include "journal.hpp"
#include "json_text.hpp"
#include "progress.hpp"

#include <seedance/seedance.hpp>
#include <seedance/testing/simulator.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#ifndef SEEDANCE_VERSION
#define SEEDANCE_VERSION "0.1.0"
#endif

namespace seedance_cli {

// ---- small helpers ---------------------------------------------------------------------------------------------

/// "40 credits (estimated by seedance)", "unknown", ...: a cost and who computed it.
inline std::string cost_line(const std::optional<seedance::cost>& c) {
  if (!c) return "unknown";
  return format_cost(*c) + (c->estimated ? " (estimated by seedance)" : " (reported by the provider)");
}

/// The task snapshot as a JSON object (for --json and `status`).
inline boost::json::object task_to_json(const seedance::task& t) {
  boost::json::object o{{"task_id", t.id}, {"state", seedance::to_string(t.state)}};
  if (!t.provider_state.empty()) o["provider_state"] = t.provider_state;
  if (t.progress) o["progress"] = *t.progress;
  if (!t.videos.empty()) {
    boost::json::array videos;
    for (const auto& v : t.videos) videos.emplace_back(v.url);
    o["videos"] = std::move(videos);
  }
  if (t.error) o["error"] = boost::json::object{{"code", t.error->code}, {"message", t.error->message}};
  if (t.cost) o["cost"] = cost_to_json(*t.cost);
  if (t.estimated_time) o["estimated_time_s"] = t.estimated_time->count();
  if (!t.model.empty()) o["model"] = t.model;
  return o;
}

/// A file name made from a task id (anything but letters, digits, '.', '-' and '_' becomes '_').
inline std::string file_name_for(std::string_view task_id) {
  std::string name;
  for (char c : task_id)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (name.empty() || name.front() == '.') name.insert(0, "task");
  return name + ".mp4";
}

/// The terminal's width in columns (80 when unknown).
inline std::size_t terminal_width(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col;
  return 80;
}

/// Adds background faults to a simulator: each request is hit with probability `rate` by a 503, a 429, a
/// connection dropped before the request is read, or a download cut mid-body (the client resumes it).
inline void add_background_faults(seedance::testing::simulator& sim, double rate) {
  using seedance::testing::fault;
  using seedance::testing::fault_kind;
  if (rate <= 0) return;
  const double each = rate / 4;
  sim.fault_with_probability("", each, fault{.kind = fault_kind::http_error, .status = 503});
  sim.fault_with_probability("", each, fault{.kind = fault_kind::rate_limit, .retry_after = std::chrono::seconds(1)});
  sim.fault_with_probability("", each, fault{.kind = fault_kind::drop_before_request});
  sim.fault_with_probability("/files/", each, fault{.kind = fault_kind::close_mid_body, .bytes = 4096});
}

// ---- the application -------------------------------------------------------------------------------------------

/// One run of the program: parses nothing (options come parsed), runs one command, returns its exit code.
class app {
 public:
  /// `o`: the parsed command line; `t`: where to write.
  app(options o, terminal t) : o_(std::move(o)), t_(t), signals_(io_, SIGINT, SIGTERM) {}

  /// Runs the command. Never throws: every failure becomes an exit code and one line on stderr.
  int run() {
    try {
      switch (o_.cmd) {
        case command::help:
          t_.out << help_text(o_.help_topic);
          return 0;
        case command::version:
          t_.out << "seedance " << SEEDANCE_VERSION << "\n";
          return 0;
        case command::estimate:
          return cmd_estimate();
        case command::sim:
          return cmd_sim();
        default:
          return run_connected();
      }
    } catch (const command_failure& f) {
      return fail(f);
    } catch (const usage_error& e) {
      return fail({exit_code::usage, e.what(), "usage"});
    } catch (const seedance::error& e) {
      exit_code code = exit_code_for(e.code(), interrupted_);
      // The provider refused the request after it was sent: a provider error, not a usage error.
      if (code == exit_code::usage && e.details().http_status != 0) code = exit_code::transport;
      return fail({code, message_of(e), code_name(e.code())});
    } catch (const std::system_error& e) {
      return fail({exit_code_for(e.code(), interrupted_), message_of(e), code_name(e.code())});
    } catch (const std::exception& e) {
      return fail({exit_code::transport, e.what(), "error"});
    }
  }

 private:
  // ---- output ------------------------------------------------------------------------------------------------
  int fail(const command_failure& f) {
    if (display_) display_->clear();
    t_.err << "seedance: error: " << f.message << "\n";
    if (o_.json) {
      boost::json::object ev{
          {"event", "error"}, {"code", f.code_name}, {"exit_code", to_int(f.code)}, {"message", f.message}};
      if (sim_) ev["simulated"] = true;
      t_.out << json_text(ev) << "\n";
    }
    t_.out << std::flush;
    return to_int(f.code);
  }

  output_style style() const {
    if (o_.json) return output_style::json;
    const char* term = std::getenv("TERM");
    if (t_.err_is_tty && !(term && std::string_view(term) == "dumb")) return output_style::bars;
    return output_style::lines;
  }

  progress_display& display() {
    if (!display_)
      display_ = std::make_unique<progress_display>(o_.json ? t_.out : t_.err, style(), t_.width, sim_ != nullptr);
    return *display_;
  }

  /// Keeps redrawing the bars a few times a second until `done_` (bars style only).
  asio::awaitable<void> redraw_loop() {
    asio::steady_timer timer(io_);
    while (!done_) {
      display().redraw(clock_type::now());
      timer.expires_after(100ms);
      co_await timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    }
  }

  // ---- set-up ------------------------------------------------------------------------------------------------
  /// The provider choices of the flags (--legacy: the Kinovi legacy schema), for checks, estimates and the codec.
  seedance::provider_options provider_opts() const {
    seedance::provider_options p;
    p.kinovi_schema = o_.conn.legacy ? seedance::kinovi_schema::legacy : seedance::kinovi_schema::current;
    return p;
  }

  /// Checks the request for the provider; throws command_failure(usage) listing every problem.
  void check_request(const seedance::request& r) const {
    try {
      seedance::check(o_.conn.provider, r, provider_opts());
    } catch (const seedance::error& e) {
      throw command_failure{exit_code::usage, message_of(e), "invalid_request"};
    }
  }

  /// The API key: --api-key-file, $SEEDANCE_API_KEY or the provider's variable. Throws command_failure(auth).
  std::string api_key(const seedance::any_provider& provider) const {
    if (!o_.conn.api_key_file.empty()) {
      std::ifstream in(o_.conn.api_key_file);
      if (!in) throw command_failure{exit_code::usage, "--api-key-file: cannot read " + o_.conn.api_key_file, "usage"};
      std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
      while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front()))) key.erase(key.begin());
      if (key.empty())
        throw command_failure{exit_code::auth, "--api-key-file: " + o_.conn.api_key_file + " is empty", "unauthorized"};
      return key;
    }
    for (std::string name : {std::string("SEEDANCE_API_KEY"), std::string(provider.api_key_env())})
      if (const char* v = std::getenv(name.c_str()); v && *v) return v;
    std::string message =
        "no API key: set SEEDANCE_API_KEY or " + std::string(provider.api_key_env()) + ", or pass --api-key-file FILE";
    if (o_.conn.base_url.empty()) message += "; to try everything offline against the built-in simulator, add --sim";
    throw command_failure{exit_code::auth, message, "unauthorized"};
  }

  /// Starts the embedded simulator (--sim) and says so, loudly.
  void start_simulator(double time_scale) {
    seedance::testing::simulator_options so;
    so.time_scale = time_scale;
    sim_ = std::make_unique<seedance::testing::simulator>(so);
    if (!o_.json)
      t_.err << "SIMULATED: running against the built-in simulator on " << sim_->origin()
             << "; no provider is contacted and nothing is charged.\n";
  }

  /// The client for the chosen provider, base URL, trust and key.
  /// `key_optional`: a plain URL download sends nothing to the provider, so a missing key is no error.
  std::unique_ptr<client_type> make_client(std::size_t max_in_flight = 0, bool key_optional = false) {
    auto provider = seedance::any_provider::from_name(o_.conn.provider_name);
    if (!provider) throw command_failure{exit_code::usage, "--provider: unknown provider", "usage"};
    seedance::client_options<seedance::any_provider> co;
    if (sim_) {
      co.api_key = sim_->api_key();
      co.base_url = sim_->base_url(o_.conn.provider);
      co.transport.tls.ca_pem = sim_->ca_pem();
      co.polling = fixed_polling(o_.poll_interval.value_or(200ms));
    } else {
      try {
        co.api_key = api_key(*provider);
      } catch (const command_failure&) {
        if (!key_optional) throw;
        co.api_key = "none: url download";  // never sent: downloads carry no Authorization header
      }
      co.base_url = o_.conn.base_url;
      if (o_.poll_interval) co.polling = fixed_polling(*o_.poll_interval);
    }
    if (!o_.conn.ca_file.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(o_.conn.ca_file, ec))
        throw command_failure{exit_code::usage, "--ca-file: cannot read " + o_.conn.ca_file, "usage"};
      co.transport.tls.ca_file = o_.conn.ca_file;
    }
    co.codec.kinovi_schema = provider_opts().kinovi_schema;
    co.max_in_flight = max_in_flight;
    return std::make_unique<client_type>(io_.get_executor(), *provider, std::move(co));
  }

  static seedance::polling_policy fixed_polling(std::chrono::milliseconds every) {
    seedance::polling_policy p;
    p.first_delay = every;
    p.min_interval = every;
    p.max_interval = every;
    p.jitter = 0;
    return p;
  }

  std::string provider_label() const { return std::string(seedance::display_name(o_.conn.provider)); }

  std::string resume_hint(std::string_view task_id) const {
    std::string hint = "seedance wait " + std::string(task_id) + " --provider " + o_.conn.provider_name;
    if (!o_.conn.base_url.empty()) hint += " --base-url " + o_.conn.base_url;
    if (o_.output.empty()) return hint + " -o " + file_name_for(task_id);
    return hint + " -o " + o_.output;
  }

  // ---- running a coroutine with Ctrl-C handling --------------------------------------------------------------

  /// Runs `op` on the io_context until it finishes. The first SIGINT/SIGTERM calls `on_interrupt_` (or cancels
  /// `op` when none is set); a second one exits at once.
  int run_main(asio::awaitable<int> op) {
    int result = to_int(exit_code::transport);
    std::exception_ptr failure;
    arm_signals();
    if (style() == output_style::bars) asio::co_spawn(io_, redraw_loop(), asio::detached);
    asio::co_spawn(io_, std::move(op),
                   asio::bind_cancellation_slot(main_cancel_.slot(), [&](std::exception_ptr ep, int r) {
                     failure = ep;
                     result = r;
                     done_ = true;
                     io_.stop();
                   }));
    io_.run();
    if (display_) display_->clear();
    if (failure) std::rethrow_exception(failure);
    return result;
  }

  void arm_signals() {
    signals_.async_wait([this](const std::error_code& ec, int) {
      if (ec) return;
      if (interrupted_) {
        t_.err << "\nseedance: interrupted again: exiting now\n" << std::flush;
        std::_Exit(to_int(exit_code::interrupted));
      }
      interrupted_ = true;
      if (display_) display_->clear();
      t_.err << "\nseedance: interrupting (press Ctrl-C again to quit at once)\n" << std::flush;
      if (on_interrupt_)
        on_interrupt_();
      else
        main_cancel_.emit(asio::cancellation_type::terminal);
      arm_signals();
    });
  }

  int run_connected() {
    if (o_.conn.sim) start_simulator(o_.cmd == command::batch ? 0.05 : 1.0);
    switch (o_.cmd) {
      case command::generate:
        return cmd_generate();
      case command::batch:
        return cmd_batch();
      default:
        return run_main(single_command());
    }
  }

  // ---- estimate ----------------------------------------------------------------------------------------------
  int cmd_estimate() {
    check_request(o_.req);
    const auto e = seedance::estimate(o_.conn.provider, o_.req, provider_opts());
    const char* confidence = e.confidence == seedance::estimate_confidence::documented ? "documented"
                             : e.confidence == seedance::estimate_confidence::inferred ? "inferred"
                             : e.confidence == seedance::estimate_confidence::low      ? "low"
                                                                                       : "unknown";
    const std::string usd_basis = e.usd && e.cost ? usd_rate_text(*e.cost, *e.usd) : std::string();
    if (o_.json) {
      boost::json::object ev{{"event", "estimate"},
                             {"provider", seedance::to_string(o_.conn.provider)},
                             {"confidence", confidence},
                             {"basis", e.basis},
                             {"sent", false}};
      ev["cost"] = e.cost ? boost::json::value(cost_to_json(*e.cost)) : boost::json::value(nullptr);
      if (e.usd) {
        ev["usd"] = cost_to_json(*e.usd);
        if (!usd_basis.empty()) ev["usd_basis"] = usd_basis;
      }
      t_.out << json_text(ev) << "\n";
      return 0;
    }
    t_.out << "provider    " << provider_label() << "\n";
    t_.out << "estimate    " << (e.cost ? format_cost(*e.cost) : std::string("unknown")) << "\n";
    if (e.usd)
      t_.out << "usd         " << format_cost(*e.usd) << (usd_basis.empty() ? "" : " (" + usd_basis + ")") << "\n";
    t_.out << "confidence  " << confidence << "\nbasis       " << e.basis << "\n(nothing was sent)\n";
    return 0;
  }

  // ---- generate ----------------------------------------------------------------------------------------------
  int cmd_generate() {
    check_request(o_.req);  // nothing is sent for an invalid request
    if (!o_.output.empty() && !o_.overwrite && std::filesystem::exists(o_.output))
      throw command_failure{exit_code::usage, "-o " + o_.output + ": the file exists (add --overwrite to replace it)",
                            "file_exists"};
    client_ = make_client();
    on_interrupt_ = [this] {
      if (!creating_) main_cancel_.emit(asio::cancellation_type::terminal);  // a create in flight finishes first
    };
    return run_main(generate_flow());
  }

  asio::awaitable<int> generate_flow() {
    const auto started = clock_type::now();
    auto& d = display();
    const std::string label =
        o_.output.empty() ? std::string("video") : std::filesystem::path(o_.output).filename().string();
    job_view view{.label = label, .phase = "submitting", .started = started};
    d.update("job", view, clock_type::now());

    seedance::task created;
    creating_ = true;
    try {
      created = co_await client_->submit(o_.req);
    } catch (const seedance::error& e) {
      creating_ = false;
      if (e.code() == seedance::errc::outcome_unknown)
        throw command_failure{
            exit_code::outcome_unknown,
            message_of(e) + " (check your " + provider_label() + " task list before running this again)",
            "outcome_unknown"};
      throw;
    }
    creating_ = false;
    if (view.label == "video") view.label = created.id;
    view.task_id = created.id;
    d.note("created task " + created.id + " at " + provider_label(),
           {{"event", "created"}, {"task_id", created.id}, {"provider", seedance::to_string(o_.conn.provider)}});
    if (interrupted_)
      throw command_failure{
          exit_code::interrupted,
          "interrupted; task " + created.id + " keeps running: resume with `" + resume_hint(created.id) + "`",
          "interrupted"};
    const seedance::task done = co_await wait_with_progress(created.id, view);
    if (done.videos.empty())
      throw command_failure{exit_code::transport, "task " + done.id + " succeeded without a video", "bad_response"};
    const std::string path = o_.output.empty() ? file_name_for(created.id) : o_.output;
    const auto result = co_await download_with_progress(done.videos.front().url, path, view);
    print_result(done.id, result, done.cost ? done.cost : created.cost);
    co_return 0;
  }

  /// Waits for the task, drawing its progress; maps failures to command_failure with a resume hint.
  asio::awaitable<seedance::task> wait_with_progress(const std::string& id, job_view view) {
    seedance::wait_options wo;
    wo.deadline = o_.deadline.value_or(30min);
    view.phase = "waiting";
    wo.on_progress = [this, view](const seedance::task& t) mutable {
      view.phase = std::string(seedance::to_string(t.state));
      view.percent = t.progress;
      view.provider_estimate = t.estimated_time;
      display().update("job", view, clock_type::now());
    };
    try {
      co_return co_await client_->wait(id, std::move(wo));
    } catch (const seedance::error& e) {
      if (e.code() == seedance::errc::deadline_exceeded)
        throw command_failure{exit_code::deadline,
                              message_of(e) + "; the task may still finish: `" + resume_hint(id) + "`",
                              "deadline_exceeded"};
      if (exit_code_for(e.code()) == exit_code::transport)
        throw command_failure{exit_code::transport,
                              message_of(e) + "; task " + id + " may still finish: `" + resume_hint(id) + "`",
                              code_name(e.code())};
      throw;
    } catch (const std::system_error& e) {
      if (interrupted_)
        throw command_failure{exit_code::interrupted,
                              "interrupted; task " + id + " keeps running: resume with `" + resume_hint(id) + "`",
                              "interrupted"};
      throw;
    }
  }

  /// Downloads `url` to `path`, drawing a bar for the bytes.
  asio::awaitable<seedance::download_result> download_with_progress(const std::string& url, const std::string& path,
                                                                    job_view view) {
    seedance::download_options dl;
    dl.overwrite = o_.overwrite;
    view.phase = "downloading";
    view.percent = 0;
    display().update("job", view, clock_type::now());
    dl.on_progress = [this, view](std::uint64_t done, std::optional<std::uint64_t> total) mutable {
      if (total && *total > 0) view.percent = static_cast<int>(done * 100 / *total);
      display().update("job", view, clock_type::now());
    };
    try {
      co_return co_await client_->download(url, path, std::move(dl));
    } catch (const std::system_error& e) {
      if (interrupted_) throw command_failure{exit_code::interrupted, "interrupted during the download", "interrupted"};
      throw;
    }
  }

  void print_result(const std::string& task_id, const seedance::download_result& r,
                    const std::optional<seedance::cost>& cost) {
    auto& d = display();
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(r.path, ec);
    d.finish("job", "", {});
    d.clear();
    if (o_.json) {
      boost::json::object ev{{"event", "done"},
                             {"task_id", task_id},
                             {"provider", seedance::to_string(o_.conn.provider)},
                             {"path", (ec ? r.path : absolute).string()},
                             {"bytes", r.bytes}};
      ev["cost"] = cost ? boost::json::value(cost_to_json(*cost)) : boost::json::value(nullptr);
      d.emit(std::move(ev));
      return;
    }
    if (sim_)
      t_.out << "SIMULATED: this video was made by the built-in simulator; no provider was contacted and nothing "
                "was charged.\n";
    t_.out << "saved   " << (ec ? r.path : absolute).string() << " (" << r.bytes << " bytes)\n";
    t_.out << "task    " << task_id << " (" << provider_label() << ")\n";
    const std::string cost_text =
        sim_ && cost ? format_cost(*cost) + " (simulated; nothing was charged)" : cost_line(cost);
    t_.out << "cost    " << cost_text << "\n" << std::flush;
  }

  // ---- status / wait / cancel / download ---------------------------------------------------------------------
  asio::awaitable<int> single_command() {
    const bool url_download = o_.cmd == command::download && o_.target.starts_with("https://");
    if (o_.cmd == command::download && !o_.overwrite && std::filesystem::exists(o_.output))
      throw command_failure{exit_code::usage, "-o " + o_.output + ": the file exists (add --overwrite to replace it)",
                            "file_exists"};
    client_ = make_client(0, /*key_optional=*/url_download);
    job_view view{.label = o_.target, .task_id = o_.target, .phase = "waiting", .started = clock_type::now()};
    switch (o_.cmd) {
      case command::status: {
        const seedance::task t = co_await client_->status(o_.target);
        print_task(t);
        co_return 0;
      }
      case command::wait: {
        if (!o_.output.empty() && !o_.overwrite && std::filesystem::exists(o_.output))
          throw command_failure{exit_code::usage,
                                "-o " + o_.output + ": the file exists (add --overwrite to replace it)", "file_exists"};
        display().update("job", view, clock_type::now());
        const seedance::task t = co_await wait_with_progress(o_.target, view);
        if (o_.output.empty() || t.videos.empty()) {
          display().finish("job", "", {});
          display().clear();
          print_task(t);
          co_return 0;
        }
        const auto result = co_await download_with_progress(t.videos.front().url, o_.output, view);
        print_result(t.id, result, t.cost);
        co_return 0;
      }
      case command::cancel: {
        const seedance::task t = co_await client_->cancel(o_.target);
        print_task(t);
        co_return 0;
      }
      case command::download: {
        seedance::download_result result;
        if (url_download) {
          result = co_await download_with_progress(o_.target, o_.output, view);
          print_result("(url)", result, std::nullopt);
        } else {
          const seedance::task t = co_await client_->status(o_.target);
          if (t.state != seedance::task_state::succeeded || t.videos.empty())
            throw command_failure{
                t.state == seedance::task_state::failed || t.state == seedance::task_state::cancelled ||
                        t.state == seedance::task_state::expired
                    ? exit_code::task_failed
                    : exit_code::usage,
                "download: task " + t.id + " has no video (state " + std::string(seedance::to_string(t.state)) + ")",
                "no_video"};
          result = co_await download_with_progress(t.videos.front().url, o_.output, view);
          print_result(t.id, result, t.cost);
        }
        co_return 0;
      }
      default:
        co_return to_int(exit_code::usage);
    }
  }

  void print_task(const seedance::task& t) {
    if (o_.json) {
      auto ev = task_to_json(t);
      ev["event"] = "task";
      ev["raw"] = t.raw;  // the provider's own body, for fields the library does not map
      ev["provider"] = seedance::to_string(o_.conn.provider);
      display().emit(std::move(ev));
      return;
    }
    t_.out << "task      " << t.id << " (" << provider_label() << ")\n";
    t_.out << "state     " << seedance::to_string(t.state);
    if (!t.provider_state.empty()) t_.out << " (provider: " << t.provider_state << ")";
    t_.out << "\n";
    if (t.progress) t_.out << "progress  " << *t.progress << "%\n";
    for (const auto& v : t.videos) t_.out << "video     " << v.url << "\n";
    if (t.error) t_.out << "error     [" << t.error->code << "] " << t.error->message << "\n";
    if (t.cost) t_.out << "cost      " << cost_line(t.cost) << "\n";
    t_.out << std::flush;
  }

  // ---- sim ---------------------------------------------------------------------------------------------------
  int cmd_sim() {
    seedance::testing::simulator_options so;
    so.port = o_.port;
    so.time_scale = o_.time_scale;
    so.log_to_stderr = o_.verbose;
    seedance::testing::simulator sim(so);
    add_background_faults(sim, o_.fault_rate);
    std::string ca_path = o_.ca_out;
    const bool temporary_ca = ca_path.empty();
    if (temporary_ca)
      ca_path = (std::filesystem::temp_directory_path() / ("seedance-sim-ca-" + std::to_string(::getpid()) + ".pem"))
                    .string();
    {
      std::ofstream ca(ca_path, std::ios::trunc);
      ca << sim.ca_pem();
      if (!ca) throw command_failure{exit_code::usage, "--ca-out: cannot write " + ca_path, "usage"};
    }
    if (o_.json) {
      boost::json::object urls;
      for (auto p : seedance::all_providers) urls[seedance::to_string(p)] = sim.base_url(p);
      t_.out << json_text(boost::json::object{{"event", "listening"},
                                              {"simulated", true},
                                              {"port", sim.port()},
                                              {"base_urls", std::move(urls)},
                                              {"ca_file", ca_path},
                                              {"api_key", sim.api_key()}})
             << "\n"
             << std::flush;
    } else {
      t_.out << "SIMULATED providers on " << sim.origin() << " (time scale " << o_.time_scale << ")\n";
      for (auto p : seedance::all_providers) {
        std::string name(seedance::to_string(p));
        name.resize(14, ' ');
        t_.out << "  " << name << sim.base_url(p) << "\n";
      }
      t_.out << "API key  " << sim.api_key() << "   (export SEEDANCE_API_KEY=" << sim.api_key() << ")\n"
             << "CA       " << ca_path << "   (pass --ca-file " << ca_path << ")\n"
             << "Prompt markers: [sim:fail] [sim:fail-server] [sim:expire] [sim:stall] [sim:slow] "
                "[sim:empty-results]\n"
             << "Press Ctrl-C to stop.\n"
             << std::flush;
    }
    asio::signal_set stop(io_, SIGINT, SIGTERM);
    stop.async_wait([](const std::error_code&, int) {});
    io_.run();
    sim.stop();
    if (temporary_ca) std::filesystem::remove(ca_path);
    if (!o_.json) t_.out << "simulator stopped\n";
    return 0;
  }

  // ---- batch -------------------------------------------------------------------------------------------------
  /// `seedance batch`: checks the manifest and reads the journal (batch.hpp), then runs the jobs.
  int cmd_batch() {
    std::optional<batch_plan> plan = prepare_batch(o_, t_, provider_opts());
    if (!plan) return to_int(exit_code::usage);  // every problem of the manifest is reported; nothing was sent
    client_ = make_client(o_.concurrency);
    journal_writer journal(o_.journal);
    journal.append({{"event", "batch"},
                    {"manifest", o_.manifest},
                    {"provider", seedance::to_string(o_.conn.provider)},
                    {"jobs", plan->jobs.size()},
                    {"simulated", sim_ != nullptr}});
    for (auto& rec : plan->resolutions) journal.append(std::move(rec));

    const batch_context context{.opts = o_,
                                .term = t_,
                                .io = io_,
                                .client = *client_,
                                .display = display(),
                                .interrupted = interrupted_,
                                .simulated = sim_ != nullptr};
    batch_runner runner(context, plan->jobs, journal);
    on_interrupt_ = [&runner] { runner.interrupt(); };
    return run_main(runner.run());
  }

  // State.
  options o_;
  terminal t_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::cancellation_signal main_cancel_;
  std::function<void()> on_interrupt_{};
  bool interrupted_ = false;
  bool creating_ = false;
  bool done_ = false;
  std::unique_ptr<seedance::testing::simulator> sim_;
  std::unique_ptr<client_type> client_;
  std::unique_ptr<progress_display> display_;
};

}  // namespace seedance_cli

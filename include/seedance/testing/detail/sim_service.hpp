// seedance/testing/detail/sim_service.hpp - the simulator without sockets: routing, authentication, each
// provider's endpoints, task scripting, output files, webhook planning, fault choice and the request log.
//
// Pure: requests and the current time come in, responses and planned webhook deliveries come out. The
// simulator runs it under a mutex on its I/O thread; unit tests drive it directly with made-up times.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/http/message.hpp>
#include <seedance/testing/detail/sample_mp4_data.hpp>
#include <seedance/testing/detail/sim_aihubmax.hpp>
#include <seedance/testing/detail/sim_ark.hpp>
#include <seedance/testing/detail/sim_common.hpp>
#include <seedance/testing/detail/sim_engine.hpp>
#include <seedance/testing/detail/sim_faults.hpp>
#include <seedance/testing/detail/sim_kinovi.hpp>
#include <seedance/testing/detail/sim_media.hpp>
#include <seedance/testing/detail/sim_seedance2ink.hpp>
#include <seedance/testing/simulator_options.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seedance::testing::detail {

/// The path prefix under which a provider is served, e.g. "/kinovi/api/v1" (its documented base path
/// after "/<provider name>").
constexpr std::string_view base_path(provider_id p) noexcept {
  switch (p) {
    case provider_id::kinovi:
      return "/kinovi/api/v1";
    case provider_id::aihubmax:
      return "/aihubmax";
    case provider_id::seedance2ink:
      return "/seedance2ink";
    case provider_id::ark:
      return "/ark/api/v3";
  }
  return "/";
}

/// What a request target addresses.
struct sim_route {
  std::optional<provider_id> provider;
  request_kind kind = request_kind::other;
  std::string task_id;      ///< from the path, or Kinovi's taskId query parameter
  bool known = false;       ///< a documented endpoint with this method
  bool last_frame = false;  ///< download of the last-frame image rather than the video
};

/// Routes a request. Never throws.
inline sim_route route(http::method m, std::string_view target) {
  sim_route r;
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return r;
  const std::string path(parsed->path());
  auto under = [&](std::string_view prefix) {
    return path.size() >= prefix.size() && std::string_view(path).substr(0, prefix.size()) == prefix &&
           (path.size() == prefix.size() || path[prefix.size()] == '/');
  };
  auto rest_after = [&](std::string_view prefix) { return std::string_view(path).substr(prefix.size()); };
  // A path segment id: non-empty, no further slash.
  auto single = [](std::string_view s) { return !s.empty() && s.find('/') == std::string_view::npos; };

  if (under("/files")) {
    std::string_view name = rest_after("/files");
    if (!name.empty()) name.remove_prefix(1);
    r.kind = request_kind::download;
    if (m != http::method::get && m != http::method::head) return r;
    if (name.ends_with(".mp4") && single(name)) {
      r.task_id.clear();
      r.known = true;
    } else if (name.ends_with("_lastframe.png") && single(name)) {
      r.known = true;
      r.last_frame = true;
    }
    return r;
  }
  for (provider_id p : all_providers) {
    const std::string_view base = base_path(p);
    if (!under(base)) continue;
    r.provider = p;
    const std::string_view rest = rest_after(base);
    switch (p) {
      case provider_id::kinovi:
        if (rest == "/jobs/createTask" && m == http::method::post) r.kind = request_kind::create, r.known = true;
        if (rest == "/jobs/recordInfo" && m == http::method::get) {
          r.kind = request_kind::status, r.known = true;
          for (auto param : parsed->params())
            if (param.key == "taskId" && param.has_value) r.task_id = std::string(param.value);
        }
        break;
      case provider_id::aihubmax:
        if (rest == "/v1/videos/generations" && m == http::method::post) r.kind = request_kind::create, r.known = true;
        if (rest.starts_with("/v1/tasks/") && single(rest.substr(10)) && m == http::method::get) {
          r.kind = request_kind::status, r.known = true;
          r.task_id = std::string(rest.substr(10));
        }
        break;
      case provider_id::seedance2ink: {
        constexpr std::string_view collection = "/api/open/v1/video/generations";
        if (rest == collection && m == http::method::post) {
          r.kind = request_kind::create, r.known = true;
        } else if (rest.starts_with(std::string(collection) + "/")) {
          std::string_view tail = rest.substr(collection.size() + 1);
          if (single(tail) && m == http::method::get) {
            r.kind = request_kind::status, r.known = true;
            r.task_id = std::string(tail);
          } else if (tail.ends_with("/cancel") && single(tail.substr(0, tail.size() - 7)) && m == http::method::post) {
            r.kind = request_kind::cancel, r.known = true;
            r.task_id = std::string(tail.substr(0, tail.size() - 7));
          }
        }
        break;
      }
      case provider_id::ark: {
        constexpr std::string_view collection = "/contents/generations/tasks";
        if (rest == collection) {
          if (m == http::method::post) r.kind = request_kind::create, r.known = true;
          if (m == http::method::get) r.kind = request_kind::list, r.known = true;
        } else if (rest.starts_with(std::string(collection) + "/") && single(rest.substr(collection.size() + 1))) {
          r.task_id = std::string(rest.substr(collection.size() + 1));
          if (m == http::method::get) r.kind = request_kind::status, r.known = true;
          if (m == http::method::delete_) r.kind = request_kind::cancel, r.known = true;
        }
        break;
      }
    }
    return r;
  }
  return r;
}

/// One planned webhook POST (with its retries).
struct webhook_job {
  provider_id provider = provider_id::kinovi;
  std::string task_id;
  std::string url;
  std::string body;
  std::vector<sim_clock::duration> retry_delays;  ///< waits before retry 1, 2, 3 (already scaled)
  std::optional<fault_kind> fault;                ///< the webhook fault this delivery carries out
  std::string note;                               ///< "duplicate", "stale running", ...
};

/// The simulator's whole behaviour minus sockets. Thread-compatible.
class sim_service {
 public:
  /// `origin` is "https://127.0.0.1:PORT" (output URLs are made from it; set_origin() may change it later).
  explicit sim_service(simulator_options options, std::string origin = "https://127.0.0.1")
      : options_(std::move(options)),
        origin_(std::move(origin)),
        engine_({0, 0, 0, options_.ark.concurrency}),
        rng_(options_.seed) {
    add_account(options_.api_key);
    for (const auto& key : options_.extra_api_keys) add_account(key);
  }

  /// The options it was made with.
  const simulator_options& options() const noexcept { return options_; }
  /// Sets "https://127.0.0.1:PORT" (the prefix of output URLs).
  void set_origin(std::string origin) { origin_ = std::move(origin); }
  /// The origin of output URLs.
  const std::string& origin() const noexcept { return origin_; }
  /// The task store.
  sim_engine& engine() noexcept { return engine_; }
  /// The task store.
  const sim_engine& engine() const noexcept { return engine_; }
  /// The fault rules.
  fault_plan& faults() noexcept { return faults_; }
  /// The seeded generator behind every random choice.
  std::mt19937_64& rng() noexcept { return rng_; }

  /// Scripts the next task created (at `provider`, or at any provider when nullopt).
  void script_next(std::optional<provider_id> provider, task_script script) {
    (provider ? scripts_[static_cast<std::size_t>(*provider)] : any_scripts_).push_back(script);
  }

  /// Output files issued so far (one per succeeded task).
  std::size_t file_count() const noexcept { return files_.size(); }

  /// A fault for the request, if one strikes (counts the request against the rules).
  std::optional<fault> pick_fault(std::string_view target, fault_stage stage) {
    if (!faults_.any(stage)) return std::nullopt;
    return faults_.pick(target, stage, rng_);
  }

  /// The response of an unprocessed error fault (http_error, rate_limit) in the shape of the provider the
  /// target belongs to.
  sim_reply fault_reply(const http::request& request, const fault& f) {
    const sim_route r = route(request.method, request.target);
    sim_reply reply;
    reply.provider = r.provider;
    reply.kind = r.kind;
    reply.task_id = r.task_id;
    error_info e;
    e.retry_after = f.retry_after;
    if (f.kind == fault_kind::rate_limit) {
      e.kind = sim_error_kind::rate_limited;
    } else {
      e.kind = sim_error_kind::server_error;
      e.status = f.status;
    }
    if (f.kind == fault_kind::http_error && (f.status == 502 || f.status == 504 || !r.provider)) {
      reply.response = gateway_page(f.status);
      add_retry_after(reply.response, f.retry_after);
    } else if (r.provider) {
      reply.response = error_response(*r.provider, e);
    } else {
      reply.response = storage_error(429, "SlowDown", "Please reduce your request rate.");
      add_retry_after(reply.response, f.retry_after);
    }
    return reply;
  }

  /// Answers one request at time `now` (advancing every task to `now` first).
  sim_reply handle(const http::request& request, sim_time now) {
    advance(now);
    const sim_route r = route(request.method, request.target);
    sim_reply reply;
    if (r.kind == request_kind::download) {
      reply = download(request, r, now);
    } else if (!r.provider) {
      reply.response = json_response(404, boost::json::object{{"message", "Not found"}});
    } else {
      reply = provider_request(request, r, now);
    }
    reply.provider = r.provider;
    reply.kind = r.kind;
    if (reply.task_id.empty()) reply.task_id = r.task_id;
    return reply;
  }

  /// Moves every task to `now`, refunding failures and planning webhooks.
  void advance(sim_time now) {
    transitions_.clear();
    engine_.advance(now, transitions_);
    for (const auto& t : transitions_) on_transition(t);
  }

  /// When the next task changes state, if anything is scheduled.
  std::optional<sim_time> next_event() { return engine_.next_event(); }

  /// Webhook deliveries planned since the last call, grouped per task (each group in delivery order).
  std::vector<std::vector<webhook_job>> take_webhooks() {
    std::vector<std::vector<webhook_job>> out;
    out.swap(webhooks_);
    return out;
  }

  /// Appends to the request log (drops the oldest entry beyond max_log_entries).
  void record(log_entry entry) {
    const std::size_t p = entry.provider ? static_cast<std::size_t>(*entry.provider) : 4;
    ++counts_[p][static_cast<std::size_t>(entry.kind)];
    log_.push_back(std::move(entry));
    while (log_.size() > options_.max_log_entries && !log_.empty()) log_.pop_front();
  }

  /// Log entries (oldest first).
  const std::deque<log_entry>& log() const noexcept { return log_; }

  /// Entries ever recorded for a provider (nullopt: downloads and unknown paths) and kind.
  std::uint64_t count(std::optional<provider_id> p, request_kind k) const {
    return counts_[p ? static_cast<std::size_t>(*p) : 4][static_cast<std::size_t>(k)];
  }

  /// Account index of an API key, or nullopt.
  std::optional<std::uint32_t> account_of(std::string_view key) const {
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == key) return static_cast<std::uint32_t>(i);
    return std::nullopt;
  }

  /// A duration of the simulated world, scaled.
  sim_clock::duration scaled(std::chrono::milliseconds d, double factor = 1.0) const {
    const double ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) *
                      options_.time_scale * factor;
    return std::chrono::duration_cast<sim_clock::duration>(std::chrono::nanoseconds(static_cast<std::int64_t>(ns)));
  }

  /// The current view of task `idx` at `now` (what a status request would show).
  sim_view current_view(std::uint32_t idx, sim_time now) const {
    const sim_task& t = engine_.task(idx);
    const sim_time at = is_terminal(t.state) ? t.finished : t.state == sim_state::running ? t.started : t.created;
    sim_view v = view(idx, t.state, at);
    if (t.state == sim_state::running) v.progress = sim_engine::running_progress(t, now);
    return v;
  }

  /// The status body of task `idx` as the provider shows it in state `state` at time `at`.
  boost::json::value status_body(std::uint32_t idx, sim_state state, sim_time at, bool empty_results = false) const {
    sim_view v = view(idx, state, at);
    v.empty_results = empty_results;
    return render_status(v);
  }

 private:
  struct file_entry {
    sim_time expires;
  };

  void add_account(const std::string& key) {
    std::array<double, 4> balance{};
    for (provider_id p : all_providers)
      balance[static_cast<std::size_t>(p)] = options_.settings(p).credits.value_or(options_.credits);
    engine_.add_account(balance);
    keys_.push_back(key);
  }

  static http::response error_response(provider_id p, const error_info& e) {
    switch (p) {
      case provider_id::kinovi:
        return sim_kinovi::error(e);
      case provider_id::aihubmax:
        return sim_aihubmax::error(e);
      case provider_id::seedance2ink:
        return sim_seedance2ink::error(e);
      case provider_id::ark:
        return sim_ark::error(e);
    }
    return sim_kinovi::error(e);
  }

  static http::response error_response(provider_id p, sim_error_kind kind, std::string task_id = {},
                                       std::string message = {}) {
    error_info e;
    e.kind = kind;
    e.task_id = std::move(task_id);
    e.message = std::move(message);
    return error_response(p, e);
  }

  sim_view view(std::uint32_t idx, sim_state state, sim_time at) const {
    const sim_task& t = engine_.task(idx);
    sim_view v;
    v.task = &t;
    v.state = state;
    v.progress = state == sim_state::queued      ? 0
                 : state == sim_state::succeeded ? 100
                 : state == sim_state::running   ? sim_engine::running_progress(t, at)
                                                 : engine_.progress(idx, at);
    if (state == sim_state::succeeded && !t.file_token.empty()) {
      v.video_url = origin_ + "/files/" + t.file_token + ".mp4";
      v.last_frame_url = origin_ + "/files/" + t.file_token + "_lastframe.png";
    }
    v.updated_unix_ms =
        t.created_unix_ms + std::chrono::duration_cast<std::chrono::milliseconds>(at - t.created).count();
    return v;
  }

  boost::json::value render_status(const sim_view& v) const {
    switch (v.task->provider) {
      case provider_id::kinovi:
        return sim_kinovi::status(v);
      case provider_id::aihubmax:
        return sim_aihubmax::task_object(v, estimated_seconds(*v.task), options_.aihubmax_results_as_strings);
      case provider_id::seedance2ink:
        return sim_seedance2ink::status(v);
      case provider_id::ark:
        return sim_ark::task_object(v);
    }
    return nullptr;
  }

  boost::json::value render_webhook(const sim_view& v) const {
    if (v.task->provider == provider_id::kinovi) return sim_kinovi::webhook(v, options_.kinovi_webhook);
    return render_status(v);
  }

  static std::int64_t estimated_seconds(const sim_task& t) {
    return whole_seconds_at_least_one(std::chrono::duration_cast<std::chrono::nanoseconds>(t.queue_for + t.run_for));
  }

  // ---- requests -------------------------------------------------------------------------------------------

  sim_reply provider_request(const http::request& request, const sim_route& r, sim_time now) {
    sim_reply reply;
    const provider_id p = *r.provider;
    if (!r.known) {
      reply.response = error_response(p, sim_error_kind::no_route);
      return reply;
    }
    const auto auth = request.headers.find("Authorization");
    if (!auth) {
      reply.response = error_response(p, sim_error_kind::missing_auth);
      return reply;
    }
    const auto account = bearer_account(*auth);
    if (!account) {
      reply.response = error_response(p, sim_error_kind::bad_auth);
      return reply;
    }
    switch (r.kind) {
      case request_kind::create:
        return create(request, p, *account, now);
      case request_kind::status:
        return status(p, r.task_id, *account, now);
      case request_kind::cancel:
        return cancel(p, r.task_id, *account, now);
      case request_kind::list:
        return list(request, *account, now);
      default:
        reply.response = error_response(p, sim_error_kind::no_route);
        return reply;
    }
  }

  std::optional<std::uint32_t> bearer_account(std::string_view value) const {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (value.size() < 7 || !http::iequals(value.substr(0, 6), "bearer") || value[6] != ' ') return std::nullopt;
    value.remove_prefix(7);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return account_of(value);
  }

  /// Parses a JSON object body; on failure returns the provider's 400.
  static std::optional<http::response> parse_body(const http::request& request, provider_id p,
                                                  boost::json::value& out) {
    const auto type = request.headers.find("Content-Type");
    if (!type || !http::iequals(type->substr(0, std::min<std::size_t>(type->size(), 16)), "application/json"))
      return error_response(p, sim_error_kind::bad_body, {}, "Content-Type must be application/json");
    boost::system::error_code ec;
    out = boost::json::parse(request.body, ec);
    if (ec) return error_response(p, sim_error_kind::bad_body, {}, "Request body is not valid JSON: " + ec.message());
    if (!out.is_object()) return error_response(p, sim_error_kind::bad_body, {}, "Request body must be a JSON object");
    return std::nullopt;
  }

  create_check validate(provider_id p, const boost::json::object& body) {
    switch (p) {
      case provider_id::kinovi:
        return sim_kinovi::validate(body);
      case provider_id::aihubmax:
        return sim_aihubmax::validate(body);
      case provider_id::seedance2ink:
        return sim_seedance2ink::validate(body);
      case provider_id::ark:
        return sim_ark::validate(body);
    }
    return {};
  }

  sim_reply create(const http::request& request, provider_id p, std::uint32_t account, sim_time now) {
    sim_reply reply;
    boost::json::value body;
    if (auto bad = parse_body(request, p, body)) {
      reply.response = std::move(*bad);
      return reply;
    }
    create_check check = validate(p, body.get_object());
    if (check.error) {
      reply.response = std::move(*check.error);
      return reply;
    }
    create_spec& spec = check.spec;
    const std::uint32_t limit = options_.settings(p).concurrency;
    const std::uint32_t in_flight = engine_.in_flight(account, p);
    if (p != provider_id::ark && limit != 0 && in_flight >= limit) {
      error_info e;
      e.kind = sim_error_kind::concurrency;
      e.limit = limit;
      e.current = in_flight;
      e.names_limit = options_.settings(p).concurrency_429_names_limit;
      if (p == provider_id::aihubmax)
        e.retry_after = std::chrono::seconds(whole_seconds_at_least_one(
            std::chrono::duration_cast<std::chrono::nanoseconds>(scaled(options_.run_time))));
      reply.response = error_response(p, e);
      return reply;
    }
    const double available = engine_.balance(account, p);
    if (spec.cost > available) {
      error_info e;
      e.kind = sim_error_kind::insufficient_credits;
      e.required = spec.cost;
      e.available = available;
      reply.response = error_response(p, e);
      return reply;
    }

    sim_task t;
    t.provider = p;
    t.account = account;
    t.id = new_id(p);
    t.model = std::move(spec.model);
    t.callback_url = std::move(spec.callback_url);
    if (p == provider_id::seedance2ink) t.prompt = spec.prompt;
    t.ratio = std::move(spec.ratio);
    t.resolution = spec.resolution;
    t.duration = static_cast<std::int16_t>(spec.duration);
    t.generate_audio = spec.generate_audio;
    t.seed = spec.seed >= 0 ? spec.seed : static_cast<std::int64_t>(rng_() % 4294967296ULL);
    t.legacy = spec.legacy;
    t.return_last_frame = spec.return_last_frame;
    t.flex = spec.flex;
    t.execution_expires_after = spec.execution_expires_after;
    t.credits = spec.cost;
    t.created_unix_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    apply_script(t, spec.prompt, p);
    if (!spec.fails_later_with.empty()) {
      t.result = outcome::server_failure;
      t.failure = sim_failure::invalid_parameter;
    }
    const std::uint32_t idx = engine_.add(std::move(t), now);
    const sim_task& stored = engine_.task(idx);
    if (p == provider_id::ark) ark_tasks_.push_back(idx);
    // Ark reports every status change, the initial "queued" included.
    if (p == provider_id::ark) plan_webhook(idx, sim_state::queued, now);

    reply.task_id = stored.id;
    switch (p) {
      case provider_id::kinovi:
        reply.response = json_response(200, sim_kinovi::created(stored));
        break;
      case provider_id::aihubmax:
        reply.response = json_response(200, render_status(view(idx, sim_state::queued, now)));
        break;
      case provider_id::seedance2ink:
        reply.response = json_response(200, sim_seedance2ink::created(stored));
        break;
      case provider_id::ark:
        reply.response = json_response(200, sim_ark::created(stored));
        break;
    }
    return reply;
  }

  void apply_script(sim_task& t, std::string_view prompt, provider_id p) {
    task_script script;
    auto& own = scripts_[static_cast<std::size_t>(p)];
    bool scripted = false;
    if (!own.empty()) {
      script = own.front();
      own.pop_front();
      scripted = true;
    } else if (!any_scripts_.empty()) {
      script = any_scripts_.front();
      any_scripts_.pop_front();
      scripted = true;
    }
    double factor = 1.0;
    if (prompt.find("[sim:slow]") != std::string_view::npos) factor = options_.slow_factor;
    if (!scripted) {
      if (prompt.find("[sim:fail]") != std::string_view::npos)
        script.result = outcome::moderation_failure;
      else if (prompt.find("[sim:fail-server]") != std::string_view::npos)
        script.result = outcome::server_failure;
      else if (prompt.find("[sim:expire]") != std::string_view::npos)
        script.result = outcome::expiry;
      else if (prompt.find("[sim:stall]") != std::string_view::npos)
        script.result = outcome::stall;
    }
    if (p == provider_id::aihubmax && prompt.find("[sim:empty-results]") != std::string_view::npos)
      t.empty_results_once = true;
    t.result = script.result;
    t.queue_for = scaled(script.queue_time.value_or(options_.queue_time), factor);
    t.run_for = scaled(script.run_time.value_or(options_.run_time), factor);
    switch (script.result) {
      case outcome::moderation_failure:
        t.failure = sim_failure::moderation;
        break;
      case outcome::server_failure:
        t.failure = sim_failure::server;
        break;
      case outcome::expiry:
        t.failure = sim_failure::timeout;
        break;
      default:
        t.failure = sim_failure::none;
        break;
    }
  }

  std::string new_id(provider_id p) {
    for (;;) {
      std::string id;
      const auto now = std::chrono::system_clock::now();
      const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
      switch (p) {
        case provider_id::kinovi:
          id = "task_" + random_alnum(rng_, 24);
          break;
        case provider_id::aihubmax:
          id = "task-unified-" + std::to_string(static_cast<long long>(seconds)) + "-" + random_alnum(rng_, 8);
          break;
        case provider_id::seedance2ink:
          id = "req_" + random_alnum(rng_, 24);
          break;
        case provider_id::ark: {
          std::tm utc{};
          gmtime_r(&seconds, &utc);
          char stamp[16];
          std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &utc);
          id = std::string("cgt-") + stamp + "-" + random_alnum(rng_, 5);
          break;
        }
      }
      if (!engine_.find(id)) return id;
    }
  }

  /// The task an id names for this account, or an error response.
  std::optional<std::uint32_t> lookup(provider_id p, const std::string& id, std::uint32_t account,
                                      http::response& error) const {
    if (id.empty()) {
      error = error_response(
          p, p == provider_id::kinovi ? sim_error_kind::missing_task_id : sim_error_kind::task_not_found);
      return std::nullopt;
    }
    const auto idx = engine_.find(id);
    if (!idx || engine_.task(*idx).provider != p || engine_.task(*idx).deleted) {
      error = error_response(p, sim_error_kind::task_not_found, id);
      return std::nullopt;
    }
    if (engine_.task(*idx).account != account) {
      error = error_response(p, sim_error_kind::task_forbidden, id);
      return std::nullopt;
    }
    return idx;
  }

  sim_reply status(provider_id p, const std::string& id, std::uint32_t account, sim_time now) {
    sim_reply reply;
    const auto idx = lookup(p, id, account, reply.response);
    if (!idx) return reply;
    sim_task& t = engine_.task(*idx);
    sim_view v = current_view(*idx, now);
    if (t.state == sim_state::succeeded && t.empty_results_once) {
      v.empty_results = true;
      t.empty_results_once = false;
    }
    reply.response = json_response(200, render_status(v));
    return reply;
  }

  sim_reply cancel(provider_id p, const std::string& id, std::uint32_t account, sim_time now) {
    sim_reply reply;
    const auto idx = lookup(p, id, account, reply.response);
    if (!idx) return reply;
    sim_task& t = engine_.task(*idx);
    const sim_state s = t.state;
    if (p == provider_id::seedance2ink) {
      if (is_terminal(s)) {
        reply.response = error_response(
            p, sim_error_kind::cannot_cancel, id,
            "Request " + id + " is " + std::string(sim_seedance2ink::status_word(s)) + " and cannot be cancelled");
        return reply;
      }
      cancel_now(*idx, now);
      reply.response = json_response(200, sim_seedance2ink::cancelled(t));
      return reply;
    }
    // Ark: queued -> cancelled; running or cancelled -> refused; finished -> the record is deleted.
    if (s == sim_state::running || s == sim_state::cancelled) {
      reply.response =
          error_response(p, sim_error_kind::cannot_cancel, id,
                         s == sim_state::running ? "The task " + id + " is running and cannot be cancelled or deleted."
                                                 : "The task " + id + " is already cancelled.");
      return reply;
    }
    if (s == sim_state::queued)
      cancel_now(*idx, now);
    else
      engine_.erase(*idx);
    reply.response = json_response(200, boost::json::object{});
    return reply;
  }

  void cancel_now(std::uint32_t idx, sim_time now) {
    transitions_.clear();
    engine_.cancel(idx, now, transitions_);
    for (const auto& t : transitions_) on_transition(t);
  }

  sim_reply list(const http::request& request, std::uint32_t account, sim_time now) {
    sim_reply reply;
    auto parsed = boost::urls::parse_origin_form(request.target);
    std::int64_t page_num = 1, page_size = 10;
    std::optional<std::string> status_filter, model_filter, tier_filter;
    std::vector<std::string> ids;
    auto invalid = [&](std::string param, std::string rule) {
      reply.response = sim_ark::error_body(
          400, "InvalidParameter",
          "The parameter `" + param + "` specified in the request is not valid: " + param + " " + rule, param,
          "BadRequest");
      return reply;
    };
    auto integer = [](std::string_view s) -> std::optional<std::int64_t> {
      if (s.empty() || s.size() > 9) return std::nullopt;
      std::int64_t n = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
      }
      return n;
    };
    for (auto param : parsed->params()) {
      const std::string key(param.key);
      const std::string value(param.value);
      if (key == "page_num") {
        auto n = integer(value);
        if (!n || *n < 1) return invalid(key, "must be a positive integer");
        page_num = *n;
      } else if (key == "page_size") {
        auto n = integer(value);
        if (!n || *n < 1 || *n > 500) return invalid(key, "must be an integer between 1 and 500");
        page_size = *n;
      } else if (key == "filter.status") {
        if (!listed("queued running succeeded failed cancelled expired", value))
          return invalid(key, "must be one of queued, running, succeeded, failed, cancelled, expired");
        status_filter = value;
      } else if (key == "filter.task_ids") {
        ids.push_back(value);
      } else if (key == "filter.model") {
        model_filter = value;
      } else if (key == "filter.service_tier") {
        if (!listed("default flex", value)) return invalid(key, "must be one of default, flex");
        tier_filter = value;
      }
    }
    boost::json::array items;
    std::int64_t total = 0;
    const std::int64_t skip = (page_num - 1) * page_size;
    for (auto it = ark_tasks_.rbegin(); it != ark_tasks_.rend(); ++it) {  // newest first
      const sim_task& t = engine_.task(*it);
      if (t.deleted || t.account != account) continue;
      if (status_filter && to_string(t.state) != *status_filter) continue;
      if (model_filter && t.model != *model_filter) continue;
      if (tier_filter && (t.flex ? "flex" : "default") != *tier_filter) continue;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), t.id) == ids.end()) continue;
      if (total >= skip && total < skip + page_size) items.push_back(render_status(current_view(*it, now)));
      ++total;
    }
    reply.response = json_response(200, boost::json::object{{"total", total}, {"items", std::move(items)}});
    return reply;
  }

  sim_reply download(const http::request& request, const sim_route& r, sim_time now) {
    sim_reply reply;
    reply.kind = request_kind::download;
    if (!r.known) {
      reply.response = storage_error(404, "NoSuchKey", "The specified key does not exist.");
      return reply;
    }
    auto parsed = boost::urls::parse_origin_form(request.target);
    std::string name(parsed->path());
    name.erase(0, name.rfind('/') + 1);
    std::string token = name.substr(0, name.size() - (r.last_frame ? 14 : 4));
    auto it = files_.find(token);
    if (it == files_.end()) {
      reply.response = storage_error(404, "NoSuchKey", "The specified key does not exist.");
      return reply;
    }
    if (now >= it->second.expires) {
      reply.response = storage_error(403, "AccessDenied", "Request has expired");
      reply.note = "expired";
      return reply;
    }
    if (r.last_frame)
      return file_reply(request, std::span<const unsigned char>(last_frame_png, sizeof last_frame_png), "image/png",
                        "\"" + token + "-png\"");
    return file_reply(request, sample_mp4(), "video/mp4", "\"" + token + "\"");
  }

  // ---- lifecycle side effects ------------------------------------------------------------------------------

  void on_transition(const sim_transition& tr) {
    sim_task& t = engine_.task(tr.task);
    if (tr.to == sim_state::succeeded) {
      std::string token;
      do token = random_hex(rng_, 32);
      while (files_.count(token) != 0);
      files_.emplace(token, file_entry{tr.at + scaled(options_.output_ttl)});
      t.file_token = std::move(token);
    }
    const bool terminal = is_terminal(tr.to);
    bool notify = false;
    switch (t.provider) {
      case provider_id::kinovi:
        notify = tr.to == sim_state::succeeded || tr.to == sim_state::failed;
        break;
      case provider_id::aihubmax:
      case provider_id::seedance2ink:
        notify = terminal;
        break;
      case provider_id::ark:
        notify = true;
        break;
    }
    if (notify) plan_webhook(tr.task, tr.to, tr.at);
  }

  void plan_webhook(std::uint32_t idx, sim_state state, sim_time at) {
    const sim_task& t = engine_.task(idx);
    if (t.callback_url.empty()) return;
    const auto parts = parse_url(t.callback_url);
    if (!parts || !is_loopback_host(parts->host)) {
      log_entry refused;
      refused.time = at;
      refused.method = "POST";
      refused.path = t.callback_url;
      refused.provider = t.provider;
      refused.kind = request_kind::webhook;
      refused.task_id = t.id;
      refused.note = "refused: callback host is not a loopback address (never contacted)";
      record(std::move(refused));
      return;
    }
    std::vector<webhook_job> group;
    webhook_job job;
    job.provider = t.provider;
    job.task_id = t.id;
    job.url = t.callback_url;
    job.body = boost::json::serialize(render_webhook(view(idx, state, at)));
    const std::array<int, 3> seconds =
        t.provider == provider_id::aihubmax ? std::array<int, 3>{1, 2, 4} : std::array<int, 3>{1, 5, 15};
    for (int s : seconds) job.retry_delays.push_back(scaled(std::chrono::seconds(s)));
    const auto f = pick_fault(t.callback_url, fault_stage::webhook);
    if (f && f->kind == fault_kind::webhook_duplicate) {
      job.fault = f->kind;
      group.push_back(job);
      job.note = "duplicate";
      group.push_back(job);
    } else if (f && f->kind == fault_kind::webhook_out_of_order && is_terminal(state)) {
      job.fault = f->kind;
      group.push_back(job);
      webhook_job stale = job;
      sim_view old = view(idx, sim_state::running, at);
      old.progress = 50;
      stale.body = boost::json::serialize(render_webhook(old));
      stale.note = "stale running after terminal";
      group.push_back(std::move(stale));
    } else {
      group.push_back(std::move(job));
    }
    webhooks_.push_back(std::move(group));
  }

  simulator_options options_;
  std::string origin_;
  sim_engine engine_;
  std::mt19937_64 rng_;
  fault_plan faults_;
  std::vector<std::string> keys_;
  std::array<std::deque<task_script>, 4> scripts_{};
  std::deque<task_script> any_scripts_;
  std::unordered_map<std::string, file_entry> files_;
  std::vector<std::uint32_t> ark_tasks_;
  std::vector<sim_transition> transitions_;
  std::vector<std::vector<webhook_job>> webhooks_;
  std::deque<log_entry> log_;
  std::array<std::array<std::uint64_t, 7>, 5> counts_{};
};

}  // namespace seedance::testing::detail

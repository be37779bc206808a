// seedance/jobs/job.hpp - a durable job: a request, the caller's idempotency key, and where it stands.
//
//   intent -> creating -> created(task id) -> succeeded(video url) -> downloaded(path)
//                 |             |--> failed / cancelled
//                 |--> intent   (the create provably made no task: refused with a 4xx, a 429, no connection)
//                 |--> failed   (for stores written by other tools; job_runner goes back to intent instead)
//                 '--> outcome_unknown (the create may have made a task) --resolve--> created(task id) | intent
//
// `outcome_unknown` is never left without an explicit resolve: whoever resubmits after it may pay twice. A job
// found in `creating` by anyone but the worker that moved it there (its lease ran out, or its process died) is
// outcome_unknown as well, since that worker may have sent the create request.
//
// This header is pure: the transition rules (`next_state_allowed`, `apply`), the record, the request's JSON
// form and the `job_store` concept. The stores live in jobs/sqlite.hpp and jobs/postgres.hpp, the runner that
// drives jobs through a client in jobs/runner.hpp.
#pragma once

#include <seedance/error.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

#include <asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance::jobs {

/// Where a job stands. The numeric values are stored in databases: never renumber.
enum class job_state : std::uint8_t {
  intent = 0,           ///< recorded; nothing sent
  creating = 1,         ///< the create request may be on its way (committed before it is sent)
  created = 2,          ///< the provider answered with a task id (committed before the wait starts)
  succeeded = 3,        ///< the task succeeded; its video URL is recorded
  failed = 4,           ///< the create was refused, or the task failed or expired
  cancelled = 5,        ///< the task was cancelled
  downloaded = 6,       ///< the video is complete on disk at the recorded path
  outcome_unknown = 7,  ///< the create may or may not have made a task: needs an explicit resolve
};

/// All states, in declaration order.
inline constexpr job_state all_job_states[] = {job_state::intent,     job_state::creating,       job_state::created,
                                               job_state::succeeded,  job_state::failed,         job_state::cancelled,
                                               job_state::downloaded, job_state::outcome_unknown};

/// The state's name ("intent", "creating", ...). Never throws.
constexpr std::string_view to_string(job_state s) noexcept {
  switch (s) {
    case job_state::intent:
      return "intent";
    case job_state::creating:
      return "creating";
    case job_state::created:
      return "created";
    case job_state::succeeded:
      return "succeeded";
    case job_state::failed:
      return "failed";
    case job_state::cancelled:
      return "cancelled";
    case job_state::downloaded:
      return "downloaded";
    case job_state::outcome_unknown:
      return "outcome_unknown";
  }
  return "?";
}

/// Parses a state name. nullopt for anything else. Never throws.
constexpr std::optional<job_state> parse_job_state(std::string_view text) noexcept {
  for (job_state s : all_job_states)
    if (to_string(s) == text) return s;
  return std::nullopt;
}

/// The state of a stored number, nullopt when out of range. Never throws.
constexpr std::optional<job_state> job_state_from_int(std::int64_t v) noexcept {
  if (v < 0 || v > static_cast<std::int64_t>(job_state::outcome_unknown)) return std::nullopt;
  return static_cast<job_state>(v);
}

/// True for states no worker moves on from: downloaded, failed, cancelled. outcome_unknown is not final (a
/// resolve moves it) but no worker touches it either: see `needs_work`.
constexpr bool is_final(job_state s) noexcept {
  return s == job_state::downloaded || s == job_state::failed || s == job_state::cancelled;
}

/// True for states a worker drives on: intent, creating, created, succeeded.
constexpr bool needs_work(job_state s) noexcept {
  return s == job_state::intent || s == job_state::creating || s == job_state::created || s == job_state::succeeded;
}

/// True for the states a move into frees the job's lease: nobody works on the job any more.
constexpr bool ends_work(job_state s) noexcept { return is_final(s) || s == job_state::outcome_unknown; }

/// Whether `from -> to` is a legal move. The only moves are the ones drawn at the top of this header; a
/// resolve is the only way out of outcome_unknown. Never throws.
constexpr bool next_state_allowed(job_state from, job_state to) noexcept {
  using enum job_state;
  switch (from) {
    case intent:
      return to == creating;
    case creating:
      return to == created || to == failed || to == intent || to == outcome_unknown;
    case created:
      return to == succeeded || to == failed || to == cancelled;
    case succeeded:
      return to == downloaded;
    case outcome_unknown:
      return to == created || to == intent;  // resolve only
    case failed:
    case cancelled:
    case downloaded:
      return false;
  }
  return false;
}

/// A job as stored. Plain value.
struct job {
  std::string key{};  ///< the caller's idempotency key (unique per store)
  job_state state = job_state::intent;
  std::string request_json{};         ///< the request (see request_to_json); fixed at insert
  std::string path{};                 ///< where the video goes; fixed at insert
  std::string task_id{};              ///< set from `created` on
  std::string video_url{};            ///< set at `succeeded` (may expire: the runner falls back to the task id)
  std::uint64_t bytes = 0;            ///< size of the downloaded file (at `downloaded`)
  std::string error_code{};           ///< seedance::errc name of the last failure ("task_failed", "outcome_unknown")
  std::string error_message{};        ///< its text
  std::int64_t version = 0;           ///< bumped by every transition: the compare-and-set token
  std::string lease_owner{};          ///< worker holding the job ("" when free)
  std::int64_t lease_expires_ms = 0;  ///< unix milliseconds (store clock) when the lease ends
  std::int64_t updated_ms = 0;        ///< unix milliseconds of the last transition
};

/// What a transition changes besides the state. Fields left empty keep their stored value.
struct transition_data {
  std::string task_id{};
  std::string video_url{};
  std::uint64_t bytes = 0;
  std::string error_code{};
  std::string error_message{};
};

/// Name of a seedance error code as stored in `job::error_code` ("outcome_unknown", "task_failed", ...); the
/// numeric value for codes of other categories.
inline std::string error_code_name(std::error_code ec) {
  if (ec.category() != error_category()) return ec.category().name() + std::string(":") + std::to_string(ec.value());
  switch (static_cast<errc>(ec.value())) {
    case errc::invalid_request:
      return "invalid_request";
    case errc::unsupported:
      return "unsupported";
    case errc::unauthorized:
      return "unauthorized";
    case errc::forbidden:
      return "forbidden";
    case errc::insufficient_credits:
      return "insufficient_credits";
    case errc::not_found:
      return "not_found";
    case errc::rate_limited:
      return "rate_limited";
    case errc::rejected:
      return "rejected";
    case errc::task_failed:
      return "task_failed";
    case errc::task_cancelled:
      return "task_cancelled";
    case errc::task_expired:
      return "task_expired";
    case errc::outcome_unknown:
      return "outcome_unknown";
    case errc::bad_response:
      return "bad_response";
    default:
      return "seedance:" + std::to_string(ec.value());
  }
}

/// The seedance code of a stored name; errc::task_failed for names it does not know.
inline errc error_code_from_name(std::string_view name) {
  for (errc e : {errc::invalid_request, errc::unsupported, errc::unauthorized, errc::forbidden,
                 errc::insufficient_credits, errc::not_found, errc::rate_limited, errc::rejected, errc::task_failed,
                 errc::task_cancelled, errc::task_expired, errc::outcome_unknown, errc::bad_response})
    if (error_code_name(make_error_code(e)) == name) return e;
  return errc::task_failed;
}

/// `j` moved to `to` with `data` applied and its version bumped. Throws error(invalid_request) naming both
/// states when the move is not allowed, or when a move that needs a value lacks it (created needs a task id,
/// downloaded needs the path already stored). Pure: the store commits the result with compare-and-set.
inline job apply(const job& j, job_state to, const transition_data& data = {}) {
  if (!next_state_allowed(j.state, to))
    throw error(errc::invalid_request, "job " + j.key + ": state: no move from " + std::string(to_string(j.state)) +
                                           " to " + std::string(to_string(to)));
  job next = j;
  next.state = to;
  if (!data.task_id.empty()) next.task_id = data.task_id;
  if (!data.video_url.empty()) next.video_url = data.video_url;
  if (data.bytes) next.bytes = data.bytes;
  if (to == job_state::intent) next.task_id.clear();  // a resolve "none" or a refused create: nothing exists
  if (to == job_state::created && next.task_id.empty())
    throw error(errc::invalid_request, "job " + j.key + ": task_id: a created job needs the provider's task id");
  if (to == job_state::downloaded && next.path.empty())
    throw error(errc::invalid_request, "job " + j.key + ": path: a downloaded job needs its file path");
  next.error_code = data.error_code;
  next.error_message = data.error_message;
  ++next.version;
  return next;
}

/// Checks an idempotency key: 1 to 200 bytes, printable ASCII without spaces. Throws error(invalid_request)
/// naming the field "key" and the rule. Called before anything is stored or sent.
inline void check_key(std::string_view key) {
  if (key.empty() || key.size() > 200)
    throw error(errc::invalid_request, "key: must be 1 to 200 bytes long (got " + std::to_string(key.size()) + ")");
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      throw error(errc::invalid_request, "key: only printable ASCII without spaces is allowed (got \"" +
                                             seedance::detail::shorten(key) + "\")");
  }
}

// ---- the request as JSON (stored with the job, so that resume() can run it after a restart) --------------------

/// The request as compact JSON with every field. `request_from_json(request_to_json(r))` equals `r`.
inline std::string request_to_json(const request& r) {
  boost::json::object o;
  o["model"] = to_string(r.model);
  if (!r.model_id.empty()) o["model_id"] = r.model_id;
  o["prompt"] = r.prompt;
  const auto list = [](const media_list& v) {
    boost::json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
  };
  if (!r.images.empty()) o["images"] = list(r.images);
  if (!r.videos.empty()) o["videos"] = list(r.videos);
  if (!r.audios.empty()) o["audios"] = list(r.audios);
  if (r.mode) o["mode"] = to_string(*r.mode);
  if (r.ratio) o["ratio"] = to_string(*r.ratio);
  if (r.resolution) o["resolution"] = to_string(*r.resolution);
  if (r.duration) o["duration"] = r.duration->count();
  if (r.seed) o["seed"] = *r.seed;
  if (r.generate_audio) o["generate_audio"] = *r.generate_audio;
  if (r.upscale_4k) o["upscale_4k"] = true;
  if (!r.callback_url.empty()) o["callback_url"] = r.callback_url;
  if (r.watermark) o["watermark"] = *r.watermark;
  if (r.return_last_frame) o["return_last_frame"] = true;
  if (r.expires_after) o["expires_after"] = r.expires_after->count();
  if (r.camera_fixed) o["camera_fixed"] = *r.camera_fixed;
  if (r.high_bitrate) o["high_bitrate"] = true;
  if (!r.metadata.empty()) o["metadata"] = r.metadata;
  if (!r.extra.empty()) o["extra"] = r.extra;
  return boost::json::serialize(o);
}

/// Parses what request_to_json wrote. Throws error(invalid_request) naming the field that is wrong.
inline request request_from_json(std::string_view text) {
  std::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) throw error(errc::invalid_request, "request_json: not a JSON object");
  const auto& o = v.get_object();
  const auto fail = [](std::string_view field, std::string_view rule) -> error {
    return error(errc::invalid_request, "request_json." + std::string(field) + ": " + std::string(rule));
  };
  const auto text_of = [&](std::string_view field) -> std::optional<std::string> {
    const auto* f = o.if_contains(field);
    if (!f) return std::nullopt;
    if (!f->is_string()) throw fail(field, "must be a string");
    return std::string(f->get_string());
  };
  const auto bool_of = [&](std::string_view field) -> std::optional<bool> {
    const auto* f = o.if_contains(field);
    if (!f) return std::nullopt;
    if (!f->is_bool()) throw fail(field, "must be true or false");
    return f->get_bool();
  };
  const auto int_of = [&](std::string_view field) -> std::optional<std::int64_t> {
    const auto* f = o.if_contains(field);
    if (!f) return std::nullopt;
    if (!f->is_int64()) throw fail(field, "must be an integer");
    return f->get_int64();
  };
  const auto list_of = [&](std::string_view field) {
    media_list out;
    const auto* f = o.if_contains(field);
    if (!f) return out;
    if (!f->is_array()) throw fail(field, "must be an array of strings");
    for (const auto& item : f->get_array()) {
      if (!item.is_string()) throw fail(field, "must be an array of strings");
      out.emplace_back(item.get_string());
    }
    return out;
  };
  const auto object_of = [&](std::string_view field) {
    const auto* f = o.if_contains(field);
    if (!f) return boost::json::object{};
    if (!f->is_object()) throw fail(field, "must be an object");
    return f->get_object();
  };
  request r;
  if (auto m = text_of("model")) {
    auto parsed = parse_model(*m);
    if (!parsed) throw fail("model", "unknown model \"" + seedance::detail::shorten(*m) + "\"");
    r.model = *parsed;
  }
  r.model_id = text_of("model_id").value_or("");
  r.prompt = text_of("prompt").value_or("");
  r.images = list_of("images");
  r.videos = list_of("videos");
  r.audios = list_of("audios");
  if (auto m = text_of("mode")) {
    r.mode = parse_generation_mode(*m);
    if (!r.mode) throw fail("mode", "unknown mode");
  }
  if (auto m = text_of("ratio")) {
    r.ratio = parse_aspect_ratio(*m);
    if (!r.ratio) throw fail("ratio", "unknown ratio");
  }
  if (auto m = text_of("resolution")) {
    r.resolution = parse_resolution(*m);
    if (!r.resolution) throw fail("resolution", "unknown resolution");
  }
  if (auto d = int_of("duration")) r.duration = duration{*d};
  r.seed = int_of("seed");
  r.generate_audio = bool_of("generate_audio");
  r.upscale_4k = bool_of("upscale_4k").value_or(false);
  r.callback_url = text_of("callback_url").value_or("");
  r.watermark = bool_of("watermark");
  r.return_last_frame = bool_of("return_last_frame").value_or(false);
  if (auto s = int_of("expires_after")) r.expires_after = std::chrono::seconds{*s};
  r.camera_fixed = bool_of("camera_fixed");
  r.high_bitrate = bool_of("high_bitrate").value_or(false);
  r.metadata = object_of("metadata");
  r.extra = object_of("extra");
  return r;
}

// ---- the store interface ---------------------------------------------------------------------------------------

/// What every job store offers. All operations are awaitables on the store's executor; each commits before it
/// completes (a completed operation survives a crash of the process right after it).
///
/// - `get(key)`: the job, or nullopt.
/// - `insert_if_absent(job)`: stores `j` (state intent, version 1) unless the key exists; returns the stored job
///   either way (the existing one when the key was taken).
/// - `compare_and_set(expected, next)`: writes `next` iff the stored version still equals `expected.version`;
///   returns false when someone else moved the job first (nothing written). A move into a state that
///   `ends_work` also frees the lease. The caller builds `next` with
///   `apply()`, so only legal moves are ever written.
/// - `claim(key, worker, lease)`: takes the job's lease for `worker` when it is free, expired or already
///   `worker`'s; returns the job, or nullopt when another worker holds a live lease.
/// - `claim_next(worker, lease)`: claims any job that needs work with a free or expired lease (oldest first).
/// - `renew(key, worker, lease)`: extends `worker`'s lease; false when the lease was lost.
/// - `release(key, worker)`: gives the lease back (no-op when not held).
/// - `list_unfinished()`: every job whose state needs work or is outcome_unknown, oldest first.
/// - `resolve(key, task_id)`: for an outcome_unknown (or stale creating) job, records what the user found at
///   the provider: a task id (-> created) or none (nullopt -> intent). Throws error(invalid_request) for any
///   other state, error(not_found) for an unknown key.
/// - `wait_for_change(key, max_wait)`: returns when the job may have changed (a notification where the store
///   has them) or after max_wait.
template <class S>
concept job_store = requires(S& s, const std::string& key, const job& j, std::chrono::milliseconds lease,
                             std::optional<std::string> task_id) {
  { s.get(key) } -> std::same_as<asio::awaitable<std::optional<job>>>;
  { s.insert_if_absent(j) } -> std::same_as<asio::awaitable<job>>;
  { s.compare_and_set(j, j) } -> std::same_as<asio::awaitable<bool>>;
  { s.claim(key, key, lease) } -> std::same_as<asio::awaitable<std::optional<job>>>;
  { s.claim_next(key, lease) } -> std::same_as<asio::awaitable<std::optional<job>>>;
  { s.renew(key, key, lease) } -> std::same_as<asio::awaitable<bool>>;
  { s.release(key, key) } -> std::same_as<asio::awaitable<void>>;
  { s.list_unfinished() } -> std::same_as<asio::awaitable<std::vector<job>>>;
  { s.resolve(key, task_id) } -> std::same_as<asio::awaitable<job>>;
  { s.wait_for_change(key, lease) } -> std::same_as<asio::awaitable<void>>;
};

/// The resolve rule shared by the stores: `j` moved out of outcome_unknown (or a `creating` left behind by a dead
/// worker; the caller checks its lease) to created(task id) or back to intent. Throws error(invalid_request)
/// for other states or a bad task id.
inline job resolved(const job& j, const std::optional<std::string>& task_id) {
  job from = j;
  if (from.state == job_state::creating) from.state = job_state::outcome_unknown;  // the same facts
  if (from.state != job_state::outcome_unknown)
    throw error(errc::invalid_request, "job " + j.key +
                                           ": resolve: only an outcome_unknown job can be resolved (it is " +
                                           std::string(to_string(j.state)) + ")");
  if (task_id && (task_id->empty() || task_id->size() > 200))
    throw error(errc::invalid_request, "task_id: must be 1 to 200 bytes long");
  transition_data d;
  if (task_id) d.task_id = *task_id;
  return apply(from, task_id ? job_state::created : job_state::intent, d);
}

}  // namespace seedance::jobs

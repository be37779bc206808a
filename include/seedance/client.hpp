// seedance/client.hpp - client<Provider>: submit, status, wait, generate, cancel, download, list.
//
// Every operation is a coroutine (`asio::awaitable<T>`) on the client's executor and also has a
// completion-token form `async_x(..., token)` with signature `void(std::error_code, T)`.
//
// Money rules: a create request is validated before anything is sent, and repeated only where the provider
// provably did not accept it (connect/TLS failure before any byte was written, or a 429 answer). A failure
// after the request was written that may have created a task (may_have_created_task() in create_outcome.hpp)
// surfaces as errc::outcome_unknown with every known detail, never as a silent second task; a 5xx answer is
// reported as server_error and not repeated either. A 429 answer to a create is held, not failed: the task was
// not made, so the create waits for one of this client's tasks to end (or a backoff of at most
// retry_policy::max_hold_delay) and tries again, and the client lowers its concurrency to the tasks it had in
// flight. Status, cancel, list and download are idempotent and retried with backoff, jitter and Retry-After
// (see retry.hpp).
//
// Thread safety: a client is not thread-safe. Start all of its operations from its executor; when the
// io_context runs on several threads, construct the client with a strand. Distinct clients are
// independent. Options are copied at construction.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <seedance/create_outcome.hpp>
#include <seedance/download.hpp>
#include <seedance/error.hpp>
#include <seedance/http/transport.hpp>
#include <seedance/limiter.hpp>
#include <seedance/polling.hpp>
#include <seedance/pricing.hpp>
#include <seedance/request.hpp>
#include <seedance/retry.hpp>
#include <seedance/task.hpp>
#include <seedance/webhook.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/dispatch.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <variant>

namespace seedance {

/// Severity of a log line handed to `client_options::log`.
enum class log_level : std::uint8_t { debug, info, warning, error };

/// Receives one line per notable event (requests, retries, state changes). Lines never contain the API
/// key. Called on the client's executor.
using log_hook = std::function<void(log_level, std::string_view)>;

/// Options of `wait()` and `generate()`.
struct wait_options {
  /// Overall bound on the wait, including every status request and retry. Waiting is always bounded.
  std::chrono::milliseconds deadline{std::chrono::minutes(30)};
  /// Called on every change of state or progress (on the client's executor).
  std::function<void(const task&)> on_progress{};
  /// On deadline, also ask the provider to cancel the task (best effort; where the provider can).
  bool cancel_remote_on_deadline = false;
  /// Overrides the client's polling policy for this wait.
  std::optional<polling_policy> polling{};
  /// When set, the wait makes no status polls until a callback for the task arrives on this listener,
  /// except a slow fallback poll every `fallback_poll`. Callbacks are hints: the task is re-fetched by id
  /// before any result is reported.
  webhook_listener* listener = nullptr;
  std::chrono::milliseconds fallback_poll{std::chrono::seconds(60)};
};

/// Construction options of `client<Provider>`. Plain aggregate; copied by the client.
template <class Provider>
struct client_options {
  /// API key. Empty: read SEEDANCE_API_KEY, then the provider's own variable (e.g. KINOVI_API_KEY).
  std::string api_key{};
  /// Base URL including the API path (e.g. "https://kinovi.ai/api/v1"). Empty: the provider's default.
  std::string base_url{};
  /// TLS trust, proxy, timeouts, connection pool.
  http::transport_options transport{};
  retry_policy retry{};
  polling_policy polling{};
  /// At most this many tasks in flight for this client (0: unlimited). Lowered automatically when a create
  /// is refused with 429 for too many tasks in progress: to the limit the body names, or else to the tasks
  /// this client had in flight then (raised again, never above this value, when a later create shows the
  /// provider takes more).
  std::size_t max_in_flight = 0;
  /// How long submit() holds a create refused with 429 (retrying whenever one of this client's tasks ends, or
  /// after a backoff) before it fails with rate_limited. generate() holds at most its wait deadline.
  /// Cancelling the operation ends the hold at once.
  std::chrono::milliseconds max_create_hold{std::chrono::minutes(30)};
  /// Provider wire options (Kinovi schema, Ark region, ...).
  typename Provider::codec_options codec{};
  /// Logging hook; never sees the key.
  log_hook log{};
  /// Seed for retry/poll jitter; 0 draws one from std::random_device.
  std::uint64_t jitter_seed = 0;
};

// GCC before 13 destroys aggregate temporaries of a co_await expression twice; see client::submit().
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#define SEEDANCE_DETAIL_GCC_AGGREGATE_CO_AWAIT_BUG 1
#else
#define SEEDANCE_DETAIL_GCC_AGGREGATE_CO_AWAIT_BUG 0
#endif

namespace detail {

template <class>
inline constexpr bool dependent_false = false;

template <class Provider>
concept static_provider = requires {
  Provider::id;
};

template <class Provider>
concept listable_provider = requires(const http::response& r) {
  Provider::decode_list(r);
};

/// The provider id of a codec type known at compile time (kinovi for run-time providers: unused there, since
/// the checked overloads require a static provider).
template <class Provider>
constexpr provider_id static_id_of() noexcept {
  if constexpr (static_provider<Provider>)
    return Provider::id;
  else
    return provider_id::kinovi;
}

/// The provider options a client's codec options imply: any_provider's are provider_options already; Kinovi's
/// carry the schema; Ark's the region.
template <class CodecOptions>
provider_options provider_options_for(const CodecOptions& o) {
  if constexpr (std::is_same_v<CodecOptions, provider_options>) {
    return o;
  } else {
    provider_options p;
    if constexpr (std::is_same_v<CodecOptions, kinovi_options>) p.kinovi_schema = o.schema;
    if constexpr (requires { o.region; }) p.ark_region = o.region;
    return p;
  }
}

inline std::string env_or_empty(std::string_view name) {
  const std::string key(name);
  const char* v = std::getenv(key.c_str());
  return v ? std::string(v) : std::string();
}

/// Moved beside redact() in error.hpp; still reachable here for callers that used it from this namespace.
using seedance::scrub_secret;

/// Converts whatever ended a coroutine into an error_code for token-form handlers.
inline std::error_code code_of(const std::exception_ptr& ep) noexcept {
  if (!ep) return {};
  try {
    std::rethrow_exception(ep);
  } catch (const std::system_error& e) {
    return e.code();
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  } catch (...) {
    return make_error_code(errc::bad_response);
  }
}

}  // namespace detail

/// A Seedance client for one provider. `Provider` is seedance::kinovi, aihubmax, seedance2ink or ark (compile-
/// time checked requests), or any_provider (run-time choice).
template <class Provider>
class client {
 public:
  using executor_type = asio::any_io_executor;
  using options_type = client_options<Provider>;

  /// Creates a client on `executor`. No I/O happens here. Throws error(unauthorized) when no API key is
  /// given or found in the environment, error(invalid_request) when the base URL is not an https URL.
  explicit client(executor_type executor, options_type options = {}) requires detail::static_provider<Provider>
      : client(std::move(executor), Provider{}, std::move(options)) {}

  /// Creates a client for a provider chosen at run time (any_provider).
  client(executor_type executor, Provider provider, options_type options = {})
      : executor_(std::move(executor)),
        provider_(std::move(provider)),
        options_(std::move(options)),
        transport_(executor_, options_.transport),
        limiter_(executor_, options_.max_in_flight),
        jitter_(options_.jitter_seed ? options_.jitter_seed : std::random_device{}() * 0x9e3779b97f4a7c15ULL + 1) {
    api_key_ = options_.api_key;
    options_.api_key.clear();  // keep one copy only
    if (api_key_.empty()) api_key_ = detail::env_or_empty("SEEDANCE_API_KEY");
    if (api_key_.empty()) api_key_ = detail::env_or_empty(provider_api_key_env());
    if (api_key_.empty())
      throw error(errc::unauthorized, "no API key: pass client_options::api_key or set SEEDANCE_API_KEY or " +
                                          std::string(provider_api_key_env()));
    base_url_ = options_.base_url.empty() ? std::string(provider_default_base_url()) : options_.base_url;
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    if (base_url_.rfind("https://", 0) != 0)
      throw error(errc::invalid_request,
                  scrub_secret("base_url: must be an https:// URL (got \"" + base_url_ + "\")", api_key_));
  }

  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// The executor every operation runs on.
  executor_type get_executor() const noexcept { return executor_; }
  /// The base URL requests go to.
  const std::string& base_url() const noexcept { return base_url_; }
  /// Connection statistics of the underlying transport.
  http::transport_stats transport_stats() const { return transport_.stats(); }
  /// The concurrency limiter (limit, in use, waiting).
  const concurrency_limiter& limiter() const noexcept { return limiter_; }

  // ---- submit -------------------------------------------------------------------------------------------

  /// Validates `r` (nothing is sent if invalid), waits for a free in-flight slot, and creates the task.
  /// Returns the created task; its `cost` is the provider's figure or, failing that, the library's
  /// estimate (`cost.estimated`). A 429 answer holds the create (see client_options::max_create_hold).
  /// Errors: invalid_request (every problem in details().problems), unauthorized, insufficient_credits,
  /// rate_limited (still refused when the hold ended), outcome_unknown (the request may have created a task:
  /// check the provider before submitting again), server_error, transport errors before sending.
  /// Cancellation: before the request is written nothing is created; after, the outcome is unknown.
  asio::awaitable<task> submit(
      const request_for<detail::static_id_of<Provider>()>& r) requires detail::static_provider<Provider> {
    return submit_request(r.to_request());  // copied into the operation's frame now: no dangling reference
  }
#if SEEDANCE_DETAIL_GCC_AGGREGATE_CO_AWAIT_BUG
  /// GCC 12 destroys an aggregate built inside a co_await expression twice (a double free for a request
  /// holding strings), so on GCC 12 a braced request passed straight to submit() stops the build instead.
  template <class Guard = void>
  asio::awaitable<task> submit(
      request_for<detail::static_id_of<Provider>()>&&) requires detail::static_provider<Provider> {
    static_assert(detail::dependent_false<Guard>,
                  "GCC 12 destroys a braced request built inside co_await twice: name it first, e.g. "
                  "`seedance::request_for<P> req{...}; co_await client.submit(req);`");
    return {};
  }
#endif

  /// Run-time request form of submit (CLI flags, config): same checks, at run time.
  template <std::same_as<request> R>
  asio::awaitable<task> submit(const R& r) {
    return submit_request(r);  // copied into the operation's frame now: `r` may go before the operation starts
  }

  // ---- status / wait / generate ------------------------------------------------------------------------

  /// Fetches the task's current snapshot. Retries transport failures, 429 and 5xx. Errors: not_found,
  /// unauthorized, transport errors after retries. Observing a terminal state frees the task's in-flight slot.
  asio::awaitable<task> status(std::string task_id) {
    auto deadline = std::chrono::steady_clock::now() + options_.transport.timeouts.request * 4;
    co_return co_await fetch_status(std::move(task_id), deadline);
  }

  /// Waits until the task ends: returns the succeeded task; throws error(task_failed / task_cancelled /
  /// task_expired) with the provider's code and message, error(deadline_exceeded) when `o.deadline` passes
  /// (after a best-effort remote cancel when asked). Works the same for ids created elsewhere (after a
  /// restart). Unknown provider states keep the wait going. Cancellation: stops polling promptly
  /// (operation_aborted); the remote task is left running.
  asio::awaitable<task> wait(std::string task_id, wait_options o = {}) {
    // Not a coroutine itself: the wait's only frame is wait_impl's (a forwarding frame would cost each parked
    // wait about 1 KiB).
    return wait_impl(std::move(task_id), std::move(o), nullptr);
  }

  /// submit + wait: returns the first output video (with its task id). Errors as submit and wait; `o.deadline`
  /// bounds the whole operation, a create held after a 429 included.
  asio::awaitable<video> generate(const request_for<detail::static_id_of<Provider>()>& r,
                                  wait_options o = {}) requires detail::static_provider<Provider> {
    return generate_request(r.to_request(), std::move(o));  // copied into the operation's frame now
  }
#if SEEDANCE_DETAIL_GCC_AGGREGATE_CO_AWAIT_BUG
  /// See submit(): on GCC 12 a braced request passed straight to generate() stops the build.
  template <class Guard = void>
  asio::awaitable<video> generate(request_for<detail::static_id_of<Provider>()>&&,
                                  wait_options = {}) requires detail::static_provider<Provider> {
    static_assert(detail::dependent_false<Guard>,
                  "GCC 12 destroys a braced request built inside co_await twice: name it first, e.g. "
                  "`seedance::request_for<P> req{...}; co_await client.generate(req);`");
    return {};
  }
#endif

  /// Run-time request form of generate.
  template <std::same_as<request> R>
  asio::awaitable<video> generate(const R& r, wait_options o = {}) {
    return generate_request(r, std::move(o));  // copied into the operation's frame now
  }

  // ---- cancel / list -----------------------------------------------------------------------------------

  /// Asks the provider to cancel the task (seedance2.ink; Ark cancels queued tasks and deletes finished
  /// ones). Returns the resulting snapshot. Errors: unsupported (no cancel endpoint: nothing is sent),
  /// the provider's refusal (e.g. Ark refuses running tasks), transport errors after retries.
  asio::awaitable<task> cancel(std::string task_id) {
    auto req = provider_cancel_request(task_id);
    if (!req)
      throw error(errc::unsupported, std::string(provider_display_name()) + " has no cancel endpoint",
                  details_for(task_id));
    auto deadline = std::chrono::steady_clock::now() + options_.transport.timeouts.request * 4;
    auto resp = co_await exchange(operation_kind::cancel, std::move(*req), task_id, deadline);
    task t = provider_.decode_cancelled(resp, task_id);
    if (t.id.empty()) t.id = task_id;
    release_slot(t.id);
    co_return t;
  }

  /// Lists tasks (Ark only: the last 7 days, paged). Errors: invalid_request for a bad page size,
  /// provider and transport errors.
  template <class Query, class P = Provider>
  requires detail::listable_provider<P> asio::awaitable<decltype(P::decode_list(std::declval<const http::response&>()))>
  list(Query q) {
    auto deadline = std::chrono::steady_clock::now() + options_.transport.timeouts.request * 4;
    auto resp = co_await exchange(operation_kind::list, P::list_request(q), {}, deadline);
    co_return P::decode_list(resp);
  }

  // ---- download ----------------------------------------------------------------------------------------

  /// Streams the video to a temporary file beside `target`, checks it (Content-Length, MP4 ftyp box, top-level
  /// boxes that fill the file), fsyncs and renames it into place: the target path holds a complete file or
  /// nothing. A dropped transfer resumes with a Range request. Compression is never asked for: a body with a
  /// Content-Encoding is refused, not decoded. Errors: file_exists (before any I/O, unless overwrite),
  /// output_expired (403/404/410), invalid_video (not an MP4, incomplete, or encoded), io_error, transport
  /// errors after retries.
  /// Cancellation: the temporary file is removed; the target is untouched.
  asio::awaitable<download_result> download(video v, std::filesystem::path target, download_options o = {}) {
    co_return co_await download_url(std::move(v.url), std::move(target), std::move(o));
  }

  /// Downloads from a URL (for example a task's output URL saved earlier).
  asio::awaitable<download_result> download(std::string url, std::filesystem::path target, download_options o = {}) {
    co_return co_await download_url(std::move(url), std::move(target), std::move(o));
  }

  /// Fetches the task by id and downloads its first video. Errors as status and download; task_failed
  /// when the task has no video (yet).
  asio::awaitable<download_result> download_task(std::string task_id, std::filesystem::path target,
                                                 download_options o = {}) {
    task t = co_await status(task_id);
    if (t.state != task_state::succeeded || t.videos.empty())
      throw error(errc::task_failed,
                  "download: task " + task_id + " has no video (state " + std::string(to_string(t.state)) + ")",
                  details_for(task_id));
    co_return co_await download_url(t.videos.front().url, std::move(target), std::move(o));
  }

  /// Stops tracking a task's in-flight slot (for tasks submitted but never waited on).
  void forget(const std::string& task_id) { release_slot(task_id); }

  // ---- completion-token forms --------------------------------------------------------------------------

  /// Token form of submit (run-time request). Signature void(std::error_code, task).
  template <class Token>
  auto async_submit(request r, Token&& token) {
    return run<task>(submit_request(std::move(r)), std::forward<Token>(token));
  }
  /// Token form of status. Signature void(std::error_code, task).
  template <class Token>
  auto async_status(std::string task_id, Token&& token) {
    return run<task>(status(std::move(task_id)), std::forward<Token>(token));
  }
  /// Token form of wait. Signature void(std::error_code, task).
  template <class Token>
  auto async_wait(std::string task_id, wait_options o, Token&& token) {
    return run<task>(wait(std::move(task_id), std::move(o)), std::forward<Token>(token));
  }
  /// Token form of generate. Signature void(std::error_code, video).
  template <class Token>
  auto async_generate(request r, wait_options o, Token&& token) {
    return run<video>(generate_request(std::move(r), std::move(o)), std::forward<Token>(token));
  }
  /// Token form of cancel. Signature void(std::error_code, task).
  template <class Token>
  auto async_cancel(std::string task_id, Token&& token) {
    return run<task>(cancel(std::move(task_id)), std::forward<Token>(token));
  }
  /// Token form of download. Signature void(std::error_code, download_result).
  template <class Token>
  auto async_download(std::string url, std::filesystem::path target, download_options o, Token&& token) {
    return run<download_result>(download_url(std::move(url), std::move(target), std::move(o)),
                                std::forward<Token>(token));
  }

 private:
  using clock = std::chrono::steady_clock;

  // ---- provider dispatch (static codecs and any_provider alike) ----------------------------------------
  provider_id current_provider_id() const {
    if constexpr (detail::static_provider<Provider>)
      return Provider::id;
    else
      return provider_.id();
  }
  std::string_view provider_display_name() const {
    if constexpr (detail::static_provider<Provider>)
      return Provider::display_name;
    else
      return provider_.display_name();
  }
  std::string_view provider_api_key_env() const {
    if constexpr (detail::static_provider<Provider>)
      return Provider::api_key_env;
    else
      return provider_.api_key_env();
  }
  std::string_view provider_default_base_url() const {
    if constexpr (detail::static_provider<Provider>)
      return Provider::default_base_url;
    else
      return provider_.default_base_url();
  }
  http::request provider_encode_create(const request& r) const {
    if constexpr (detail::static_provider<Provider>)
      return Provider::encode_create(r, options_.codec);
    else
      return provider_.encode_create(r, options_.codec);
  }
  std::optional<http::request> provider_cancel_request(std::string_view id) const {
    return provider_.cancel_request(id);
  }
  provider_options provider_choices() const { return detail::provider_options_for(options_.codec); }

  // ---- slots -------------------------------------------------------------------------------------------
  void release_slot(const std::string& id) {
    if (slot_tasks_.erase(id) > 0) limiter_.release();
  }

  error_details details_for(std::string_view task_id) const {
    error_details d;
    d.task_id = std::string(task_id);
    return d;
  }

  void log(log_level level, std::string_view text) const {
    if (options_.log) options_.log(level, scrub(std::string(text)));
  }

  /// `text` without the API key, whole or in pieces (see scrub_secret()).
  std::string scrub(std::string text) const { return scrub_secret(std::move(text), api_key_); }

  /// Re-throws a provider/transport error with the key scrubbed from every text field (a provider may echo the
  /// Authorization header anywhere: message, code, parameter, request id, problems).
  [[noreturn]] void throw_clean(const error& e, std::string_view task_id) const {
    error_details d = e.details();
    if (d.task_id.empty()) d.task_id = std::string(task_id);
    d.task_id = scrub(std::move(d.task_id));
    d.request_id = scrub(std::move(d.request_id));
    d.provider_message = scrub(std::move(d.provider_message));
    d.provider_code = scrub(std::move(d.provider_code));
    d.param = scrub(std::move(d.param));
    for (auto& p : d.problems) {
      p.field = scrub(std::move(p.field));
      p.rule = scrub(std::move(p.rule));
      p.value = scrub(std::move(p.value));
    }
    throw error(e.code(), scrub(e.text()), std::move(d));
  }

  asio::awaitable<void> sleep(std::chrono::milliseconds d) {
    asio::steady_timer timer(executor_, d);
    co_await timer.async_wait(asio::use_awaitable);
  }

  // ---- one request with retries ------------------------------------------------------------------------
  asio::awaitable<http::response> exchange(operation_kind kind, http::request req, std::string_view task_id,
                                           clock::time_point deadline) {
    const std::string url = base_url_ + req.target;
    req.headers.set("Authorization", "Bearer " + api_key_);
    req.headers.set("Accept", "application/json");
    for (int attempt = 1;; ++attempt) {
      std::optional<error> failure;
      try {
        http::response resp = co_await transport_.send(url, req);
        if (resp.ok()) co_return resp;
        error e = provider_.decode_error(resp);
        // Whether a create answered with 5xx made a task is not provable: never call it safe to repeat.
        if (kind == operation_kind::create && resp.status >= 500) e.details().retry_safe = false;
        failure.emplace(std::move(e));
      } catch (const error& e) {
        // A create the transport lost after writing it is already errc::outcome_unknown (may_have_created_task).
        failure.emplace(e);
      }
      const auto& f = *failure;
      // A create refused with 429 is held by submit_request(), not retried here.
      if (kind == operation_kind::create && f.code() == make_error_code(errc::rate_limited)) throw_clean(f, task_id);
      const auto decision = decide_retry(options_.retry, kind, attempt, f.code(), f.details().retry_safe,
                                         f.details().retry_after, jitter_);
      if (!decision.retry || clock::now() + decision.delay >= deadline) throw_clean(f, task_id);
      log(log_level::warning, std::string(to_string_kind(kind)) + " attempt " + std::to_string(attempt) + " failed (" +
                                  f.what() + "); retrying in " + std::to_string(decision.delay.count()) + " ms");
      co_await sleep(decision.delay);
    }
  }

  static std::string_view to_string_kind(operation_kind k) noexcept {
    switch (k) {
      case operation_kind::create:
        return "create";
      case operation_kind::status:
        return "status";
      case operation_kind::cancel:
        return "cancel";
      case operation_kind::list:
        return "list";
      case operation_kind::download:
        return "download";
    }
    return "request";
  }

  /// After a 429 answer to a create: lowers the concurrency to the limit the body names, or else (when the
  /// body says the 429 is about tasks in progress, see is_tasks_in_progress_limit()) to the tasks this client
  /// had in flight when the answer came (at least 1).
  void learn_limit(const error_details& d) {
    std::size_t learned = 0;
    bool named = false;
    if (d.concurrency_limit && *d.concurrency_limit > 0) {
      learned = static_cast<std::size_t>(*d.concurrency_limit);
      named = true;
    } else if (is_tasks_in_progress_limit(d)) {
      learned = std::max<std::size_t>(slot_tasks_.size(), 1);
    } else {
      return;
    }
    if (options_.max_in_flight != 0) learned = std::min(learned, options_.max_in_flight);  // never above the cap
    if (limiter_.limit() == 0 || learned < limiter_.limit() || (named && limit_estimated_)) {
      limiter_.set_limit(learned);
      limit_estimated_ = !named;
      log(log_level::info, named ? "concurrency limit learned from provider: " + std::to_string(learned)
                                 : "concurrency lowered to the " + std::to_string(learned) +
                                       " task(s) in flight when the provider answered 429");
    }
  }

  /// After a create succeeded: a limit estimated from a 429 is raised to the tasks now in flight when the
  /// provider took more than it (never above client_options::max_in_flight).
  void confirm_limit() {
    if (!limit_estimated_ || slot_tasks_.size() <= limiter_.limit()) return;
    std::size_t raised = slot_tasks_.size();
    if (options_.max_in_flight != 0) raised = std::min(raised, options_.max_in_flight);
    if (raised <= limiter_.limit()) return;
    limiter_.set_limit(raised);
    log(log_level::info, "concurrency raised to " + std::to_string(raised) + ": the provider took that many tasks");
  }

  // ---- operations --------------------------------------------------------------------------------------
  // Gives the limiter slot back unless the task took it over. Not local to submit_request(): GCC 12 cannot
  // mangle a class local to a coroutine when the header is precompiled.
  struct limiter_slot_guard {
    client* self;
    bool* owned;
    ~limiter_slot_guard() {
      if (*owned) self->limiter_.release();
    }
  };

  asio::awaitable<task> submit_request(request r) {
    return submit_held(std::move(r), options_.max_create_hold, nullptr);
  }

  /// submit(): validates, takes a slot, creates. A 429 answer holds the create for at most `hold_limit` from the
  /// moment the slot was taken (that moment + hold_limit is stored in `*deadline_out` when given): it keeps its
  /// slot and tries again when one of this client's tasks ends (the limiter's release) or after hold_delay(),
  /// whichever comes first.
  asio::awaitable<task> submit_held(request r, std::chrono::milliseconds hold_limit, clock::time_point* deadline_out) {
    check(current_provider_id(), r, provider_choices());       // throws invalid_request; nothing sent
    const http::request http_req = provider_encode_create(r);  // may throw invalid_request
    const auto estimated = estimate(current_provider_id(), r, provider_choices());

    co_await limiter_.acquire();
    bool slot_owned = true;
    limiter_slot_guard guard{this, &slot_owned};

    const auto held_since = clock::now();
    const auto hold_deadline = held_since + hold_limit;
    if (deadline_out) *deadline_out = hold_deadline;
    for (int refusals = 1;; ++refusals) {
      std::optional<error> refused;
      try {
        http::request attempt = http_req;  // named: see SEEDANCE_DETAIL_GCC_AGGREGATE_CO_AWAIT_BUG
        task t = co_await create_once(std::move(attempt));
        if (!t.cost && estimated.cost) t.cost = estimated.cost;
        if (!is_terminal(t.state)) {
          slot_tasks_.insert(t.id);
          slot_owned = false;  // held until the task is seen terminal
          confirm_limit();
        }
        log(log_level::info, "created task " + t.id);
        co_return t;
      } catch (const error& e) {
        if (e.code() != make_error_code(errc::rate_limited)) throw;
        refused.emplace(e);  // the task was not created: hold, do not fail
      }
      learn_limit(refused->details());
      const auto now = clock::now();
      const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - held_since);
      if (now >= hold_deadline) {
        error_details d = refused->details();
        d.retry_safe = true;  // refused: nothing was created
        throw error(errc::rate_limited,
                    scrub("create: still refused with 429 after holding it " + std::to_string(waited.count()) +
                          " ms (" + std::to_string(refusals) + " tries): " + refused->text()),
                    std::move(d));
      }
      auto delay = hold_delay(options_.retry, refusals, refused->details().retry_after, jitter_);
      if (now + delay > hold_deadline)
        delay = std::chrono::duration_cast<std::chrono::milliseconds>(hold_deadline - now);
      log(log_level::info, "create refused with 429 (" + refused->text() + "): held until one of this client's " +
                               std::to_string(slot_tasks_.size()) + " task(s) ends, or " +
                               std::to_string(delay.count()) + " ms");
      co_await limiter_.hold(delay);
    }
  }

  /// One create request, with the transport-level retries of exchange(): the task, or the error it ended
  /// with (rate_limited for a 429, also when a 2xx body carries one).
  asio::awaitable<task> create_once(http::request http_req) {
    auto deadline = clock::now() + options_.transport.timeouts.request * 4 + options_.retry.max_retry_after * 2;
    http::response resp = co_await exchange(operation_kind::create, std::move(http_req), {}, deadline);
    task t;
    send_progress progress{.idempotent = false, .request_written = true, .response_status = resp.status};
    std::string unreadable;
    error_details d;
    try {
      t = provider_.decode_created(resp);
      progress.response_understood = !t.id.empty();
      if (t.id.empty()) unreadable = "it names no task id";
    } catch (const error& e) {
      if (e.code() != make_error_code(errc::bad_response)) throw_clean(e, {});  // e.g. an error in a 2xx body
      unreadable = "the body could not be read: " + e.text();
      d = e.details();
    }
    if (may_have_created_task(progress)) {
      // The provider accepted the request (2xx) but its answer does not say which task: one was probably made.
      d.http_status = resp.status;
      d.retry_safe = false;
      throw error(errc::outcome_unknown,
                  scrub("create: outcome unknown, the provider answered " + std::to_string(resp.status) + " but " +
                        unreadable + "; a task was probably created: check the provider before submitting again"),
                  std::move(d));
    }
    co_return t;
  }

  asio::awaitable<task> fetch_status(std::string id, clock::time_point deadline) {
    for (int attempt = 1;; ++attempt) {
      auto resp = co_await exchange(operation_kind::status, provider_.status_request(id), id, deadline);
      std::chrono::milliseconds delay{0};
      try {
        task t = provider_.decode_status(resp);
        if (t.id.empty()) t.id = id;
        if (is_terminal(t.state)) release_slot(id);
        co_return t;
      } catch (const error& e) {
        // A garbled status body (a proxy, a truncated write) is worth asking again: status is idempotent.
        const auto decision = decide_retry(options_.retry, operation_kind::status, attempt,
                                           make_error_code(errc::server_error), true, std::nullopt, jitter_);
        if (e.code() != make_error_code(errc::bad_response) || !decision.retry ||
            clock::now() + decision.delay >= deadline)
          throw_clean(e, id);
        log(log_level::warning, "status of " + id + ": unreadable body (" + e.what() + "); asking again");
        delay = decision.delay;
      }
      co_await sleep(delay);
    }
  }

  asio::awaitable<video> generate_request(request r, wait_options o) {
    // One deadline for the hold and the wait, counted from the moment the create could first be sent (a wait for
    // a free slot is not part of it, as before).
    clock::time_point deadline{};
    task created = co_await submit_held(std::move(r), o.deadline, &deadline);
    task done = co_await wait_impl(created.id, std::move(o), &created, deadline);  // created outlives the wait
    if (done.videos.empty())
      throw error(errc::bad_response, "task " + done.id + " succeeded without a video", details_for(done.id));
    video v = done.videos.front();
    v.task_id = done.id;
    co_return v;
  }

  /// What a wait knows between polls.
  struct wait_progress {
    poll_state ps{};
    std::optional<task> last{};  ///< the latest snapshot; its parsed body is kept only when terminal
  };

  /// Records snapshot `t` of a wait, calling on_progress on a change. Returns true when the task is terminal.
  static bool observe(wait_progress& w, const wait_options& o, task t) {
    const bool changed = !w.last || w.last->state != t.state || w.last->progress != t.progress ||
                         w.last->provider_state != t.provider_state;
    w.ps.state = t.state;
    w.ps.progress = t.progress;
    w.ps.estimated_time = t.estimated_time;
    if (changed && o.on_progress) o.on_progress(t);
    w.last = std::move(t);
    const bool done = is_terminal(w.last->state);
    // Between polls only the state matters: a parked wait does not hold the parsed body of a snapshot.
    if (!done) w.last->raw = nullptr;
    return done;
  }

  /// One status request of a wait, observed; with `race_deadline` the deadline ends the wait even while the
  /// request is under way. A coroutine of its own, so that a parked wait's frame holds no response or snapshot
  /// temporaries (about 1 KiB per waiting task).
  asio::awaitable<bool> poll_for_wait(const std::string& id, const wait_options& o, wait_progress& w,
                                      clock::time_point deadline, bool race_deadline) {
    if (!race_deadline) {
      task t = co_await fetch_status(id, deadline);
      ++w.ps.polls;
      co_return observe(w, o, std::move(t));
    }
    using namespace asio::experimental::awaitable_operators;
    auto result = co_await (fetch_status(id, deadline) || deadline_timer(deadline));
    if (result.index() == 1) co_await on_deadline(id, o, w.last);
    ++w.ps.polls;
    co_return observe(w, o, std::get<0>(std::move(result)));
  }

  /// Waits for task `id`. `initial`, when not null, is its snapshot just taken (moved from; it must outlive the
  /// wait). The frame of this coroutine is what a parked wait costs: it holds references and small state only.
  /// `until`, when set, replaces started + o.deadline (generate(): one deadline for the hold and the wait).
  asio::awaitable<task> wait_impl(std::string id, wait_options o, task* initial,
                                  std::optional<clock::time_point> until = std::nullopt) {
    const auto started = clock::now();
    const auto deadline = until ? *until : started + o.deadline;
    const polling_policy& policy = o.polling ? *o.polling : options_.polling;
    wait_progress w;

    std::unique_ptr<webhook_listener::subscription> sub;
    if (o.listener) sub = std::make_unique<webhook_listener::subscription>(*o.listener, id);

    bool terminal = false;
    if (initial) {
      terminal = observe(w, o, std::move(*initial));
    } else {
      terminal = co_await poll_for_wait(id, o, w, deadline, false);
    }
    while (!terminal) {
      w.ps.waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
      auto delay = sub ? o.fallback_poll : next_poll_delay(policy, w.ps, jitter_);
      const auto now = clock::now();
      if (now >= deadline) co_await on_deadline(id, o, w.last);
      if (now + delay > deadline) delay = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      if (sub) {
        co_await sub->wait_for(delay);  // a callback (any state) or the fallback interval
      } else {
        co_await sleep(delay);
      }
      if (clock::now() >= deadline) co_await on_deadline(id, o, w.last);
      terminal = co_await poll_for_wait(id, o, w, deadline, true);
    }
    release_slot(id);
    switch (w.last->state) {
      case task_state::succeeded:
        co_return std::move(*w.last);
      case task_state::failed:
        throw task_error_for(*w.last, errc::task_failed);
      case task_state::cancelled:
        throw task_error_for(*w.last, errc::task_cancelled);
      default:
        throw task_error_for(*w.last, errc::task_expired);
    }
  }

  asio::awaitable<void> deadline_timer(clock::time_point deadline) {
    asio::steady_timer timer(executor_, deadline);
    co_await timer.async_wait(asio::use_awaitable);
  }

  error task_error_for(const task& t, errc code) const {
    error_details d = details_for(t.id);
    std::string text = "task " + t.id + " " + std::string(to_string(t.state));
    if (t.error) {
      d.provider_code = scrub(t.error->code);
      d.provider_message = scrub(t.error->message);
      if (!t.error->code.empty()) text += " [" + d.provider_code + "]";
      if (!t.error->message.empty()) text += ": " + d.provider_message;
    }
    d.task_id = scrub(std::move(d.task_id));
    return error(code, scrub(std::move(text)), std::move(d));
  }

  asio::awaitable<void> on_deadline(const std::string& id, const wait_options& o, const std::optional<task>& last) {
    std::string text = "wait: deadline of " + std::to_string(o.deadline.count()) + " ms passed for task " + id;
    if (last) text += " (last state " + std::string(to_string(last->state)) + ")";
    if (o.cancel_remote_on_deadline && provider_cancel_request(id)) {
      try {
        co_await cancel(id);
        text += "; remote cancel requested";
      } catch (const std::system_error& e) {
        text += "; remote cancel failed: " + std::string(e.what());
      }
    }
    throw error(errc::deadline_exceeded, scrub(std::move(text)), details_for(id));
  }

  /// The streaming download of download.hpp with this client's transport, retry policy, jitter and log. Not a
  /// coroutine itself: the download's only frame is download_file's.
  asio::awaitable<download_result> download_url(std::string url, std::filesystem::path target, download_options o) {
    std::function<void(std::string_view)> warn = [this](std::string_view text) { log(log_level::warning, text); };
    return detail::download_file(transport_, std::move(url), std::move(target), std::move(o), options_.retry, jitter_,
                                 std::move(warn));
  }

  // ---- token adapter -----------------------------------------------------------------------------------
  // The operation's coroutine is created by the caller (parameters copied into its frame) and started here.
  template <class T, class Token>
  auto run(asio::awaitable<T> op, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, T)>(
        [this](auto handler, asio::awaitable<T> operation) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          auto handler_ex = asio::get_associated_executor(handler, executor_);
          asio::co_spawn(executor_, std::move(operation),
                         asio::bind_cancellation_slot(
                             slot, [h = std::move(handler), handler_ex](std::exception_ptr ep, T value) mutable {
                               const auto ec = detail::code_of(ep);
                               asio::dispatch(handler_ex, [h = std::move(h), ec, v = std::move(value)]() mutable {
                                 std::move(h)(ec, std::move(v));
                               });
                             }));
        },
        token, std::move(op));
  }

  executor_type executor_;
  Provider provider_;
  options_type options_;
  std::string api_key_;
  std::string base_url_;
  http::transport transport_;
  concurrency_limiter limiter_;
  jitter_source jitter_;
  std::unordered_set<std::string> slot_tasks_;
  bool limit_estimated_ = false;  ///< the limiter's limit was estimated from a 429 without `limit`
};

}  // namespace seedance

// seedance/testing/simulator.hpp - a loopback HTTPS fake of every provider, for integration tests, offline
// demos and users' own tests.
//
// One server on 127.0.0.1 serves each provider's documented endpoints under a prefix, over TLS with a
// certificate chain made at run time:
//
//   Kinovi         https://127.0.0.1:PORT/kinovi/api/v1        POST /jobs/createTask, GET /jobs/recordInfo?taskId=
//   aihubmax       https://127.0.0.1:PORT/aihubmax             POST /v1/videos/generations, GET /v1/tasks/{id}
//   seedance2.ink  https://127.0.0.1:PORT/seedance2ink         POST /api/open/v1/video/generations,
//                                                              GET .../{requestId}, POST .../{requestId}/cancel
//   Ark            https://127.0.0.1:PORT/ark/api/v3           POST/GET /contents/generations/tasks
//                                                              (list: page_num, page_size, filter.status,
//                                                              filter.task_ids (repeatable), filter.model,
//                                                              filter.service_tier), GET/DELETE .../tasks/{id}
//   outputs        https://127.0.0.1:PORT/files/<token>.mp4 (and <token>_lastframe.png)
//
// It follows the providers' documentation, not the library's codecs: it authenticates (`Authorization:
// Bearer <api_key>`), validates bodies as each provider documents (answering in that provider's error shape
// and naming the field), charges credits at create and refunds failures, enforces concurrency limits (Ark
// queues instead), runs each task through queued -> running -> succeeded/failed on a time scale, serves a
// real MP4 with byte ranges until its URL expires, and posts webhooks to loopback callback URLs. Faults can
// be injected per path and per n-th request. Everything it answers is logged for the test to inspect.
//
// Prompt markers (anywhere in the prompt; Ark: in the text item). A script_next() script takes precedence
// over the outcome markers:
//   [sim:fail]           the task fails with the provider's moderation error
//   [sim:fail-server]    the task fails with the provider's generic server error
//   [sim:expire]         Ark: stays queued for queue_time + run_time, then `expired`; elsewhere: fails (timeout)
//   [sim:stall]          the task runs forever (cancel it where the provider can)
//   [sim:slow]           queue_time and run_time are multiplied by slow_factor (combines with the others)
//   [sim:empty-results]  aihubmax: the first read after completion shows "completed" with empty `results`
//
// Choices where the documentation is silent (read the detail/sim_<provider>.hpp headers for all of them):
// - Kinovi: the create schema is detected per body: `urls`/`upscaleResolution` mean legacy (string duration
//   "4".."15"), `imageUrls`/`videoUrls`/`generate_audio`/`bitrate_mode`/`seed` mean current (integer
//   duration); with neither, a string duration means legacy. Audio as the only reference is accepted and the
//   task then fails with InvalidParameter, as documented.
// - aihubmax: prices are made up; media fields of another model family are refused (400) rather than lost;
//   unknown model 422 model_not_found as documented; 429s carry Retry-After.
// - seedance2.ink: too many tasks in flight is a 429 {"success":false,"error":{"code":"rate_limited"}} without
//   Retry-After; cancelling a finished task is 409 "invalid_status"; cancelled tasks are refunded.
// - Ark: unknown model 404 InvalidEndpoint.NotFound (as documented); DELETE of a running or cancelled task
//   409 OperationDenied; unknown or deleted task 404 ResourceNotFound; balance counted in output tokens and
//   403 AccountOverdueError when a task does not fit.
// - Kinovi and aihubmax have no cancel endpoint: any such path answers 404 in the provider's shape.
// - Webhooks go only to 127.0.0.0/8, localhost and [::1] (http, or https verified against ca_pem());
//   other hosts are refused, logged, never contacted. Retries after a non-2xx answer or a failed connection:
//   1 s, 5 s, 15 s (aihubmax: 1 s, 2 s, 4 s), scaled by time_scale.
//
// The option, script, fault and log types are declared in testing/simulator_options.hpp, documented there: embed
// the simulator in your own tests with them.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/testing/certificates.hpp>
#include <seedance/testing/detail/sim_server.hpp>
#include <seedance/testing/detail/sim_service.hpp>
#include <seedance/testing/sample_mp4.hpp>
#include <seedance/testing/simulator_options.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace seedance::testing {

/// The provider simulator. It runs on a thread of its own with its own io_context, so clients may run on
/// any executor. Every member function is thread-safe unless noted.
class simulator {
 public:
  /// Makes the certificates, binds 127.0.0.1:options.port and starts serving (unless `start_now` is false).
  /// Throws std::system_error when the port cannot be bound, std::runtime_error when the certificates cannot
  /// be made.
  explicit simulator(simulator_options options = {}, bool start_now = true)
      : options_(options), server_(std::make_unique<detail::sim_server>(std::move(options))) {
    if (start_now) server_->start();
  }

  /// Not copyable: it owns a thread, sockets and tasks.
  simulator(const simulator&) = delete;
  simulator& operator=(const simulator&) = delete;

  /// Stops the server (see stop()).
  ~simulator() { stop(); }

  /// Starts serving (no-op when already serving), on the same port after a stop(). Throws
  /// std::system_error when the port cannot be bound again.
  void start() { server_->start(); }

  /// Stops serving: closes every connection, abandons pending webhooks; tasks and logs are kept. Must not
  /// be called from a webhook receiver running on the simulator's own thread (it never does that).
  void stop() { server_->stop(); }

  /// True while serving.
  bool running() const { return server_->running(); }

  /// The bound TCP port (valid from construction on).
  std::uint16_t port() const noexcept { return server_->port(); }

  /// "https://127.0.0.1:PORT".
  std::string origin() const { return "https://127.0.0.1:" + std::to_string(port()); }

  /// The base URL of provider `p`, e.g. "https://127.0.0.1:PORT/kinovi/api/v1". Never throws but bad_alloc.
  std::string base_url(provider_id p) const { return origin() + std::string(detail::base_path(p)); }

  /// PEM of the CA that signed the server certificate: trust it in clients (tls_options::ca_pem).
  const std::string& ca_pem() const noexcept { return server_->authority().ca.certificate_pem; }

  /// The CA itself (certificate and key), e.g. to issue a certificate for an https webhook receiver.
  const certificate_authority& authority() const noexcept { return server_->authority(); }

  /// Issues a certificate signed by the simulator's CA (default: 127.0.0.1 and localhost), for https webhook
  /// receivers the simulator will trust. Throws std::runtime_error when OpenSSL fails.
  pem_pair issue_certificate(const leaf_options& options = {}) const { return server_->authority().issue(options); }

  /// The accepted API key (simulator_options::api_key).
  const std::string& api_key() const noexcept { return options_.api_key; }

  /// The options the simulator was made with.
  const simulator_options& options() const noexcept { return options_; }

  // ---- scripting -------------------------------------------------------------------------------------------

  /// The next task created at any provider ends with `o`.
  void script_next(outcome o) { script_next(task_script{o, std::nullopt, std::nullopt}); }

  /// The next task created at any provider follows `s`. Scripts queue up in call order.
  void script_next(task_script s) {
    std::lock_guard<std::mutex> lock(server_->mutex);
    server_->service.script_next(std::nullopt, s);
  }

  /// The next task created at provider `p` follows `s` (provider scripts are used before general ones).
  void script_next(provider_id p, task_script s) {
    std::lock_guard<std::mutex> lock(server_->mutex);
    server_->service.script_next(p, s);
  }

  // ---- faults ----------------------------------------------------------------------------------------------

  /// Adds a fault rule (see fault_rule for matching and fault_kind for effects); returns its id.
  std::uint64_t add_fault(fault_rule rule) {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.faults().add(std::move(rule));
  }

  /// Shorthand: `f` strikes the n-th request whose target contains `path`.
  std::uint64_t fault_on_nth(std::string path, std::uint64_t n, fault f) {
    return add_fault(fault_rule::on_nth(std::move(path), n, f));
  }

  /// Shorthand: `f` strikes every request whose target contains `path`, from the n-th on.
  std::uint64_t fault_from_nth(std::string path, std::uint64_t n, fault f) {
    return add_fault(fault_rule::from_nth(std::move(path), n, f));
  }

  /// Shorthand: `f` strikes each request whose target contains `path` with probability p (seeded RNG).
  std::uint64_t fault_with_probability(std::string path, double p, fault f) {
    return add_fault(fault_rule::with_probability(std::move(path), p, f));
  }

  /// Removes a fault rule; false when the id is unknown.
  bool remove_fault(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.faults().remove(id);
  }

  /// Removes every fault rule.
  void clear_faults() {
    std::lock_guard<std::mutex> lock(server_->mutex);
    server_->service.faults().clear();
  }

  /// How many times rule `id` struck.
  std::uint64_t fault_hits(std::uint64_t id) const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.faults().hits(id);
  }

  // ---- log and counters ------------------------------------------------------------------------------------

  /// A copy of the request log (oldest first; at most simulator_options::max_log_entries).
  std::vector<log_entry> log() const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    const auto& entries = server_->service.log();
    return std::vector<log_entry>(entries.begin(), entries.end());
  }

  /// Requests (and webhook attempts) of `kind` ever logged for provider `p` (nullopt: downloads and paths of
  /// no provider), whatever their answer.
  std::uint64_t count(std::optional<provider_id> p, request_kind kind) const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.count(p, kind);
  }

  /// Requests (and webhook attempts) of `kind` ever logged, all providers together.
  std::uint64_t count(request_kind kind) const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    std::uint64_t total = server_->service.count(std::nullopt, kind);
    for (provider_id p : all_providers) total += server_->service.count(p, kind);
    return total;
  }

  /// Tasks provider `p` accepted (creates that made a task, including ones answered with a fault).
  std::uint64_t creates(provider_id p) const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    const auto& engine = server_->service.engine();
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < engine.size(); ++i) n += engine.task(static_cast<std::uint32_t>(i)).provider == p;
    return n;
  }

  /// The most tasks of provider `p` ever in flight (queued or running) at once.
  std::uint32_t max_in_flight(provider_id p) const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.engine().max_in_flight(p);
  }

  /// The most tasks of provider `p` ever running at once (Ark keeps this at its concurrency limit).
  std::uint32_t max_running(provider_id p) const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.engine().max_running(p);
  }

  /// Tasks stored (every provider; Ark tasks deleted with DELETE included).
  std::size_t task_count() const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.engine().size();
  }

  /// Output file URLs issued (one per succeeded task).
  std::size_t file_url_count() const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    return server_->service.file_count();
  }

  /// The balance of an API key (default: api_key()) at provider `p`, in the provider's unit (Ark: tokens).
  /// nullopt for an unknown key.
  std::optional<double> credits(provider_id p, std::optional<std::string> key = std::nullopt) const {
    std::lock_guard<std::mutex> lock(server_->mutex);
    const auto account = server_->service.account_of(key ? *key : options_.api_key);
    if (!account) return std::nullopt;
    return server_->service.engine().balance(*account, p);
  }

  /// Webhook task groups still being delivered (including ones waiting to retry).
  std::size_t webhooks_in_flight() const noexcept { return server_->webhooks_in_flight(); }

 private:
  simulator_options options_;
  std::unique_ptr<detail::sim_server> server_;
};

}  // namespace seedance::testing

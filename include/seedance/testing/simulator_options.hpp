// seedance/testing/simulator_options.hpp - the vocabulary of the simulator's public API: options, outcome
// scripts, faults and request-log entries. Part of the public API of <seedance/testing/simulator.hpp> (kept in
// its own header so the simulator's pure parts can be compiled and tested without sockets).
//
// No Asio, no OpenSSL, no Boost.
#pragma once

#include <seedance/capabilities.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seedance::testing {

/// How a simulated task ends.
enum class outcome : std::uint8_t {
  success,             ///< succeeds with an output URL that serves a real MP4
  moderation_failure,  ///< fails with the provider's content-moderation error (credits refunded)
  server_failure,      ///< fails with the provider's generic server error (credits refunded)
  expiry,              ///< Ark: stays queued, then ends `expired`; elsewhere: fails with a timeout server error
  stall,               ///< starts running and never finishes (until cancelled where the provider can cancel)
};

/// Name of an outcome ("success", "moderation_failure", ...). Never throws.
constexpr std::string_view to_string(outcome o) noexcept {
  switch (o) {
    case outcome::success:
      return "success";
    case outcome::moderation_failure:
      return "moderation_failure";
    case outcome::server_failure:
      return "server_failure";
    case outcome::expiry:
      return "expiry";
    case outcome::stall:
      return "stall";
  }
  return "?";
}

/// The script of one future task: how it ends and, optionally, how long it takes. Durations given here
/// replace simulator_options::queue_time / run_time and are multiplied by time_scale like them.
struct task_script {
  testing::outcome result = outcome::success;
  std::optional<std::chrono::milliseconds> queue_time = std::nullopt;
  std::optional<std::chrono::milliseconds> run_time = std::nullopt;
};

/// The three webhook bodies Kinovi's documentation pages describe.
enum class kinovi_webhook_style : std::uint8_t {
  enveloped,         ///< kinovi.ai: {"code":200,"message":"success","data":{... "state", "orderId", "updateTime"}}
  flat,              ///< seedance2-pro.com: the status object itself, "status" key, `error` a plain string
  enveloped_status,  ///< GitHub README: {"code","message","data": <the recordInfo object, "status" key>}
};

/// Limits of one provider's simulated accounts.
struct provider_settings {
  /// Tasks in flight (queued or running) per API key. Kinovi and aihubmax refuse creates beyond it with
  /// 429; seedance2.ink too (its documentation says nothing: the simulator's choice); Ark never refuses and
  /// keeps tasks beyond it queued until a running one ends. 0 = unlimited.
  std::uint32_t concurrency = 0;
  /// Starting balance per API key in the provider's own unit (Kinovi, aihubmax, seedance2.ink: credits;
  /// Ark: output tokens). nullopt: simulator_options::credits.
  std::optional<double> credits = std::nullopt;
  /// Whether the 429 for a create beyond `concurrency` names the limit: Kinovi's `limit` and `current` fields
  /// (its v2 README example), the numbers in aihubmax's and seedance2.ink's message. false: a plain body that
  /// says only what Kinovi's error table says ("429 Concurrency limit exceeded: too many tasks in progress,
  /// wait for some to complete"), so a client must find the limit itself.
  bool concurrency_429_names_limit = true;
};

/// Everything a simulator can be configured with. Every duration below except webhook_timeout is
/// multiplied by time_scale.
struct simulator_options {
  std::uint16_t port = 0;                     ///< 0: the OS chooses (read it back with simulator::port())
  std::string api_key = "sim-test-key";       ///< the accepted `Authorization: Bearer` key
  std::vector<std::string> extra_api_keys{};  ///< more accepted keys, each an account of its own
  double time_scale = 1.0;                    ///< multiplies every simulated duration (0.01 = 100x faster)
  std::chrono::milliseconds queue_time{200};  ///< time a task spends queued before it may run
  std::chrono::milliseconds run_time{1000};   ///< time a task spends running
  double slow_factor = 10.0;                  ///< "[sim:slow]" multiplies queue_time and run_time by this
  std::chrono::milliseconds output_ttl{std::chrono::hours(24)};  ///< output URLs answer 403 after this
  double credits = 1e12;                                         ///< starting balance of every account and provider
  provider_settings kinovi{5, std::nullopt};                     ///< Kinovi v2 README example: limit 5
  provider_settings aihubmax{10, std::nullopt};
  provider_settings seedance2ink{10, std::nullopt};
  provider_settings ark{3, std::nullopt};  ///< Ark individual tier for 2.0: 3 running, the rest queued
  std::uint64_t seed = 0x5eed;             ///< seeds every random choice (ids, tokens, probabilistic faults)
  kinovi_webhook_style kinovi_webhook = kinovi_webhook_style::enveloped;
  bool aihubmax_results_as_strings = false;           ///< `results` as ["url"] (EvoLink) instead of [{"url": ...}]
  std::chrono::milliseconds webhook_timeout{10'000};  ///< per delivery attempt, not scaled
  /// A connection silent this long (no handshake, or no next request) is closed, as servers close idle
  /// keep-alive connections. Not scaled; 0 = never.
  std::chrono::milliseconds keep_alive_timeout{30'000};
  bool log_to_stderr = false;               ///< also print one line per request and webhook to stderr
  std::size_t max_log_entries = 1'000'000;  ///< oldest entries are dropped beyond this

  /// The settings of provider `p`. Never throws.
  const provider_settings& settings(provider_id p) const noexcept {
    switch (p) {
      case provider_id::kinovi:
        return kinovi;
      case provider_id::aihubmax:
        return aihubmax;
      case provider_id::seedance2ink:
        return seedance2ink;
      case provider_id::ark:
        return ark;
    }
    return kinovi;
  }
};

/// What a fault does to a request (or, for the webhook kinds, to a webhook delivery). "Processed" says
/// whether the simulator still acts on the request (creates the task, charges credits) before misbehaving:
/// a create hit by a processed fault leaves a task behind that the client never heard of.
enum class fault_kind : std::uint8_t {
  drop_before_request,   ///< close the connection before parsing the request. Not processed. With an empty
                         ///< path_contains it fires as soon as the first bytes of a request arrive.
  drop_after_request,    ///< read the request, then close without answering. Processed.
  close_after_headers,   ///< send the status line and headers, then close. Processed.
  close_mid_body,        ///< send the headers and `bytes` body bytes, then close. Processed.
  slow_bytes,            ///< send the response in pieces of `bytes` bytes, `delay` apart. Processed.
  truncated_chunked,     ///< answer with a chunked body and close before its last chunk. Processed.
  invalid_json,          ///< 200 with a body that is not JSON (the first half of the real one). Processed.
  http_error,            ///< answer `status` (500, 502, 503, ...) in the provider's error shape; 502 as an
                         ///< HTML gateway page. Not processed.
  delay,                 ///< wait `delay`, then answer normally. Processed.
  rate_limit,            ///< 429 in the provider's shape (+ Retry-After where documented). Not processed.
  webhook_duplicate,     ///< deliver the webhook twice
  webhook_out_of_order,  ///< deliver the terminal webhook, then a stale "running" one for the same task
};

/// Name of a fault kind ("drop_before_request", ...). Never throws.
constexpr std::string_view to_string(fault_kind k) noexcept {
  switch (k) {
    case fault_kind::drop_before_request:
      return "drop_before_request";
    case fault_kind::drop_after_request:
      return "drop_after_request";
    case fault_kind::close_after_headers:
      return "close_after_headers";
    case fault_kind::close_mid_body:
      return "close_mid_body";
    case fault_kind::slow_bytes:
      return "slow_bytes";
    case fault_kind::truncated_chunked:
      return "truncated_chunked";
    case fault_kind::invalid_json:
      return "invalid_json";
    case fault_kind::http_error:
      return "http_error";
    case fault_kind::delay:
      return "delay";
    case fault_kind::rate_limit:
      return "rate_limit";
    case fault_kind::webhook_duplicate:
      return "webhook_duplicate";
    case fault_kind::webhook_out_of_order:
      return "webhook_out_of_order";
  }
  return "?";
}

/// True for the kinds that apply to webhook deliveries rather than to requests.
constexpr bool is_webhook_fault(fault_kind k) noexcept {
  return k == fault_kind::webhook_duplicate || k == fault_kind::webhook_out_of_order;
}

/// One misbehaviour and its parameters. Transport delays are real time (not scaled).
struct fault {
  fault_kind kind = fault_kind::http_error;
  int status = 503;                     ///< http_error: the status to answer
  std::size_t bytes = 16;               ///< close_mid_body: body bytes sent; slow_bytes: piece size
  std::chrono::milliseconds delay{20};  ///< delay: the wait; slow_bytes: the gap between pieces
  std::optional<std::chrono::seconds> retry_after = std::nullopt;  ///< Retry-After on rate_limit/http_error;
                                                                   ///< aihubmax 429s always carry one (1 s)
};

/// When a fault strikes. Requests (or webhook deliveries) whose target contains `path_contains` are
/// counted 1, 2, 3, ... from the moment the rule is added; the ones numbered nth .. nth+times-1 (every one from nth on
/// when times == 0) are eligible, and each eligible one is hit with `probability` (a seeded RNG decides). Rules are
/// tried in the order they were added; the first that strikes wins, but every matching rule counts the request.
struct fault_rule {
  testing::fault fault{};
  std::string path_contains{};  ///< substring of the request target; for webhooks, of the callback URL
  std::uint64_t nth = 1;        ///< first eligible matching request (1-based)
  std::uint64_t times = 1;      ///< eligible requests from nth on; 0 = all of them
  double probability = 1.0;     ///< chance an eligible request is hit

  /// Hits the n-th request whose target contains `path` (only that one).
  static fault_rule on_nth(std::string path, std::uint64_t n, testing::fault f) {
    return fault_rule{f, std::move(path), n, 1, 1.0};
  }
  /// Hits every request whose target contains `path`, from the n-th on.
  static fault_rule from_nth(std::string path, std::uint64_t n, testing::fault f) {
    return fault_rule{f, std::move(path), n, 0, 1.0};
  }
  /// Hits each request whose target contains `path` with probability p.
  static fault_rule with_probability(std::string path, double p, testing::fault f) {
    return fault_rule{f, std::move(path), 1, 0, p};
  }
};

/// What a logged request was for.
enum class request_kind : std::uint8_t { create, status, cancel, list, download, webhook, other };

/// Name of a request kind ("create", "status", ...). Never throws.
constexpr std::string_view to_string(request_kind k) noexcept {
  switch (k) {
    case request_kind::create:
      return "create";
    case request_kind::status:
      return "status";
    case request_kind::cancel:
      return "cancel";
    case request_kind::list:
      return "list";
    case request_kind::download:
      return "download";
    case request_kind::webhook:
      return "webhook";
    case request_kind::other:
      return "other";
  }
  return "?";
}

/// One request the simulator answered (or dropped), or one webhook delivery attempt it made.
struct log_entry {
  std::chrono::steady_clock::time_point time{};  ///< when the answer was sent (or the attempt ended)
  std::string method{};                          ///< "GET", "POST", ...; "?" when the request was never parsed
  std::string path{};                            ///< request target as received; for webhooks the callback URL
  std::optional<provider_id> provider{};         ///< nullopt for downloads and unknown paths
  request_kind kind = request_kind::other;
  std::string task_id{};              ///< the task concerned, when there is one
  int status = 0;                     ///< HTTP status sent (0: none); webhooks: the receiver's (0: none)
  std::optional<fault_kind> fault{};  ///< the fault applied, if any
  std::string note{};                 ///< free text, e.g. "refused: not a loopback host", "attempt 2"
};

}  // namespace seedance::testing

// seedance/create_outcome.hpp - the money decisions about a create request that did not end in a readable
// answer, each made in one place:
//
// - may_have_created_task(): did a failed attempt perhaps create (and charge) a task? When it did, the failure
//   is errc::outcome_unknown and the request is never repeated. The transport, the client and the CLI all ask
//   this function (the transport and the client with what they know of the attempt, everyone else with the
//   error code the attempt ended with).
// - is_tasks_in_progress_limit(): does a 429 answer to a create say "too many tasks in progress" (so that the
//   client lowers its concurrency to what it had in flight), or does its body say it is about something else?
//
// No Asio, no OpenSSL: pure functions over plain facts.
#pragma once

#include <seedance/error.hpp>

#include <string_view>
#include <system_error>

namespace seedance {

/// How far one attempt at sending a request got before it failed: the facts may_have_created_task() decides
/// from.
struct send_progress {
  /// The request may be repeated without effect (GET, HEAD, PUT, DELETE, OPTIONS, TRACE). Such a request
  /// never creates a task.
  bool idempotent = false;
  /// Writing the request began. Before that (name resolution, connect, proxy CONNECT, TLS handshake, waiting
  /// for a pooled connection, a header refused by the serializer) the server cannot have seen it.
  bool request_written = false;
  /// The status of the response when its status line and headers arrived complete; 0 when they did not.
  int response_status = 0;
  /// A 2xx response was read whole and its body understood (it names the task, or an error in the
  /// provider's shape). Only read for 2xx.
  bool response_understood = false;
};

/// True when a failed attempt may have created a task at the provider, so that its outcome is unknown
/// (errc::outcome_unknown): the request must not be repeated, and whoever sent it must check the provider
/// before sending it again. The table:
///
/// | idempotent | written | response head       | understood | result                                       |
/// |------------|---------|---------------------|------------|----------------------------------------------|
/// | yes        | any     | any                 | any        | false: such a request creates nothing        |
/// | no         | no      | -                   | -          | false: the server never saw it               |
/// | no         | yes     | none (0)            | -          | true: processed or not, nobody can tell      |
/// | no         | yes     | 2xx                 | no         | true: accepted; the task's id was lost       |
/// | no         | yes     | 2xx                 | yes        | false: the answer is known                   |
/// | no         | yes     | 1xx, 3xx, 4xx, 5xx  | any        | false: the provider answered that it did not |
/// |            |         |                     |            | take the request (a 5xx is not repeated      |
/// |            |         |                     |            | either: see the client's money rules)        |
///
/// A 4xx or 5xx head whose body was cut short is still the provider's refusal: its status says so. Never
/// throws. Thread-safe.
constexpr bool may_have_created_task(const send_progress& p) noexcept {
  if (p.idempotent || !p.request_written) return false;
  if (p.response_status == 0) return true;
  if (p.response_status >= 200 && p.response_status < 300) return !p.response_understood;
  return false;
}

/// True when an operation that ended with `code` may have created a task: for callers holding only the
/// error (a create's caller deciding whether it may submit the same request again). The attempt itself was
/// judged by may_have_created_task(const send_progress&) where it failed, which reports it as
/// errc::outcome_unknown; cancellation and every other code are false. Never throws. Thread-safe.
inline bool may_have_created_task(const std::error_code& code) noexcept {
  return code == make_error_code(errc::outcome_unknown);
}

/// True when a 429 answer to a create (errc::rate_limited, with the details the provider's codec read from
/// it) means "too many tasks in progress": the body names the concurrency limit, or says nothing else. False
/// when the provider's code names a request rate or a quota instead (Ark `RateLimitExceeded.*`,
/// `QuotaExceeded`, codes with `RPM` or `TPM`, aihubmax `rate_limit_exceeded`): waiting for a task to end
/// frees no room there. Either way the create was not made. Never throws. Thread-safe.
inline bool is_tasks_in_progress_limit(const error_details& d) noexcept {
  if (d.concurrency_limit) return true;
  const std::string_view code = d.provider_code;
  for (std::string_view rate : {"RateLimitExceeded", "QuotaExceeded", "RPM", "TPM", "rate_limit_exceeded"})
    if (code.find(rate) != std::string_view::npos) return false;
  return true;
}

}  // namespace seedance

// seedance/http/error.hpp - the errors the transport reports when a request fails, built in one place: what
// failed ("POST host/path"), why, and whether the request may have been acted on (may_have_created_task()).
//
// No Asio, no OpenSSL.
#pragma once

#include <seedance/create_outcome.hpp>
#include <seedance/error.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace seedance::http {

/// The error for a request that failed after `progress`: errc::outcome_unknown when the request may have been
/// acted on (may_have_created_task(progress)), else `code`. Its text is "<what>: <why>" or
/// "<what>: outcome unknown: <why>; the server may have processed the request". details().retry_safe is true
/// when repeating it cannot act twice (an idempotent request, or nothing was written) and details().http_status
/// is the status of a response head that arrived. Never throws except std::bad_alloc. Thread-safe.
inline seedance::error send_error(std::string_view what, const send_progress& progress, errc code, std::string_view why,
                                  error_details details = {}) {
  details.retry_safe = progress.idempotent || !progress.request_written;
  if (progress.response_status != 0) details.http_status = progress.response_status;
  std::string text(what);
  if (may_have_created_task(progress)) {
    text += ": outcome unknown: ";
    text += why;
    text += "; the server may have processed the request";
    return seedance::error(errc::outcome_unknown, std::move(text), std::move(details));
  }
  text += ": ";
  text += why;
  return seedance::error(code, std::move(text), std::move(details));
}

/// The facts of a request that failed before any byte of it was written (connect, TLS, proxy, a wait for a
/// pooled connection): it cannot have been acted on, whatever its method. Never throws. Thread-safe.
constexpr send_progress nothing_sent() noexcept { return send_progress{.idempotent = false, .request_written = false}; }

}  // namespace seedance::http

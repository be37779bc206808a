// seedance/error.hpp - error codes, conditions and the exception type every operation reports with.
//
// No Asio, no OpenSSL: the asio-specific equivalences (operation_aborted is `condition::cancelled`) are
// expressed through std::errc so this header stays light.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace seedance {

/// Specific failures. Compare against `seedance::condition` for broad classes.
enum class errc {
  // Before any network I/O.
  invalid_request = 1,  ///< the request breaks a rule; details().problems lists every one
  unsupported,          ///< the provider cannot do this at all (e.g. cancel on Kinovi)
  // Transport.
  connect_failed = 20,  ///< DNS, TCP or proxy CONNECT failed before anything was sent
  tls_failed,           ///< TLS handshake or certificate verification failed
  connection_closed,    ///< the peer closed or reset the connection mid-exchange
  timeout,              ///< a connect, handshake or whole-request deadline passed
  idle_timeout,         ///< a response stopped moving for longer than the idle-read timeout
  protocol_error,       ///< the peer spoke malformed HTTP
  message_too_large,    ///< headers or body over the configured limit
  too_many_redirects,   ///< more than the allowed redirects
  insecure_redirect,    ///< a redirect to a non-https URL or with userinfo
  proxy_failed,         ///< the proxy refused CONNECT
  // Provider answered.
  unauthorized = 40,     ///< 401: key missing, invalid, inactive or expired
  forbidden,             ///< 403: access denied or API not enabled
  insufficient_credits,  ///< 402 or an overdue account
  not_found,             ///< 404: unknown task id or endpoint
  rate_limited,          ///< 429: too many requests or tasks in flight
  server_error,          ///< 5xx
  rejected,              ///< another 4xx the provider refused the request with
  bad_response,          ///< a 2xx body the library could not make sense of
  // Task outcome.
  task_failed = 60,   ///< the provider reports the generation failed (details carry its code/message)
  task_cancelled,     ///< the task was cancelled
  task_expired,       ///< the task expired before it finished
  deadline_exceeded,  ///< wait() reached its deadline; the task may still be running
  outcome_unknown,    ///< a create request may or may not have reached the provider: never retried
  // Download.
  output_expired = 80,  ///< the output URL answered 403/404/410: it expired
  file_exists,          ///< the target file exists and overwrite was not asked for
  io_error,             ///< writing, syncing or renaming the file failed
  invalid_video,        ///< the bytes are not an MP4 (no ftyp box) or shorter than Content-Length
};

/// The enumerator's own name, e.g. "outcome_unknown" for errc::outcome_unknown: a stable identifier for logs,
/// JSON output and exit reports (error_category().message() gives the human sentence instead). A value that
/// is no enumerator yields "?". Never throws; usable in constant expressions.
constexpr std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::invalid_request:
      return "invalid_request";
    case errc::unsupported:
      return "unsupported";
    case errc::connect_failed:
      return "connect_failed";
    case errc::tls_failed:
      return "tls_failed";
    case errc::connection_closed:
      return "connection_closed";
    case errc::timeout:
      return "timeout";
    case errc::idle_timeout:
      return "idle_timeout";
    case errc::protocol_error:
      return "protocol_error";
    case errc::message_too_large:
      return "message_too_large";
    case errc::too_many_redirects:
      return "too_many_redirects";
    case errc::insecure_redirect:
      return "insecure_redirect";
    case errc::proxy_failed:
      return "proxy_failed";
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
    case errc::server_error:
      return "server_error";
    case errc::rejected:
      return "rejected";
    case errc::bad_response:
      return "bad_response";
    case errc::task_failed:
      return "task_failed";
    case errc::task_cancelled:
      return "task_cancelled";
    case errc::task_expired:
      return "task_expired";
    case errc::deadline_exceeded:
      return "deadline_exceeded";
    case errc::outcome_unknown:
      return "outcome_unknown";
    case errc::output_expired:
      return "output_expired";
    case errc::file_exists:
      return "file_exists";
    case errc::io_error:
      return "io_error";
    case errc::invalid_video:
      return "invalid_video";
  }
  return "?";
}

/// Broad classes of failure, for `if (ec == seedance::condition::rate_limited)`.
enum class condition {
  transport = 1,
  timeout,
  rate_limited,
  auth,
  insufficient_credits,
  invalid_request,
  task_failed,
  outcome_unknown,
  cancelled,
};

}  // namespace seedance

template <>
struct std::is_error_code_enum<seedance::errc> : std::true_type {};
template <>
struct std::is_error_condition_enum<seedance::condition> : std::true_type {};

namespace seedance {

namespace detail {
class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "seedance"; }
  std::string message(int value) const override;
  std::error_condition default_error_condition(int value) const noexcept override;
};

class condition_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "seedance.condition"; }
  std::string message(int value) const override;
  bool equivalent(const std::error_code& code, int value) const noexcept override;
};
}  // namespace detail

/// The "seedance" error category. Thread-safe; lives for the whole program.
inline const std::error_category& error_category() noexcept {
  static const detail::error_category_impl instance;
  return instance;
}

/// The category of `seedance::condition`.
inline const std::error_category& condition_category() noexcept {
  static const detail::condition_category_impl instance;
  return instance;
}

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }
inline std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

/// One broken rule of a request: which field, which rule, and the offending value.
struct problem {
  std::string field{};  ///< e.g. "ratio", "images[2]", "prompt"
  std::string rule{};   ///< e.g. "seedance2.ink offers only 16:9, 9:16 and 1:1"
  std::string value{};  ///< the offending value as text (shortened if long)
};

/// Everything known about a failure. Never contains the API key.
struct error_details {
  int http_status = 0;             ///< 0 when no HTTP response was received
  std::string provider_code{};     ///< e.g. "InvalidParameter", "2038", "insufficient_quota"
  std::string provider_message{};  ///< the provider's own text
  std::string provider_type{};     ///< e.g. "invalid_request_error"
  std::string param{};             ///< the field the provider blamed, when it says
  std::string task_id{};           ///< the task concerned, when known
  std::string request_id{};        ///< provider request id (header or body), when known
  bool retry_safe = false;         ///< true when repeating the operation cannot create a second paid task
  std::optional<std::chrono::seconds> retry_after{};  ///< from Retry-After, when sent
  std::optional<double> credits_required{};           ///< Kinovi 402 `required`
  std::optional<double> credits_available{};          ///< Kinovi 402 `available`
  std::optional<int> concurrency_limit{};             ///< Kinovi 429 `limit`
  std::optional<int> concurrency_current{};           ///< Kinovi 429 `current`
  std::vector<problem> problems{};                    ///< validation problems, all at once
};

/// Maps an HTTP error status to the library's code: 400/422 rejected (invalid_request when the provider
/// names a validation failure is decided by the codec), 401 unauthorized, 402 insufficient_credits,
/// 403 forbidden, 404 not_found, 408 timeout, 429 rate_limited, 5xx server_error. Never throws.
constexpr errc errc_from_http_status(int status) noexcept {
  switch (status) {
    case 401:
      return errc::unauthorized;
    case 402:
      return errc::insufficient_credits;
    case 403:
      return errc::forbidden;
    case 404:
      return errc::not_found;
    case 408:
      return errc::timeout;
    case 429:
      return errc::rate_limited;
    default:
      break;
  }
  if (status >= 500) return errc::server_error;
  return errc::rejected;
}

/// The exception every throwing operation uses. `what()` is a one-line message naming what failed and why;
/// `details()` carries the structured facts. Copyable, thread-compatible.
class error : public std::system_error {
 public:
  error(std::error_code code, std::string what, error_details details = {})
      : std::system_error(code, what), text_(std::move(what)), details_(std::move(details)) {}
  error(errc code, std::string what, error_details details = {})
      : error(make_error_code(code), std::move(what), std::move(details)) {}

  /// Structured facts about the failure.
  const error_details& details() const noexcept { return details_; }
  error_details& details() noexcept { return details_; }

  /// The message as given, without the ": <category message>" suffix std::system_error adds to what().
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
  error_details details_;
};

/// Replaces every occurrence of `secret` in `text` with "[redacted]". Used on every message built from
/// provider or user text so a key echoed back by a server never reaches a log. Never throws except bad_alloc.
inline std::string redact(std::string text, std::string_view secret) {
  if (secret.size() < 4) return text;  // too short to be a key; avoid mangling ordinary words
  for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos))
    text.replace(pos, secret.size(), "[redacted]"), pos += 10;
  return text;
}

/// `text` with the secret removed: every occurrence of it, and every run of 8 or more characters that matches a
/// piece of it (what is left of a key in a message cut to length, such as "Bearer sk-abc123456..."), becomes
/// "[redacted]". Secrets shorter than 8 characters are only removed whole (see redact()). Never throws except
/// bad_alloc. Thread-safe.
inline std::string scrub_secret(std::string text, std::string_view secret) {
  constexpr std::size_t min_run = 8;
  if (secret.size() < min_run) return redact(std::move(text), secret);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t longest = 0;
    for (std::size_t j = 0; j + longest < secret.size(); ++j) {
      std::size_t n = 0;
      while (i + n < text.size() && j + n < secret.size() && text[i + n] == secret[j + n]) ++n;
      if (n > longest) longest = n;
    }
    if (longest >= min_run) {
      out += "[redacted]";
      i += longest;
    } else {
      out += text[i++];
    }
  }
  return out;
}

inline std::string detail::error_category_impl::message(int value) const {
  switch (static_cast<errc>(value)) {
    case errc::invalid_request:
      return "invalid request";
    case errc::unsupported:
      return "not supported by this provider";
    case errc::connect_failed:
      return "could not connect";
    case errc::tls_failed:
      return "TLS handshake or certificate verification failed";
    case errc::connection_closed:
      return "connection closed by peer";
    case errc::timeout:
      return "timed out";
    case errc::idle_timeout:
      return "no data received within the idle timeout";
    case errc::protocol_error:
      return "malformed HTTP from peer";
    case errc::message_too_large:
      return "HTTP message over the configured limit";
    case errc::too_many_redirects:
      return "too many redirects";
    case errc::insecure_redirect:
      return "redirect to an insecure or invalid URL refused";
    case errc::proxy_failed:
      return "proxy refused the tunnel";
    case errc::unauthorized:
      return "unauthorized: check the API key";
    case errc::forbidden:
      return "forbidden";
    case errc::insufficient_credits:
      return "insufficient credits";
    case errc::not_found:
      return "not found";
    case errc::rate_limited:
      return "rate limited";
    case errc::server_error:
      return "provider server error";
    case errc::rejected:
      return "request rejected by provider";
    case errc::bad_response:
      return "unexpected response from provider";
    case errc::task_failed:
      return "generation task failed";
    case errc::task_cancelled:
      return "generation task cancelled";
    case errc::task_expired:
      return "generation task expired";
    case errc::deadline_exceeded:
      return "deadline exceeded while waiting";
    case errc::outcome_unknown:
      return "outcome unknown: the request may have created a task";
    case errc::output_expired:
      return "output URL expired";
    case errc::file_exists:
      return "target file exists";
    case errc::io_error:
      return "file I/O failed";
    case errc::invalid_video:
      return "downloaded data is not a complete MP4";
  }
  return "unknown seedance error";
}

inline std::error_condition detail::error_category_impl::default_error_condition(int value) const noexcept {
  switch (static_cast<errc>(value)) {
    case errc::invalid_request:
    case errc::unsupported:
    case errc::rejected:
      return condition::invalid_request;
    case errc::connect_failed:
    case errc::tls_failed:
    case errc::connection_closed:
    case errc::protocol_error:
    case errc::message_too_large:
    case errc::too_many_redirects:
    case errc::insecure_redirect:
    case errc::proxy_failed:
    case errc::server_error:
    case errc::bad_response:
      return condition::transport;
    case errc::timeout:
    case errc::idle_timeout:
    case errc::deadline_exceeded:
      return condition::timeout;
    case errc::unauthorized:
    case errc::forbidden:
      return condition::auth;
    case errc::insufficient_credits:
      return condition::insufficient_credits;
    case errc::rate_limited:
      return condition::rate_limited;
    case errc::task_failed:
    case errc::task_expired:
      return condition::task_failed;
    case errc::task_cancelled:
      return condition::cancelled;
    case errc::outcome_unknown:
      return condition::outcome_unknown;
    default:
      break;
  }
  return {value, *this};
}

inline std::string detail::condition_category_impl::message(int value) const {
  switch (static_cast<condition>(value)) {
    case condition::transport:
      return "transport failure";
    case condition::timeout:
      return "timeout";
    case condition::rate_limited:
      return "rate limited";
    case condition::auth:
      return "authentication or permission failure";
    case condition::insufficient_credits:
      return "insufficient credits";
    case condition::invalid_request:
      return "invalid request";
    case condition::task_failed:
      return "task failed";
    case condition::outcome_unknown:
      return "outcome unknown";
    case condition::cancelled:
      return "cancelled";
  }
  return "unknown condition";
}

inline bool detail::condition_category_impl::equivalent(const std::error_code& code, int value) const noexcept {
  // Codes of any category that maps itself onto our conditions (ours, the HTTP parser's) compare directly.
  if (code.category().default_error_condition(code.value()).category() == *this)
    return code.category().default_error_condition(code.value()).value() == value;
  // Asio reports OS errors through the system/generic categories, or (standalone Asio) through its own
  // "asio.system" category whose values are errno values without a generic mapping.
  auto generic = code.default_error_condition();
  if (std::string_view(code.category().name()) == "asio.system")
    generic = std::error_condition(code.value(), std::generic_category());
  if (generic.category() != std::generic_category()) return false;
  switch (static_cast<condition>(value)) {
    case condition::cancelled:
      return generic == std::errc::operation_canceled;
    case condition::timeout:
      return generic == std::errc::timed_out;
    case condition::transport:
      return generic == std::errc::connection_refused || generic == std::errc::connection_reset ||
             generic == std::errc::connection_aborted || generic == std::errc::broken_pipe ||
             generic == std::errc::network_unreachable || generic == std::errc::host_unreachable ||
             generic == std::errc::not_connected;
    default:
      return false;
  }
}

}  // namespace seedance

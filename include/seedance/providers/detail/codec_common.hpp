// seedance/providers/detail/codec_common.hpp - pieces every provider codec needs: Retry-After and HTTP-date
// parsing, HTTP status to error mapping, request checks that collect every problem, JSON body helpers and
// percent-encoded targets. Pure functions, no I/O.
#pragma once

#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/providers/detail/json_read.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance::detail::codec {

// ---------------------------------------------------------------------------------------------------------------
// Text

/// `text` made safe for a one-line message: control characters become spaces and it is cut (on a UTF-8
/// boundary) to at most `max_bytes`, with "..." appended when cut. Never throws except bad_alloc.
inline std::string one_line(std::string_view text, std::size_t max_bytes = 300) {
  bool cut = false;
  if (text.size() > max_bytes) {
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // not inside a code point
    text = text.substr(0, end);
    cut = true;
  }
  std::string out(text);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  if (cut) out += "...";
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Retry-After and HTTP dates

/// Longest wait a Retry-After header can impose; larger values (or dates further away) are cut to this.
inline constexpr std::chrono::seconds retry_after_cap{3600};

namespace date_parts {
/// ASCII digit / letter tests (locale-free).
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// Reads exactly `n` digits at `pos` (a leading space counts as 0 when `space_pad`); advances `pos`.
constexpr std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n, bool space_pad = false) {
  if (pos + n > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (space_pad && i == 0 && c == ' ') continue;
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

/// Consumes `c` at `pos` when it is there.
constexpr bool expect(std::string_view s, std::size_t& pos, char c) noexcept {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

/// Month number 1..12 of a three-letter English abbreviation (case-insensitive) at `pos`.
constexpr std::optional<unsigned> month(std::string_view s, std::size_t& pos) noexcept {
  constexpr std::array<std::string_view, 12> names{"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
  if (pos + 3 > s.size()) return std::nullopt;
  for (unsigned i = 0; i < names.size(); ++i)
    if (seedance::detail::iequals(s.substr(pos, 3), names[i])) {
      pos += 3;
      return i + 1;
    }
  return std::nullopt;
}

/// "HH:MM:SS" at `pos` as seconds since midnight (a leap second 60 is accepted).
constexpr std::optional<int> time_of_day(std::string_view s, std::size_t& pos) {
  const auto h = digits(s, pos, 2);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  const auto m = digits(s, pos, 2);
  if (!m || !expect(s, pos, ':')) return std::nullopt;
  const auto sec = digits(s, pos, 2);
  if (!sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *sec;
}

/// Consumes "GMT" (or "UTC", tolerated) at `pos`.
constexpr bool zone_gmt(std::string_view s, std::size_t& pos) noexcept {
  if (pos + 3 > s.size()) return false;
  const auto zone = s.substr(pos, 3);
  if (!seedance::detail::iequals(zone, "GMT") && !seedance::detail::iequals(zone, "UTC")) return false;
  pos += 3;
  return true;
}
}  // namespace date_parts

/// Parses an HTTP-date (RFC 9110 section 5.6.7) in any of its three forms: IMF-fixdate
/// "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and asctime
/// "Sun Nov  6 08:49:37 1994". The weekday name is not cross-checked. A two-digit year is taken from the
/// century that puts it at most 50 years after `now`. Dates system_clock cannot hold saturate to its min()/max().
/// Returns nullopt for anything else. Never throws.
inline std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view text, std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) noexcept {
  using namespace std::chrono;
  using date_parts::digits;
  using date_parts::expect;
  using date_parts::time_of_day;
  using date_parts::zone_gmt;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::size_t pos = 0;
  while (pos < text.size() && date_parts::is_alpha(text[pos])) ++pos;  // weekday
  if (pos < 3) return std::nullopt;
  std::optional<int> day_value, year_value, seconds_value;
  std::optional<unsigned> month_value;
  if (expect(text, pos, ',')) {
    if (!expect(text, pos, ' ')) return std::nullopt;
    day_value = digits(text, pos, 2);
    if (!day_value) return std::nullopt;
    if (expect(text, pos, ' ')) {  // IMF-fixdate
      month_value = date_parts::month(text, pos);
      if (!month_value || !expect(text, pos, ' ')) return std::nullopt;
      year_value = digits(text, pos, 4);
    } else if (expect(text, pos, '-')) {  // RFC 850
      month_value = date_parts::month(text, pos);
      if (!month_value || !expect(text, pos, '-')) return std::nullopt;
      const auto yy = digits(text, pos, 2);
      if (!yy) return std::nullopt;
      const int this_year = static_cast<int>(year_month_day(floor<days>(now)).year());
      int year = this_year - this_year % 100 + *yy;
      if (year > this_year + 50) year -= 100;
      year_value = year;
    } else {
      return std::nullopt;
    }
    if (!year_value || !expect(text, pos, ' ')) return std::nullopt;
    seconds_value = time_of_day(text, pos);
    if (!seconds_value || !expect(text, pos, ' ') || !zone_gmt(text, pos)) return std::nullopt;
  } else {  // asctime
    if (!expect(text, pos, ' ')) return std::nullopt;
    month_value = date_parts::month(text, pos);
    if (!month_value || !expect(text, pos, ' ')) return std::nullopt;
    day_value = digits(text, pos, 2, /*space_pad=*/true);
    if (!day_value || !expect(text, pos, ' ')) return std::nullopt;
    seconds_value = time_of_day(text, pos);
    if (!seconds_value || !expect(text, pos, ' ')) return std::nullopt;
    year_value = digits(text, pos, 4);
    if (!year_value) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const year_month_day date{year{*year_value}, std::chrono::month{*month_value},
                            day{static_cast<unsigned>(*day_value)}};
  if (!date.ok()) return std::nullopt;
  // Saturate outside what system_clock holds (about 1678..2261 with nanosecond ticks) instead of overflowing.
  constexpr auto first_day = ceil<days>(system_clock::time_point::min()) + days(1);
  constexpr auto last_day = floor<days>(system_clock::time_point::max()) - days(1);
  const sys_days day_point(date);
  if (day_point < first_day) return system_clock::time_point::min();
  if (day_point > last_day) return system_clock::time_point::max();
  return system_clock::time_point(day_point) + seconds(*seconds_value);
}

/// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date (any form parse_http_date accepts), which
/// is turned into the wait from `now` (a date in the past gives 0 s). The result is cut to `cap`. Returns
/// nullopt for an empty or malformed value (negative numbers, fractions, garbage). Never throws.
inline std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
    std::chrono::seconds cap = retry_after_cap) noexcept {
  using namespace std::chrono;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : value) all_digits = all_digits && date_parts::is_digit(c);
  if (all_digits) {
    std::int64_t n = 0;
    for (char c : value) {
      n = n * 10 + (c - '0');
      if (n > cap.count()) return cap;  // also stops overflow on absurdly long values
    }
    return seconds(n);
  }
  const auto date = parse_http_date(value, now);
  if (!date) return std::nullopt;
  if (*date <= now) return seconds(0);
  const auto wait = ceil<seconds>(*date - now);
  return wait > cap ? cap : wait;
}

// ---------------------------------------------------------------------------------------------------------------
// Task states

/// One provider status string and the normalised state it means.
struct state_name {
  std::string_view wire;
  task_state state;
};

/// The state `wire` means in `table` (ASCII case-insensitive); task_state::unknown when absent. Never throws.
template <std::size_t N>
constexpr task_state map_state(std::string_view wire, const std::array<state_name, N>& table) noexcept {
  for (const auto& entry : table)
    if (seedance::detail::iequals(entry.wire, wire)) return entry.state;
  return task_state::unknown;
}

/// Epoch time of member `key`, in milliseconds when the number is at least 1e11 and in seconds otherwise (1e11
/// seconds is year 5138, 1e11 ms is 1973), so either unit is read right. nullopt when missing or not a
/// non-negative integer in range. Never throws.
inline std::optional<std::chrono::system_clock::time_point> epoch_auto_at(const boost::json::value& v,
                                                                          std::string_view key) noexcept {
  const auto n = json::integer_at(v, key, 0);
  if (!n) return std::nullopt;
  return json::epoch_at(v, key, /*milliseconds=*/*n >= 100'000'000'000);
}

// ---------------------------------------------------------------------------------------------------------------
// Request checks

/// Collects every problem of a request, then throws them together. Thread-compatible.
class problem_list {
 public:
  /// Records a broken rule: the request field, the rule in words, and the offending value (shortened).
  void add(std::string field, std::string rule, std::string_view value = {}) {
    problems_.push_back(problem{std::move(field), std::move(rule), one_line(value, 80)});
  }
  /// True while no problem was recorded.
  bool empty() const noexcept { return problems_.empty(); }
  /// The problems recorded so far, in order.
  const std::vector<problem>& problems() const noexcept { return problems_; }

  /// Throws seedance::error(errc::invalid_request) naming every problem when there is any; the message starts
  /// with "<provider>: ". details().problems holds them all.
  void throw_if_any(std::string_view provider) const {
    if (problems_.empty()) return;
    std::string what(provider);
    what += ": invalid request: ";
    for (std::size_t i = 0; i < problems_.size(); ++i) {
      const auto& p = problems_[i];
      if (i != 0) what += "; ";
      what += p.field + ": " + p.rule;
      if (!p.value.empty()) what += " (got " + p.value + ")";
    }
    error_details details;
    details.problems = problems_;
    throw error(errc::invalid_request, std::move(what), std::move(details));
  }

 private:
  std::vector<problem> problems_;
};

/// Runs the library's one rule path (validate()) on a request about to be encoded for provider `id`, and throws
/// seedance::error(errc::invalid_request) naming every problem, the message starting with "<provider>: ", when
/// there is any. Codecs call this first and then only encode. Throws only that error or bad_alloc.
inline void check_create(std::string_view provider, provider_id id, const request& r,
                         const provider_options& options = {}) {
  std::vector<problem> problems = validate(id, r, options);
  if (problems.empty()) return;
  problem_list list;
  for (problem& p : problems) list.add(std::move(p.field), std::move(p.rule), p.value);
  list.throw_if_any(provider);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON bodies

/// Parses `body` as a JSON object (nesting at most 64 deep). Throws seedance::error(errc::bad_response) with a
/// message starting with `what` when it is not JSON or not an object.
inline boost::json::value parse_object(std::string_view body, std::string_view what) {
  auto value = json::parse_body(body, what);
  if (!value.is_object()) throw error(errc::bad_response, std::string(what) + ": body is not a JSON object");
  return value;
}

/// Parses `body` as JSON without throwing (same limits as parse_object); nullopt when it is not JSON.
inline std::optional<boost::json::value> try_parse(std::string_view body) noexcept {
  try {
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 64;
    auto value = boost::json::parse(body, ec, {}, options);
    if (ec) return std::nullopt;
    return value;
  } catch (...) {  // bad_alloc only; the caller reports "not JSON"
    return std::nullopt;
  }
}

/// `urls` as a JSON array of strings.
inline boost::json::array string_array(const std::vector<std::string>& urls) {
  boost::json::array out;
  out.reserve(urls.size());
  for (const auto& url : urls) out.emplace_back(url);
  return out;
}

/// Applies `patch` to `target` as a JSON Merge Patch (RFC 7386): members set to null are removed, objects
/// are merged recursively, anything else replaces. Used for `request::extra`. Never throws except bad_alloc.
inline void merge_patch(boost::json::object& target, const boost::json::object& patch) {
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      target.erase(key);
    } else if (const auto* nested = value.if_object()) {
      auto& slot = target[key];
      if (!slot.is_object()) slot = boost::json::object();
      merge_patch(slot.get_object(), *nested);
    } else {
      target[key] = value;
    }
  }
}

/// Member `key` of `v` when it is a JSON object (else nullptr).
inline const boost::json::object* object_at(const boost::json::value& v, std::string_view key) noexcept {
  const auto* m = json::member(v, key);
  return m ? m->if_object() : nullptr;
}

/// Member `key` of `v` when it is a JSON array (else nullptr).
inline const boost::json::array* array_at(const boost::json::value& v, std::string_view key) noexcept {
  const auto* m = json::member(v, key);
  return m ? m->if_array() : nullptr;
}

/// A string member that is present and not empty (numbers rendered as text), else nullopt.
inline std::optional<std::string> nonempty_string_at(const boost::json::value& v, std::string_view key) {
  auto s = json::string_at(v, key);
  if (s && s->empty()) return std::nullopt;
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP requests and targets

/// A POST of `body` (serialized compactly) to `target` with Content-Type: application/json.
inline http::request json_post(std::string target, const boost::json::value& body) {
  http::request out;
  out.method = http::method::post;
  out.target = std::move(target);
  out.headers.set("Content-Type", "application/json");
  out.body = boost::json::serialize(body);
  return out;
}

/// A GET of `target` without a body.
inline http::request get_request(std::string target) {
  http::request out;
  out.method = http::method::get;
  out.target = std::move(target);
  return out;
}

/// Throws seedance::error(errc::invalid_request) naming task_id when it is empty, or (`in_path`) when it is
/// "." or "..", which a server would read as a relative path step.
inline void check_task_id(std::string_view provider, std::string_view task_id, bool in_path) {
  problem_list problems;
  if (task_id.empty())
    problems.add("task_id", "must not be empty");
  else if (in_path && (task_id == "." || task_id == ".."))
    problems.add("task_id", "must not be \".\" or \"..\"", task_id);
  problems.throw_if_any(provider);
}

/// `path` followed by one more segment holding `segment` percent-encoded (every byte outside the RFC 3986
/// unreserved set, "/" included), e.g. ("/v1/tasks", "a/b c") -> "/v1/tasks/a%2Fb%20c".
inline std::string path_with_segment(std::string_view path, std::string_view segment) {
  boost::urls::url url;
  url.set_path(path);
  url.encoded_segments().push_back(boost::urls::encode(segment, boost::urls::unreserved_chars));
  return std::string(url.buffer());
}

/// `path` with the query `key=value`, the value percent-encoded (every byte outside the RFC 3986 unreserved
/// set, so "+", "&", "=" and "#" survive), e.g. ("/jobs/recordInfo", "taskId", "a+b") ->
/// "/jobs/recordInfo?taskId=a%2Bb".
inline std::string path_with_query(std::string_view path, std::string_view key, std::string_view value) {
  boost::urls::url url;
  url.set_path(path);
  url.encoded_params().append({boost::urls::encode(key, boost::urls::unreserved_chars),
                               boost::urls::encode(value, boost::urls::unreserved_chars)});
  return std::string(url.buffer());
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/// The facts every error response carries: http_status, request_id (X-Request-Id or Request-Id header),
/// retry_after (Retry-After header, capped) and retry_safe (true for 4xx and 503: the provider refused the
/// request, so no task was created by it). Never throws except bad_alloc.
inline error_details response_details(const http::response& r,
                                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
  error_details details;
  details.http_status = r.status;
  if (auto id = r.headers.find("X-Request-Id"))
    details.request_id = one_line(*id, 200);
  else if (auto id2 = r.headers.find("Request-Id"))
    details.request_id = one_line(*id2, 200);
  if (auto retry = r.headers.find("Retry-After")) details.retry_after = parse_retry_after(*retry, now);
  details.retry_safe = (r.status >= 400 && r.status < 500) || r.status == 503;
  return details;
}

/// A seedance::error for a provider failure with the one-line message
/// "<provider>: HTTP <status>: <errc message>: <provider message>" (parts left out when unknown).
inline error make_provider_error(std::string_view provider, errc code, error_details details) {
  std::string what(provider);
  what += ": ";
  if (details.http_status != 0) what += "HTTP " + std::to_string(details.http_status) + ": ";
  what += make_error_code(code).message();
  if (!details.provider_message.empty()) what += ": " + one_line(details.provider_message, 300);
  if (!details.provider_code.empty()) what += " [" + one_line(details.provider_code, 60) + "]";
  return error(code, std::move(what), std::move(details));
}

/// Throws seedance::error(errc::bad_response, "<provider>: <what>").
[[noreturn]] inline void throw_bad_response(std::string_view provider, std::string_view what) {
  throw error(errc::bad_response, std::string(provider) + ": " + std::string(what));
}

}  // namespace seedance::detail::codec

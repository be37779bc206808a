// seedance/providers/detail/json_read.hpp - tolerant readers over Boost.JSON values for the codecs.
// Providers send numbers as strings and strings as numbers; optional fields may be null or missing.
#pragma once

#include <seedance/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seedance::detail::json {

/// Parses a provider body; throws seedance::error(bad_response) naming `what` when it is not JSON.
inline boost::json::value parse_body(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  auto v = boost::json::parse(body, ec, {}, opts);
  if (ec) throw error(errc::bad_response, std::string(what) + ": body is not JSON (" + ec.message() + ")");
  return v;
}

/// Member `key` of `v` when `v` is an object and the member exists and is not null.
inline const boost::json::value* member(const boost::json::value& v, std::string_view key) noexcept {
  const auto* obj = v.if_object();
  if (!obj) return nullptr;
  const auto* m = obj->if_contains(key);
  if (!m || m->is_null()) return nullptr;
  return m;
}

/// A string member; numbers and bools are rendered as text. nullopt when missing/null/other.
inline std::optional<std::string> string_of(const boost::json::value* m) {
  if (!m) return std::nullopt;
  if (const auto* s = m->if_string()) return std::string(s->data(), s->size());
  if (m->is_int64()) return std::to_string(m->get_int64());
  if (m->is_uint64()) return std::to_string(m->get_uint64());
  if (m->is_double()) {
    const double d = m->get_double();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
      return std::to_string(static_cast<std::int64_t>(d));
    return std::to_string(d);
  }
  if (m->is_bool()) return std::string(m->get_bool() ? "true" : "false");
  return std::nullopt;
}
inline std::optional<std::string> string_at(const boost::json::value& v, std::string_view key) {
  return string_of(member(v, key));
}

/// A number member; numeric strings are parsed. nullopt when missing/null/not numeric/not finite.
inline std::optional<double> number_of(const boost::json::value* m) noexcept {
  if (!m) return std::nullopt;
  if (m->is_int64()) return static_cast<double>(m->get_int64());
  if (m->is_uint64()) return static_cast<double>(m->get_uint64());
  if (m->is_double()) return std::isfinite(m->get_double()) ? std::optional<double>(m->get_double()) : std::nullopt;
  if (const auto* s = m->if_string()) {
    if (s->empty() || s->size() > 40) return std::nullopt;
    std::string text(s->data(), s->size());
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(d)) return std::nullopt;
    return d;
  }
  return std::nullopt;
}
inline std::optional<double> number_at(const boost::json::value& v, std::string_view key) noexcept {
  return number_of(member(v, key));
}

/// An integer member within [lo, hi]; fractional or out-of-range values give nullopt.
inline std::optional<std::int64_t> integer_at(const boost::json::value& v, std::string_view key,
                                              std::int64_t lo = INT64_MIN / 2,
                                              std::int64_t hi = INT64_MAX / 2) noexcept {
  if (const auto* m = member(v, key); m && m->is_int64()) {
    const auto i = m->get_int64();
    return (i >= lo && i <= hi) ? std::optional<std::int64_t>(i) : std::nullopt;
  }
  const auto d = number_at(v, key);
  if (!d || *d != std::floor(*d) || *d < static_cast<double>(lo) || *d > static_cast<double>(hi)) return std::nullopt;
  return static_cast<std::int64_t>(*d);
}

/// A bool member; "true"/"false" strings and 0/1 accepted.
inline std::optional<bool> bool_at(const boost::json::value& v, std::string_view key) noexcept {
  const auto* m = member(v, key);
  if (!m) return std::nullopt;
  if (m->is_bool()) return m->get_bool();
  if (const auto* s = m->if_string()) {
    if (*s == "true") return true;
    if (*s == "false") return false;
  }
  if (m->is_int64() && (m->get_int64() == 0 || m->get_int64() == 1)) return m->get_int64() == 1;
  return std::nullopt;
}

/// Epoch timestamp in seconds or milliseconds (numbers or numeric strings) to a time_point.
inline std::optional<std::chrono::system_clock::time_point> epoch_at(const boost::json::value& v, std::string_view key,
                                                                     bool milliseconds) noexcept {
  using namespace std::chrono;
  // Bounded by what system_clock can hold (year 2262 with nanosecond ticks): larger values would overflow.
  constexpr std::int64_t max_seconds = duration_cast<seconds>(system_clock::duration::max()).count() - 1;
  const auto n = integer_at(v, key, 0, milliseconds ? max_seconds * 1000 : max_seconds);
  if (!n) return std::nullopt;
  return milliseconds ? system_clock::time_point(duration_cast<system_clock::duration>(std::chrono::milliseconds(*n)))
                      : system_clock::time_point(duration_cast<system_clock::duration>(std::chrono::seconds(*n)));
}

}  // namespace seedance::detail::json

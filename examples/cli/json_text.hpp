// examples/cli/json_text.hpp - JSON text for the program's output, with numbers as people write them.
//
// boost::json::serialize() writes every double in exponent form (a credit amount of 200 becomes `2E2`, $2.075
// becomes `2.075E0`): valid JSON, but not what a reader or a `jq` filter expects. json_text() writes the same
// value with doubles in plain decimal form, the shortest that reads back to the same double.
//
// Pure: only Boost.JSON and the standard library.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

namespace seedance_cli {

/// `d` in plain decimal, the shortest text that reads back to the same double: 200 -> "200", 2.075 ->
/// "2.075", 0.1 -> "0.1", never "2E2". NaN and infinities (which JSON cannot hold) give "null". Throws only
/// std::bad_alloc. Thread-safe.
inline std::string plain_number(double d) {
  if (!std::isfinite(d)) return "null";
  if (d == 0) d = 0;  // "-0" is no amount anyone means
  char buffer[400];   // the longest fixed form of a finite double (about 1.8e308) fits
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::fixed);
  if (ec != std::errc()) return "null";
  return std::string(buffer, end);
}

namespace detail {

inline void append_json(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case boost::json::kind::double_:
      out += plain_number(v.get_double());
      return;
    case boost::json::kind::string:
      out += boost::json::serialize(v.get_string());  // quoting and escaping as Boost.JSON does it
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(member.key());
        out += ':';
        append_json(out, member.value());
      }
      out += '}';
      return;
    }
  }
}

}  // namespace detail

/// `v` as compact JSON text, like boost::json::serialize() except that doubles are written in plain decimal
/// ("amount":200, "amount":2.075), never in exponent form; NaN and infinities become null. Throws only
/// std::bad_alloc. Thread-safe (no shared state).
inline std::string json_text(const boost::json::value& v) {
  std::string out;
  detail::append_json(out, v);
  return out;
}

}  // namespace seedance_cli

// examples/cli/common.hpp - what the commands (commands.hpp) and `seedance batch` (batch.hpp) both use: the
// client type, the output streams, the failure that ends a command, and how errors and costs are written.
//
// Included by both; includes neither, so the two never include each other.
#pragma once

#include "exit_codes.hpp"
#include "json_text.hpp"

#include <seedance/seedance.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

namespace seedance_cli {

using client_type = seedance::client<seedance::any_provider>;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// The streams the program writes to and what they are connected to.
struct terminal {
  std::ostream& out;        ///< results and --json events
  std::ostream& err;        ///< progress, notes and errors
  bool err_is_tty = false;  ///< draw progress bars
  std::size_t width = 80;   ///< terminal columns
};

/// A failure that ends a command: the exit code and the one-line message.
struct command_failure {
  exit_code code = exit_code::transport;
  std::string message{};
  std::string code_name{};  ///< e.g. "invalid_request", for --json
};

/// The symbolic name of an error code for --json and the journal: the library's name for its own codes
/// ("invalid_request", ...), "cancelled" for a cancellation, "system" for anything else. Never throws except
/// bad_alloc.
inline std::string code_name(const std::error_code& ec) {
  if (ec.category() != seedance::error_category()) return ec == seedance::condition::cancelled ? "cancelled" : "system";
  const std::string_view name = seedance::to_string(static_cast<seedance::errc>(ec.value()));
  return name == "?" ? std::string("error") : std::string(name);
}

/// The one-line message of an error, without the " : <category message>" std::system_error appends.
inline std::string message_of(const std::system_error& e) {
  std::string text = e.what();
  const std::string suffix = ": " + e.code().message();
  // (A rethrown error can carry the suffix twice: strip every trailing copy.)
  while (text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0)
    text.resize(text.size() - suffix.size());
  return text;
}

/// "$0.80", "$2.075", "$0.7623": whole cents with two decimals, finer amounts with up to four (a price of
/// $0.005 per credit makes half cents common). Never throws except bad_alloc.
inline std::string format_usd(double amount) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << amount;
  const double cents = amount * 100;
  if (std::abs(cents - std::round(cents)) > 1e-6) {
    s.str("");
    s << std::setprecision(4) << amount;
    std::string text = s.str();
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return "$" + text;
  }
  return "$" + s.str();
}

/// "40 credits", "2.5 credits", "108900 tokens", "$0.76", "1.20 CNY". Never throws except bad_alloc.
inline std::string format_cost(const seedance::cost& c) {
  std::ostringstream s;
  switch (c.unit) {
    case seedance::cost_unit::credits:
      s << plain_number(c.amount) << " credits";
      break;
    case seedance::cost_unit::tokens:
      s << std::fixed << std::setprecision(0) << c.amount << " tokens";
      break;
    case seedance::cost_unit::usd:
      s << format_usd(c.amount);
      break;
    case seedance::cost_unit::cny:
      s << std::fixed << std::setprecision(2) << c.amount << " CNY";
      break;
  }
  return s.str();
}

/// How a dollar figure follows from the native one: "415 credits at $0.005 per credit", "108900 tokens at $7
/// per million tokens". Empty when `native` is no credit or token amount, or is zero. Never throws except
/// bad_alloc.
inline std::string usd_rate_text(const seedance::cost& native, const seedance::cost& usd) {
  if (native.amount <= 0 || usd.unit != seedance::cost_unit::usd) return {};
  std::ostringstream rate;
  rate << std::setprecision(6);  // the published unit prices have few digits; hide the division's noise
  switch (native.unit) {
    case seedance::cost_unit::credits:
      rate << usd.amount / native.amount;
      return format_cost(native) + " at $" + rate.str() + " per credit";
    case seedance::cost_unit::tokens:
      rate << usd.amount / native.amount * 1e6;
      return format_cost(native) + " at $" + rate.str() + " per million tokens";
    default:
      return {};
  }
}

}  // namespace seedance_cli

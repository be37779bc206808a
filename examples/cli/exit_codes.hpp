// examples/cli/exit_codes.hpp - the exit codes of the `seedance` program and how errors map onto them.
//
// Pure: only <seedance/error.hpp> and the standard library.
#pragma once

#include <seedance/error.hpp>

#include <string_view>
#include <system_error>

namespace seedance_cli {

/// Documented exit codes (also printed by `seedance --help` and listed in the README).
enum class exit_code : int {
  ok = 0,               ///< everything asked for was done
  task_failed = 1,      ///< the provider ran the task and it failed, was cancelled or expired
  usage = 2,            ///< bad command line or invalid input; nothing was sent
  auth = 3,             ///< the API key is missing, refused, or the account lacks credits
  transport = 4,        ///< network, TLS, or an error answer of the provider
  deadline = 5,         ///< --deadline passed while waiting; the task may still be running
  outcome_unknown = 6,  ///< a create request may or may not have created (and charged) a task
  interrupted = 130,    ///< stopped by Ctrl-C / SIGINT / SIGTERM
};

/// The process exit status of `code`. Never throws.
constexpr int to_int(exit_code code) noexcept { return static_cast<int>(code); }

/// The exit codes and one line each, in the order of the help text. Never throws.
struct exit_code_row {
  exit_code code;
  std::string_view meaning;
};
inline constexpr exit_code_row exit_code_table[] = {
    {exit_code::ok, "success"},
    {exit_code::task_failed, "the task failed, was cancelled or expired (batch: some lines failed)"},
    {exit_code::usage, "usage error or invalid input; nothing was sent"},
    {exit_code::auth, "no API key, key refused, or not enough credits"},
    {exit_code::transport, "network, TLS or provider error"},
    {exit_code::deadline, "--deadline passed; the task may still be running (resume with `seedance wait ID`)"},
    {exit_code::outcome_unknown, "a create request may have created a task: check before submitting again"},
    {exit_code::interrupted, "interrupted (SIGINT/SIGTERM)"},
};

/// The exit code for an error that ended a command. `interrupted` tells whether the user asked the program to
/// stop (then an aborted operation is an interruption, not a transport failure). Never throws.
inline exit_code exit_code_for(const std::error_code& ec, bool interrupted = false) noexcept {
  using seedance::errc;
  if (!ec) return exit_code::ok;
  if (ec.category() == seedance::error_category()) {
    switch (static_cast<errc>(ec.value())) {
      case errc::task_failed:
      case errc::task_cancelled:
      case errc::task_expired:
        return exit_code::task_failed;
      case errc::invalid_request:
      case errc::unsupported:
      case errc::file_exists:
        return exit_code::usage;
      case errc::unauthorized:
      case errc::forbidden:
      case errc::insufficient_credits:
        return exit_code::auth;
      case errc::deadline_exceeded:
        return exit_code::deadline;
      case errc::outcome_unknown:
        return exit_code::outcome_unknown;
      default:
        return exit_code::transport;
    }
  }
  if (interrupted || ec == seedance::condition::cancelled) return exit_code::interrupted;
  return exit_code::transport;
}

}  // namespace seedance_cli

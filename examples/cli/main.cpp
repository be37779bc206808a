// examples/cli/main.cpp - the `seedance` command-line program: generate, estimate, status, wait, cancel,
// download, batch and sim, over seedance::client<any_provider>. See `seedance --help`.
//
// The program is one translation unit (the other parts are headers) so that building it costs a single
// compilation of the library.
#include "commands.hpp"

#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout pipe is an error to report, not a silent death
  const std::vector<std::string> args(argv + 1, argv + argc);
  seedance_cli::options options;
  try {
    options = seedance_cli::parse_command_line(args);
  } catch (const seedance_cli::usage_error& e) {
    std::cerr << "seedance: error: " << e.what() << "\n";
    for (const auto& a : args)
      if (a == "--json")
        std::cout << seedance_cli::json_text(boost::json::object{
                         {"event", "error"}, {"code", "usage"}, {"exit_code", 2}, {"message", e.what()}})
                  << "\n";
    return seedance_cli::to_int(seedance_cli::exit_code::usage);
  }
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  seedance_cli::terminal terminal{std::cout, std::cerr, tty, tty ? seedance_cli::terminal_width(STDERR_FILENO) : 80};
  seedance_cli::app app(std::move(options), terminal);
  return app.run();
}

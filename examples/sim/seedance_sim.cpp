// seedance-sim - runs the provider simulator until interrupted, for the offline demo and for trying clients
// by hand:
//
//   seedance-sim [--port N] [--ca-out FILE] [--time-scale X] [--api-key KEY] [--verbose]
//
// It prints each provider's base URL, the CA file to trust and the API key to use, then serves until SIGINT or
// SIGTERM.
#include <seedance/capabilities.hpp>
#include <seedance/testing/simulator.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_signal(int) { stop_requested = 1; }

void usage(std::ostream& out) {
  out << "usage: seedance-sim [--port N] [--ca-out FILE] [--time-scale X] [--api-key KEY] [--verbose]\n"
         "  --port N         TCP port on 127.0.0.1 (default: any free port)\n"
         "  --ca-out FILE    where to write the CA certificate to trust (default ./seedance-sim-ca.pem)\n"
         "  --time-scale X   multiply every simulated duration by X (default 1; 0.1 = ten times faster)\n"
         "  --api-key KEY    the accepted API key (default sim-test-key)\n"
         "  --verbose        print one line per request and webhook\n";
}

}  // namespace

int main(int argc, char** argv) {
  seedance::testing::simulator_options options;
  std::string ca_out = "./seedance-sim-ca.pem";
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
        return argv[++i];
      };
      if (arg == "--port") {
        const long port = std::stol(value());
        if (port < 0 || port > 65535) throw std::invalid_argument("--port must be between 0 and 65535");
        options.port = static_cast<std::uint16_t>(port);
      } else if (arg == "--ca-out") {
        ca_out = value();
      } else if (arg == "--time-scale") {
        options.time_scale = std::stod(value());
        if (!(options.time_scale > 0)) throw std::invalid_argument("--time-scale must be greater than 0");
      } else if (arg == "--api-key") {
        options.api_key = value();
        if (options.api_key.empty()) throw std::invalid_argument("--api-key must not be empty");
      } else if (arg == "--verbose") {
        options.log_to_stderr = true;
      } else if (arg == "--help" || arg == "-h") {
        usage(std::cout);
        return 0;
      } else {
        throw std::invalid_argument("unknown option " + std::string(arg));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "seedance-sim: " << e.what() << "\n";
    usage(std::cerr);
    return 2;
  }

  try {
    seedance::testing::simulator sim(options, false);
    {
      std::ofstream out(ca_out, std::ios::binary | std::ios::trunc);
      out << sim.ca_pem();
      if (!out) {
        std::cerr << "seedance-sim: cannot write the CA certificate to " << ca_out << "\n";
        return 1;
      }
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    sim.start();
    std::cout << "seedance-sim listening on " << sim.origin() << "\n";
    for (seedance::provider_id p : seedance::all_providers)
      std::cout << "  " << seedance::to_string(p) << std::string(14 - seedance::to_string(p).size(), ' ')
                << sim.base_url(p) << "\n";
    std::cout << "CA certificate: " << ca_out << "\n"
              << "API key:        " << sim.api_key() << "\n"
              << "Prompt markers: [sim:fail] [sim:fail-server] [sim:expire] [sim:stall] [sim:slow] "
                 "[sim:empty-results]\n"
              << "Press Ctrl-C to stop." << std::endl;
    while (!stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    sim.stop();
    std::cout << "seedance-sim: stopped after " << sim.task_count() << " tasks" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "seedance-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

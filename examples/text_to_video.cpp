// text_to_video.cpp - a clip from a prompt alone (seedance2.ink), with the cost estimated before anything is
// spent.
//
//   export SEEDANCE_API_KEY=...            # or SEEDANCE2INK_API_KEY
//   ./text_to_video [output.mp4]
//
// SEEDANCE_BASE_URL and SEEDANCE_CA_FILE point the program at another endpoint, e.g. the local simulator.
#include <seedance/client.hpp>
#include <seedance/pricing.hpp>
#include <seedance/providers/seedance2ink.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

asio::awaitable<void> write_clip(seedance::client<seedance::seedance2ink>& client, std::string output) {
  const seedance::request_for<seedance::seedance2ink::id> request{
      .model = seedance::model::seedance_2_0_fast,
      .prompt = "a paper boat drifting down a rainy street, close-up, evening light",
      .ratio = seedance::aspect_ratio::r16_9,
      .resolution = seedance::resolution::p720,
      .duration = std::chrono::seconds{5},
  };
  // Pure: nothing is sent. The basis says how the figure was worked out (or why there is none).
  const seedance::cost_estimate price = seedance::estimate<seedance::seedance2ink>(request.to_request());
  std::cout << "estimate: " << (price.cost ? std::to_string(price.cost->amount) + " credits" : "unknown") << " ("
            << price.basis << ")\n";

  seedance::video video = co_await client.generate(request);
  const seedance::download_options replace{.overwrite = true};
  auto file = co_await client.download(video, output, replace);
  std::cout << "saved " << file.path.string() << " (" << file.bytes << " bytes)\n";
}

int main(int argc, char** argv) {
  const std::string output = argc > 1 ? argv[1] : "text_to_video.mp4";
  seedance::client_options<seedance::seedance2ink> options;
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) options.base_url = url;
  if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) options.transport.tls.ca_file = ca;

  try {
    asio::io_context io;
    seedance::client<seedance::seedance2ink> client(io.get_executor(), options);
    std::exception_ptr failure;
    asio::co_spawn(io, write_clip(client, output), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const seedance::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// batch_with_limit.cpp - many generations at once with at most two tasks in flight (Kinovi). Every provider
// refuses new tasks beyond a concurrency limit; client_options::max_in_flight queues them inside the client
// instead (without polling). A create the provider refuses with 429 is held until one of the client's own tasks
// ends (or a backoff), and the cap lowers itself to what the provider accepted.
//
//   export SEEDANCE_API_KEY=...            # or KINOVI_API_KEY
//   ./batch_with_limit [output-directory]
//
// SEEDANCE_BASE_URL and SEEDANCE_CA_FILE point the program at another endpoint, e.g. the local simulator.
// For manifests, a journal and resuming after a crash, see `seedance batch`.
#include <seedance/client.hpp>
#include <seedance/providers/kinovi.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

asio::awaitable<void> one_clip(seedance::client<seedance::kinovi>& client, std::string prompt,
                               std::filesystem::path output) {
  const seedance::request_for<seedance::kinovi::id> request{
      .model = seedance::model::seedance_2_0_fast,
      .prompt = std::move(prompt),
      .images = {"https://example.com/product.png"},
      .resolution = seedance::resolution::p480,
      .duration = std::chrono::seconds{4},
  };
  seedance::video video = co_await client.generate(request);
  const seedance::download_options replace{.overwrite = true};
  auto file = co_await client.download(video, output, replace);
  std::cout << "saved " << file.path.string() << " (in flight now: " << client.limiter().in_use() << ")\n";
}

int main(int argc, char** argv) {
  const std::filesystem::path directory = argc > 1 ? argv[1] : ".";
  seedance::client_options<seedance::kinovi> options;
  options.max_in_flight = 2;  // the rest wait inside the client, first come first served
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) options.base_url = url;
  if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) options.transport.tls.ca_file = ca;

  const std::vector<std::string> prompts = {
      "the product turns slowly on a marble table", "the product in the rain, neon reflections",
      "the product on a beach at sunrise",          "the product floating in zero gravity",
      "the product unboxed by two hands",
  };
  try {
    asio::io_context io;
    seedance::client<seedance::kinovi> client(io.get_executor(), options);
    int failures = 0;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      const auto output = directory / ("clip-" + std::to_string(i + 1) + ".mp4");
      asio::co_spawn(io, one_clip(client, prompts[i], output), [&failures, output](std::exception_ptr e) {
        if (!e) return;
        ++failures;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& error) {
          std::cerr << output.string() << ": " << error.what() << "\n";
        }
      });
    }
    io.run();  // returns when every clip is done
    std::cout << prompts.size() - static_cast<std::size_t>(failures) << " of " << prompts.size() << " clips made\n";
    return failures == 0 ? 0 : 1;
  } catch (const seedance::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

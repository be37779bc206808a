// first_frame.cpp - image-to-video: one image becomes the opening frame of a 5-second clip (Kinovi).
//
//   export SEEDANCE_API_KEY=...            # or KINOVI_API_KEY
//   ./first_frame [output.mp4]
//
// SEEDANCE_BASE_URL and SEEDANCE_CA_FILE point the program at another endpoint, e.g. the local simulator
// started with `seedance sim`.
#include <seedance/client.hpp>
#include <seedance/providers/kinovi.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

asio::awaitable<void> make_clip(seedance::client<seedance::kinovi>& client, std::string output) {
  // Checked at compile time (model, ratio, resolution and duration must be ones Kinovi offers) and again at
  // run time before anything is sent.
  const seedance::request_for<seedance::kinovi::id> request{
      .prompt = "slow dolly-in, leaves moving in the wind",
      .images = {"https://example.com/first.png"},
      .ratio = seedance::aspect_ratio::r16_9,
      .resolution = seedance::resolution::p720,
      .duration = std::chrono::seconds{5},
  };
  seedance::video video = co_await client.generate(request);
  std::cout << "task " << video.task_id << " succeeded\n";

  // Streams to a temporary file, checks it is an MP4 and renames it into place.
  const seedance::download_options replace{.overwrite = true};
  seedance::download_result file = co_await client.download(video, output, replace);
  std::cout << "saved " << file.path.string() << " (" << file.bytes << " bytes)\n";
}

int main(int argc, char** argv) {
  const std::string output = argc > 1 ? argv[1] : "first_frame.mp4";
  seedance::client_options<seedance::kinovi> options;  // the key comes from the environment
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) options.base_url = url;
  if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) options.transport.tls.ca_file = ca;

  try {
    asio::io_context io;
    seedance::client<seedance::kinovi> client(io.get_executor(), options);
    std::exception_ptr failure;
    asio::co_spawn(io, make_clip(client, output), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const seedance::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

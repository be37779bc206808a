// first_last_frame.cpp - two images become the first and the last frame of a clip (BytePlus/Volcengine Ark).
//
//   export SEEDANCE_API_KEY=...            # or ARK_API_KEY
//   ./first_last_frame [output.mp4]
//
// SEEDANCE_BASE_URL and SEEDANCE_CA_FILE point the program at another endpoint, e.g. the local simulator.
#include <seedance/client.hpp>
#include <seedance/providers/ark.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

asio::awaitable<void> morph(seedance::client<seedance::ark>& client, std::string output) {
  // submit() returns as soon as the task exists: keep the id, and you can wait for it from anywhere later.
  const seedance::request_for<seedance::ark::id> request{
      .prompt = "the sketch turns into a painting, camera still",
      .images = {"https://example.com/sketch.png", "https://example.com/painting.png"},
      .ratio = seedance::aspect_ratio::adaptive,  // follow the images
      .resolution = seedance::resolution::p1080,
      .duration = std::chrono::seconds{6},
      .seed = 11,
      .watermark = false,
  };
  seedance::task task = co_await client.submit(request);
  std::cout << "created " << task.id << "\n";

  const seedance::wait_options patience{.deadline = std::chrono::minutes(20)};
  seedance::task done = co_await client.wait(task.id, patience);
  if (done.cost) std::cout << "used " << done.cost->amount << " tokens\n";

  const seedance::download_options replace{.overwrite = true};
  auto file = co_await client.download(done.videos.front(), output, replace);
  std::cout << "saved " << file.path.string() << " (" << file.bytes << " bytes)\n";
}

int main(int argc, char** argv) {
  const std::string output = argc > 1 ? argv[1] : "first_last_frame.mp4";
  seedance::client_options<seedance::ark> options;
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) options.base_url = url;
  if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) options.transport.tls.ca_file = ca;

  try {
    asio::io_context io;
    seedance::client<seedance::ark> client(io.get_executor(), options);
    std::exception_ptr failure;
    asio::co_spawn(io, morph(client, output), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const seedance::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// omni_reference.cpp - Omni Reference: images, a video and an audio clip guide one generation (aihubmax),
// with live progress. The prompt addresses the references as @image1, @video1, @audio1.
//
//   export SEEDANCE_API_KEY=...            # or AIHUBMAX_API_KEY
//   ./omni_reference [output.mp4]
//
// SEEDANCE_BASE_URL and SEEDANCE_CA_FILE point the program at another endpoint, e.g. the local simulator.
#include <seedance/client.hpp>
#include <seedance/providers/aihubmax.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

asio::awaitable<void> dance(seedance::client<seedance::aihubmax>& client, std::string output) {
  seedance::wait_options progress;
  progress.on_progress = [](const seedance::task& t) {  // called on every change of state or progress
    std::cout << "  " << seedance::to_string(t.state);
    if (t.progress) std::cout << " " << *t.progress << "%";
    std::cout << "\n";
  };
  const seedance::request_for<seedance::aihubmax::id> request{
      .prompt = "@image1 dances like @video1 to the beat of @audio1, the room from @image2",
      .images = {"https://example.com/dancer.png", "https://example.com/room.png"},
      .videos = {"https://example.com/moves.mp4"},
      .audios = {"https://example.com/beat.mp3"},
      .ratio = seedance::aspect_ratio::r9_16,
      .duration = std::chrono::seconds{8},
  };
  seedance::video video = co_await client.generate(request, progress);
  const seedance::download_options replace{.overwrite = true};
  auto file = co_await client.download(video, output, replace);
  std::cout << "saved " << file.path.string() << " (" << file.bytes << " bytes)\n";
}

int main(int argc, char** argv) {
  const std::string output = argc > 1 ? argv[1] : "omni_reference.mp4";
  seedance::client_options<seedance::aihubmax> options;
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) options.base_url = url;
  if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) options.transport.tls.ca_file = ca;

  try {
    asio::io_context io;
    seedance::client<seedance::aihubmax> client(io.get_executor(), options);
    std::exception_ptr failure;
    asio::co_spawn(io, dance(client, output), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const seedance::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

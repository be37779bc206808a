// with_seedance.cpp - the compile-time probe: a translation unit that uses seedance the way an application
// does (the umbrella header, a client, generate). benchmarks/compare times it against deps_only.cpp, which
// includes only the libraries seedance itself is built on, with the same flags.
#include <seedance/seedance.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <chrono>

asio::awaitable<void> make_clip(seedance::client<seedance::kinovi>& client) {
  const seedance::request_for<seedance::kinovi::id> request{
      .prompt = "slow dolly-in",
      .images = {"https://example.com/first.png"},
      .ratio = seedance::aspect_ratio::r16_9,
      .resolution = seedance::resolution::p720,
      .duration = std::chrono::seconds{5},
  };
  const seedance::video video = co_await client.generate(request);
  co_await client.download(video, "clip.mp4");
}

int main() {
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor());
  asio::co_spawn(io, make_clip(client), asio::detached);
  io.run();
}

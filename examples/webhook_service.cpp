// webhook_service.cpp - a service that learns about finished tasks from the provider's callbacks instead of
// polling (Kinovi). The webhook_listener receives the callbacks; wait() sleeps until one arrives for its task,
// then re-fetches the task by id (callbacks are not signed, so they are only hints) and returns.
//
//   export SEEDANCE_API_KEY=...            # or KINOVI_API_KEY
//   export SEEDANCE_CALLBACK_URL=https://hooks.example.com/seedance   # your public URL, forwarded to the
//   export SEEDANCE_WEBHOOK_PORT=8080                                 # listener on 127.0.0.1:8080
//   ./webhook_service [output.mp4]
//
// Without SEEDANCE_CALLBACK_URL the listener's own loopback URL is used, which only a provider (or the
// simulator) on this machine can reach. SEEDANCE_BASE_URL and SEEDANCE_CA_FILE point the program at another
// endpoint, e.g. the local simulator.
#include <seedance/client.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/webhook.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address_v4.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

asio::awaitable<void> generate_with_callbacks(seedance::client<seedance::kinovi>& client,
                                              seedance::webhook_listener& listener, std::string callback_url,
                                              std::string output) {
  const seedance::request_for<seedance::kinovi::id> request{
      .prompt = "a lighthouse at dusk, waves rolling in",
      .images = {"https://example.com/lighthouse.png"},
      .duration = std::chrono::seconds{5},
      .callback_url = callback_url,
  };
  seedance::wait_options wait;
  wait.listener = &listener;                      // no status polls until a callback for this task arrives
  wait.fallback_poll = std::chrono::minutes(10);  // a safety net in case a callback is lost
  wait.deadline = std::chrono::hours(1);
  wait.on_progress = [](const seedance::task& t) {  // first call: the task just created
    std::cout << "task " << t.id << " is " << seedance::to_string(t.state) << "\n";
  };
  // submit + wait: the task needs no status request until the provider calls back; then wait() fetches it
  // once by id (a callback is only a hint) and returns.
  seedance::video video = co_await client.generate(request, wait);

  const seedance::download_options replace{.overwrite = true};
  auto file = co_await client.download(video, output, replace);
  std::cout << "saved " << file.path.string() << " (" << file.bytes << " bytes)\n";
}

int main(int argc, char** argv) {
  const std::string output = argc > 1 ? argv[1] : "webhook_service.mp4";
  seedance::client_options<seedance::kinovi> options;
  if (const char* url = std::getenv("SEEDANCE_BASE_URL")) options.base_url = url;
  if (const char* ca = std::getenv("SEEDANCE_CA_FILE")) options.transport.tls.ca_file = ca;
  const char* port = std::getenv("SEEDANCE_WEBHOOK_PORT");

  try {
    asio::io_context io;
    seedance::client<seedance::kinovi> client(io.get_executor(), options);

    // The listener and the client share one io_context (one thread): neither is thread-safe.
    seedance::webhook_listener listener(io.get_executor(), &seedance::kinovi::decode_webhook);
    listener.start({asio::ip::address_v4::loopback(), static_cast<unsigned short>(port ? std::atoi(port) : 0)});
    listener.on_notification([](const seedance::task& t) {
      std::cout << "callback: " << t.id << " is " << seedance::to_string(t.state) << "\n";
    });
    const char* public_url = std::getenv("SEEDANCE_CALLBACK_URL");
    const std::string callback_url = public_url ? public_url : listener.url();
    std::cout << "listening on " << listener.url() << "\n";

    std::exception_ptr failure;
    asio::co_spawn(io, generate_with_callbacks(client, listener, callback_url, output), [&](std::exception_ptr e) {
      failure = e;
      listener.stop();  // a real service would keep serving; this example ends after one video
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::system_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

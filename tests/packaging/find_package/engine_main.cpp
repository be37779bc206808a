// Proves the installed seedance::engine library links into a program built with -fno-exceptions -fno-rtti that
// includes only <seedance/engine.hpp>: a service with an unknown provider reports why, without throwing.
#include <seedance/engine.hpp>

#include <cstdio>

int main() {
  seedance::engine::service_options options;
  options.provider = "no-such-provider";
  const seedance::engine::service service(options);
  const seedance::engine::failure* failure = service.startup_failure();
  if (failure == nullptr) return 1;
  std::printf("seedance engine consumer: ok (%s)\n", failure->message.c_str());
  return failure->code == seedance::errc::invalid_request ? 0 : 1;
}

// Positive twin of seedance2ink_4k.fail.cpp: the same request with a value the provider offers.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::seedance2ink> r{.prompt = "a fox in the snow",
                                                                     .resolution = seedance::resolution::p1080};
  return r.prompt.empty() ? 1 : 0;
}

// Positive twin of seedance2ink_duration_16s.fail.cpp: the same request with a value the provider offers.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::seedance2ink> r{.prompt = "a fox in the snow",
                                                                     .duration = std::chrono::seconds{10}};
  return r.prompt.empty() ? 1 : 0;
}

// Positive twin of kinovi_adaptive_ratio.fail.cpp: the same request with a value the provider offers.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::kinovi> r{.prompt = "a fox in the snow",
                                                               .ratio = seedance::aspect_ratio::r21_9};
  return r.prompt.empty() ? 1 : 0;
}

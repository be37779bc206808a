// Positive twin of kinovi_duration_20s.fail.cpp: the same request with a value the provider offers.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::kinovi> r{.prompt = "a fox in the snow",
                                                               .duration = std::chrono::seconds{15}};
  return r.prompt.empty() ? 1 : 0;
}

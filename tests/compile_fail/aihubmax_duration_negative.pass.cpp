// Positive twin of aihubmax_duration_negative.fail.cpp: the same request with a value the provider offers.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::aihubmax> r{.prompt = "a fox in the snow",
                                                                 .duration = seedance::auto_duration};
  return r.prompt.empty() ? 1 : 0;
}

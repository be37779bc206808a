// expect-error: Kinovi offers durations from 4 to 15 seconds
// 20 seconds is longer than any Kinovi model renders.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::kinovi> r{.prompt = "a fox in the snow",
                                                               .duration = std::chrono::seconds{20}};
  return r.prompt.empty() ? 1 : 0;
}

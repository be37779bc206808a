// expect-error: Ark offers durations from 4 to 15 seconds
// 3 seconds is shorter than any Ark model renders.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::ark> r{.prompt = "a fox in the snow",
                                                            .duration = std::chrono::seconds{3}};
  return r.prompt.empty() ? 1 : 0;
}

// expect-error: Kinovi offers 16:9, 9:16, 1:1, 4:3, 3:4 and 21:9, not adaptive
// Kinovi has a closed list of ratios without adaptive.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::kinovi> r{.prompt = "a fox in the snow",
                                                               .ratio = seedance::aspect_ratio::adaptive};
  return r.prompt.empty() ? 1 : 0;
}

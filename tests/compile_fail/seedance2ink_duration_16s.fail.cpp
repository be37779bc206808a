// expect-error: seedance2.ink offers durations from 4 to 15 seconds
// 16 seconds is longer than any seedance2.ink model renders.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::seedance2ink> r{.prompt = "a fox in the snow",
                                                                     .duration = std::chrono::seconds{16}};
  return r.prompt.empty() ? 1 : 0;
}

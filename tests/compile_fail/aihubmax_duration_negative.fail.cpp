// expect-error: aihubmax offers durations from 4 to 15 seconds, or auto (-1)
// -1 s means auto on aihubmax; any other negative duration is meaningless.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::aihubmax> r{.prompt = "a fox in the snow",
                                                                 .duration = std::chrono::seconds{-5}};
  return r.prompt.empty() ? 1 : 0;
}

// expect-error: aihubmax offers only seedance-2.0 and seedance-2.0-fast
// aihubmax does not offer Seedance 1.5 pro.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::aihubmax> r{.model = seedance::model::seedance_1_5_pro,
                                                                 .prompt = "a fox in the snow"};
  return r.prompt.empty() ? 1 : 0;
}

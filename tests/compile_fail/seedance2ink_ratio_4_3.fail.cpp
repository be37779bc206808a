// expect-error: seedance2.ink offers only 16:9, 9:16 and 1:1
// seedance2.ink has three aspect ratios; 4:3 is not one of them.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::seedance2ink> r{.prompt = "a fox in the snow",
                                                                     .ratio = seedance::aspect_ratio::r4_3};
  return r.prompt.empty() ? 1 : 0;
}

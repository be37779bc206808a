// expect-error: seedance2.ink offers only 16:9, 9:16 and 1:1
// seedance2.ink has no 21:9.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::seedance2ink> r{.prompt = "a fox in the snow",
                                                                     .ratio = seedance::aspect_ratio::r21_9};
  return r.prompt.empty() ? 1 : 0;
}

// expect-error: seedance2.ink does not offer auto duration
// seedance2.ink needs an explicit duration.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::seedance2ink> r{.prompt = "a fox in the snow",
                                                                     .duration = seedance::auto_duration};
  return r.prompt.empty() ? 1 : 0;
}

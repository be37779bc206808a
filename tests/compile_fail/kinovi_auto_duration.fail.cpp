// expect-error: Kinovi does not offer auto duration
// Kinovi needs an explicit duration.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::kinovi> r{.prompt = "a fox in the snow",
                                                               .duration = seedance::auto_duration};
  return r.prompt.empty() ? 1 : 0;
}

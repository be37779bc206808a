// expect-error: seedance2.ink offers only 480p, 720p and 1080p
// No seedance2.ink model renders 4k.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::seedance2ink> r{.prompt = "a fox in the snow",
                                                                     .resolution = seedance::resolution::p4k};
  return r.prompt.empty() ? 1 : 0;
}

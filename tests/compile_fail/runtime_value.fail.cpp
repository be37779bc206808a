// expect-error: constant expression
// request_for takes constants only; values known at run time belong in seedance::request, checked by validate().
#include <seedance/request.hpp>

int main(int argc, char**) {
  const auto ratio = argc > 1 ? seedance::aspect_ratio::r16_9 : seedance::aspect_ratio::r9_16;
  const seedance::request_for<seedance::provider_id::ark> r{.prompt = "a fox", .ratio = ratio};
  return r.prompt.empty() ? 1 : 0;
}

// expect-error: seedance2.ink offers only 16:9, 9:16 and 1:1
// The checked field types work on their own too, not only inside request_for.
#include <seedance/request.hpp>

int main() {
  constexpr seedance::checked_ratio<seedance::provider_id::seedance2ink> ratio = seedance::aspect_ratio::r3_4;
  return ratio.has_value() ? 0 : 1;
}

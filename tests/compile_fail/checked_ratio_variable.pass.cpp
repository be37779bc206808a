// Positive twin of checked_ratio_variable.fail.cpp: a ratio seedance2.ink offers.
#include <seedance/request.hpp>

int main() {
  constexpr seedance::checked_ratio<seedance::provider_id::seedance2ink> ratio = seedance::aspect_ratio::r9_16;
  return ratio.has_value() ? 0 : 1;
}

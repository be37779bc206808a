// Proves seedance works when embedded with add_subdirectory, and that its headers compile warning-free
// under a consumer's -Wall -Wextra -Wpedantic -Werror.
#include <seedance/error.hpp>
#include <seedance/vocabulary.hpp>

#include <iostream>

int main() {
  const auto ratio = seedance::to_string(seedance::aspect_ratio::r16_9);
  std::cout << "seedance consumer: ok (" << ratio << ", " << seedance::to_string(seedance::task_state::succeeded)
            << ")\n";
  return seedance::parse_aspect_ratio(ratio) == seedance::aspect_ratio::r16_9 ? 0 : 1;
}

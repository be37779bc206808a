// Positive twin of runtime_value.fail.cpp: run-time values go into seedance::request (then through validate()).
#include <seedance/request.hpp>

int main(int argc, char**) {
  seedance::request r;
  r.prompt = "a fox";
  r.ratio = argc > 1 ? seedance::aspect_ratio::r16_9 : seedance::aspect_ratio::r9_16;
  return r.ratio ? 0 : 1;
}

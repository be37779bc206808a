// Positive twin of kinovi_model_1_5_pro.fail.cpp: the same request with a value the provider offers.
#include <seedance/request.hpp>

#include <chrono>

int main() {
  const seedance::request_for<seedance::provider_id::kinovi> r{.model = seedance::model::seedance_2_0_fast,
                                                               .prompt = "a fox in the snow"};
  return r.prompt.empty() ? 1 : 0;
}

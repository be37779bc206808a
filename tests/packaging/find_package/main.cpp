// Proves an installed seedance is usable: headers found, C++20 enabled and the exported link interface
// (Boost.JSON, Boost.URL, OpenSSL, threads) is complete enough to link a program that uses it.
#include <seedance/error.hpp>
#include <seedance/vocabulary.hpp>

#if __has_include(<seedance/seedance.hpp>)
#include <seedance/seedance.hpp>
#endif

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <system_error>

int main() {
  const auto model_name = seedance::to_string(seedance::model::seedance_2_0);
  const std::error_code code = seedance::make_error_code(seedance::errc_from_http_status(429));
  const auto body = boost::json::parse(R"({"model":"seedance"})");
  std::cout << "seedance consumer: ok (" << model_name << ", HTTP 429 -> " << code.message() << ", "
            << boost::json::serialize(body) << ")\n";
  return seedance::parse_model(model_name) == seedance::model::seedance_2_0 ? 0 : 1;
}

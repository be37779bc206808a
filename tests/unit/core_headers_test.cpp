// The core headers (vocabulary, capabilities, request, error, pricing) must stay usable where no network
// stack is wanted: they include no Asio and no OpenSSL header. This translation unit includes them first and
// fails to compile if any Asio or OpenSSL header came along.
#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/pricing.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

// Every Asio header includes asio/detail/config.hpp; every OpenSSL 3 header includes openssl/e_os2.h or
// openssl/macros.h (which brings openssl/opensslv.h).
#if defined(ASIO_DETAIL_CONFIG_HPP) || defined(ASIO_VERSION) || defined(ASIO_HPP)
#error "a core seedance header includes an Asio header"
#endif
#if defined(OPENSSL_E_OS2_H) || defined(OPENSSL_MACROS_H) || defined(OPENSSL_OPENSSLV_H) || \
    defined(OPENSSL_VERSION_NUMBER) || defined(HEADER_E_OS2_H)
#error "a core seedance header includes an OpenSSL header"
#endif

#include <gtest/gtest.h>

namespace {

TEST(CoreHeaders, AreUsableWithoutAsioOrOpenSsl) {
  // The compile-time check above is the test; this proves the headers are also usable together.
  seedance::request request;
  request.prompt = "a lighthouse at dusk";
  request.images = {"https://example.com/first.png"};
  const auto problems = seedance::validate(seedance::provider_id::kinovi, request);
  EXPECT_TRUE(problems.empty()) << seedance::describe(problems);
  request.prompt = "@video1 dances";  // refers to a video that is not there
  EXPECT_THROW(seedance::check(seedance::provider_id::kinovi, request), seedance::error);
  EXPECT_EQ(seedance::to_string(seedance::aspect_ratio::r16_9), "16:9");
}

}  // namespace

// Checks the run-time test PKI with OpenSSL's own verifier (no sockets).
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include <seedance/testing/certificates.hpp>

namespace {

using namespace seedance::testing;

struct store_deleter {
  void operator()(X509_STORE* p) const noexcept { X509_STORE_free(p); }
};
struct store_context_deleter {
  void operator()(X509_STORE_CTX* p) const noexcept { X509_STORE_CTX_free(p); }
};

/// Verifies `leaf_pem` against `trusted_pem` for `host` (DNS) or `ip`; returns the X509_V_* result.
int verify(const std::string& leaf_pem, const std::string& trusted_pem, const char* host, const char* ip) {
  std::unique_ptr<X509_STORE, store_deleter> store(X509_STORE_new());
  auto trusted = detail::certificate_from_pem(trusted_pem);
  X509_STORE_add_cert(store.get(), trusted.get());
  auto leaf = detail::certificate_from_pem(leaf_pem);
  std::unique_ptr<X509_STORE_CTX, store_context_deleter> context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (host != nullptr) X509_VERIFY_PARAM_set1_host(param, host, 0);
  if (ip != nullptr) X509_VERIFY_PARAM_set1_ip_asc(param, ip);
  X509_verify_cert(context.get());
  return X509_STORE_CTX_get_error(context.get());
}

const test_pki& pki() {
  static const test_pki instance = make_test_pki();
  return instance;
}

TEST(Certificates, LeafSignedByCaVerifiesForLocalhostAndLoopbackIp) {
  EXPECT_EQ(verify(pki().leaf.certificate_pem, pki().authority.ca.certificate_pem, "localhost", nullptr), X509_V_OK);
  EXPECT_EQ(verify(pki().leaf.certificate_pem, pki().authority.ca.certificate_pem, nullptr, "127.0.0.1"), X509_V_OK);
}

TEST(Certificates, ExpiredLeafIsRefusedEvenWithItsCa) {
  EXPECT_EQ(verify(pki().expired.certificate_pem, pki().authority.ca.certificate_pem, "localhost", nullptr),
            X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST(Certificates, WrongHostLeafIsRefusedForLocalhost) {
  EXPECT_EQ(verify(pki().wrong_host.certificate_pem, pki().authority.ca.certificate_pem, "localhost", nullptr),
            X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(verify(pki().wrong_host.certificate_pem, pki().authority.ca.certificate_pem, nullptr, "127.0.0.1"),
            X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST(Certificates, SelfSignedLeafIsUntrustedUnlessTrustedItself) {
  EXPECT_NE(verify(pki().self_signed.certificate_pem, pki().authority.ca.certificate_pem, "localhost", nullptr),
            X509_V_OK);
  EXPECT_EQ(verify(pki().self_signed.certificate_pem, pki().self_signed.certificate_pem, "localhost", nullptr),
            X509_V_OK);
}

TEST(Certificates, CustomSubjectAltNames) {
  leaf_options options;
  options.dns_names = {"a.test", "b.test"};
  options.ip_addresses = {"::1"};
  const auto leaf = pki().authority.issue(options);
  EXPECT_EQ(verify(leaf.certificate_pem, pki().authority.ca.certificate_pem, "b.test", nullptr), X509_V_OK);
  EXPECT_EQ(verify(leaf.certificate_pem, pki().authority.ca.certificate_pem, nullptr, "::1"), X509_V_OK);
  EXPECT_NE(verify(leaf.certificate_pem, pki().authority.ca.certificate_pem, "localhost", nullptr), X509_V_OK);
}

TEST(Certificates, BadIpAddressThrowsWithOpenSslText) {
  leaf_options options;
  options.ip_addresses = {"not-an-ip"};
  EXPECT_THROW(pki().authority.issue(options), std::runtime_error);
}

TEST(Certificates, SubjectHashNameIsEightHexDigits) {
  const auto name = subject_hash_name(pki().authority.ca.certificate_pem);
  EXPECT_EQ(name.size(), 8u);
  EXPECT_EQ(name.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace

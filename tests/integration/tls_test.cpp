// Integration tests of certificate verification in http::transport against real TLS servers on 127.0.0.1:
// untrusted, expired and wrong-host certificates are refused; extra trust comes from ca_pem, ca_file or a
// hashed ca_dir; verification cannot be switched off.
#include <gtest/gtest.h>

#include <seedance/http/tls.hpp>
#include <seedance/http/transport.hpp>
#include <seedance/testing/certificates.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <support/tls_server.hpp>

namespace {

using seedance::errc;
using seedance::http::request;
using seedance::http::transport;
using seedance::http::transport_options;
using seedance::testing::run_blocking;
using seedance::testing::server_connection;
using seedance::testing::tls_server;

const seedance::testing::test_pki& pki() {
  static const auto instance = seedance::testing::make_test_pki();
  return instance;
}

asio::awaitable<void> hello(server_connection& c, const request&) { co_await c.respond(200, "hello"); }

/// Options with the system trust store and no extra CA, ignoring the machine's proxy settings.
transport_options default_trust() {
  transport_options options;
  options.proxy.from_environment = false;
  return options;
}

transport_options trusting(std::string ca_pem) {
  auto options = default_trust();
  options.tls.ca_pem = std::move(ca_pem);
  return options;
}

/// Sends one GET; returns the status, or throws.
int fetch(const transport_options& options, const std::string& url) {
  asio::io_context io;
  transport client(io.get_executor(), options);
  return run_blocking(io, client.send(url, request{})).status;
}

/// Sends one GET expecting a TLS failure; returns the error's message.
std::string expect_tls_failure(const transport_options& options, const std::string& url) {
  try {
    const int status = fetch(options, url);
    ADD_FAILURE() << "expected tls_failed, got status " << status;
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::tls_failed) << e.what();
    EXPECT_TRUE(e.details().retry_safe);
    return e.what();
  }
  return {};
}

/// A temporary directory removed at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "seedance-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::ofstream(file) << content;
    return file;
  }

 private:
  std::filesystem::path path_;
};

TEST(Tls, TrustedLeafIsAcceptedForIpAndName) {
  tls_server server(pki().leaf, hello);
  const auto options = trusting(pki().authority.ca.certificate_pem);
  EXPECT_EQ(fetch(options, server.url("/", "127.0.0.1")), 200);
  EXPECT_EQ(fetch(options, server.url("/", "localhost")), 200);
}

TEST(Tls, SelfSignedIsRefusedByDefaultAndAcceptedWhenTrusted) {
  tls_server server(pki().self_signed, hello);
  const auto message = expect_tls_failure(default_trust(), server.url());
  EXPECT_NE(message.find("certificate"), std::string::npos) << message;
  expect_tls_failure(trusting(pki().authority.ca.certificate_pem), server.url());  // the wrong CA
  EXPECT_EQ(fetch(trusting(pki().self_signed.certificate_pem), server.url()), 200);
  EXPECT_EQ(server.handshakes(), 1u);
}

TEST(Tls, CaSignedLeafIsRefusedWithoutItsCa) {
  tls_server server(pki().leaf, hello);
  expect_tls_failure(default_trust(), server.url());
}

TEST(Tls, ExpiredLeafIsRefusedEvenWithItsCa) {
  tls_server server(pki().expired, hello);
  expect_tls_failure(default_trust(), server.url());
  const auto message = expect_tls_failure(trusting(pki().authority.ca.certificate_pem), server.url());
  EXPECT_NE(message.find("expired"), std::string::npos) << message;
  EXPECT_EQ(server.handshakes(), 0u);
}

TEST(Tls, WrongHostIsRefusedEvenWithItsCa) {
  tls_server server(pki().wrong_host, hello);
  expect_tls_failure(default_trust(), server.url());
  auto message = expect_tls_failure(trusting(pki().authority.ca.certificate_pem), server.url("/", "127.0.0.1"));
  EXPECT_NE(message.find("mismatch"), std::string::npos) << message;
  message = expect_tls_failure(trusting(pki().authority.ca.certificate_pem), server.url("/", "localhost"));
  EXPECT_NE(message.find("mismatch"), std::string::npos) << message;
}

TEST(Tls, IpOnlyLeafDoesNotCoverLocalhostAndViceVersa) {
  seedance::testing::leaf_options ip_only;
  ip_only.dns_names = {};
  tls_server ip_server(pki().authority.issue(ip_only), hello);
  const auto options = trusting(pki().authority.ca.certificate_pem);
  EXPECT_EQ(fetch(options, ip_server.url("/", "127.0.0.1")), 200);
  expect_tls_failure(options, ip_server.url("/", "localhost"));

  seedance::testing::leaf_options name_only;
  name_only.ip_addresses = {};
  tls_server name_server(pki().authority.issue(name_only), hello);
  EXPECT_EQ(fetch(options, name_server.url("/", "localhost")), 200);
  expect_tls_failure(options, name_server.url("/", "127.0.0.1"));  // the CN/DNS name never matches an IP
}

TEST(Tls, ExtraTrustFromCaFile) {
  tls_server server(pki().leaf, hello);
  temp_dir dir;
  auto options = default_trust();
  options.tls.use_default_paths = false;
  // A bundle: an unrelated CA first, then ours.
  options.tls.ca_file =
      dir.write("bundle.pem", seedance::testing::certificate_authority::make("other CA").ca.certificate_pem +
                                  pki().authority.ca.certificate_pem)
          .string();
  EXPECT_EQ(fetch(options, server.url()), 200);
}

TEST(Tls, ExtraTrustFromHashedCaDir) {
  tls_server server(pki().leaf, hello);
  temp_dir dir;
  const auto& ca = pki().authority.ca.certificate_pem;
  dir.write(seedance::testing::subject_hash_name(ca) + ".0", ca);
  auto options = default_trust();
  options.tls.ca_dir = dir.path().string();
  EXPECT_EQ(fetch(options, server.url()), 200);

  temp_dir empty;
  options.tls.ca_dir = empty.path().string();
  expect_tls_failure(options, server.url());
}

TEST(Tls, ExtraTrustFromCaPemBundle) {
  tls_server server(pki().leaf, hello);
  auto options = default_trust();
  options.tls.ca_pem = seedance::testing::certificate_authority::make("other CA").ca.certificate_pem +
                       pki().authority.ca.certificate_pem;
  EXPECT_EQ(fetch(options, server.url()), 200);
}

TEST(Tls, UnloadableTrustIsReportedNamingTheOption) {
  asio::io_context io;
  auto options = default_trust();
  options.tls.ca_file = "/nonexistent/seedance-ca.pem";
  try {
    transport client(io.get_executor(), options);
    ADD_FAILURE();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::tls_failed);
    EXPECT_NE(std::string(e.what()).find("tls_options.ca_file"), std::string::npos) << e.what();
  }
  options = default_trust();
  options.tls.ca_pem = "not a certificate";
  try {
    transport client(io.get_executor(), options);
    ADD_FAILURE();
  } catch (const seedance::error& e) {
    EXPECT_NE(std::string(e.what()).find("tls_options.ca_pem"), std::string::npos) << e.what();
  }
}

TEST(Tls, ClientContextRequiresTls12AndVerifiesPeers) {
  auto context = seedance::http::make_client_context({});
  EXPECT_EQ(SSL_CTX_get_min_proto_version(context.native_handle()), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_verify_mode(context.native_handle()) & SSL_VERIFY_PEER, 0);
}

TEST(Tls, IpLiteralDetection) {
  EXPECT_TRUE(seedance::http::is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(seedance::http::is_ip_literal("::1"));
  EXPECT_TRUE(seedance::http::is_ip_literal("[::1]"));
  EXPECT_FALSE(seedance::http::is_ip_literal("localhost"));
  EXPECT_FALSE(seedance::http::is_ip_literal("127.0.0.1.example.com"));
}

}  // namespace

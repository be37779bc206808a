// seedance/testing/certificates.hpp - test certificates made at run time with OpenSSL 3 (no files).
//
// A tiny PKI for tests: a self-signed CA, leaf certificates it signs (SANs, validity of your choice, so an
// expired leaf is one option away) and self-signed leaves nobody trusts. Keys are EC P-256 so making them is
// fast. Everything comes back as PEM text, ready for asio::ssl::context::use_certificate_chain /
// use_private_key or for tls_options::ca_pem.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace seedance::testing {

/// A certificate and its private key, both PEM encoded.
struct pem_pair {
  std::string certificate_pem{};
  std::string private_key_pem{};
};

/// What to put in a leaf certificate. Offsets are relative to the moment the certificate is made.
struct leaf_options {
  std::string common_name = "localhost";
  std::vector<std::string> dns_names = {"localhost"};        ///< subjectAltName DNS entries
  std::vector<std::string> ip_addresses = {"127.0.0.1"};     ///< subjectAltName IP entries (v4 or v6 text)
  std::chrono::seconds not_before = -std::chrono::hours(1);  ///< start of validity, relative to now
  std::chrono::seconds not_after = std::chrono::hours(24);   ///< end of validity, relative to now
};

/// Options for a leaf that expired yesterday (valid from two days ago to one day ago).
inline leaf_options expired_leaf_options() {
  leaf_options o;
  o.not_before = -std::chrono::hours(48);
  o.not_after = -std::chrono::hours(24);
  return o;
}

/// Options for a leaf valid only for a host the tests never use ("wrong.example", no IP SAN).
inline leaf_options wrong_host_leaf_options() {
  leaf_options o;
  o.common_name = "wrong.example";
  o.dns_names = {"wrong.example"};
  o.ip_addresses = {};
  return o;
}

namespace detail {

struct evp_pkey_deleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_deleter {
  void operator()(X509* p) const noexcept { X509_free(p); }
};
struct bio_deleter {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct general_names_deleter {
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
};
struct x509_extension_deleter {
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
};
struct asn1_integer_deleter {
  void operator()(ASN1_INTEGER* p) const noexcept { ASN1_INTEGER_free(p); }
};
struct bignum_deleter {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};

using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;

/// Throws std::runtime_error naming `what` and every queued OpenSSL error (the queue is emptied).
[[noreturn]] inline void throw_openssl_error(std::string_view what) {
  std::string message = "certificates: ";
  message += what;
  bool first = true;
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    message += first ? ": " : "; ";
    message += buffer;
    first = false;
  }
  throw std::runtime_error(message);
}

inline void check(int result, std::string_view what) {
  if (result <= 0) throw_openssl_error(what);
}

template <class T>
T* check_ptr(T* pointer, std::string_view what) {
  if (pointer == nullptr) throw_openssl_error(what);
  return pointer;
}

inline evp_pkey_ptr make_p256_key() { return evp_pkey_ptr(check_ptr(EVP_EC_gen("P-256"), "EVP_EC_gen(P-256)")); }

inline std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

inline std::string certificate_to_pem(X509* certificate) {
  bio_ptr bio(check_ptr(BIO_new(BIO_s_mem()), "BIO_new"));
  check(PEM_write_bio_X509(bio.get(), certificate), "PEM_write_bio_X509");
  return bio_to_string(bio.get());
}

inline std::string key_to_pem(EVP_PKEY* key) {
  bio_ptr bio(check_ptr(BIO_new(BIO_s_mem()), "BIO_new"));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_bio_PrivateKey");
  return bio_to_string(bio.get());
}

inline x509_ptr certificate_from_pem(const std::string& pem) {
  bio_ptr bio(check_ptr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
  return x509_ptr(check_ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), "PEM_read_bio_X509"));
}

inline evp_pkey_ptr key_from_pem(const std::string& pem) {
  bio_ptr bio(check_ptr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
  return evp_pkey_ptr(
      check_ptr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), "PEM_read_bio_PrivateKey"));
}

/// Adds one extension given in OpenSSL's config syntax ("critical,CA:TRUE").
inline void add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, x509_extension_deleter> extension(
      check_ptr(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()), "X509V3_EXT_conf_nid"));
  check(X509_add_ext(certificate, extension.get(), -1), "X509_add_ext");
}

/// A fresh certificate with a random 64-bit serial, the given subject CN, validity and public key.
inline x509_ptr new_certificate(const std::string& common_name, std::chrono::seconds not_before,
                                std::chrono::seconds not_after, EVP_PKEY* key) {
  x509_ptr certificate(check_ptr(X509_new(), "X509_new"));
  check(X509_set_version(certificate.get(), 2), "X509_set_version");

  unsigned char serial_bytes[8];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes), "RAND_bytes");
  serial_bytes[0] &= 0x7f;  // keep the serial positive
  serial_bytes[0] |= 0x01;  // and non-zero
  std::unique_ptr<BIGNUM, bignum_deleter> serial_number(
      check_ptr(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr), "BN_bin2bn"));
  check_ptr(BN_to_ASN1_INTEGER(serial_number.get(), X509_get_serialNumber(certificate.get())), "BN_to_ASN1_INTEGER");

  check_ptr(X509_gmtime_adj(X509_getm_notBefore(certificate.get()), static_cast<long>(not_before.count())),
            "X509_gmtime_adj(notBefore)");
  check_ptr(X509_gmtime_adj(X509_getm_notAfter(certificate.get()), static_cast<long>(not_after.count())),
            "X509_gmtime_adj(notAfter)");

  X509_NAME* subject = X509_get_subject_name(certificate.get());
  check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("seedance tests"), -1, -1, 0),
        "X509_NAME_add_entry_by_txt(O)");
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0),
        "X509_NAME_add_entry_by_txt(CN)");
  check(X509_set_pubkey(certificate.get(), key), "X509_set_pubkey");
  return certificate;
}

inline std::string subject_alt_names(const leaf_options& options) {
  std::string names;
  for (const auto& dns : options.dns_names) names += (names.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : options.ip_addresses) names += (names.empty() ? "IP:" : ",IP:") + ip;
  return names;
}

inline void add_leaf_extensions(X509* certificate, X509* issuer, const leaf_options& options) {
  add_extension(certificate, issuer, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(certificate, issuer, NID_ext_key_usage, "serverAuth");
  add_extension(certificate, issuer, NID_subject_key_identifier, "hash");
  if (issuer != certificate) add_extension(certificate, issuer, NID_authority_key_identifier, "keyid:always");
  const auto names = subject_alt_names(options);
  if (!names.empty()) add_extension(certificate, issuer, NID_subject_alt_name, names);
}

}  // namespace detail

/// A self-signed certificate authority (CA:TRUE, keyCertSign) that issues leaf certificates.
/// Copyable value; issue() is const and thread-safe (OpenSSL 3 is thread-safe for these calls).
struct certificate_authority {
  pem_pair ca{};  ///< the CA certificate (trust it via tls_options::ca_pem) and its key

  /// Makes a new CA valid from an hour ago for ten years. Throws std::runtime_error with the OpenSSL error
  /// text on failure.
  static certificate_authority make(const std::string& common_name = "seedance test CA") {
    auto key = detail::make_p256_key();
    auto certificate =
        detail::new_certificate(common_name, -std::chrono::hours(1), std::chrono::hours(24 * 3650), key.get());
    X509_NAME* subject = X509_get_subject_name(certificate.get());
    detail::check(X509_set_issuer_name(certificate.get(), subject), "X509_set_issuer_name");
    detail::add_extension(certificate.get(), certificate.get(), NID_basic_constraints, "critical,CA:TRUE");
    detail::add_extension(certificate.get(), certificate.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    detail::add_extension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash");
    detail::check(X509_sign(certificate.get(), key.get(), EVP_sha256()), "X509_sign(CA)");
    return certificate_authority{
        pem_pair{detail::certificate_to_pem(certificate.get()), detail::key_to_pem(key.get())}};
  }

  /// Issues a leaf certificate signed by this CA with a fresh P-256 key. Throws std::runtime_error with the
  /// OpenSSL error text on failure (e.g. an IP SAN that is not an address).
  pem_pair issue(const leaf_options& options = {}) const {
    auto ca_certificate = detail::certificate_from_pem(ca.certificate_pem);
    auto ca_key = detail::key_from_pem(ca.private_key_pem);
    auto key = detail::make_p256_key();
    auto certificate = detail::new_certificate(options.common_name, options.not_before, options.not_after, key.get());
    detail::check(X509_set_issuer_name(certificate.get(), X509_get_subject_name(ca_certificate.get())),
                  "X509_set_issuer_name");
    detail::add_leaf_extensions(certificate.get(), ca_certificate.get(), options);
    detail::add_extension(certificate.get(), ca_certificate.get(), NID_key_usage, "critical,digitalSignature");
    detail::check(X509_sign(certificate.get(), ca_key.get(), EVP_sha256()), "X509_sign(leaf)");
    return pem_pair{detail::certificate_to_pem(certificate.get()), detail::key_to_pem(key.get())};
  }
};

/// Makes a self-signed leaf certificate (nobody trusts it unless its own PEM is added as a CA). Throws
/// std::runtime_error with the OpenSSL error text on failure.
inline pem_pair make_self_signed(const leaf_options& options = {}) {
  auto key = detail::make_p256_key();
  auto certificate = detail::new_certificate(options.common_name, options.not_before, options.not_after, key.get());
  detail::check(X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get())),
                "X509_set_issuer_name");
  detail::add_leaf_extensions(certificate.get(), certificate.get(), options);
  detail::check(X509_sign(certificate.get(), key.get(), EVP_sha256()), "X509_sign(self-signed)");
  return pem_pair{detail::certificate_to_pem(certificate.get()), detail::key_to_pem(key.get())};
}

/// A CA and every leaf the tests need, all made at run time.
struct test_pki {
  certificate_authority authority{};  ///< trust authority.ca.certificate_pem to accept `leaf`/`expired`/`wrong_host`
  pem_pair leaf{};                    ///< valid for 127.0.0.1 and localhost, signed by the CA
  pem_pair expired{};                 ///< same names, signed by the CA, expired yesterday
  pem_pair wrong_host{};              ///< valid, signed by the CA, but only for wrong.example
  pem_pair self_signed{};             ///< valid for 127.0.0.1 and localhost, but self-signed (untrusted)
};

/// Makes a fresh test_pki. Throws std::runtime_error with the OpenSSL error text on failure.
inline test_pki make_test_pki() {
  test_pki pki{certificate_authority::make(), {}, {}, {}, {}};
  pki.leaf = pki.authority.issue();
  pki.expired = pki.authority.issue(expired_leaf_options());
  pki.wrong_host = pki.authority.issue(wrong_host_leaf_options());
  pki.self_signed = make_self_signed();
  return pki;
}

/// The OpenSSL subject-name hash of a PEM certificate as 8 lower-case hex digits, i.e. the `<hash>` of the
/// `<hash>.0` file name c_rehash gives it in a CA directory. Throws std::runtime_error on bad PEM.
inline std::string subject_hash_name(const std::string& certificate_pem) {
  auto certificate = detail::certificate_from_pem(certificate_pem);
  const unsigned long hash = X509_NAME_hash_ex(X509_get_subject_name(certificate.get()), nullptr, nullptr, nullptr);
  char text[16];
  std::snprintf(text, sizeof text, "%08lx", hash);
  return text;
}

}  // namespace seedance::testing

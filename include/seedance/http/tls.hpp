// seedance/http/tls.hpp - the TLS client configuration every HTTPS connection uses.
//
// Peer verification and host-name verification are always on; there is deliberately no option or
// environment variable that turns them off. Extra trust anchors can be added (a CA file, a c_rehash-style
// CA directory, PEM text); the system's default trust store is used unless disabled.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <asio/ip/address.hpp>
#include <asio/ssl.hpp>
#include <seedance/error.hpp>
#include <string>
#include <string_view>
#include <system_error>

namespace seedance::http {

/// Which certificate authorities a client trusts. Verification itself cannot be switched off.
struct tls_options {
  std::string ca_file{};          ///< PEM file of extra trusted CAs (may hold several)
  std::string ca_dir{};           ///< directory of extra trusted CAs named `<subject hash>.0` (c_rehash)
  std::string ca_pem{};           ///< extra trusted CAs as PEM text (may hold several)
  bool use_default_paths = true;  ///< also trust the system's default CA store
};

namespace detail {

/// The text of the newest queued OpenSSL error (the queue is emptied), or `fallback` when none.
inline std::string take_openssl_error_text(std::string_view fallback) {
  std::string text(fallback);
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text = buffer;
  }
  return text;
}

[[noreturn]] inline void throw_tls_setup_error(std::string_view field, std::string_view value,
                                               const std::error_code& ec) {
  std::string message = "tls_options.";
  message += field;
  if (!value.empty()) {
    message += " '";
    message += value;
    message += "'";
  }
  message += " could not be loaded: ";
  message += ec.message();
  throw seedance::error(errc::tls_failed, message);
}

}  // namespace detail

/// Makes the client TLS context for `options`: TLS 1.2 or newer, peer verification on, trust from the
/// system store (when use_default_paths) plus ca_file, ca_dir and ca_pem.
/// Errors: throws seedance::error(errc::tls_failed) naming the option that could not be loaded (a missing
/// file, PEM text without a certificate). Thread safety: safe to call concurrently; the returned context may
/// be shared by connections used from one strand.
inline asio::ssl::context make_client_context(const tls_options& options) {
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression |
                      asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1);
  if (SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1)
    throw seedance::error(errc::tls_failed, "cannot require TLS 1.2: " + detail::take_openssl_error_text("unknown"));
  context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);

  std::error_code ec;
  if (options.use_default_paths) {
    context.set_default_verify_paths(ec);
    if (ec) detail::throw_tls_setup_error("use_default_paths", "", ec);
  }
  if (!options.ca_file.empty()) {
    context.load_verify_file(options.ca_file, ec);
    if (ec) detail::throw_tls_setup_error("ca_file", options.ca_file, ec);
  }
  if (!options.ca_dir.empty()) {
    context.add_verify_path(options.ca_dir, ec);
    if (ec) detail::throw_tls_setup_error("ca_dir", options.ca_dir, ec);
  }
  if (!options.ca_pem.empty()) {
    context.add_certificate_authority(asio::buffer(options.ca_pem), ec);
    if (ec) detail::throw_tls_setup_error("ca_pem", "", ec);
  }
  ERR_clear_error();
  return context;
}

/// True when `host` is an IP literal (v4, or v6 with or without brackets). Never throws.
inline bool is_ip_literal(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::error_code ec;
  (void)asio::ip::make_address(std::string(host), ec);
  return !ec;
}

/// Prepares one client connection to `host` before its handshake: sends SNI (not for IP literals) and makes
/// the handshake fail unless the certificate names `host` in subjectAltName (a DNS name, or an IP address for
/// an IP literal; the subject CN is never used).
/// `host` is the URL host without brackets or port. Errors: throws seedance::error(errc::tls_failed).
/// Thread safety: call from the strand that owns the stream.
template <class NextLayer>
void prepare_client_stream(asio::ssl::stream<NextLayer>& stream, std::string_view host) {
  SSL* ssl = stream.native_handle();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  std::string name(host);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  if (is_ip_literal(name)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1)
      throw seedance::error(errc::tls_failed, "cannot verify the certificate for IP address " + name);
  } else {
    // Names come from subjectAltName only: the subject CN is legacy and never matched (RFC 9525).
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    if (X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) != 1)
      throw seedance::error(errc::tls_failed, "cannot verify the certificate for host " + name);
    if (SSL_set_tlsext_host_name(ssl, name.c_str()) != 1)
      throw seedance::error(errc::tls_failed, "cannot set the TLS server name (SNI) " + name);
  }
  ERR_clear_error();
}

/// Why the last handshake on `stream` failed, for error messages: the certificate verification result when
/// verification failed ("certificate has expired", "hostname mismatch", ...), otherwise `ec`'s text.
/// Thread safety: call from the strand that owns the stream.
template <class NextLayer>
std::string describe_handshake_failure(asio::ssl::stream<NextLayer>& stream, const std::error_code& ec) {
  const long verify_result = SSL_get_verify_result(stream.native_handle());
  if (verify_result != X509_V_OK) {
    std::string text = "certificate verification failed: ";
    text += X509_verify_cert_error_string(verify_result);
    return text;
  }
  return ec.message();
}

}  // namespace seedance::http

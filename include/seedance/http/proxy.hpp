// seedance/http/proxy.hpp - which HTTP proxy (if any) carries HTTPS connections through CONNECT.
//
// The proxy comes from proxy_options::url or, when allowed, from HTTPS_PROXY / https_proxy. NO_PROXY /
// no_proxy (plus proxy_options::no_proxy) lists hosts reached directly. Loopback addresses are not excluded
// implicitly. Credentials in the proxy URL become a `Proxy-Authorization: Basic` header and never appear in
// error messages.
#pragma once

#include <openssl/evp.h>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <seedance/error.hpp>
#include <string>
#include <string_view>

namespace seedance::http {

/// Where HTTPS connections go through a CONNECT tunnel, and which hosts bypass it.
struct proxy_options {
  std::string url{};             ///< "http://[user:pass@]host[:port]"; empty: none (or the environment's)
  std::string no_proxy{};        ///< comma-separated hosts/domains reached directly; "*" bypasses always
  bool from_environment = true;  ///< also read HTTPS_PROXY/https_proxy and NO_PROXY/no_proxy
};

/// A parsed proxy URL.
struct proxy_endpoint {
  std::string host{};           ///< host name or IP address (IPv6 without brackets)
  std::uint16_t port = 80;      ///< from the URL; 80 when absent (the scheme is http)
  std::string authorization{};  ///< "Basic <base64(user:pass)>" when the URL has credentials, else empty

  /// "host:port" for messages (never the credentials).
  std::string display() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

namespace detail {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// Standard base64 (with padding) through OpenSSL.
inline std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(written > 0 ? static_cast<std::size_t>(written) : 0);
  return out;
}

inline std::string environment_value(const char* lower_name, const char* upper_name) {
  if (const char* value = std::getenv(lower_name); value != nullptr && *value != '\0') return value;
  if (const char* value = std::getenv(upper_name); value != nullptr && *value != '\0') return value;
  return {};
}

/// Host part of a NO_PROXY entry: lower case, without a leading "." or "*.", brackets or ":port".
inline std::string no_proxy_entry_host(std::string_view entry) {
  if (entry.starts_with("*.")) entry.remove_prefix(2);
  if (entry.starts_with(".")) entry.remove_prefix(1);
  if (entry.starts_with("[")) {
    const auto close = entry.find(']');
    entry = entry.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else if (const auto colon = entry.find(':');
             colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    entry = entry.substr(0, colon);  // "host:port": the port is ignored
  }
  if (entry.ends_with(".")) entry.remove_suffix(1);
  return ascii_lower(entry);
}

}  // namespace detail

/// True when `host` must be reached directly according to the NO_PROXY-style list `no_proxy`: entries are
/// separated by commas (spaces ignored); "*" matches every host; an entry matches the host itself and every
/// sub-domain ("example.com" and ".example.com" both match "api.example.com"); ports in entries are ignored;
/// IP addresses match exactly (no CIDR ranges); loopback is not special. Case-insensitive. Never throws
/// except bad_alloc. Thread-safe.
inline bool no_proxy_matches(std::string_view no_proxy, std::string_view host) {
  std::string target = detail::ascii_lower(host);
  if (target.size() >= 2 && target.front() == '[' && target.back() == ']') target = target.substr(1, target.size() - 2);
  if (target.ends_with('.')) target.pop_back();
  if (target.empty()) return false;
  const bool is_ip = boost::urls::parse_ipv4_address(target).has_value() ||
                     boost::urls::parse_ipv6_address(target).has_value();  // IP addresses match only exactly
  while (!no_proxy.empty()) {
    const auto comma = no_proxy.find(',');
    const auto raw = detail::trim_spaces(no_proxy.substr(0, comma));
    no_proxy = comma == std::string_view::npos ? std::string_view{} : no_proxy.substr(comma + 1);
    if (raw.empty()) continue;
    if (raw == "*") return true;
    const auto entry = detail::no_proxy_entry_host(raw);
    if (entry.empty()) continue;
    if (target == entry) return true;
    if (!is_ip && target.size() > entry.size() && target.ends_with(entry) &&
        target[target.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

/// Parses a proxy URL ("http://user:pass@host:port"; "host:port" without a scheme means http). `source`
/// names where it came from for messages ("proxy_options.url", "HTTPS_PROXY").
/// Errors: throws seedance::error(errc::invalid_request) naming `source` and the rule (never the URL, which
/// may hold credentials) when the URL is malformed, not http, or has no host. Thread-safe.
inline proxy_endpoint parse_proxy_url(std::string_view url, std::string_view source) {
  std::string text(detail::trim_spaces(url));
  if (text.find("://") == std::string::npos) text = "http://" + text;
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) throw seedance::error(errc::invalid_request, std::string(source) + ": not a valid proxy URL");
  const auto& view = *parsed;
  if (view.scheme_id() != boost::urls::scheme::http)
    throw seedance::error(
        errc::invalid_request,
        std::string(source) + ": the proxy URL scheme must be http (TLS to the proxy is not supported)");
  proxy_endpoint endpoint;
  endpoint.host = detail::ascii_lower(view.host_address());
  if (endpoint.host.empty())
    throw seedance::error(errc::invalid_request, std::string(source) + ": the proxy URL has no host");
  if (view.has_port()) {
    if (view.port().empty() || view.port_number() == 0)
      throw seedance::error(errc::invalid_request, std::string(source) + ": the proxy URL port must be 1 to 65535");
    endpoint.port = view.port_number();
  }
  if (view.has_userinfo()) {
    std::string credentials = view.user();
    credentials += ':';
    credentials += view.password();
    endpoint.authorization = "Basic " + detail::base64_encode(credentials);
  }
  return endpoint;
}

/// The proxy settings a transport uses, resolved once from proxy_options and (optionally) the environment.
class proxy_selector {
 public:
  /// Resolves `options` now: the explicit URL wins over HTTPS_PROXY/https_proxy; the bypass list is
  /// options.no_proxy plus NO_PROXY/no_proxy when from_environment.
  /// Errors: throws seedance::error(errc::invalid_request) for a malformed proxy URL (see parse_proxy_url).
  /// Thread safety: reads the environment; do not call while another thread changes it.
  explicit proxy_selector(const proxy_options& options = {}) {
    std::string url = options.url;
    std::string_view source = "proxy_options.url";
    if (url.empty() && options.from_environment) {
      url = detail::environment_value("https_proxy", "HTTPS_PROXY");
      source = "HTTPS_PROXY";
    }
    if (!url.empty()) proxy_ = parse_proxy_url(url, source);
    no_proxy_ = options.no_proxy;
    if (options.from_environment) {
      const auto from_environment = detail::environment_value("no_proxy", "NO_PROXY");
      if (!from_environment.empty()) no_proxy_ += (no_proxy_.empty() ? "" : ",") + from_environment;
    }
  }

  /// The proxy for connections to `host`, or nullopt to connect directly. Never throws except bad_alloc.
  std::optional<proxy_endpoint> proxy_for(std::string_view host) const {
    if (!proxy_ || no_proxy_matches(no_proxy_, host)) return std::nullopt;
    return proxy_;
  }

 private:
  std::optional<proxy_endpoint> proxy_;
  std::string no_proxy_;
};

}  // namespace seedance::http

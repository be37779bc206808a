// Unit tests of proxy selection: the NO_PROXY matcher, proxy URL parsing and the environment (no sockets).
#include <gtest/gtest.h>

#include <seedance/http/proxy.hpp>

#include <cstdlib>
#include <optional>
#include <string>

namespace {

using seedance::http::no_proxy_matches;
using seedance::http::parse_proxy_url;
using seedance::http::proxy_options;
using seedance::http::proxy_selector;

TEST(NoProxy, ExactHostsAndDomainSuffixes) {
  EXPECT_TRUE(no_proxy_matches("example.com", "example.com"));
  EXPECT_TRUE(no_proxy_matches("example.com", "api.example.com"));
  EXPECT_TRUE(no_proxy_matches(".example.com", "api.example.com"));
  EXPECT_TRUE(no_proxy_matches("*.example.com", "api.example.com"));
  EXPECT_TRUE(no_proxy_matches(".example.com", "example.com"));
  EXPECT_FALSE(no_proxy_matches("example.com", "notexample.com"));
  EXPECT_FALSE(no_proxy_matches("api.example.com", "example.com"));
  EXPECT_FALSE(no_proxy_matches("", "example.com"));
}

TEST(NoProxy, ListsCaseSpacesPortsAndWildcard) {
  EXPECT_TRUE(no_proxy_matches("foo.test, Example.COM ,bar.test", "API.example.com"));
  EXPECT_TRUE(no_proxy_matches("foo.test,,example.com:8443", "example.com"));  // ports are ignored
  EXPECT_TRUE(no_proxy_matches("*", "anything.at.all"));
  EXPECT_TRUE(no_proxy_matches("foo.test, *", "anything"));
  EXPECT_FALSE(no_proxy_matches("foo.test, bar.test", "example.com"));
  EXPECT_TRUE(no_proxy_matches("example.com.", "example.com"));
}

TEST(NoProxy, IpAddressesMatchExactlyAndLoopbackIsNotSpecial) {
  EXPECT_TRUE(no_proxy_matches("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(no_proxy_matches("127.0.0.1", "127.0.0.2"));
  EXPECT_FALSE(no_proxy_matches("0.0.1", "127.0.0.1"));  // no partial-label match
  EXPECT_FALSE(no_proxy_matches("example.com", "127.0.0.1"));
  EXPECT_FALSE(no_proxy_matches("localhost", "127.0.0.1"));
  EXPECT_TRUE(no_proxy_matches("::1", "::1"));
  EXPECT_TRUE(no_proxy_matches("[::1]:443", "[::1]"));
}

TEST(ProxyUrl, HostPortAndCredentials) {
  auto p = parse_proxy_url("http://alice:s3cret@proxy.local:3128", "test");
  EXPECT_EQ(p.host, "proxy.local");
  EXPECT_EQ(p.port, 3128);
  EXPECT_EQ(p.authorization, "Basic YWxpY2U6czNjcmV0");
  EXPECT_EQ(p.display(), "proxy.local:3128");

  p = parse_proxy_url("proxy.local:8080", "test");  // no scheme: http
  EXPECT_EQ(p.port, 8080);
  EXPECT_TRUE(p.authorization.empty());

  p = parse_proxy_url("http://PROXY.local", "test");
  EXPECT_EQ(p.host, "proxy.local");
  EXPECT_EQ(p.port, 80);

  p = parse_proxy_url("http://us%40er:p%3Ass@[::1]:1", "test");  // percent-decoded credentials
  EXPECT_EQ(p.host, "::1");
  EXPECT_EQ(p.display(), "[::1]:1");
  EXPECT_EQ(p.authorization, "Basic dXNAZXI6cDpzcw==");
}

TEST(ProxyUrl, BadUrlsNameTheSourceButNotTheCredentials) {
  for (const char* url : {"https://user:topsecret@proxy:443", "socks5://user:topsecret@proxy:1080",
                          "http://user:topsecret@:8080", "http://user:topsecret@proxy:0"}) {
    try {
      parse_proxy_url(url, "HTTPS_PROXY");
      ADD_FAILURE() << url;
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), seedance::errc::invalid_request);
      const std::string message = e.what();
      EXPECT_NE(message.find("HTTPS_PROXY"), std::string::npos) << message;
      EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
    }
  }
}

class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~scoped_env() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ProxySelector, EnvironmentAndExplicitSettings) {
  scoped_env a("https_proxy", nullptr), b("HTTPS_PROXY", "http://env-proxy:3128"), c("no_proxy", nullptr),
      d("NO_PROXY", "internal.test");
  proxy_options options;
  EXPECT_EQ(proxy_selector(options).proxy_for("api.example.com")->host, "env-proxy");
  EXPECT_FALSE(proxy_selector(options).proxy_for("svc.internal.test"));

  options.no_proxy = "example.com";
  EXPECT_FALSE(proxy_selector(options).proxy_for("api.example.com"));
  EXPECT_FALSE(proxy_selector(options).proxy_for("svc.internal.test"));  // both lists apply

  options = {};
  options.url = "http://explicit:8080";
  EXPECT_EQ(proxy_selector(options).proxy_for("api.example.com")->host, "explicit");

  options = {};
  options.from_environment = false;
  EXPECT_FALSE(proxy_selector(options).proxy_for("api.example.com"));

  scoped_env lower("https_proxy", "http://lower:1");
  EXPECT_EQ(proxy_selector(proxy_options{}).proxy_for("x.test")->host, "lower");
}

}  // namespace

// Secrets: the API key never appears in anything the library says (log lines, error messages, error details,
// exception text) across the whole client surface, every provider, success and failure paths, injected faults,
// and providers that echo the Authorization header back; and no environment variable can turn TLS verification
// off (checked in a fresh process, since OpenSSL reads its configuration once per process).
#include <seedance/seedance.hpp>
#include <seedance/testing/certificates.hpp>
#include <seedance/testing/simulator.hpp>

#include <gtest/gtest.h>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <support/fixtures.hpp>
#include <support/subprocess.hpp>
#include <support/tls_server.hpp>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace st = seedance::testing;
namespace http = seedance::http;
namespace fx = seedance::test_support;
using seedance::errc;
using seedance::provider_id;

constexpr std::string_view secret_key = "sk-secret-7c1e0b9a8d2f4e6a1b3c5d7e9f0a2b4c";
constexpr std::string_view wrong_key = "sk-wrong-5b6c7d8e9f0a1b2c3d4e5f60718293a4";
constexpr std::size_t fragment = 12;  // a run of this many characters of a key counts as a leak

/// Everything the library said during a run.
class transcript {
 public:
  void add(std::string_view text, std::string_view where) {
    std::lock_guard lock(mutex_);
    texts_.emplace_back(std::string(where) + ": " + std::string(text));
  }
  void add_error(const seedance::error& e, std::string_view where) {
    const std::string w(where);
    add(e.what(), w + " what()");
    add(e.code().message(), w + " code");
    const auto& d = e.details();
    add(d.provider_code, w + " provider_code");
    add(d.provider_message, w + " provider_message");
    add(d.param, w + " param");
    add(d.task_id, w + " task_id");
    add(d.request_id, w + " request_id");
    for (const auto& p : d.problems) add(p.field + " " + p.rule + " " + p.value, w + " problem");
  }
  void add_exception(const std::exception& e, std::string_view where) {
    add(e.what(), std::string(where) + " exception");
  }
  /// A log hook that records every line.
  seedance::log_hook hook() {
    return [this](seedance::log_level, std::string_view line) { add(line, "log"); };
  }
  /// Runs `operation`, recording whatever it throws. Returns false when it threw.
  bool attempt(std::string_view where, const std::function<void()>& operation) {
    try {
      operation();
      return true;
    } catch (const seedance::error& e) {
      add_error(e, where);
    } catch (const std::exception& e) {
      add_exception(e, where);
    }
    return false;
  }
  /// Expects no text to hold `key` or any `fragment`-long piece of it.
  void expect_no(std::string_view key) const {
    std::lock_guard lock(mutex_);
    for (const auto& text : texts_)
      for (std::size_t at = 0; at + fragment <= key.size(); ++at)
        if (text.find(key.substr(at, fragment)) != std::string::npos) {
          ADD_FAILURE() << "a piece of the key (" << key.substr(at, fragment) << ") appears in " << text;
          break;
        }
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return texts_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> texts_;
};

template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  auto future = asio::co_spawn(io, std::move(a), asio::use_future);
  while (future.wait_for(0s) != std::future_status::ready) {
    io.restart();
    io.run_one_for(20ms);
  }
  return future.get();
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("seedance-secrets-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

template <class P>
seedance::client_options<P> sim_options(const st::simulator& sim, transcript& said, std::string_view key) {
  seedance::client_options<P> o;
  o.api_key = std::string(key);
  o.base_url = sim.base_url(P::id);
  o.transport.tls.ca_pem = sim.ca_pem();
  o.transport.tls.use_default_paths = false;
  o.transport.proxy.from_environment = false;
  o.polling.first_delay = o.polling.min_interval = 20ms;
  o.polling.max_interval = 100ms;
  o.retry.initial_delay = 5ms;
  o.retry.max_delay = 40ms;
  o.retry.max_retry_after = 100ms;
  o.max_create_hold = 5s;  // a create refused with 429 is held this long at most, then reported
  o.log = said.hook();
  return o;
}

seedance::request simple_request(std::string prompt) {
  seedance::request r;
  r.prompt = std::move(prompt);
  r.images = {"https://example.com/first.png"};
  return r;
}

/// Every operation of client<P>, on success and failure paths, with faults. Records what the library says.
template <class P>
void exercise_provider(st::simulator& sim, transcript& said, const std::filesystem::path& dir) {
  const std::string name(P::name);
  asio::io_context io;
  seedance::client<P> client(io.get_executor(), sim_options<P>(sim, said, secret_key));

  // Success: generate, status, wait by id, download by video and by task id, token forms.
  seedance::video video;
  said.attempt(name + " generate", [&] { video = run(io, client.generate(simple_request("a kite " + name))); });
  said.attempt(name + " status", [&] { (void)run(io, client.status(video.task_id)); });
  said.attempt(name + " wait", [&] { (void)run(io, client.wait(video.task_id)); });
  said.attempt(name + " download", [&] { (void)run(io, client.download(video, dir / (name + "-a.mp4"))); });
  said.attempt(name + " download_task",
               [&] { (void)run(io, client.download_task(video.task_id, dir / (name + "-b.mp4"))); });
  said.attempt(name + " file_exists", [&] { (void)run(io, client.download(video, dir / (name + "-a.mp4"))); });
  {
    std::promise<std::error_code> done;
    client.async_status("no-such-task-" + name, [&](std::error_code ec, seedance::task) { done.set_value(ec); });
    auto future = done.get_future();
    while (future.wait_for(0s) != std::future_status::ready) {
      io.restart();
      io.run_one_for(20ms);
    }
    said.add(future.get().message(), name + " async_status");
  }
  // Cancel (or its refusal), list where there is one.
  said.attempt(name + " cancel", [&] {
    const auto t = run(io, client.submit(simple_request("to cancel [sim:stall]")));
    client.forget(t.id);  // never waited on: its slot is not kept (Kinovi and aihubmax cannot cancel)
    (void)run(io, client.cancel(t.id));
  });
  if constexpr (requires { P::list_request(typename P::list_query{}); }) {
    typename P::list_query q;
    q.page_size = 5;
    said.attempt(name + " list", [&] { (void)run(io, client.list(q)); });
  }
  // Failures: invalid request, failed task, deadline with remote cancel, unknown task.
  seedance::request invalid = simple_request("bad");
  invalid.images = {"ftp://user:" + std::string(secret_key) + "@example.com/a.png"};
  invalid.duration = 99s;
  said.attempt(name + " invalid", [&] { (void)run(io, client.submit(invalid)); });
  said.attempt(name + " failed task", [&] { (void)run(io, client.generate(simple_request("nope [sim:fail]"))); });
  seedance::wait_options short_wait;
  short_wait.deadline = 200ms;
  short_wait.cancel_remote_on_deadline = true;
  said.attempt(name + " deadline",
               [&] { (void)run(io, client.generate(simple_request("forever [sim:stall]"), short_wait)); });
  said.attempt(name + " not found", [&] { (void)run(io, client.status("task-that-does-not-exist")); });

  // Faults on the wire: every kind on create, status and download.
  for (auto kind :
       {st::fault_kind::drop_before_request, st::fault_kind::drop_after_request, st::fault_kind::close_after_headers,
        st::fault_kind::close_mid_body, st::fault_kind::truncated_chunked, st::fault_kind::invalid_json,
        st::fault_kind::http_error, st::fault_kind::rate_limit, st::fault_kind::slow_bytes, st::fault_kind::delay}) {
    const st::fault f{.kind = kind, .status = 500, .bytes = 7, .delay = 1ms, .retry_after = 0s};
    const std::string where = name + " " + std::string(st::to_string(kind));
    sim.clear_faults();
    sim.fault_on_nth(std::string(st::detail::base_path(P::id)), 1, f);  // the create
    said.attempt(where + " create",
                 [&] { client.forget(run(io, client.submit(simple_request("faulty " + where))).id); });
    sim.clear_faults();
    sim.fault_on_nth(std::string(st::detail::base_path(P::id)), 2, f);  // the first status poll
    seedance::video v;
    said.attempt(where + " status", [&] { v = run(io, client.generate(simple_request("faulty " + where))); });
    sim.clear_faults();
    sim.fault_on_nth("/files/", 1, f);
    said.attempt(where + " download", [&] {
      (void)run(io, client.download(v, dir / (name + "-" + std::string(st::to_string(kind)) + ".mp4")));
    });
  }
  sim.clear_faults();

  // A key the provider refuses.
  seedance::client<P> refused(io.get_executor(), sim_options<P>(sim, said, wrong_key));
  said.attempt(name + " wrong key submit", [&] { (void)run(io, refused.submit(simple_request("who am I"))); });
  said.attempt(name + " wrong key status", [&] { (void)run(io, refused.status(video.task_id)); });
}

TEST(Secrets, TheKeyNeverAppearsAcrossTheWholeClientSurface) {
  st::simulator_options so;
  so.api_key = std::string(secret_key);
  so.time_scale = 0.05;
  so.output_ttl = 20s;  // one second of real time
  st::simulator sim(so);
  transcript said;
  const auto dir = temp_dir("surface");
  exercise_provider<seedance::kinovi>(sim, said, dir);
  exercise_provider<seedance::aihubmax>(sim, said, dir);
  exercise_provider<seedance::seedance2ink>(sim, said, dir);
  exercise_provider<seedance::ark>(sim, said, dir);

  // An expired output URL, and the run-time provider type.
  {
    asio::io_context io;
    seedance::client<seedance::ark> client(io.get_executor(), sim_options<seedance::ark>(sim, said, secret_key));
    seedance::video v;
    said.attempt("ark generate", [&] { v = run(io, client.generate(simple_request("expiring"))); });
    std::this_thread::sleep_for(1500ms);
    said.attempt("ark expired", [&] { (void)run(io, client.download(v, dir / "expired.mp4")); });
    auto provider = seedance::any_provider::from_name("seedance2ink");
    ASSERT_TRUE(provider);
    seedance::client_options<seedance::any_provider> o;
    o.api_key = std::string(secret_key);
    o.base_url = sim.base_url(provider_id::seedance2ink);
    o.transport.tls.ca_pem = sim.ca_pem();
    o.transport.tls.use_default_paths = false;
    o.transport.proxy.from_environment = false;
    o.log = said.hook();
    seedance::client<seedance::any_provider> any(io.get_executor(), *provider, o);
    said.attempt("any generate", [&] { (void)run(io, any.generate(simple_request("run-time provider"))); });
    said.attempt("any not found", [&] { (void)run(io, any.status("missing")); });
  }
  said.attempt("base url", [&] {
    seedance::client_options<seedance::kinovi> o;
    o.api_key = std::string(secret_key);
    o.base_url = "http://user:" + std::string(secret_key) + "@127.0.0.1/";  // refused (not https), not echoed
    asio::io_context io;
    seedance::client<seedance::kinovi> c(io.get_executor(), o);
  });

  EXPECT_GT(said.size(), 200u);  // the run said a lot: the check below means something
  said.expect_no(secret_key);
  said.expect_no(wrong_key);
  std::filesystem::remove_all(dir);
}

// ---- a provider that echoes the Authorization header ---------------------------------------------------------

/// `value` with every string in it replaced by `text`, except task states and ids (so a failed task still reads
/// as a failed task).
boost::json::value with_every_string(const boost::json::value& value, const std::string& text) {
  if (value.is_string()) return boost::json::value(text);
  if (const auto* a = value.if_array()) {
    boost::json::array out;
    for (const auto& v : *a) out.push_back(with_every_string(v, text));
    return out;
  }
  if (const auto* o = value.if_object()) {
    boost::json::object out;
    for (const auto& [k, v] : *o) {
      const bool keep = k == "status" || k == "state" || k == "taskId" || k == "task_id" || k == "id" ||
                        k == "requestId" || k == "request_id";
      out[k] = keep && v.is_string() ? v : with_every_string(v, text);
    }
    return out;
  }
  return value;
}

/// What the echoing server answers next (set by the test thread, read by the server thread).
struct echo_script {
  std::mutex mutex;
  int status = 401;
  boost::json::value body;  // strings in it are replaced by the echo
  bool html = false;        // answer an HTML page with the echo at byte 190 (cut by one-line messages)
};

/// The error and failed-status fixtures of provider `name`, each as a wrapper {status, body}.
std::vector<std::pair<int, boost::json::value>> echo_cases(std::string_view name) {
  std::vector<std::pair<int, boost::json::value>> out;
  for (const auto& entry : std::filesystem::directory_iterator(fx::fixture_path(name))) {
    const std::string file = entry.path().filename().string();
    const bool error = file.rfind("response_error_", 0) == 0;
    const bool failed = file.rfind("response_status_fail", 0) == 0 || file.rfind("response_status_failed", 0) == 0;
    if (!error && !failed) continue;
    const auto wrapper = fx::load_json(std::string(name) + "/" + file);
    const auto* body = wrapper.as_object().if_contains("body");
    if (!body) continue;  // text bodies: covered by the HTML case
    out.emplace_back(static_cast<int>(wrapper.at("status").as_int64()), *body);
  }
  return out;
}

const st::test_pki& pki() {
  static const auto instance = st::make_test_pki();
  return instance;
}

/// Runs status, submit and wait of client<P> against a server that answers each request as `script` says.
template <class P>
void against_echo(echo_script& script, const st::tls_server& server, transcript& said) {
  const std::string name(P::name);
  asio::io_context io;
  seedance::client_options<P> o;
  o.api_key = std::string(secret_key);
  o.base_url = server.url("/echo");
  o.transport.tls.ca_pem = pki().authority.ca.certificate_pem;
  o.transport.tls.use_default_paths = false;
  o.transport.proxy.from_environment = false;
  o.retry.max_attempts = 1;
  o.retry.max_create_attempts = 1;
  o.max_create_hold = 0ms;  // every answer is the same here: a create refused with 429 is given up at once
  o.log = said.hook();
  seedance::client<P> client(io.get_executor(), o);
  const auto exchange = [&](const std::string& where) {
    said.attempt(name + " " + where + " status", [&] { (void)run(io, client.status("task-1")); });
    said.attempt(name + " " + where + " submit", [&] { (void)run(io, client.submit(simple_request("echo"))); });
    seedance::wait_options w;
    w.deadline = 2s;
    said.attempt(name + " " + where + " wait", [&] { (void)run(io, client.wait("task-1", w)); });
  };
  for (const auto& [status, body] : echo_cases(P::name)) {
    {
      std::lock_guard lock(script.mutex);
      script.status = status;
      script.body = body;
      script.html = false;
    }
    exchange("fixture " + std::to_string(status));
  }
  for (int status : {401, 403, 500, 200}) {
    {
      std::lock_guard lock(script.mutex);
      script.status = status;
      script.html = true;
    }
    exchange("html " + std::to_string(status));
  }
}

TEST(Secrets, ProvidersEchoingTheAuthorizationHeaderDoNotLeakIt) {
  echo_script script;
  st::tls_server server(pki().leaf, [&](st::server_connection& c, const http::request& r) -> asio::awaitable<void> {
    const std::string echo = "invalid key: " + std::string(r.headers.find("Authorization").value_or("none"));
    http::response answer;
    {
      std::lock_guard lock(script.mutex);
      answer.status = script.status;
      if (script.html) {
        // The echo at byte 180: a message cut to 200 bytes keeps the first 20 characters of it.
        answer.body = "<html><body>" + std::string(168, '.') + echo + "</body></html>";
        answer.headers.set("Content-Type", "text/html");
      } else {
        answer.body = boost::json::serialize(with_every_string(script.body, echo));
        answer.headers.set("Content-Type", "application/json");
      }
    }
    answer.reason = "Echo";
    answer.headers.set("X-Request-Id", echo);
    answer.headers.set("Request-Id", echo);
    co_await c.respond(std::move(answer));
  });
  transcript said;
  against_echo<seedance::kinovi>(script, server, said);
  against_echo<seedance::aihubmax>(script, server, said);
  against_echo<seedance::seedance2ink>(script, server, said);
  against_echo<seedance::ark>(script, server, said);
  EXPECT_GT(server.requests(), 100u);
  EXPECT_GT(said.size(), 100u);
  said.expect_no(secret_key);
}

// ---- TLS verification and the environment ----------------------------------------------------------------------

// Run in a fresh process by the test below: sends one request to SEEDANCE_TEST_TLS_URL with default TLS options
// (the system trust store, verification on) and prints whether the server was refused.
TEST(SecretsChild, ConnectWithDefaultTrust) {
  const char* url = std::getenv("SEEDANCE_TEST_TLS_URL");
  if (url == nullptr) GTEST_SKIP() << "run by Secrets.NoEnvironmentVariableTurnsVerificationOff in a fresh process";
  std::string outcome;
  try {
    asio::io_context io;
    http::transport_options o;  // defaults: verification on, the system's default trust store
    o.proxy.from_environment = false;
    http::transport transport(io.get_executor(), o);
    http::request r;
    const auto answer = run(io, transport.send(url, r));
    outcome = "accepted (HTTP " + std::to_string(answer.status) + ")";
  } catch (const seedance::error& e) {
    outcome = e.code() == make_error_code(errc::tls_failed) ? "refused" : std::string("error: ") + e.what();
  } catch (const std::exception& e) {
    outcome = std::string("exception: ") + e.what();
  }
  std::printf("tls child: %s\n", outcome.c_str());
}

TEST(Secrets, NoEnvironmentVariableTurnsVerificationOff) {
  // A server whose CA nobody trusts by default, an unrelated CA (as file and hashed directory), and an OpenSSL
  // configuration that asks for no verification.
  st::tls_server server(pki().leaf, [](st::server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.respond(200, "{}");
  });
  const auto dir = temp_dir("tls-env");
  const auto write = [](const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; };
  write(dir / "server-ca.pem", pki().authority.ca.certificate_pem);
  const auto unrelated = st::certificate_authority::make("unrelated CA");
  write(dir / "unrelated.pem", unrelated.ca.certificate_pem);
  std::filesystem::create_directories(dir / "unrelated.d");
  write(dir / "unrelated.d" / (st::subject_hash_name(unrelated.ca.certificate_pem) + ".0"),
        unrelated.ca.certificate_pem);
  write(dir / "openssl.cnf",
        "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n[ssl_sect]\nsystem_default = no_verify\n"
        "[no_verify]\nVerifyMode = None\nMinProtocol = TLSv1\nCipherString = ALL:@SECLEVEL=0\n");

  const auto child = [&](std::map<std::string, std::string> env) {
    env["SEEDANCE_TEST_TLS_URL"] = server.url("/");
    fx::process_options o;
    o.args = {std::filesystem::read_symlink("/proc/self/exe").string(), "--gtest_filter=SecretsChild.*"};
    o.set_env = std::move(env);
    // The child runs one test of its own, whatever shard of the suite this process runs.
    o.unset_env = {"HTTPS_PROXY",
                   "https_proxy",
                   "ALL_PROXY",
                   "all_proxy",
                   "GTEST_TOTAL_SHARDS",
                   "GTEST_SHARD_INDEX",
                   "GTEST_SHARD_STATUS_FILE"};
    o.output_dir = dir;
    o.timeout = 60s;
    const auto result = fx::run_process(o);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto at = result.out.find("tls child: ");
    return at == std::string::npos ? "no outcome: " + result.out + result.err
                                   : result.out.substr(at + 11, result.out.find('\n', at) - at - 11);
  };
  const std::string server_ca = (dir / "server-ca.pem").string();
  // Variables other software reads to skip or weaken verification, and other tools' trust bundles pointing
  // at the server's CA: none of them may matter. SSL_CERT_FILE/SSL_CERT_DIR name an unrelated CA.
  EXPECT_EQ(child({{"SEEDANCE_INSECURE", "1"},
                   {"SEEDANCE_TLS_VERIFY", "0"},
                   {"SEEDANCE_SKIP_TLS_VERIFY", "1"},
                   {"SEEDANCE_TLS_INSECURE", "true"},
                   {"SEEDANCE_VERIFY_PEER", "false"},
                   {"SSL_NO_VERIFY", "1"},
                   {"SSL_VERIFY", "0"},
                   {"OPENSSL_NO_VERIFY", "1"},
                   {"CURL_INSECURE", "1"},
                   {"CURL_CA_BUNDLE", server_ca},
                   {"REQUESTS_CA_BUNDLE", server_ca},
                   {"NODE_EXTRA_CA_CERTS", server_ca},
                   {"NODE_TLS_REJECT_UNAUTHORIZED", "0"},
                   {"PYTHONHTTPSVERIFY", "0"},
                   {"GIT_SSL_NO_VERIFY", "1"},
                   {"GIT_SSL_CAINFO", server_ca},
                   {"SSL_CERT_FILE", (dir / "unrelated.pem").string()},
                   {"SSL_CERT_DIR", (dir / "unrelated.d").string()}}),
            "refused");
  // An OpenSSL configuration that sets VerifyMode = None for every context.
  EXPECT_EQ(
      child({{"OPENSSL_CONF", (dir / "openssl.cnf").string()}, {"SSL_CERT_FILE", (dir / "unrelated.pem").string()}}),
      "refused");
  // The control: SSL_CERT_FILE legitimately replaces OpenSSL's default trust store, so naming the server's CA
  // there makes it trusted. This shows the child reads the environment; the cases above show that nothing in
  // it turns verification off.
  EXPECT_EQ(child({{"SSL_CERT_FILE", server_ca}}), "accepted (HTTP 200)");
  std::filesystem::remove_all(dir);
}

}  // namespace

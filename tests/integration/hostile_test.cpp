// Hostile inputs against the whole client, over real TLS on 127.0.0.1: a fake provider (tests/support/tls_server.hpp)
// that sends huge headers, endless or never-ending bodies, trickles bytes, compresses what nobody asked to be
// compressed, truncates videos, redirects badly and nests JSON without end; user input with CR/LF, invalid UTF-8
// and credentials in URLs; callbacks about tasks nobody waits for; and the webhook listener and a client sharing
// one strand on two threads (run this file under ThreadSanitizer too).
#include <seedance/seedance.hpp>
#include <seedance/testing/certificates.hpp>
#include <seedance/testing/sample_mp4.hpp>
#include <seedance/testing/simulator.hpp>

#include <gtest/gtest.h>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/strand.hpp>
#include <asio/use_future.hpp>
#include <asio/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <support/tls_server.hpp>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace st = seedance::testing;
namespace http = seedance::http;
using seedance::errc;
using st::server_connection;
using st::tls_server;

constexpr std::string_view test_key = "sk-hostile-5e4d3c2b1a09f8e7";

const st::test_pki& pki() {
  static const auto instance = st::make_test_pki();
  return instance;
}

/// Runs handlers of `io` until `a` completes (pooled connections keep io busy, so run() alone would not return).
template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  auto future = asio::co_spawn(io, std::move(a), asio::use_future);
  while (future.wait_for(0s) != std::future_status::ready) {
    io.restart();
    io.run_one_for(20ms);
  }
  return future.get();
}

/// The seedance::error `a` ends with (fails the test when it succeeds).
template <class T>
seedance::error error_of(asio::io_context& io, asio::awaitable<T> a) {
  try {
    (void)run(io, std::move(a));
    ADD_FAILURE() << "expected a seedance::error";
  } catch (const seedance::error& e) {
    return e;
  }
  return seedance::error(errc::bad_response, "no error");
}

/// A Kinovi client whose provider is `server`, trusting only the test CA, with small limits and short timeouts.
seedance::client_options<seedance::kinovi> fake_kinovi(const tls_server& server) {
  seedance::client_options<seedance::kinovi> o;
  o.api_key = std::string(test_key);
  o.base_url = server.url("/api/v1");
  o.transport.tls.ca_pem = pki().authority.ca.certificate_pem;
  o.transport.tls.use_default_paths = false;
  o.transport.proxy.from_environment = false;
  o.transport.timeouts.connect = 2s;
  o.transport.timeouts.handshake = 2s;
  o.transport.timeouts.request = 5s;
  o.transport.timeouts.idle_read = 2s;
  o.transport.limits.max_body_bytes = 1 << 20;  // buffered (JSON) bodies
  o.retry.initial_delay = 5ms;
  o.retry.max_delay = 20ms;
  o.retry.max_attempts = 2;
  o.jitter_seed = 3;
  return o;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("seedance-hostile-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Every file in `dir` (a failed download must leave none: neither the target nor a *.part-* file).
std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

std::string sample_bytes() {
  const auto s = st::sample_mp4();
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

/// A Kinovi status body for a succeeded task whose video is at `url`.
std::string kinovi_succeeded(std::string_view id, std::string_view url) {
  const boost::json::value body{
      {"code", 200},
      {"message", "success"},
      {"data",
       {{"taskId", id}, {"status", "success"}, {"output", boost::json::array{{{"url", url}, {"width", 1280}}}}}}};
  return boost::json::serialize(body);
}

// ---- limits and deadlines --------------------------------------------------------------------------------------

TEST(Hostile, HugeResponseHeadersAreRefused) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    for (int i = 0; i < 3000; ++i) head += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'a') + "\r\n";
    co_await c.write(head + "Content-Length: 2\r\n\r\n{}");
    c.close();
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(server));
  const auto e = error_of(io, client.status("task-1"));
  EXPECT_EQ(e.code(), make_error_code(errc::message_too_large)) << e.what();
  EXPECT_LE(server.requests(), 2u);  // bounded by the retry policy
}

TEST(Hostile, EndlessChunkedBodyStopsAtTheBodyLimit) {
  std::atomic<std::uint64_t> sent{0};
  tls_server server(pki().leaf, [&](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
    for (int i = 0; i < 4096 && !c.closed(); ++i) {  // at most 256 MiB: ends when the client hangs up
      co_await c.write(chunk);
      sent += chunk.size();
    }
    c.close();
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(server));
  const auto e = error_of(io, client.status("task-1"));
  EXPECT_EQ(e.code(), make_error_code(errc::message_too_large)) << e.what();
  EXPECT_TRUE(st::wait_until([&] { return server.closed_connections() == server.connections(); }));
  EXPECT_LT(sent.load(), 64u << 20);  // the client hung up, long before the server would have stopped
}

TEST(Hostile, DeclaredEndlessBodyIsRefusedAtTheHeaders) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{");
    co_await c.wait_for_close(5s);
    c.close();
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(server));
  const auto e = error_of(io, client.status("task-1"));
  EXPECT_EQ(e.code(), make_error_code(errc::message_too_large)) << e.what();
}

TEST(Hostile, DownloadThatNeverEndsMeetsTheRequestDeadlineAndLeavesNoFile) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    // A close-delimited body that keeps coming: valid MP4 head, then filler, never an end.
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n" +
                     sample_bytes().substr(0, 4096));
    const std::string filler(16 * 1024, '\0');
    for (int i = 0; i < 3000 && !c.closed(); ++i) {  // bounded: 30 s at most
      co_await c.write(filler);
      co_await c.sleep(10ms);
    }
    c.close();
  });
  asio::io_context io;
  auto o = fake_kinovi(server);
  o.transport.timeouts.request = 700ms;  // the whole download attempt; bytes keep the idle timer quiet
  o.retry.max_attempts = 1;
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  const auto dir = temp_dir("endless");
  seedance::download_options d;
  d.max_resumes = 1;
  const auto e = error_of(io, client.download(server.url("/files/endless.mp4"), dir / "clip.mp4", d));
  EXPECT_EQ(e.code(), make_error_code(errc::timeout)) << e.what();
  EXPECT_TRUE(files_in(dir).empty());
  std::filesystem::remove_all(dir);
}

/// A server that answers a valid status body one byte at a time, `gap` apart (slowloris, reversed).
std::unique_ptr<tls_server> trickling_server(std::chrono::milliseconds gap) {
  return std::make_unique<tls_server>(
      pki().leaf, [gap](server_connection& c, const http::request&) -> asio::awaitable<void> {
        const std::string body = kinovi_succeeded("task-1", "https://127.0.0.1/files/a.mp4");
        const std::string wire =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + body;
        for (std::size_t i = 0; i < wire.size() && !c.closed(); ++i) {
          co_await c.write(wire.substr(i, 1));
          co_await c.sleep(gap);
        }
        c.close();
      });
}

TEST(Hostile, TricklingServerMeetsTheWholeRequestDeadline) {
  auto server = trickling_server(20ms);  // a byte every 20 ms never trips a 500 ms idle timeout
  asio::io_context io;
  auto o = fake_kinovi(*server);
  o.transport.timeouts.idle_read = 500ms;
  o.transport.timeouts.request = 800ms;
  o.retry.max_attempts = 1;
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  const auto e = error_of(io, client.status("task-1"));
  EXPECT_EQ(e.code(), make_error_code(errc::timeout)) << e.what();
}

TEST(Hostile, PausingServerMeetsTheIdleTimeout) {
  auto server = trickling_server(700ms);
  asio::io_context io;
  auto o = fake_kinovi(*server);
  o.transport.timeouts.idle_read = 200ms;
  o.transport.timeouts.request = 10s;
  o.retry.max_attempts = 1;
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  const auto e = error_of(io, client.status("task-1"));
  EXPECT_EQ(e.code(), make_error_code(errc::idle_timeout)) << e.what();
}

// ---- compression -------------------------------------------------------------------------------------------------

/// "https://<Host header of r><path>": a URL back to the server that received `r`.
std::string url_back(const http::request& r, std::string_view path) {
  const auto host = r.headers.find("Host");
  return "https://" + std::string(host ? *host : "127.0.0.1") + std::string(path);
}

/// A fake Kinovi whose task "task-1" succeeded with its video at /files/clip.mp4, served by `serve_file`.
std::unique_ptr<tls_server> provider_with_file(
    std::function<asio::awaitable<void>(server_connection&, const http::request&)> serve_file) {
  return std::make_unique<tls_server>(
      pki().leaf, [serve_file](server_connection& c, const http::request& r) -> asio::awaitable<void> {
        if (r.target.find("/files/") != std::string::npos) {
          co_await serve_file(c, r);
        } else {
          http::headers h;
          h.set("Content-Type", "application/json");
          co_await c.respond(200, kinovi_succeeded("task-1", url_back(r, "/files/clip.mp4")), std::move(h));
        }
      });
}

TEST(Hostile, NoCompressionIsAskedForAndAnEncodedVideoIsNotStored) {
  const std::string gzip_magic = std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) + std::string(5000, 'x');
  auto server = provider_with_file([&](server_connection& c, const http::request&) -> asio::awaitable<void> {
    http::headers h;
    h.set("Content-Type", "video/mp4");
    h.set("Content-Encoding", "gzip");
    co_await c.respond(200, gzip_magic, std::move(h));
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(*server));
  const auto dir = temp_dir("gzip");
  const auto e = error_of(io, client.download_task("task-1", dir / "clip.mp4"));
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_video)) << e.what();
  EXPECT_NE(std::string(e.what()).find("Content-Encoding"), std::string::npos) << e.what();
  EXPECT_TRUE(files_in(dir).empty());
  const auto received = server->received();
  ASSERT_GE(received.size(), 2u);  // the status request and the download
  for (const auto& r : received) {
    const auto accept = r.headers.find("Accept-Encoding");
    EXPECT_TRUE(!accept || *accept == "identity") << r.target << ": Accept-Encoding " << *accept;
  }
  std::filesystem::remove_all(dir);
}

TEST(Hostile, IdentityEncodingIsAccepted) {
  auto server = provider_with_file([](server_connection& c, const http::request&) -> asio::awaitable<void> {
    http::headers h;
    h.set("Content-Type", "video/mp4");
    h.set("Content-Encoding", " Identity ");
    co_await c.respond(200, sample_bytes(), std::move(h));
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(*server));
  const auto dir = temp_dir("identity");
  const auto result = run(io, client.download_task("task-1", dir / "clip.mp4"));
  EXPECT_EQ(result.bytes, st::sample_mp4().size());
  std::filesystem::remove_all(dir);
}

TEST(Hostile, CompressedTransferCodingIsAProtocolError) {
  auto server = provider_with_file([](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.write("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    c.close();
  });
  asio::io_context io;
  auto o = fake_kinovi(*server);
  o.retry.max_attempts = 1;
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  const auto dir = temp_dir("te-gzip");
  const auto e = error_of(io, client.download_task("task-1", dir / "clip.mp4"));
  EXPECT_EQ(e.code(), make_error_code(errc::protocol_error)) << e.what();
  EXPECT_TRUE(files_in(dir).empty());
  std::filesystem::remove_all(dir);
}

TEST(Hostile, TruncatedVideoWithAMatchingLengthIsNotStored) {
  // Half the MP4, announced as exactly that many bytes: the length checks pass, the ftyp box is there, but the
  // last box runs past the end.
  auto server = provider_with_file([](server_connection& c, const http::request&) -> asio::awaitable<void> {
    http::headers h;
    h.set("Content-Type", "video/mp4");
    co_await c.respond(200, sample_bytes().substr(0, st::sample_mp4().size() / 2), std::move(h));
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(*server));
  const auto dir = temp_dir("truncated");
  const auto e = error_of(io, client.download_task("task-1", dir / "clip.mp4"));
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_video)) << e.what();
  EXPECT_TRUE(files_in(dir).empty());
  std::filesystem::remove_all(dir);
}

// ---- redirects and credentials in URLs ------------------------------------------------------------------------

TEST(Hostile, BadRedirectsOfADownloadAreRefused) {
  const std::string password = "pw-redirect-77";
  tls_server server(pki().leaf, [&](server_connection& c, const http::request& r) -> asio::awaitable<void> {
    const std::string back = url_back(r, "/files/clip.mp4");
    if (r.target == "/to-http")
      co_await c.redirect(302, "http://" + back.substr(8));
    else if (r.target == "/loop")
      co_await c.redirect(302, "/loop");
    else if (r.target == "/userinfo")
      co_await c.redirect(307, "https://user:" + password + "@" + back.substr(8));
    else
      co_await c.respond(200, sample_bytes());
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(server));
  const auto dir = temp_dir("redirects");
  const auto to_http = error_of(io, client.download(server.url("/to-http"), dir / "a.mp4"));
  EXPECT_EQ(to_http.code(), make_error_code(errc::insecure_redirect)) << to_http.what();
  const auto loop = error_of(io, client.download(server.url("/loop"), dir / "b.mp4"));
  EXPECT_EQ(loop.code(), make_error_code(errc::too_many_redirects)) << loop.what();
  const auto userinfo = error_of(io, client.download(server.url("/userinfo"), dir / "c.mp4"));
  EXPECT_EQ(userinfo.code(), make_error_code(errc::insecure_redirect)) << userinfo.what();
  EXPECT_EQ(std::string(userinfo.what()).find(password), std::string::npos) << userinfo.what();
  EXPECT_TRUE(files_in(dir).empty());

  // A download URL that carries credentials itself is refused before any I/O.
  const auto connections = server.connections();
  const std::string with_userinfo =
      "https://user:" + password + "@127.0.0.1:" + std::to_string(server.port()) + "/x.mp4";
  try {
    (void)run(io, client.download(with_userinfo, dir / "d.mp4"));
    ADD_FAILURE() << "expected an error";
  } catch (const seedance::error& e) {
    EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.connections(), connections);
  EXPECT_TRUE(files_in(dir).empty());
  std::filesystem::remove_all(dir);
}

TEST(Hostile, CredentialsInMediaAndCallbackUrlsAreRefusedAndNotEchoed) {
  const std::string password = "pw-media-31";
  seedance::request r;
  r.prompt = "@image1 dances";
  r.images = {"https://user:" + password + "@example.com/a.png"};
  r.callback_url = "https://hook:" + password + "@example.com/hook";
  for (auto p : seedance::all_providers) {
    if (p == seedance::provider_id::aihubmax) r.callback_url.clear();  // no webhooks there: another rule
    const auto problems = seedance::validate(p, r);
    bool image = false, callback = false;
    for (const auto& pr : problems) {
      image |= pr.field == "images[0]";
      callback |= pr.field == "callback_url";
      EXPECT_EQ((pr.rule + pr.value).find(password), std::string::npos) << pr.rule << " " << pr.value;
    }
    EXPECT_TRUE(image) << seedance::to_string(p);
    EXPECT_TRUE(callback || r.callback_url.empty()) << seedance::to_string(p);
  }
}

// ---- JSON ----------------------------------------------------------------------------------------------------------

/// Calls every decoder of `Codec` on `body`: only seedance::error may come out, and progress stays a percentage.
template <class Codec>
void decode_everything(const std::string& body) {
  http::response r;
  r.status = 200;
  r.body = body;
  const auto check = [](const seedance::task& t) {
    if (t.progress) {
      EXPECT_GE(*t.progress, 0);
      EXPECT_LE(*t.progress, 100);
    }
  };
  try {
    check(Codec::decode_created(r));
  } catch (const seedance::error&) {
  }
  try {
    check(Codec::decode_status(r));
  } catch (const seedance::error&) {
  }
  try {
    check(Codec::decode_webhook(body));
  } catch (const seedance::error&) {
  }
  r.status = 500;
  EXPECT_NO_THROW((void)Codec::decode_error(r));
}

std::vector<std::string> hostile_json() {
  std::vector<std::string> out;
  out.push_back(std::string(200'000, '['));
  out.push_back(std::string(100'000, '[') + std::string(100'000, ']'));
  std::string objects;
  for (int i = 0; i < 50'000; ++i) objects += "{\"data\":";
  out.push_back(objects);
  out.push_back("{\"code\":200,\"data\":" + std::string(10'000, '[') + "1" + std::string(10'000, ']') + "}");
  for (std::string number : {"1e999999", "-1e400", "123456789012345678901234567890123456789", "1e308", "-0",
                             "18446744073709551616", "-9223372036854775809", "0.0000000000000000000000001"}) {
    out.push_back(R"({"code":200,"data":{"taskId":"t","status":"processing","state":"generating","progress":)" +
                  number + R"(,"creditsUsed":)" + number + R"(,"createTime":)" + number + "}}");
    out.push_back(R"({"id":"t","task_id":"t","status":"running","progress":)" + number +
                  R"(,"usage":{"total_tokens":)" + number + R"(},"created_at":)" + number + "}");
    out.push_back(R"({"success":true,"data":{"requestId":"t","status":"processing","progress":)" + number +
                  R"(,"credits":)" + number + "}}");
  }
  return out;
}

TEST(Hostile, DeepNestingAndGiantNumbersInEveryCodec) {
  for (const auto& body : hostile_json()) {
    decode_everything<seedance::kinovi>(body);
    decode_everything<seedance::aihubmax>(body);
    decode_everything<seedance::seedance2ink>(body);
    decode_everything<seedance::ark>(body);
  }
}

TEST(Hostile, DeeplyNestedStatusBodyIsABadResponse) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    http::headers h;
    h.set("Content-Type", "application/json");
    co_await c.respond(200, std::string(500'000, '['), std::move(h));
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(server));
  const auto e = error_of(io, client.status("task-1"));
  EXPECT_EQ(e.code(), make_error_code(errc::bad_response)) << e.what();
  EXPECT_LE(std::string(e.what()).size(), 2000u);  // one line, not the body
}

// ---- user input ----------------------------------------------------------------------------------------------------

TEST(Hostile, CrLfInTheApiKeyIsRefusedBeforeSendingAndNotEchoed) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.respond(200, "{}");
  });
  asio::io_context io;
  auto o = fake_kinovi(server);
  const std::string secret = "sk-crlf-0a1b2c3d4e5f";
  o.api_key = secret + "\r\nX-Injected: yes";
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  seedance::request r;
  r.prompt = "a kite";
  for (int operation = 0; operation < 2; ++operation) {
    const auto e = operation == 0 ? error_of(io, client.submit(r)) : error_of(io, client.status("task-1"));
    EXPECT_EQ(e.code(), make_error_code(errc::invalid_request)) << e.what();
    EXPECT_NE(e.code(), make_error_code(errc::outcome_unknown));  // nothing was sent: no task can exist
    const std::string text = std::string(e.what()) + e.details().provider_message + e.details().provider_code;
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
    EXPECT_EQ(text.find("X-Injected"), std::string::npos) << text;
  }
  EXPECT_EQ(server.requests(), 0u);
}

TEST(Hostile, CrLfInTheUserAgentIsRefusedBeforeSending) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.respond(200, "{}");
  });
  asio::io_context io;
  auto o = fake_kinovi(server);
  o.transport.user_agent = "app/1.0\r\nX-Injected: yes";
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  seedance::request r;
  r.prompt = "a kite";
  const auto e = error_of(io, client.submit(r));
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_request)) << e.what();
  EXPECT_EQ(std::string(e.what()).find("X-Injected"), std::string::npos) << e.what();
  EXPECT_EQ(server.requests(), 0u);
}

TEST(Hostile, InvalidUtf8PromptIsRefusedNamingTheByteOffset) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.respond(200, "{}");
  });
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), fake_kinovi(server));
  seedance::request r;
  r.prompt = "caf\xC3\xA9 \xE2\x82 and more";  // a three-byte sequence cut short by the space at offset 8
  const auto e = error_of(io, client.submit(r));
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_request)) << e.what();
  ASSERT_FALSE(e.details().problems.empty());
  EXPECT_EQ(e.details().problems.front().field, "prompt");
  EXPECT_NE(e.details().problems.front().rule.find("offset 8"), std::string::npos) << e.details().problems.front().rule;
  EXPECT_EQ(server.connections(), 0u);
}

// ---- callbacks -----------------------------------------------------------------------------------------------------

/// POSTs `body` to `url` ("http://127.0.0.1:PORT/path") over plain TCP and returns the status line.
std::string post_plain(const std::string& url, const std::string& body) {
  const auto host_start = url.find("//") + 2;
  const auto path_start = url.find('/', host_start);
  const auto colon = url.rfind(':', path_start);
  const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1, path_start - colon - 1)));
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  const std::string wire = "POST " + url.substr(path_start) +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nContent-Type: application/json\r\n\r\n" + body;
  asio::write(socket, asio::buffer(wire));
  std::string answer;
  std::error_code ec;
  char buffer[1024];
  for (int i = 0; i < 100 && !ec; ++i) answer.append(buffer, socket.read_some(asio::buffer(buffer), ec));
  return answer.substr(0, answer.find("\r\n"));
}

std::string kinovi_callback(std::string_view id) {
  const boost::json::value body{{"code", 200},
                                {"message", "success"},
                                {"data", {{"taskId", id}, {"state", "success"}, {"updateTime", 1789985975300}}}};
  return boost::json::serialize(body);
}

TEST(Hostile, CallbacksForUnknownTasksWakeNobodyAndMemoryStaysBounded) {
  asio::io_context io;
  seedance::webhook_options wo;
  wo.path = "/hook";
  wo.remembered_notifications = 100;
  seedance::webhook_listener listener(
      io.get_executor(), [](std::string_view body) { return seedance::kinovi::decode_webhook(body); }, wo);
  listener.start({asio::ip::make_address("127.0.0.1"), 0});
  auto waiting = listener.subscribe("task-someone-waits-for");

  // Over HTTP, while the listener's io_context runs on another thread.
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  EXPECT_EQ(post_plain(listener.url(), kinovi_callback("task-nobody-knows")), "HTTP/1.1 200 OK");
  EXPECT_EQ(post_plain(listener.url(), std::string(100'000, '{')), "HTTP/1.1 400 Error");
  work.reset();
  io.stop();
  runner.join();

  // Many more, straight to deliver(): each is new, none wakes the waiter, and the dedup memory forgets the
  // oldest once it holds remembered_notifications.
  for (int i = 0; i < 5000; ++i)
    ASSERT_TRUE(listener.deliver(kinovi_callback("unknown-" + std::to_string(i))).has_value());
  EXPECT_FALSE(listener.deliver(kinovi_callback("unknown-4999")).has_value());  // still remembered: a duplicate
  EXPECT_TRUE(listener.deliver(kinovi_callback("unknown-0")).has_value());      // long forgotten: new again
  EXPECT_EQ(listener.stats().accepted, 5002u);
  EXPECT_EQ(listener.stats().duplicates, 1u);
  io.restart();
  const bool woken = run(io, waiting.wait_for(50ms));
  EXPECT_FALSE(woken);
  listener.stop();
}

// ---- threads -------------------------------------------------------------------------------------------------------

TEST(HostileThreads, ListenerAndClientShareAStrandOnTwoThreads) {
  st::simulator_options so;
  so.time_scale = 0.05;
  so.api_key = std::string(test_key);
  st::simulator sim(so);
  sim.fault_with_probability("", 0.3, {.kind = st::fault_kind::webhook_duplicate});
  sim.fault_with_probability("", 0.3, {.kind = st::fault_kind::webhook_out_of_order});
  sim.fault_with_probability("recordInfo", 0.1, {.kind = st::fault_kind::http_error, .status = 503});

  asio::io_context io;
  auto strand = asio::make_strand(io);
  seedance::client_options<seedance::kinovi> o;
  o.api_key = std::string(test_key);
  o.base_url = sim.base_url(seedance::provider_id::kinovi);
  o.transport.tls.ca_pem = sim.ca_pem();
  o.transport.tls.use_default_paths = false;
  o.transport.proxy.from_environment = false;
  o.polling.first_delay = o.polling.min_interval = 20ms;
  o.retry.initial_delay = 10ms;
  o.retry.max_delay = 50ms;
  o.max_in_flight = 4;
  seedance::client<seedance::kinovi> client(strand, o);
  seedance::webhook_listener listener(strand,
                                      [](std::string_view body) { return seedance::kinovi::decode_webhook(body); });
  listener.start({asio::ip::make_address("127.0.0.1"), 0});

  constexpr int jobs = 16;
  std::atomic<int> done{0}, failed{0};
  for (int i = 0; i < jobs; ++i) {
    seedance::request r;
    r.prompt = "two threads, one strand " + std::to_string(i);
    r.callback_url = listener.url();
    seedance::wait_options wo;
    wo.listener = &listener;
    wo.fallback_poll = 2s;
    asio::co_spawn(strand, client.generate(r, wo), [&](std::exception_ptr e, seedance::video v) {
      failed += e || v.url.empty() ? 1 : 0;
      ++done;
    });
  }
  auto work = asio::make_work_guard(io);
  std::thread a([&] { io.run(); });
  std::thread b([&] { io.run(); });
  EXPECT_TRUE(st::wait_until([&] { return done == jobs; }, 60s));
  std::promise<seedance::webhook_stats> stats;
  asio::post(strand, [&] {
    stats.set_value(listener.stats());
    listener.stop();
  });
  const auto s = stats.get_future().get();
  work.reset();
  io.stop();
  a.join();
  b.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(sim.creates(seedance::provider_id::kinovi), static_cast<std::uint64_t>(jobs));
  EXPECT_GE(s.accepted, static_cast<std::uint64_t>(jobs));
}

}  // namespace

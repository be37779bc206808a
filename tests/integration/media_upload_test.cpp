// Uploads of local media: the transport streaming a request body from a source, the S3 uploader against a
// scripted TLS server on 127.0.0.1 (headers, retries, the HEAD skip, cancellation), and against a real
// S3-compatible server (s3rver, started by scripts/test; these tests skip when SEEDANCE_TEST_S3_ENDPOINT is
// not set).
#include <gtest/gtest.h>

#include <seedance/http/transport.hpp>
#include <seedance/media/s3.hpp>
#include <seedance/media/sigv4.hpp>
#include <seedance/media/sniff.hpp>
#include <seedance/media/uploader.hpp>
#include <seedance/testing/certificates.hpp>

#include <unistd.h>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <support/subprocess.hpp>
#include <support/tls_server.hpp>
#include <vector>

namespace {

using namespace std::chrono_literals;
using seedance::errc;
using seedance::testing::run_blocking;
using seedance::testing::server_connection;
using seedance::testing::tls_server;
namespace http = seedance::http;
namespace media = seedance::media;

const seedance::testing::test_pki& pki() {
  static const auto instance = seedance::testing::make_test_pki();
  return instance;
}

http::transport_options test_transport_options() {
  http::transport_options options;
  options.tls.use_default_paths = false;
  options.tls.ca_pem = pki().authority.ca.certificate_pem;
  options.proxy.from_environment = false;
  return options;
}

/// Deterministic bytes that are not a repeating short pattern (so an offset mistake changes the hash).
std::string pattern_bytes(std::size_t size, std::uint32_t seed = 1) {
  std::string out(size, '\0');
  std::uint32_t x = seed;
  for (auto& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

class temp_folder {
 public:
  temp_folder() {
    path_ = std::filesystem::temp_directory_path() / ("seedance-upload-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(path_);
  }
  ~temp_folder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }

 private:
  std::filesystem::path path_;
};

/// S3 options pointing at a scripted server, with fixed test credentials and quick retries.
media::s3_options scripted_options(const tls_server& server) {
  media::s3_options o;
  o.bucket = "media-test";
  o.prefix = "inputs";
  o.endpoint = server.url("");
  o.region = "us-east-1";
  o.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  o.transport = test_transport_options();
  o.retry.initial_delay = 1ms;
  o.retry.max_delay = 5ms;
  return o;
}

}  // namespace

TEST(TransportBodySource, StreamsTheBodyWithContentLength) {
  const std::string body = pattern_bytes(700'000);  // several 256 KiB pieces and a partial one
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.respond(200, "stored");
  });
  asio::io_context io;
  http::transport client(io.get_executor(), test_transport_options());
  std::vector<std::uint64_t> offsets;
  http::request req;
  req.method = http::method::put;
  http::send_options opts;
  opts.body = http::body_source{body.size(), [&](std::uint64_t offset, std::span<char> buffer, std::error_code&) {
                                  offsets.push_back(offset);
                                  const auto n = std::min<std::size_t>(buffer.size(), body.size() - offset);
                                  std::copy_n(body.data() + offset, n, buffer.data());
                                  return n;
                                }};
  const auto answer = run_blocking(io, client.send(server.url("/object"), req, opts));
  EXPECT_EQ(answer.status, 200);
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].headers.find("Content-Length"), std::to_string(body.size()));
  EXPECT_FALSE(received[0].headers.contains("Transfer-Encoding"));
  EXPECT_TRUE(received[0].body == body);
  EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 262144, 524288}));
}

TEST(TransportBodySource, AFailingSourceAbortsTheRequestWithItsError) {
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.respond(200, "stored");
  });
  asio::io_context io;
  http::transport client(io.get_executor(), test_transport_options());
  http::request req;
  req.method = http::method::put;
  http::send_options opts;
  opts.body = http::body_source{1'000'000, [](std::uint64_t offset, std::span<char> buffer, std::error_code& ec) {
                                  if (offset > 0) ec = std::make_error_code(std::errc::io_error);
                                  return offset > 0 ? std::size_t{0} : buffer.size();
                                }};
  try {
    (void)run_blocking(io, client.send(server.url("/object"), req, opts));
    FAIL() << "a failing body source did not fail the request";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), std::make_error_code(std::errc::io_error));
    EXPECT_NE(e.text().find("reading the request body failed"), std::string::npos) << e.text();
  }
  EXPECT_EQ(server.requests(), 0u);  // the server never saw a complete request

  http::request with_body = req;
  with_body.body = "inline";
  EXPECT_THROW((void)run_blocking(io, client.send(server.url("/object"), with_body, opts)), seedance::error);
}

TEST(S3Uploader, SignsStreamsRetriesAndSkipsWhatIsThere) {
  temp_folder folder;
  const std::string bytes = pattern_bytes(300'000, 7);
  const auto file = folder.write("shot one.png", bytes);
  const std::string sha = media::sha256_hex(bytes);
  std::mutex mutex;
  std::vector<std::string> log;
  std::atomic<int> puts{0};
  std::atomic<bool> stored{false};
  tls_server server(pki().leaf, [&](server_connection& c, const http::request& r) -> asio::awaitable<void> {
    {
      std::lock_guard lock(mutex);
      log.push_back(std::string(r.method == http::method::head ? "HEAD " : "PUT ") + r.target);
    }
    if (r.method == http::method::head) {
      if (!stored) {
        co_await c.respond(404);
      } else {
        co_await c.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(bytes.size()) + "\r\n\r\n");
      }
      co_return;
    }
    if (++puts == 1) {  // the first PUT meets a server error: the uploader must send it again
      co_await c.respond(503,
                         "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
      co_return;
    }
    stored = true;
    co_await c.respond(200);
  });

  asio::io_context io;
  media::s3_uploader uploader(io.get_executor(), scripted_options(server));
  std::uint64_t last_progress = 0;
  media::upload_request request;
  request.source = media::media_source::from_file(file);
  request.content_type = "image/png";
  request.progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_EQ(total, bytes.size());
    EXPECT_LE(done, total);
    last_progress = done;  // a retried PUT starts again from 0
  };
  const auto first = run_blocking(io, uploader.upload(request));
  EXPECT_FALSE(first.already_present);
  EXPECT_EQ(first.size, bytes.size());
  EXPECT_EQ(last_progress, bytes.size());
  const std::string key = "inputs/" + sha.substr(0, 16) + "-shot one.png";
  const std::string wire_path = "/media-test/inputs/" + sha.substr(0, 16) + "-shot%20one.png";
  EXPECT_EQ(first.url.rfind(server.url(wire_path) + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&", 0), 0u) << first.url;
  EXPECT_NE(first.url.find("&X-Amz-Expires=86400&"), std::string::npos);

  const auto received = server.received();
  ASSERT_EQ(received.size(), 3u);  // HEAD, PUT (503), PUT
  const auto& put = received[2];
  EXPECT_EQ(put.target, wire_path);
  EXPECT_TRUE(put.body == bytes);
  EXPECT_EQ(put.headers.find("Content-Length"), std::to_string(bytes.size()));
  EXPECT_FALSE(put.headers.contains("Transfer-Encoding"));
  EXPECT_EQ(put.headers.find("x-amz-content-sha256"), sha);
  EXPECT_EQ(put.headers.find("Content-Type"), "image/png");
  // The Authorization header is the SigV4 signature of exactly what arrived.
  media::sigv4::request_to_sign signed_part;
  signed_part.method = "PUT";
  signed_part.path = "/media-test/" + key;
  for (const char* name : {"Host", "Content-Type", "x-amz-date", "x-amz-content-sha256"})
    signed_part.headers.emplace_back(name, std::string(put.headers.find(name).value_or("")));
  signed_part.payload_hash = sha;
  EXPECT_EQ(put.headers.find("Authorization"),
            media::sigv4::authorization({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""},
                                        std::string(put.headers.find("x-amz-date").value_or("")), "us-east-1", "s3",
                                        signed_part));

  // The same bytes under the same name again: HEAD finds them, nothing is sent.
  last_progress = 0;
  const auto second = run_blocking(io, uploader.upload(request));
  EXPECT_TRUE(second.already_present);
  EXPECT_EQ(last_progress, 0u);
  EXPECT_EQ(server.received().size(), 4u);
  EXPECT_EQ(server.received().back().method, http::method::head);
}

TEST(S3Uploader, RefusalsAreNotRetriedAndNameTheKeyNotTheSecret) {
  temp_folder folder;
  const auto file = folder.write("a.png", pattern_bytes(1000));
  tls_server server(pki().leaf, [](server_connection& c, const http::request& r) -> asio::awaitable<void> {
    if (r.method == http::method::head) {
      co_await c.respond(404);
      co_return;
    }
    co_await c.respond(403,
                       "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does "
                       "not match the signature you provided.</Message></Error>");
  });
  asio::io_context io;
  const auto options = scripted_options(server);
  media::s3_uploader uploader(io.get_executor(), options);
  media::upload_request request;
  request.source = media::media_source::from_file(file);
  try {
    (void)run_blocking(io, uploader.upload(request));
    FAIL() << "a 403 was not reported";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::forbidden);
    EXPECT_EQ(e.details().http_status, 403);
    EXPECT_EQ(e.details().provider_code, "SignatureDoesNotMatch");
    EXPECT_NE(e.text().find("s3://media-test/inputs/"), std::string::npos) << e.text();
    EXPECT_EQ(e.text().find(options.credentials.secret_access_key), std::string::npos);
  }
  EXPECT_EQ(server.requests(), 2u);  // HEAD and one PUT
}

TEST(S3Uploader, CancellationStopsTheUpload) {
  temp_folder folder;
  const auto file = folder.write("big.mp4", pattern_bytes(4'000'000));
  tls_server server(pki().leaf, [](server_connection& c, const http::request&) -> asio::awaitable<void> {
    co_await c.sleep(10s);  // never answers in time: the upload must end by cancellation
  });
  asio::io_context io;
  media::s3_uploader uploader(io.get_executor(), scripted_options(server));
  asio::cancellation_signal cancel;
  media::upload_request request;
  request.source = media::media_source::from_file(file);
  bool cancelled = false;
  asio::co_spawn(io, uploader.upload(request),
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, media::upload_result) {
                   try {
                     if (e) std::rethrow_exception(e);
                   } catch (const std::system_error& error) {
                     cancelled = error.code() == asio::error::operation_aborted;
                   }
                 }));
  asio::steady_timer timer(io, 200ms);
  timer.async_wait([&](std::error_code) { cancel.emit(asio::cancellation_type::terminal); });
  io.run();
  EXPECT_TRUE(cancelled);
}

TEST(S3Uploader, OptionsAreCheckedBeforeAnyIo) {
  media::s3_options bad;
  bad.bucket = "No_Such Bucket";
  bad.prefix = "/lead";
  bad.endpoint = "http://127.0.0.1:9000/path";
  bad.region = "";
  bad.url_expiry = std::chrono::seconds(8 * 24 * 3600);
  const auto problems = bad.validate();
  std::vector<std::string> fields;
  for (const auto& p : problems) fields.push_back(p.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"upload-to", "upload-to", "s3-endpoint", "s3-region", "AWS_ACCESS_KEY_ID",
                                              "AWS_SECRET_ACCESS_KEY", "s3-url-expiry"}));
  asio::io_context io;
  try {
    media::s3_uploader uploader(io.get_executor(), bad);
    FAIL() << "invalid options were accepted";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::invalid_request);
    EXPECT_EQ(e.details().problems.size(), problems.size());
  }
}

TEST(S3Uploader, OptionsFromTheEnvironment) {
  ::setenv("AWS_REGION", "eu-west-3", 1);
  ::setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
  ::setenv("AWS_ACCESS_KEY_ID", "AKIATESTKEY", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "secret-value", 1);
  ::unsetenv("AWS_SESSION_TOKEN");
  auto o = media::s3_options::from_environment("s3://my-bucket/some/prefix/");
  EXPECT_EQ(o.bucket, "my-bucket");
  EXPECT_EQ(o.prefix, "some/prefix");
  EXPECT_EQ(o.region, "eu-west-3");
  EXPECT_EQ(o.credentials.access_key_id, "AKIATESTKEY");
  EXPECT_EQ(o.credentials.secret_access_key, "secret-value");
  EXPECT_TRUE(o.credentials.session_token.empty());
  EXPECT_TRUE(o.validate().empty());
  EXPECT_EQ(media::s3_options::from_environment("s3://b-1", "us-west-2").region, "us-west-2");
  ::unsetenv("AWS_REGION");
  EXPECT_EQ(media::s3_options::from_environment("s3://b-1").region, "ap-south-1");
  ::unsetenv("AWS_DEFAULT_REGION");
  EXPECT_EQ(media::s3_options::from_environment("s3://b-1").region, "us-east-1");
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");

  // Without an endpoint: virtual-hosted AWS addressing.
  asio::io_context io;
  media::s3_uploader aws(io.get_executor(), o);
  EXPECT_EQ(aws.object_url("some/prefix/0123-a b.png"),
            "https://my-bucket.s3.eu-west-3.amazonaws.com/some/prefix/0123-a%20b.png");
  EXPECT_EQ(aws.object_key("0123456789abcdef0123", "caf\xC3\xA9.png"), "some/prefix/0123456789abcdef-caf\xC3\xA9.png");
}

// --- Against real S3-compatible servers on 127.0.0.1 --------------------------------------------------------
//
// s3rver (SEEDANCE_TEST_S3_*) stores and serves objects and presigned GETs but does not check signature values;
// moto (SEEDANCE_TEST_MOTO_*, optional) checks every header-form signature with botocore. scripts/test starts
// both (moto when Python has it). Independently, botocore itself signs the uploader's captured requests.

namespace {

/// Options for the server described by the environment variables PREFIX_ENDPOINT, PREFIX_CA_FILE,
/// PREFIX_BUCKET, PREFIX_ACCESS_KEY_ID and PREFIX_SECRET_ACCESS_KEY, or nullopt when PREFIX_ENDPOINT is unset.
std::optional<media::s3_options> server_options(const std::string& prefix) {
  const auto env = [&](const char* name) {
    const char* value = std::getenv((prefix + "_" + name).c_str());
    return std::string(value ? value : "");
  };
  if (env("ENDPOINT").empty()) return std::nullopt;
  media::s3_options o;
  o.endpoint = env("ENDPOINT");
  o.bucket = env("BUCKET");
  o.prefix = "uploads";
  o.region = "us-east-1";
  o.credentials = {env("ACCESS_KEY_ID"), env("SECRET_ACCESS_KEY"), ""};
  o.transport.tls.use_default_paths = false;
  o.transport.tls.ca_file = env("CA_FILE");
  o.transport.proxy.from_environment = false;
  return o;
}

std::string fetch(asio::io_context& io, const media::s3_options& options, const std::string& url) {
  http::transport client(io.get_executor(), options.transport);
  http::request get;
  const auto answer = run_blocking(io, client.send(url, get));
  EXPECT_EQ(answer.status, 200) << answer.body;
  return answer.body;
}

}  // namespace

TEST(S3Server, UploadsPresignsAndSkipsTheSecondUpload) {
  const auto options = server_options("SEEDANCE_TEST_S3");
  if (!options)
    GTEST_SKIP() << "SEEDANCE_TEST_S3_ENDPOINT is not set: no S3-compatible test server (scripts/test starts s3rver "
                    "and sets it)";
  temp_folder folder;
  const std::string bytes = pattern_bytes(1'500'000, static_cast<std::uint32_t>(::getpid()));
  const auto file = folder.write("first frame \xC3\xA9t\xC3\xA9.png", bytes);  // a space and non-ASCII
  asio::io_context io;
  media::s3_uploader uploader(io.get_executor(), *options);
  media::upload_request request;
  request.source = media::media_source::from_file(file);
  request.content_type = "image/png";
  const auto first = run_blocking(io, uploader.upload(request));
  EXPECT_FALSE(first.already_present);
  EXPECT_NE(first.url.find("-first%20frame%20%C3%A9t%C3%A9.png?X-Amz-"), std::string::npos) << first.url;
  EXPECT_TRUE(fetch(io, *options, first.url) == bytes);

  const auto requests_before = uploader.transport().stats().requests;
  const auto second = run_blocking(io, uploader.upload(request));
  EXPECT_TRUE(second.already_present);
  EXPECT_EQ(uploader.transport().stats().requests - requests_before, 1u);  // one HEAD, no PUT
  EXPECT_TRUE(fetch(io, *options, second.url) == bytes);
}

TEST(S3Server, UploadsBytesFromMemory) {
  const auto options = server_options("SEEDANCE_TEST_S3");
  if (!options)
    GTEST_SKIP() << "SEEDANCE_TEST_S3_ENDPOINT is not set: no S3-compatible test server (scripts/test starts s3rver "
                    "and sets it)";
  const std::string frame = "\x89PNG\r\n\x1a\n" + pattern_bytes(20'000, 99);
  asio::io_context io;
  media::s3_uploader uploader(io.get_executor(), *options);
  media::upload_request request;
  request.source = media::media_source::from_bytes(frame, "rendered frame.png");
  request.content_type = std::string(media::content_type(media::sniff_format(frame)));
  const auto result = run_blocking(io, uploader.upload(request));
  EXPECT_EQ(result.size, frame.size());
  EXPECT_TRUE(fetch(io, *options, result.url) == frame);
}

TEST(MotoServer, ChecksTheUploadersSignatures) {
  const auto options = server_options("SEEDANCE_TEST_MOTO");
  if (!options)
    GTEST_SKIP() << "SEEDANCE_TEST_MOTO_ENDPOINT is not set: Python moto is not installed (optional second check)";
  temp_folder folder;
  // moto's own signature check fails on non-ASCII keys even for boto3, so this key has only a space.
  const std::string bytes = pattern_bytes(400'000, static_cast<std::uint32_t>(::getpid()) + 1);
  const auto file = folder.write("shot one.png", bytes);
  asio::io_context io;
  media::upload_request request;
  request.source = media::media_source::from_file(file);
  request.content_type = "image/png";
  {
    media::s3_uploader uploader(io.get_executor(), *options);
    const auto first = run_blocking(io, uploader.upload(request));
    EXPECT_FALSE(first.already_present);
    const auto second = run_blocking(io, uploader.upload(request));  // the signed HEAD finds it
    EXPECT_TRUE(second.already_present);
  }
  auto wrong = *options;
  wrong.credentials.secret_access_key = "not-the-secret";
  media::s3_uploader uploader(io.get_executor(), wrong);
  request.source = media::media_source::from_bytes(bytes + "x", "other.png");
  try {
    (void)run_blocking(io, uploader.upload(request));
    FAIL() << "moto accepted a request signed with the wrong secret";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::forbidden) << e.text();
    EXPECT_EQ(e.details().provider_code, "SignatureDoesNotMatch") << e.text();
    EXPECT_EQ(e.text().find("not-the-secret"), std::string::npos);
  }
}

TEST(AwsSdkSigner, BotocoreSignsTheUploadersRequestsTheSameWay) {
  const auto python = seedance::test_support::find_program("python3");
  if (!python) GTEST_SKIP() << "python3 is not installed: no botocore reference signer";
  const std::string script = std::string(SEEDANCE_SOURCE_DIR) + "/tests/support/sigv4_reference.py";
  temp_folder folder;
  const std::string bytes = pattern_bytes(50'000, 5);
  const auto file = folder.write("first frame \xC3\xA9t\xC3\xA9 $+.png", bytes);  // space, non-ASCII, reserved
  std::mutex mutex;
  http::request captured;
  tls_server server(pki().leaf, [&](server_connection& c, const http::request& r) -> asio::awaitable<void> {
    if (r.method == http::method::put) {
      std::lock_guard lock(mutex);
      captured = r;
    }
    co_await c.respond(r.method == http::method::head ? 404 : 200);
  });
  asio::io_context io;
  auto options = scripted_options(server);
  options.region = "eu-central-1";
  media::s3_uploader uploader(io.get_executor(), options);
  media::upload_request request;
  request.source = media::media_source::from_file(file);
  request.content_type = "image/png";
  const auto result = run_blocking(io, uploader.upload(request));
  const http::request put_request = [&] {
    std::lock_guard lock(mutex);  // written on the server's thread
    return captured;
  }();

  const auto run = [&](std::vector<std::string> args) {
    seedance::test_support::process_options o;
    o.args = {python->string(), script};
    o.args.insert(o.args.end(), args.begin(), args.end());
    o.output_dir = folder.path();
    return seedance::test_support::run_process(o);
  };
  const std::string amz_date(put_request.headers.find("x-amz-date").value_or(""));
  const std::string wire_url = server.url(put_request.target);
  const auto put =
      run({"put", wire_url, amz_date, "eu-central-1", options.credentials.access_key_id,
           options.credentials.secret_access_key, file.string(),
           "Host:" + std::string(put_request.headers.find("Host").value_or("")), "Content-Type:image/png"});
  if (put.exit_code == 3) GTEST_SKIP() << "Python's botocore is not installed: no reference signer";
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(put.out, std::string(put_request.headers.find("Authorization").value_or("")) + "\n");

  // The presigned GET: botocore orders the query differently, so the signatures are compared.
  const auto query_value = [](const std::string& url, const std::string& name) {
    const auto at = url.find(name + "=");
    if (at == std::string::npos) return std::string();
    const auto end = url.find('&', at);
    return url.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
  };
  const std::string base = result.url.substr(0, result.url.find('?'));
  const auto presign = run({"presign", base, query_value(result.url, "X-Amz-Date"), "eu-central-1",
                            options.credentials.access_key_id, options.credentials.secret_access_key, "86400"});
  ASSERT_EQ(presign.exit_code, 0) << presign.err;
  EXPECT_EQ(presign.out.rfind(base + "?", 0), 0u) << presign.out;
  EXPECT_EQ(query_value(presign.out.substr(0, presign.out.size() - 1), "X-Amz-Signature"),
            query_value(result.url, "X-Amz-Signature"))
      << presign.out << "\n"
      << result.url;
}

// Integration tests of testing::simulator over real TLS on 127.0.0.1: every provider's endpoints and error
// shapes, the lifecycle, downloads, webhooks, faults, the request log, memory for 10,000 tasks, and the
// simulator's bodies against the golden wire fixtures.
#include <seedance/http/parser.hpp>
#include <seedance/http/serializer.hpp>
#include <seedance/testing/simulator.hpp>

#include <support/fixtures.hpp>
#include <support/sim_client.hpp>

#include <gtest/gtest.h>
#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using seedance::provider_id;
using seedance::http::method;
using seedance::test_support::sim_client;
using seedance::test_support::sim_result;
namespace sim = seedance::testing;

// ---- helpers ------------------------------------------------------------------------------------------------

sim::simulator_options fast_options() {
  sim::simulator_options o;
  o.time_scale = 0.1;  // 20 ms queued, 100 ms running
  return o;
}

/// Waits (bounded, for liveness only) until `done` holds.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

boost::json::value json_of(const sim_result& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.response.body, ec);
  if (ec) return boost::json::value(nullptr);
  return v;
}

std::string path_of(const sim::simulator& s, std::string_view url) {
  return std::string(url.substr(s.origin().size()));
}

const std::string kinovi_create = "/kinovi/api/v1/jobs/createTask";
const std::string kinovi_status = "/kinovi/api/v1/jobs/recordInfo?taskId=";
const std::string aihubmax_create = "/aihubmax/v1/videos/generations";
const std::string aihubmax_status = "/aihubmax/v1/tasks/";
const std::string ink_create = "/seedance2ink/api/open/v1/video/generations";
const std::string ark_tasks = "/ark/api/v3/contents/generations/tasks";

boost::json::value kinovi_body(std::string prompt = "a cat", std::optional<std::string> callback = std::nullopt) {
  boost::json::object body{{"model", "seedance-20"}, {"inputs", {{"prompt", prompt}, {"duration", 5}}}};
  if (callback) body["callBackUrl"] = *callback;
  return body;
}
boost::json::value aihubmax_body(std::string prompt = "a cat") {
  return {{"model", "seedance-2.0-text-to-video"}, {"prompt", prompt}, {"duration", 5}};
}
boost::json::value ink_body(std::string prompt = "a cat") {
  return {{"model", "seedance-2.0"}, {"prompt", prompt}, {"duration", 5}, {"resolution", "720p"}};
}
boost::json::value ark_body(std::string prompt = "a cat", std::optional<std::string> callback = std::nullopt) {
  boost::json::object body{{"model", "dreamina-seedance-2-0-260128"},
                           {"content", {{{"type", "text"}, {"text", prompt}}}},
                           {"resolution", "720p"},
                           {"duration", 5}};
  if (callback) body["callback_url"] = *callback;
  return body;
}

/// Polls a status path until `field` reads one of the terminal words.
boost::json::value poll_until(sim_client& client, const std::string& path, std::string_view field,
                              std::initializer_list<std::string_view> words) {
  boost::json::value last;
  eventually([&] {
    auto r = client.get(path);
    last = json_of(r);
    const auto* o = last.if_object();
    const auto* v = o ? o->if_contains(field) : nullptr;
    if (!v || !v->is_string()) return false;
    for (auto w : words)
      if (v->get_string() == w) return true;
    return false;
  });
  return last;
}

/// Walks the top-level MP4 boxes; returns their four-character types (empty when the structure is broken).
std::vector<std::string> mp4_boxes(std::string_view data) {
  std::vector<std::string> types;
  std::size_t at = 0;
  while (at + 8 <= data.size()) {
    auto byte = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(data[i])); };
    std::uint64_t size = (byte(at) << 24) | (byte(at + 1) << 16) | (byte(at + 2) << 8) | byte(at + 3);
    std::size_t header = 8;
    if (size == 1) {
      if (at + 16 > data.size()) return {};
      size = 0;
      for (std::size_t i = 0; i < 8; ++i) size = (size << 8) | byte(at + 8 + i);
      header = 16;
    } else if (size == 0) {
      size = data.size() - at;
    }
    if (size < header || at + size > data.size()) return {};
    types.emplace_back(data.substr(at + 4, 4));
    at += static_cast<std::size_t>(size);
  }
  return at == data.size() ? types : std::vector<std::string>{};
}

/// Resident set size of this process in KiB, from /proc/self/status.
long vm_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

/// True under AddressSanitizer (its shadow memory and quarantine inflate RSS).
bool under_address_sanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

/// A webhook receiver on 127.0.0.1 (plain HTTP, or HTTPS with a given certificate) that records every POST
/// and answers with the next status from `statuses` (200 once they run out).
class webhook_listener {
 public:
  struct delivery {
    std::string target{};
    std::string body{};
  };

  explicit webhook_listener(std::vector<int> statuses = {}, const sim::pem_pair* certificate = nullptr)
      : statuses_(std::move(statuses)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    if (certificate) {
      tls_.emplace(asio::ssl::context::tls_server);
      tls_->use_certificate_chain(asio::buffer(certificate->certificate_pem));
      tls_->use_private_key(asio::buffer(certificate->private_key_pem), asio::ssl::context::pem);
    }
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~webhook_listener() {
    io_.stop();
    thread_.join();
  }

  std::string url(std::string path = "/hook") const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           path;
  }
  std::vector<delivery> deliveries() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return deliveries_;
  }
  std::size_t count() const { return deliveries().size(); }

 private:
  static constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);

  asio::awaitable<void> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
      if (ec) co_return;
      if (tls_)
        asio::co_spawn(io_, serve_tls(std::move(socket)), asio::detached);
      else
        asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve_tls(asio::ip::tcp::socket socket) {
    asio::ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), *tls_);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, nothrow);
    if (!ec) co_await exchange(stream);
  }
  asio::awaitable<void> serve(asio::ip::tcp::socket socket) { co_await exchange(socket); }

  template <class Stream>
  asio::awaitable<void> exchange(Stream& stream) {
    seedance::http::request_parser parser;
    std::string scratch(8192, '\0');
    while (!parser.done()) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), nothrow);
      if (ec) co_return;
      std::error_code pec;
      parser.put(std::string_view(scratch.data(), n), pec);
      if (pec) co_return;
    }
    int status = 200;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      deliveries_.push_back({parser.get().target, parser.get().body});
      if (next_ < statuses_.size()) status = statuses_[next_++];
    }
    seedance::http::response response;
    response.status = status;
    response.reason = status == 200 ? "OK" : "Error";
    response.headers.add("Connection", "close");
    response.body = "ok";
    const std::string wire = seedance::http::serialize(response);
    co_await asio::async_write(stream, asio::buffer(wire), nothrow);
  }

  std::vector<int> statuses_;
  std::size_t next_ = 0;
  asio::io_context io_;
  std::optional<asio::ssl::context> tls_;
  asio::ip::tcp::acceptor acceptor_;
  mutable std::mutex mutex_;
  std::vector<delivery> deliveries_;
  std::thread thread_;
};

// ---- providers: create, status, lifecycle -----------------------------------------------------------------

TEST(Simulator, BaseUrlsAndCa) {
  sim::simulator s(fast_options());
  EXPECT_NE(s.port(), 0);
  EXPECT_EQ(s.base_url(provider_id::kinovi), "https://127.0.0.1:" + std::to_string(s.port()) + "/kinovi/api/v1");
  EXPECT_EQ(s.base_url(provider_id::aihubmax), s.origin() + "/aihubmax");
  EXPECT_EQ(s.base_url(provider_id::seedance2ink), s.origin() + "/seedance2ink");
  EXPECT_EQ(s.base_url(provider_id::ark), s.origin() + "/ark/api/v3");
  EXPECT_NE(s.ca_pem().find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(s.api_key(), "sim-test-key");
  // A client that does not trust the CA fails the handshake.
  sim_client stranger(s.port(), sim::certificate_authority::make().ca.certificate_pem);
  auto r = stranger.post(kinovi_create, kinovi_body());
  EXPECT_FALSE(r.headers);
  EXPECT_TRUE(r.error);
  EXPECT_EQ(s.task_count(), 0u);
}

TEST(Simulator, KinoviLifecycleAndPlayableOutput) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  auto created = c.post(kinovi_create, kinovi_body());
  ASSERT_TRUE(created.complete);
  ASSERT_EQ(created.response.status, 200) << created.response.body;
  const std::string id(json_of(created).at("taskId").as_string());
  auto first = json_of(c.get(kinovi_status + id));
  EXPECT_TRUE(first.at("status") == "waiting" || first.at("status") == "generating");
  EXPECT_TRUE(first.at("output").is_null());
  auto done = poll_until(c, kinovi_status + id, "status", {"success", "fail"});
  ASSERT_EQ(done.at("status"), "success") << done;
  EXPECT_TRUE(done.at("completeTime").is_int64());
  const std::string url(done.at("output").at(0).at("url").as_string());
  EXPECT_TRUE(url.starts_with(s.origin() + "/files/"));
  EXPECT_TRUE(url.ends_with(".mp4"));
  EXPECT_EQ(s.file_url_count(), 1u);

  // The MP4: full body, Content-Length, box structure.
  c.set_api_key("");  // signed URLs need no key
  auto video = c.get(path_of(s, url));
  ASSERT_TRUE(video.complete);
  EXPECT_EQ(video.response.status, 200);
  EXPECT_EQ(*video.response.headers.find("Content-Type"), "video/mp4");
  EXPECT_EQ(video.response.body.size(), sim::sample_mp4().size());
  EXPECT_EQ(*video.response.headers.find("Content-Length"), std::to_string(sim::sample_mp4().size()));
  const auto boxes = mp4_boxes(video.response.body);
  ASSERT_FALSE(boxes.empty());
  EXPECT_EQ(boxes.front(), "ftyp");
  EXPECT_NE(std::find(boxes.begin(), boxes.end(), "moov"), boxes.end());
  EXPECT_NE(std::find(boxes.begin(), boxes.end(), "mdat"), boxes.end());

  // ffprobe, when installed, must see a video stream.
  if (std::system("command -v ffprobe > /dev/null 2>&1") == 0) {
    const auto file = std::filesystem::temp_directory_path() / ("seedance-sim-" + std::to_string(::getpid()) + ".mp4");
    std::ofstream(file, std::ios::binary)
        .write(video.response.body.data(), static_cast<std::streamsize>(video.response.body.size()));
    const std::string command =
        "ffprobe -v error -show_entries stream=codec_type -of csv=p=0 '" + file.string() + "' 2>&1";
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
      char buffer[256];
      while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
      ::pclose(pipe);
    }
    std::filesystem::remove(file);
    std::cout << "ffprobe streams: " << output;
    EXPECT_NE(output.find("video"), std::string::npos) << output;
  } else {
    std::cout << "ffprobe not found: skipping the decoder check\n";
  }
}

TEST(Simulator, AihubmaxProgressRisesToCompleted) {
  auto o = fast_options();
  o.time_scale = 1.0;
  o.queue_time = 50ms;
  o.run_time = 600ms;
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  auto created = c.post(aihubmax_create, aihubmax_body());
  ASSERT_EQ(created.response.status, 200) << created.response.body;
  auto body = json_of(created);
  EXPECT_EQ(body.at("status"), "pending");
  EXPECT_EQ(body.at("progress"), 0);
  const std::string id(body.at("id").as_string());
  std::int64_t last = 0;
  std::vector<std::int64_t> seen;
  auto final_body = poll_until(c, aihubmax_status + id, "status", {"completed", "failed"});
  (void)final_body;
  // Progress readings taken during a second task are non-decreasing and end at 100.
  auto second = json_of(c.post(aihubmax_create, aihubmax_body()));
  const std::string id2(second.at("id").as_string());
  eventually([&] {
    auto b = json_of(c.get(aihubmax_status + id2));
    const auto p = b.at("progress").as_int64();
    EXPECT_GE(p, last);
    last = p;
    seen.push_back(p);
    return b.at("status") == "completed";
  });
  EXPECT_EQ(last, 100);
  EXPECT_GT(std::count_if(seen.begin(), seen.end(), [](auto p) { return p > 0 && p < 100; }), 0);
  auto done = json_of(c.get(aihubmax_status + id2));
  EXPECT_TRUE(done.at("results").at(0).at("url").is_string());
}

TEST(Simulator, Seedance2inkCreateStatusCancel) {
  auto o = fast_options();
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  auto created = json_of(c.post(ink_create, ink_body()));
  ASSERT_EQ(created.at("success"), true) << created;
  EXPECT_EQ(created.at("status"), "queued");
  EXPECT_EQ(created.at("creditsCharged").to_number<double>(), 40.0);
  const std::string id(created.at("requestId").as_string());
  auto done = poll_until(c, ink_create + "/" + id, "status", {"succeeded", "failed"});
  EXPECT_EQ(done.at("status"), "succeeded");
  EXPECT_EQ(done.at("output").at("type"), "video");
  // Cancelling a finished request is refused in the envelope.
  auto refused = c.get(ink_create + "/" + id + "/cancel", method::post);
  EXPECT_EQ(refused.response.status, 409);
  EXPECT_EQ(json_of(refused).at("success"), false);
  // A stalled one is cancelled (and refunded).
  const double before = *s.credits(provider_id::seedance2ink);
  auto stalled = json_of(c.post(ink_create, ink_body("forever [sim:stall]")));
  const std::string stalled_id(stalled.at("requestId").as_string());
  EXPECT_EQ(*s.credits(provider_id::seedance2ink), before - 40);
  auto cancelled = c.get(ink_create + "/" + stalled_id + "/cancel", method::post);
  EXPECT_EQ(cancelled.response.status, 200);
  EXPECT_EQ(json_of(cancelled).at("status"), "cancelled");
  EXPECT_EQ(json_of(c.get(ink_create + "/" + stalled_id)).at("status"), "cancelled");
  EXPECT_EQ(*s.credits(provider_id::seedance2ink), before);
  EXPECT_EQ(c.get(ink_create + "/req_unknown").response.status, 404);
}

TEST(Simulator, ArkQueuesListsCancelsAndDeletes) {
  auto o = fast_options();
  o.ark.concurrency = 2;
  o.time_scale = 1.0;
  o.queue_time = 10ms;
  o.run_time = 300ms;
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto r = c.post(ark_tasks, ark_body());
    ASSERT_EQ(r.response.status, 200) << r.response.body;  // Ark never refuses: it queues
    ids.emplace_back(json_of(r).at("id").as_string());
  }
  EXPECT_TRUE(ids[0].starts_with("cgt-"));
  // Cancel the last (still queued behind the limit); the running first one is refused.
  auto cancel_queued = c.get(ark_tasks + "/" + ids[5], method::delete_);
  EXPECT_EQ(cancel_queued.response.status, 200);
  EXPECT_EQ(cancel_queued.response.body, "{}");
  ASSERT_TRUE(eventually([&] { return json_of(c.get(ark_tasks + "/" + ids[0])).at("status") == "running"; }));
  auto refuse = c.get(ark_tasks + "/" + ids[0], method::delete_);
  EXPECT_EQ(refuse.response.status, 409);
  EXPECT_EQ(json_of(refuse).at("error").at("param"), "id");
  for (std::size_t i = 0; i < 5; ++i) poll_until(c, ark_tasks + "/" + ids[i], "status", {"succeeded", "failed"});
  EXPECT_EQ(s.max_running(provider_id::ark), 2u);
  EXPECT_EQ(s.max_in_flight(provider_id::ark), 6u);

  auto listed = json_of(c.get(ark_tasks + "?page_num=1&page_size=10&filter.status=succeeded"));
  EXPECT_EQ(listed.at("total"), 5);
  auto cancelled = json_of(c.get(ark_tasks + "?filter.status=cancelled"));
  EXPECT_EQ(cancelled.at("total"), 1);
  auto page = json_of(c.get(ark_tasks + "?page_num=2&page_size=2&filter.model=dreamina-seedance-2-0-260128"));
  EXPECT_EQ(page.at("total"), 6);
  EXPECT_EQ(page.at("items").as_array().size(), 2u);
  auto by_id = json_of(c.get(ark_tasks + "?filter.task_ids=" + ids[1] + "&filter.task_ids=" + ids[3]));
  EXPECT_EQ(by_id.at("total"), 2);

  // Deleting a finished task removes it.
  EXPECT_EQ(c.get(ark_tasks + "/" + ids[1], method::delete_).response.status, 200);
  auto gone = c.get(ark_tasks + "/" + ids[1]);
  EXPECT_EQ(gone.response.status, 404);
  EXPECT_EQ(json_of(gone).at("error").at("code"), "ResourceNotFound");
  EXPECT_EQ(c.get(ark_tasks + "?page_size=0").response.status, 400);
}

TEST(Simulator, MarkersAndScripts) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  auto k = json_of(c.post(kinovi_create, kinovi_body("nsfw [sim:fail]")));
  auto failed = poll_until(c, kinovi_status + std::string(k.at("taskId").as_string()), "status", {"success", "fail"});
  EXPECT_EQ(failed.at("status"), "fail");
  EXPECT_EQ(failed.at("error").at("code"), "2038");
  EXPECT_EQ(*s.credits(provider_id::kinovi), s.options().credits);  // refunded

  auto a = json_of(c.post(ark_tasks, ark_body("late [sim:expire]")));
  auto expired = poll_until(c, ark_tasks + "/" + std::string(a.at("id").as_string()), "status",
                            {"succeeded", "failed", "expired"});
  EXPECT_EQ(expired.at("status"), "expired");

  s.script_next(provider_id::aihubmax, {sim::outcome::server_failure, std::nullopt, std::nullopt});
  auto h = json_of(c.post(aihubmax_create, aihubmax_body()));
  auto server = poll_until(c, aihubmax_status + std::string(h.at("id").as_string()), "status", {"completed", "failed"});
  EXPECT_EQ(server.at("status"), "failed");
  EXPECT_EQ(server.at("error").at("type"), "server_error");

  // Kinovi: audio as the only reference is accepted, then fails with InvalidParameter.
  boost::json::value audio_only = {
      {"model", "seedance-20"},
      {"inputs", {{"prompt", "sing"}, {"audioUrls", {"https://example.com/a.mp3"}}, {"duration", 5}}}};
  auto ao = json_of(c.post(kinovi_create, audio_only));
  auto ao_done = poll_until(c, kinovi_status + std::string(ao.at("taskId").as_string()), "status", {"success", "fail"});
  EXPECT_EQ(ao_done.at("error").at("code"), "InvalidParameter");

  // aihubmax race: "completed" with empty results first.
  auto e = json_of(c.post(aihubmax_create, aihubmax_body("x [sim:empty-results]")));
  auto empty = poll_until(c, aihubmax_status + std::string(e.at("id").as_string()), "status", {"completed"});
  EXPECT_TRUE(empty.at("results").as_array().empty());
  auto filled = json_of(c.get(aihubmax_status + std::string(e.at("id").as_string())));
  EXPECT_EQ(filled.at("results").as_array().size(), 1u);
}

// ---- errors in each provider's shape ------------------------------------------------------------------------

TEST(Simulator, UnauthorizedShapes) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem(), "wrong-key");
  auto k = c.post(kinovi_create, kinovi_body());
  EXPECT_EQ(k.response.status, 401);
  EXPECT_EQ(json_of(k), boost::json::parse(R"({"message":"Invalid API Key"})"));
  auto h = c.post(aihubmax_create, aihubmax_body());
  EXPECT_EQ(h.response.status, 401);
  EXPECT_EQ(json_of(h).at("error").at("type"), "authentication_error");
  EXPECT_TRUE(json_of(h).at("error").at("message").is_string());
  EXPECT_TRUE(json_of(h).at("error").at("code").is_string());
  auto i = c.post(ink_create, ink_body());
  EXPECT_EQ(i.response.status, 401);
  EXPECT_EQ(json_of(i),
            boost::json::parse(R"({"success":false,"error":{"code":"unauthorized","message":"Invalid API key"}})"));
  auto a = c.post(ark_tasks, ark_body());
  EXPECT_EQ(a.response.status, 401);
  const auto ark_body_json = json_of(a);
  const auto& err = ark_body_json.at("error").as_object();
  EXPECT_EQ(err.at("code"), "AuthenticationError");
  for (const char* key : {"code", "message", "param", "type"}) EXPECT_TRUE(err.contains(key)) << key;
  c.set_api_key("");
  auto missing = c.post(kinovi_create, kinovi_body());
  EXPECT_EQ(json_of(missing).at("message"), "Missing Authorization header");
  EXPECT_EQ(s.task_count(), 0u);
}

TEST(Simulator, ValidationNamesTheField) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  struct case_t {
    std::string path;
    boost::json::value body;
    int status;
    std::string field;
  };
  const std::vector<case_t> cases = {
      {kinovi_create,
       {{"model", "seedance-20"},
        {"inputs", {{"prompt", "x"}, {"duration", "5"}, {"imageUrls", {"https://e.com/a.png"}}}}},
       400,
       "duration"},
      {kinovi_create,
       {{"model", "seedance-20"}, {"inputs", {{"prompt", "x"}, {"generate_audio", "yes"}}}},
       400,
       "generate_audio"},
      {kinovi_create,
       {{"model", "seedance2-fast"}, {"inputs", {{"prompt", "x"}, {"outputResolution", "1080p"}}}},
       400,
       "outputResolution"},
      {kinovi_create, {{"model", "seedance-20"}, {"inputs", {{"prompt", "x"}, {"mode", "omni"}}}}, 400, "mode"},
      {kinovi_create, {{"model", "seedance-20"}, {"inputs", {{"prompt", std::string(10001, 'a')}}}}, 400, "prompt"},
      {kinovi_create,
       {{"model", "seedance-20"}, {"inputs", {{"prompt", "x"}, {"urls", {"https://e.com/a.png"}}, {"duration", "16"}}}},
       400,
       "duration"},
      {kinovi_create, {{"model", "seedance-2.0"}, {"inputs", {{"prompt", "x"}}}}, 400, "Unknown model"},
      {aihubmax_create, {{"model", "seedance-2.0-image-to-video"}, {"prompt", "x"}}, 400, "image_url"},
      {aihubmax_create,
       {{"model", "seedance-2.0-fast-text-to-video"}, {"prompt", "x"}, {"resolution", "1080p"}},
       400,
       "resolution"},
      {aihubmax_create, {{"model", "seedance-9"}, {"prompt", "x"}}, 422, "model"},
      {ink_create, {{"model", "seedance-2.0"}, {"prompt", "x"}, {"aspectRatio", "21:9"}}, 400, "aspectRatio"},
      {ink_create,
       {{"model", "seedance-2.0"}, {"prompt", "x"}, {"mediaUrls", {"https://e.com/a.tiff"}}},
       400,
       "mediaUrls"},
      {ink_create, {{"model", "seedance-1.5-pro"}, {"prompt", "x"}, {"duration", 8}}, 400, "duration"},
      {ark_tasks,
       {{"model", "dreamina-seedance-2-0-260128"}, {"content", {{{"type", "video"}}}}},
       400,
       "content[0].type"},
      {ark_tasks,
       {{"model", "dreamina-seedance-2-0-260128"}, {"content", {{{"type", "text"}, {"text", "x"}}}}, {"duration", 20}},
       400,
       "duration"},
      {ark_tasks,
       {{"model", "dreamina-seedance-2-0-fast-260128"},
        {"content", {{{"type", "text"}, {"text", "x"}}}},
        {"resolution", "1080p"}},
       400,
       "resolution"},
      {ark_tasks,
       {{"model", "dreamina-seedance-2-0-260128"},
        {"content",
         {{{"type", "text"}, {"text", "x"}},
          {{"type", "audio_url"}, {"audio_url", {{"url", "https://e.com/a.mp3"}}}, {"role", "reference_audio"}}}}},
       400,
       "audio_url"},
      {ark_tasks,
       {{"model", "dreamina-seedance-2-0-260128"},
        {"content", {{{"type", "text"}, {"text", "x"}}}},
        {"generate_audio", "true"}},
       400,
       "generate_audio"},
  };
  for (const auto& tc : cases) {
    auto r = c.post(tc.path, tc.body);
    EXPECT_EQ(r.response.status, tc.status) << tc.path << " " << tc.body << " -> " << r.response.body;
    EXPECT_NE(r.response.body.find(tc.field), std::string::npos) << tc.field << " in " << r.response.body;
  }
  // Bodies that are not JSON.
  seedance::http::request bad;
  bad.method = method::post;
  bad.target = ark_tasks;
  bad.headers.add("Content-Type", "application/json");
  bad.body = "{not json";
  auto r = c.send(bad);
  EXPECT_EQ(r.response.status, 400);
  EXPECT_EQ(json_of(r).at("error").at("code"), "InvalidParameter");
  EXPECT_EQ(s.task_count(), 0u);
}

TEST(Simulator, InsufficientCreditsShapes) {
  auto o = fast_options();
  o.credits = 10;
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  auto k = c.post(kinovi_create, kinovi_body());
  EXPECT_EQ(k.response.status, 402);
  EXPECT_EQ(json_of(k).at("required").to_number<double>(), 200.0);
  EXPECT_EQ(json_of(k).at("available").to_number<double>(), 10.0);
  auto h = c.post(aihubmax_create, aihubmax_body());
  EXPECT_EQ(h.response.status, 402);
  EXPECT_EQ(json_of(h).at("error").at("type"), "insufficient_quota");
  auto i = c.post(ink_create, ink_body());
  EXPECT_EQ(i.response.status, 402);
  EXPECT_EQ(json_of(i).at("error").at("code"), "insufficient_credits");
  EXPECT_EQ(json_of(i).at("success"), false);
  auto a = c.post(ark_tasks, ark_body());
  EXPECT_EQ(a.response.status, 403);
  EXPECT_EQ(json_of(a).at("error").at("code"), "AccountOverdueError");
  EXPECT_EQ(s.task_count(), 0u);
}

TEST(Simulator, ConcurrencyLimitShapes) {
  auto o = fast_options();
  o.kinovi.concurrency = 2;
  o.aihubmax.concurrency = 1;
  o.seedance2ink.concurrency = 1;
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  EXPECT_EQ(c.post(kinovi_create, kinovi_body("[sim:stall]")).response.status, 200);
  EXPECT_EQ(c.post(kinovi_create, kinovi_body("[sim:stall]")).response.status, 200);
  auto k = c.post(kinovi_create, kinovi_body());
  EXPECT_EQ(k.response.status, 429);
  const auto kb = json_of(k);
  EXPECT_NE(kb.at("message").as_string().find("Concurrency limit reached (2)"), std::string::npos);
  EXPECT_EQ(kb.at("limit"), 2);
  EXPECT_EQ(kb.at("current"), 2);
  EXPECT_EQ(s.max_in_flight(provider_id::kinovi), 2u);

  EXPECT_EQ(c.post(aihubmax_create, aihubmax_body("[sim:stall]")).response.status, 200);
  auto h = c.post(aihubmax_create, aihubmax_body());
  EXPECT_EQ(h.response.status, 429);
  EXPECT_TRUE(h.response.headers.find("Retry-After").has_value());
  EXPECT_EQ(json_of(h).at("error").at("type"), "rate_limit_error");

  EXPECT_EQ(c.post(ink_create, ink_body("[sim:stall]")).response.status, 200);
  auto i = c.post(ink_create, ink_body());
  EXPECT_EQ(i.response.status, 429);
  EXPECT_EQ(json_of(i).at("error").at("code"), "rate_limited");
  EXPECT_EQ(s.creates(provider_id::kinovi), 2u);
}

TEST(Simulator, NoCancelEndpointOnKinoviAndAihubmax) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  auto id = std::string(json_of(c.post(aihubmax_create, aihubmax_body())).at("id").as_string());
  auto r = c.get(aihubmax_status + id, method::delete_);
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(json_of(r).at("error").at("type"), "not_found");
  r = c.get("/aihubmax/v1/tasks/" + id + "/cancel", method::post);
  EXPECT_EQ(r.response.status, 404);
  r = c.get("/kinovi/api/v1/jobs/cancelTask?taskId=x", method::post);
  EXPECT_EQ(r.response.status, 404);
  EXPECT_TRUE(json_of(r).at("message").is_string());
  r = c.get(kinovi_status + "task_nope");
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(json_of(r).at("message"), "Task not found");
  r = c.get("/kinovi/api/v1/jobs/recordInfo");
  EXPECT_EQ(r.response.status, 400);
  EXPECT_EQ(json_of(r).at("message"), "Missing taskId parameter");
}

TEST(Simulator, AnotherKeysTaskIsForbiddenOnKinovi) {
  auto o = fast_options();
  o.extra_api_keys = {"second-key"};
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  auto id = std::string(json_of(c.post(kinovi_create, kinovi_body())).at("taskId").as_string());
  sim_client other(s.port(), s.ca_pem(), "second-key");
  auto r = other.get(kinovi_status + id);
  EXPECT_EQ(r.response.status, 403);
  EXPECT_EQ(json_of(r).at("message"), "Access denied");
}

// ---- downloads ----------------------------------------------------------------------------------------------

TEST(Simulator, DownloadRangesHeadAndExpiry) {
  auto o = fast_options();
  o.output_ttl = 3s;  // scaled: 300 ms
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  auto id = std::string(json_of(c.post(ark_tasks, ark_body())).at("id").as_string());
  auto done = poll_until(c, ark_tasks + "/" + id, "status", {"succeeded"});
  const std::string path = path_of(s, done.at("content").at("video_url").as_string());
  const auto total = sim::sample_mp4().size();
  const std::string whole(reinterpret_cast<const char*>(sim::sample_mp4().data()), total);

  seedance::http::request range;
  range.target = path;
  range.headers.add("Range", "bytes=100-199");
  auto part = c.send(range);
  EXPECT_EQ(part.response.status, 206);
  EXPECT_EQ(*part.response.headers.find("Content-Range"), "bytes 100-199/" + std::to_string(total));
  EXPECT_EQ(part.response.body, whole.substr(100, 100));
  range.headers.set("Range", "bytes=" + std::to_string(total - 10) + "-");
  part = c.send(range);
  EXPECT_EQ(part.response.body, whole.substr(total - 10));
  range.headers.set("Range", "bytes=" + std::to_string(total) + "-");
  part = c.send(range);
  EXPECT_EQ(part.response.status, 416);
  EXPECT_EQ(*part.response.headers.find("Content-Range"), "bytes */" + std::to_string(total));
  // If-Range with the current ETag honours the range; a stale one gets the whole file.
  auto head = c.get(path, method::head);
  EXPECT_EQ(head.response.status, 200);
  EXPECT_TRUE(head.response.body.empty());
  EXPECT_EQ(*head.response.headers.find("Content-Length"), std::to_string(total));
  EXPECT_EQ(*head.response.headers.find("Accept-Ranges"), "bytes");
  const std::string etag(*head.response.headers.find("ETag"));
  range.headers.set("Range", "bytes=0-9");
  range.headers.set("If-Range", etag);
  EXPECT_EQ(c.send(range).response.status, 206);
  range.headers.set("If-Range", "\"other\"");
  EXPECT_EQ(c.send(range).response.status, 200);
  // After the TTL the signed URL answers 403.
  ASSERT_TRUE(eventually([&] { return c.get(path).response.status == 403; }));
  auto expired = c.get(path);
  EXPECT_NE(expired.response.body.find("AccessDenied"), std::string::npos);
  EXPECT_EQ(c.get("/files/nothing.mp4").response.status, 404);
  EXPECT_GE(s.count(std::nullopt, sim::request_kind::download), 8u);
}

// ---- webhooks -----------------------------------------------------------------------------------------------

TEST(Simulator, KinoviWebhookStylesAndRetries) {
  webhook_listener listener({500, 503});  // two failures, then 200
  auto o = fast_options();
  o.kinovi_webhook = sim::kinovi_webhook_style::enveloped;
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  auto id = std::string(json_of(c.post(kinovi_create, kinovi_body("x", listener.url()))).at("taskId").as_string());
  ASSERT_TRUE(eventually([&] { return listener.count() >= 3; }));
  const auto deliveries = listener.deliveries();
  const auto body = boost::json::parse(deliveries.back().body);
  EXPECT_EQ(body.at("code"), 200);
  EXPECT_EQ(body.at("data").at("taskId").as_string(), id);
  EXPECT_EQ(body.at("data").at("state"), "success");
  EXPECT_TRUE(body.at("data").at("updateTime").is_int64());
  EXPECT_EQ(deliveries[0].target, "/hook");
  ASSERT_TRUE(eventually([&] { return s.count(provider_id::kinovi, sim::request_kind::webhook) == 3; }));
  std::vector<int> statuses;
  for (const auto& e : s.log())
    if (e.kind == sim::request_kind::webhook) statuses.push_back(e.status);
  EXPECT_EQ(statuses, (std::vector<int>{500, 503, 200}));

  auto flat_options = fast_options();
  flat_options.kinovi_webhook = sim::kinovi_webhook_style::flat;
  sim::simulator flat(flat_options);
  webhook_listener flat_listener;
  sim_client fc(flat.port(), flat.ca_pem());
  fc.post(kinovi_create, kinovi_body("[sim:fail]", flat_listener.url()));
  ASSERT_TRUE(eventually([&] { return flat_listener.count() == 1; }));
  const auto flat_body = boost::json::parse(flat_listener.deliveries()[0].body);
  EXPECT_EQ(flat_body.at("status"), "fail");
  EXPECT_TRUE(flat_body.at("error").is_string());
}

TEST(Simulator, ArkWebhookOnEveryStatusChange) {
  webhook_listener listener;
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  c.post(ark_tasks, ark_body("x", listener.url("/ark-hook")));
  ASSERT_TRUE(eventually([&] { return listener.count() == 3; }));
  std::vector<std::string> states;
  for (const auto& d : listener.deliveries()) states.emplace_back(boost::json::parse(d.body).at("status").as_string());
  EXPECT_EQ(states, (std::vector<std::string>{"queued", "running", "succeeded"}));
}

TEST(Simulator, WebhooksToOtherProvidersAndOverHttps) {
  sim::simulator s(fast_options());
  const auto certificate = s.issue_certificate();
  webhook_listener secure({}, &certificate);
  webhook_listener plain;
  sim_client c(s.port(), s.ca_pem());
  boost::json::object h = aihubmax_body().as_object();
  h["callback_url"] = secure.url();
  c.post(aihubmax_create, h);
  boost::json::object i = ink_body().as_object();
  i["webhookUrl"] = plain.url();
  c.post(ink_create, i);
  ASSERT_TRUE(eventually([&] { return secure.count() == 1 && plain.count() == 1; }));
  EXPECT_EQ(boost::json::parse(secure.deliveries()[0].body).at("status"), "completed");
  EXPECT_EQ(boost::json::parse(plain.deliveries()[0].body).at("status"), "succeeded");
}

TEST(Simulator, NonLoopbackCallbackIsRefusedAndNeverContacted) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  auto created = c.post(kinovi_create, kinovi_body("x", "https://hooks.example.com/kinovi"));
  EXPECT_EQ(created.response.status, 200);  // the provider accepts the task
  ASSERT_TRUE(eventually([&] { return s.count(provider_id::kinovi, sim::request_kind::webhook) == 1; }));
  const auto log = s.log();
  const auto it = std::find_if(log.begin(), log.end(),
                               [](const sim::log_entry& e) { return e.kind == sim::request_kind::webhook; });
  ASSERT_NE(it, log.end());
  EXPECT_EQ(it->status, 0);
  EXPECT_NE(it->note.find("refused"), std::string::npos);
  EXPECT_EQ(it->path, "https://hooks.example.com/kinovi");
  EXPECT_EQ(s.webhooks_in_flight(), 0u);
}

TEST(Simulator, WebhookDuplicateAndOutOfOrder) {
  webhook_listener listener;
  sim::simulator s(fast_options());
  s.add_fault(sim::fault_rule::on_nth("/dup", 1, {sim::fault_kind::webhook_duplicate}));
  s.add_fault(sim::fault_rule::on_nth("/late", 1, {sim::fault_kind::webhook_out_of_order}));
  sim_client c(s.port(), s.ca_pem());
  c.post(kinovi_create, kinovi_body("x", listener.url("/dup")));
  c.post(kinovi_create, kinovi_body("y", listener.url("/late")));
  ASSERT_TRUE(eventually([&] { return listener.count() == 4; }));
  std::vector<std::string> dup, late;
  for (const auto& d : listener.deliveries()) {
    const std::string state(boost::json::parse(d.body).at("data").at("state").as_string());
    (d.target == "/dup" ? dup : late).push_back(state);
  }
  EXPECT_EQ(dup, (std::vector<std::string>{"success", "success"}));
  EXPECT_EQ(late, (std::vector<std::string>{"success", "generating"}));  // terminal first, then a stale one
}

// ---- faults -------------------------------------------------------------------------------------------------

TEST(Simulator, ConnectionFaults) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());

  // Dropped before the request is read: nothing is created.
  const auto before = s.fault_on_nth("createTask", 1, {sim::fault_kind::drop_before_request});
  auto r = c.post(kinovi_create, kinovi_body());
  EXPECT_FALSE(r.headers);
  EXPECT_TRUE(r.error);
  EXPECT_EQ(s.creates(provider_id::kinovi), 0u);
  EXPECT_EQ(s.fault_hits(before), 1u);

  // Dropped before any byte of any request, by connection arrival.
  s.fault_on_nth("", 1, {sim::fault_kind::drop_before_request});
  r = c.get(kinovi_status + "x");
  EXPECT_FALSE(r.headers);

  // Dropped after the request was processed: a task exists that the client never heard of. (A rule counts
  // the matching requests made after it was added.)
  s.fault_on_nth("createTask", 1, {sim::fault_kind::drop_after_request});
  r = c.post(kinovi_create, kinovi_body());
  EXPECT_FALSE(r.headers);
  EXPECT_EQ(s.creates(provider_id::kinovi), 1u);

  // Closed after the headers / mid-body.
  s.fault_on_nth("recordInfo", 1, {sim::fault_kind::close_after_headers});
  r = c.get(kinovi_status + "task_x");
  EXPECT_TRUE(r.headers);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.response.status, 404);
  EXPECT_TRUE(r.response.body.empty());

  sim::fault mid{sim::fault_kind::close_mid_body};
  mid.bytes = 5;
  s.fault_on_nth("recordInfo", 1, mid);
  r = c.get(kinovi_status + "task_x");
  EXPECT_TRUE(r.headers);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.response.body.size(), 5u);

  // Truncated chunked body.
  s.fault_on_nth("recordInfo", 1, {sim::fault_kind::truncated_chunked});
  r = c.get(kinovi_status + "task_x");
  EXPECT_TRUE(r.headers);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.response.headers.find("Transfer-Encoding").value_or(""), "chunked");

  const auto log = s.log();
  std::vector<sim::fault_kind> kinds;
  for (const auto& e : log)
    if (e.fault) kinds.push_back(*e.fault);
  EXPECT_EQ(kinds,
            (std::vector<sim::fault_kind>{sim::fault_kind::drop_before_request, sim::fault_kind::drop_before_request,
                                          sim::fault_kind::drop_after_request, sim::fault_kind::close_after_headers,
                                          sim::fault_kind::close_mid_body, sim::fault_kind::truncated_chunked}));
  // The connection still works afterwards.
  EXPECT_EQ(c.get(kinovi_status + "task_x").response.status, 404);
}

TEST(Simulator, ResponseFaults) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());

  sim::fault slow{sim::fault_kind::slow_bytes};
  slow.bytes = 7;
  slow.delay = 2ms;
  s.fault_on_nth("recordInfo", 1, slow);
  auto r = c.get(kinovi_status + "task_x");
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.response.status, 404);
  EXPECT_GT(r.reads, 5u);

  s.fault_on_nth("createTask", 1, {sim::fault_kind::invalid_json});
  r = c.post(kinovi_create, kinovi_body());
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.response.status, 200);
  boost::system::error_code ec;
  (void)boost::json::parse(r.response.body, ec);
  EXPECT_TRUE(ec) << r.response.body;
  EXPECT_EQ(s.creates(provider_id::kinovi), 1u);  // processed

  for (int status : {500, 502, 503}) {
    sim::fault f{sim::fault_kind::http_error};
    f.status = status;
    s.fault_on_nth(ark_tasks, 1, f);
    r = c.post(ark_tasks, ark_body());
    EXPECT_EQ(r.response.status, status);
    if (status == 502)
      EXPECT_NE(r.response.body.find("<html>"), std::string::npos);
    else
      EXPECT_EQ(json_of(r).at("error").at("type"), "InternalServerError");
    s.clear_faults();
  }
  EXPECT_EQ(s.creates(provider_id::ark), 0u);  // error faults are not processed

  sim::fault pause{sim::fault_kind::delay};
  pause.delay = 50ms;
  s.fault_on_nth("recordInfo", 1, pause);
  r = c.get(kinovi_status + "task_x");
  EXPECT_TRUE(r.complete);

  // A 429 storm from the 2nd request on, with a Retry-After where asked.
  sim::fault storm{sim::fault_kind::rate_limit};
  storm.retry_after = std::chrono::seconds(3);
  const auto id = s.fault_from_nth(ink_create, 2, storm);
  EXPECT_EQ(c.post(ink_create, ink_body()).response.status, 200);
  for (int i = 0; i < 4; ++i) {
    r = c.post(ink_create, ink_body());
    EXPECT_EQ(r.response.status, 429);
    EXPECT_EQ(*r.response.headers.find("Retry-After"), "3");
    EXPECT_EQ(json_of(r).at("success"), false);
  }
  EXPECT_EQ(s.fault_hits(id), 4u);
  s.remove_fault(id);

  // Probabilistic faults with the seeded RNG.
  const auto coin = s.fault_with_probability(aihubmax_status, 0.5, {sim::fault_kind::rate_limit});
  int limited = 0;
  for (int i = 0; i < 40; ++i) limited += c.get(aihubmax_status + "x").response.status == 429;
  EXPECT_EQ(static_cast<std::uint64_t>(limited), s.fault_hits(coin));
  EXPECT_GT(limited, 5);
  EXPECT_LT(limited, 35);
}

TEST(Simulator, FaultOnDownloadCutsTheVideo) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  auto id = std::string(json_of(c.post(ark_tasks, ark_body())).at("id").as_string());
  auto done = poll_until(c, ark_tasks + "/" + id, "status", {"succeeded"});
  const std::string path = path_of(s, done.at("content").at("video_url").as_string());
  sim::fault cut{sim::fault_kind::close_mid_body};
  cut.bytes = 1000;
  s.fault_on_nth("/files/", 1, cut);
  auto r = c.get(path);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.response.body.size(), 1000u);
  // Resume with Range.
  seedance::http::request rest;
  rest.target = path;
  rest.headers.add("Range", "bytes=1000-");
  auto tail = c.send(rest);
  EXPECT_EQ(tail.response.status, 206);
  EXPECT_EQ(r.response.body.size() + tail.response.body.size(), sim::sample_mp4().size());
}

// ---- log ----------------------------------------------------------------------------------------------------

TEST(Simulator, RequestLogCounts) {
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  auto id = std::string(json_of(c.post(kinovi_create, kinovi_body())).at("taskId").as_string());
  c.get(kinovi_status + id);
  c.get(kinovi_status + id);
  c.post(ark_tasks, ark_body());
  c.get(ark_tasks);
  EXPECT_EQ(s.count(provider_id::kinovi, sim::request_kind::create), 1u);
  EXPECT_EQ(s.count(provider_id::kinovi, sim::request_kind::status), 2u);
  EXPECT_EQ(s.count(provider_id::ark, sim::request_kind::list), 1u);
  EXPECT_EQ(s.count(sim::request_kind::create), 2u);
  EXPECT_EQ(s.creates(provider_id::kinovi), 1u);
  const auto log = s.log();
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].path, kinovi_create);
  EXPECT_EQ(log[0].task_id, id);
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].provider, provider_id::kinovi);
  EXPECT_FALSE(log[0].fault);
  EXPECT_EQ(log[1].task_id, id);
  EXPECT_LE(log[0].time, log[4].time);
  EXPECT_EQ(s.max_in_flight(provider_id::kinovi), 1u);
}

TEST(Simulator, StopAndRestartKeepThePortAndTasks) {
  sim::simulator s(fast_options());
  const auto port = s.port();
  sim_client c(s.port(), s.ca_pem());
  c.post(kinovi_create, kinovi_body());
  s.stop();
  EXPECT_FALSE(s.running());
  c.disconnect();
  EXPECT_FALSE(c.post(kinovi_create, kinovi_body()).headers);
  s.start();
  EXPECT_EQ(s.port(), port);
  EXPECT_EQ(c.post(kinovi_create, kinovi_body()).response.status, 200);
  EXPECT_EQ(s.task_count(), 2u);
}

TEST(Simulator, IdleKeepAliveConnectionsAreClosed) {
  auto o = fast_options();
  o.keep_alive_timeout = 100ms;
  sim::simulator s(o);
  sim_client c(s.port(), s.ca_pem());
  EXPECT_TRUE(c.get(kinovi_status + "task_x").complete);
  EXPECT_TRUE(c.get(kinovi_status + "task_x").complete);  // reused while fresh
  std::this_thread::sleep_for(400ms);
  auto stale = c.get(kinovi_status + "task_x");  // the server closed the idle connection meanwhile
  EXPECT_FALSE(stale.headers);
  EXPECT_TRUE(stale.error);
  EXPECT_TRUE(c.get(kinovi_status + "task_x").complete);  // a new connection works
}

// ---- memory -------------------------------------------------------------------------------------------------

TEST(Simulator, TenThousandTasksStayUnder200MiB) {
  auto o = fast_options();
  o.time_scale = 1.0;
  o.run_time = std::chrono::hours(1);  // keep them alive and in flight
  sim::simulator s(o);
  const long before = vm_rss_kib();
  constexpr int tasks = 10'000;
  constexpr int threads = 2;
  std::atomic<int> created{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      sim_client c(s.port(), s.ca_pem());
      for (int i = 0; i < tasks / threads; ++i)
        if (c.post(ark_tasks, ark_body("memory test prompt")).response.status == 200) ++created;
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(created.load(), tasks);
  EXPECT_EQ(s.task_count(), static_cast<std::size_t>(tasks));
  const long after = vm_rss_kib();
  std::cout << "VmRSS with " << tasks << " tasks: " << after << " KiB (" << after / 1024 << " MiB; before "
            << before / 1024 << " MiB)\n";
  if (under_address_sanitizer()) {
    // Shadow memory and the quarantine of freed blocks dwarf the simulator's own use: bound the growth only
    // when the quarantine is limited (ASAN_OPTIONS=quarantine_size_mb=1).
    const char* asan_options = std::getenv("ASAN_OPTIONS");
    if (asan_options && std::string_view(asan_options).find("quarantine_size_mb") != std::string_view::npos)
      EXPECT_LT(after - before, 200L * 1024);
    else
      std::cout << "AddressSanitizer: RSS bound not checked (set ASAN_OPTIONS=quarantine_size_mb=1 to check it)\n";
    return;
  }
  EXPECT_LT(after, 200L * 1024);
}

// ---- golden fixtures ----------------------------------------------------------------------------------------

/// Compares the shape of `actual` with `expected`: every member of `expected` exists in `actual` with the same
/// JSON kind (all numbers alike; null matches null only), recursively (arrays by their first item). Appends
/// problems as "path: ..." lines.
void compare_shape(const boost::json::value& expected, const boost::json::value& actual, const std::string& path,
                   std::vector<std::string>& problems) {
  auto kind = [](const boost::json::value& v) -> std::string {
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_bool()) return "bool";
    if (v.is_null()) return "null";
    if (v.is_array()) return "array";
    return "object";
  };
  if (kind(expected) != kind(actual)) {
    problems.push_back(path + ": expected " + kind(expected) + ", simulator sends " + kind(actual));
    return;
  }
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.get_object()) {
      const auto* other = actual.get_object().if_contains(key);
      if (!other)
        problems.push_back(path + "." + std::string(key) + ": missing in the simulator's body");
      else
        compare_shape(value, *other, path + "." + std::string(key), problems);
    }
  } else if (expected.is_array() && !expected.get_array().empty() && !actual.get_array().empty()) {
    compare_shape(expected.get_array()[0], actual.get_array()[0], path + "[0]", problems);
  }
}

TEST(Simulator, BodiesMatchTheGoldenFixtures) {
  namespace ts = seedance::test_support;
  sim::simulator s(fast_options());
  sim_client c(s.port(), s.ca_pem());
  std::vector<std::string> problems;
  auto check = [&](std::string_view fixture, const boost::json::value& actual) {
    std::vector<std::string> found;
    compare_shape(ts::response_body(fixture), actual, std::string(fixture), found);
    problems.insert(problems.end(), found.begin(), found.end());
  };

  // Every codec request fixture (bar deliberate raw-model ones) is accepted.
  const std::pair<std::string_view, std::string> creates[] = {
      {"kinovi", kinovi_create}, {"aihubmax", aihubmax_create}, {"seedance2ink", ink_create}, {"ark", ark_tasks}};
  auto o = fast_options();
  o.kinovi.concurrency = 0;
  sim::simulator accepting(o);
  sim_client ac(accepting.port(), accepting.ca_pem());
  for (const auto& [provider, path] : creates) {
    for (const auto& entry : std::filesystem::directory_iterator(ts::fixture_path(provider))) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with("request_") || name.find("raw_model") != std::string::npos) continue;
      auto r = ac.post(path, ts::load_json(std::string(provider) + "/" + name));
      EXPECT_EQ(r.response.status, 200) << provider << "/" << name << ": " << r.response.body;
    }
  }

  // Kinovi
  auto k = json_of(c.post(kinovi_create, kinovi_body()));
  check("kinovi/response_create.json", k);
  const std::string kid(k.at("taskId").as_string());
  check("kinovi/response_status_waiting.json", json_of(c.get(kinovi_status + kid)));
  check("kinovi/response_status_success.json", poll_until(c, kinovi_status + kid, "status", {"success"}));
  auto kf = json_of(c.post(kinovi_create, kinovi_body("[sim:fail]")));
  check("kinovi/response_status_fail.json",
        poll_until(c, kinovi_status + std::string(kf.at("taskId").as_string()), "status", {"fail"}));
  check("kinovi/response_error_401.json", json_of(sim_client(s.port(), s.ca_pem(), "bad").get(kinovi_status + kid)));
  check("kinovi/response_error_404.json", json_of(c.get(kinovi_status + "task_none")));

  // aihubmax
  auto h = json_of(c.post(aihubmax_create, aihubmax_body()));
  check("aihubmax/response_create.json", h);
  const std::string hid(h.at("id").as_string());
  check("aihubmax/response_status_completed.json", poll_until(c, aihubmax_status + hid, "status", {"completed"}));
  auto hf = json_of(c.post(aihubmax_create, aihubmax_body("[sim:fail]")));
  check("aihubmax/response_status_failed.json",
        poll_until(c, aihubmax_status + std::string(hf.at("id").as_string()), "status", {"failed"}));
  check("aihubmax/response_error_404.json", json_of(c.get(aihubmax_status + "none")));

  // seedance2.ink
  auto i = json_of(c.post(ink_create, ink_body()));
  check("seedance2ink/response_create.json", i);
  const std::string iid(i.at("requestId").as_string());
  check("seedance2ink/response_status_succeeded.json", poll_until(c, ink_create + "/" + iid, "status", {"succeeded"}));
  auto stalled = json_of(c.post(ink_create, ink_body("[sim:stall]")));
  check("seedance2ink/response_cancel.json",
        json_of(c.get(ink_create + "/" + std::string(stalled.at("requestId").as_string()) + "/cancel", method::post)));

  // Ark
  boost::json::object with_last_frame = ark_body().as_object();
  with_last_frame["return_last_frame"] = true;
  auto a = json_of(c.post(ark_tasks, with_last_frame));
  check("ark/response_create.json", a);
  const std::string aid(a.at("id").as_string());
  check("ark/response_status_succeeded.json", poll_until(c, ark_tasks + "/" + aid, "status", {"succeeded"}));
  auto af = json_of(c.post(ark_tasks, ark_body("[sim:fail]")));
  check("ark/response_status_failed.json",
        poll_until(c, ark_tasks + "/" + std::string(af.at("id").as_string()), "status", {"failed"}));
  check("ark/response_list.json", json_of(c.get(ark_tasks + "?filter.status=succeeded")));
  check("ark/response_error_401.json", json_of(sim_client(s.port(), s.ca_pem(), "bad").get(ark_tasks)));

  // Error shapes.
  {
    auto limits = fast_options();
    limits.credits = 1;
    limits.kinovi.credits = 1e9;
    limits.kinovi.concurrency = 1;
    sim::simulator strict(limits);
    sim_client sc(strict.port(), strict.ca_pem());
    sc.post(kinovi_create, kinovi_body("[sim:stall]"));
    check("kinovi/response_error_429.json", json_of(sc.post(kinovi_create, kinovi_body())));
    check("aihubmax/response_error_402.json", json_of(sc.post(aihubmax_create, aihubmax_body())));
    check("ark/response_error_403_overdue.json", json_of(sc.post(ark_tasks, ark_body())));
  }
  {
    auto zero = fast_options();
    zero.kinovi.credits = 0;
    sim::simulator poor(zero);
    sim_client pc(poor.port(), poor.ca_pem());
    check("kinovi/response_error_402.json", json_of(pc.post(kinovi_create, kinovi_body())));
  }
  check("kinovi/response_error_400_unknown_model.json",
        json_of(c.post(kinovi_create, {{"model", "seedance-2.0"}, {"inputs", {{"prompt", "x"}}}})));
  check("kinovi/response_error_400_missing_task_id.json", json_of(c.get("/kinovi/api/v1/jobs/recordInfo")));
  check("aihubmax/response_error_401.json",
        json_of(sim_client(s.port(), s.ca_pem(), "bad").get(aihubmax_status + "x")));
  check("aihubmax/response_error_422.json",
        json_of(c.post(
            aihubmax_create,
            {{"model", "seedance-2.0-image-to-video"}, {"prompt", "x"}, {"image_url", "ftp://example.com/a.png"}})));
  {
    const auto rule = s.fault_on_nth(aihubmax_status, 1, {sim::fault_kind::rate_limit});
    auto limited = c.get(aihubmax_status + "x");
    check("aihubmax/response_error_429.json", json_of(limited));
    EXPECT_TRUE(limited.response.headers.find("Retry-After").has_value());
    s.remove_fault(rule);
  }
  check("ark/response_error_400_invalid_parameter.json",
        json_of(c.post(ark_tasks, {{"model", "dreamina-seedance-2-0-260128"},
                                   {"content", {{{"type", "text"}, {"text", "x"}}}},
                                   {"ratio", "5:4"}})));
  check("ark/response_error_400_missing_parameter.json",
        json_of(c.post(ark_tasks, {{"model", "dreamina-seedance-2-0-260128"}})));
  check("seedance2ink/response_error_401.json",
        json_of(sim_client(s.port(), s.ca_pem(), "bad").get(ink_create + "/x")));

  // Webhook bodies.
  auto check_webhook = [&](std::string_view fixture, const std::string& body) {
    std::vector<std::string> found;
    compare_shape(ts::load_json(fixture), boost::json::parse(body), std::string(fixture), found);
    problems.insert(problems.end(), found.begin(), found.end());
  };
  for (auto style : {sim::kinovi_webhook_style::enveloped, sim::kinovi_webhook_style::flat,
                     sim::kinovi_webhook_style::enveloped_status}) {
    auto wo = fast_options();
    wo.kinovi_webhook = style;
    sim::simulator ws(wo);
    webhook_listener hooks;
    sim_client wc(ws.port(), ws.ca_pem());
    wc.post(kinovi_create, kinovi_body("ok", hooks.url("/ok")));
    wc.post(kinovi_create, kinovi_body("[sim:fail]", hooks.url("/fail")));
    ASSERT_TRUE(eventually([&] { return hooks.count() == 2; }));
    for (const auto& d : hooks.deliveries()) {
      const bool ok = d.target == "/ok";
      switch (style) {
        case sim::kinovi_webhook_style::enveloped:
          check_webhook(ok ? "kinovi/webhook_enveloped_state_success.json" : "kinovi/webhook_enveloped_state_fail.json",
                        d.body);
          break;
        case sim::kinovi_webhook_style::flat:
          check_webhook(
              ok ? "kinovi/webhook_flat_status_success.json" : "kinovi/webhook_flat_status_fail_string_error.json",
              d.body);
          break;
        case sim::kinovi_webhook_style::enveloped_status:
          if (ok) check_webhook("kinovi/webhook_enveloped_status_success.json", d.body);
          break;
      }
    }
  }
  {
    webhook_listener hooks;
    boost::json::object h_body = aihubmax_body().as_object();
    h_body["callback_url"] = hooks.url("/aihubmax");
    c.post(aihubmax_create, h_body);
    boost::json::object i_body = ink_body().as_object();
    i_body["webhookUrl"] = hooks.url("/ink");
    c.post(ink_create, i_body);
    boost::json::object a_body = ark_body("x", hooks.url("/ark")).as_object();
    a_body["return_last_frame"] = true;
    c.post(ark_tasks, a_body);
    ASSERT_TRUE(eventually([&] { return hooks.count() == 5; }));  // aihubmax 1, seedance2.ink 1, Ark 3
    for (const auto& d : hooks.deliveries()) {
      const auto status = boost::json::parse(d.body).at("status");
      if (d.target == "/aihubmax") check_webhook("aihubmax/webhook_completed.json", d.body);
      if (d.target == "/ink") check_webhook("seedance2ink/webhook_succeeded.json", d.body);
      if (d.target == "/ark" && status == "running") check_webhook("ark/webhook_running.json", d.body);
      if (d.target == "/ark" && status == "succeeded") check_webhook("ark/webhook_succeeded.json", d.body);
    }
  }

  for (const auto& p : problems) ADD_FAILURE() << p;
}

}  // namespace

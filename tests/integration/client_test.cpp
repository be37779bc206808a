// End-to-end tests of client<Provider> against the simulator over real TLS on 127.0.0.1.
#include <seedance/seedance.hpp>
#include <seedance/testing/simulator.hpp>
#include <support/run_coroutine.hpp>

#include <gtest/gtest.h>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>
#include <asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace st = seedance::testing;
using seedance::errc;

using seedance::test_support::pump;
using seedance::test_support::run;

st::simulator_options fast_sim() {
  st::simulator_options o;
  o.time_scale = 0.05;  // 10 ms queued, 50 ms running
  o.api_key = "sk-test-9f8e7d6c5b4a";
  return o;
}

template <class P>
seedance::client_options<P> options_for(const st::simulator& sim) {
  seedance::client_options<P> o;
  o.api_key = sim.api_key();
  o.base_url = sim.base_url(P::id);
  o.transport.tls.ca_pem = sim.ca_pem();
  o.transport.tls.use_default_paths = false;
  o.transport.proxy.from_environment = false;
  o.polling.first_delay = 20ms;
  o.polling.min_interval = 20ms;
  o.polling.max_interval = 200ms;
  o.retry.initial_delay = 10ms;
  o.retry.max_delay = 100ms;
  o.retry.max_retry_after = 200ms;
  o.jitter_seed = 7;
  return o;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("seedance-client-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

bool is_mp4(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  char head[12] = {};
  in.read(head, sizeof head);
  return in.gcount() == 12 && std::string_view(head + 4, 4) == "ftyp";
}

/// Files in `dir` whose name marks an unfinished download.
std::vector<std::string> partial_files(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".part-") != std::string::npos) out.push_back(e.path().string());
  return out;
}

std::vector<seedance::request> modes_for(seedance::provider_id p) {
  std::vector<seedance::request> out;
  seedance::request text;
  text.prompt = "a lighthouse at dusk, waves rolling in";
  out.push_back(text);
  seedance::request first = text;
  first.images = {"https://example.com/first.png"};
  out.push_back(first);
  seedance::request first_last = text;
  first_last.images = {"https://example.com/first.png", "https://example.com/last.png"};
  out.push_back(first_last);
  seedance::request reference = text;
  reference.prompt = "@image1 walks through the scene of @video1 to the beat of @audio1";
  reference.images = {"https://example.com/hero.png"};
  reference.videos = {"https://example.com/scene.mp4"};
  reference.audios = {"https://example.com/beat.mp3"};
  reference.mode = seedance::generation_mode::reference;
  out.push_back(reference);
  (void)p;
  return out;
}

template <class P>
class ClientTest : public ::testing::Test {};
using providers = ::testing::Types<seedance::kinovi, seedance::aihubmax, seedance::seedance2ink, seedance::ark>;
TYPED_TEST_SUITE(ClientTest, providers);

TYPED_TEST(ClientTest, GeneratesInEveryModeAndDownloads) {
  using P = TypeParam;
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<P> client(io.get_executor(), options_for<P>(sim));
  const auto dir = temp_dir(std::string(P::name) + "-modes");
  int n = 0;
  for (const auto& req : modes_for(P::id)) {
    std::vector<seedance::task> seen;
    seedance::wait_options wo;
    wo.on_progress = [&](const seedance::task& t) { seen.push_back(t); };
    seedance::video v = run(io, client.generate(req, wo));
    ASSERT_FALSE(v.url.empty());
    ASSERT_FALSE(v.task_id.empty());
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().state, seedance::task_state::succeeded);
    const auto target = dir / ("clip" + std::to_string(n++) + ".mp4");
    auto result = run(io, client.download(v, target));
    EXPECT_EQ(result.path, target);
    EXPECT_GT(result.bytes, 1000u);
    EXPECT_TRUE(is_mp4(target));
    EXPECT_EQ(std::filesystem::file_size(target), result.bytes);
  }
  EXPECT_EQ(sim.creates(P::id), 4u);
  EXPECT_TRUE(partial_files(dir).empty());
  // Keep-alive: far fewer handshakes than requests.
  const auto stats = client.transport_stats();
  EXPECT_LT(stats.tls_handshakes, stats.requests);
  std::filesystem::remove_all(dir);
}

TYPED_TEST(ClientTest, InvalidRequestSendsNothing) {
  using P = TypeParam;
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<P> client(io.get_executor(), options_for<P>(sim));
  seedance::request bad;
  bad.prompt = "x";
  bad.images = {"ftp://example.com/a.png", "https://example.com/b.png", "https://example.com/c.png"};
  bad.duration = std::chrono::seconds(99);
  bad.mode = seedance::generation_mode::first_last_frame;
  try {
    run(io, client.submit(bad));
    FAIL() << "expected invalid_request";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::invalid_request));
    EXPECT_GE(e.details().problems.size(), 2u);
    EXPECT_NE(std::string(e.what()).find("duration"), std::string::npos);
  }
  EXPECT_TRUE(sim.log().empty());
}

TYPED_TEST(ClientTest, WaitsOnATaskCreatedByAnotherClient) {
  using P = TypeParam;
  st::simulator sim(fast_sim());
  asio::io_context io;
  std::string id;
  {
    seedance::client<P> first(io.get_executor(), options_for<P>(sim));
    seedance::request r;
    r.prompt = "a paper boat on a river";
    id = run(io, first.submit(r)).id;
  }
  seedance::client<P> second(io.get_executor(), options_for<P>(sim));  // "after a restart"
  auto t = run(io, second.wait(id));
  EXPECT_EQ(t.state, seedance::task_state::succeeded);
  EXPECT_EQ(t.id, id);
  ASSERT_FALSE(t.videos.empty());
  EXPECT_EQ(sim.creates(P::id), 1u);
}

TYPED_TEST(ClientTest, FailedTaskCarriesProviderReason) {
  using P = TypeParam;
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<P> client(io.get_executor(), options_for<P>(sim));
  seedance::request r;
  r.prompt = "something the moderator dislikes [sim:fail]";
  try {
    run(io, client.generate(r));
    FAIL() << "expected task_failed";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::task_failed));
    EXPECT_TRUE(e.code() == seedance::condition::task_failed);
    EXPECT_FALSE(e.details().task_id.empty());
    EXPECT_FALSE(e.details().provider_code.empty() && e.details().provider_message.empty());
  }
}

TYPED_TEST(ClientTest, DeadlineIsBoundedAndRemoteCancelIsOptIn) {
  using P = TypeParam;
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<P> client(io.get_executor(), options_for<P>(sim));
  seedance::request r;
  r.prompt = "never ends [sim:stall]";
  for (bool remote_cancel : {false, true}) {
    seedance::wait_options wo;
    wo.deadline = 300ms;
    wo.cancel_remote_on_deadline = remote_cancel;
    const auto before = sim.count(P::id, st::request_kind::cancel);
    try {
      run(io, client.generate(r, wo));
      FAIL() << "expected deadline_exceeded";
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), make_error_code(errc::deadline_exceeded));
      EXPECT_FALSE(e.details().task_id.empty());
    }
    const auto cancels = sim.count(P::id, st::request_kind::cancel) - before;
    const bool provider_can_cancel = P::cancel_request("x").has_value();
    EXPECT_EQ(cancels, remote_cancel && provider_can_cancel ? 1u : 0u);
  }
}

TYPED_TEST(ClientTest, HundredJobsUnderALimitOfFive) {
  using P = TypeParam;
  auto so = fast_sim();
  so.kinovi.concurrency = so.aihubmax.concurrency = so.seedance2ink.concurrency = so.ark.concurrency = 0;
  st::simulator sim(so);
  asio::io_context io;
  auto o = options_for<P>(sim);
  o.max_in_flight = 5;
  seedance::client<P> client(io.get_executor(), o);
  std::atomic<int> done{0};
  std::vector<std::string> errors;
  for (int i = 0; i < 100; ++i) {
    seedance::request r;
    r.prompt = "job " + std::to_string(i);
    asio::co_spawn(io, client.generate(r), [&](std::exception_ptr ep, seedance::video v) {
      if (ep || v.url.empty()) errors.push_back("job failed");
      ++done;
    });
  }
  pump(io, [&] { return done == 100; });
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(sim.creates(P::id), 100u);
  EXPECT_LE(sim.max_in_flight(P::id), 5u);
  EXPECT_EQ(client.limiter().in_use(), 0u);
}

TYPED_TEST(ClientTest, WebhookWaitMakesNoPollsBeforeTheCallback) {
  using P = TypeParam;
  if constexpr (P::id == seedance::provider_id::aihubmax) {
    GTEST_SKIP() << "aihubmax documents no callback for Seedance tasks";
  } else {
    st::simulator sim(fast_sim());
    asio::io_context io;
    seedance::client<P> client(io.get_executor(), options_for<P>(sim));
    seedance::webhook_listener listener(io.get_executor(),
                                        [](std::string_view body) { return P::decode_webhook(body); });
    listener.start({asio::ip::make_address("127.0.0.1"), 0});
    seedance::request r;
    r.prompt = "fireworks over a harbour";
    r.callback_url = listener.url();
    seedance::wait_options wo;
    wo.listener = &listener;
    wo.fallback_poll = 60s;  // far longer than the task: only callbacks can end this wait in time
    seedance::video v = run(io, client.generate(r, wo));
    EXPECT_FALSE(v.url.empty());
    const auto polls = sim.count(P::id, st::request_kind::status);
    EXPECT_GE(polls, 1u);  // the callback is a hint: the task is re-fetched before success is reported
    EXPECT_LE(polls, listener.stats().accepted);
    EXPECT_GE(listener.stats().accepted, 1u);
  }
}

TYPED_TEST(ClientTest, DownloadResumesAfterTwoDrops) {
  using P = TypeParam;
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<P> client(io.get_executor(), options_for<P>(sim));
  seedance::request r;
  r.prompt = "a slow pan over mountains";
  seedance::video v = run(io, client.generate(r));
  sim.fault_on_nth("/files/", 1, {.kind = st::fault_kind::close_mid_body, .bytes = 3000});
  sim.fault_on_nth("/files/", 2, {.kind = st::fault_kind::close_mid_body, .bytes = 2000});
  const auto dir = temp_dir(std::string(P::name) + "-resume");
  std::uint64_t last_progress = 0;
  seedance::download_options dopt;
  dopt.on_progress = [&](std::uint64_t d, std::optional<std::uint64_t>) { last_progress = d; };
  auto result = run(io, client.download(v, dir / "clip.mp4", dopt));
  EXPECT_EQ(result.resumes, 2);
  EXPECT_TRUE(is_mp4(dir / "clip.mp4"));
  EXPECT_EQ(last_progress, result.bytes);
  EXPECT_EQ(std::filesystem::file_size(dir / "clip.mp4"), result.bytes);
  EXPECT_TRUE(partial_files(dir).empty());
  std::filesystem::remove_all(dir);
}

// ---- provider-specific behaviour ---------------------------------------------------------------------------

TEST(ClientCancel, KinoviHasNoCancelAndSendsNothing) {
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), options_for<seedance::kinovi>(sim));
  try {
    run(io, client.cancel("task_abc"));
    FAIL();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::unsupported));
  }
  EXPECT_TRUE(sim.log().empty());
}

TEST(ClientCancel, Seedance2inkCancelsARunningTask) {
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<seedance::seedance2ink> client(io.get_executor(), options_for<seedance::seedance2ink>(sim));
  seedance::request r;
  r.prompt = "forever [sim:stall]";
  auto t = run(io, client.submit(r));
  auto c = run(io, client.cancel(t.id));
  EXPECT_EQ(c.state, seedance::task_state::cancelled);
  try {
    run(io, client.wait(t.id));
    FAIL();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::task_cancelled));
  }
}

TEST(ClientCancel, ArkCancelsQueuedRefusesRunningDeletesFinished) {
  auto so = fast_sim();
  so.ark.concurrency = 1;
  st::simulator sim(so);
  asio::io_context io;
  seedance::client<seedance::ark> client(io.get_executor(), options_for<seedance::ark>(sim));
  seedance::request stall;
  stall.prompt = "forever [sim:stall]";
  auto running = run(io, client.submit(stall));
  auto queued = run(io, client.submit(stall));  // concurrency 1: stays queued behind the first
  // Wait until the first runs.
  for (int i = 0; i < 100 && run(io, client.status(running.id)).state != seedance::task_state::running; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(run(io, client.cancel(queued.id)).state, seedance::task_state::cancelled);
  try {
    run(io, client.cancel(running.id));
    FAIL() << "Ark refuses to cancel a running task";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.details().http_status / 100, 4);
  }
  seedance::request ok;
  ok.prompt = "a quick one";
  seedance::client<seedance::ark> other(io.get_executor(), options_for<seedance::ark>(sim));
  (void)other;
}

TEST(ClientList, ArkListsTasks) {
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<seedance::ark> client(io.get_executor(), options_for<seedance::ark>(sim));
  seedance::request r;
  r.prompt = "listed";
  auto a = run(io, client.submit(r));
  auto b = run(io, client.submit(r));
  seedance::ark::list_query q;
  q.page_size = 10;
  auto page = run(io, client.list(q));
  EXPECT_GE(page.total, 2);
  bool found_a = false, found_b = false;
  for (const auto& t : page.items) {
    found_a |= t.id == a.id;
    found_b |= t.id == b.id;
  }
  EXPECT_TRUE(found_a && found_b);
}

TEST(ClientProgress, AihubmaxProgressIsReported) {
  auto so = fast_sim();
  so.time_scale = 0.3;  // long enough to see intermediate progress
  st::simulator sim(so);
  asio::io_context io;
  seedance::client<seedance::aihubmax> client(io.get_executor(), options_for<seedance::aihubmax>(sim));
  seedance::request r;
  r.prompt = "progress please";
  std::vector<int> progress;
  seedance::wait_options wo;
  wo.on_progress = [&](const seedance::task& t) {
    if (t.progress) progress.push_back(*t.progress);
  };
  run(io, client.generate(r, wo));
  ASSERT_GE(progress.size(), 2u);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), 100);
}

TEST(ClientLimit, ConcurrencyLimitIsLearnedFromKinovi429) {
  auto so = fast_sim();
  so.kinovi.concurrency = 3;
  st::simulator sim(so);
  asio::io_context io;
  auto o = options_for<seedance::kinovi>(sim);
  o.retry.max_create_attempts = 50;
  seedance::client<seedance::kinovi> client(io.get_executor(), o);
  int done = 0, failed = 0;
  for (int i = 0; i < 8; ++i) {
    seedance::request r;
    r.prompt = "burst " + std::to_string(i);
    asio::co_spawn(io, client.generate(r), [&](std::exception_ptr ep, seedance::video) {
      failed += ep ? 1 : 0;
      ++done;
    });
  }
  pump(io, [&] { return done == 8; });
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(client.limiter().limit(), 3u);
  EXPECT_EQ(sim.creates(seedance::provider_id::kinovi), 8u);
  EXPECT_LE(sim.max_in_flight(seedance::provider_id::kinovi), 3u);
}

// ---- money rules: the fault matrix ------------------------------------------------------------------------

struct fault_case {
  st::fault_kind kind;
  int status = 503;
};

TEST(ClientFaults, CreateFaultsNeverDuplicateATask) {
  const std::vector<std::pair<st::fault, errc>> create_cases = {
      {{.kind = st::fault_kind::drop_before_request}, errc::outcome_unknown},
      {{.kind = st::fault_kind::drop_after_request}, errc::outcome_unknown},
      {{.kind = st::fault_kind::close_after_headers}, errc::outcome_unknown},
      {{.kind = st::fault_kind::close_mid_body, .bytes = 5}, errc::outcome_unknown},
      {{.kind = st::fault_kind::truncated_chunked}, errc::outcome_unknown},
      {{.kind = st::fault_kind::invalid_json}, errc::outcome_unknown},
      {{.kind = st::fault_kind::http_error, .status = 500}, errc::server_error},
      {{.kind = st::fault_kind::http_error, .status = 502}, errc::server_error},
      {{.kind = st::fault_kind::http_error, .status = 503}, errc::server_error},
  };
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), options_for<seedance::kinovi>(sim));
  std::uint64_t expected_creates = 0;
  for (const auto& [f, expected] : create_cases) {
    sim.clear_faults();
    sim.fault_on_nth("createTask", 1, f);
    const auto before = sim.count(seedance::provider_id::kinovi, st::request_kind::create);
    seedance::request r;
    r.prompt = "fault " + std::string(st::to_string(f.kind));
    try {
      run(io, client.submit(r));
      ADD_FAILURE() << st::to_string(f.kind) << ": expected an error";
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), make_error_code(expected)) << st::to_string(f.kind) << ": " << e.what();
      EXPECT_FALSE(e.details().retry_safe) << st::to_string(f.kind);
    }
    // Exactly one create request reached the simulator: never a silent second one.
    EXPECT_EQ(sim.count(seedance::provider_id::kinovi, st::request_kind::create) - before, 1u) << st::to_string(f.kind);
    expected_creates += 0;
  }
  (void)expected_creates;
  // Faults that still answer: success with exactly one create each.
  for (auto f : {st::fault{.kind = st::fault_kind::slow_bytes, .bytes = 7, .delay = 1ms},
                 st::fault{.kind = st::fault_kind::delay, .delay = 50ms},
                 st::fault{.kind = st::fault_kind::rate_limit, .retry_after = std::chrono::seconds(0)}}) {
    sim.clear_faults();
    sim.fault_on_nth("createTask", 1, f);
    const auto before = sim.creates(seedance::provider_id::kinovi);
    seedance::request r;
    r.prompt = "survives " + std::string(st::to_string(f.kind));
    auto t = run(io, client.submit(r));
    EXPECT_FALSE(t.id.empty()) << st::to_string(f.kind);
    EXPECT_EQ(sim.creates(seedance::provider_id::kinovi) - before, 1u) << st::to_string(f.kind);
    client.forget(t.id);
  }
}

TEST(ClientFaults, StatusAndDownloadFaultsAreRetried) {
  const std::vector<st::fault> faults = {
      {.kind = st::fault_kind::drop_before_request},
      {.kind = st::fault_kind::drop_after_request},
      {.kind = st::fault_kind::close_after_headers},
      {.kind = st::fault_kind::close_mid_body, .bytes = 5},
      {.kind = st::fault_kind::truncated_chunked},
      {.kind = st::fault_kind::invalid_json},
      {.kind = st::fault_kind::http_error, .status = 500},
      {.kind = st::fault_kind::http_error, .status = 502},
      {.kind = st::fault_kind::http_error, .status = 503},
      {.kind = st::fault_kind::slow_bytes, .bytes = 11, .delay = 1ms},
      {.kind = st::fault_kind::delay, .delay = 30ms},
      {.kind = st::fault_kind::rate_limit, .retry_after = std::chrono::seconds(0)},
  };
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<seedance::kinovi> client(io.get_executor(), options_for<seedance::kinovi>(sim));
  const auto dir = temp_dir("faults");
  int n = 0;
  for (const auto& f : faults) {
    sim.clear_faults();
    sim.fault_on_nth("recordInfo", 1, f);
    seedance::request r;
    r.prompt = "status fault " + std::string(st::to_string(f.kind));
    seedance::video v = run(io, client.generate(r));
    EXPECT_FALSE(v.url.empty()) << st::to_string(f.kind);
    if (f.kind == st::fault_kind::invalid_json) continue;  // not a file fault
    sim.clear_faults();
    sim.fault_on_nth("/files/", 1, f);
    const auto target = dir / ("f" + std::to_string(n++) + ".mp4");
    auto result = run(io, client.download(v, target));
    EXPECT_TRUE(is_mp4(target)) << st::to_string(f.kind);
    EXPECT_EQ(std::filesystem::file_size(target), result.bytes) << st::to_string(f.kind);
  }
  EXPECT_EQ(sim.creates(seedance::provider_id::kinovi), faults.size());
  EXPECT_TRUE(partial_files(dir).empty());
  std::filesystem::remove_all(dir);
}

TEST(ClientDownload, RefusesToOverwriteAndReportsExpiry) {
  auto so = fast_sim();
  so.output_ttl = 2000ms;  // x0.05 = 100 ms
  st::simulator sim(so);
  asio::io_context io;
  seedance::client<seedance::ark> client(io.get_executor(), options_for<seedance::ark>(sim));
  const auto dir = temp_dir("expiry");
  { std::ofstream(dir / "existing.mp4") << "keep me"; }
  seedance::request r;
  r.prompt = "expires soon";
  seedance::video v = run(io, client.generate(r));
  const auto downloads_before = sim.count(st::request_kind::download);
  try {
    run(io, client.download(v, dir / "existing.mp4"));
    FAIL();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::file_exists));
  }
  EXPECT_EQ(sim.count(st::request_kind::download), downloads_before);  // refused before any I/O
  std::this_thread::sleep_for(300ms);
  try {
    run(io, client.download(v, dir / "late.mp4"));
    FAIL();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::output_expired));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "late.mp4"));
  EXPECT_TRUE(partial_files(dir).empty());
  std::ifstream in(dir / "existing.mp4");
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "keep me");
  std::filesystem::remove_all(dir);
}

// ---- secrets, token forms, threads ---------------------------------------------------------------------

TEST(ClientSecrets, TheKeyNeverAppearsInMessagesOrLogs) {
  auto so = fast_sim();
  st::simulator sim(so);
  asio::io_context io;
  std::vector<std::string> lines;
  auto o = options_for<seedance::aihubmax>(sim);
  const std::string wrong_key = "sk-wrong-key-0123456789abcdef";
  o.api_key = wrong_key;
  o.log = [&](seedance::log_level, std::string_view line) { lines.emplace_back(line); };
  seedance::client<seedance::aihubmax> bad(io.get_executor(), o);
  seedance::request r;
  r.prompt = "x";
  try {
    run(io, bad.submit(r));
    FAIL();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::unauthorized));
    lines.emplace_back(e.what());
    lines.push_back(e.details().provider_message);
  }
  auto good_opts = options_for<seedance::aihubmax>(sim);
  good_opts.log = o.log;
  seedance::client<seedance::aihubmax> good(io.get_executor(), good_opts);
  sim.fault_on_nth("/v1/tasks/", 1, {.kind = st::fault_kind::http_error, .status = 503});
  run(io, good.generate(r));
  for (const auto& line : lines) {
    EXPECT_EQ(line.find(wrong_key), std::string::npos) << line;
    EXPECT_EQ(line.find(sim.api_key()), std::string::npos) << line;
  }
  EXPECT_FALSE(lines.empty());
}

TEST(ClientTokens, CallbackFutureAndTupleForms) {
  st::simulator sim(fast_sim());
  asio::io_context io;
  seedance::client<seedance::seedance2ink> client(io.get_executor(), options_for<seedance::seedance2ink>(sim));
  seedance::request r;
  r.prompt = "token forms";

  // Callback.
  std::error_code got_ec = make_error_code(errc::bad_response);
  seedance::video got;
  bool called = false;
  client.async_generate(r, {}, [&](std::error_code ec, seedance::video v) {
    got_ec = ec;
    got = std::move(v);
    called = true;
  });
  pump(io, [&] { return called; });
  EXPECT_FALSE(got_ec);
  EXPECT_FALSE(got.url.empty());

  // Future.
  std::future<seedance::task> fut = client.async_status(got.task_id, asio::use_future);
  static_assert(std::is_same_v<decltype(fut), std::future<seedance::task>>);
  pump(io, [&] { return fut.wait_for(0s) == std::future_status::ready; });
  EXPECT_EQ(fut.get().state, seedance::task_state::succeeded);

  // as_tuple inside a coroutine, and errors as codes.
  auto [ec, t] = run(io, [&]() -> asio::awaitable<std::tuple<std::error_code, seedance::task>> {
    co_return co_await client.async_status("req_does_not_exist", asio::experimental::as_tuple(asio::use_awaitable));
  }());
  EXPECT_EQ(ec, make_error_code(errc::not_found));
  static_assert(std::is_same_v<decltype(client.status("x")), asio::awaitable<seedance::task>>);
  static_assert(std::is_same_v<decltype(client.generate(r)), asio::awaitable<seedance::video>>);
  static_assert(std::is_same_v<decltype(client.download(got, std::filesystem::path("x"))),
                               asio::awaitable<seedance::download_result>>);
}

TEST(ClientThreads, TwoThreadsOneStrand) {
  st::simulator sim(fast_sim());
  asio::io_context io;
  auto strand = asio::make_strand(io);
  seedance::client<seedance::ark> client(strand, options_for<seedance::ark>(sim));
  std::atomic<int> done{0}, failed{0};
  constexpr int jobs = 20;
  for (int i = 0; i < jobs; ++i) {
    seedance::request r;
    r.prompt = "threaded " + std::to_string(i);
    asio::co_spawn(strand, client.generate(r), [&](std::exception_ptr ep, seedance::video) {
      failed += ep ? 1 : 0;
      ++done;
    });
  }
  auto work = asio::make_work_guard(io);
  std::thread a([&] { io.run(); });
  std::thread b([&] { io.run(); });
  while (done < jobs) std::this_thread::sleep_for(10ms);
  work.reset();
  io.stop();
  a.join();
  b.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(sim.creates(seedance::provider_id::ark), static_cast<std::uint64_t>(jobs));
}

TEST(ClientRuntime, AnyProviderChosenByName) {
  st::simulator sim(fast_sim());
  asio::io_context io;
  for (std::string_view name : {"kinovi", "aihubmax", "seedance2ink", "ark"}) {
    auto provider = seedance::any_provider::from_name(name);
    ASSERT_TRUE(provider) << name;
    seedance::client_options<seedance::any_provider> o;
    o.api_key = sim.api_key();
    o.base_url = sim.base_url(provider->id());
    o.transport.tls.ca_pem = sim.ca_pem();
    o.transport.tls.use_default_paths = false;
    o.transport.proxy.from_environment = false;
    o.polling.first_delay = o.polling.min_interval = 20ms;
    seedance::client<seedance::any_provider> client(io.get_executor(), *provider, o);
    seedance::request r;
    r.prompt = "run-time provider";
    r.images = {"https://example.com/a.png"};
    auto v = run(io, client.generate(r));
    EXPECT_FALSE(v.url.empty()) << name;
  }
}

}  // namespace

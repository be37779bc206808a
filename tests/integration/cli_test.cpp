// The `seedance` program, driven as a subprocess against the simulator over real TLS on 127.0.0.1: every flag
// of `generate` for each provider where it applies, the other commands, exit codes, --json, the offline demo,
// progress bars on a terminal, Ctrl-C, and `batch` surviving SIGKILL without creating any task twice.
#include <seedance/testing/simulator.hpp>

#include <support/sim_client.hpp>
#include <support/subprocess.hpp>
#include <support/tls_server.hpp>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using seedance::provider_id;
using seedance::test_support::child_process;
using seedance::test_support::is_complete_mp4;
using seedance::test_support::process_options;
using seedance::test_support::process_result;
using seedance::testing::request_kind;

/// The built `seedance` binary: $SEEDANCE_CLI_UNDER_TEST (e.g. a sanitizer build of it), else from the build
/// (CMake), else beside this test's own build directory (meson).
fs::path cli_path() {
  if (const char* chosen = std::getenv("SEEDANCE_CLI_UNDER_TEST")) return chosen;
#ifdef SEEDANCE_CLI_PATH
  if (fs::exists(SEEDANCE_CLI_PATH)) return SEEDANCE_CLI_PATH;
#endif
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(self.parent_path().parent_path() / "examples" / "seedance"))
    return self.parent_path().parent_path() / "examples" / "seedance";
  return {};
}

constexpr provider_id all[] = {provider_id::kinovi, provider_id::aihubmax, provider_id::seedance2ink, provider_id::ark};

std::string name(provider_id p) { return std::string(seedance::to_string(p)); }

std::vector<boost::json::object> json_lines(const std::string& text) {
  std::vector<boost::json::object> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    boost::json::value v = boost::json::parse(line);  // throws: every stdout line must be JSON
    out.push_back(v.as_object());
  }
  return out;
}

std::vector<boost::json::object> events(const std::vector<boost::json::object>& all_events, std::string_view kind) {
  std::vector<boost::json::object> out;
  for (const auto& e : all_events)
    if (e.contains("event") && e.at("event").as_string() == kind) out.push_back(e);
  return out;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_ = cli_path();
    if (cli_.empty()) GTEST_SKIP() << "the seedance program was not built (examples off)";
    dir_ = fs::temp_directory_path() / ("seedance-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    seedance::testing::simulator_options so;
    so.time_scale = 0.05;  // a task takes about 60 ms
    sim_ = std::make_unique<seedance::testing::simulator>(so);
    ca_ = dir_ / "ca.pem";
    std::ofstream(ca_) << sim_->ca_pem();
  }
  void TearDown() override {
    sim_.reset();
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }

  /// Options for running the CLI with the simulator's key in the environment and nothing else that names a key.
  process_options cli_options(std::vector<std::string> args, bool with_key = true) {
    process_options o;
    o.args = {cli_.string()};
    o.args.insert(o.args.end(), args.begin(), args.end());
    o.unset_env = {"SEEDANCE_API_KEY", "KINOVI_API_KEY", "AIHUBMAX_API_KEY", "SEEDANCE2INK_API_KEY", "ARK_API_KEY"};
    if (with_key) o.set_env["SEEDANCE_API_KEY"] = sim_->api_key();
    o.cwd = dir_;
    o.output_dir = dir_;
    return o;
  }

  process_result run(std::vector<std::string> args, bool with_key = true) {
    return seedance::test_support::run_process(cli_options(std::move(args), with_key));
  }

  /// Connection flags for provider p (base URL, CA, fast polling).
  std::vector<std::string> at(provider_id p) {
    return {"--provider", name(p),      "--base-url",      sim_->base_url(p),
            "--ca-file",  ca_.string(), "--poll-interval", "50ms"};
  }

  /// `seedance generate` at p with `extra` flags.
  process_result generate(provider_id p, std::vector<std::string> extra) {
    std::vector<std::string> args{"generate"};
    const auto conn = at(p);
    args.insert(args.end(), conn.begin(), conn.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }

  /// The provider's raw status body of a task, through `seedance status ID --json`.
  boost::json::object status_json(provider_id p, const std::string& id) {
    std::vector<std::string> args{"status", id, "--json"};
    const auto conn = at(p);
    args.insert(args.end(), conn.begin(), conn.end());
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto evs = events(json_lines(r.out), "task");
    if (evs.empty()) return {};
    return evs.front();
  }

  static std::string task_id_of(const process_result& r) {
    for (const auto& e : json_lines(r.out))
      if (e.at("event").as_string() == "done" || e.at("event").as_string() == "created")
        return std::string(e.at("task_id").as_string());
    return {};
  }

  fs::path cli_, dir_, ca_;
  std::unique_ptr<seedance::testing::simulator> sim_;
};

#define EXPECT_SUCCESS(r) EXPECT_EQ((r).exit_code, 0) << "stdout:\n" << (r).out << "\nstderr:\n" << (r).err

// ---- generate: modes and every flag, per provider ---------------------------------------------------------

TEST_F(Cli, FirstFrameEveryProvider) {
  for (provider_id p : all) {
    const auto out = "first-" + name(p) + ".mp4";
    const auto r = generate(p, {"--image", "https://example.com/first.png", "--prompt", "slow dolly-in", "-o", out});
    EXPECT_SUCCESS(r) << name(p);
    EXPECT_TRUE(is_complete_mp4(dir_ / out)) << name(p);
    EXPECT_NE(r.out.find("saved"), std::string::npos);
    EXPECT_NE(r.out.find("cost"), std::string::npos);
    EXPECT_EQ(r.out.find("SIMULATED"), std::string::npos) << "only --sim is labelled simulated";
  }
}

TEST_F(Cli, FirstLastFrameEveryProvider) {
  for (provider_id p : all) {
    const auto r = generate(p, {"--image", "https://example.com/first.png", "--image", "https://example.com/last.png",
                                "--prompt", "morph", "-o", "fl.mp4", "--overwrite"});
    EXPECT_SUCCESS(r) << name(p);
    EXPECT_TRUE(is_complete_mp4(dir_ / "fl.mp4"));
  }
}

TEST_F(Cli, ReferenceModeEveryProvider) {
  for (provider_id p : all) {
    const auto r = generate(
        p, {"--reference-image", "https://example.com/dancer.png", "--reference-image", "https://example.com/room.png",
            "--reference-video", "https://example.com/moves.mp4", "--reference-audio", "https://example.com/beat.mp3",
            "--prompt", "@image1 dances like @video1 to @audio1 in @image2", "-o", "ref.mp4", "--overwrite"});
    EXPECT_SUCCESS(r) << name(p);
    EXPECT_TRUE(is_complete_mp4(dir_ / "ref.mp4"));
  }
}

TEST_F(Cli, TextToVideoEveryProvider) {
  for (provider_id p : all) {
    const auto r = generate(p, {"--prompt", "a paper boat on a rainy street", "-o", "t.mp4", "--overwrite"});
    EXPECT_SUCCESS(r) << name(p);
  }
}

TEST_F(Cli, ModelFlagOurNamesAndRawIds) {
  for (provider_id p : all) {
    const auto r = generate(p, {"--model", "fast", "--prompt", "x", "--json", "-o", "m.mp4", "--overwrite"});
    EXPECT_SUCCESS(r) << name(p);
    const auto st = status_json(p, task_id_of(r));
    ASSERT_TRUE(st.contains("model")) << name(p) << boost::json::serialize(st);
    EXPECT_NE(std::string(st.at("model").as_string()).find("fast"), std::string::npos) << name(p);
  }
  // seedance-1.5-pro where offered.
  EXPECT_SUCCESS(
      generate(provider_id::ark, {"--model", "seedance-1.5-pro", "--prompt", "x", "--duration", "5", "-o", "p.mp4"}));
  EXPECT_EQ(generate(provider_id::kinovi, {"--model", "1.5-pro", "--prompt", "x"}).exit_code, 2);
  // A raw provider id is sent as is: an Ark endpoint id is accepted and echoed.
  const auto raw =
      generate(provider_id::ark, {"--model", "ep-20260101-test", "--prompt", "x", "--json", "-o", "e.mp4"});
  EXPECT_SUCCESS(raw);
  EXPECT_EQ(status_json(provider_id::ark, task_id_of(raw)).at("model").as_string(), "ep-20260101-test");
  // A raw id the provider does not know comes back as the provider's error (exit 4), naming the model.
  const auto unknown = generate(provider_id::aihubmax, {"--model", "no-such-model", "--prompt", "x"});
  EXPECT_EQ(unknown.exit_code, 4) << unknown.err;
  EXPECT_NE(unknown.err.find("odel"), std::string::npos) << unknown.err;
}

TEST_F(Cli, RatioResolutionDurationSeedNoAudioReachTheProvider) {
  const auto ark = generate(provider_id::ark, {"--prompt", "x", "--ratio", "9:16", "--resolution", "1080p",
                                               "--duration", "6", "--seed", "42", "--no-audio", "--json"});
  EXPECT_SUCCESS(ark);
  const auto raw = status_json(provider_id::ark, task_id_of(ark)).at("raw").as_object();
  EXPECT_EQ(raw.at("ratio").as_string(), "9:16");
  EXPECT_EQ(raw.at("resolution").as_string(), "1080p");
  EXPECT_EQ(raw.at("duration").to_number<int>(), 6);
  EXPECT_EQ(raw.at("seed").to_number<std::int64_t>(), 42);
  EXPECT_EQ(raw.at("generate_audio").as_bool(), false);

  const auto ink = generate(provider_id::seedance2ink,
                            {"--prompt", "x", "--ratio", "1:1", "--resolution", "720p", "--duration", "10", "--json"});
  EXPECT_SUCCESS(ink);
  const auto ink_raw = status_json(provider_id::seedance2ink, task_id_of(ink)).at("raw").as_object();
  const auto& data = ink_raw.contains("data") ? ink_raw.at("data").as_object() : ink_raw;
  EXPECT_EQ(data.at("aspectRatio").as_string(), "1:1");
  EXPECT_EQ(data.at("duration").to_number<int>(), 10);

  EXPECT_SUCCESS(generate(provider_id::kinovi, {"--prompt", "x", "--ratio", "4:3", "--resolution", "480p", "--duration",
                                                "4", "--seed", "7", "--no-audio"}));
  EXPECT_SUCCESS(generate(provider_id::aihubmax, {"--prompt", "x", "--ratio", "adaptive", "--resolution", "1080p",
                                                  "--duration", "auto", "--seed", "3", "--no-audio", "-o", "a.mp4"}));
  EXPECT_SUCCESS(generate(provider_id::ark, {"--prompt", "x", "--duration", "auto", "-o", "auto.mp4"}));
}

TEST_F(Cli, FlagsAProviderLacksAreRefusedBeforeAnythingIsSent) {
  struct refusal {
    provider_id p;
    std::vector<std::string> flags;
    std::string words;
  };
  const refusal cases[] = {
      {provider_id::seedance2ink, {"--ratio", "4:3"}, "ratio: seedance2.ink offers only 16:9, 9:16 and 1:1"},
      {provider_id::seedance2ink, {"--seed", "5"}, "seed: seedance2.ink does not support a seed"},
      {provider_id::seedance2ink, {"--no-audio"}, "generate_audio"},
      {provider_id::kinovi, {"--duration", "auto"}, "duration"},
      {provider_id::kinovi, {"--ratio", "adaptive"}, "ratio"},
      {provider_id::aihubmax, {"--4k"}, "resolution"},
      {provider_id::seedance2ink, {"--4k"}, "resolution"},
      {provider_id::aihubmax, {"--callback-url", "https://hooks.example.com/x"}, "callback_url"},
      {provider_id::kinovi, {"--legacy", "--seed", "1"}, "seed: Kinovi (legacy schema) does not support a seed"},
      {provider_id::ark, {"--image", "ftp://example.com/a.png"}, "images[0]"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> flags{"--prompt", "x"};
    flags.insert(flags.end(), c.flags.begin(), c.flags.end());
    const auto r = generate(c.p, flags);
    EXPECT_EQ(r.exit_code, 2) << name(c.p) << " " << c.flags.front() << "\n" << r.err;
    EXPECT_NE(r.err.find(c.words), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  }
  EXPECT_EQ(sim_->count(request_kind::create), 0u) << "nothing may be sent for invalid input";
}

TEST_F(Cli, FourKAndLegacy) {
  const auto native = generate(provider_id::ark, {"--prompt", "x", "--4k", "--json"});
  EXPECT_SUCCESS(native);
  EXPECT_EQ(status_json(provider_id::ark, task_id_of(native)).at("raw").at("resolution").as_string(), "4k");
  EXPECT_SUCCESS(generate(provider_id::kinovi, {"--prompt", "x", "--4k", "-o", "k4.mp4"}));
  // Kinovi legacy schema: --4k is the 4K upscale of the chosen resolution.
  EXPECT_SUCCESS(generate(provider_id::kinovi, {"--legacy", "--image", "https://example.com/a.png", "--prompt", "x",
                                                "--resolution", "1080p", "--4k", "--duration", "5", "-o", "up.mp4"}));
  EXPECT_SUCCESS(generate(provider_id::kinovi, {"--legacy", "--image", "https://example.com/a.png", "-o", "l.mp4"}));
  EXPECT_EQ(generate(provider_id::ark, {"--legacy", "--prompt", "x"}).exit_code, 2);
}

/// True when `v` holds a member named `key` at any depth.
bool has_member(const boost::json::value& v, std::string_view key) {
  if (v.is_object()) {
    for (const auto& member : v.get_object())
      if (member.key() == key || has_member(member.value(), key)) return true;
  } else if (v.is_array()) {
    for (const auto& item : v.get_array())
      if (has_member(item, key)) return true;
  }
  return false;
}

TEST_F(Cli, LegacyImageToVideoWithoutAPromptSendsNoPrompt) {
  // The legacy Kinovi schema makes the prompt optional for image-to-video. The simulator's own log keeps no
  // bodies, so the program talks to it through a relay on 127.0.0.1 that records every request it passes on.
  namespace http = seedance::http;
  seedance::test_support::sim_client upstream(sim_->port(), sim_->ca_pem());
  upstream.set_api_key("");  // the program's own Authorization header is passed on
  seedance::testing::tls_server relay(
      sim_->issue_certificate(),
      [&upstream, this](seedance::testing::server_connection& c, const http::request& r) -> asio::awaitable<void> {
        http::request forwarded = r;
        forwarded.headers.set("Host", "127.0.0.1:" + std::to_string(sim_->port()));
        auto answer = upstream.send(std::move(forwarded));  // blocks the relay's own thread only
        if (!answer.complete) {
          c.close();
          co_return;
        }
        answer.response.headers.erase("Transfer-Encoding");  // the body arrived decoded: sent with Content-Length
        answer.response.headers.erase("Content-Length");
        co_await c.respond(std::move(answer.response));
      });
  const std::string base_path = sim_->base_url(provider_id::kinovi).substr(sim_->origin().size());
  const std::vector<std::string> via_relay{"--provider",
                                           "kinovi",
                                           "--base-url",
                                           relay.url(base_path),
                                           "--ca-file",
                                           ca_.string(),
                                           "--poll-interval",
                                           "50ms",
                                           "--legacy",
                                           "--image",
                                           "https://example.com/first.png"};
  const auto create_bodies = [&relay] {
    std::vector<boost::json::value> bodies;
    for (const auto& request : relay.received())
      if (request.method == http::method::post) bodies.push_back(boost::json::parse(request.body));
    return bodies;
  };

  std::vector<std::string> args{"generate"};
  args.insert(args.end(), via_relay.begin(), via_relay.end());
  args.insert(args.end(), {"-o", "no-prompt.mp4", "--json"});
  const auto r = run(args);
  EXPECT_SUCCESS(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / "no-prompt.mp4"));
  auto bodies = create_bodies();
  ASSERT_EQ(bodies.size(), 1u) << "one create";
  EXPECT_FALSE(has_member(bodies[0], "prompt")) << boost::json::serialize(bodies[0]);
  const auto& inputs = bodies[0].at("inputs");
  EXPECT_EQ(inputs.at("urls").at(0).as_string(), "https://example.com/first.png") << boost::json::serialize(inputs);
  EXPECT_EQ(inputs.at("mode").as_string(), "keyframe");

  // With a prompt, the same command line sends it (the check above can see a prompt when there is one).
  args.insert(args.end(), {"--prompt", "a slow pan", "--overwrite"});
  EXPECT_SUCCESS(run(args));
  bodies = create_bodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[1].at("inputs").at("prompt").as_string(), "a slow pan");
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 2u);
}

TEST_F(Cli, CallbackUrlReachesTheProvider) {
  for (provider_id p : {provider_id::kinovi, provider_id::seedance2ink, provider_id::ark}) {
    // Nobody listens there: the simulator's delivery attempts are logged all the same.
    const auto r =
        generate(p, {"--prompt", "x", "--callback-url", "http://127.0.0.1:9/hook", "-o", "cb.mp4", "--overwrite"});
    EXPECT_SUCCESS(r) << name(p);
    for (int i = 0; i < 200 && sim_->count(p, request_kind::webhook) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GT(sim_->count(p, request_kind::webhook), 0u) << name(p);
  }
}

TEST_F(Cli, DeadlineEndsTheWaitWithExitFiveAndAResumeHint) {
  for (provider_id p : all) {
    const auto r = generate(p, {"--prompt", "[sim:stall] a clock", "--deadline", "1s"});
    EXPECT_EQ(r.exit_code, 5) << name(p) << "\n" << r.err;
    EXPECT_NE(r.err.find("seedance wait "), std::string::npos) << r.err;
  }
}

TEST_F(Cli, OutputFileDefaultAndOverwrite) {
  const auto r = generate(provider_id::kinovi, {"--prompt", "x", "--json"});
  EXPECT_SUCCESS(r);
  const auto id = task_id_of(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / (id + ".mp4"))) << "default name <task id>.mp4";
  std::ofstream(dir_ / "taken.mp4") << "mine";
  const auto refused = generate(provider_id::kinovi, {"--prompt", "x", "-o", "taken.mp4"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--overwrite"), std::string::npos);
  EXPECT_EQ(sim_->count(request_kind::create), 1u) << "refused before sending";
  EXPECT_SUCCESS(generate(provider_id::kinovi, {"--prompt", "x", "--output", "taken.mp4", "--overwrite"}));
  EXPECT_TRUE(is_complete_mp4(dir_ / "taken.mp4"));
}

TEST_F(Cli, JsonPrintsOneObjectPerEvent) {
  const auto r = generate(provider_id::aihubmax, {"--prompt", "x", "--json", "-o", "j.mp4"});
  EXPECT_SUCCESS(r);
  const auto all_events = json_lines(r.out);
  EXPECT_EQ(events(all_events, "created").size(), 1u);
  EXPECT_FALSE(events(all_events, "progress").empty());
  const auto done = events(all_events, "done");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_GT(done[0].at("bytes").to_number<std::uint64_t>(), 1000u);
  EXPECT_TRUE(fs::exists(std::string(done[0].at("path").as_string())));
  const auto bad = generate(provider_id::kinovi, {"--prompt", "x", "--ratio", "adaptive", "--json"});
  EXPECT_EQ(bad.exit_code, 2);
  const auto err = events(json_lines(bad.out), "error");
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].at("exit_code").to_number<int>(), 2);
}

// ---- keys ---------------------------------------------------------------------------------------------------

TEST_F(Cli, ApiKeyFromFileOrProviderVariableNeverFromArgv) {
  std::ofstream(dir_ / "key.txt") << sim_->api_key() << "\n";
  for (provider_id p : all) {
    auto o =
        cli_options({"generate", "--api-key-file", "key.txt", "--prompt", "x", "-o", "k.mp4", "--overwrite"}, false);
    const auto conn = at(p);
    o.args.insert(o.args.end(), conn.begin(), conn.end());
    EXPECT_SUCCESS(seedance::test_support::run_process(o)) << name(p);
  }
  EXPECT_EQ(run({"generate", "--api-key-file", "missing.txt", "--prompt", "x"}, false).exit_code, 2);

  auto by_provider_variable = cli_options({"generate", "--prompt", "x", "-o", "v.mp4"}, false);
  by_provider_variable.set_env["ARK_API_KEY"] = sim_->api_key();
  const auto ark = at(provider_id::ark);
  by_provider_variable.args.insert(by_provider_variable.args.end(), ark.begin(), ark.end());
  EXPECT_SUCCESS(seedance::test_support::run_process(by_provider_variable));

  const auto on_argv = run({"generate", "--api-key", "sk-live-secret-123456", "--prompt", "x"});
  EXPECT_EQ(on_argv.exit_code, 2);
  EXPECT_NE(on_argv.err.find("--api-key-file"), std::string::npos);
  EXPECT_EQ(on_argv.err.find("sk-live-secret-123456"), std::string::npos);
}

TEST_F(Cli, NoKeyOffersSimAndAWrongKeyIsExitThreeWithoutEchoingIt) {
  const auto none = run({"generate", "--image", "https://example.com/first.png", "--prompt", "x"}, false);
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_NE(none.err.find("SEEDANCE_API_KEY"), std::string::npos);
  EXPECT_NE(none.err.find("--sim"), std::string::npos);

  auto wrong = cli_options({"generate", "--prompt", "x", "--json"}, false);
  wrong.set_env["SEEDANCE_API_KEY"] = "sk-wrong-secret-987654321";
  const auto conn = at(provider_id::kinovi);
  wrong.args.insert(wrong.args.end(), conn.begin(), conn.end());
  const auto r = seedance::test_support::run_process(wrong);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out.find("sk-wrong-secret"), std::string::npos);
  EXPECT_EQ(r.err.find("sk-wrong-secret"), std::string::npos);
}

// ---- the offline demo -------------------------------------------------------------------------------------

TEST_F(Cli, SimRunsEverythingOfflineAndSaysSo) {
  const auto r =
      run({"generate", "--sim", "--image", "https://example.com/first.png", "--prompt", "a first try, offline"}, false);
  EXPECT_SUCCESS(r);
  EXPECT_NE(r.out.find("SIMULATED"), std::string::npos);
  EXPECT_NE(r.err.find("SIMULATED"), std::string::npos);
  std::string saved;
  for (const auto& entry : fs::directory_iterator(dir_))
    if (entry.path().extension() == ".mp4") saved = entry.path().string();
  ASSERT_FALSE(saved.empty());
  EXPECT_TRUE(is_complete_mp4(saved));
  EXPECT_NE(r.out.find(saved), std::string::npos) << "prints the path";
  EXPECT_NE(r.out.find("bytes"), std::string::npos) << "prints the size";
  EXPECT_NE(r.out.find("credits"), std::string::npos) << "prints the cost";
  if (const auto ffprobe = seedance::test_support::find_program("ffprobe")) {
    process_options o;
    o.args = {ffprobe->string(), "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_type", "-of",
              "csv=p=0",         saved};
    o.output_dir = dir_;
    const auto probe = seedance::test_support::run_process(o);
    EXPECT_EQ(probe.exit_code, 0) << probe.err;
    EXPECT_NE(probe.out.find("video"), std::string::npos) << probe.out;
  }
  // Every provider, JSON events labelled.
  for (provider_id p : all) {
    const auto j = run({"generate", "--sim", "--provider", name(p), "--prompt", "x", "--json", "-o", "s.mp4",
                        "--overwrite", "--poll-interval", "100ms"},
                       false);
    EXPECT_SUCCESS(j) << name(p);
    for (const auto& e : json_lines(j.out)) EXPECT_TRUE(e.at("simulated").as_bool());
  }
}

TEST_F(Cli, ProgressBarsOnATerminal) {
  auto o = cli_options({"generate", "--prompt", "[sim:slow] x", "-o", "tty.mp4"});
  const auto conn = at(provider_id::aihubmax);  // aihubmax reports progress percentages
  o.args.insert(o.args.end(), conn.begin(), conn.end());
  o.use_pty = true;
  o.set_env["TERM"] = "xterm";
  const auto r = seedance::test_support::run_process(o);
  EXPECT_SUCCESS(r);
  EXPECT_NE(r.out.find("\x1b[1A\x1b[2K"), std::string::npos) << "bars are redrawn in place";
  EXPECT_NE(r.out.find("] "), std::string::npos);
  EXPECT_NE(r.out.find("saved"), std::string::npos);
}

TEST_F(Cli, PlainLinesWhenNotATerminal) {
  const auto r = generate(provider_id::aihubmax, {"--prompt", "x", "-o", "p.mp4"});
  EXPECT_SUCCESS(r);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "no escape sequences in a pipe";
  EXPECT_NE(r.err.find("[p.mp4] "), std::string::npos) << r.err;
}

// ---- status, wait, cancel, download, estimate --------------------------------------------------------------

TEST_F(Cli, StatusWaitDownloadById) {
  for (provider_id p : all) {
    const auto made = generate(p, {"--prompt", "x", "--json", "-o", "made.mp4", "--overwrite"});
    EXPECT_SUCCESS(made);
    const auto id = task_id_of(made);
    std::vector<std::string> conn = at(p);
    auto with = [&](std::vector<std::string> args) {
      args.insert(args.end(), conn.begin(), conn.end());
      return run(args);
    };
    const auto status = with({"status", id});
    EXPECT_SUCCESS(status);
    EXPECT_NE(status.out.find("succeeded"), std::string::npos);
    EXPECT_NE(status.out.find("video"), std::string::npos);
    const auto waited = with({"wait", id, "-o", "waited.mp4", "--overwrite", "--deadline", "1m"});
    EXPECT_SUCCESS(waited);
    EXPECT_TRUE(is_complete_mp4(dir_ / "waited.mp4"));
    const auto by_id = with({"download", id, "-o", "by-id.mp4", "--overwrite"});
    EXPECT_SUCCESS(by_id);
    EXPECT_TRUE(is_complete_mp4(dir_ / "by-id.mp4"));
    const auto st = status_json(p, id);
    const std::string url(st.at("videos").as_array().at(0).as_string());
    const auto by_url = with({"download", url, "-o", "by-url.mp4", "--overwrite"});
    EXPECT_SUCCESS(by_url);
    EXPECT_TRUE(is_complete_mp4(dir_ / "by-url.mp4"));
  }
  EXPECT_EQ(run({"status", "task_does_not_exist", "--provider", "kinovi", "--base-url",
                 sim_->base_url(provider_id::kinovi), "--ca-file", ca_.string()})
                .exit_code,
            4);
}

TEST_F(Cli, CancelWhereTheProviderCan) {
  for (provider_id p : {provider_id::seedance2ink, provider_id::ark}) {
    // A task that waits forever, left running by a short deadline, then cancelled.
    const auto stalled = generate(p, {"--prompt", "[sim:stall] x", "--deadline", "1s", "--json"});
    EXPECT_EQ(stalled.exit_code, 5);
    const auto id = task_id_of(stalled);
    ASSERT_FALSE(id.empty());
    std::vector<std::string> args{"cancel", id};
    const auto conn = at(p);
    args.insert(args.end(), conn.begin(), conn.end());
    const auto r = run(args);
    if (p == provider_id::ark) {
      EXPECT_EQ(r.exit_code, 4) << "Ark refuses to cancel a running task\n" << r.err;
    } else {
      EXPECT_SUCCESS(r);
      EXPECT_NE(r.out.find("cancelled"), std::string::npos) << r.out;
    }
  }
  const auto kinovi = run({"cancel", "task_x", "--provider", "kinovi", "--base-url",
                           sim_->base_url(provider_id::kinovi), "--ca-file", ca_.string()});
  EXPECT_EQ(kinovi.exit_code, 2);
  EXPECT_NE(kinovi.err.find("no cancel endpoint"), std::string::npos);
}

TEST_F(Cli, EstimateSendsNothing) {
  const auto r = run({"estimate", "--provider", "kinovi", "--image", "https://example.com/a.png", "--prompt", "x",
                      "--resolution", "1080p", "--duration", "10"},
                     false);
  EXPECT_SUCCESS(r);
  EXPECT_NE(r.out.find("900 credits"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing was sent"), std::string::npos);
  const auto j = run({"estimate", "--provider", "ark", "--prompt", "x", "--json"}, false);
  EXPECT_SUCCESS(j);
  EXPECT_EQ(json_lines(j.out).at(0).at("cost").at("unit").as_string(), "tokens");
  EXPECT_EQ(run({"estimate", "--provider", "seedance2ink", "--ratio", "4:3", "--prompt", "x"}).exit_code, 2);
  EXPECT_EQ(sim_->count(request_kind::create), 0u);
}

// Kinovi API image-to-video, pricing: "| 1080p (default) | 83 cr/sec |"; Kinovi Image-to-Video model, pricing: "4s |
// 160 | $0.80" ($0.005 per credit). With no resolution the legacy estimate prices the documented default.
TEST_F(Cli, LegacyKinoviEstimateWithoutResolutionPricesTheDefault1080pInCreditsAndDollars) {
  const auto r = run({"estimate", "--legacy", "--image", "https://example.com/a.png", "--duration", "5"}, false);
  EXPECT_SUCCESS(r);
  EXPECT_NE(r.out.find("estimate    415 credits\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("$2.075"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("default 1080p"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("720p rate, 200 credits"), std::string::npos) << r.out;
  const auto j =
      run({"estimate", "--legacy", "--image", "https://example.com/a.png", "--duration", "5", "--json"}, false);
  EXPECT_SUCCESS(j);
  EXPECT_NE(j.out.find(R"("usd":{"amount":2.075,"unit":"usd")"), std::string::npos) << j.out;
  EXPECT_EQ(sim_->count(request_kind::create), 0u);
}

/// Every "amount" of `json_text` that is not written as a plain decimal number (e.g. Boost.JSON's `2E2`).
std::vector<std::string> amounts_not_plain(const std::string& json_text) {
  static const std::regex amount(R"re("amount":([^,}\]]*))re");
  static const std::regex plain(R"re(-?[0-9]+(\.[0-9]+)?)re");
  std::vector<std::string> bad;
  for (auto it = std::sregex_iterator(json_text.begin(), json_text.end(), amount); it != std::sregex_iterator(); ++it)
    if (!std::regex_match((*it)[1].str(), plain)) bad.push_back((*it)[1].str());
  return bad;
}

TEST_F(Cli, EstimateJsonWritesAmountsAsPlainNumbers) {
  // Boost.JSON alone writes the double 900 as 9E2 and 0.7623 as 7.623E-1.
  const auto kinovi =
      run({"estimate", "--provider", "kinovi", "--prompt", "x", "--resolution", "1080p", "--duration", "10", "--json"},
          false);
  EXPECT_SUCCESS(kinovi);
  EXPECT_NE(kinovi.out.find(R"("cost":{"amount":900,"unit":"credits")"), std::string::npos) << kinovi.out;
  EXPECT_TRUE(json_lines(kinovi.out).at(0).at("cost").at("amount").is_int64()) << kinovi.out;

  const auto ark = run({"estimate", "--provider", "ark", "--prompt", "x", "--resolution", "720p", "--ratio", "16:9",
                        "--duration", "5", "--json"},
                       false);
  EXPECT_SUCCESS(ark);
  EXPECT_EQ(amounts_not_plain(ark.out), std::vector<std::string>{}) << ark.out;
  // 1280x720 coded as 1280x720, 5 s: 108900 tokens; Seedance 2.0 at $7 per million tokens: $0.7623.
  EXPECT_NE(ark.out.find(R"("cost":{"amount":108900,"unit":"tokens")"), std::string::npos) << ark.out;
  EXPECT_NE(ark.out.find(R"("usd":{"amount":0.7623,"unit":"usd")"), std::string::npos) << ark.out;
  const auto e = json_lines(ark.out).at(0);
  EXPECT_DOUBLE_EQ(e.at("usd").at("amount").to_number<double>(),
                   e.at("cost").at("amount").to_number<double>() * 7.0 / 1e6);
  EXPECT_EQ(e.at("usd_basis").as_string(), "108900 tokens at $7 per million tokens");
  EXPECT_NE(std::string(e.at("basis").as_string()).find("per million tokens"), std::string::npos);

  // The same in generate's events: the task's cost as the provider reported it.
  const auto generated = generate(provider_id::kinovi, {"--prompt", "x", "--duration", "5", "--json", "-o", "n.mp4"});
  EXPECT_SUCCESS(generated);
  EXPECT_NE(generated.out.find(R"("amount":)"), std::string::npos) << generated.out;
  EXPECT_EQ(amounts_not_plain(generated.out), std::vector<std::string>{}) << generated.out;
}

TEST_F(Cli, EstimatePrintsTheDollarAmountWithItsBasis) {
  const auto r = run(
      {"estimate", "--provider", "ark", "--prompt", "x", "--resolution", "720p", "--ratio", "16:9", "--duration", "5"},
      false);
  EXPECT_SUCCESS(r);
  EXPECT_NE(r.out.find("estimate    108900 tokens\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("usd         $0.7623 (108900 tokens at $7 per million tokens)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("basis       "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("USD at the BytePlus list price of $7.0 per million tokens"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(nothing was sent)"), std::string::npos);
  // A raw model id has no published price: no dollar line, and the basis says why.
  const auto raw =
      run({"estimate", "--provider", "ark", "--model", "ep-20260101-abc", "--prompt", "x", "--duration", "5"}, false);
  EXPECT_SUCCESS(raw);
  EXPECT_EQ(raw.out.find("usd "), std::string::npos) << raw.out;
  EXPECT_NE(raw.out.find("USD price unknown"), std::string::npos) << raw.out;
}

TEST_F(Cli, ExitCodes) {
  EXPECT_EQ(generate(provider_id::kinovi, {"--prompt", "[sim:fail] x"}).exit_code, 1);
  EXPECT_EQ(run({"generate", "--ratio", "5:4"}).exit_code, 2);
  const auto closed =
      run({"generate", "--prompt", "x", "--base-url", "https://127.0.0.1:1/kinovi/api/v1", "--ca-file", ca_.string()});
  EXPECT_EQ(closed.exit_code, 4) << closed.err;
  const auto help = run({"--help"});
  EXPECT_SUCCESS(help);
  for (const char* code : {"0 ", "1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "130"})
    EXPECT_NE(help.out.find(std::string("  ") + code), std::string::npos) << code;
  for (const char* cmd : {"generate", "estimate", "status", "wait", "cancel", "download", "batch", "sim"}) {
    EXPECT_SUCCESS(run({"help", cmd}));
    const auto h = run({cmd, "--help"});
    EXPECT_SUCCESS(h);
    EXPECT_NE(h.out.find(std::string("seedance ") + cmd), std::string::npos) << cmd;
  }
  const auto version = run({"--version"});
  EXPECT_SUCCESS(version);
  EXPECT_EQ(version.out.rfind("seedance ", 0), 0u);
}

TEST_F(Cli, InterruptDuringAWaitExitsOneThirtyWithAResumeHint) {
  auto o = cli_options({"generate", "--prompt", "[sim:stall] x"});
  const auto conn = at(provider_id::kinovi);
  o.args.insert(o.args.end(), conn.begin(), conn.end());
  child_process child(o);
  for (int i = 0; i < 500 && sim_->count(provider_id::kinovi, request_kind::status) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  child.send(SIGINT);
  const auto r = child.wait();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("seedance wait "), std::string::npos) << r.err;
}

TEST_F(Cli, SimCommandServesUntilInterrupted) {
  auto o = cli_options({"sim", "--json", "--ca-out", (dir_ / "sim-ca.pem").string(), "--time-scale", "0.05"}, false);
  child_process server(o);
  std::string out;
  for (int i = 0; i < 1000 && out.find('\n') == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    out.clear();
    for (const auto& entry : fs::directory_iterator(dir_))
      if (entry.path().filename().string().rfind("stdout-", 0) == 0)
        out += seedance::test_support::read_file(entry.path());
  }
  ASSERT_NE(out.find('\n'), std::string::npos) << "the simulator prints where it listens";
  const auto listening = json_lines(out).at(0);
  const std::string kinovi(listening.at("base_urls").at("kinovi").as_string());
  auto client =
      cli_options({"generate", "--prompt", "x", "--base-url", kinovi, "--ca-file",
                   std::string(listening.at("ca_file").as_string()), "-o", "from-sim.mp4", "--poll-interval", "50ms"},
                  false);
  client.set_env["SEEDANCE_API_KEY"] = std::string(listening.at("api_key").as_string());
  EXPECT_SUCCESS(seedance::test_support::run_process(client));
  EXPECT_TRUE(is_complete_mp4(dir_ / "from-sim.mp4"));
  server.send(SIGINT);
  EXPECT_EQ(server.wait().exit_code, 0);
}

// ---- batch -----------------------------------------------------------------------------------------------------

std::string manifest_lines(int count, std::string_view prefix = "") {
  std::string text;
  for (int i = 1; i <= count; ++i)
    text += R"({"prompt": "clip )" + std::to_string(i) + R"(", "images": ["https://example.com/)" + std::to_string(i) +
            R"(.png"], "duration": 5, "output": ")" + std::string(prefix) + std::to_string(i) + ".mp4\"}\n";
  return text;
}

std::size_t mp4_count(const fs::path& dir) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".mp4" && is_complete_mp4(entry.path())) ++n;
  return n;
}

std::size_t journal_count(const fs::path& journal, std::string_view event) {
  std::ifstream in(journal);
  std::string line;
  std::size_t n = 0;
  const std::string needle = "\"event\":\"" + std::string(event) + "\"";
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos;
  return n;
}

TEST_F(Cli, BatchRunsAManifestAndARerunSkipsWhatIsDone) {
  std::ofstream(dir_ / "jobs.jsonl") << "# ten clips\n" << manifest_lines(10);
  std::vector<std::string> args{"batch", "jobs.jsonl", "--concurrency", "3", "--out-dir", "out"};
  const auto conn = at(provider_id::kinovi);
  args.insert(args.end(), conn.begin(), conn.end());
  const auto r = run(args);
  EXPECT_SUCCESS(r);
  EXPECT_EQ(mp4_count(dir_ / "out"), 10u);
  EXPECT_NE(r.out.find("10 succeeded"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cost:"), std::string::npos);
  EXPECT_LE(sim_->max_in_flight(provider_id::kinovi), 3u);
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 10u);

  const auto again = run(args);
  EXPECT_SUCCESS(again);
  EXPECT_NE(again.out.find("10 skipped"), std::string::npos) << again.out;
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 10u) << "nothing created twice";
}

TEST_F(Cli, BatchReportsEveryInvalidLineBeforeSendingAnything) {
  std::ofstream(dir_ / "bad.jsonl") << manifest_lines(2) << R"({"prompt": "x", "ratio": "4:3"})"
                                    << "\n"
                                    << "{not json\n"
                                    << R"({"prompt": "y", "colour": "red", "seed": "one"})"
                                    << "\n";
  std::vector<std::string> args{"batch", "bad.jsonl", "--out-dir", "out"};
  const auto conn = at(provider_id::seedance2ink);
  args.insert(args.end(), conn.begin(), conn.end());
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 3: ratio: seedance2.ink offers only 16:9, 9:16 and 1:1 (got 4:3)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("line 4: json:"), std::string::npos);
  EXPECT_NE(r.err.find("line 5: colour: unknown field"), std::string::npos);
  EXPECT_NE(r.err.find("line 5: seed: must be an integer"), std::string::npos);
  EXPECT_NE(r.err.find("nothing was sent"), std::string::npos);
  EXPECT_EQ(sim_->count(request_kind::create), 0u);
}

TEST_F(Cli, BatchFailedTasksAreListedAndNotResubmitted) {
  std::ofstream(dir_ / "jobs.jsonl") << manifest_lines(3)
                                     << R"({"prompt": "[sim:fail] doomed", "output": "doomed.mp4"})"
                                     << "\n";
  std::vector<std::string> args{"batch", "jobs.jsonl", "--out-dir", "out", "--json"};
  const auto conn = at(provider_id::ark);
  args.insert(args.end(), conn.begin(), conn.end());
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto summary = events(json_lines(r.out), "summary").at(0);
  EXPECT_EQ(summary.at("succeeded").to_number<int>(), 3);
  EXPECT_EQ(summary.at("failed").to_number<int>(), 1);
  EXPECT_EQ(summary.at("failed_jobs").as_array().at(0).at("line").to_number<int>(), 4);
  const auto again = run(args);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(sim_->creates(provider_id::ark), 4u) << "the failed task is reported again, not recreated";
}

TEST_F(Cli, BatchCreateWithUnknownOutcomeNeedsAttentionAndIsNeverResubmitted) {
  // The second create reaches the simulator (which creates the task) but the connection drops before the
  // answer: the client cannot know whether a task exists.
  sim_->fault_on_nth("/jobs/createTask", 2,
                     seedance::testing::fault{.kind = seedance::testing::fault_kind::drop_after_request});
  std::ofstream(dir_ / "jobs.jsonl") << manifest_lines(4);
  std::vector<std::string> args{"batch", "jobs.jsonl", "--concurrency", "1", "--out-dir", "out", "--json"};
  const auto conn = at(provider_id::kinovi);
  args.insert(args.end(), conn.begin(), conn.end());
  const auto first = run(args);
  EXPECT_EQ(first.exit_code, 6) << first.err;
  const auto attention = events(json_lines(first.out), "summary").at(0).at("attention_jobs").as_array();
  ASSERT_EQ(attention.size(), 1u);
  const auto line = attention.at(0).at("line").to_number<int>();
  EXPECT_NE(std::string(attention.at(0).at("message").as_string()).find("--resolve"), std::string::npos);
  EXPECT_EQ(mp4_count(dir_ / "out"), 3u);
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 4u);

  const auto second = run(args);  // still unknown: not resubmitted
  EXPECT_EQ(second.exit_code, 6);
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 4u);

  // The user looks at the provider and finds the task: the batch adopts it, waits and downloads.
  std::set<std::string> journaled;
  {
    std::ifstream in(dir_ / "jobs.jsonl.journal");
    std::string l;
    while (std::getline(in, l)) {
      const auto v = boost::json::parse(l).as_object();
      if (v.contains("task_id") && v.at("task_id").is_string())
        journaled.insert(std::string(v.at("task_id").as_string()));
    }
  }
  std::string orphan;
  for (const auto& entry : sim_->log())
    if (entry.kind == request_kind::create && !entry.task_id.empty() && !journaled.count(entry.task_id))
      orphan = entry.task_id;
  ASSERT_FALSE(orphan.empty());
  auto resolve = args;
  resolve.push_back("--resolve");
  resolve.push_back(std::to_string(line) + "=" + orphan);
  const auto third = run(resolve);
  EXPECT_SUCCESS(third);
  EXPECT_EQ(mp4_count(dir_ / "out"), 4u);
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 4u);
}

TEST_F(Cli, BatchInterruptedWithCtrlCResumesWithoutRecreating) {
  std::string text;
  for (int i = 1; i <= 4; ++i)
    text +=
        R"({"prompt": "[sim:slow] clip )" + std::to_string(i) + R"(", "output": "s)" + std::to_string(i) + ".mp4\"}\n";
  std::ofstream(dir_ / "slow.jsonl") << text;
  std::vector<std::string> args{"batch", "slow.jsonl", "--concurrency", "2", "--out-dir", "out"};
  const auto conn = at(provider_id::kinovi);
  args.insert(args.end(), conn.begin(), conn.end());
  {
    child_process first(cli_options(args));
    for (int i = 0; i < 1000 && journal_count(dir_ / "slow.jsonl.journal", "created") < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    first.send(SIGINT);
    const auto r = first.wait();
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_NE(r.out.find("run the same command again"), std::string::npos) << r.out;
  }
  const auto created = sim_->creates(provider_id::kinovi);
  EXPECT_EQ(created, journal_count(dir_ / "slow.jsonl.journal", "created"));
  const auto again = run(args);
  EXPECT_SUCCESS(again);
  EXPECT_EQ(mp4_count(dir_ / "out"), 4u);
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 4u);
}

// 200 jobs, 5 % of status requests, downloads and creates hit by faults, the batch killed with SIGKILL halfway
// and run again: every video arrives and no task is created twice.
TEST_F(Cli, BatchOfTwoHundredSurvivesFaultsAndKillNine) {
  using seedance::testing::fault;
  using seedance::testing::fault_kind;
  sim_->fault_with_probability("/jobs/recordInfo", 0.02, fault{.kind = fault_kind::http_error, .status = 503});
  sim_->fault_with_probability("/jobs/recordInfo", 0.02, fault{.kind = fault_kind::drop_before_request});
  sim_->fault_with_probability("/jobs/recordInfo", 0.01, fault{.kind = fault_kind::close_mid_body, .bytes = 8});
  sim_->fault_with_probability("/files/", 0.03, fault{.kind = fault_kind::close_mid_body, .bytes = 2048});
  sim_->fault_with_probability("/files/", 0.02, fault{.kind = fault_kind::http_error, .status = 502});
  sim_->fault_with_probability("/jobs/createTask", 0.05,
                               fault{.kind = fault_kind::rate_limit, .retry_after = std::chrono::seconds(0)});
  constexpr int jobs = 200;
  std::ofstream(dir_ / "big.jsonl") << manifest_lines(jobs, "clip-");
  std::vector<std::string> args{"batch", "big.jsonl", "--concurrency", "5", "--out-dir", "out"};
  const auto conn = at(provider_id::kinovi);
  args.insert(args.end(), conn.begin(), conn.end());
  const auto journal = dir_ / "big.jsonl.journal";

  {
    child_process first(cli_options(args));
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (!first.poll() && journal_count(journal, "downloaded") < jobs / 2 &&
           std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    first.send(SIGKILL);
    const auto killed = first.wait();
    EXPECT_EQ(killed.signal, SIGKILL) << "the batch must still be running halfway";
  }
  const auto created_before = sim_->creates(provider_id::kinovi);
  EXPECT_LT(mp4_count(dir_ / "out"), static_cast<std::size_t>(jobs));

  // Run again (as often as a fault leaves something to retry), settling any job the kill left in doubt the
  // way a user would: adopt the task the provider shows, or confirm that none exists.
  process_result last;
  std::vector<std::string> resolutions;
  int reruns = 0, settled = 0;
  for (int round = 0; round < 4; ++round) {
    ++reruns;
    auto rerun = cli_options(args);
    rerun.args.push_back("--json");
    rerun.args.insert(rerun.args.end(), resolutions.begin(), resolutions.end());
    resolutions.clear();
    last = seedance::test_support::run_process(rerun);
    if (last.exit_code == 0) break;
    const auto summary = events(json_lines(last.out), "summary");
    ASSERT_EQ(summary.size(), 1u) << last.err;
    std::set<std::string> journaled;
    {
      std::ifstream in(journal);
      std::string l;
      while (std::getline(in, l)) {
        boost::system::error_code ec;
        const auto v = boost::json::parse(l, ec);
        if (!ec && v.is_object() && v.as_object().contains("task_id") && v.at("task_id").is_string())
          journaled.insert(std::string(v.at("task_id").as_string()));
      }
    }
    std::vector<std::string> orphans;
    for (const auto& entry : sim_->log())
      if (entry.kind == request_kind::create && !entry.task_id.empty() && !journaled.count(entry.task_id))
        orphans.push_back(entry.task_id);
    for (const auto& job : summary[0].at("attention_jobs").as_array()) {
      ++settled;
      resolutions.push_back("--resolve");
      const auto line = std::to_string(job.at("line").to_number<int>());
      if (!orphans.empty()) {
        resolutions.push_back(line + "=" + orphans.back());
        orphans.pop_back();
      } else {
        resolutions.push_back(line + "=none");
      }
    }
  }
  std::cout << "[   info   ] " << created_before << " tasks created before SIGKILL; " << reruns << " rerun(s); "
            << settled << " job(s) settled with --resolve\n";
  EXPECT_EQ(last.exit_code, 0) << last.err.substr(0, 4000);
  EXPECT_EQ(mp4_count(dir_ / "out"), static_cast<std::size_t>(jobs));
  EXPECT_EQ(sim_->creates(provider_id::kinovi), static_cast<std::size_t>(jobs))
      << "created before the kill: " << created_before;
  EXPECT_LE(sim_->max_in_flight(provider_id::kinovi), 5u);
}

// Kinovi's error table: "429 Concurrency limit exceeded - too many tasks in progress, wait for some to complete".
// An account allowing 2 tasks in progress, tasks of 20 s of simulated time, a plain 429 body without `limit`:
// six lines at --concurrency 6 all finish, with six creates and no failed line (the refused creates are held).
// A task lasts longer than a create's own retries (4 tries within about 4 s): a create that gave up on the 429
// instead of being held would show as a create_failed event in the journal.
TEST_F(Cli, BatchOnAnAccountOfTwoTasksInProgressFinishesEveryLine) {
  seedance::testing::simulator_options so;
  so.time_scale = 0.3;
  so.run_time = std::chrono::seconds(20);  // 6 s at this scale
  so.kinovi.concurrency = 2;
  so.kinovi.concurrency_429_names_limit = false;
  sim_ = std::make_unique<seedance::testing::simulator>(so);
  std::ofstream(ca_) << sim_->ca_pem();
  std::ofstream(dir_ / "six.jsonl") << manifest_lines(6);
  std::vector<std::string> args{"batch", "six.jsonl", "--concurrency", "6", "--out-dir", "out", "--json"};
  const auto conn = at(provider_id::kinovi);
  args.insert(args.end(), conn.begin(), conn.end());
  const auto r = run(args);
  EXPECT_SUCCESS(r);
  EXPECT_EQ(mp4_count(dir_ / "out"), 6u);
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 6u);
  EXPECT_LE(sim_->max_in_flight(provider_id::kinovi), 2u);
  EXPECT_GE(sim_->count(provider_id::kinovi, request_kind::create), 10u) << "at least four creates met the limit";
  const auto summary = events(json_lines(r.out), "summary").at(0);
  EXPECT_EQ(summary.at("succeeded").to_number<int>(), 6) << boost::json::serialize(summary);
  EXPECT_EQ(summary.at("failed").to_number<int>(), 0);
  EXPECT_TRUE(summary.at("failed_jobs").as_array().empty());
  EXPECT_EQ(journal_count(dir_ / "six.jsonl.journal", "create_failed"), 0u) << "no create was given up";
}

}  // namespace

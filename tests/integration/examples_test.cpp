// Every example program, built by the build system, run against the simulator over real TLS on 127.0.0.1: the
// test points it there with SEEDANCE_BASE_URL, SEEDANCE_CA_FILE and SEEDANCE_API_KEY and checks the videos it
// saves. The README snippets are run the same way.
#include <seedance/testing/simulator.hpp>

#include <support/subprocess.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using seedance::provider_id;
using seedance::test_support::is_complete_mp4;
using seedance::testing::request_kind;

/// The directory holding the built examples (CMake passes it; meson builds them beside the tests' directory).
fs::path examples_dir() {
#ifdef SEEDANCE_EXAMPLES_DIR
  if (fs::exists(fs::path(SEEDANCE_EXAMPLES_DIR) / "first_frame")) return SEEDANCE_EXAMPLES_DIR;
#endif
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(self.parent_path().parent_path() / "examples" / "first_frame"))
    return self.parent_path().parent_path() / "examples";
  return {};
}

class Examples : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = examples_dir();
    if (bin_.empty()) GTEST_SKIP() << "the examples were not built";
    dir_ = fs::temp_directory_path() / ("seedance-examples-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    seedance::testing::simulator_options so;
    so.time_scale = 0.05;
    sim_ = std::make_unique<seedance::testing::simulator>(so);
    ca_ = dir_ / "ca.pem";
    std::ofstream(ca_) << sim_->ca_pem();
  }
  void TearDown() override {
    sim_.reset();
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }

  /// Runs example `name` against provider `p` of the simulator, in the test's directory.
  seedance::test_support::process_result run(const std::string& name, provider_id p,
                                             std::vector<std::string> args = {}) {
    seedance::test_support::process_options o;
    o.args = {(bin_ / name).string()};
    o.args.insert(o.args.end(), args.begin(), args.end());
    o.unset_env = {"KINOVI_API_KEY", "AIHUBMAX_API_KEY", "SEEDANCE2INK_API_KEY", "ARK_API_KEY"};
    o.set_env = {{"SEEDANCE_BASE_URL", sim_->base_url(p)},
                 {"SEEDANCE_CA_FILE", ca_.string()},
                 {"SEEDANCE_API_KEY", sim_->api_key()},
                 {"SEEDANCE_SIM_ORIGIN", sim_->origin()}};
    o.cwd = dir_;
    o.output_dir = dir_;
    o.timeout = std::chrono::minutes(2);
    return seedance::test_support::run_process(o);
  }

  fs::path bin_, dir_, ca_;
  std::unique_ptr<seedance::testing::simulator> sim_;
};

#define EXPECT_RAN(r) EXPECT_EQ((r).exit_code, 0) << "stdout:\n" << (r).out << "\nstderr:\n" << (r).err

TEST_F(Examples, FirstFrame) {
  const auto r = run("first_frame", provider_id::kinovi);
  EXPECT_RAN(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / "first_frame.mp4"));
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 1u);
}

TEST_F(Examples, FirstLastFrame) {
  const auto r = run("first_last_frame", provider_id::ark, {"morph.mp4"});
  EXPECT_RAN(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / "morph.mp4"));
  EXPECT_NE(r.out.find("tokens"), std::string::npos);
}

TEST_F(Examples, OmniReference) {
  const auto r = run("omni_reference", provider_id::aihubmax);
  EXPECT_RAN(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / "omni_reference.mp4"));
  EXPECT_NE(r.out.find("succeeded"), std::string::npos) << "progress is shown";
}

TEST_F(Examples, TextToVideo) {
  const auto r = run("text_to_video", provider_id::seedance2ink);
  EXPECT_RAN(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / "text_to_video.mp4"));
  EXPECT_NE(r.out.find("estimate: 40"), std::string::npos) << r.out;
}

TEST_F(Examples, WebhookServiceWaitsWithoutPolling) {
  const auto r = run("webhook_service", provider_id::kinovi);
  EXPECT_RAN(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / "webhook_service.mp4"));
  EXPECT_NE(r.out.find("callback:"), std::string::npos);
  // No timer-driven polls: every status request follows a callback (which wait() re-checks by id).
  const auto webhooks = sim_->count(provider_id::kinovi, request_kind::webhook);
  EXPECT_GE(webhooks, 1u);
  EXPECT_LE(sim_->count(provider_id::kinovi, request_kind::status), webhooks);
}

TEST_F(Examples, EngineFrameLoop) {
  const auto r = run("engine_frame_loop", provider_id::kinovi, {"3"});
  EXPECT_RAN(r);
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(is_complete_mp4(dir_ / ("engine_clip-" + std::to_string(i) + ".mp4"))) << i;
  EXPECT_EQ(sim_->creates(provider_id::kinovi), 3u) << "the service went to SEEDANCE_BASE_URL";
  EXPECT_NE(r.out.find("frame "), std::string::npos);
  EXPECT_NE(r.out.find("job 3 done: engine_clip-3.mp4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 of 3 clips made"), std::string::npos) << r.out;
}

TEST_F(Examples, BatchWithLimit) {
  const auto r = run("batch_with_limit", provider_id::kinovi, {dir_.string()});
  EXPECT_RAN(r);
  for (int i = 1; i <= 5; ++i) EXPECT_TRUE(is_complete_mp4(dir_ / ("clip-" + std::to_string(i) + ".mp4"))) << i;
  EXPECT_LE(sim_->max_in_flight(provider_id::kinovi), 2u) << "max_in_flight = 2";
  EXPECT_NE(r.out.find("5 of 5 clips made"), std::string::npos);
}

TEST_F(Examples, ReadmeSnippetsRun) {
  const auto r = run("readme_snippets", provider_id::kinovi);
  EXPECT_RAN(r);
  EXPECT_TRUE(is_complete_mp4(dir_ / "clip.mp4"));
  EXPECT_TRUE(is_complete_mp4(dir_ / "later.mp4"));
  EXPECT_NE(r.out.find("ready: https://"), std::string::npos) << "the token form completed";
  EXPECT_NE(r.out.find("is cancelled"), std::string::npos) << "cancel ran";
  EXPECT_NE(r.err.find("ratio: Kinovi"), std::string::npos) << "the invalid request was explained";
}

}  // namespace

// `seedance batch` before anything is sent: prepare_batch() reads the manifest and the journal, applies --resolve
// and decides each job's plan. batch.hpp is included first and alone: it stands without commands.hpp (the two
// headers used to include each other).
#include <cli/batch.hpp>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using seedance_cli::batch_job;
using seedance_cli::batch_plan;
using seedance_cli::command_failure;
using seedance_cli::options;
using seedance_cli::prepare_batch;

class CliBatchPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("seedance_cli_batch_plan_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    o_.manifest = (dir_ / "jobs.jsonl").string();
    o_.journal = (dir_ / "jobs.jsonl.journal").string();
    o_.out_dir = (dir_ / "out").string();
    o_.conn.provider = seedance::provider_id::kinovi;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::trunc) << text; }

  std::optional<batch_plan> prepare() {
    seedance_cli::terminal term{out_, err_};
    return prepare_batch(o_, term, seedance::provider_options{});
  }

  static const batch_job& job(const batch_plan& p, const std::string& key) {
    for (const auto& j : p.jobs)
      if (j.spec.key == key) return j;
    throw std::runtime_error("no job " + key);
  }

  fs::path dir_;
  options o_;
  std::ostringstream out_, err_;
};

TEST_F(CliBatchPlan, JournalAndResolveDecideEachJob) {
  write(o_.manifest,
        "{\"prompt\":\"one\",\"output\":\"a.mp4\"}\n"
        "{\"prompt\":\"two\",\"output\":\"b.mp4\"}\n"
        "{\"prompt\":\"three\",\"output\":\"c.mp4\"}\n");
  write(o_.journal,
        "{\"event\":\"created\",\"job\":\"a.mp4\",\"task_id\":\"t1\"}\n"
        "{\"event\":\"submitting\",\"job\":\"b.mp4\"}\n");  // died mid-create
  o_.resolutions = {{"2", "t2"}};                           // the user found task t2 in the provider's list
  const auto plan = prepare();
  ASSERT_TRUE(plan.has_value()) << err_.str();
  ASSERT_EQ(plan->jobs.size(), 3u);
  EXPECT_EQ(job(*plan, "a.mp4").todo, batch_job::plan::wait);
  EXPECT_EQ(job(*plan, "a.mp4").history.task_id, "t1");
  EXPECT_EQ(job(*plan, "b.mp4").todo, batch_job::plan::wait);
  EXPECT_EQ(job(*plan, "b.mp4").history.task_id, "t2");
  EXPECT_EQ(job(*plan, "c.mp4").todo, batch_job::plan::submit);
  ASSERT_EQ(plan->resolutions.size(), 1u);
  EXPECT_EQ(plan->resolutions[0].at("job").as_string(), "b.mp4");
  EXPECT_EQ(plan->resolutions[0].at("task_id").as_string(), "t2");
  EXPECT_TRUE(fs::is_directory(o_.out_dir));
  EXPECT_TRUE(out_.str().empty());
}

TEST_F(CliBatchPlan, WithoutResolveAnUnknownCreateNeedsAttention) {
  write(o_.manifest, "{\"prompt\":\"two\",\"output\":\"b.mp4\"}\n");
  write(o_.journal, "{\"event\":\"submitting\",\"job\":\"b.mp4\"}\n");
  const auto plan = prepare();
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(job(*plan, "b.mp4").todo, batch_job::plan::attention);
  EXPECT_NE(job(*plan, "b.mp4").message.find("--resolve 1=TASK_ID"), std::string::npos) << job(*plan, "b.mp4").message;
}

TEST_F(CliBatchPlan, EveryManifestProblemIsReportedAndNothingIsPlanned) {
  write(o_.manifest,
        "{\"prompt\":\"ok\"}\n"
        "{\"prompt\":\"x\",\"ratio\":\"5:4\"}\n"
        "{\"prompt\":\"y\",\"duration\":99}\n");
  o_.json = true;
  EXPECT_FALSE(prepare().has_value());
  EXPECT_NE(err_.str().find("line 2: ratio"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("line 3: duration"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("nothing was sent"), std::string::npos);
  std::istringstream lines(out_.str());
  std::vector<std::size_t> reported;
  for (std::string line; std::getline(lines, line);) {
    const auto event = boost::json::parse(line).as_object();
    EXPECT_EQ(event.at("event").as_string(), "error");
    EXPECT_EQ(event.at("code").as_string(), "invalid_request");
    reported.push_back(static_cast<std::size_t>(event.at("line").to_number<std::int64_t>()));
  }
  EXPECT_EQ(reported, (std::vector<std::size_t>{2, 3}));
  EXPECT_FALSE(fs::exists(o_.out_dir)) << "nothing is created for a manifest with problems";
}

TEST_F(CliBatchPlan, ResolveOfAJobThatNeedsNoAttentionIsAUsageError) {
  write(o_.manifest, "{\"prompt\":\"one\",\"output\":\"a.mp4\"}\n");
  write(o_.journal, "{\"event\":\"created\",\"job\":\"a.mp4\",\"task_id\":\"t1\"}\n");
  o_.resolutions = {{"a.mp4", "none"}};
  try {
    (void)prepare();
    ADD_FAILURE() << "expected a command_failure";
  } catch (const command_failure& f) {
    EXPECT_EQ(f.code, seedance_cli::exit_code::usage);
    EXPECT_NE(f.message.find("does not need attention (journal: created)"), std::string::npos) << f.message;
  }
  o_.resolutions = {{"7", "t7"}};
  EXPECT_THROW((void)prepare(), command_failure);
}

TEST_F(CliBatchPlan, AMissingManifestIsAUsageError) {
  try {
    (void)prepare();
    ADD_FAILURE() << "expected a command_failure";
  } catch (const command_failure& f) {
    EXPECT_EQ(f.code, seedance_cli::exit_code::usage);
    EXPECT_NE(f.message.find("does not exist"), std::string::npos) << f.message;
  }
}

}  // namespace

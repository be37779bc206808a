// The job state machine of <seedance/jobs/job.hpp>: which moves are legal, what apply() writes, the request's
// stored JSON form.
#include <seedance/jobs/job.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace {

namespace sj = seedance::jobs;
using sj::job_state;

TEST(JobState, LegalMovesAreExactlyTheDrawnOnes) {
  using enum job_state;
  const std::set<std::pair<job_state, job_state>> legal = {
      {intent, creating},          {creating, created},        {creating, failed},        {creating, intent},
      {creating, outcome_unknown}, {created, succeeded},       {created, failed},         {created, cancelled},
      {succeeded, downloaded},     {outcome_unknown, created}, {outcome_unknown, intent},
  };
  for (job_state from : sj::all_job_states)
    for (job_state to : sj::all_job_states)
      EXPECT_EQ(sj::next_state_allowed(from, to), legal.contains({from, to}))
          << sj::to_string(from) << " -> " << sj::to_string(to);
}

TEST(JobState, NoWayBackToIntentOrCreatingOnceATaskMayExist) {
  // Resubmitting needs intent -> creating; only a provably task-less state (a refused create) or an explicit
  // resolve of outcome_unknown leads back to intent.
  for (job_state from :
       {job_state::created, job_state::succeeded, job_state::failed, job_state::cancelled, job_state::downloaded}) {
    EXPECT_FALSE(sj::next_state_allowed(from, job_state::intent)) << sj::to_string(from);
    EXPECT_FALSE(sj::next_state_allowed(from, job_state::creating)) << sj::to_string(from);
  }
  EXPECT_FALSE(sj::next_state_allowed(job_state::outcome_unknown, job_state::creating));
}

TEST(JobState, NamesRoundTrip) {
  for (job_state s : sj::all_job_states) {
    EXPECT_EQ(sj::parse_job_state(sj::to_string(s)), s);
    EXPECT_EQ(sj::job_state_from_int(static_cast<std::int64_t>(s)), s);
  }
  EXPECT_FALSE(sj::parse_job_state("done"));
  EXPECT_FALSE(sj::job_state_from_int(8));
  EXPECT_FALSE(sj::job_state_from_int(-1));
}

TEST(JobState, FinalAndWorkSetsPartitionTheStates) {
  for (job_state s : sj::all_job_states) {
    const int kinds = int(sj::is_final(s)) + int(sj::needs_work(s)) + int(s == job_state::outcome_unknown);
    EXPECT_EQ(kinds, 1) << sj::to_string(s);
  }
}

TEST(JobApply, BumpsTheVersionAndKeepsTheTaskId) {
  sj::job j;
  j.key = "shot-1";
  j.path = "/tmp/shot-1.mp4";
  j.version = 1;
  auto creating = sj::apply(j, job_state::creating);
  EXPECT_EQ(creating.version, 2);
  sj::transition_data d;
  d.task_id = "task_42";
  auto created = sj::apply(creating, job_state::created, d);
  EXPECT_EQ(created.task_id, "task_42");
  EXPECT_EQ(created.version, 3);
  sj::transition_data url;
  url.video_url = "https://127.0.0.1/files/x.mp4";
  auto succeeded = sj::apply(created, job_state::succeeded, url);
  EXPECT_EQ(succeeded.task_id, "task_42");
  EXPECT_EQ(succeeded.video_url, url.video_url);
  sj::transition_data bytes;
  bytes.bytes = 1234;
  auto downloaded = sj::apply(succeeded, job_state::downloaded, bytes);
  EXPECT_EQ(downloaded.bytes, 1234u);
  EXPECT_EQ(downloaded.state, job_state::downloaded);
}

TEST(JobApply, RefusesIllegalMovesNamingBothStates) {
  sj::job j;
  j.key = "k";
  j.state = job_state::created;
  j.task_id = "t";
  try {
    sj::apply(j, job_state::creating);
    FAIL() << "expected invalid_request";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), seedance::errc::invalid_request);
    EXPECT_NE(std::string(e.what()).find("from created to creating"), std::string::npos) << e.what();
  }
}

TEST(JobApply, CreatedNeedsATaskId) {
  sj::job j;
  j.key = "k";
  j.state = job_state::creating;
  EXPECT_THROW(sj::apply(j, job_state::created), seedance::error);
}

TEST(JobResolve, OutcomeUnknownGoesToCreatedOrBackToIntent) {
  sj::job j;
  j.key = "k";
  j.state = job_state::outcome_unknown;
  j.version = 5;
  auto with_task = sj::resolved(j, std::string("task_9"));
  EXPECT_EQ(with_task.state, job_state::created);
  EXPECT_EQ(with_task.task_id, "task_9");
  EXPECT_EQ(with_task.version, 6);
  auto none = sj::resolved(j, std::nullopt);
  EXPECT_EQ(none.state, job_state::intent);
  EXPECT_TRUE(none.task_id.empty());
  j.state = job_state::created;
  EXPECT_THROW(sj::resolved(j, std::nullopt), seedance::error);
}

TEST(JobKey, RulesNameTheField) {
  EXPECT_NO_THROW(sj::check_key("shot-001.mp4"));
  for (const std::string& bad :
       {std::string(), std::string("has space"), std::string(201, 'k'), std::string("tab\t")}) {
    try {
      sj::check_key(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const seedance::error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("key: ", 0), 0u) << e.what();
    }
  }
}

TEST(JobRequestJson, RoundTripsEveryField) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.model_id = "ep-123";
  r.prompt = "a kite over \"dunes\"\n";
  r.images = {"https://a/1.png", "https://a/2.png"};
  r.videos = {"https://a/v.mp4"};
  r.audios = {"https://a/a.mp3"};
  r.mode = seedance::generation_mode::reference;
  r.ratio = seedance::aspect_ratio::r21_9;
  r.resolution = seedance::resolution::p1080;
  r.duration = seedance::duration{7};
  r.seed = 42;
  r.generate_audio = false;
  r.upscale_4k = true;
  r.callback_url = "https://hooks.example/cb";
  r.watermark = true;
  r.return_last_frame = true;
  r.expires_after = std::chrono::seconds(7200);
  r.camera_fixed = false;
  r.high_bitrate = true;
  r.metadata["shot"] = 12;
  r.extra["x"] = "y";
  const std::string text = sj::request_to_json(r);
  const seedance::request back = sj::request_from_json(text);
  EXPECT_EQ(sj::request_to_json(back), text);
  EXPECT_EQ(back.prompt, r.prompt);
  EXPECT_EQ(back.images, r.images);
  EXPECT_EQ(back.duration, r.duration);
  EXPECT_EQ(back.seed, r.seed);
  EXPECT_EQ(back.metadata, r.metadata);
  EXPECT_EQ(back.expires_after, r.expires_after);
}

TEST(JobRequestJson, NamesTheBrokenField) {
  try {
    sj::request_from_json(R"({"prompt":"x","ratio":"7:5"})");
    FAIL();
  } catch (const seedance::error& e) {
    EXPECT_NE(std::string(e.what()).find("request_json.ratio"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sj::request_from_json("[1]"), seedance::error);
  EXPECT_THROW(sj::request_from_json(R"({"images":"one"})"), seedance::error);
}

}  // namespace

// `seedance batch` building blocks: the manifest (every problem with line, field and rule, before anything is
// sent) and the journal (replay after a crash, torn last line, exactly-once decisions).
#include <cli/journal.hpp>
#include <cli/manifest.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using seedance::provider_id;
using seedance_cli::job_phase;
using seedance_cli::parse_manifest;
using seedance_cli::replay_journal;

std::vector<std::string> described(const seedance_cli::manifest& m) {
  std::vector<std::string> out;
  for (const auto& p : m.problems) out.push_back(seedance_cli::describe(p));
  return out;
}

TEST(CliManifest, ParsesEveryField) {
  const auto m = parse_manifest(
      R"({"prompt":"a kite","images":["https://e.com/a.png"],"model":"seedance-2.0-fast","ratio":"9:16",)"
      R"("resolution":"480p","duration":6,"seed":7,"generate_audio":false,"output":"kite.mp4"})"
      "\n\n# a comment\n"
      R"({"prompt":"@image1 and @video1","images":["https://e.com/a.png"],"videos":["https://e.com/v.mp4"],)"
      R"("audios":["https://e.com/a.mp3"],"duration":"auto","model":"ep-123"})"
      "\n",
      provider_id::ark);
  ASSERT_TRUE(m.problems.empty()) << described(m).front();
  ASSERT_EQ(m.jobs.size(), 2u);
  const auto& a = m.jobs[0];
  EXPECT_EQ(a.line, 1u);
  EXPECT_EQ(a.key, "kite.mp4");
  EXPECT_EQ(a.req.model, seedance::model::seedance_2_0_fast);
  EXPECT_EQ(a.req.ratio, seedance::aspect_ratio::r9_16);
  EXPECT_EQ(a.req.resolution, seedance::resolution::p480);
  EXPECT_EQ(a.req.duration, std::chrono::seconds(6));
  EXPECT_EQ(a.req.seed, 7);
  EXPECT_EQ(a.req.generate_audio, false);
  EXPECT_EQ(a.fingerprint.size(), 16u);
  const auto& b = m.jobs[1];
  EXPECT_EQ(b.line, 4u);
  EXPECT_EQ(b.key, "line-4.mp4");
  EXPECT_EQ(b.req.model_id, "ep-123");
  EXPECT_EQ(b.req.duration, seedance::auto_duration);
  EXPECT_EQ(seedance::deduce_mode(b.req), seedance::generation_mode::reference);
  EXPECT_NE(a.fingerprint, b.fingerprint);
}

TEST(CliManifest, ReportsEveryProblemWithLineFieldAndRule) {
  const auto m = parse_manifest(
      "{\"prompt\":\"ok\",\"images\":[\"https://e.com/a.png\"]}\n"
      "not json\n"
      "{\"prompt\":\"x\",\"ratio\":\"5:4\",\"seed\":\"nine\",\"colour\":1}\n"
      "{\"prompt\":\"x\",\"images\":[\"https://e.com/a.png\"],\"ratio\":\"4:3\"}\n"
      "{\"prompt\":\"x\",\"images\":\"https://e.com/a.png\"}\n"
      "{\"prompt\":\"x\",\"output\":\"../escape.mp4\"}\n"
      "{\"prompt\":\"y\",\"output\":\"line-1.mp4\"}\n",
      provider_id::seedance2ink);
  const auto d = described(m);
  ASSERT_GE(d.size(), 7u);
  const auto has = [&](const std::string& text) {
    for (const auto& s : d)
      if (s.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("line 2: json: must be one JSON object per line"));
  EXPECT_TRUE(has("line 3: ratio: must be 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive (got 5:4)"));
  EXPECT_TRUE(has("line 3: seed: must be an integer"));
  EXPECT_TRUE(has("line 3: colour: unknown field"));
  EXPECT_TRUE(has("line 4: ratio: seedance2.ink offers only 16:9, 9:16 and 1:1 (got 4:3)"));
  EXPECT_TRUE(has("line 5: images: must be an array of URL strings"));
  EXPECT_TRUE(has("line 6: output: must be a plain file name"));
  EXPECT_TRUE(has("line 7: output: the same output name as line 1"));
  EXPECT_EQ(m.jobs.size(), 1u);
}

TEST(CliManifest, EmptyManifestIsAProblem) {
  const auto m = parse_manifest("\n# nothing\n", provider_id::kinovi);
  ASSERT_EQ(m.problems.size(), 1u);
  EXPECT_EQ(seedance_cli::describe(m.problems[0]), "manifest: has no requests (one JSON object per line)");
}

TEST(CliManifest, FingerprintFollowsContentNotFormatting) {
  const auto a = parse_manifest("{\"prompt\":\"x\", \"duration\":5}\n", provider_id::kinovi);
  const auto b = parse_manifest("{\"duration\":\"5s\",\"prompt\":\"x\"}\n", provider_id::kinovi);
  const auto c = parse_manifest("{\"duration\":6,\"prompt\":\"x\"}\n", provider_id::kinovi);
  ASSERT_EQ(a.jobs.size(), 1u);
  ASSERT_EQ(b.jobs.size(), 1u);
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_EQ(a.jobs[0].fingerprint, b.jobs[0].fingerprint);
  EXPECT_NE(a.jobs[0].fingerprint, c.jobs[0].fingerprint);
}

TEST(CliJournal, ReplayFollowsEachJobToItsLatestState) {
  const auto s = replay_journal(
      R"({"event":"batch","provider":"kinovi"})"
      "\n"
      R"({"event":"submitting","job":"a.mp4","fingerprint":"f1"})"
      "\n"
      R"({"event":"created","job":"a.mp4","task_id":"t1","cost":{"amount":40,"unit":"credits","estimated":true}})"
      "\n"
      R"({"event":"submitting","job":"b.mp4","fingerprint":"f2"})"
      "\n"
      R"({"event":"submitting","job":"c.mp4","fingerprint":"f3"})"
      "\n"
      R"({"event":"create_failed","job":"c.mp4","code":"rate_limited","error":"429"})"
      "\n"
      R"({"event":"succeeded","job":"a.mp4","task_id":"t1"})"
      "\n"
      R"({"event":"downloaded","job":"a.mp4","task_id":"t1","path":"out/a.mp4","bytes":1234})"
      "\n"
      R"({"event":"submitting","job":"d.mp4"})"
      "\n"
      R"({"event":"create_unknown","job":"d.mp4","code":"outcome_unknown","error":"reset"})"
      "\n"
      R"({"event":"submitting","job":"e.mp4"})"
      "\n"
      R"({"event":"created","job":"e.mp4","task_id":"t5"})"
      "\n"
      R"({"event":"failed","job":"e.mp4","task_id":"t5","code":"task_failed","error":"moderation"})"
      "\n"
      R"({"event":"submitting","job":"f.mp4"})"
      "\n"
      R"({"event":"resolved","job":"f.mp4","task_id":"t6"})"
      "\n"
      R"({"event":"submitting","job":"g.mp4"})"
      "\n"
      R"({"event":"resolved","job":"g.mp4","task_id":null})"
      "\n"
      R"({"event":"submitting","job":"h.mp4","finger)");  // torn by a crash mid-write
  EXPECT_EQ(s.ignored_lines, 1u);
  EXPECT_EQ(s.jobs.at("a.mp4").phase, job_phase::downloaded);
  EXPECT_EQ(s.jobs.at("a.mp4").task_id, "t1");
  EXPECT_EQ(s.jobs.at("a.mp4").bytes, 1234u);
  ASSERT_TRUE(s.jobs.at("a.mp4").cost.has_value());
  EXPECT_DOUBLE_EQ(s.jobs.at("a.mp4").cost->amount, 40);
  EXPECT_EQ(s.jobs.at("b.mp4").phase, job_phase::submitting);  // died mid-create: needs attention
  EXPECT_EQ(s.jobs.at("b.mp4").fingerprint, "f2");
  EXPECT_EQ(s.jobs.at("c.mp4").phase, job_phase::create_failed);
  EXPECT_EQ(s.jobs.at("d.mp4").phase, job_phase::create_unknown);
  EXPECT_EQ(s.jobs.at("e.mp4").phase, job_phase::failed);
  EXPECT_EQ(s.jobs.at("e.mp4").error, "moderation");
  EXPECT_EQ(s.jobs.at("f.mp4").phase, job_phase::created);
  EXPECT_EQ(s.jobs.at("f.mp4").task_id, "t6");
  EXPECT_EQ(s.jobs.at("g.mp4").phase, job_phase::fresh);
  EXPECT_EQ(s.jobs.count("h.mp4"), 0u);  // the torn record never led to a send
}

TEST(CliJournal, WriterAppendsCompleteLinesAndRepairsATornTail) {
  const auto dir = std::filesystem::temp_directory_path() / ("seedance_cli_journal_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = dir / "j.journal";
  {
    seedance_cli::journal_writer w(path);
    w.append({{"event", "submitting"}, {"job", "a.mp4"}});
    w.append({{"event", "created"}, {"job", "a.mp4"}, {"task_id", "t1"}});
  }
  {
    std::ofstream torn(path, std::ios::app);
    torn << R"({"event":"submitting","jo)";
  }
  {
    seedance_cli::journal_writer w(path);
    w.append({{"event", "succeeded"}, {"job", "a.mp4"}, {"task_id", "t1"}});
  }
  const std::string text = seedance_cli::read_text_file(path);
  EXPECT_EQ(text.back(), '\n');
  const auto s = replay_journal(text);
  EXPECT_EQ(s.records, 3u);
  EXPECT_EQ(s.ignored_lines, 1u);
  EXPECT_EQ(s.jobs.at("a.mp4").phase, job_phase::succeeded);
  EXPECT_NE(text.find("\"time\":\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace

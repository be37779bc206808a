// How `seedance` shows progress: bar rendering, ETA arithmetic and the three output styles, with time driven
// by hand.
#include <cli/progress.hpp>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <sstream>
#include <string>

namespace {

using namespace std::chrono_literals;
using seedance_cli::job_view;
using seedance_cli::output_style;
using seedance_cli::progress_display;

const seedance_cli::steady_time t0{};

TEST(CliProgress, ClockFormat) {
  EXPECT_EQ(seedance_cli::format_clock(0s), "0:00");
  EXPECT_EQ(seedance_cli::format_clock(5s), "0:05");
  EXPECT_EQ(seedance_cli::format_clock(754s), "12:34");
  EXPECT_EQ(seedance_cli::format_clock(3723s), "1:02:03");
  EXPECT_EQ(seedance_cli::format_clock(-3s), "0:00");
}

TEST(CliProgress, RemainingTimeFromProgressOrProviderEstimate) {
  EXPECT_EQ(seedance_cli::estimate_remaining(10s, 25, std::nullopt), 30s);
  EXPECT_EQ(seedance_cli::estimate_remaining(10s, std::nullopt, 60s), 50s);
  EXPECT_EQ(seedance_cli::estimate_remaining(10s, 0, 60s), 50s);  // 0 % says nothing about speed
  EXPECT_EQ(seedance_cli::estimate_remaining(70s, std::nullopt, 60s), std::nullopt);
  EXPECT_EQ(seedance_cli::estimate_remaining(10s, std::nullopt, std::nullopt), std::nullopt);
}

TEST(CliProgress, BarShowsStatePercentElapsedAndEta) {
  job_view v{.label = "kite.mp4", .task_id = "t1", .phase = "running", .percent = 40, .started = t0};
  const std::string line = seedance_cli::render_bar(v, t0 + 12s, 100);
  EXPECT_NE(line.find("kite.mp4"), std::string::npos);
  EXPECT_NE(line.find("[########------------]"), std::string::npos) << line;
  EXPECT_NE(line.find(" 40% running"), std::string::npos) << line;
  EXPECT_NE(line.find("0:12  ETA 0:18"), std::string::npos) << line;
  EXPECT_LE(line.size(), 100u);
  EXPECT_LE(seedance_cli::render_bar(v, t0 + 12s, 40).size(), 40u);
}

TEST(CliProgress, BarWithoutPercentMovesAMarker) {
  job_view v{.label = "x", .phase = "queued", .started = t0};
  const std::string a = seedance_cli::render_bar(v, t0 + 250ms, 80);
  const std::string b = seedance_cli::render_bar(v, t0 + 750ms, 80);
  EXPECT_NE(a.find('#'), std::string::npos);
  EXPECT_NE(a.find('#'), b.find('#'));
}

TEST(CliProgress, LinesStylePrintsChangesOnly) {
  std::ostringstream out;
  progress_display d(out, output_style::lines);
  job_view v{.label = "a.mp4", .phase = "queued", .started = t0};
  d.update("a", v, t0);
  d.update("a", v, t0 + 1s);  // nothing new
  v.phase = "running";
  v.task_id = "t1";
  v.percent = 5;
  d.update("a", v, t0 + 2s);
  v.percent = 9;  // less than 10 points: no line
  d.update("a", v, t0 + 3s);
  v.percent = 20;
  d.update("a", v, t0 + 4s);
  d.finish("a", "[a.mp4] saved a.mp4", {});
  EXPECT_EQ(out.str(),
            "[a.mp4] queued 0:00\n"
            "[a.mp4] running 5% (task t1) 0:02\n"
            "[a.mp4] running 20% (task t1) 0:04\n"
            "[a.mp4] saved a.mp4\n");
}

TEST(CliProgress, JsonStyleEmitsOneObjectPerEvent) {
  std::ostringstream out;
  progress_display d(out, output_style::json, 80, /*simulated=*/true);
  d.update("a", job_view{.label = "a.mp4", .task_id = "t1", .phase = "running", .percent = 50, .started = t0}, t0 + 3s);
  d.note("ignored in json", {{"event", "created"}, {"task_id", "t1"}});
  std::istringstream in(out.str());
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    const auto v = boost::json::parse(line).as_object();
    EXPECT_TRUE(v.at("simulated").as_bool());
    ++count;
  }
  EXPECT_EQ(count, 2);
  EXPECT_NE(out.str().find(R"("event":"progress")"), std::string::npos);
  EXPECT_NE(out.str().find(R"("progress":50)"), std::string::npos);
  EXPECT_EQ(out.str().find("ignored in json"), std::string::npos);
}

TEST(CliProgress, BarsRedrawInPlace) {
  std::ostringstream out;
  progress_display d(out, output_style::bars, 80);
  d.update("a", job_view{.label = "a", .phase = "running", .percent = 10, .started = t0}, t0);
  d.update("b", job_view{.label = "b", .phase = "queued", .started = t0}, t0);
  d.redraw(t0 + 1s);
  EXPECT_EQ(d.live(), 2u);
  const auto first = out.str();
  EXPECT_EQ(first.find("\x1b[1A"), std::string::npos);  // nothing to erase yet
  d.redraw(t0 + 2s);
  const auto second = out.str().substr(first.size());
  EXPECT_EQ(second.rfind("\x1b[1A\x1b[2K\x1b[1A\x1b[2K", 0), 0u);  // two bars erased, then drawn again
  d.finish("a", "a done", {});
  EXPECT_EQ(d.live(), 1u);
}

}  // namespace

// Unit tests of the simulator's pure parts: lifecycle engine, fault plan, byte ranges, routing and the
// socket-free service (each provider's validation, errors, credits, concurrency, cancel, webhooks, files).
#include <seedance/testing/detail/sim_engine.hpp>
#include <seedance/testing/detail/sim_faults.hpp>
#include <seedance/testing/detail/sim_media.hpp>
#include <seedance/testing/detail/sim_service.hpp>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using seedance::provider_id;
using seedance::http::method;
namespace sim = seedance::testing;
namespace d = seedance::testing::detail;

d::sim_time t0() { return d::sim_time{} + 1000h; }

d::sim_task make_task(provider_id p, std::string id, sim::outcome o = sim::outcome::success) {
  d::sim_task t;
  t.provider = p;
  t.id = std::move(id);
  t.result = o;
  t.queue_for = 100ms;
  t.run_for = 1s;
  t.credits = 10;
  return t;
}

// ---- engine ------------------------------------------------------------------------------------------------

TEST(SimEngine, QueuedRunningSucceededAtScheduledTimes) {
  d::sim_engine engine;
  const auto account = engine.add_account({100, 100, 100, 100});
  const auto idx = engine.add(make_task(provider_id::kinovi, "a"), t0());
  EXPECT_EQ(engine.balance(account, provider_id::kinovi), 90);
  std::vector<d::sim_transition> out;
  engine.advance(t0() + 99ms, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(engine.task(idx).state, d::sim_state::queued);
  engine.advance(t0() + 100ms, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, d::sim_state::running);
  EXPECT_EQ(engine.progress(idx, t0() + 600ms), 50);
  engine.advance(t0() + 2s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].to, d::sim_state::succeeded);
  EXPECT_EQ(out[1].at, t0() + 1100ms);
  EXPECT_EQ(engine.progress(idx, t0() + 2s), 100);
  EXPECT_EQ(engine.balance(account, provider_id::kinovi), 90);  // success keeps the charge
  EXPECT_EQ(engine.in_flight(account, provider_id::kinovi), 0u);
}

TEST(SimEngine, FailureRefunds) {
  d::sim_engine engine;
  const auto account = engine.add_account({100, 100, 100, 100});
  engine.add(make_task(provider_id::aihubmax, "a", sim::outcome::moderation_failure), t0());
  EXPECT_EQ(engine.balance(account, provider_id::aihubmax), 90);
  std::vector<d::sim_transition> out;
  engine.advance(t0() + 5s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].to, d::sim_state::failed);
  EXPECT_EQ(engine.balance(account, provider_id::aihubmax), 100);
}

TEST(SimEngine, ArkQueuesBeyondItsConcurrency) {
  d::sim_engine engine({0, 0, 0, 2});
  engine.add_account({1e9, 1e9, 1e9, 1e9});
  for (int i = 0; i < 5; ++i) engine.add(make_task(provider_id::ark, "t" + std::to_string(i)), t0());
  std::vector<d::sim_transition> out;
  engine.advance(t0() + 200ms, out);
  EXPECT_EQ(engine.running(provider_id::ark), 2u);
  EXPECT_EQ(engine.task(2).state, d::sim_state::queued);
  engine.advance(t0() + 1100ms, out);  // the first two finish, the next two start at once
  EXPECT_EQ(engine.task(0).state, d::sim_state::succeeded);
  EXPECT_EQ(engine.task(2).state, d::sim_state::running);
  EXPECT_EQ(engine.task(2).started, t0() + 1100ms);
  engine.advance(t0() + 10s, out);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(engine.task(static_cast<std::uint32_t>(i)).state, d::sim_state::succeeded);
  EXPECT_EQ(engine.max_running(provider_id::ark), 2u);
  EXPECT_EQ(engine.max_in_flight(provider_id::ark), 5u);
  EXPECT_FALSE(engine.next_event().has_value());
}

TEST(SimEngine, CancelAndExpiryAndStall) {
  d::sim_engine engine({0, 0, 0, 1});
  const auto account = engine.add_account({100, 100, 100, 100});
  const auto queued = engine.add(make_task(provider_id::ark, "q"), t0());
  const auto expiring = engine.add(make_task(provider_id::ark, "e", sim::outcome::expiry), t0());
  const auto stalled = engine.add(make_task(provider_id::seedance2ink, "s", sim::outcome::stall), t0());
  std::vector<d::sim_transition> out;
  EXPECT_TRUE(engine.cancel(queued, t0() + 10ms, out));
  EXPECT_FALSE(engine.cancel(queued, t0() + 20ms, out));
  EXPECT_EQ(engine.balance(account, provider_id::ark), 90);  // the cancelled one is refunded
  engine.advance(t0() + 1h, out);
  EXPECT_EQ(engine.task(expiring).state, d::sim_state::expired);
  EXPECT_EQ(engine.task(stalled).state, d::sim_state::running);
  EXPECT_TRUE(engine.cancel(stalled, t0() + 2h, out));
  EXPECT_EQ(engine.task(stalled).state, d::sim_state::cancelled);
  EXPECT_EQ(engine.balance(account, provider_id::ark), 100);
}

// ---- faults, ranges, routes ---------------------------------------------------------------------------------

TEST(SimFaults, NthFromNthAndProbability) {
  d::fault_plan plan;
  std::mt19937_64 rng(1);
  const auto once = plan.add(sim::fault_rule::on_nth("/tasks", 2, {sim::fault_kind::http_error}));
  const auto later = plan.add(sim::fault_rule::from_nth("/create", 3, {sim::fault_kind::rate_limit}));
  EXPECT_FALSE(plan.pick("/tasks/1", d::fault_stage::request, rng));
  EXPECT_EQ(plan.pick("/tasks/1", d::fault_stage::request, rng)->kind, sim::fault_kind::http_error);
  EXPECT_FALSE(plan.pick("/tasks/1", d::fault_stage::request, rng));
  for (int i = 1; i <= 6; ++i) EXPECT_EQ(plan.pick("/create", d::fault_stage::request, rng).has_value(), i >= 3);
  EXPECT_EQ(plan.hits(once), 1u);
  EXPECT_EQ(plan.hits(later), 4u);
  plan.clear();
  plan.add(sim::fault_rule::with_probability("", 0.5, {sim::fault_kind::delay}));
  int hits = 0;
  for (int i = 0; i < 1000; ++i) hits += plan.pick("/x", d::fault_stage::request, rng).has_value();
  EXPECT_GT(hits, 400);
  EXPECT_LT(hits, 600);
  EXPECT_FALSE(plan.pick("/x", d::fault_stage::webhook, rng));
}

TEST(SimFaults, EarlyDropsAreSeparateFromRequestRules) {
  d::fault_plan plan;
  std::mt19937_64 rng(1);
  plan.add(sim::fault_rule::on_nth("", 1, {sim::fault_kind::drop_before_request}));
  EXPECT_FALSE(plan.pick("/a", d::fault_stage::request, rng));
  EXPECT_TRUE(plan.pick("", d::fault_stage::arrival, rng));
  EXPECT_FALSE(plan.pick("", d::fault_stage::arrival, rng));
}

TEST(SimMedia, RangeForms) {
  using k = d::range_request::kind;
  auto r = d::parse_range("bytes=0-99", 1000);
  EXPECT_EQ(r.what, k::partial);
  EXPECT_EQ(r.range.last, 99u);
  r = d::parse_range("bytes=900-", 1000);
  EXPECT_EQ(r.range.first, 900u);
  EXPECT_EQ(r.range.last, 999u);
  r = d::parse_range("bytes=-100", 1000);
  EXPECT_EQ(r.range.first, 900u);
  r = d::parse_range("bytes=500-5000", 1000);
  EXPECT_EQ(r.range.last, 999u);
  EXPECT_EQ(d::parse_range("bytes=1000-", 1000).what, k::unsatisfiable);
  EXPECT_EQ(d::parse_range("bytes=-0", 1000).what, k::unsatisfiable);
  EXPECT_EQ(d::parse_range("bytes=5-2", 1000).what, k::whole);
  EXPECT_EQ(d::parse_range("bytes=0-1,5-6", 1000).what, k::whole);
  EXPECT_EQ(d::parse_range("items=0-1", 1000).what, k::whole);
}

TEST(SimRoute, DocumentedPaths) {
  auto r = d::route(method::post, "/kinovi/api/v1/jobs/createTask");
  EXPECT_EQ(r.provider, provider_id::kinovi);
  EXPECT_EQ(r.kind, sim::request_kind::create);
  r = d::route(method::get, "/kinovi/api/v1/jobs/recordInfo?taskId=task_x");
  EXPECT_EQ(r.task_id, "task_x");
  r = d::route(method::get, "/aihubmax/v1/tasks/task-unified-1-abc");
  EXPECT_EQ(r.kind, sim::request_kind::status);
  r = d::route(method::post, "/seedance2ink/api/open/v1/video/generations/req_1/cancel");
  EXPECT_EQ(r.kind, sim::request_kind::cancel);
  EXPECT_EQ(r.task_id, "req_1");
  r = d::route(method::get, "/ark/api/v3/contents/generations/tasks?page_size=3");
  EXPECT_EQ(r.kind, sim::request_kind::list);
  r = d::route(method::delete_, "/ark/api/v3/contents/generations/tasks/cgt-1");
  EXPECT_EQ(r.kind, sim::request_kind::cancel);
  r = d::route(method::delete_, "/aihubmax/v1/tasks/x");
  EXPECT_FALSE(r.known);
  r = d::route(method::head, "/files/abc.mp4");
  EXPECT_TRUE(r.known);
  EXPECT_EQ(r.kind, sim::request_kind::download);
}

TEST(SimCommon, LoopbackHosts) {
  EXPECT_TRUE(d::is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(d::is_loopback_host("127.5.6.7"));
  EXPECT_TRUE(d::is_loopback_host("LOCALHOST"));
  EXPECT_TRUE(d::is_loopback_host("::1"));
  EXPECT_FALSE(d::is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(d::is_loopback_host("example.com"));
  EXPECT_FALSE(d::is_loopback_host("localhost.example.com"));
  auto parts = d::parse_url("http://[::1]:8080/hook?x=1");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->host, "::1");
  EXPECT_EQ(parts->port, 8080);
  EXPECT_EQ(parts->target, "/hook?x=1");
}

// ---- service ------------------------------------------------------------------------------------------------

struct service_fixture : ::testing::Test {
  sim::simulator_options options = [] {
    sim::simulator_options o;
    o.queue_time = 100ms;
    o.run_time = 1s;
    return o;
  }();
  d::sim_service service{options, "https://127.0.0.1:1"};

  seedance::http::request post(std::string target, const boost::json::value& body, std::string key = "sim-test-key") {
    seedance::http::request r;
    r.method = method::post;
    r.target = std::move(target);
    if (!key.empty()) r.headers.add("Authorization", "Bearer " + key);
    r.headers.add("Content-Type", "application/json");
    r.body = boost::json::serialize(body);
    return r;
  }
  seedance::http::request get(std::string target, method m = method::get, std::string key = "sim-test-key") {
    seedance::http::request r;
    r.method = m;
    r.target = std::move(target);
    if (!key.empty()) r.headers.add("Authorization", "Bearer " + key);
    return r;
  }
  static boost::json::value json(const d::sim_reply& r) { return boost::json::parse(r.response.body); }
};

TEST_F(service_fixture, KinoviCurrentSchemaLifecycle) {
  auto reply = service.handle(post("/kinovi/api/v1/jobs/createTask",
                                   {{"model", "seedance-20"},
                                    {"inputs", {{"prompt", "a cat"}, {"duration", 5}, {"outputResolution", "720p"}}}}),
                              t0());
  ASSERT_EQ(reply.response.status, 200) << reply.response.body;
  const std::string id(json(reply).at("taskId").as_string());
  EXPECT_TRUE(id.starts_with("task_"));
  EXPECT_EQ(reply.task_id, id);
  auto status = service.handle(get("/kinovi/api/v1/jobs/recordInfo?taskId=" + id), t0() + 10ms);
  EXPECT_EQ(json(status).at("status"), "waiting");
  EXPECT_EQ(json(status).at("creditsUsed").to_number<double>(), 200.0);
  status = service.handle(get("/kinovi/api/v1/jobs/recordInfo?taskId=" + id), t0() + 500ms);
  EXPECT_EQ(json(status).at("status"), "generating");
  status = service.handle(get("/kinovi/api/v1/jobs/recordInfo?taskId=" + id), t0() + 2s);
  const auto body = json(status);
  EXPECT_EQ(body.at("status"), "success");
  const std::string url(body.at("output").at(0).at("url").as_string());
  EXPECT_TRUE(url.starts_with("https://127.0.0.1:1/files/"));
  EXPECT_EQ(body.at("output").at(0).at("width"), 1280);
  EXPECT_EQ(service.file_count(), 1u);
}

TEST_F(service_fixture, KinoviValidationNamesFields) {
  auto reply = service.handle(post("/kinovi/api/v1/jobs/createTask", {{"model", "seedance-20"},
                                                                      {"inputs",
                                                                       {{"prompt", "x"},
                                                                        {"imageUrls", {"https://e.com/a.png"}},
                                                                        {"duration", "5"},
                                                                        {"generate_audio", "yes"},
                                                                        {"aspectRatio", "5:4"},
                                                                        {"outputResolution", "2k"}}}}),
                              t0());
  EXPECT_EQ(reply.response.status, 400);
  const auto body = json(reply);
  EXPECT_EQ(body.at("message"), "Invalid inputs for model");
  std::string all = boost::json::serialize(body.at("errors"));
  for (const char* field : {"duration", "generate_audio", "aspectRatio", "outputResolution"})
    EXPECT_NE(all.find(field), std::string::npos) << field << " in " << all;

  reply = service.handle(post("/kinovi/api/v1/jobs/createTask",
                              {{"model", "seedance-20"},
                               {"inputs", {{"prompt", "x"}, {"urls", {"https://e.com/a.png"}}, {"duration", 5}}}}),
                         t0());
  EXPECT_EQ(reply.response.status, 400);  // legacy schema wants a string duration
  EXPECT_NE(reply.response.body.find("duration"), std::string::npos);

  reply = service.handle(
      post("/kinovi/api/v1/jobs/createTask", {{"model", "seedance-2.0"}, {"inputs", {{"prompt", "x"}}}}), t0());
  EXPECT_EQ(reply.response.status, 400);
  EXPECT_EQ(json(reply).at("message"), "Unknown model");

  reply = service.handle(
      post("/kinovi/api/v1/jobs/createTask",
           {{"model", "seedance-20"}, {"inputs", {{"urls", {"https://e.com/a.png"}}, {"duration", "5"}}}}),
      t0());
  EXPECT_EQ(reply.response.status, 200) << reply.response.body;  // legacy I2V: prompt optional
}

TEST_F(service_fixture, AuthShapes) {
  auto r = service.handle(get("/kinovi/api/v1/jobs/recordInfo?taskId=x", method::get, ""), t0());
  EXPECT_EQ(r.response.status, 401);
  EXPECT_EQ(json(r).at("message"), "Missing Authorization header");
  r = service.handle(get("/kinovi/api/v1/jobs/recordInfo?taskId=x", method::get, "nope"), t0());
  EXPECT_EQ(json(r).at("message"), "Invalid API Key");
  r = service.handle(get("/aihubmax/v1/tasks/x", method::get, "nope"), t0());
  EXPECT_EQ(r.response.status, 401);
  EXPECT_EQ(json(r).at("error").at("type"), "authentication_error");
  r = service.handle(get("/seedance2ink/api/open/v1/video/generations/x", method::get, "nope"), t0());
  EXPECT_EQ(json(r),
            boost::json::parse(R"({"success":false,"error":{"code":"unauthorized","message":"Invalid API key"}})"));
  r = service.handle(get("/ark/api/v3/contents/generations/tasks/x", method::get, "nope"), t0());
  EXPECT_EQ(json(r).at("error").at("code"), "AuthenticationError");
  EXPECT_TRUE(json(r).at("error").as_object().contains("param"));
}

TEST_F(service_fixture, CreditsAndConcurrency) {
  sim::simulator_options o = options;
  o.kinovi.credits = 250;
  o.kinovi.concurrency = 1;
  d::sim_service s(o);
  const boost::json::value body = {{"model", "seedance-20"}, {"inputs", {{"prompt", "x"}}}};
  EXPECT_EQ(s.handle(post("/kinovi/api/v1/jobs/createTask", body), t0()).response.status, 200);
  auto r = s.handle(post("/kinovi/api/v1/jobs/createTask", body), t0());
  EXPECT_EQ(r.response.status, 429);
  EXPECT_EQ(json(r).at("limit"), 1);
  EXPECT_EQ(json(r).at("current"), 1);
  EXPECT_NE(json(r).at("message").as_string().find("Concurrency limit reached (1)"), std::string::npos);
  s.handle(get("/kinovi/api/v1/jobs/recordInfo?taskId=none"), t0() + 5s);  // let the first one finish
  r = s.handle(post("/kinovi/api/v1/jobs/createTask", body), t0() + 5s);
  EXPECT_EQ(r.response.status, 402);
  EXPECT_EQ(json(r).at("required").to_number<double>(), 200.0);
  EXPECT_EQ(json(r).at("available").to_number<double>(), 50.0);
}

TEST_F(service_fixture, AihubmaxProgressAndFamilies) {
  auto r = service.handle(
      post("/aihubmax/v1/videos/generations", {{"model", "seedance-2.0-image-to-video"}, {"prompt", "x"}}), t0());
  EXPECT_EQ(r.response.status, 400);
  EXPECT_EQ(json(r).at("error").at("param"), "image_url");
  r = service.handle(post("/aihubmax/v1/videos/generations", {{"model", "seedance-3"}, {"prompt", "x"}}), t0());
  EXPECT_EQ(r.response.status, 422);
  EXPECT_EQ(json(r).at("error").at("code"), "model_not_found");
  r = service.handle(post("/aihubmax/v1/videos/generations", {{"model", "seedance-2.0-image-to-video"},
                                                              {"prompt", "x"},
                                                              {"image_url", "https://e.com/a.png"},
                                                              {"duration", 5}}),
                     t0());
  ASSERT_EQ(r.response.status, 200) << r.response.body;
  EXPECT_EQ(json(r).at("status"), "pending");
  EXPECT_EQ(json(r).at("object"), "video.generation.task");
  const std::string id(json(r).at("id").as_string());
  EXPECT_TRUE(id.starts_with("task-unified-"));
  int last = -1;
  for (auto at : {200ms, 400ms, 700ms, 1000ms}) {
    auto s = service.handle(get("/aihubmax/v1/tasks/" + id), t0() + at);
    const int progress = static_cast<int>(json(s).at("progress").as_int64());
    EXPECT_GT(progress, last);
    last = progress;
    EXPECT_EQ(json(s).at("status"), "processing");
  }
  auto s = service.handle(get("/aihubmax/v1/tasks/" + id), t0() + 2s);
  EXPECT_EQ(json(s).at("status"), "completed");
  EXPECT_EQ(json(s).at("progress"), 100);
  EXPECT_TRUE(json(s).at("results").at(0).at("url").is_string());
}

TEST_F(service_fixture, Seedance2inkCancelAndValidation) {
  auto r = service.handle(post("/seedance2ink/api/open/v1/video/generations",
                               {{"model", "seedance-2.0"}, {"prompt", "x"}, {"aspectRatio", "4:3"}}),
                          t0());
  EXPECT_EQ(r.response.status, 400);
  EXPECT_NE(json(r).at("error").at("message").as_string().find("aspectRatio"), std::string::npos);
  r = service.handle(post("/seedance2ink/api/open/v1/video/generations",
                          {{"model", "seedance-1.5-pro"}, {"prompt", "x"}, {"duration", 7}}),
                     t0());
  EXPECT_EQ(r.response.status, 400);
  r = service.handle(post("/seedance2ink/api/open/v1/video/generations",
                          {{"model", "seedance-2.0"}, {"prompt", "x"}, {"mediaUrls", {"http://e.com/a.png"}}}),
                     t0());
  EXPECT_EQ(r.response.status, 400);  // https only
  r = service.handle(post("/seedance2ink/api/open/v1/video/generations",
                          {{"model", "seedance-2.0"}, {"prompt", "x"}, {"duration", 5}}),
                     t0());
  ASSERT_EQ(r.response.status, 200) << r.response.body;
  EXPECT_EQ(json(r).at("creditsCharged").to_number<double>(), 40.0);
  const std::string id(json(r).at("requestId").as_string());
  r = service.handle(get("/seedance2ink/api/open/v1/video/generations/" + id + "/cancel", method::post), t0() + 10ms);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(json(r).at("status"), "cancelled");
  r = service.handle(get("/seedance2ink/api/open/v1/video/generations/" + id + "/cancel", method::post), t0() + 20ms);
  EXPECT_EQ(r.response.status, 409);
  EXPECT_EQ(json(r).at("success"), false);
}

TEST_F(service_fixture, ArkContentRulesCancelDeleteAndList) {
  const std::string tasks = "/ark/api/v3/contents/generations/tasks";
  auto r = service.handle(
      post(tasks,
           {{"model", "dreamina-seedance-2-0-260128"},
            {"content",
             {{{"type", "text"}, {"text", "x"}},
              {{"type", "audio_url"}, {"audio_url", {{"url", "https://e.com/a.mp3"}}}, {"role", "reference_audio"}}}}}),
      t0());
  EXPECT_EQ(r.response.status, 400);
  EXPECT_EQ(json(r).at("error").at("param"), "content.audio_url");
  r = service.handle(post(tasks, {{"model", "dreamina-seedance-2-0-260128"},
                                  {"content", {{{"type", "text"}, {"text", "x"}}}},
                                  {"ratio", "5:4"}}),
                     t0());
  EXPECT_EQ(json(r).at("error").at("param"), "ratio");
  r = service.handle(post(tasks, {{"model", "nope"}, {"content", {{{"type", "text"}, {"text", "x"}}}}}), t0());
  EXPECT_EQ(r.response.status, 404);

  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    r = service.handle(post(tasks, {{"model", "dreamina-seedance-2-0-260128"},
                                    {"content", {{{"type", "text"}, {"text", "x"}}}},
                                    {"resolution", "1080p"},
                                    {"duration", 5}}),
                       t0());
    ASSERT_EQ(r.response.status, 200) << r.response.body;
    ids.emplace_back(json(r).at("id").as_string());
  }
  // 3 run, 2 wait queued (default concurrency 3).
  auto running = service.handle(get(tasks + "?filter.status=running"), t0() + 500ms);
  EXPECT_EQ(json(running).at("total"), 3);
  r = service.handle(get(tasks + "/" + ids[0], method::delete_), t0() + 500ms);
  EXPECT_EQ(r.response.status, 409);
  r = service.handle(get(tasks + "/" + ids[4], method::delete_), t0() + 500ms);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "{}");
  r = service.handle(get(tasks + "/" + ids[4]), t0() + 500ms);
  EXPECT_EQ(json(r).at("status"), "cancelled");
  r = service.handle(get(tasks + "/" + ids[0]), t0() + 1200ms);
  EXPECT_EQ(json(r).at("status"), "succeeded");
  EXPECT_EQ(json(r).at("usage").at("completion_tokens"), 246840);
  r = service.handle(get(tasks + "/" + ids[0], method::delete_), t0() + 1200ms);
  EXPECT_EQ(r.response.status, 200);
  r = service.handle(get(tasks + "/" + ids[0]), t0() + 1200ms);
  EXPECT_EQ(r.response.status, 404);
  auto page = service.handle(get(tasks + "?page_num=1&page_size=2&filter.task_ids=" + ids[1] +
                                 "&filter.task_ids=" + ids[2] + "&filter.task_ids=" + ids[3]),
                             t0() + 1200ms);
  EXPECT_EQ(json(page).at("total"), 3);
  EXPECT_EQ(json(page).at("items").as_array().size(), 2u);
  EXPECT_EQ(json(page).at("items").at(0).at("id").as_string(), ids[3]);  // newest first
  EXPECT_EQ(service.handle(get(tasks + "?page_size=501"), t0()).response.status, 400);
}

TEST_F(service_fixture, MarkersScriptsAndWebhooks) {
  const std::string create = "/kinovi/api/v1/jobs/createTask";
  auto r = service.handle(post(create, {{"model", "seedance-20"},
                                        {"callBackUrl", "http://127.0.0.1:9/hook"},
                                        {"inputs", {{"prompt", "bad [sim:fail]"}}}}),
                          t0());
  ASSERT_EQ(r.response.status, 200);
  service.script_next(provider_id::kinovi, {sim::outcome::server_failure, std::nullopt, std::nullopt});
  service.handle(
      post(create,
           {{"model", "seedance-20"}, {"callBackUrl", "https://example.com/hook"}, {"inputs", {{"prompt", "ok"}}}}),
      t0());
  service.advance(t0() + 5s);
  auto hooks = service.take_webhooks();
  ASSERT_EQ(hooks.size(), 1u);  // the non-loopback one is refused
  const auto body = boost::json::parse(hooks[0][0].body);
  EXPECT_EQ(body.at("code"), 200);
  EXPECT_EQ(body.at("data").at("state"), "fail");
  EXPECT_EQ(body.at("data").at("error").at("code"), "2038");
  bool refused = false;
  for (const auto& e : service.log()) refused = refused || e.note.starts_with("refused");
  EXPECT_TRUE(refused);
  EXPECT_EQ(service.count(provider_id::kinovi, sim::request_kind::webhook), 1u);
}

TEST_F(service_fixture, ArkWebhookOnEveryChangeAndWebhookFaults) {
  service.faults().add(sim::fault_rule::on_nth("", 3, {sim::fault_kind::webhook_out_of_order}));
  service.handle(post("/ark/api/v3/contents/generations/tasks", {{"model", "dreamina-seedance-2-0-260128"},
                                                                 {"callback_url", "http://localhost:9/cb"},
                                                                 {"content", {{{"type", "text"}, {"text", "x"}}}}}),
                 t0());
  service.advance(t0() + 5s);
  auto hooks = service.take_webhooks();
  ASSERT_EQ(hooks.size(), 3u);  // queued, running, succeeded (+ stale running)
  EXPECT_EQ(boost::json::parse(hooks[0][0].body).at("status"), "queued");
  EXPECT_EQ(boost::json::parse(hooks[1][0].body).at("status"), "running");
  ASSERT_EQ(hooks[2].size(), 2u);
  EXPECT_EQ(boost::json::parse(hooks[2][0].body).at("status"), "succeeded");
  EXPECT_EQ(boost::json::parse(hooks[2][1].body).at("status"), "running");
}

TEST_F(service_fixture, FilesServeRangesAndExpire) {
  sim::simulator_options o = options;
  o.output_ttl = 10s;
  d::sim_service s(o, "https://127.0.0.1:1");
  auto r = s.handle(post("/ark/api/v3/contents/generations/tasks",
                         {{"model", "dreamina-seedance-2-0-260128"}, {"content", {{{"type", "text"}, {"text", "x"}}}}}),
                    t0());
  const std::string id(json(r).at("id").as_string());
  r = s.handle(get("/ark/api/v3/contents/generations/tasks/" + id), t0() + 2s);
  std::string url(json(r).at("content").at("video_url").as_string());
  const std::string path = url.substr(std::string("https://127.0.0.1:1").size());
  seedance::http::request download;
  download.target = path;
  r = s.handle(download, t0() + 3s);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.body_view.size(), d::sample_mp4().size());
  EXPECT_EQ(r.kind, sim::request_kind::download);
  download.headers.add("Range", "bytes=10-19");
  r = s.handle(download, t0() + 3s);
  EXPECT_EQ(r.response.status, 206);
  EXPECT_EQ(r.body_view.size(), 10u);
  EXPECT_EQ(*r.response.headers.find("Content-Range"), "bytes 10-19/" + std::to_string(d::sample_mp4().size()));
  download.headers.set("Range", "bytes=999999999-");
  r = s.handle(download, t0() + 3s);
  EXPECT_EQ(r.response.status, 416);
  download.headers.erase("Range");
  download.method = method::head;
  r = s.handle(download, t0() + 3s);
  EXPECT_TRUE(r.head_only);
  EXPECT_EQ(*r.response.headers.find("Content-Length"), std::to_string(d::sample_mp4().size()));
  download.method = method::get;
  r = s.handle(download, t0() + 20s);
  EXPECT_EQ(r.response.status, 403);
  EXPECT_NE(r.response.body.find("AccessDenied"), std::string::npos);
}

TEST_F(service_fixture, FaultRepliesAreProviderShaped) {
  seedance::http::request req = get("/aihubmax/v1/tasks/x");
  auto r = service.fault_reply(req, {sim::fault_kind::rate_limit});
  EXPECT_EQ(r.response.status, 429);
  EXPECT_TRUE(r.response.headers.find("Retry-After").has_value());
  EXPECT_EQ(json(r).at("error").at("type"), "rate_limit_error");
  sim::fault f{sim::fault_kind::http_error};
  f.status = 500;
  r = service.fault_reply(get("/ark/api/v3/contents/generations/tasks/x"), f);
  EXPECT_EQ(json(r).at("error").at("code"), "InternalServiceError");
  f.status = 502;
  r = service.fault_reply(get("/ark/api/v3/contents/generations/tasks/x"), f);
  EXPECT_NE(r.response.body.find("502 Bad Gateway"), std::string::npos);
}

}  // namespace

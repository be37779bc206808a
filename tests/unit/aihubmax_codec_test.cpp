// aihubmax codec: create bodies per mode against golden fixtures, tolerant task decoding, errors with
// Retry-After, webhooks, percent-encoded targets and hostile bodies. Also the shared codec helpers
// (providers/detail/codec_common.hpp): Retry-After and HTTP-date parsing, merge patch, targets, one_line.
#include <gtest/gtest.h>

#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/detail/codec_common.hpp>

#include <support/fixtures.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

namespace {

using seedance::aihubmax;
using seedance::errc;
using seedance::task_state;
namespace fx = seedance::test_support;
namespace codec = seedance::detail::codec;
using namespace std::chrono_literals;

const std::string img1 = "https://example.com/media/first.png";
const std::string img2 = "https://example.com/media/last.png";
const std::string vid1 = "https://example.com/media/motion.mp4";
const std::string aud1 = "https://example.com/media/voice.mp3";
const std::string hook = "https://example.com/hooks/aihubmax";
constexpr const char* task_id = "task-unified-1757165031-uyujaw3d";

seedance::http::response response_with(int status, std::string body) {
  seedance::http::response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

template <class F>
seedance::error expect_error(F&& f, errc code) {
  try {
    f();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e;
  }
  ADD_FAILURE() << "no seedance::error thrown";
  return seedance::error(errc::bad_response, "none");
}

bool has_problem(const seedance::error& e, std::string_view field) {
  for (const auto& p : e.details().problems)
    if (p.field == field) return true;
  return false;
}

void expect_body(const seedance::http::request& r, const char* fixture) {
  EXPECT_EQ(r.method, seedance::http::method::post);
  EXPECT_EQ(r.target, "/v1/videos/generations");
  EXPECT_EQ(r.headers.find("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(boost::json::parse(r.body), fx::load_json(fixture)) << r.body;
}

std::chrono::system_clock::time_point at(std::chrono::sys_days day, std::chrono::seconds time = 0s) {
  return std::chrono::system_clock::time_point(day) + time;
}

// ---------------------------------------------------------------------------------------------------------------
// Create

TEST(AihubmaxEncode, TextToVideo) {
  seedance::request r;
  r.prompt = "A paper boat drifts down a rainy street, cinematic";
  r.resolution = seedance::resolution::p720;
  r.ratio = seedance::aspect_ratio::r16_9;
  r.duration = seedance::duration{5};
  r.generate_audio = true;
  r.seed = -1;
  expect_body(aihubmax::encode_create(r), "aihubmax/request_text.json");
}

TEST(AihubmaxEncode, FastTextWithAutoDurationAndAdaptiveRatio) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.prompt = "Waves crash on black sand at dusk";
  r.ratio = seedance::aspect_ratio::adaptive;
  r.duration = seedance::auto_duration;
  const auto http = aihubmax::encode_create(r);
  expect_body(http, "aihubmax/request_text_fast_auto.json");
  EXPECT_TRUE(boost::json::parse(http.body).at("duration").is_int64());
}

TEST(AihubmaxEncode, FirstFrame) {
  seedance::request r;
  r.prompt = "The cat turns its head and blinks";
  r.images = {img1};
  r.resolution = seedance::resolution::p1080;
  r.ratio = seedance::aspect_ratio::r9_16;
  r.duration = seedance::duration{8};
  expect_body(aihubmax::encode_create(r), "aihubmax/request_first_frame.json");
}

TEST(AihubmaxEncode, FirstLastFrame) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.prompt = "Day turns to night over the city";
  r.images = {img1, img2};
  r.resolution = seedance::resolution::p480;
  r.ratio = seedance::aspect_ratio::adaptive;
  r.generate_audio = false;
  expect_body(aihubmax::encode_create(r), "aihubmax/request_first_last_frame.json");
}

TEST(AihubmaxEncode, ReferenceWithCallback) {
  seedance::request r;
  r.prompt = "@Image1 dances like @Video1 to @Audio1, style of @Image2";
  r.images = {img1, img2};
  r.videos = {vid1};
  r.audios = {aud1};
  r.resolution = seedance::resolution::p720;
  r.ratio = seedance::aspect_ratio::r21_9;
  r.duration = seedance::duration{15};
  r.seed = 42;
  // aihubmax documents no callback for Seedance: the field is refused, and reachable through `extra`.
  r.callback_url = hook;
  EXPECT_TRUE(has_problem(expect_error([&] { aihubmax::encode_create(r); }, errc::invalid_request), "callback_url"));
  r.callback_url.clear();
  r.extra["callback_url"] = hook;
  expect_body(aihubmax::encode_create(r), "aihubmax/request_reference.json");
}

TEST(AihubmaxEncode, ReferenceModeWithOneImageUsesTheReferenceFamily) {
  seedance::request r;
  r.prompt = "@Image1 walks";
  r.images = {img1};
  r.mode = seedance::generation_mode::reference;
  const auto body = boost::json::parse(aihubmax::encode_create(r).body);
  EXPECT_EQ(body.at("model"), "seedance-2.0-reference-to-video");
  EXPECT_EQ(body.at("image_urls").as_array().size(), 1u);
  EXPECT_FALSE(body.as_object().contains("image_url"));
}

TEST(AihubmaxEncode, RawModelIdAndExtra) {
  seedance::request r;
  r.model_id = "seedance-2.0-pro-experimental";
  r.prompt = "x";
  r.extra = boost::json::parse(R"({"sync_mode":true,"prompt":"overridden"})").as_object();
  const auto body = boost::json::parse(aihubmax::encode_create(r).body);
  EXPECT_EQ(body.at("model"), "seedance-2.0-pro-experimental");
  EXPECT_EQ(body.at("sync_mode"), true);
  EXPECT_EQ(body.at("prompt"), "overridden");
}

TEST(AihubmaxEncode, RefusesWhatItCannotExpress) {
  seedance::request r;
  r.model = seedance::model::seedance_1_5_pro;
  r.prompt = "x";
  r.resolution = seedance::resolution::p4k;
  r.duration = seedance::duration{16};
  r.seed = -2;
  r.upscale_4k = true;
  r.high_bitrate = true;
  r.watermark = false;
  r.return_last_frame = true;
  r.expires_after = 3600s;
  r.camera_fixed = true;
  r.metadata["a"] = 1;
  const auto e = expect_error([&] { aihubmax::encode_create(r); }, errc::invalid_request);
  for (const char* field : {"model", "resolution", "duration", "seed", "upscale_4k", "high_bitrate", "watermark",
                            "return_last_frame", "expires_after", "camera_fixed", "metadata"})
    EXPECT_TRUE(has_problem(e, field)) << field;
  EXPECT_EQ(std::string(e.what()).rfind("aihubmax: invalid request: ", 0), 0u) << e.what();
}

TEST(AihubmaxEncode, MediaMustFitTheMode) {
  seedance::request two_frames_three_images;
  two_frames_three_images.prompt = "x";
  two_frames_three_images.images = {img1, img2, img1};
  two_frames_three_images.mode = seedance::generation_mode::first_last_frame;
  EXPECT_TRUE(has_problem(
      expect_error([&] { aihubmax::encode_create(two_frames_three_images); }, errc::invalid_request), "images"));

  seedance::request audio_only;
  audio_only.prompt = "x";
  audio_only.audios = {aud1};
  EXPECT_TRUE(has_problem(expect_error([&] { aihubmax::encode_create(audio_only); }, errc::invalid_request), "audios"));

  seedance::request empty_reference;
  empty_reference.prompt = "x";
  empty_reference.mode = seedance::generation_mode::reference;
  EXPECT_TRUE(
      has_problem(expect_error([&] { aihubmax::encode_create(empty_reference); }, errc::invalid_request), "mode"));
}

// ---------------------------------------------------------------------------------------------------------------
// Create response and status

TEST(AihubmaxDecodeCreated, FullResponse) {
  const auto t = aihubmax::decode_created(fx::load_response("aihubmax/response_create.json"));
  EXPECT_EQ(t.id, task_id);
  EXPECT_EQ(t.state, task_state::queued);
  EXPECT_EQ(t.provider_state, "pending");
  EXPECT_EQ(t.progress, 0);
  EXPECT_EQ(t.model, "seedance-2.0-image-to-video");
  ASSERT_TRUE(t.cost);
  EXPECT_EQ(t.cost->amount, 35);
  EXPECT_EQ(t.cost->unit, seedance::cost_unit::credits);
  EXPECT_EQ(t.estimated_time, 120s);
  EXPECT_EQ(t.created_at, std::chrono::system_clock::time_point(1757165031s));
  EXPECT_EQ(t.raw, fx::response_body("aihubmax/response_create.json"));
}

TEST(AihubmaxDecodeCreated, NoIdIsBadResponse) {
  expect_error([] { aihubmax::decode_created(fx::load_response("aihubmax/response_create_no_id.json")); },
               errc::bad_response);
}

TEST(AihubmaxDecodeCreated, ErrorInA200IsTheProviderError) {
  const auto e = expect_error(
      [] { aihubmax::decode_created(fx::load_response("aihubmax/response_create_error_in_200_tolerant.json")); },
      errc::insufficient_credits);
  EXPECT_EQ(e.details().provider_type, "insufficient_quota");
}

TEST(AihubmaxStatusRequest, PercentEncodesTheIdAsOneSegment) {
  const auto r = aihubmax::status_request(task_id);
  EXPECT_EQ(r.method, seedance::http::method::get);
  EXPECT_EQ(r.target, std::string("/v1/tasks/") + task_id);
  EXPECT_EQ(aihubmax::status_request("a b+c&d=e#f/g?h%i\xC3\xA9").target,
            "/v1/tasks/a%20b%2Bc%26d%3De%23f%2Fg%3Fh%25i%C3%A9");
  EXPECT_EQ(aihubmax::status_request("../admin").target, "/v1/tasks/..%2Fadmin");
  EXPECT_EQ(aihubmax::status_request(std::string_view("x\r\n\0", 4)).target, "/v1/tasks/x%0D%0A%00");
}

TEST(AihubmaxStatusRequest, RefusesEmptyAndDotIds) {
  for (const char* id : {"", ".", ".."}) {
    const auto e = expect_error([&] { aihubmax::status_request(id); }, errc::invalid_request);
    EXPECT_TRUE(has_problem(e, "task_id")) << id;
  }
}

TEST(AihubmaxDecodeStatus, EveryState) {
  struct expectation {
    const char* fixture;
    task_state state;
    const char* provider_state;
    int progress;
  };
  for (const auto& x : {expectation{"response_status_pending.json", task_state::queued, "pending", 0},
                        expectation{"response_status_processing.json", task_state::running, "processing", 45},
                        expectation{"response_status_completed.json", task_state::succeeded, "completed", 100},
                        expectation{"response_status_failed.json", task_state::failed, "failed", 30},
                        expectation{"response_status_cancelled.json", task_state::cancelled, "cancelled", 10}}) {
    const auto t = aihubmax::decode_status(fx::load_response(std::string("aihubmax/") + x.fixture));
    EXPECT_EQ(t.state, x.state) << x.fixture;
    EXPECT_EQ(t.provider_state, x.provider_state) << x.fixture;
    EXPECT_EQ(t.progress, x.progress) << x.fixture;
    EXPECT_EQ(t.id, task_id);
    EXPECT_EQ(t.videos.empty(), x.state != task_state::succeeded) << x.fixture;
  }
}

TEST(AihubmaxDecodeStatus, CompletedWithResultObjects) {
  const auto t = aihubmax::decode_status(fx::load_response("aihubmax/response_status_completed.json"));
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].url, "https://files.aihubmax.com/videos/uyujaw3d.mp4");
  EXPECT_EQ(t.videos[0].task_id, task_id);
  EXPECT_FALSE(t.error);
}

TEST(AihubmaxDecodeStatus, CompletedWithResultStrings) {
  const auto t = aihubmax::decode_status(fx::load_response("aihubmax/response_status_completed_strings_tolerant.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  ASSERT_EQ(t.videos.size(), 2u);
  EXPECT_EQ(t.videos[1].url, "https://files.aihubmax.com/videos/b.mp4");
}

TEST(AihubmaxDecodeStatus, CompletedWithoutResultsKeepsPolling) {
  const auto t =
      aihubmax::decode_status(fx::load_response("aihubmax/response_status_completed_empty_results_tolerant.json"));
  EXPECT_EQ(t.state, task_state::running);
  EXPECT_EQ(t.provider_state, "completed");
  EXPECT_EQ(t.progress, 99);
  EXPECT_TRUE(t.videos.empty());
}

TEST(AihubmaxDecodeStatus, FailedCarriesTheError) {
  const auto t = aihubmax::decode_status(fx::load_response("aihubmax/response_status_failed.json"));
  ASSERT_TRUE(t.error);
  EXPECT_EQ(t.error->code, "content_policy_violation");
  EXPECT_EQ(t.error->message, "The prompt was flagged by moderation");
}

TEST(AihubmaxDecodeStatus, FailedWithoutErrorAndErrorWithTypeOnly) {
  auto t = aihubmax::decode_status(response_with(200, R"({"id":"t","status":"failed"})"));
  ASSERT_TRUE(t.error);
  EXPECT_TRUE(t.error->code.empty());
  t = aihubmax::decode_status(response_with(200, R"({"id":"t","status":"failed","error":{"type":"server_error"}})"));
  EXPECT_EQ(t.error->code, "server_error");
  t = aihubmax::decode_status(response_with(200, R"({"id":"t","status":"failed","error":"upstream timeout"})"));
  EXPECT_EQ(t.error->message, "upstream timeout");
}

TEST(AihubmaxDecodeStatus, NumbersAsStringsAndUnknownFields) {
  const auto t = aihubmax::decode_status(fx::load_response("aihubmax/response_status_types_tolerant.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  EXPECT_EQ(t.progress, 100);
  EXPECT_EQ(t.created_at, std::chrono::system_clock::time_point(1757165031s));
  EXPECT_DOUBLE_EQ(t.cost->amount, 12.5);
  EXPECT_EQ(t.estimated_time, 90s);
  EXPECT_EQ(t.model, "seedance-2.0-fast-reference-to-video");
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].width, 1280);
  EXPECT_EQ(t.videos[0].height, 720);
}

TEST(AihubmaxDecodeStatus, MissingOptionalFields) {
  const auto t = aihubmax::decode_status(fx::load_response("aihubmax/response_status_missing_optional_tolerant.json"));
  EXPECT_EQ(t.state, task_state::running);
  EXPECT_FALSE(t.progress);
  EXPECT_FALSE(t.cost);
  EXPECT_FALSE(t.estimated_time);
  EXPECT_FALSE(t.created_at);
  EXPECT_FALSE(t.error);
}

TEST(AihubmaxDecodeStatus, OddTypesAreIgnoredAndProgressClamped) {
  const auto t = aihubmax::decode_status(fx::load_response("aihubmax/response_status_odd_types_tolerant.json"));
  EXPECT_EQ(t.state, task_state::running);
  EXPECT_EQ(t.progress, 100);
  EXPECT_FALSE(t.cost);
  EXPECT_FALSE(t.estimated_time);
  EXPECT_EQ(aihubmax::decode_status(response_with(200, R"({"id":"t","status":"processing","progress":-3})")).progress,
            0);
  EXPECT_EQ(aihubmax::decode_status(response_with(200, R"({"id":"t","status":"processing","progress":"x"})")).progress,
            std::nullopt);
}

TEST(AihubmaxDecodeStatus, UnknownStatusIsKept) {
  const auto t = aihubmax::decode_status(fx::load_response("aihubmax/response_status_unknown_state_tolerant.json"));
  EXPECT_EQ(t.state, task_state::unknown);
  EXPECT_EQ(t.provider_state, "queued_upstream");
}

TEST(AihubmaxDecodeStatus, ErrorInA200) {
  const auto e = expect_error(
      [] { aihubmax::decode_status(fx::load_response("aihubmax/response_status_error_in_200_tolerant.json")); },
      errc::not_found);
  EXPECT_EQ(e.details().provider_code, "task_not_found");
}

// ---------------------------------------------------------------------------------------------------------------
// Cancel

TEST(AihubmaxCancel, NotSupported) {
  EXPECT_FALSE(aihubmax::cancel_request(task_id));
  expect_error([] { aihubmax::decode_cancelled(response_with(200, "{}"), task_id); }, errc::unsupported);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

seedance::error decode_error_fixture(const char* name) {
  return aihubmax::decode_error(fx::load_response(std::string("aihubmax/") + name));
}

TEST(AihubmaxDecodeError, BadRequestNamesTheParam) {
  const auto e = decode_error_fixture("response_error_400.json");
  EXPECT_EQ(e.code(), errc::invalid_request);
  EXPECT_EQ(e.details().http_status, 400);
  EXPECT_EQ(e.details().provider_type, "invalid_request_error");
  EXPECT_EQ(e.details().provider_code, "missing_required_parameter");
  EXPECT_EQ(e.details().param, "prompt");
  ASSERT_EQ(e.details().problems.size(), 1u);
  EXPECT_EQ(e.details().problems[0].field, "prompt");
  EXPECT_EQ(e.details().problems[0].rule, "prompt is required");
}

TEST(AihubmaxDecodeError, ValidationError) {
  const auto e = decode_error_fixture("response_error_422.json");
  EXPECT_EQ(e.code(), errc::invalid_request);
  EXPECT_EQ(e.details().provider_code, "invalid_image_url");
  ASSERT_EQ(e.details().problems.size(), 1u);
  EXPECT_EQ(e.details().problems[0].field, "request");
  const auto with_param = decode_error_fixture("response_error_422_param_tolerant.json");
  EXPECT_EQ(with_param.details().param, "model");
  EXPECT_TRUE(has_problem(with_param, "model"));
}

TEST(AihubmaxDecodeError, StatusMapping) {
  const auto unauthorized = decode_error_fixture("response_error_401.json");
  EXPECT_EQ(unauthorized.code(), errc::unauthorized);
  EXPECT_EQ(unauthorized.code(), seedance::condition::auth);
  const auto credits = decode_error_fixture("response_error_402.json");
  EXPECT_EQ(credits.code(), errc::insufficient_credits);
  EXPECT_EQ(credits.details().provider_type, "insufficient_quota");
  EXPECT_EQ(decode_error_fixture("response_error_404.json").code(), errc::not_found);
  EXPECT_EQ(decode_error_fixture("response_error_500.json").code(), errc::server_error);
  EXPECT_EQ(decode_error_fixture("response_error_418_type_tolerant.json").code(), errc::forbidden);
}

TEST(AihubmaxDecodeError, RateLimitWithRetryAfterSeconds) {
  const auto e = decode_error_fixture("response_error_429.json");
  EXPECT_EQ(e.code(), errc::rate_limited);
  EXPECT_EQ(e.code(), seedance::condition::rate_limited);
  EXPECT_EQ(e.details().retry_after, 7s);
  EXPECT_EQ(e.details().provider_type, "rate_limit_error");
  EXPECT_TRUE(e.details().retry_safe);
}

TEST(AihubmaxDecodeError, RetryAfterAsPastHttpDateMeansNow) {
  const auto e = decode_error_fixture("response_error_429_http_date.json");
  EXPECT_EQ(e.details().retry_after, 0s);
}

TEST(AihubmaxDecodeError, ServiceUnavailable) {
  const auto e = decode_error_fixture("response_error_503.json");
  EXPECT_EQ(e.code(), errc::server_error);
  EXPECT_EQ(e.details().retry_after, 120s);
  EXPECT_EQ(e.details().request_id, "req_8c1f");
  EXPECT_TRUE(e.details().retry_safe);
  EXPECT_EQ(e.details().provider_code, "no_compatible_channel");
}

TEST(AihubmaxDecodeError, RetryAfterGarbageAndHugeValues) {
  auto r = response_with(429, "{}");
  r.headers.add("Retry-After", "soon");
  EXPECT_FALSE(aihubmax::decode_error(r).details().retry_after);
  r.headers.set("Retry-After", "999999999999999999999999");
  EXPECT_EQ(aihubmax::decode_error(r).details().retry_after, codec::retry_after_cap);
  r.headers.set("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(aihubmax::decode_error(r).details().retry_after, codec::retry_after_cap);
}

TEST(AihubmaxDecodeError, NonJsonBody) {
  const auto e = decode_error_fixture("response_error_502_html_tolerant.json");
  EXPECT_EQ(e.code(), errc::server_error);
  EXPECT_FALSE(e.details().retry_safe);
  EXPECT_EQ(e.details().provider_message, "<html><body>502 Bad Gateway</body></html>");
}

TEST(AihubmaxDecodeError, OtherShapes) {
  auto e = aihubmax::decode_error(response_with(400, R"({"error":"plain text"})"));
  EXPECT_EQ(e.details().provider_message, "plain text");
  EXPECT_EQ(e.code(), errc::rejected);
  e = aihubmax::decode_error(response_with(409, R"({"detail":"conflict"})"));
  EXPECT_EQ(e.details().provider_message, "conflict");
  EXPECT_EQ(e.code(), errc::rejected);
  e = aihubmax::decode_error(response_with(401, R"({"message":"bad key"})"));
  EXPECT_EQ(e.details().provider_message, "bad key");
  EXPECT_EQ(e.code(), errc::unauthorized);
}

TEST(AihubmaxDecodeError, NeverThrowsOnGarbage) {
  for (const char* body : {"", "null", "[]", "\"x\"", "{", "{\"error\":[1]}", "{\"error\":{\"type\":7,\"code\":{}}}",
                           "{\"error\":{\"message\":1e999,\"param\":[\"a\"]}}"}) {
    for (int status : {0, 200, 302, 400, 422, 429, 503}) {
      const seedance::error e = aihubmax::decode_error(response_with(status, body));
      EXPECT_EQ(e.details().http_status, status);
      EXPECT_EQ(std::string(e.what()).rfind("aihubmax: ", 0), 0u);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks

TEST(AihubmaxWebhook, Completed) {
  const auto t = aihubmax::decode_webhook(fx::read_fixture("aihubmax/webhook_completed.json"));
  EXPECT_EQ(t.id, task_id);
  EXPECT_EQ(t.state, task_state::succeeded);
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.raw, fx::load_json("aihubmax/webhook_completed.json"));
}

TEST(AihubmaxWebhook, Failed) {
  const auto t = aihubmax::decode_webhook(fx::read_fixture("aihubmax/webhook_failed.json"));
  EXPECT_EQ(t.state, task_state::failed);
  EXPECT_EQ(t.error->code, "face_detected");
  EXPECT_EQ(t.progress, 60);
}

TEST(AihubmaxWebhook, HopelessBodies) {
  for (const char* body : {"", "x", "[]", "{}", "{\"object\":\"video.generation.task\"}", "7"})
    expect_error([&] { aihubmax::decode_webhook(body); }, errc::bad_response);
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile bodies

TEST(AihubmaxHostile, DeepNestingNonObjectsGiantNumbers) {
  const std::string deep = std::string(50000, '{') + std::string(50000, '}');
  expect_error([&] { aihubmax::decode_status(response_with(200, deep)); }, errc::bad_response);
  expect_error([&] { aihubmax::decode_created(response_with(200, "[{\"id\":\"t\"}]")); }, errc::bad_response);
  expect_error([&] { aihubmax::decode_created(response_with(200, "")); }, errc::bad_response);
  const auto t = aihubmax::decode_status(response_with(
      200, R"({"id":"t","status":"completed","progress":1e999,"created":-1e400,"usage":{"credits_reserved":1e999},
              "task_info":{"estimated_time":1e300},"results":[{"url":"u","width":-1e999,"height":99999999999}]})"));
  EXPECT_EQ(t.state, task_state::succeeded);
  EXPECT_FALSE(t.progress);
  EXPECT_FALSE(t.created_at);
  EXPECT_FALSE(t.cost);
  EXPECT_FALSE(t.estimated_time);
  EXPECT_FALSE(t.videos.at(0).width);
  EXPECT_FALSE(t.videos.at(0).height);
}

// ---------------------------------------------------------------------------------------------------------------
// Shared codec helpers

TEST(CodecCommonRetryAfter, DeltaSeconds) {
  const auto now = at(std::chrono::sys_days{std::chrono::year{2026} / 9 / 1});
  EXPECT_EQ(codec::parse_retry_after("0", now), 0s);
  EXPECT_EQ(codec::parse_retry_after("120", now), 120s);
  EXPECT_EQ(codec::parse_retry_after(" \t7 ", now), 7s);
  EXPECT_EQ(codec::parse_retry_after("3600", now), 3600s);
  EXPECT_EQ(codec::parse_retry_after("3601", now), codec::retry_after_cap);
  EXPECT_EQ(codec::parse_retry_after("99999999999999999999999999999", now), codec::retry_after_cap);
  EXPECT_EQ(codec::parse_retry_after("500", now, 60s), 60s);
}

TEST(CodecCommonRetryAfter, HttpDateInEveryForm) {
  using namespace std::chrono;
  const auto now = at(sys_days{year{1994} / 11 / 6}, 8h + 49min);
  EXPECT_EQ(codec::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 37s);
  EXPECT_EQ(codec::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), 37s);
  EXPECT_EQ(codec::parse_retry_after("Sun Nov  6 08:49:37 1994", now), 37s);
  EXPECT_EQ(codec::parse_retry_after("sun, 06 nov 1994 08:59:00 gmt", now), 600s);
  EXPECT_EQ(codec::parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0s);  // past: go now
  EXPECT_EQ(codec::parse_retry_after("Mon, 07 Nov 1994 08:49:00 GMT", now), codec::retry_after_cap);
  EXPECT_EQ(codec::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            at(sys_days{year{1994} / 11 / 6}, 8h + 49min + 37s));
  // Two-digit years resolve to at most 50 years ahead of now.
  const auto in_2026 = at(sys_days{year{2026} / 1 / 1});
  EXPECT_EQ(codec::parse_http_date("Wednesday, 01-Jan-76 00:00:00 GMT", in_2026), at(sys_days{year{2076} / 1 / 1}));
  EXPECT_EQ(codec::parse_http_date("Saturday, 01-Jan-77 00:00:00 GMT", in_2026), at(sys_days{year{1977} / 1 / 1}));
  EXPECT_EQ(codec::parse_http_date("Sunday, 01-Jan-26 00:00:00 GMT", in_2026), at(sys_days{year{2026} / 1 / 1}));
  // Far dates saturate instead of overflowing system_clock.
  EXPECT_EQ(codec::parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"), std::chrono::system_clock::time_point::max());
  EXPECT_EQ(codec::parse_http_date("Mon, 01 Jan 0001 00:00:00 GMT"), std::chrono::system_clock::time_point::min());
  EXPECT_EQ(codec::parse_retry_after("Mon, 01 Jan 0001 00:00:00 GMT", in_2026), 0s);
}

TEST(CodecCommonRetryAfter, Garbage) {
  const auto now = std::chrono::system_clock::now();
  for (const char* value :
       {"", "   ", "-1", "+5", "1.5", "5s", "0x10", "soon", "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT extra", "Sun,06 Nov 1994 08:49:37 GMT",
        "S, 06 Nov 1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994", "Sun, 6 Nov 1994 08:49:37 GMT", "\xff\xfe"})
    EXPECT_FALSE(codec::parse_retry_after(value, now)) << value;
}

TEST(CodecCommonHelpers, MergePatch) {
  auto target = boost::json::parse(R"({"a":1,"b":{"c":2,"d":3},"e":[1]})").as_object();
  codec::merge_patch(
      target, boost::json::parse(R"({"a":null,"b":{"c":null,"x":{"y":null,"z":1}},"e":{"f":1},"g":"h"})").as_object());
  EXPECT_EQ(boost::json::value(target), boost::json::parse(R"({"b":{"d":3,"x":{"z":1}},"e":{"f":1},"g":"h"})"));
}

TEST(CodecCommonHelpers, OneLine) {
  EXPECT_EQ(codec::one_line("a\nb\tc"), "a b c");
  EXPECT_EQ(codec::one_line("abcdef", 3), "abc...");
  EXPECT_EQ(codec::one_line("a\xC3\xA9z", 2), "a...");  // never cuts a UTF-8 sequence
}

TEST(CodecCommonHelpers, Targets) {
  EXPECT_EQ(codec::path_with_segment("/v1/tasks", "~a-b_c.d"), "/v1/tasks/~a-b_c.d");
  EXPECT_EQ(codec::path_with_query("/jobs/recordInfo", "taskId", "a=b"), "/jobs/recordInfo?taskId=a%3Db");
}

}  // namespace

// Kinovi codec: create bodies of both schemas against golden fixtures, tolerant decoding of statuses, webhooks
// and errors, percent-encoded targets, and hostile bodies.
#include <gtest/gtest.h>

#include <seedance/providers/kinovi.hpp>

#include <support/fixtures.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

namespace {

using seedance::errc;
using seedance::kinovi;
using seedance::kinovi_schema;
using seedance::task_state;
namespace fx = seedance::test_support;

const std::string img1 = "https://example.com/media/first.png";
const std::string img2 = "https://example.com/media/last.png";
const std::string vid1 = "https://example.com/media/motion.mp4";
const std::string aud1 = "https://example.com/media/voice.mp3";
const std::string hook = "https://example.com/hooks/kinovi";
const std::string boat = "A paper boat drifts down a rainy street, cinematic";
const std::string cat = "The cat turns its head and blinks";
const std::string city = "Day turns to night over the city";
const std::string dance = "@image1 dances like @video1 to @audio1, style of @image2";

seedance::http::response response_with(int status, std::string body) {
  seedance::http::response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::chrono::system_clock::time_point ms(std::int64_t value) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(value));
}

/// Runs `f`, expecting seedance::error with `code`; returns it for further checks.
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
  EXPECT_EQ(r.target, "/jobs/createTask");
  EXPECT_EQ(r.headers.find("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(boost::json::parse(r.body), fx::load_json(fixture)) << r.body;
}

// ---------------------------------------------------------------------------------------------------------------
// Create, current schema

TEST(KinoviEncode, TextToVideo) {
  seedance::request r;
  r.prompt = boat;
  r.duration = seedance::duration{5};
  r.resolution = seedance::resolution::p720;
  r.ratio = seedance::aspect_ratio::r16_9;
  r.generate_audio = true;
  r.seed = -1;
  r.callback_url = hook;
  expect_body(kinovi::encode_create(r), "kinovi/request_text.json");
}

TEST(KinoviEncode, FirstFrame) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.prompt = cat;
  r.images = {img1};
  r.duration = seedance::duration{8};
  r.resolution = seedance::resolution::p480;
  r.ratio = seedance::aspect_ratio::r9_16;
  expect_body(kinovi::encode_create(r), "kinovi/request_first_frame.json");
}

TEST(KinoviEncode, FirstLastFrame) {
  seedance::request r;
  r.prompt = city;
  r.images = {img1, img2};
  r.duration = seedance::duration{10};
  r.resolution = seedance::resolution::p1080;
  r.generate_audio = false;
  expect_body(kinovi::encode_create(r), "kinovi/request_first_last_frame.json");
}

TEST(KinoviEncode, Reference) {
  seedance::request r;
  r.prompt = dance;
  r.images = {img1, img2};
  r.videos = {vid1};
  r.audios = {aud1};
  r.duration = seedance::duration{15};
  r.resolution = seedance::resolution::p4k;
  r.ratio = seedance::aspect_ratio::r21_9;
  r.generate_audio = true;
  r.high_bitrate = true;
  r.seed = 42;
  r.callback_url = hook;
  const auto http = kinovi::encode_create(r);
  expect_body(http, "kinovi/request_reference.json");
  // Duration is an integer in the current schema.
  EXPECT_TRUE(boost::json::parse(http.body).at("inputs").at("duration").is_int64());
}

TEST(KinoviEncode, ReferenceModeWithImagesOnlyWhenAsked) {
  seedance::request r;
  r.prompt = "@image1 in the style of @image2";
  r.images = {img1, img2};
  r.mode = seedance::generation_mode::reference;
  const auto body = boost::json::parse(kinovi::encode_create(r).body);
  EXPECT_EQ(body.at("inputs").at("mode"), "reference");
  EXPECT_EQ(body.at("inputs").at("imageUrls").as_array().size(), 2u);
}

TEST(KinoviEncode, RawModelIdPassesThrough) {
  seedance::request r;
  r.model = seedance::model::seedance_1_5_pro;  // ignored when model_id is set
  r.model_id = "seedance2.0-mini";
  r.prompt = boat;
  EXPECT_EQ(boost::json::parse(kinovi::encode_create(r).body).at("model"), "seedance2.0-mini");
}

TEST(KinoviEncode, ExtraIsMergedLastAsMergePatch) {
  seedance::request r;
  r.prompt = boat;
  r.extra = boost::json::parse(R"({"inputs":{"mode":null,"newKnob":3},"topLevel":"x"})").as_object();
  const auto body = boost::json::parse(kinovi::encode_create(r).body);
  EXPECT_FALSE(body.at("inputs").as_object().contains("mode"));
  EXPECT_EQ(body.at("inputs").at("newKnob"), 3);
  EXPECT_EQ(body.at("inputs").at("prompt"), boost::json::value(boat));
  EXPECT_EQ(body.at("topLevel"), "x");
}

TEST(KinoviEncode, OmitsUnsetOptionsAndEmptyArrays) {
  seedance::request r;
  r.prompt = boat;
  const auto body = boost::json::parse(kinovi::encode_create(r).body);
  EXPECT_EQ(body,
            boost::json::parse(R"({"model":"seedance-20","inputs":{"prompt":")" + boat + R"(","mode":"keyframe"}})"));
}

// ---------------------------------------------------------------------------------------------------------------
// Create, legacy schema

const seedance::kinovi_codec_options legacy{kinovi_schema::legacy};

TEST(KinoviEncodeLegacy, TextToVideo) {
  seedance::request r;
  r.prompt = boat;
  r.duration = seedance::duration{5};
  r.ratio = seedance::aspect_ratio::r16_9;
  r.resolution = seedance::resolution::p720;
  r.generate_audio = true;  // the legacy default: accepted, not sent
  const auto http = kinovi::encode_create(r, legacy);
  expect_body(http, "kinovi/request_legacy_text.json");
  EXPECT_TRUE(boost::json::parse(http.body).at("inputs").at("duration").is_string());
}

TEST(KinoviEncodeLegacy, FirstFrame) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.prompt = cat;
  r.images = {img1};
  r.duration = seedance::duration{4};
  r.ratio = seedance::aspect_ratio::r1_1;
  r.resolution = seedance::resolution::p480;
  r.callback_url = hook;
  expect_body(kinovi::encode_create(r, legacy), "kinovi/request_legacy_first_frame.json");
}

TEST(KinoviEncodeLegacy, FirstLastFrameWithUpscale) {
  seedance::request r;
  r.images = {img1, img2};  // prompt is optional for I2V in the legacy schema: not sent when empty
  r.duration = seedance::duration{10};
  r.resolution = seedance::resolution::p1080;
  r.upscale_4k = true;
  expect_body(kinovi::encode_create(r, legacy), "kinovi/request_legacy_first_last_frame.json");
}

TEST(KinoviEncodeLegacy, ReferenceMixesImagesThenVideosInUrls) {
  seedance::request r;
  r.prompt = dance;
  r.images = {img1, img2};
  r.videos = {vid1};
  r.audios = {aud1};
  r.duration = seedance::duration{15};
  r.ratio = seedance::aspect_ratio::r4_3;
  r.resolution = seedance::resolution::p720;
  expect_body(kinovi::encode_create(r, legacy), "kinovi/request_legacy_reference.json");
}

TEST(KinoviEncodeLegacy, RefusesWhatTheLegacySchemaLacks) {
  seedance::request r;
  r.prompt = boat;
  r.resolution = seedance::resolution::p4k;
  r.seed = 7;
  r.generate_audio = false;
  r.high_bitrate = true;
  const auto e = expect_error([&] { kinovi::encode_create(r, legacy); }, errc::invalid_request);
  EXPECT_TRUE(has_problem(e, "resolution"));
  EXPECT_TRUE(has_problem(e, "seed"));
  EXPECT_TRUE(has_problem(e, "generate_audio"));
  EXPECT_TRUE(has_problem(e, "high_bitrate"));
  EXPECT_EQ(e.details().problems.size(), 4u);
}

// ---------------------------------------------------------------------------------------------------------------
// Create: requests Kinovi cannot express

TEST(KinoviEncode, RefusesSeedance15Pro) {
  seedance::request r;
  r.model = seedance::model::seedance_1_5_pro;
  r.prompt = boat;
  const auto e = expect_error([&] { kinovi::encode_create(r); }, errc::invalid_request);
  EXPECT_TRUE(has_problem(e, "model"));
  EXPECT_NE(std::string(e.what()).find("kinovi: "), std::string::npos);
  EXPECT_EQ(e.code(), seedance::condition::invalid_request);
}

TEST(KinoviEncode, ListsEveryProblemAtOnce) {
  seedance::request r;
  r.prompt = boat;
  r.ratio = seedance::aspect_ratio::adaptive;
  r.duration = seedance::auto_duration;
  r.upscale_4k = true;
  r.watermark = true;
  r.return_last_frame = true;
  r.camera_fixed = false;
  r.expires_after = std::chrono::seconds{3600};
  r.metadata["k"] = "v";
  r.seed = 4294967296LL;
  const auto e = expect_error([&] { kinovi::encode_create(r); }, errc::invalid_request);
  for (const char* field : {"ratio", "duration", "upscale_4k", "watermark", "return_last_frame", "camera_fixed",
                            "expires_after", "metadata", "seed"})
    EXPECT_TRUE(has_problem(e, field)) << field;
}

TEST(KinoviEncode, DurationOutsideFourToFifteen) {
  for (int seconds : {3, 16}) {
    seedance::request r;
    r.prompt = boat;
    r.duration = seedance::duration{seconds};
    const auto e = expect_error([&] { kinovi::encode_create(r); }, errc::invalid_request);
    ASSERT_EQ(e.details().problems.size(), 1u);
    EXPECT_EQ(e.details().problems[0].value, std::to_string(seconds) + " s");
  }
}

TEST(KinoviEncode, MediaMustFitTheMode) {
  seedance::request text_with_image;
  text_with_image.prompt = boat;
  text_with_image.images = {img1};
  text_with_image.mode = seedance::generation_mode::text;
  EXPECT_TRUE(
      has_problem(expect_error([&] { kinovi::encode_create(text_with_image); }, errc::invalid_request), "mode"));

  seedance::request last_without_two;
  last_without_two.prompt = boat;
  last_without_two.images = {img1};
  last_without_two.mode = seedance::generation_mode::first_last_frame;
  EXPECT_TRUE(
      has_problem(expect_error([&] { kinovi::encode_create(last_without_two); }, errc::invalid_request), "images"));

  seedance::request frame_with_video;
  frame_with_video.prompt = boat;
  frame_with_video.images = {img1};
  frame_with_video.videos = {vid1};
  frame_with_video.mode = seedance::generation_mode::first_frame;
  EXPECT_TRUE(
      has_problem(expect_error([&] { kinovi::encode_create(frame_with_video); }, errc::invalid_request), "mode"));

  seedance::request audio_only;
  audio_only.prompt = boat;
  audio_only.audios = {aud1};
  EXPECT_TRUE(has_problem(expect_error([&] { kinovi::encode_create(audio_only); }, errc::invalid_request), "audios"));

  seedance::request empty_url;
  empty_url.prompt = boat;
  empty_url.images = {""};
  EXPECT_TRUE(has_problem(expect_error([&] { kinovi::encode_create(empty_url); }, errc::invalid_request), "images[0]"));
}

// ---------------------------------------------------------------------------------------------------------------
// Create response

TEST(KinoviDecodeCreated, TaskId) {
  const auto t = kinovi::decode_created(fx::load_response("kinovi/response_create.json"));
  EXPECT_EQ(t.id, "task_d5ibgnwdlw8fe3zpptx9mp0f");
  EXPECT_EQ(t.state, task_state::queued);
  EXPECT_EQ(t.raw, fx::response_body("kinovi/response_create.json"));
}

TEST(KinoviDecodeCreated, EnvelopeIsUnwrapped) {
  const auto t = kinovi::decode_created(fx::load_response("kinovi/response_create_enveloped_tolerant.json"));
  EXPECT_EQ(t.id, "task_clxxxx");
  EXPECT_EQ(t.state, task_state::queued);
}

TEST(KinoviDecodeCreated, ErrorEnvelopeInA200IsTheProviderError) {
  const auto e = expect_error(
      [] { kinovi::decode_created(fx::load_response("kinovi/response_create_error_envelope_tolerant.json")); },
      errc::insufficient_credits);
  EXPECT_EQ(e.details().provider_message, "Insufficient credits");
  EXPECT_EQ(e.details().provider_code, "402");
  EXPECT_EQ(e.details().http_status, 200);
}

TEST(KinoviDecodeCreated, NoTaskIdIsBadResponse) {
  const auto e = expect_error(
      [] { kinovi::decode_created(fx::load_response("kinovi/response_create_no_task_id.json")); }, errc::bad_response);
  EXPECT_NE(std::string(e.what()).find("kinovi: "), std::string::npos);
  expect_error([] { kinovi::decode_created(response_with(200, R"({"taskId":""})")); }, errc::bad_response);
  expect_error([] { kinovi::decode_created(response_with(200, R"({"taskId":null})")); }, errc::bad_response);
}

TEST(KinoviDecodeCreated, NumericTaskIdIsRead) {
  EXPECT_EQ(kinovi::decode_created(response_with(200, R"({"taskId":12345})")).id, "12345");
}

// ---------------------------------------------------------------------------------------------------------------
// Status

TEST(KinoviStatusRequest, PercentEncodesTheId) {
  const auto r = kinovi::status_request("task_abc");
  EXPECT_EQ(r.method, seedance::http::method::get);
  EXPECT_EQ(r.target, "/jobs/recordInfo?taskId=task_abc");
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(kinovi::status_request("a b+c&d=e#f/g?h%i\xC3\xA9").target,
            "/jobs/recordInfo?taskId=a%20b%2Bc%26d%3De%23f%2Fg%3Fh%25i%C3%A9");
  EXPECT_EQ(kinovi::status_request("..").target, "/jobs/recordInfo?taskId=..");
  EXPECT_EQ(kinovi::status_request(std::string_view("a\r\nb\0c", 6)).target, "/jobs/recordInfo?taskId=a%0D%0Ab%00c");
}

TEST(KinoviStatusRequest, EmptyIdIsRefused) {
  const auto e = expect_error([] { kinovi::status_request(""); }, errc::invalid_request);
  EXPECT_TRUE(has_problem(e, "task_id"));
}

TEST(KinoviDecodeStatus, Waiting) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_waiting.json"));
  EXPECT_EQ(t.id, "task_d5ibgnwdlw8fe3zpptx9mp0f");
  EXPECT_EQ(t.state, task_state::queued);
  EXPECT_EQ(t.provider_state, "waiting");
  EXPECT_EQ(t.model, "seedance-20");
  EXPECT_TRUE(t.videos.empty());
  EXPECT_FALSE(t.error);
  EXPECT_FALSE(t.progress);
  ASSERT_TRUE(t.cost);
  EXPECT_EQ(t.cost->amount, 200);
  EXPECT_EQ(t.cost->unit, seedance::cost_unit::credits);
  EXPECT_FALSE(t.cost->estimated);
  EXPECT_EQ(t.created_at, ms(1789985778346));
  EXPECT_FALSE(t.completed_at);
}

TEST(KinoviDecodeStatus, Generating) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_generating.json"));
  EXPECT_EQ(t.state, task_state::running);
  EXPECT_EQ(t.provider_state, "generating");
}

TEST(KinoviDecodeStatus, SuccessWithEveryOutputField) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_success.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  ASSERT_EQ(t.videos.size(), 1u);
  const auto& v = t.videos[0];
  EXPECT_EQ(v.url, "https://static.kinovi.ai/videos/2026/09/d5ibgnwdlw8fe3zpptx9mp0f.mp4");
  EXPECT_EQ(v.width, 1280);
  EXPECT_EQ(v.height, 720);
  EXPECT_EQ(v.seed, 10792);
  EXPECT_EQ(v.media_type, "video/mp4");
  EXPECT_EQ(v.last_frame_url, "https://static.kinovi.ai/videos/2026/09/d5ibgnwdlw8fe3zpptx9mp0f_lastframe.png");
  EXPECT_EQ(v.task_id, t.id);
  EXPECT_EQ(t.completed_at, ms(1789985975235));
  EXPECT_EQ(t.raw, fx::response_body("kinovi/response_status_success.json"));
}

TEST(KinoviDecodeStatus, LegacySuccess) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_success_legacy.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].width, 1920);
  EXPECT_FALSE(t.videos[0].seed);
  EXPECT_TRUE(t.videos[0].last_frame_url.empty());
  EXPECT_EQ(t.cost->amount, 340);
}

TEST(KinoviDecodeStatus, FailWithErrorObject) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_fail.json"));
  EXPECT_EQ(t.state, task_state::failed);
  ASSERT_TRUE(t.error);
  EXPECT_EQ(t.error->code, "asset_review_failed");
  EXPECT_EQ(t.error->message, "Reference image 1 failed review. Please replace it.");
  EXPECT_TRUE(t.videos.empty());
}

TEST(KinoviDecodeStatus, FailWithStringError) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_fail_string_error.json"));
  EXPECT_EQ(t.state, task_state::failed);
  ASSERT_TRUE(t.error);
  EXPECT_EQ(t.error->code, "");
  EXPECT_EQ(t.error->message, "Task execution failed");
}

TEST(KinoviDecodeStatus, NumericErrorCodeBecomesText) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_error_code_number_tolerant.json"));
  EXPECT_EQ(t.state, task_state::failed);
  EXPECT_EQ(t.error->code, "2038");
}

TEST(KinoviDecodeStatus, FailWithoutErrorStillCarriesAnError) {
  const auto t = kinovi::decode_status(response_with(200, R"({"taskId":"t","status":"fail"})"));
  EXPECT_EQ(t.state, task_state::failed);
  ASSERT_TRUE(t.error);
  EXPECT_TRUE(t.error->message.empty());
}

TEST(KinoviDecodeStatus, StateAliasInsideEnvelope) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_state_alias_enveloped_tolerant.json"));
  EXPECT_EQ(t.id, "task_d5ibgnwdlw8fe3zpptx9mp0f");
  EXPECT_EQ(t.state, task_state::running);
  EXPECT_EQ(t.provider_state, "generating");
  // raw keeps the whole body, envelope included.
  EXPECT_TRUE(t.raw.as_object().contains("data"));
}

TEST(KinoviDecodeStatus, UnknownStatusIsKept) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_unknown_state_tolerant.json"));
  EXPECT_EQ(t.state, task_state::unknown);
  EXPECT_EQ(t.provider_state, "upscaling");
}

TEST(KinoviDecodeStatus, StatusIsCaseInsensitive) {
  EXPECT_EQ(kinovi::decode_status(response_with(200, R"({"taskId":"t","status":"GENERATING"})")).state,
            task_state::running);
}

TEST(KinoviDecodeStatus, NumbersAsStringsAndUnknownFields) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_types_tolerant.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  EXPECT_EQ(t.model, "seedance2-fast");
  ASSERT_TRUE(t.cost);
  EXPECT_DOUBLE_EQ(t.cost->amount, 140.5);
  EXPECT_EQ(t.created_at, ms(1789985778346));
  EXPECT_EQ(t.completed_at, std::chrono::system_clock::time_point(std::chrono::seconds(1789985975)));
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].width, 1280);
  EXPECT_EQ(t.videos[0].height, 720);
  EXPECT_EQ(t.videos[0].seed, 10792);
  EXPECT_TRUE(t.videos[0].media_type.empty());
  EXPECT_TRUE(t.videos[0].last_frame_url.empty());  // an array where a string was documented
}

TEST(KinoviDecodeStatus, MissingOptionalFields) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_missing_optional_tolerant.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].url, "https://static.kinovi.ai/videos/y.mp4");
  EXPECT_FALSE(t.videos[0].width);
  EXPECT_FALSE(t.cost);
  EXPECT_FALSE(t.created_at);
  EXPECT_TRUE(t.model.empty());
}

TEST(KinoviDecodeStatus, SuccessWithoutOutputKeepsPolling) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_success_no_output_tolerant.json"));
  EXPECT_EQ(t.state, task_state::running);
  EXPECT_EQ(t.provider_state, "success");
  EXPECT_TRUE(t.videos.empty());
}

TEST(KinoviDecodeStatus, SecondTimestampsAndOddTypes) {
  const auto t = kinovi::decode_status(fx::load_response("kinovi/response_status_seconds_timestamps_tolerant.json"));
  EXPECT_EQ(t.state, task_state::queued);
  EXPECT_EQ(t.created_at, std::chrono::system_clock::time_point(std::chrono::seconds(1789985778)));
  EXPECT_FALSE(t.error);  // "" is no error
}

TEST(KinoviDecodeStatus, ErrorEnvelopeInA200) {
  const auto e = expect_error(
      [] { kinovi::decode_status(fx::load_response("kinovi/response_status_error_envelope_404_tolerant.json")); },
      errc::not_found);
  EXPECT_EQ(e.details().provider_message, "Task not found");
}

TEST(KinoviDecodeStatus, FlatErrorInA200IsRejected) {
  expect_error([] { kinovi::decode_status(response_with(200, R"({"message":"Access denied"})")); }, errc::rejected);
}

TEST(KinoviDecodeStatus, OutputItemsWithoutUrlAreSkipped) {
  const auto t = kinovi::decode_status(
      response_with(200, R"({"taskId":"t","status":"success","output":[{"width":1},"",7,{"url":"u"}]})"));
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].url, "u");
}

// ---------------------------------------------------------------------------------------------------------------
// Cancel

TEST(KinoviCancel, NotSupported) {
  EXPECT_FALSE(kinovi::cancel_request("task_x"));
  const auto e = expect_error([] { kinovi::decode_cancelled(response_with(200, "{}"), "task_x"); }, errc::unsupported);
  EXPECT_EQ(e.details().task_id, "task_x");
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

seedance::error decode_error_fixture(const char* name) {
  return kinovi::decode_error(fx::load_response(std::string("kinovi/") + name));
}

TEST(KinoviDecodeError, InvalidInputsListsProblems) {
  const auto e = decode_error_fixture("response_error_400_invalid_inputs.json");
  EXPECT_EQ(e.code(), errc::invalid_request);
  EXPECT_EQ(e.details().http_status, 400);
  EXPECT_EQ(e.details().provider_message, "Invalid inputs for model");
  ASSERT_EQ(e.details().problems.size(), 2u);
  EXPECT_EQ(e.details().problems[0].field, "inputs.duration");
  EXPECT_EQ(e.details().problems[0].rule, "Number must be less than or equal to 15");
  EXPECT_EQ(e.details().problems[0].value, "20");
  EXPECT_EQ(e.details().problems[1].field, "inputs.imageUrls[3]");
  EXPECT_TRUE(e.details().retry_safe);
}

TEST(KinoviDecodeError, UnknownModelIsInvalidRequestOnModel) {
  const auto e = decode_error_fixture("response_error_400_unknown_model.json");
  EXPECT_EQ(e.code(), errc::invalid_request);
  EXPECT_TRUE(has_problem(e, "model"));
}

// Kinovi image-to-video, HTTP status table: "400 | Invalid parameters | Missing urls or prompt, invalid mode,
// invalid image URL": every 400 is a request the provider refused as invalid, with its message.
TEST(KinoviDecodeError, Plain400IsInvalidRequestWithTheProvidersMessage) {
  const auto e = decode_error_fixture("response_error_400_missing_task_id.json");
  EXPECT_EQ(e.code(), errc::invalid_request);
  ASSERT_EQ(e.details().problems.size(), 1u);
  EXPECT_EQ(e.details().problems[0].rule, "Missing taskId parameter");
  EXPECT_EQ(e.details().provider_message, "Missing taskId parameter");
  EXPECT_EQ(e.code(), seedance::condition::invalid_request);
}

TEST(KinoviDecodeError, StatusMapping) {
  EXPECT_EQ(decode_error_fixture("response_error_401.json").code(), errc::unauthorized);
  EXPECT_EQ(decode_error_fixture("response_error_403.json").code(), errc::forbidden);
  EXPECT_EQ(decode_error_fixture("response_error_404.json").code(), errc::not_found);
  const auto server = decode_error_fixture("response_error_500.json");
  EXPECT_EQ(server.code(), errc::server_error);
  EXPECT_FALSE(server.details().retry_safe);
  EXPECT_EQ(decode_error_fixture("response_error_401.json").details().provider_message, "Invalid API Key");
}

TEST(KinoviDecodeError, InsufficientCredits) {
  const auto e = decode_error_fixture("response_error_402.json");
  EXPECT_EQ(e.code(), errc::insufficient_credits);
  EXPECT_EQ(e.code(), seedance::condition::insufficient_credits);
  EXPECT_EQ(e.details().credits_required, 200);
  EXPECT_EQ(e.details().credits_available, 0);
  EXPECT_NE(std::string(e.what()).find("Insufficient credits"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("HTTP 402"), std::string::npos);

  const auto strings = decode_error_fixture("response_error_402_strings_tolerant.json");
  EXPECT_EQ(strings.details().credits_required, 200);
  EXPECT_EQ(strings.details().credits_available, 10.5);
}

TEST(KinoviDecodeError, ConcurrencyLimit) {
  const auto e = decode_error_fixture("response_error_429.json");
  EXPECT_EQ(e.code(), errc::rate_limited);
  EXPECT_EQ(e.details().concurrency_limit, 5);
  EXPECT_EQ(e.details().concurrency_current, 5);
  EXPECT_FALSE(e.details().retry_after);

  const auto tolerant = decode_error_fixture("response_error_429_retry_after_tolerant.json");
  EXPECT_EQ(tolerant.details().concurrency_limit, 3);
  EXPECT_EQ(tolerant.details().retry_after, std::chrono::seconds(30));
  EXPECT_EQ(tolerant.details().request_id, "req-kinovi-1");
}

TEST(KinoviDecodeError, NonJsonBody) {
  const auto e = decode_error_fixture("response_error_502_html_tolerant.json");
  EXPECT_EQ(e.code(), errc::server_error);
  EXPECT_EQ(e.details().provider_message, "<html><body>502 Bad Gateway</body></html>");
}

TEST(KinoviDecodeError, NeverThrowsOnGarbage) {
  for (const char* body :
       {"", "null", "[]", "[1,2]", "\"text\"", "42", "{", "{\"message\":[1]}", "{\"errors\":\"x\"}",
        "{\"errors\":[1,null,{\"path\":{}}]}", "{\"limit\":1e999}", "{\"required\":\"abc\",\"limit\":99999999999}"}) {
    for (int status : {0, 302, 400, 402, 429, 500, 999}) {
      seedance::error e = kinovi::decode_error(response_with(status, body));
      EXPECT_EQ(e.details().http_status, status);
      EXPECT_NE(std::string(e.what()).find("kinovi: "), std::string::npos);
    }
  }
  EXPECT_EQ(kinovi::decode_error(response_with(302, "")).code(), errc::bad_response);
  EXPECT_FALSE(kinovi::decode_error(response_with(429, "{\"limit\":99999999999}")).details().concurrency_limit);
}

TEST(KinoviDecodeError, MessageIsOneLine) {
  const auto e = kinovi::decode_error(response_with(400, "{\"message\":\"line1\\nline2\\r\\u0000\"}"));
  EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  EXPECT_EQ(std::string(e.what()).find('\r'), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks

TEST(KinoviWebhook, EnvelopedStateSuccess) {
  const auto t = kinovi::decode_webhook(fx::read_fixture("kinovi/webhook_enveloped_state_success.json"));
  EXPECT_EQ(t.id, "task_d5ibgnwdlw8fe3zpptx9mp0f");
  EXPECT_EQ(t.state, task_state::succeeded);
  EXPECT_EQ(t.provider_state, "success");
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].height, 720);
  EXPECT_EQ(t.completed_at, ms(1789985975235));
  EXPECT_EQ(t.raw, fx::load_json("kinovi/webhook_enveloped_state_success.json"));
}

TEST(KinoviWebhook, EnvelopedStateFail) {
  const auto t = kinovi::decode_webhook(fx::read_fixture("kinovi/webhook_enveloped_state_fail.json"));
  EXPECT_EQ(t.state, task_state::failed);
  ASSERT_TRUE(t.error);
  EXPECT_EQ(t.error->code, "2038");
  EXPECT_EQ(t.error->message, "Input text violates platform rules");
  EXPECT_EQ(t.cost->amount, 0);
}

TEST(KinoviWebhook, EnvelopedStatusSuccess) {
  const auto t = kinovi::decode_webhook(fx::read_fixture("kinovi/webhook_enveloped_status_success.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].seed, 7);
  EXPECT_EQ(t.videos[0].last_frame_url, "https://static.kinovi.ai/videos/z_lastframe.png");
}

TEST(KinoviWebhook, FlatStatusSuccess) {
  const auto t = kinovi::decode_webhook(fx::read_fixture("kinovi/webhook_flat_status_success.json"));
  EXPECT_EQ(t.state, task_state::succeeded);
  EXPECT_EQ(t.videos.at(0).url, "https://static.seedance2-pro.com/videos/d5.mp4");
}

TEST(KinoviWebhook, FlatStatusWithStringError) {
  const auto t = kinovi::decode_webhook(fx::read_fixture("kinovi/webhook_flat_status_fail_string_error.json"));
  EXPECT_EQ(t.state, task_state::failed);
  EXPECT_EQ(t.error->message, "Invalid prompt content");
  EXPECT_EQ(t.cost->amount, 200);
}

TEST(KinoviWebhook, HopelessBodies) {
  for (const char* body :
       {"", "not json", "[]", "\"s\"", "{}", "{\"code\":200,\"message\":\"success\"}", "{\"code\":200,\"data\":{}}"})
    expect_error([&] { kinovi::decode_webhook(body); }, errc::bad_response);
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile bodies

TEST(KinoviHostile, DeepNestingIsBadResponse) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_error([&] { kinovi::decode_status(response_with(200, deep)); }, errc::bad_response);
  const std::string deep_object = "{\"taskId\":\"t\",\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  expect_error([&] { kinovi::decode_status(response_with(200, deep_object)); }, errc::bad_response);
  expect_error([&] { kinovi::decode_webhook(deep); }, errc::bad_response);
  EXPECT_EQ(kinovi::decode_error(response_with(500, deep)).code(), errc::server_error);
}

TEST(KinoviHostile, NonObjectsAreBadResponse) {
  for (const char* body : {"[{\"taskId\":\"t\"}]", "null", "true", "1", "\"taskId\"", "{\"taskId\":\"t\"} trailing"}) {
    expect_error([&] { kinovi::decode_created(response_with(200, body)); }, errc::bad_response);
    expect_error([&] { kinovi::decode_status(response_with(200, body)); }, errc::bad_response);
  }
}

TEST(KinoviHostile, GiantNumbersAreIgnored) {
  const auto t = kinovi::decode_status(response_with(
      200,
      R"({"taskId":1e999,"status":"success","creditsUsed":-1e999,"createTime":1e300,"completeTime":99999999999999999999,
              "output":[{"url":"u","width":1e20,"height":-5,"seed":123456789012345678901234567890}]})"));
  EXPECT_EQ(t.state, task_state::succeeded);
  EXPECT_FALSE(t.cost);
  EXPECT_FALSE(t.created_at);
  EXPECT_FALSE(t.completed_at);
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_FALSE(t.videos[0].width);
  EXPECT_FALSE(t.videos[0].height);
  EXPECT_FALSE(t.videos[0].seed);
  // A 16-digit millisecond time that system_clock cannot hold is dropped, not overflowed.
  EXPECT_FALSE(
      kinovi::decode_status(response_with(200, R"({"taskId":"t","createTime":4000000000000000000})")).created_at);
}

}  // namespace

// BytePlus / Volcengine Ark codec against the golden fixtures in tests/fixtures/ark.
#include <gtest/gtest.h>

#include <seedance/providers/ark.hpp>
#include <support/fixtures.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace {

using seedance::ark;
using seedance::errc;
using seedance::task_state;
namespace fx = seedance::test_support;

constexpr std::string_view task_id = "cgt-20260128123456-x7k2p";
constexpr std::string_view request_id = "0217655104751230000000000000000000000000000ab12cd";
constexpr std::string_view video_url =
    "https://ark-content-generation-ap-southeast-1.tos-ap-southeast-1.volces.com/dreamina-seedance-2-0/"
    "02176551047512300.mp4?X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Expires=86400";
constexpr std::string_view last_frame_url =
    "https://ark-content-generation-ap-southeast-1.tos-ap-southeast-1.volces.com/dreamina-seedance-2-0/"
    "02176551047512300-last.jpeg?X-Tos-Expires=86400";

seedance::http::response fixture(std::string_view name) { return fx::load_response("ark/" + std::string(name)); }

boost::json::value body_of(const seedance::http::request& r) { return boost::json::parse(r.body); }

std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// Runs `f`, expects a seedance::error with `code`, returns it.
template <class F>
seedance::error expect_error(F&& f, errc code) {
  try {
    f();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), seedance::make_error_code(code)) << e.what();
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

// ---- identity and model ids ----------------------------------------------------------------------------------

TEST(ArkCodec, IdentityAndRegions) {
  static_assert(ark::id == seedance::provider_id::ark);
  EXPECT_EQ(ark::name, "ark");
  EXPECT_EQ(ark::default_base_url, "https://ark.ap-southeast.bytepluses.com/api/v3");
  EXPECT_EQ(ark::base_url(seedance::ark_region::volcengine), "https://ark.cn-beijing.volces.com/api/v3");
  EXPECT_EQ(ark::base_url(seedance::ark_region::byteplus), ark::default_base_url);
  EXPECT_EQ(ark::api_key_env, "ARK_API_KEY");
  using seedance::ark_region;
  using seedance::model;
  static_assert(ark::model_id(model::seedance_2_0) == "dreamina-seedance-2-0-260128");
  static_assert(ark::model_id(model::seedance_2_0_fast) == "dreamina-seedance-2-0-fast-260128");
  static_assert(ark::model_id(model::seedance_1_5_pro) == "seedance-1-5-pro-251215");
  static_assert(ark::model_id(model::seedance_2_0, ark_region::volcengine) == "doubao-seedance-2-0-260128");
  static_assert(ark::model_id(model::seedance_2_0_fast, ark_region::volcengine) == "doubao-seedance-2-0-fast-260128");
  static_assert(ark::model_id(model::seedance_1_5_pro, ark_region::volcengine) == "doubao-seedance-1-5-pro-251215");
  static_assert(ark::state_from_wire("expired") == task_state::expired);
  static_assert(ark::state_from_wire("Running") == task_state::running);
  static_assert(ark::state_from_wire("processing") == task_state::unknown);
}

// ---- encode_create ---------------------------------------------------------------------------------------------

TEST(ArkCodec, EncodeText) {
  seedance::request r;
  r.prompt = "A red fox runs through fresh snow at dawn, slow tracking shot";
  r.generate_audio = true;
  r.resolution = seedance::resolution::p720;
  r.ratio = seedance::aspect_ratio::r16_9;
  r.duration = std::chrono::seconds{5};
  r.watermark = false;
  const auto req = ark::encode_create(r);
  EXPECT_EQ(req.method, seedance::http::method::post);
  EXPECT_EQ(req.target, "/contents/generations/tasks");
  EXPECT_EQ(req.headers.find("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(body_of(req), fx::load_json("ark/request_text.json"));
}

TEST(ArkCodec, EncodeFirstFrameWithEveryOption) {
  seedance::request r;
  r.prompt = "The woman turns towards the camera and smiles";
  r.images = {"https://cdn.example.com/in/first.png"};
  r.callback_url = "https://hooks.example.com/ark";
  r.return_last_frame = true;
  r.resolution = seedance::resolution::p1080;
  r.ratio = seedance::aspect_ratio::adaptive;
  r.duration = seedance::auto_duration;
  r.seed = 42;
  r.camera_fixed = true;
  EXPECT_EQ(body_of(ark::encode_create(r)), fx::load_json("ark/request_first_frame.json"));
}

TEST(ArkCodec, EncodeFirstFrameWithoutPromptHasNoTextItem) {
  seedance::request r;
  r.images = {"data:image/png;base64,iVBORw0KGgo="};
  EXPECT_EQ(body_of(ark::encode_create(r)), fx::load_json("ark/request_first_frame_no_prompt.json"));
}

TEST(ArkCodec, EncodeFirstLastFrame) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.prompt = "Day turns to night over the harbour";
  r.images = {"https://cdn.example.com/in/day.jpg", "https://cdn.example.com/in/night.jpg"};
  r.resolution = seedance::resolution::p480;
  r.ratio = seedance::aspect_ratio::r4_3;
  r.duration = std::chrono::seconds{6};
  EXPECT_EQ(body_of(ark::encode_create(r)), fx::load_json("ark/request_first_last_frame.json"));
}

TEST(ArkCodec, EncodeReference) {
  seedance::request r;
  r.prompt = "[Image1] dances to [Audio1] in the style of [Video1], with [Image2] as the stage";
  r.images = {"https://cdn.example.com/in/dancer.png", "asset://asset-20260128-stage"};
  r.videos = {"https://cdn.example.com/in/style.mp4"};
  r.audios = {"https://cdn.example.com/in/song.mp3"};
  r.expires_after = std::chrono::hours{24};
  r.generate_audio = false;
  r.resolution = seedance::resolution::p1080;
  r.ratio = seedance::aspect_ratio::r21_9;
  r.duration = std::chrono::seconds{10};
  EXPECT_EQ(body_of(ark::encode_create(r)), fx::load_json("ark/request_reference.json"));
}

TEST(ArkCodec, EncodeTwoImagesAsReferenceWhenAsked) {
  seedance::request r;
  r.prompt = "x";
  r.images = {"https://a/1.png", "https://a/2.png"};
  r.mode = seedance::generation_mode::reference;
  const auto body = body_of(ark::encode_create(r));
  const auto& content = body.at("content").as_array();
  ASSERT_EQ(content.size(), 3u);
  EXPECT_EQ(content[1].at("role"), "reference_image");
  EXPECT_EQ(content[2].at("role"), "reference_image");
}

TEST(ArkCodec, Encode4k) {
  seedance::request r;
  r.prompt = "Macro shot of dew on a spider web";
  r.resolution = seedance::resolution::p4k;
  r.ratio = seedance::aspect_ratio::r16_9;
  r.duration = std::chrono::seconds{4};
  EXPECT_EQ(body_of(ark::encode_create(r)), fx::load_json("ark/request_4k.json"));
}

TEST(ArkCodec, EncodeRegionsSelectModelIds) {
  seedance::request r;
  r.prompt = "一只红狐狸在雪地里奔跑";
  r.ratio = seedance::aspect_ratio::r9_16;
  r.duration = std::chrono::seconds{5};
  EXPECT_EQ(body_of(ark::encode_create(r, {.region = seedance::ark_region::volcengine})),
            fx::load_json("ark/request_volcengine_text.json"));

  seedance::request pro;
  pro.model = seedance::model::seedance_1_5_pro;
  pro.prompt = "Waves crash against a lighthouse";
  pro.images = {"https://cdn.example.com/in/lighthouse.jpg"};
  pro.duration = std::chrono::seconds{12};
  EXPECT_EQ(body_of(ark::encode_create(pro, {.region = seedance::ark_region::volcengine})),
            fx::load_json("ark/request_volcengine_1_5_pro.json"));
  EXPECT_EQ(body_of(ark::encode_create(pro)), fx::load_json("ark/request_byteplus_1_5_pro.json"));
}

TEST(ArkCodec, EncodeEndpointIdAndExtraMergePatch) {
  seedance::request r;
  r.model_id = "ep-20260128123456-abcde";
  r.prompt = "A paper boat drifts down a gutter";
  r.duration = std::chrono::seconds{5};
  r.watermark = true;
  r.extra = {{"service_tier", "default"}, {"safety_identifier", "5f2b9c"}, {"watermark", nullptr}};
  EXPECT_EQ(body_of(ark::encode_create(r, {.region = seedance::ark_region::volcengine})),
            fx::load_json("ark/request_endpoint_extra.json"));
}

TEST(ArkCodec, EncodeRefusesWhatArkCannotExpress) {
  seedance::request r;  // text mode, empty prompt
  r.metadata = {{"k", "v"}};
  r.upscale_4k = true;
  r.high_bitrate = true;
  const auto e = expect_error([&] { ark::encode_create(r); }, errc::invalid_request);
  for (auto field : {"prompt", "metadata", "upscale_4k", "high_bitrate"}) EXPECT_TRUE(has_problem(e, field)) << field;
  EXPECT_EQ(std::string(e.what()).rfind("ark: ", 0), 0u);

  seedance::request frames;
  frames.prompt = "x";
  frames.images = {"https://a/1.png", "https://a/2.png"};
  frames.mode = seedance::generation_mode::first_frame;  // the second image would be dropped
  EXPECT_TRUE(has_problem(expect_error([&] { ark::encode_create(frames); }, errc::invalid_request), "images"));

  seedance::request audio_only;
  audio_only.prompt = "x";
  audio_only.audios = {"https://a/1.mp3"};
  EXPECT_TRUE(has_problem(expect_error([&] { ark::encode_create(audio_only); }, errc::invalid_request), "audios"));

  seedance::request text_with_media;
  text_with_media.prompt = "x";
  text_with_media.videos = {"https://a/1.mp4"};
  text_with_media.mode = seedance::generation_mode::text;
  EXPECT_TRUE(has_problem(expect_error([&] { ark::encode_create(text_with_media); }, errc::invalid_request), "mode"));
}

// ---- create, retrieve ------------------------------------------------------------------------------------------

TEST(ArkCodec, DecodeCreated) {
  const auto t = ark::decode_created(fixture("response_create.json"));
  EXPECT_EQ(t.id, task_id);
  EXPECT_EQ(t.state, task_state::queued);
  EXPECT_TRUE(t.provider_state.empty());
  EXPECT_EQ(t.raw, fx::response_body("ark/response_create.json"));

  const auto with_status = ark::decode_created(fixture("response_create_with_status_tolerant.json"));
  EXPECT_EQ(with_status.provider_state, "queued");
  EXPECT_EQ(with_status.model, "dreamina-seedance-2-0-260128");

  expect_error([] { ark::decode_created(fixture("response_create_no_id.json")); }, errc::bad_response);
  const auto e = expect_error([] { ark::decode_created(fixture("response_create_error_in_2xx_tolerant.json")); },
                              errc::invalid_request);
  EXPECT_EQ(e.details().param, "duration");
  EXPECT_EQ(e.details().request_id, request_id);
}

TEST(ArkCodec, StatusRequestEncodesTheId) {
  const auto r = ark::status_request(task_id);
  EXPECT_EQ(r.method, seedance::http::method::get);
  EXPECT_EQ(r.target, "/contents/generations/tasks/cgt-20260128123456-x7k2p");
  EXPECT_EQ(ark::status_request("a/b?c#d").target, "/contents/generations/tasks/a%2Fb%3Fc%23d");
  expect_error([] { ark::status_request(""); }, errc::invalid_request);
  expect_error([] { ark::status_request("."); }, errc::invalid_request);
}

TEST(ArkCodec, DecodeEveryState) {
  struct expectation {
    const char* file;
    task_state state;
    const char* provider_state;
  };
  for (const auto& [file, state, wire] :
       {expectation{"response_status_queued.json", task_state::queued, "queued"},
        {"response_status_running.json", task_state::running, "running"},
        {"response_status_succeeded.json", task_state::succeeded, "succeeded"},
        {"response_status_failed.json", task_state::failed, "failed"},
        {"response_status_cancelled.json", task_state::cancelled, "cancelled"},
        {"response_status_expired.json", task_state::expired, "expired"},
        {"response_status_unknown_state_tolerant.json", task_state::unknown, "paused"}}) {
    const auto t = ark::decode_status(fixture(file));
    EXPECT_EQ(t.id, task_id) << file;
    EXPECT_EQ(t.state, state) << file;
    EXPECT_EQ(t.provider_state, wire) << file;
    EXPECT_EQ(t.model, "dreamina-seedance-2-0-260128") << file;
    EXPECT_EQ(t.videos.empty(), state != task_state::succeeded) << file;
    EXPECT_EQ(t.error.has_value(), state == task_state::failed) << file;
    ASSERT_TRUE(t.created_at) << file;
    EXPECT_EQ(epoch_seconds(*t.created_at), 1765510475) << file;
    EXPECT_EQ(t.completed_at.has_value(), seedance::is_terminal(state)) << file;
    EXPECT_FALSE(t.progress) << file;
    EXPECT_EQ(t.raw, fx::response_body("ark/" + std::string(file))) << file;
  }
}

TEST(ArkCodec, DecodeSucceeded) {
  const auto t = ark::decode_status(fixture("response_status_succeeded.json"));
  ASSERT_EQ(t.videos.size(), 1u);
  EXPECT_EQ(t.videos[0].url, video_url);
  EXPECT_EQ(t.videos[0].last_frame_url, last_frame_url);
  EXPECT_EQ(t.videos[0].seed, 58944);
  EXPECT_EQ(t.videos[0].task_id, task_id);
  ASSERT_TRUE(t.cost);
  EXPECT_EQ(t.cost->amount, 246840);
  EXPECT_EQ(t.cost->unit, seedance::cost_unit::tokens);
  EXPECT_FALSE(t.cost->estimated);
  ASSERT_TRUE(t.completed_at);
  EXPECT_EQ(epoch_seconds(*t.completed_at), 1765510559);
}

TEST(ArkCodec, DecodeFailedAndExpired) {
  const auto failed = ark::decode_status(fixture("response_status_failed.json"));
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, "OutputVideoSensitiveContentDetected");
  EXPECT_NE(failed.error->message.find("sensitive content"), std::string::npos);

  const auto expired = ark::decode_status(fixture("response_status_expired.json"));
  EXPECT_TRUE(seedance::is_terminal(expired.state));
  ASSERT_TRUE(expired.completed_at);
  EXPECT_EQ(epoch_seconds(*expired.completed_at), 1765683275);

  const auto text = ark::decode_status(fixture("response_status_failed_string_error_tolerant.json"));
  ASSERT_TRUE(text.error);
  EXPECT_EQ(text.error->message, "internal generation error");
}

TEST(ArkCodec, DecodeStatusTolerant) {
  const auto minimal = ark::decode_status(fixture("response_status_missing_optional_tolerant.json"));
  EXPECT_EQ(minimal.state, task_state::running);
  EXPECT_FALSE(minimal.created_at);
  EXPECT_FALSE(minimal.cost);

  const auto typed = ark::decode_status(fixture("response_status_types_tolerant.json"));
  EXPECT_EQ(typed.state, task_state::succeeded);
  EXPECT_EQ(typed.provider_state, "SUCCEEDED");
  ASSERT_EQ(typed.videos.size(), 1u);
  EXPECT_EQ(typed.videos[0].url, video_url);
  EXPECT_TRUE(typed.videos[0].last_frame_url.empty());
  EXPECT_EQ(typed.videos[0].seed, 58944);
  ASSERT_TRUE(typed.cost);
  EXPECT_EQ(typed.cost->amount, 246840);
  ASSERT_TRUE(typed.created_at);
  EXPECT_EQ(epoch_seconds(*typed.created_at), 1765510475);
  EXPECT_FALSE(typed.error);  // `error: {}` is no error

  const auto millis = ark::decode_status(fixture("response_status_milliseconds_tolerant.json"));
  ASSERT_TRUE(millis.created_at);
  EXPECT_EQ(epoch_seconds(*millis.created_at), 1765510475);
  ASSERT_TRUE(millis.cost);
  EXPECT_EQ(millis.cost->amount, 108900);  // total_tokens when completion_tokens is absent

  const auto no_content = ark::decode_status(fixture("response_status_succeeded_no_content_tolerant.json"));
  EXPECT_EQ(no_content.state, task_state::running);  // keep polling
  EXPECT_EQ(no_content.provider_state, "succeeded");
}

TEST(ArkCodec, DecodeStatusHopeless) {
  expect_error([] { ark::decode_status(fixture("response_status_no_id_no_status.json")); }, errc::bad_response);
  expect_error([] { ark::decode_status(fixture("response_status_not_json.json")); }, errc::bad_response);
}

// ---- cancel ----------------------------------------------------------------------------------------------------

TEST(ArkCodec, Cancel) {
  const auto req = ark::cancel_request(task_id);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, seedance::http::method::delete_);
  EXPECT_EQ(req->target, "/contents/generations/tasks/cgt-20260128123456-x7k2p");
  EXPECT_TRUE(req->body.empty());
  expect_error([] { (void)ark::cancel_request(""); }, errc::invalid_request);

  const auto t = ark::decode_cancelled(fixture("response_cancel.json"), task_id);
  EXPECT_EQ(t.id, task_id);
  EXPECT_EQ(t.state, task_state::cancelled);
  const auto empty = ark::decode_cancelled(fixture("response_cancel_no_content_tolerant.json"), task_id);
  EXPECT_EQ(empty.id, task_id);
  EXPECT_EQ(empty.state, task_state::cancelled);
}

// ---- list ------------------------------------------------------------------------------------------------------

TEST(ArkCodec, ListRequestDefaults) {
  const auto r = ark::list_request({});
  EXPECT_EQ(r.method, seedance::http::method::get);
  EXPECT_EQ(r.target, "/contents/generations/tasks?page_num=1&page_size=20");
}

TEST(ArkCodec, ListRequestEveryFilterRepeatedAndEncoded) {
  ark::list_query q;
  q.page_num = 3;
  q.page_size = 500;
  q.status = task_state::succeeded;
  q.task_ids = {"cgt-1", "cgt-2", "a&b=c d+/é"};
  q.model = "dreamina-seedance-2-0-260128";
  q.service_tier = "default";
  EXPECT_EQ(ark::list_request(q).target,
            "/contents/generations/tasks?page_num=3&page_size=500&filter.status=succeeded&filter.task_ids=cgt-1"
            "&filter.task_ids=cgt-2&filter.task_ids=a%26b%3Dc%20d%2B%2F%C3%A9"
            "&filter.model=dreamina-seedance-2-0-260128&filter.service_tier=default");
}

TEST(ArkCodec, ListRequestValidates) {
  for (int size : {0, -1, 501}) {
    const auto e = expect_error([&] { ark::list_request({.page_size = size}); }, errc::invalid_request);
    EXPECT_TRUE(has_problem(e, "page_size")) << size;
  }
  EXPECT_NO_THROW(ark::list_request({.page_size = 1}));
  EXPECT_TRUE(has_problem(expect_error([] { ark::list_request({.page_num = 0}); }, errc::invalid_request), "page_num"));
  EXPECT_TRUE(has_problem(
      expect_error([] { ark::list_request({.status = task_state::unknown}); }, errc::invalid_request), "status"));
  EXPECT_TRUE(has_problem(expect_error(
                              [] {
                                ark::list_request({.task_ids = {"a", ""}});
                              },
                              errc::invalid_request),
                          "task_ids[1]"));
}

TEST(ArkCodec, DecodeList) {
  const auto page = ark::decode_list(fixture("response_list.json"));
  EXPECT_EQ(page.total, 27);
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].id, task_id);
  EXPECT_EQ(page.items[0].state, task_state::succeeded);
  ASSERT_EQ(page.items[0].videos.size(), 1u);
  EXPECT_EQ(page.items[0].videos[0].url, video_url);
  EXPECT_EQ(page.items[1].id, "cgt-20260128123500-a1b2c");
  EXPECT_EQ(page.items[1].state, task_state::running);
  EXPECT_EQ(page.items[2].state, task_state::failed);
  ASSERT_TRUE(page.items[2].error);
  EXPECT_EQ(page.items[2].error->code, "OutputVideoSensitiveContentDetected");

  const auto empty = ark::decode_list(fixture("response_list_empty.json"));
  EXPECT_EQ(empty.total, 0);
  EXPECT_TRUE(empty.items.empty());

  const auto typed = ark::decode_list(fixture("response_list_types_tolerant.json"));
  EXPECT_EQ(typed.total, 2);
  ASSERT_EQ(typed.items.size(), 2u);
  EXPECT_EQ(typed.items[1].state, task_state::unknown);
  EXPECT_EQ(typed.items[1].provider_state, "brand-new-state");

  const auto no_items = ark::decode_list(fixture("response_list_no_items_tolerant.json"));
  EXPECT_TRUE(no_items.items.empty());

  expect_error([] { ark::decode_list(fixture("response_list_items_not_array.json")); }, errc::bad_response);
  expect_error([] { ark::decode_list(fixture("response_list_item_without_id.json")); }, errc::bad_response);
}

// ---- errors ----------------------------------------------------------------------------------------------------

TEST(ArkCodec, DecodeErrors) {
  struct expectation {
    const char* file;
    errc code;
    int status;
    const char* provider_code;
  };
  for (const auto& [file, code, status, provider_code] :
       {expectation{"response_error_400_invalid_parameter.json", errc::invalid_request, 400, "InvalidParameter"},
        {"response_error_400_missing_parameter.json", errc::invalid_request, 400, "MissingParameter"},
        {"response_error_400_input_image_sensitive.json", errc::rejected, 400,
         "InputImageSensitiveContentDetected.PrivacyInformation"},
        {"response_error_400_input_text_sensitive.json", errc::rejected, 400, "InputTextSensitiveContentDetected"},
        {"response_error_401.json", errc::unauthorized, 401, "AuthenticationError"},
        {"response_error_403_overdue.json", errc::insufficient_credits, 403, "AccountOverdueError"},
        {"response_error_403_access_denied.json", errc::forbidden, 403, "AccessDenied"},
        {"response_error_404.json", errc::not_found, 404, "InvalidEndpoint.NotFound"},
        {"response_error_429_rpm.json", errc::rate_limited, 429, "RateLimitExceeded.EndpointRPMExceeded"},
        {"response_error_429_quota.json", errc::rate_limited, 429, "QuotaExceeded"},
        {"response_error_500.json", errc::server_error, 500, "InternalServiceError"},
        {"response_error_502_html_tolerant.json", errc::server_error, 502, ""},
        {"response_error_string_tolerant.json", errc::rejected, 400, ""}}) {
    const auto e = ark::decode_error(fixture(file));
    EXPECT_EQ(e.code(), seedance::make_error_code(code)) << file << ": " << e.what();
    EXPECT_EQ(e.details().http_status, status) << file;
    EXPECT_EQ(e.details().provider_code, provider_code) << file;
    EXPECT_EQ(std::string(e.what()).rfind("ark: HTTP ", 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << file;
  }
}

TEST(ArkCodec, ErrorDetails) {
  const auto invalid = ark::decode_error(fixture("response_error_400_invalid_parameter.json"));
  EXPECT_EQ(invalid.details().param, "ratio");
  EXPECT_EQ(invalid.details().provider_type, "BadRequest");
  EXPECT_EQ(invalid.details().request_id, request_id);  // from the message
  EXPECT_NE(invalid.details().provider_message.find("`ratio`"), std::string::npos);
  EXPECT_TRUE(invalid.details().retry_safe);
  EXPECT_FALSE(invalid.details().retry_after);

  const auto limited = ark::decode_error(fixture("response_error_429_rpm.json"));
  EXPECT_EQ(limited.details().request_id, "20260128123456ABCDEF");  // the header wins
  ASSERT_TRUE(limited.details().retry_after);
  EXPECT_EQ(*limited.details().retry_after, std::chrono::seconds{20});
  EXPECT_EQ(limited.details().provider_type, "TooManyRequests");

  EXPECT_FALSE(ark::decode_error(fixture("response_error_500.json")).details().retry_safe);
  EXPECT_EQ(ark::decode_error(fixture("response_error_string_tolerant.json")).details().provider_message,
            "bad request");
}

TEST(ArkCodec, DecodeErrorNeverThrowsOnHostileBodies) {
  for (std::string body : {std::string(), std::string("\0\xff", 2), std::string(200000, '{'), std::string("[]"),
                           std::string("{\"error\":{\"code\":{},\"message\":[\"Request id:\"]}}"),
                           std::string("{\"error\":{\"message\":\"Request id:\"}}"),
                           std::string("{\"error\":{\"message\":\"request ID:   \\u0000abc.\"}}")}) {
    for (int status : {0, 200, 400, 429, 599, 1000, -5}) {
      seedance::http::response r;
      r.status = status;
      r.body = body;
      r.headers.add("Retry-After", "-3");
      EXPECT_NO_THROW((void)ark::decode_error(r));
    }
  }
}

// ---- webhook ---------------------------------------------------------------------------------------------------

TEST(ArkCodec, DecodeWebhookOnEveryStatusChange) {
  EXPECT_EQ(ark::decode_webhook(fx::read_fixture("ark/webhook_running.json")).state, task_state::running);
  const auto ok = ark::decode_webhook(fx::read_fixture("ark/webhook_succeeded.json"));
  EXPECT_EQ(ok.id, task_id);
  EXPECT_EQ(ok.state, task_state::succeeded);
  ASSERT_EQ(ok.videos.size(), 1u);
  EXPECT_EQ(ok.videos[0].last_frame_url, last_frame_url);
  ASSERT_TRUE(ok.cost);
  EXPECT_EQ(ok.cost->amount, 246840);
  const auto failed = ark::decode_webhook(fx::read_fixture("ark/webhook_failed.json"));
  EXPECT_EQ(failed.state, task_state::failed);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, "OutputVideoSensitiveContentDetected");
  EXPECT_EQ(ark::decode_webhook(fx::read_fixture("ark/webhook_expired.json")).state, task_state::expired);
  const auto enveloped = ark::decode_webhook(fx::read_fixture("ark/webhook_enveloped_tolerant.json"));
  EXPECT_EQ(enveloped.id, task_id);
  EXPECT_EQ(enveloped.state, task_state::succeeded);

  for (std::string_view hostile : {"", "[]", "\"cgt\"", "{}", "{\"data\":{}}", "{\"id\":", "{\"id\":[1]}"})
    expect_error([&] { ark::decode_webhook(hostile); }, errc::bad_response);
}

// ---- hostile bodies --------------------------------------------------------------------------------------------

TEST(ArkCodec, HostileBodiesAreBadResponsesNotCrashes) {
  const std::string deep = "{\"id\":" + std::string(3000, '[') + std::string(3000, ']') + "}";
  for (const std::string& body :
       {std::string(), deep, std::string("{\"id\":\"x\",\"created_at\":1e300,\"updated_at\":-1,\"status\":\"failed\"}"),
        std::string("{\"id\":\"x\",\"status\":\"succeeded\",\"content\":\"nope\",\"usage\":[],\"seed\":1.5}"),
        std::string("{\"items\":[1,2]}"), std::string("{\"items\":[{\"id\":{}}]}"),
        std::string("{\"id\":\"x\",\"created_at\":99999999999999999999999}")}) {
    seedance::http::response r;
    r.status = 200;
    r.body = body;
    try {
      (void)ark::decode_created(r);
    } catch (const seedance::error&) {
    }
    try {
      (void)ark::decode_status(r);
    } catch (const seedance::error&) {
    }
    try {
      (void)ark::decode_list(r);
    } catch (const seedance::error&) {
    }
    EXPECT_NO_THROW((void)ark::decode_cancelled(r, "x"));
  }
  seedance::http::response deep_response;
  deep_response.status = 200;
  deep_response.body = deep;
  expect_error([&] { ark::decode_status(deep_response); }, errc::bad_response);
}

}  // namespace

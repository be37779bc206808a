// seedance2.ink codec against the golden fixtures in tests/fixtures/seedance2ink.
#include <gtest/gtest.h>

#include <seedance/providers/seedance2ink.hpp>
#include <support/fixtures.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace {

using seedance::errc;
using seedance::seedance2ink;
using seedance::task_state;
namespace fx = seedance::test_support;

constexpr std::string_view video_url = "https://pub-0a1b2c3d.r2.dev/open-api-results/req_1234567890.mp4";

seedance::http::response fixture(std::string_view name) {
  return fx::load_response("seedance2ink/" + std::string(name));
}

boost::json::value body_of(const seedance::http::request& r) { return boost::json::parse(r.body); }

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

// ---- identity -----------------------------------------------------------------------------------------------

TEST(Seedance2inkCodec, Identity) {
  static_assert(seedance2ink::id == seedance::provider_id::seedance2ink);
  EXPECT_EQ(seedance2ink::name, "seedance2ink");
  EXPECT_EQ(seedance2ink::display_name, "seedance2.ink");
  EXPECT_EQ(seedance2ink::default_base_url, "https://www.seedance2.ink");
  EXPECT_EQ(seedance2ink::api_key_env, "SEEDANCE2INK_API_KEY");
  static_assert(seedance2ink::state_from_wire("processing") == task_state::running);
  static_assert(seedance2ink::state_from_wire("CANCELED") == task_state::cancelled);
  static_assert(seedance2ink::state_from_wire("expired") == task_state::unknown);
}

// ---- encode_create --------------------------------------------------------------------------------------------

TEST(Seedance2inkCodec, EncodeText) {
  seedance::request r;
  r.prompt = "A red fox runs through fresh snow at dawn, slow tracking shot";
  r.ratio = seedance::aspect_ratio::r16_9;
  r.duration = std::chrono::seconds{5};
  r.resolution = seedance::resolution::p720;
  const auto req = seedance2ink::encode_create(r);
  EXPECT_EQ(req.method, seedance::http::method::post);
  EXPECT_EQ(req.target, "/api/open/v1/video/generations");
  EXPECT_EQ(req.headers.find("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(body_of(req), fx::load_json("seedance2ink/request_text.json"));
}

TEST(Seedance2inkCodec, EncodeFirstFrameWithWebhookAndMetadata) {
  seedance::request r;
  r.prompt = "The woman turns towards the camera and smiles";
  r.images = {"https://cdn.example.com/in/first.png"};
  r.ratio = seedance::aspect_ratio::r9_16;
  r.duration = std::chrono::seconds{8};
  r.resolution = seedance::resolution::p1080;
  r.callback_url = "https://hooks.example.com/seedance2ink";
  r.metadata = {{"order", "A-17"}, {"priority", 2}};
  r.mode = seedance::generation_mode::first_frame;  // explicit and matching the media: fine
  EXPECT_EQ(body_of(seedance2ink::encode_create(r)), fx::load_json("seedance2ink/request_first_frame.json"));
}

TEST(Seedance2inkCodec, EncodeFirstLastFrameKeepsOrder) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.prompt = "Day turns to night over the harbour";
  r.images = {"https://cdn.example.com/in/day.jpg", "https://cdn.example.com/in/night.jpg"};
  r.ratio = seedance::aspect_ratio::r1_1;
  r.duration = std::chrono::seconds{10};
  r.resolution = seedance::resolution::p480;
  EXPECT_EQ(body_of(seedance2ink::encode_create(r)), fx::load_json("seedance2ink/request_first_last_frame.json"));
}

TEST(Seedance2inkCodec, EncodeReferenceImagesVideosAudioInOneList) {
  seedance::request r;
  r.model = seedance::model::seedance_2_0_fast;
  r.prompt = "@image1 dances to @audio1 in the style of @video1";
  r.images = {"https://cdn.example.com/in/dancer.png", "https://cdn.example.com/in/stage.webp"};
  r.videos = {"https://cdn.example.com/in/style.mp4"};
  r.audios = {"https://cdn.example.com/in/song.mp3"};
  r.duration = std::chrono::seconds{8};
  r.resolution = seedance::resolution::p720;
  EXPECT_EQ(body_of(seedance2ink::encode_create(r)), fx::load_json("seedance2ink/request_reference.json"));
}

TEST(Seedance2inkCodec, Encode15Pro) {
  seedance::request r;
  r.model = seedance::model::seedance_1_5_pro;
  r.prompt = "Waves crash against a lighthouse";
  r.duration = std::chrono::seconds{10};
  r.resolution = seedance::resolution::p720;
  EXPECT_EQ(body_of(seedance2ink::encode_create(r)), fx::load_json("seedance2ink/request_1_5_pro.json"));
}

TEST(Seedance2inkCodec, EncodeRawModelIdAndExtraMergePatch) {
  seedance::request r;
  r.model_id = "seedance-2.0-preview";
  r.prompt = "A paper boat drifts down a gutter";
  r.ratio = seedance::aspect_ratio::r16_9;
  r.duration = std::chrono::seconds{5};
  r.resolution = seedance::resolution::p1080;
  r.extra = {{"quality", "high"}, {"resolution", nullptr}};  // null removes a generated member
  EXPECT_EQ(body_of(seedance2ink::encode_create(r)), fx::load_json("seedance2ink/request_raw_model_extra.json"));
}

TEST(Seedance2inkCodec, EncodeRefusesFieldsTheApiLacksAllAtOnce) {
  seedance::request r;
  r.prompt = "x";
  r.seed = 7;
  r.generate_audio = false;
  r.watermark = true;
  r.camera_fixed = true;
  r.return_last_frame = true;
  r.expires_after = std::chrono::seconds{3600};
  r.upscale_4k = true;
  r.high_bitrate = true;
  const auto e = expect_error([&] { seedance2ink::encode_create(r); }, errc::invalid_request);
  for (auto field : {"seed", "generate_audio", "watermark", "camera_fixed", "return_last_frame", "expires_after",
                     "upscale_4k", "high_bitrate"})
    EXPECT_TRUE(has_problem(e, field)) << field;
  EXPECT_EQ(e.details().problems.size(), 8u) << e.what();
  EXPECT_NE(std::string(e.what()).find("seedance2ink: "), std::string::npos);
}

TEST(Seedance2inkCodec, EncodeRefusesWhatTheWireCannotCarry) {
  seedance::request r;  // empty prompt
  r.ratio = seedance::aspect_ratio::r4_3;
  r.resolution = seedance::resolution::p4k;
  r.duration = seedance::auto_duration;
  r.images = {"a.png", "b.png", "c.png", "d.png", "e.png", "f.png"};
  const auto e = expect_error([&] { seedance2ink::encode_create(r); }, errc::invalid_request);
  for (auto field : {"prompt", "ratio", "resolution", "duration", "media"}) EXPECT_TRUE(has_problem(e, field)) << field;

  seedance::request pro;
  pro.model = seedance::model::seedance_1_5_pro;
  pro.prompt = "x";
  pro.duration = std::chrono::seconds{8};
  EXPECT_TRUE(has_problem(expect_error([&] { seedance2ink::encode_create(pro); }, errc::invalid_request), "duration"));
}

TEST(Seedance2inkCodec, EncodeRefusesAModeTheServiceWouldNotInfer) {
  seedance::request r;
  r.prompt = "x";
  r.images = {"https://cdn.example.com/a.png"};
  r.mode = seedance::generation_mode::reference;  // one image would run as a first frame
  EXPECT_TRUE(has_problem(expect_error([&] { seedance2ink::encode_create(r); }, errc::invalid_request), "mode"));

  seedance::request audio_only;
  audio_only.prompt = "x";
  audio_only.audios = {"https://cdn.example.com/a.mp3"};
  EXPECT_TRUE(
      has_problem(expect_error([&] { seedance2ink::encode_create(audio_only); }, errc::invalid_request), "audios"));
}

// ---- create, status, cancel -----------------------------------------------------------------------------------

TEST(Seedance2inkCodec, DecodeCreated) {
  const auto t = seedance2ink::decode_created(fixture("response_create.json"));
  EXPECT_EQ(t.id, "req_1234567890");
  EXPECT_EQ(t.state, task_state::queued);
  EXPECT_EQ(t.provider_state, "queued");
  ASSERT_TRUE(t.cost);
  EXPECT_EQ(t.cost->amount, 40);
  EXPECT_EQ(t.cost->unit, seedance::cost_unit::credits);
  EXPECT_FALSE(t.cost->estimated);
  EXPECT_EQ(t.raw, fx::response_body("seedance2ink/response_create.json"));

  const auto reference = seedance2ink::decode_created(fixture("response_create_reference.json"));
  ASSERT_TRUE(reference.cost);
  EXPECT_EQ(reference.cost->amount, 64);
}

TEST(Seedance2inkCodec, DecodeCreatedTolerant) {
  const auto t = seedance2ink::decode_created(fixture("response_create_types_tolerant.json"));
  EXPECT_EQ(t.id, "req_strings");
  EXPECT_EQ(t.state, task_state::queued);
  EXPECT_EQ(t.provider_state, "QUEUED");
  ASSERT_TRUE(t.cost);
  EXPECT_EQ(t.cost->amount, 64);

  const auto bare = seedance2ink::decode_created(fixture("response_create_no_status_tolerant.json"));
  EXPECT_EQ(bare.id, "req_nostatus");
  EXPECT_EQ(bare.state, task_state::queued);
  EXPECT_TRUE(bare.provider_state.empty());
  EXPECT_FALSE(bare.cost);
}

TEST(Seedance2inkCodec, DecodeCreatedHopeless) {
  expect_error([] { seedance2ink::decode_created(fixture("response_create_no_request_id.json")); }, errc::bad_response);
  expect_error([] { seedance2ink::decode_created(fixture("response_create_not_object.json")); }, errc::bad_response);
}

TEST(Seedance2inkCodec, SuccessFalseIn200IsTheProviderError) {
  const auto e = expect_error([] { seedance2ink::decode_created(fixture("response_create_success_false_200.json")); },
                              errc::insufficient_credits);
  EXPECT_EQ(e.details().http_status, 200);
  EXPECT_EQ(e.details().provider_code, "insufficient_credits");
  EXPECT_EQ(e.details().provider_message, "Not enough credits: 40 required, 12 available");

  const auto s = expect_error([] { seedance2ink::decode_status(fixture("response_status_success_false_200.json")); },
                              errc::not_found);
  EXPECT_EQ(s.details().provider_message, "Request req_missing not found");

  expect_error([] { seedance2ink::decode_cancelled(fixture("response_cancel_success_false_200.json"), "req_1"); },
               errc::rejected);
}

TEST(Seedance2inkCodec, StatusRequestEncodesTheId) {
  const auto r = seedance2ink::status_request("req_1234567890");
  EXPECT_EQ(r.method, seedance::http::method::get);
  EXPECT_EQ(r.target, "/api/open/v1/video/generations/req_1234567890");
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(seedance2ink::status_request("a/b?c d").target, "/api/open/v1/video/generations/a%2Fb%3Fc%20d");
  expect_error([] { seedance2ink::status_request(""); }, errc::invalid_request);
  expect_error([] { seedance2ink::status_request(".."); }, errc::invalid_request);
}

TEST(Seedance2inkCodec, DecodeEveryState) {
  struct expectation {
    const char* file;
    task_state state;
    const char* provider_state;
  };
  for (const auto& [file, state, wire] :
       {expectation{"response_status_queued.json", task_state::queued, "queued"},
        {"response_status_processing.json", task_state::running, "processing"},
        {"response_status_succeeded.json", task_state::succeeded, "succeeded"},
        {"response_status_failed.json", task_state::failed, "failed"},
        {"response_status_cancelled.json", task_state::cancelled, "cancelled"},
        {"response_status_unknown_state_tolerant.json", task_state::unknown, "moderating"}}) {
    const auto t = seedance2ink::decode_status(fixture(file));
    EXPECT_EQ(t.id, "req_1234567890") << file;
    EXPECT_EQ(t.state, state) << file;
    EXPECT_EQ(t.provider_state, wire) << file;
    EXPECT_EQ(t.model, "seedance-2.0") << file;
    EXPECT_EQ(t.videos.empty(), state != task_state::succeeded) << file;
    EXPECT_EQ(t.error.has_value(), state == task_state::failed) << file;
    EXPECT_EQ(t.raw, fx::response_body("seedance2ink/" + std::string(file))) << file;
  }
}

TEST(Seedance2inkCodec, DecodeSucceededAndFailed) {
  const auto ok = seedance2ink::decode_status(fixture("response_status_succeeded.json"));
  ASSERT_EQ(ok.videos.size(), 1u);
  EXPECT_EQ(ok.videos[0].url, video_url);
  EXPECT_EQ(ok.videos[0].task_id, "req_1234567890");
  EXPECT_FALSE(ok.progress);

  const auto failed = seedance2ink::decode_status(fixture("response_status_failed.json"));
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, "generation_failed");
  EXPECT_EQ(failed.error->message, "The output video did not pass moderation");

  const auto text = seedance2ink::decode_status(fixture("response_status_failed_string_error.json"));
  ASSERT_TRUE(text.error);
  EXPECT_EQ(text.error->code, "");
  EXPECT_EQ(text.error->message, "Upstream generation timed out");
}

TEST(Seedance2inkCodec, DecodeStatusTolerant) {
  const auto minimal = seedance2ink::decode_status(fixture("response_status_missing_optional_tolerant.json"));
  EXPECT_EQ(minimal.state, task_state::running);
  EXPECT_TRUE(minimal.model.empty());

  const auto typed = seedance2ink::decode_status(fixture("response_status_types_tolerant.json"));
  EXPECT_EQ(typed.state, task_state::succeeded);
  ASSERT_EQ(typed.videos.size(), 1u);
  EXPECT_EQ(typed.videos[0].url, video_url);
  EXPECT_EQ(typed.videos[0].width, 1280);
  EXPECT_EQ(typed.videos[0].height, 720);
  ASSERT_TRUE(typed.cost);
  EXPECT_EQ(typed.cost->amount, 40);
  ASSERT_TRUE(typed.created_at);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(typed.created_at->time_since_epoch()).count(), 1765510475);
  ASSERT_TRUE(typed.completed_at);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(typed.completed_at->time_since_epoch()).count(),
            1765510559);
  EXPECT_FALSE(typed.error);  // `error: false` is no error

  const auto string_output = seedance2ink::decode_status(fixture("response_status_output_string_tolerant.json"));
  ASSERT_EQ(string_output.videos.size(), 1u);
  EXPECT_EQ(string_output.videos[0].url, video_url);

  const auto no_output = seedance2ink::decode_status(fixture("response_status_succeeded_no_output_tolerant.json"));
  EXPECT_EQ(no_output.state, task_state::running);  // keep polling
  EXPECT_EQ(no_output.provider_state, "succeeded");
  EXPECT_TRUE(no_output.videos.empty());
}

TEST(Seedance2inkCodec, DecodeStatusHopeless) {
  expect_error([] { seedance2ink::decode_status(fixture("response_status_no_id_no_status.json")); },
               errc::bad_response);
  expect_error([] { seedance2ink::decode_status(fixture("response_status_not_json.json")); }, errc::bad_response);
}

TEST(Seedance2inkCodec, Cancel) {
  const auto req = seedance2ink::cancel_request("req_1234567890");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, seedance::http::method::post);
  EXPECT_EQ(req->target, "/api/open/v1/video/generations/req_1234567890/cancel");
  EXPECT_TRUE(req->body.empty());
  EXPECT_EQ(seedance2ink::cancel_request("a/b")->target, "/api/open/v1/video/generations/a%2Fb/cancel");
  expect_error([] { (void)seedance2ink::cancel_request(""); }, errc::invalid_request);

  const auto t = seedance2ink::decode_cancelled(fixture("response_cancel.json"), "req_1234567890");
  EXPECT_EQ(t.id, "req_1234567890");
  EXPECT_EQ(t.state, task_state::cancelled);
  EXPECT_EQ(t.provider_state, "cancelled");

  const auto minimal = seedance2ink::decode_cancelled(fixture("response_cancel_minimal_tolerant.json"), "req_given");
  EXPECT_EQ(minimal.id, "req_given");
  EXPECT_EQ(minimal.state, task_state::cancelled);
}

// ---- errors ---------------------------------------------------------------------------------------------------

TEST(Seedance2inkCodec, DecodeErrors) {
  struct expectation {
    const char* file;
    errc code;
    int status;
    const char* provider_code;
  };
  for (const auto& [file, code, status, provider_code] :
       {expectation{"response_error_401.json", errc::unauthorized, 401, "unauthorized"},
        {"response_error_400_validation_tolerant.json", errc::invalid_request, 400, "invalid_request"},
        {"response_error_402_tolerant.json", errc::insufficient_credits, 402, "insufficient_credits"},
        {"response_error_404_tolerant.json", errc::not_found, 404, "not_found"},
        {"response_error_409_cancel_tolerant.json", errc::rejected, 409, "task_not_cancellable"},
        {"response_error_429_tolerant.json", errc::rate_limited, 429, "rate_limited"},
        {"response_error_string_tolerant.json", errc::forbidden, 403, ""},
        {"response_error_500_html_tolerant.json", errc::server_error, 500, ""}}) {
    const auto e = seedance2ink::decode_error(fixture(file));
    EXPECT_EQ(e.code(), seedance::make_error_code(code)) << file << ": " << e.what();
    EXPECT_EQ(e.details().http_status, status) << file;
    EXPECT_EQ(e.details().provider_code, provider_code) << file;
    EXPECT_EQ(std::string(e.what()).rfind("seedance2ink: HTTP ", 0), 0u) << e.what();
  }
  const auto auth = seedance2ink::decode_error(fixture("response_error_401.json"));
  EXPECT_EQ(auth.details().provider_message, "Invalid API key");
  EXPECT_TRUE(auth.details().retry_safe);

  const auto limited = seedance2ink::decode_error(fixture("response_error_429_tolerant.json"));
  ASSERT_TRUE(limited.details().retry_after);
  EXPECT_EQ(*limited.details().retry_after, std::chrono::seconds{30});
  EXPECT_EQ(limited.details().request_id, "edge-7f3a");

  EXPECT_EQ(seedance2ink::decode_error(fixture("response_error_404_tolerant.json")).details().task_id, "req_missing");
  EXPECT_EQ(seedance2ink::decode_error(fixture("response_error_string_tolerant.json")).details().provider_message,
            "API access is not enabled for this account");
  EXPECT_FALSE(seedance2ink::decode_error(fixture("response_error_500_html_tolerant.json")).details().retry_safe);
}

TEST(Seedance2inkCodec, DecodeErrorNeverThrowsOnHostileBodies) {
  for (std::string body : {std::string(), std::string("\0\xff\xfe", 3), std::string(100000, '['), std::string("null"),
                           std::string("{\"error\":{\"code\":[1,2],\"message\":{\"x\":1}}}"), std::string("\"x\"")}) {
    seedance::http::response r;
    r.status = 418;
    r.body = body;
    r.headers.add("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
    EXPECT_NO_THROW((void)seedance2ink::decode_error(r));
  }
}

// ---- webhook --------------------------------------------------------------------------------------------------

TEST(Seedance2inkCodec, DecodeWebhook) {
  const auto ok = seedance2ink::decode_webhook(fx::read_fixture("seedance2ink/webhook_succeeded.json"));
  EXPECT_EQ(ok.id, "req_1234567890");
  EXPECT_EQ(ok.state, task_state::succeeded);
  ASSERT_EQ(ok.videos.size(), 1u);
  EXPECT_EQ(ok.videos[0].url, video_url);

  const auto failed = seedance2ink::decode_webhook(fx::read_fixture("seedance2ink/webhook_failed.json"));
  EXPECT_EQ(failed.state, task_state::failed);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, "generation_failed");

  const auto enveloped =
      seedance2ink::decode_webhook(fx::read_fixture("seedance2ink/webhook_enveloped_succeeded_tolerant.json"));
  EXPECT_EQ(enveloped.id, "req_1234567890");
  EXPECT_EQ(enveloped.state, task_state::succeeded);
  ASSERT_EQ(enveloped.videos.size(), 1u);

  for (std::string_view hostile : {"", "[]", "42", "{}", "{\"data\":[]}", "{\"status\":", "{\"requestId\":{}}"})
    expect_error([&] { seedance2ink::decode_webhook(hostile); }, errc::bad_response);
}

// ---- hostile bodies ---------------------------------------------------------------------------------------------

TEST(Seedance2inkCodec, HostileBodiesAreBadResponsesNotCrashes) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  for (const std::string& body :
       {std::string(), std::string("nul"), deep, std::string("{\"requestId\":\"x\"") + std::string(1, '\0'),
        std::string("{\"requestId\":[],\"status\":{}}"), std::string("{\"success\":true,\"requestId\":1e400}"),
        std::string("{\"output\":{\"url\":12},\"status\":\"succeeded\",\"requestId\":\"r\"}")}) {
    seedance::http::response r;
    r.status = 200;
    r.body = body;
    for (auto decode : {+[](const seedance::http::response& x) { return seedance2ink::decode_created(x); },
                        +[](const seedance::http::response& x) { return seedance2ink::decode_status(x); },
                        +[](const seedance::http::response& x) { return seedance2ink::decode_cancelled(x, "r"); }}) {
      try {
        (void)decode(r);
      } catch (const seedance::error&) {
      }
    }
  }
  seedance::http::response deep_response;
  deep_response.status = 200;
  deep_response.body = deep;
  expect_error([&] { seedance2ink::decode_status(deep_response); }, errc::bad_response);
}

}  // namespace

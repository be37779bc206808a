// Run-time validation of requests against each provider's capability table: every rule, several problems at
// once, and the error thrown by check().
#include <seedance/request.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using seedance::aspect_ratio;
using seedance::generation_mode;
using seedance::model;
using seedance::problem;
using seedance::provider_id;
using seedance::request;
using seedance::resolution;
using std::chrono::seconds;

constexpr provider_id kinovi = provider_id::kinovi;
constexpr provider_id aihubmax = provider_id::aihubmax;
constexpr provider_id ink = provider_id::seedance2ink;
constexpr provider_id ark = provider_id::ark;
constexpr provider_id all[] = {kinovi, aihubmax, ink, ark};

const std::string image_url = "https://example.com/media/first.png";
const std::string image_url2 = "https://example.com/media/last.jpg";
const std::string video_url = "https://example.com/media/clip.mp4";
const std::string audio_url = "https://example.com/media/voice.mp3";

request text_request() {
  request r;
  r.prompt = "a red fox running through snow";
  return r;
}

std::string dump(const std::vector<problem>& problems) { return seedance::describe(problems); }

// True when some problem names `field` and its rule contains `rule_part`.
bool has(const std::vector<problem>& problems, std::string_view field, std::string_view rule_part = {}) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const problem& p) { return p.field == field && p.rule.find(rule_part) != std::string::npos; });
}

const problem* find(const std::vector<problem>& problems, std::string_view field) {
  for (const auto& p : problems)
    if (p.field == field) return &p;
  return nullptr;
}

#define EXPECT_VALID(provider, req)                                                             \
  do {                                                                                          \
    const auto problems_ = seedance::validate((provider), (req));                               \
    EXPECT_TRUE(problems_.empty()) << seedance::to_string(provider) << ": " << dump(problems_); \
  } while (0)

// ---- valid requests ---------------------------------------------------------------------------------------

TEST(Validate, PlainTextToVideoIsValidEverywhere) {
  for (provider_id p : all) EXPECT_VALID(p, text_request());
}

TEST(Validate, TypicalRequestsAreValidEverywhere) {
  for (provider_id p : all) {
    request first = text_request();
    first.images = {image_url};
    first.ratio = aspect_ratio::r16_9;
    first.resolution = resolution::p720;
    first.duration = seconds{5};
    EXPECT_VALID(p, first);

    request both = first;
    both.images = {image_url, image_url2};
    EXPECT_VALID(p, both);

    request reference = text_request();
    reference.prompt = "@image1 walks into @video1 while @audio1 plays";
    reference.images = {image_url};
    reference.videos = {video_url};
    reference.audios = {audio_url};
    EXPECT_VALID(p, reference);
  }
}

TEST(Validate, ProblemsCarryFieldRuleAndValue) {
  request r = text_request();
  r.ratio = aspect_ratio::r4_3;
  const auto problems = seedance::validate(ink, r);
  ASSERT_EQ(problems.size(), 1u) << dump(problems);
  EXPECT_EQ(problems[0].field, "ratio");
  EXPECT_EQ(problems[0].rule, "seedance2.ink offers only 16:9, 9:16 and 1:1");
  EXPECT_EQ(problems[0].value, "4:3");
}

// ---- model --------------------------------------------------------------------------------------------------

TEST(Validate, ModelMustBeOffered) {
  request r = text_request();
  r.model = model::seedance_1_5_pro;
  EXPECT_TRUE(has(seedance::validate(kinovi, r), "model", "Kinovi offers only seedance-2.0 and seedance-2.0-fast"));
  EXPECT_TRUE(has(seedance::validate(aihubmax, r), "model", "aihubmax offers only"));
  EXPECT_VALID(ink, r);
  EXPECT_VALID(ark, r);
  EXPECT_EQ(find(seedance::validate(kinovi, r), "model")->value, "seedance-1.5-pro");
}

TEST(Validate, RawModelIdSkipsTheModelTable) {
  request r = text_request();
  r.model = model::seedance_1_5_pro;  // ignored when model_id is set
  r.model_id = "ep-20260101-abcdef";
  r.resolution = resolution::p4k;  // some Ark model offers 4k
  r.duration = seconds{15};
  EXPECT_VALID(ark, r);
  EXPECT_VALID(kinovi, r);
}

TEST(Validate, RawModelIdStillChecksProviderWideOffers) {
  request r = text_request();
  r.model_id = "some-new-model";
  r.resolution = resolution::p4k;
  r.duration = seconds{20};
  const auto problems = seedance::validate(ink, r);
  EXPECT_TRUE(has(problems, "resolution", "seedance2.ink offers only 480p, 720p and 1080p")) << dump(problems);
  EXPECT_TRUE(has(problems, "duration", "seedance2.ink offers durations from 4 to 15 seconds")) << dump(problems);
}

TEST(Validate, RawModelIdMustNotContainWhitespaceOrControls) {
  for (const std::string& bad :
       std::vector<std::string>{"ep 123", "ep-1\n", std::string("ep\0x", 4), "ep\t1", "ep\x7f"}) {
    request r = text_request();
    r.model_id = bad;
    EXPECT_TRUE(has(seedance::validate(ark, r), "model_id", "whitespace or control")) << bad;
  }
}

// ---- prompt -------------------------------------------------------------------------------------------------

TEST(Validate, PromptMustBeValidUtf8AndTheProblemNamesTheOffset) {
  request r = text_request();
  r.prompt = "caf\xc3\xa9 ok \xff then";
  const auto problems = seedance::validate(ark, r);
  ASSERT_TRUE(has(problems, "prompt", "valid UTF-8")) << dump(problems);
  EXPECT_NE(find(problems, "prompt")->rule.find("offset 9"), std::string::npos) << dump(problems);

  for (std::string bad : {std::string("\xc0\xaf"), std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"),
                          std::string("abc\xe2\x82"), std::string("\x80")}) {
    r.prompt = bad;
    EXPECT_TRUE(has(seedance::validate(ark, r), "prompt", "valid UTF-8")) << "overlong/surrogate/too large/truncated";
  }
}

TEST(Validate, Utf8ScanCountsCodePoints) {
  constexpr auto scan = seedance::detail::scan_utf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xac");
  static_assert(scan.code_points == 4 && !scan.bad_offset);
  constexpr auto bad = seedance::detail::scan_utf8("ab\xe2\x28\xa1");
  static_assert(bad.bad_offset && *bad.bad_offset == 3);
}

TEST(Validate, PromptLengthIsCountedInCodePoints) {
  request r = text_request();
  std::string e_acute;
  for (int i = 0; i < 10000; ++i) e_acute += "\xc3\xa9";  // 20000 bytes, 10000 code points
  r.prompt = e_acute;
  EXPECT_VALID(kinovi, r);
  r.prompt += "x";
  const auto problems = seedance::validate(kinovi, r);
  ASSERT_TRUE(has(problems, "prompt", "Kinovi accepts at most 10000 Unicode code points")) << dump(problems);
  EXPECT_EQ(find(problems, "prompt")->value, "10001 code points");
}

TEST(Validate, PromptLimitsPerProvider) {
  request r = text_request();
  r.prompt = std::string(4001, 'a');
  EXPECT_VALID(kinovi, r);
  EXPECT_TRUE(has(seedance::validate(kinovi, r, {.kinovi_legacy_schema = true}), "prompt",
                  "Kinovi (legacy schema) accepts at most 4000 Unicode code points"));
  r.prompt = std::string(5000, 'a');
  EXPECT_VALID(aihubmax, r);
  r.prompt = std::string(5001, 'a');
  EXPECT_TRUE(has(seedance::validate(aihubmax, r), "prompt", "aihubmax accepts at most 5000"));
  r.prompt = std::string(100000, 'a');  // no known limit: not enforced
  EXPECT_VALID(ink, r);
  EXPECT_VALID(ark, r);
}

TEST(Validate, PromptRequiredWhereTheProviderRequiresIt) {
  request t2v;  // empty prompt, text mode
  for (provider_id p : all) EXPECT_TRUE(has(seedance::validate(p, t2v), "prompt", "requires a prompt in text mode"));

  request i2v;
  i2v.images = {image_url};
  EXPECT_TRUE(has(seedance::validate(kinovi, i2v), "prompt", "requires a prompt"));
  EXPECT_TRUE(has(seedance::validate(aihubmax, i2v), "prompt", "requires a prompt"));
  EXPECT_TRUE(has(seedance::validate(ink, i2v), "prompt", "requires a prompt"));
  EXPECT_VALID(ark, i2v);  // Ark: the image alone is enough
  EXPECT_TRUE(seedance::validate(kinovi, i2v, {.kinovi_legacy_schema = true}).empty());  // legacy I2V: optional

  request omni;
  omni.images = {image_url};
  omni.videos = {video_url};
  EXPECT_TRUE(has(seedance::validate(kinovi, omni, {.kinovi_legacy_schema = true}), "prompt", "requires a prompt"));
}

TEST(Validate, PromptTagsMustNameExistingReferences) {
  request r = text_request();
  r.images = {image_url};
  r.videos = {video_url};
  r.prompt = "@IMAGE1 dances in @Video1";  // case-insensitive, both exist
  EXPECT_VALID(kinovi, r);

  r.prompt = "@image2 follows @video1 with @audio1";
  const auto problems = seedance::validate(kinovi, r);
  EXPECT_TRUE(has(problems, "prompt", "@image2 names a reference that does not exist: the request has 1 image"))
      << dump(problems);
  EXPECT_TRUE(has(problems, "prompt", "@audio1 names a reference that does not exist: the request has 0 audios"))
      << dump(problems);
  EXPECT_EQ(std::count_if(problems.begin(), problems.end(), [](const problem& p) { return p.field == "prompt"; }), 2)
      << dump(problems);

  r.prompt = "@Image0 is not a thing";
  EXPECT_TRUE(has(seedance::validate(kinovi, r), "prompt", "tags count from 1"));

  r.prompt = "mail me@imagination.example or see @image, @video and @audios";  // no index: plain text
  EXPECT_VALID(kinovi, r);
}

// ---- media --------------------------------------------------------------------------------------------------

TEST(Validate, MediaMustBeAbsoluteHttpUrls) {
  const std::vector<std::string> bad = {"first.png",         "/media/first.png",         "ftp://example.com/a.png",
                                        "file:///tmp/a.png", "https//example.com/a.png", "https://exa mple.com/a.png"};
  for (const auto& url : bad) {
    request r = text_request();
    r.images = {url};
    const auto problems = seedance::validate(kinovi, r);
    EXPECT_TRUE(has(problems, "images[0]", "absolute http or https URL")) << url << ": " << dump(problems);
  }
  request r = text_request();
  r.images = {"http://example.com/a.png"};
  EXPECT_VALID(kinovi, r);  // plain http is the provider's business, except on seedance2.ink
}

TEST(Validate, MediaFieldNamesCarryTheIndex) {
  request r = text_request();
  r.images = {image_url, image_url2, "nope"};
  r.videos = {video_url, ""};
  const auto problems = seedance::validate(ark, r);
  EXPECT_TRUE(has(problems, "images[2]", "absolute")) << dump(problems);
  EXPECT_TRUE(has(problems, "videos[1]", "must not be empty")) << dump(problems);
  EXPECT_EQ(find(problems, "images[2]")->value, "nope");
}

TEST(Validate, MediaUrlsMustNotCarryUserinfo) {
  request r = text_request();
  r.images = {"https://user:secret@example.com/a.png"};
  const auto problems = seedance::validate(ark, r);
  ASSERT_TRUE(has(problems, "images[0]", "user:password@")) << dump(problems);
  EXPECT_EQ(dump(problems).find("secret"), std::string::npos);  // never echoed
}

TEST(Validate, DataUrisOnlyWhereAccepted) {
  request r = text_request();
  r.images = {"data:image/png;base64,iVBORw0KGgo="};
  EXPECT_VALID(ark, r);
  for (provider_id p : {kinovi, aihubmax, ink})
    EXPECT_TRUE(has(seedance::validate(p, r), "images[0]", "does not accept data: URIs")) << seedance::to_string(p);

  r.images = {"data:image/png,rawbytes"};
  EXPECT_TRUE(has(seedance::validate(ark, r), "images[0]", "data:<media type>;base64,<data>"));
  r.images = {"data:image/png;base64,"};
  EXPECT_TRUE(has(seedance::validate(ark, r), "images[0]", "data:<media type>;base64,<data>"));
}

TEST(Validate, AssetIdsOnlyOnArk) {
  request r = text_request();
  r.images = {"asset://asset-20260101-abc"};
  EXPECT_VALID(ark, r);
  EXPECT_TRUE(has(seedance::validate(kinovi, r), "images[0]", "does not accept asset:// ids"));
  r.images = {"asset://"};
  EXPECT_TRUE(has(seedance::validate(ark, r), "images[0]", "asset://<id>"));
}

TEST(Validate, Seedance2inkNeedsHttpsAndKnownExtensions) {
  request r = text_request();
  r.images = {"http://example.com/a.png"};
  EXPECT_TRUE(has(seedance::validate(ink, r), "images[0]", "seedance2.ink accepts only https media URLs"));
  r.images = {"https://example.com/render?id=5"};
  EXPECT_TRUE(has(seedance::validate(ink, r), "images[0]", "an image URL must end in"));
  r.images = {"https://example.com/a.PNG?sig=abc"};
  EXPECT_VALID(ink, r);
  r.images = {image_url};
  r.videos = {"https://example.com/clip.webm"};
  EXPECT_TRUE(has(seedance::validate(ink, r), "videos[0]", "a video URL must end in .mp4, .mov or .m4v"));
  r.videos = {};
  r.audios = {"https://example.com/voice.ogg"};
  EXPECT_TRUE(has(seedance::validate(ink, r), "audios[0]", "an audio URL must end in .mp3 or .wav"));
}

TEST(Validate, CountsPerKind) {
  request r = text_request();
  r.images.assign(10, image_url);
  r.videos.assign(4, video_url);
  r.audios.assign(4, audio_url);
  const auto problems = seedance::validate(kinovi, r);
  EXPECT_TRUE(has(problems, "images", "Kinovi accepts at most 9 images")) << dump(problems);
  EXPECT_TRUE(has(problems, "videos", "Kinovi accepts at most 3 videos")) << dump(problems);
  EXPECT_TRUE(has(problems, "audios", "Kinovi accepts at most 3 audio clips")) << dump(problems);
  EXPECT_EQ(find(problems, "images")->value, "10");

  r.images.assign(9, image_url);
  r.videos.assign(3, video_url);
  r.audios.assign(3, audio_url);
  EXPECT_VALID(kinovi, r);
  EXPECT_VALID(ark, r);
}

TEST(Validate, TotalMediaLimits) {
  request r = text_request();
  r.images.assign(9, image_url);
  r.videos.assign(3, video_url);
  EXPECT_VALID(aihubmax, r);  // 12 files
  r.audios.assign(1, audio_url);
  EXPECT_TRUE(has(seedance::validate(aihubmax, r), "media", "aihubmax accepts at most 12 media files"));

  request ink_r = text_request();
  ink_r.images.assign(3, image_url);
  ink_r.videos.assign(2, video_url);
  EXPECT_VALID(ink, ink_r);  // 5 URLs
  ink_r.audios.assign(1, audio_url);
  const auto problems = seedance::validate(ink, ink_r);
  EXPECT_TRUE(has(problems, "media", "seedance2.ink accepts at most 5 media URLs")) << dump(problems);
  EXPECT_EQ(find(problems, "media")->value, "6 files");
}

// ---- modes --------------------------------------------------------------------------------------------------

TEST(Validate, FrameModesNeedOneOrTwoImages) {
  request r = text_request();
  r.mode = generation_mode::first_frame;
  EXPECT_TRUE(has(seedance::validate(ark, r), "images", "first-frame mode takes exactly one image"));
  r.images = {image_url, image_url2};
  EXPECT_TRUE(has(seedance::validate(ark, r), "images", "first-frame mode takes exactly one image"));
  r.images = {image_url};
  EXPECT_VALID(ark, r);

  r.mode = generation_mode::first_last_frame;
  EXPECT_TRUE(has(seedance::validate(ark, r), "images", "exactly two images"));
  r.images = {image_url, image_url2};
  EXPECT_VALID(ark, r);
  r.videos = {video_url};
  EXPECT_TRUE(has(seedance::validate(ark, r), "mode", "first-last-frame mode takes no videos or audio"));
}

TEST(Validate, ExplicitModeMustMatchTheMedia) {
  request r = text_request();
  r.mode = generation_mode::text;
  r.images = {image_url};
  EXPECT_TRUE(has(seedance::validate(kinovi, r), "mode", "text mode takes no images"));

  request ref = text_request();
  ref.mode = generation_mode::reference;
  EXPECT_TRUE(has(seedance::validate(kinovi, ref), "mode", "reference mode needs at least one image or video"));
  ref.images = {image_url};
  EXPECT_VALID(kinovi, ref);  // subject/style reference from one image
}

TEST(Validate, AudioIsNeverTheOnlyReference) {
  request r = text_request();
  r.audios = {audio_url};
  for (provider_id p : all) {
    const auto problems = seedance::validate(p, r);
    EXPECT_TRUE(has(problems, "audios", "audio cannot be the only reference")) << dump(problems);
    EXPECT_FALSE(has(problems, "mode")) << dump(problems);  // one problem, not two
  }
}

TEST(Validate, ModeMustBeOfferedByTheModel) {
  request r = text_request();
  r.model = model::seedance_1_5_pro;
  r.images = {image_url};
  r.videos = {video_url};
  EXPECT_TRUE(has(seedance::validate(ark, r), "mode", "Ark offers reference mode only with seedance-2.0"));
  r.videos.clear();
  EXPECT_VALID(ark, r);
}

TEST(Validate, Seedance2inkInfersTheModeFromTheMedia) {
  request r = text_request();
  r.mode = generation_mode::reference;
  r.images = {image_url, image_url2};
  EXPECT_TRUE(has(seedance::validate(ink, r), "mode", "seedance2.ink infers the mode from the media"));
  r.images.push_back(image_url);
  EXPECT_VALID(ink, r);
  EXPECT_VALID(kinovi, r);
}

// ---- ratio, resolution, duration ----------------------------------------------------------------------------

TEST(Validate, Ratios) {
  request r = text_request();
  r.ratio = aspect_ratio::adaptive;
  EXPECT_TRUE(has(seedance::validate(kinovi, r), "ratio", "not adaptive"));
  EXPECT_VALID(aihubmax, r);
  EXPECT_VALID(ark, r);
  EXPECT_TRUE(has(seedance::validate(ink, r), "ratio", "seedance2.ink offers only 16:9, 9:16 and 1:1"));
  for (auto ratio : {aspect_ratio::r4_3, aspect_ratio::r3_4, aspect_ratio::r21_9}) {
    r.ratio = ratio;
    EXPECT_VALID(kinovi, r);
    EXPECT_TRUE(has(seedance::validate(ink, r), "ratio"));
  }
}

TEST(Validate, ResolutionPerModel) {
  request r = text_request();
  r.model = model::seedance_2_0_fast;
  r.resolution = resolution::p1080;
  for (provider_id p : {kinovi, aihubmax, ark})
    EXPECT_TRUE(has(seedance::validate(p, r), "resolution", "seedance-2.0-fast only at 480p and 720p"))
        << seedance::to_string(p);
  EXPECT_VALID(ink, r);
  EXPECT_EQ(find(seedance::validate(kinovi, r), "resolution")->rule,
            "Kinovi offers seedance-2.0-fast only at 480p and 720p");

  r.model = model::seedance_2_0;
  EXPECT_VALID(kinovi, r);
  EXPECT_VALID(aihubmax, r);
}

TEST(Validate, FourKRules) {
  request r = text_request();
  r.resolution = resolution::p4k;
  EXPECT_VALID(kinovi, r);
  EXPECT_VALID(ark, r);
  EXPECT_TRUE(
      has(seedance::validate(aihubmax, r), "resolution", "aihubmax offers seedance-2.0 at 480p, 720p and 1080p"));
  EXPECT_TRUE(has(seedance::validate(ink, r), "resolution", "seedance2.ink offers only 480p, 720p and 1080p"));
  EXPECT_TRUE(has(seedance::validate(kinovi, r, {.kinovi_legacy_schema = true}), "resolution",
                  "the Kinovi legacy schema offers seedance-2.0 at 480p, 720p and 1080p"));
  // The same choice through the one options type.
  EXPECT_TRUE(has(seedance::validate(kinovi, r, {.kinovi_schema = seedance::kinovi_schema::legacy}), "resolution",
                  "legacy schema"));
  r.model = model::seedance_1_5_pro;
  EXPECT_TRUE(has(seedance::validate(ark, r), "resolution", "Ark offers seedance-1.5-pro only at"));

  request up = text_request();
  up.upscale_4k = true;
  EXPECT_TRUE(seedance::validate(kinovi, up, {.kinovi_legacy_schema = true}).empty());
  up.model = model::seedance_2_0_fast;  // legacy: the upscale is offered for fast too
  EXPECT_TRUE(seedance::validate(kinovi, up, {.kinovi_legacy_schema = true}).empty());
  EXPECT_TRUE(has(seedance::validate(kinovi, up), "upscale_4k",
                  "Kinovi does not support 4k upscaling; use resolution 4k where the model offers it"));
  EXPECT_TRUE(has(seedance::validate(ark, up), "upscale_4k", "does not support 4k upscaling"));
}

TEST(Validate, DurationRange) {
  request r = text_request();
  for (int s : {4, 5, 10, 15}) {
    r.duration = seconds{s};
    for (provider_id p : all) EXPECT_VALID(p, r);
  }
  for (int s : {3, 16, 20, 0, -5}) {
    r.duration = seconds{s};
    for (provider_id p : all) {
      const auto problems = seedance::validate(p, r);
      EXPECT_TRUE(has(problems, "duration", "from 4 to 15 seconds")) << s << ": " << dump(problems);
    }
  }
  r.duration = seconds{20};
  EXPECT_EQ(find(seedance::validate(kinovi, r), "duration")->value, "20 s");
}

TEST(Validate, DurationPerModel) {
  request r = text_request();
  r.model = model::seedance_1_5_pro;
  r.duration = seconds{7};
  EXPECT_TRUE(
      has(seedance::validate(ink, r), "duration", "seedance2.ink offers seedance-1.5-pro only at 5 or 10 seconds"));
  for (int s : {5, 10}) {
    r.duration = seconds{s};
    EXPECT_VALID(ink, r);
  }
  r.duration = seconds{13};
  EXPECT_TRUE(has(seedance::validate(ark, r), "duration", "Ark offers seedance-1.5-pro from 4 to 12 seconds"));
  r.duration = seconds{12};
  EXPECT_VALID(ark, r);
}

TEST(Validate, AutoDurationOnlyWhereAllowed) {
  request r = text_request();
  r.duration = seedance::auto_duration;
  EXPECT_VALID(aihubmax, r);
  EXPECT_VALID(ark, r);
  const auto k = seedance::validate(kinovi, r);
  EXPECT_TRUE(has(k, "duration", "Kinovi does not offer auto duration")) << dump(k);
  EXPECT_EQ(find(k, "duration")->value, "auto (-1 s)");
  EXPECT_TRUE(has(seedance::validate(ink, r), "duration", "seedance2.ink does not offer auto duration"));
}

// ---- optional settings --------------------------------------------------------------------------------------

TEST(Validate, SeedRangeAndSupport) {
  request r = text_request();
  for (std::int64_t s : {-1LL, 0LL, 42LL, 4294967295LL}) {
    r.seed = s;
    EXPECT_VALID(kinovi, r);
    EXPECT_VALID(ark, r);
  }
  for (std::int64_t s : {-2LL, 4294967296LL}) {
    r.seed = s;
    EXPECT_TRUE(has(seedance::validate(ark, r), "seed", "must be -1 (random) or 0..4294967295"));
  }
  r.seed = 7;
  EXPECT_TRUE(has(seedance::validate(ink, r), "seed", "seedance2.ink does not support a seed"));
  EXPECT_VALID(aihubmax, r);
  EXPECT_TRUE(has(seedance::validate(kinovi, r, {.kinovi_legacy_schema = true}), "seed",
                  "Kinovi (legacy schema) does not support a seed"));
}

TEST(Validate, GenerateAudioOffOnlyWhereSupported) {
  request r = text_request();
  r.generate_audio = true;  // the default everywhere: fine
  for (provider_id p : all) EXPECT_VALID(p, r);
  r.generate_audio = false;
  EXPECT_VALID(kinovi, r);
  EXPECT_VALID(aihubmax, r);
  EXPECT_VALID(ark, r);
  EXPECT_TRUE(
      has(seedance::validate(ink, r), "generate_audio", "seedance2.ink does not support turning generated audio off"));
  EXPECT_TRUE(has(seedance::validate(kinovi, r, {.kinovi_legacy_schema = true}), "generate_audio", "legacy"));
}

TEST(Validate, CallbackUrl) {
  request r = text_request();
  r.callback_url = "https://hooks.example.com/seedance";
  EXPECT_VALID(kinovi, r);
  EXPECT_VALID(ink, r);
  EXPECT_VALID(ark, r);
  EXPECT_TRUE(has(seedance::validate(aihubmax, r), "callback_url", "aihubmax does not support a callback URL"));

  for (const char* ok : {"http://127.0.0.1:8080/hook", "http://127.1.2.3/hook", "http://localhost:9000/x",
                         "http://LOCALHOST/x", "http://[::1]:8443/hook"}) {
    r.callback_url = ok;
    EXPECT_VALID(ark, r);
  }
  for (const char* bad : {"http://hooks.example.com/x", "http://127.evil.example/x", "http://10.0.0.1/x",
                          "ftp://hooks.example.com/x", "hooks.example.com/x", "https:///nohost"}) {
    r.callback_url = bad;
    EXPECT_TRUE(has(seedance::validate(ark, r), "callback_url")) << bad;
  }
  r.callback_url = "https://admin:hunter2@hooks.example.com/x";
  const auto problems = seedance::validate(ark, r);
  EXPECT_TRUE(has(problems, "callback_url", "user:password@"));
  EXPECT_EQ(dump(problems).find("hunter2"), std::string::npos);
}

TEST(Validate, ProviderSpecificSettings) {
  request r = text_request();
  r.high_bitrate = true;
  EXPECT_VALID(kinovi, r);
  EXPECT_TRUE(has(seedance::validate(ark, r), "high_bitrate", "does not support high bitrate output"));
  EXPECT_TRUE(has(seedance::validate(kinovi, r, {.kinovi_legacy_schema = true}), "high_bitrate", "legacy"));

  request m = text_request();
  m.metadata["order"] = 42;
  EXPECT_VALID(ink, m);
  EXPECT_TRUE(has(seedance::validate(kinovi, m), "metadata", "Kinovi does not support request metadata"));

  request a = text_request();
  a.watermark = false;
  a.return_last_frame = true;
  a.camera_fixed = true;
  a.expires_after = seconds{7200};
  EXPECT_VALID(ark, a);
  const auto problems = seedance::validate(ink, a);
  EXPECT_TRUE(has(problems, "watermark", "seedance2.ink does not support a watermark setting")) << dump(problems);
  EXPECT_TRUE(has(problems, "return_last_frame", "returning the last frame")) << dump(problems);
  EXPECT_TRUE(has(problems, "camera_fixed", "a fixed camera setting")) << dump(problems);
  EXPECT_TRUE(has(problems, "expires_after", "an execution expiry")) << dump(problems);

  for (int s : {3599, 259201}) {
    a.expires_after = seconds{s};
    EXPECT_TRUE(has(seedance::validate(ark, a), "expires_after", "3600..259200 seconds")) << s;
  }
  for (int s : {3600, 259200}) {
    a.expires_after = seconds{s};
    EXPECT_VALID(ark, a);
  }
}

TEST(Validate, ExtraMayOverrideAnythingButKeysMustNotBeEmpty) {
  request r = text_request();
  r.extra["model"] = "override-on-purpose";
  r.extra["inputs"] = boost::json::object{{"duration", 99}};
  EXPECT_VALID(kinovi, r);
  r.extra[""] = 1;
  EXPECT_TRUE(has(seedance::validate(kinovi, r), "extra", "keys must not be empty"));
}

// ---- all at once, check(), templates ------------------------------------------------------------------------

TEST(Validate, ReportsEveryProblemInOneCall) {
  request r;
  r.prompt = "";
  r.model = model::seedance_1_5_pro;
  r.ratio = aspect_ratio::r4_3;
  r.resolution = resolution::p4k;
  r.duration = seconds{20};
  r.seed = 1;
  r.images = {"not a url"};
  const auto problems = seedance::validate(ink, r);
  EXPECT_TRUE(has(problems, "ratio")) << dump(problems);
  EXPECT_TRUE(has(problems, "resolution")) << dump(problems);
  EXPECT_TRUE(has(problems, "duration", "5 or 10")) << dump(problems);
  EXPECT_TRUE(has(problems, "seed")) << dump(problems);
  EXPECT_TRUE(has(problems, "prompt", "requires a prompt")) << dump(problems);
  EXPECT_TRUE(has(problems, "images[0]")) << dump(problems);
  EXPECT_GE(problems.size(), 6u);
}

TEST(Check, ThrowsInvalidRequestListingAllProblems) {
  request r = text_request();
  r.ratio = aspect_ratio::r4_3;
  r.duration = seconds{20};
  try {
    seedance::check(ink, r);
    FAIL() << "check() did not throw";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), seedance::errc::invalid_request);
    EXPECT_EQ(e.code(), seedance::condition::invalid_request);
    ASSERT_EQ(e.details().problems.size(), 2u);
    EXPECT_EQ(e.details().problems[0].field, "ratio");
    EXPECT_EQ(e.details().problems[1].field, "duration");
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("invalid request: ratio: seedance2.ink offers only 16:9, 9:16 and 1:1 (got 4:3); duration: "
                         "seedance2.ink offers seedance-2.0 from 4 to 15 seconds (got 20 s)",
                         0),
              0u)
        << what;
  }
}

TEST(Check, DoesNotThrowForAValidRequest) {
  EXPECT_NO_THROW(seedance::check(kinovi, text_request()));
  EXPECT_NO_THROW(seedance::check(ark, text_request(), {}));
}

TEST(Describe, OmitsEmptyValues) {
  const std::vector<problem> problems = {{"prompt", "Kinovi requires a prompt in text mode", ""},
                                         {"seed", "must be -1 (random) or 0..4294967295", "-7"}};
  EXPECT_EQ(seedance::describe(problems),
            "invalid request: prompt: Kinovi requires a prompt in text mode; seed: must be -1 (random) or "
            "0..4294967295 (got -7)");
}

struct fake_ink_provider {
  static constexpr provider_id id = provider_id::seedance2ink;
};

TEST(Validate, ProviderTypeOverloads) {
  request r = text_request();
  r.ratio = aspect_ratio::r21_9;
  EXPECT_TRUE(has(seedance::validate<fake_ink_provider>(r), "ratio"));
  EXPECT_THROW(seedance::check<fake_ink_provider>(r), seedance::error);
  r.ratio = aspect_ratio::r9_16;
  EXPECT_NO_THROW(seedance::check<fake_ink_provider>(r));
}

TEST(Validate, LongValuesAreShortened) {
  request r = text_request();
  r.images = {"notaurl" + std::string(500, 'x')};
  const auto problems = seedance::validate(kinovi, r);
  ASSERT_NE(find(problems, "images[0]"), nullptr);
  EXPECT_LE(find(problems, "images[0]")->value.size(), 80u);
  EXPECT_EQ(find(problems, "images[0]")->value.substr(77), "...");
}

// ---- request_for --------------------------------------------------------------------------------------------

TEST(RequestFor, ConvertsToRequestWithTheSameValues) {
  using namespace std::chrono_literals;
  seedance::request_for<provider_id::kinovi> rf{
      .model = model::seedance_2_0_fast,
      .prompt = "@image1 waves",
      .images = {image_url},
      .ratio = aspect_ratio::r9_16,
      .resolution = resolution::p720,
      .duration = 8s,
      .seed = 12,
      .generate_audio = false,
      .callback_url = "https://hooks.example.com/k",
      .high_bitrate = true,
  };
  const request r = rf.to_request();
  EXPECT_EQ(r.model, model::seedance_2_0_fast);
  EXPECT_EQ(r.prompt, "@image1 waves");
  EXPECT_EQ(r.images, std::vector<std::string>{image_url});
  EXPECT_EQ(r.ratio, aspect_ratio::r9_16);
  EXPECT_EQ(r.resolution, resolution::p720);
  EXPECT_EQ(r.duration, seconds{8});
  EXPECT_EQ(r.seed, 12);
  EXPECT_EQ(r.generate_audio, false);
  EXPECT_EQ(r.callback_url, "https://hooks.example.com/k");
  EXPECT_TRUE(r.high_bitrate);
  EXPECT_TRUE(seedance::validate(rf).empty()) << dump(seedance::validate(rf));

  const request moved = std::move(rf).to_request();
  EXPECT_EQ(moved.prompt, "@image1 waves");
}

TEST(RequestFor, UnsetFieldsStayUnset) {
  const seedance::request_for<provider_id::ark> rf{.prompt = "x"};
  EXPECT_FALSE(rf.ratio.has_value());
  EXPECT_FALSE(rf.resolution);
  EXPECT_EQ(rf.duration.value_or(seconds{5}), seconds{5});
  EXPECT_THROW((void)rf.duration.value(), std::bad_optional_access);
  const request r = rf.to_request();
  EXPECT_EQ(r.model, model::seedance_2_0);
  EXPECT_FALSE(r.ratio);
  EXPECT_FALSE(r.resolution);
  EXPECT_FALSE(r.duration);
}

TEST(RequestFor, CrossFieldRulesAreCaughtAtRunTime) {
  // Each field is offered by some Kinovi model, so this compiles; the combination is refused by validate().
  const seedance::request_for<provider_id::kinovi> rf{
      .model = model::seedance_2_0_fast, .prompt = "x", .resolution = resolution::p1080};
  EXPECT_TRUE(has(seedance::validate(rf), "resolution", "Kinovi offers seedance-2.0-fast only at 480p and 720p"));
  EXPECT_THROW(seedance::check(rf), seedance::error);

  const seedance::request_for<provider_id::seedance2ink> ink_rf{
      .model = model::seedance_1_5_pro, .prompt = "x", .duration = seconds{7}};
  EXPECT_TRUE(has(seedance::validate(ink_rf), "duration", "only at 5 or 10 seconds"));
}

TEST(RequestFor, CheckedFieldsAreConstexpr) {
  constexpr seedance::checked_ratio<provider_id::seedance2ink> ratio = aspect_ratio::r1_1;
  static_assert(ratio.has_value() && ratio.value() == aspect_ratio::r1_1);
  constexpr seedance::checked_duration<provider_id::ark> d = seedance::auto_duration;
  static_assert(d.value() == seedance::auto_duration);
  constexpr seedance::checked_model<provider_id::ark> m = model::seedance_1_5_pro;
  static_assert(m.value() == model::seedance_1_5_pro);
  constexpr seedance::checked_resolution<provider_id::aihubmax> res = std::nullopt;
  static_assert(!res.has_value());
  static_assert(seedance::checked_model<provider_id::kinovi>{}.value() == model::seedance_2_0);
  static_assert(seedance::checked_ratio<provider_id::ark>{} == seedance::checked_ratio<provider_id::ark>{std::nullopt});
  static_assert(ratio == seedance::checked_ratio<provider_id::seedance2ink>{aspect_ratio::r1_1});
  static_assert(!(ratio == seedance::checked_ratio<provider_id::seedance2ink>{}));
}

}  // namespace

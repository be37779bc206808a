// Cost estimates before submitting: every worked example of the published price lists, and honest "unknown"s.
#include <seedance/pricing.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using seedance::aspect_ratio;
using seedance::cost_unit;
using seedance::estimate_confidence;
using seedance::kinovi_price_table;
using seedance::model;
using seedance::provider_id;
using seedance::request;
using seedance::resolution;
using std::chrono::seconds;

request make(model m, resolution res, int secs) {
  request r;
  r.prompt = "p";
  r.model = m;
  r.resolution = res;
  r.duration = seconds{secs};
  return r;
}

double credits(const seedance::cost_estimate& e) {
  EXPECT_TRUE(e.cost.has_value()) << e.basis;
  if (!e.cost) return -1;
  EXPECT_EQ(e.cost->unit, cost_unit::credits);
  EXPECT_TRUE(e.cost->estimated);
  return e.cost->amount;
}

const seedance::pricing_options legacy{.kinovi_table = kinovi_price_table::legacy};

// ---- Kinovi legacy -----------------------------------------------------------------------------------------

TEST(PricingKinoviLegacy, ProWithReferenceVideo) {
  request r = make(model::seedance_2_0, resolution::p720, 5);
  r.images = {"https://example.com/a.png"};
  r.videos = {"https://example.com/a.mp4"};
  EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, r, legacy)), 240);  // (40 + 8) x 5
}

TEST(PricingKinoviLegacy, DurationTablesAt720p) {
  const int durations[] = {4, 5, 8, 10, 15};
  const int pro[] = {160, 200, 320, 400, 600};
  const int fast[] = {112, 140, 224, 280, 420};
  const int pro_4k[] = {272, 340, 544, 680, 1020};
  const int fast_4k[] = {224, 280, 448, 560, 840};
  for (int i = 0; i < 5; ++i) {
    request r = make(model::seedance_2_0, resolution::p720, durations[i]);
    EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, r, legacy)), pro[i]) << durations[i];
    r.upscale_4k = true;
    EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, r, legacy)), pro_4k[i]) << durations[i];
    request f = make(model::seedance_2_0_fast, resolution::p720, durations[i]);
    EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, f, legacy)), fast[i]) << durations[i];
    f.upscale_4k = true;
    EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, f, legacy)), fast_4k[i]) << durations[i];
  }
}

TEST(PricingKinoviLegacy, OtherResolutionsAndGaps) {
  EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0, resolution::p1080, 5), legacy)),
            415);
  EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0, resolution::p480, 5), legacy)),
            75);
  EXPECT_EQ(
      credits(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0_fast, resolution::p480, 5), legacy)),
      50);
  const auto fast_1080 =
      seedance::estimate(provider_id::kinovi, make(model::seedance_2_0_fast, resolution::p1080, 5), legacy);
  EXPECT_FALSE(fast_1080.cost);
  EXPECT_NE(fast_1080.basis.find("no price"), std::string::npos) << fast_1080.basis;
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0, resolution::p4k, 5), legacy).cost);
  static_assert(seedance::kinovi_credits_per_second(kinovi_price_table::legacy, model::seedance_2_0, resolution::p1080,
                                                    true) == 100);
}

// Kinovi image-to-video and Omni Reference: "1080p (default) | 83 cr/sec" for Pro; the pricing examples ("4s |
// 160 | $0.80") are the 720p rate. The documents disagree on what an unset resolution bills: the estimate takes the
// documented default, the higher figure, and names the other.
TEST(PricingKinoviLegacy, UnsetResolutionPricesTheDocumentedDefault1080p) {
  request r;
  r.images = {"https://example.com/first.png"};
  r.duration = seconds{5};
  const auto pro = seedance::estimate(provider_id::kinovi, r, {.kinovi_schema = seedance::kinovi_schema::legacy});
  EXPECT_EQ(credits(pro), 415);  // 83 x 5
  EXPECT_EQ(pro.confidence, estimate_confidence::inferred);
  EXPECT_NE(pro.basis.find("default 1080p"), std::string::npos) << pro.basis;
  EXPECT_NE(pro.basis.find("720p rate, 200 credits"), std::string::npos) << pro.basis;
  ASSERT_TRUE(pro.usd);
  EXPECT_EQ(pro.usd->unit, cost_unit::usd);
  EXPECT_DOUBLE_EQ(pro.usd->amount, 2.075);  // 415 x $0.005

  r.model = model::seedance_2_0_fast;  // no 1080p: its highest, 720p at 28/s
  const auto fast = seedance::estimate(provider_id::kinovi, r, legacy);
  EXPECT_EQ(credits(fast), 140);
  EXPECT_NE(fast.basis.find("720p"), std::string::npos) << fast.basis;
}

TEST(PricingKinovi, DollarsAtHalfACentPerCredit) {
  // Kinovi image-to-video, pricing: "4s | 160 | $0.80", "15s | 600 | $3.00", fast "5s | 140 | $0.70".
  const auto four = seedance::estimate(provider_id::kinovi, make(model::seedance_2_0, resolution::p720, 4), legacy);
  ASSERT_TRUE(four.usd);
  EXPECT_DOUBLE_EQ(four.usd->amount, 0.80);
  const auto fifteen = seedance::estimate(provider_id::kinovi, make(model::seedance_2_0, resolution::p720, 15));
  ASSERT_TRUE(fifteen.usd);
  EXPECT_DOUBLE_EQ(fifteen.usd->amount, 3.00);
  const auto fast =
      seedance::estimate(provider_id::kinovi, make(model::seedance_2_0_fast, resolution::p720, 5), legacy);
  ASSERT_TRUE(fast.usd);
  EXPECT_DOUBLE_EQ(fast.usd->amount, 0.70);
  EXPECT_EQ(seedance::kinovi_usd_per_credit, 0.005);
}

TEST(PricingAihubmax, CatalogOnlyResolutionIsSaid) {
  const auto e = seedance::estimate(provider_id::aihubmax, make(model::seedance_2_0, resolution::p1080, 5));
  EXPECT_FALSE(e.cost);
  EXPECT_NE(e.basis.find("1080p is in the provider's catalog but not in its API document"), std::string::npos)
      << e.basis;
  EXPECT_EQ(
      seedance::estimate(provider_id::aihubmax, make(model::seedance_2_0, resolution::p720, 5)).basis.find("catalog"),
      std::string::npos);
}

// ---- Kinovi 2026 -------------------------------------------------------------------------------------------

TEST(PricingKinoviCurrent, WorkedExamples) {
  const auto e = seedance::estimate(provider_id::kinovi, make(model::seedance_2_0, resolution::p720, 5));
  EXPECT_EQ(credits(e), 200);
  EXPECT_EQ(e.confidence, estimate_confidence::documented);
  EXPECT_NE(e.basis.find("40 credits/s"), std::string::npos) << e.basis;

  request with_video = make(model::seedance_2_0, resolution::p720, 5);
  with_video.videos = {"https://example.com/ref.mp4"};
  EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, with_video)), 240);

  EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0_fast, resolution::p480, 5))), 70);
  EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0, resolution::p4k, 5))), 1000);
}

TEST(PricingKinoviCurrent, WholeTable) {
  struct row {
    model m;
    resolution res;
    int plain, video;
  };
  const row rows[] = {
      {model::seedance_2_0, resolution::p480, 15, 19},      {model::seedance_2_0, resolution::p720, 40, 48},
      {model::seedance_2_0, resolution::p1080, 90, 108},    {model::seedance_2_0, resolution::p4k, 200, 240},
      {model::seedance_2_0_fast, resolution::p480, 14, 18}, {model::seedance_2_0_fast, resolution::p720, 28, 34}};
  for (const row& x : rows) {
    request r = make(x.m, x.res, 10);
    EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, r)), x.plain * 10);
    r.images = {"https://example.com/a.png"};
    r.audios = {"https://example.com/a.mp3"};  // images and audio do not change the price
    EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, r)), x.plain * 10);
    r.videos = {"https://example.com/a.mp4"};
    EXPECT_EQ(credits(seedance::estimate(provider_id::kinovi, r)), x.video * 10);
  }
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0_fast, resolution::p1080, 5)).cost);
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, make(model::seedance_2_0_fast, resolution::p4k, 5)).cost);
}

TEST(PricingKinoviCurrent, DefaultsAreAssumedAndSaid) {
  request r;
  r.prompt = "p";
  const auto e = seedance::estimate(provider_id::kinovi, r);
  EXPECT_EQ(credits(e), 200);  // 720p x 5 s
  EXPECT_EQ(e.confidence, estimate_confidence::inferred);
  EXPECT_NE(e.basis.find("duration not set"), std::string::npos) << e.basis;
  EXPECT_NE(e.basis.find("resolution not set"), std::string::npos) << e.basis;
}

TEST(PricingKinoviCurrent, UnknownsStayUnknown) {
  request r = make(model::seedance_1_5_pro, resolution::p720, 5);
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, r).cost);
  r = make(model::seedance_2_0, resolution::p720, 5);
  r.model_id = "seedance2-5";
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, r).cost);
  r = make(model::seedance_2_0, resolution::p720, 5);
  r.duration = seedance::auto_duration;
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, r).cost);
  r.duration = seconds{20};
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, r).cost);
  r = make(model::seedance_2_0, resolution::p720, 5);
  r.upscale_4k = true;  // the upscale exists only in the legacy table
  EXPECT_FALSE(seedance::estimate(provider_id::kinovi, r).cost);
}

// ---- seedance2.ink -----------------------------------------------------------------------------------------

TEST(PricingSeedance2ink, PublishedExamples) {
  const auto t2v = seedance::estimate(provider_id::seedance2ink, make(model::seedance_2_0, resolution::p720, 5));
  EXPECT_EQ(credits(t2v), 40);
  EXPECT_EQ(t2v.confidence, estimate_confidence::low);
  EXPECT_NE(t2v.basis.find("low confidence"), std::string::npos);

  request fast = make(model::seedance_2_0_fast, resolution::p720, 8);
  fast.images = {"https://example.com/a.png"};
  fast.audios = {"https://example.com/a.mp3"};
  EXPECT_EQ(credits(seedance::estimate(provider_id::seedance2ink, fast)), 64);
}

TEST(PricingSeedance2ink, OtherSettingsAreUnknownNotScaled) {
  for (auto res : {resolution::p480, resolution::p1080}) {
    const auto e = seedance::estimate(provider_id::seedance2ink, make(model::seedance_2_0, res, 5));
    EXPECT_FALSE(e.cost);
    EXPECT_EQ(e.confidence, estimate_confidence::unknown);
    EXPECT_NE(e.basis.find("creditsCharged"), std::string::npos) << e.basis;
  }
  EXPECT_FALSE(seedance::estimate(provider_id::seedance2ink, make(model::seedance_1_5_pro, resolution::p720, 5)).cost);
  request r;
  r.prompt = "p";
  EXPECT_FALSE(seedance::estimate(provider_id::seedance2ink, r).cost);  // defaults unknown
}

// ---- Ark ---------------------------------------------------------------------------------------------------

TEST(PricingArk, TokenExamples) {
  request r = make(model::seedance_2_0, resolution::p720, 5);
  r.ratio = aspect_ratio::r16_9;
  auto e = seedance::estimate(provider_id::ark, r);
  ASSERT_TRUE(e.cost) << e.basis;
  EXPECT_EQ(e.cost->unit, cost_unit::tokens);
  EXPECT_EQ(e.cost->amount, 108900);
  EXPECT_EQ(e.confidence, estimate_confidence::inferred);
  ASSERT_TRUE(e.usd);
  EXPECT_EQ(e.usd->unit, cost_unit::usd);
  EXPECT_NEAR(e.usd->amount, 108900 * 7.0 / 1e6, 1e-9);

  r.resolution = resolution::p1080;
  e = seedance::estimate(provider_id::ark, r);
  ASSERT_TRUE(e.cost) << e.basis;
  EXPECT_EQ(e.cost->amount, 246840);
  EXPECT_NE(e.basis.find("1920x1088"), std::string::npos) << e.basis;

  static_assert(seedance::ark_tokens(1280, 720, 5) == 108900);
  static_assert(seedance::ark_tokens(1920, 1088, 5) == 246840);
  static_assert(seedance::ark_coded_size({1920, 1080}).height == 1088);
  static_assert(seedance::ark_tokens(864, 496, 5) == 50638);  // 480p: 50638.5 rounded down
}

TEST(PricingArk, FastPriceAndUnknownUsd) {
  request r = make(model::seedance_2_0_fast, resolution::p720, 5);
  auto e = seedance::estimate(provider_id::ark, r);
  ASSERT_TRUE(e.usd);
  EXPECT_NEAR(e.usd->amount, 108900 * 5.6 / 1e6, 1e-9);

  r.model = model::seedance_1_5_pro;
  e = seedance::estimate(provider_id::ark, r);
  EXPECT_TRUE(e.cost);
  EXPECT_FALSE(e.usd);

  r.model_id = "ep-20260101-xyz";  // tokens do not depend on the model id; dollars do
  e = seedance::estimate(provider_id::ark, r);
  EXPECT_EQ(e.cost->amount, 108900);
  EXPECT_FALSE(e.usd);
}

TEST(PricingArk, AssumptionsAndUnknowns) {
  request r;
  r.prompt = "p";
  auto e = seedance::estimate(provider_id::ark, r);  // 720p, 16:9 budget, 5 s assumed
  ASSERT_TRUE(e.cost);
  EXPECT_EQ(e.cost->amount, 108900);
  EXPECT_NE(e.basis.find("assumed"), std::string::npos);

  r.duration = seedance::auto_duration;
  e = seedance::estimate(provider_id::ark, r);
  EXPECT_FALSE(e.cost);
  EXPECT_NE(e.basis.find("at most " + std::to_string(seedance::ark_tokens(1280, 720, 15))), std::string::npos)
      << e.basis;

  request v = make(model::seedance_2_0, resolution::p720, 5);
  v.videos = {"https://example.com/a.mp4"};
  e = seedance::estimate(provider_id::ark, v);
  EXPECT_FALSE(e.cost);
  EXPECT_NE(e.basis.find("reference videos add tokens"), std::string::npos) << e.basis;

  request k4 = make(model::seedance_2_0, resolution::p4k, 5);
  e = seedance::estimate(provider_id::ark, k4);
  EXPECT_EQ(e.cost->amount, static_cast<double>(seedance::ark_tokens(3840, 2160, 5)));
}

// ---- aihubmax ----------------------------------------------------------------------------------------------

TEST(PricingAihubmax, AlwaysUnknown) {
  const auto e = seedance::estimate(provider_id::aihubmax, make(model::seedance_2_0, resolution::p720, 5));
  EXPECT_FALSE(e.cost);
  EXPECT_FALSE(e.usd);
  EXPECT_EQ(e.confidence, estimate_confidence::unknown);
  EXPECT_NE(e.basis.find("unknown"), std::string::npos);
}

struct fake_ark {
  static constexpr provider_id id = provider_id::ark;
};

TEST(Pricing, ProviderTypeOverload) {
  const auto e = seedance::estimate<fake_ark>(make(model::seedance_2_0, resolution::p720, 5));
  ASSERT_TRUE(e.cost);
  EXPECT_EQ(e.cost->amount, 108900);
}

TEST(Pricing, NominalFrameSizes) {
  static_assert(seedance::nominal_frame_size(resolution::p480, aspect_ratio::r16_9)->width == 864);
  static_assert(seedance::nominal_frame_size(resolution::p720, aspect_ratio::r21_9)->width == 1470);
  static_assert(seedance::nominal_frame_size(resolution::p1080, aspect_ratio::r3_4)->height == 1664);
  static_assert(seedance::nominal_frame_size(resolution::p4k, aspect_ratio::r9_16)->height == 3840);
  static_assert(!seedance::nominal_frame_size(resolution::p720, aspect_ratio::adaptive));
  static_assert(!seedance::nominal_frame_size(resolution::p4k, aspect_ratio::r1_1));
}

}  // namespace

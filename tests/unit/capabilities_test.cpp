// The constexpr capability tables: what each provider offers, queried at compile time and at run time.
#include <seedance/capabilities.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using seedance::aspect_ratio;
using seedance::capabilities_for;
using seedance::duration;
using seedance::feature;
using seedance::generation_mode;
using seedance::model;
using seedance::provider_id;
using seedance::resolution;

constexpr provider_id kinovi = provider_id::kinovi;
constexpr provider_id aihubmax = provider_id::aihubmax;
constexpr provider_id ink = provider_id::seedance2ink;
constexpr provider_id ark = provider_id::ark;

// Everything below is also usable in constant expressions.
static_assert(seedance::offers_ratio(ink, aspect_ratio::r16_9));
static_assert(!seedance::offers_ratio(ink, aspect_ratio::r4_3));
static_assert(!seedance::offers_model(kinovi, model::seedance_1_5_pro));
static_assert(seedance::duration_ok(ink, model::seedance_1_5_pro, duration{10}));
static_assert(!seedance::duration_ok(ink, model::seedance_1_5_pro, duration{6}));
static_assert(seedance::capabilities_for(ink).ratio_rule == "seedance2.ink offers only 16:9, 9:16 and 1:1");
static_assert(&seedance::capabilities_for(ark) == &seedance::ark_capabilities);

TEST(Capabilities, DisplayNames) {
  EXPECT_EQ(seedance::display_name(kinovi), "Kinovi");
  EXPECT_EQ(seedance::display_name(aihubmax), "aihubmax");
  EXPECT_EQ(seedance::display_name(ink), "seedance2.ink");
  EXPECT_EQ(seedance::display_name(ark), "BytePlus/Volcengine Ark");
  for (provider_id p : seedance::all_providers) EXPECT_EQ(capabilities_for(p).id, p);
}

TEST(Capabilities, ProviderNamesRoundTrip) {
  for (provider_id p : seedance::all_providers) EXPECT_EQ(seedance::parse_provider_id(seedance::to_string(p)), p);
  EXPECT_EQ(seedance::parse_provider_id("Seedance2.INK"), ink);
  EXPECT_EQ(seedance::parse_provider_id("BytePlus"), ark);
  EXPECT_EQ(seedance::parse_provider_id("volcengine"), ark);
  EXPECT_FALSE(seedance::parse_provider_id("fal"));
  EXPECT_FALSE(seedance::parse_provider_id(""));
}

TEST(Capabilities, ModelsOffered) {
  for (provider_id p : seedance::all_providers) {
    EXPECT_TRUE(seedance::offers_model(p, model::seedance_2_0));
    EXPECT_TRUE(seedance::offers_model(p, model::seedance_2_0_fast));
  }
  EXPECT_FALSE(seedance::offers_model(kinovi, model::seedance_1_5_pro));
  EXPECT_FALSE(seedance::offers_model(aihubmax, model::seedance_1_5_pro));
  EXPECT_TRUE(seedance::offers_model(ink, model::seedance_1_5_pro));
  EXPECT_TRUE(seedance::offers_model(ark, model::seedance_1_5_pro));
  for (provider_id p : seedance::all_providers)
    for (model m : seedance::all_models) EXPECT_EQ(capabilities_for(p).of(m).model, m);
}

TEST(Capabilities, ResolutionsPerModel) {
  const auto res = [](provider_id p, model m) {
    std::string s;
    for (auto r : {resolution::p480, resolution::p720, resolution::p1080, resolution::p4k})
      if (seedance::offers_resolution(p, m, r)) s += std::string(seedance::to_string(r)) + " ";
    return s;
  };
  EXPECT_EQ(res(kinovi, model::seedance_2_0), "480p 720p 1080p 4k ");
  EXPECT_EQ(res(kinovi, model::seedance_2_0_fast), "480p 720p ");
  EXPECT_EQ(res(kinovi, model::seedance_1_5_pro), "");
  EXPECT_EQ(res(aihubmax, model::seedance_2_0), "480p 720p 1080p ");
  EXPECT_EQ(res(aihubmax, model::seedance_2_0_fast), "480p 720p ");
  for (model m : seedance::all_models) EXPECT_EQ(res(ink, m), "480p 720p 1080p ");
  EXPECT_EQ(res(ark, model::seedance_2_0), "480p 720p 1080p 4k ");
  EXPECT_EQ(res(ark, model::seedance_2_0_fast), "480p 720p ");
  EXPECT_EQ(res(ark, model::seedance_1_5_pro), "480p 720p 1080p ");

  EXPECT_TRUE(seedance::offers_resolution(kinovi, resolution::p4k));
  EXPECT_FALSE(seedance::offers_resolution(aihubmax, resolution::p4k));
  EXPECT_FALSE(seedance::offers_resolution(ink, resolution::p4k));
  EXPECT_TRUE(seedance::offers_resolution(ark, resolution::p4k));
  EXPECT_EQ(capabilities_for(kinovi).of(model::seedance_2_0_fast).resolution_rule,
            "Kinovi offers seedance-2.0-fast only at 480p and 720p");
}

TEST(Capabilities, Durations) {
  for (provider_id p : seedance::all_providers) {
    EXPECT_FALSE(seedance::duration_ok(p, model::seedance_2_0, duration{3}));
    EXPECT_TRUE(seedance::duration_ok(p, model::seedance_2_0, duration{4}));
    EXPECT_TRUE(seedance::duration_ok(p, model::seedance_2_0_fast, duration{15}));
    EXPECT_FALSE(seedance::duration_ok(p, model::seedance_2_0, duration{16}));
    EXPECT_FALSE(seedance::duration_ok(p, duration{-2}));
    EXPECT_FALSE(seedance::duration_ok(p, duration{40}));
  }
  for (int s = 4; s <= 15; ++s)
    EXPECT_EQ(seedance::duration_ok(ink, model::seedance_1_5_pro, duration{s}), s == 5 || s == 10) << s;
  EXPECT_TRUE(seedance::duration_ok(ark, model::seedance_1_5_pro, duration{12}));
  EXPECT_FALSE(seedance::duration_ok(ark, model::seedance_1_5_pro, duration{13}));
  EXPECT_FALSE(seedance::duration_ok(kinovi, model::seedance_1_5_pro, duration{5}));  // not offered at all

  const auto& ink_pro = capabilities_for(ink).of(model::seedance_1_5_pro).durations;
  EXPECT_EQ(ink_pro.min(), duration{5});
  EXPECT_EQ(ink_pro.max(), duration{10});
  EXPECT_EQ(capabilities_for(ark).of(model::seedance_1_5_pro).durations.max(), duration{12});
}

TEST(Capabilities, AutoDuration) {
  EXPECT_FALSE(seedance::duration_ok(kinovi, seedance::auto_duration));
  EXPECT_FALSE(seedance::duration_ok(ink, seedance::auto_duration));
  EXPECT_TRUE(seedance::duration_ok(aihubmax, seedance::auto_duration));
  EXPECT_TRUE(seedance::duration_ok(ark, seedance::auto_duration));
  EXPECT_TRUE(seedance::offers_auto_duration(ark, model::seedance_2_0_fast));
  EXPECT_FALSE(seedance::offers_auto_duration(kinovi, model::seedance_2_0));
  EXPECT_EQ(capabilities_for(kinovi).auto_duration_rule, "Kinovi does not offer auto duration; give 4 to 15 seconds");
}

TEST(Capabilities, Ratios) {
  const aspect_ratio all[] = {aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1,    aspect_ratio::r4_3,
                              aspect_ratio::r3_4,  aspect_ratio::r21_9, aspect_ratio::adaptive};
  for (aspect_ratio r : all) {
    EXPECT_TRUE(seedance::offers_ratio(aihubmax, r));
    EXPECT_TRUE(seedance::offers_ratio(ark, r));
    EXPECT_EQ(seedance::offers_ratio(kinovi, r), r != aspect_ratio::adaptive);
    EXPECT_EQ(seedance::offers_ratio(ink, r),
              r == aspect_ratio::r16_9 || r == aspect_ratio::r9_16 || r == aspect_ratio::r1_1);
  }
  EXPECT_EQ(capabilities_for(ink).ratios.size(), 3u);
  EXPECT_EQ(capabilities_for(ark).ratios.size(), 7u);
}

TEST(Capabilities, Modes) {
  for (provider_id p : seedance::all_providers)
    for (auto g : {generation_mode::text, generation_mode::first_frame, generation_mode::first_last_frame,
                   generation_mode::reference})
      EXPECT_TRUE(seedance::offers_mode(p, model::seedance_2_0, g));
  EXPECT_FALSE(seedance::offers_mode(ark, model::seedance_1_5_pro, generation_mode::reference));
  EXPECT_TRUE(seedance::offers_mode(ark, model::seedance_1_5_pro, generation_mode::first_last_frame));
  EXPECT_FALSE(seedance::offers_mode(kinovi, model::seedance_1_5_pro, generation_mode::text));
}

TEST(Capabilities, MediaLimits) {
  EXPECT_EQ(capabilities_for(kinovi).media.max_images, 9);
  EXPECT_EQ(capabilities_for(kinovi).media.max_videos, 3);
  EXPECT_EQ(capabilities_for(kinovi).media.max_audios, 3);
  EXPECT_EQ(capabilities_for(kinovi).media.max_total, 0);
  EXPECT_EQ(capabilities_for(aihubmax).media.max_total, 12);
  EXPECT_EQ(capabilities_for(ink).media.max_total, 5);
  EXPECT_EQ(capabilities_for(ark).media.max_images, 9);
}

TEST(Capabilities, PromptLimits) {
  EXPECT_EQ(capabilities_for(kinovi).prompt_limit(), 10000u);
  EXPECT_EQ(capabilities_for(kinovi).prompt_limit(true), 4000u);
  EXPECT_EQ(capabilities_for(aihubmax).prompt_limit(), 5000u);
  EXPECT_EQ(capabilities_for(aihubmax).prompt_limit(true), 5000u);  // no legacy schema: unchanged
  EXPECT_EQ(capabilities_for(ink).prompt_limit(), 0u);              // unknown: not enforced
  EXPECT_EQ(capabilities_for(ark).prompt_limit(), 0u);              // unconfirmed: not enforced
  EXPECT_TRUE(capabilities_for(ark).requires_prompt(generation_mode::text));
  EXPECT_FALSE(capabilities_for(ark).requires_prompt(generation_mode::first_frame));
  EXPECT_TRUE(capabilities_for(kinovi).requires_prompt(generation_mode::first_frame));
}

TEST(Capabilities, Features) {
  struct expectation {
    feature f;
    bool kinovi, aihubmax, ink, ark;
  };
  const expectation table[] = {
      {feature::cancel, false, false, true, true},          {feature::progress, false, true, false, false},
      {feature::webhook, true, false, true, true},          {feature::seed, true, true, false, true},
      {feature::audio_toggle, true, true, false, true},     {feature::native_4k, true, false, false, true},
      {feature::list, false, false, false, true},           {feature::upscale_4k, false, false, false, false},
      {feature::data_uri_media, false, false, false, true}, {feature::asset_media, false, false, false, true},
      {feature::metadata, false, false, true, false},       {feature::high_bitrate, true, false, false, false},
      {feature::watermark, false, false, false, true},      {feature::camera_fixed, false, false, false, true},
  };
  for (const auto& e : table) {
    EXPECT_EQ(seedance::supports(kinovi, e.f), e.kinovi) << seedance::describe(e.f);
    EXPECT_EQ(seedance::supports(aihubmax, e.f), e.aihubmax) << seedance::describe(e.f);
    EXPECT_EQ(seedance::supports(ink, e.f), e.ink) << seedance::describe(e.f);
    EXPECT_EQ(seedance::supports(ark, e.f), e.ark) << seedance::describe(e.f);
  }
  // The Kinovi legacy schema: 4k only as an upscale; no seed, audio toggle or bitrate mode.
  const auto& legacy = seedance::capabilities_for(kinovi, {.kinovi_schema = seedance::kinovi_schema::legacy});
  EXPECT_EQ(&legacy, &seedance::kinovi_legacy_capabilities);
  EXPECT_TRUE(legacy.supports(feature::upscale_4k));
  for (feature f : {feature::native_4k, feature::seed, feature::audio_toggle, feature::high_bitrate})
    EXPECT_FALSE(legacy.supports(f)) << seedance::describe(f);
  EXPECT_FALSE(legacy.offers_resolution(resolution::p4k));
  EXPECT_EQ(legacy.max_prompt_code_points, 4000u);
}

TEST(Capabilities, SentencesNameTheOffer) {
  EXPECT_EQ(capabilities_for(kinovi).model_rule, "Kinovi offers only seedance-2.0 and seedance-2.0-fast");
  EXPECT_EQ(capabilities_for(aihubmax).resolution_rule,
            "aihubmax offers only 480p, 720p and 1080p (1080p: catalog only)");
  EXPECT_EQ(capabilities_for(ink).duration_rule,
            "seedance2.ink offers durations from 4 to 15 seconds (seedance-1.5-pro: 5 or 10)");
  EXPECT_EQ(capabilities_for(kinovi).ratio_rule, "Kinovi offers 16:9, 9:16, 1:1, 4:3, 3:4 and 21:9, not adaptive");
  for (provider_id p : seedance::all_providers) {
    const auto& c = capabilities_for(p);
    for (std::string_view s : {c.model_rule, c.ratio_rule, c.resolution_rule, c.duration_rule, c.auto_duration_rule})
      EXPECT_FALSE(s.empty());
    for (model m : seedance::all_models)
      if (c.of(m).offered) {
        EXPECT_FALSE(c.of(m).resolution_rule.empty());
        EXPECT_FALSE(c.of(m).duration_rule.empty());
      }
  }
}

TEST(EnumSet, Basics) {
  constexpr seedance::enum_set<aspect_ratio> s{aspect_ratio::r1_1, aspect_ratio::adaptive};
  static_assert(s.contains(aspect_ratio::r1_1) && !s.contains(aspect_ratio::r16_9) && s.size() == 2);
  static_assert(seedance::enum_set<aspect_ratio>{}.empty());
  static_assert((s | seedance::enum_set<aspect_ratio>{aspect_ratio::r16_9}).size() == 3);
  constexpr auto d = seedance::duration_set::range(4, 15);
  static_assert(d.contains(duration{4}) && d.contains(duration{15}) && !d.contains(duration{16}));
  static_assert(!d.contains(seedance::auto_duration) && d.min() == duration{4} && d.max() == duration{15});
  static_assert(seedance::duration_set::of({5, 10}) ==
                (seedance::duration_set::of({5}) | seedance::duration_set::of({10})));
  EXPECT_TRUE(seedance::duration_set{}.empty());
}

}  // namespace

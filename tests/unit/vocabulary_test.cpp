// Vocabulary: every value's name round-trips through its parser; alternative spellings; durations.
#include <seedance/vocabulary.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace {

using seedance::aspect_ratio;
using seedance::duration;
using seedance::generation_mode;
using seedance::model;
using seedance::resolution;
using seedance::task_state;

// Compile-time round trips.
static_assert(seedance::parse_model(seedance::to_string(model::seedance_2_0_fast)) == model::seedance_2_0_fast);
static_assert(seedance::parse_aspect_ratio("21x9") == aspect_ratio::r21_9);
static_assert(seedance::parse_duration("auto") == seedance::auto_duration);

TEST(Vocabulary, ModelsRoundTrip) {
  for (model m : {model::seedance_2_0, model::seedance_2_0_fast, model::seedance_1_5_pro}) {
    const std::string_view name = seedance::to_string(m);
    EXPECT_NE(name, "?");
    EXPECT_EQ(seedance::parse_model(name), m) << name;
    std::string upper(name);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(seedance::parse_model(upper), m) << upper;
  }
  EXPECT_EQ(seedance::to_string(model::seedance_2_0), "seedance-2.0");
  EXPECT_EQ(seedance::to_string(model::seedance_2_0_fast), "seedance-2.0-fast");
  EXPECT_EQ(seedance::to_string(model::seedance_1_5_pro), "seedance-1.5-pro");
}

TEST(Vocabulary, ModelAlternativeSpellings) {
  for (const char* s : {"2.0", "seedance-20", "seedance2.0", "Seedance-2.0"})
    EXPECT_EQ(seedance::parse_model(s), model::seedance_2_0) << s;
  for (const char* s : {"fast", "2.0-fast", "seedance2-fast", "FAST"})
    EXPECT_EQ(seedance::parse_model(s), model::seedance_2_0_fast) << s;
  for (const char* s : {"1.5-pro", "1.5"}) EXPECT_EQ(seedance::parse_model(s), model::seedance_1_5_pro) << s;
  for (const char* s : {"", "2", "seedance", "seedance-2.0 ", "dreamina-seedance-2-0-260128"})
    EXPECT_FALSE(seedance::parse_model(s)) << s;
}

TEST(Vocabulary, RatiosRoundTrip) {
  const aspect_ratio all[] = {aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1,    aspect_ratio::r4_3,
                              aspect_ratio::r3_4,  aspect_ratio::r21_9, aspect_ratio::adaptive};
  for (aspect_ratio r : all) {
    const std::string name(seedance::to_string(r));
    EXPECT_EQ(seedance::parse_aspect_ratio(name), r) << name;
    if (r != aspect_ratio::adaptive) {
      std::string x = name;
      x[x.find(':')] = 'x';
      EXPECT_EQ(seedance::parse_aspect_ratio(x), r) << x;
      x[x.find('x')] = 'X';
      EXPECT_EQ(seedance::parse_aspect_ratio(x), r) << x;
    }
  }
  EXPECT_EQ(seedance::parse_aspect_ratio("ADAPTIVE"), aspect_ratio::adaptive);
  for (const char* s : {"", "5:4", "16/9", "16:", "auto", "16:9 "}) EXPECT_FALSE(seedance::parse_aspect_ratio(s)) << s;
}

TEST(Vocabulary, ResolutionsRoundTrip) {
  for (resolution r : {resolution::p480, resolution::p720, resolution::p1080, resolution::p4k})
    EXPECT_EQ(seedance::parse_resolution(seedance::to_string(r)), r) << seedance::to_string(r);
  EXPECT_EQ(seedance::parse_resolution("1080P"), resolution::p1080);
  EXPECT_EQ(seedance::parse_resolution("4K"), resolution::p4k);
  EXPECT_EQ(seedance::parse_resolution("2160p"), resolution::p4k);
  for (const char* s : {"", "2k", "1280x720", "720"}) EXPECT_FALSE(seedance::parse_resolution(s)) << s;
}

TEST(Vocabulary, ModesRoundTrip) {
  for (generation_mode g : {generation_mode::text, generation_mode::first_frame, generation_mode::first_last_frame,
                            generation_mode::reference})
    EXPECT_EQ(seedance::parse_generation_mode(seedance::to_string(g)), g) << seedance::to_string(g);
  EXPECT_EQ(seedance::parse_generation_mode("first_frame"), generation_mode::first_frame);
  EXPECT_EQ(seedance::parse_generation_mode("keyframe"), generation_mode::first_frame);
  EXPECT_EQ(seedance::parse_generation_mode("first_last_frame"), generation_mode::first_last_frame);
  EXPECT_EQ(seedance::parse_generation_mode("Reference"), generation_mode::reference);
  EXPECT_FALSE(seedance::parse_generation_mode("omni"));
}

TEST(Vocabulary, StatesRoundTrip) {
  for (task_state s : {task_state::queued, task_state::running, task_state::succeeded, task_state::failed,
                       task_state::cancelled, task_state::expired, task_state::unknown})
    EXPECT_EQ(seedance::parse_task_state(seedance::to_string(s)), s) << seedance::to_string(s);
  EXPECT_FALSE(seedance::parse_task_state("success"));  // provider words are the codecs' business
}

TEST(Vocabulary, TerminalStates) {
  EXPECT_FALSE(seedance::is_terminal(task_state::queued));
  EXPECT_FALSE(seedance::is_terminal(task_state::running));
  EXPECT_FALSE(seedance::is_terminal(task_state::unknown));
  EXPECT_TRUE(seedance::is_terminal(task_state::succeeded));
  EXPECT_TRUE(seedance::is_terminal(task_state::failed));
  EXPECT_TRUE(seedance::is_terminal(task_state::cancelled));
  EXPECT_TRUE(seedance::is_terminal(task_state::expired));
}

TEST(Vocabulary, Durations) {
  EXPECT_EQ(seedance::parse_duration("5"), duration{5});
  EXPECT_EQ(seedance::parse_duration("15s"), duration{15});
  EXPECT_EQ(seedance::parse_duration("10S"), duration{10});
  EXPECT_EQ(seedance::parse_duration("auto"), seedance::auto_duration);
  EXPECT_EQ(seedance::parse_duration("AUTO"), seedance::auto_duration);
  EXPECT_EQ(seedance::parse_duration("-1"), seedance::auto_duration);
  EXPECT_EQ(seedance::auto_duration.count(), -1);
  for (const char* s : {"", "s", "-5", "5.5", "12345", "five", " 5"}) EXPECT_FALSE(seedance::parse_duration(s)) << s;
}

}  // namespace

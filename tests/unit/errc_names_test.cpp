// seedance::to_string(errc): every error code has its own identifier-like name, the one --json output, logs
// and the soak report print.
#include <seedance/error.hpp>
#include <support/every_errc.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

namespace {

using seedance::errc;

static_assert(seedance::to_string(errc::outcome_unknown) == "outcome_unknown", "usable in constant expressions");
static_assert(seedance::to_string(static_cast<errc>(0)) == "?", "a value that is no enumerator has no name");

constexpr const auto& every_code = seedance::test_support::every_errc;

bool is_identifier(std::string_view name) {
  return !name.empty() && name.front() != '_' && name.back() != '_' &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

TEST(ErrcNames, EveryEnumeratorHasADistinctName) {
  std::set<std::string_view> seen;
  for (errc e : every_code) {
    const std::string_view name = seedance::to_string(e);
    SCOPED_TRACE("errc value " + std::to_string(static_cast<int>(e)));
    EXPECT_NE(name, "?");
    EXPECT_TRUE(is_identifier(name)) << name;
    EXPECT_TRUE(seen.insert(name).second) << "two codes are both named " << name;
  }
  EXPECT_EQ(seen.size(), std::size(every_code));
}

TEST(ErrcNames, TheListAboveIsEveryEnumerator) {
  // error_category().message() switches over every enumerator (GCC's -Wswitch keeps it complete), so the values
  // it knows are exactly the enumerators: each must have a name, and no other value may.
  std::size_t known = 0;
  for (int value = -1; value < 256; ++value) {
    const bool is_enumerator =
        seedance::make_error_code(static_cast<errc>(value)).message() != "unknown seedance error";
    EXPECT_EQ(seedance::to_string(static_cast<errc>(value)) != "?", is_enumerator) << "value " << value;
    if (is_enumerator) ++known;
  }
  EXPECT_EQ(known, std::size(every_code)) << "a new errc enumerator must be added to every_code";
}

TEST(ErrcNames, NamesAreTheEnumeratorNames) {
  EXPECT_EQ(seedance::to_string(errc::invalid_request), "invalid_request");
  EXPECT_EQ(seedance::to_string(errc::rate_limited), "rate_limited");
  EXPECT_EQ(seedance::to_string(errc::outcome_unknown), "outcome_unknown");
  EXPECT_EQ(seedance::to_string(errc::invalid_video), "invalid_video");
  EXPECT_EQ(seedance::to_string(static_cast<errc>(9999)), "?");
}

}  // namespace

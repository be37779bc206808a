// The `seedance` program's JSON output: numbers as people write them (200, 2.075), never Boost.JSON's exponent
// form (2E2, 2.075E0), and otherwise the same text Boost.JSON would write.
#include <cli/json_text.hpp>

#include <gtest/gtest.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

namespace {

using seedance_cli::json_text;
using seedance_cli::plain_number;

TEST(CliJsonText, WholeAmountsPrintAsIntegers) {
  EXPECT_EQ(boost::json::serialize(boost::json::value(200.0)), "2E2");  // why json_text exists
  EXPECT_EQ(plain_number(200.0), "200");
  EXPECT_EQ(plain_number(415.0), "415");
  EXPECT_EQ(plain_number(108900.0), "108900");
  EXPECT_EQ(plain_number(0.0), "0");
  EXPECT_EQ(plain_number(-0.0), "0");
  EXPECT_EQ(plain_number(1e21), "1000000000000000000000");
}

TEST(CliJsonText, FractionalAmountsKeepEveryDigitTheyNeed) {
  EXPECT_EQ(plain_number(2.075), "2.075");
  EXPECT_EQ(plain_number(0.005), "0.005");
  EXPECT_EQ(plain_number(0.7623), "0.7623");
  EXPECT_EQ(plain_number(0.1 + 0.2), "0.30000000000000004");  // shortest text that reads back the same double
  EXPECT_EQ(plain_number(-1.5), "-1.5");
  EXPECT_EQ(plain_number(1e-7), "0.0000001");
}

TEST(CliJsonText, NonFiniteNumbersBecomeNull) {
  EXPECT_EQ(plain_number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(plain_number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(json_text(boost::json::object{{"a", -std::numeric_limits<double>::infinity()}}), R"({"a":null})");
}

TEST(CliJsonText, CostObjectsReadLikeTheyWereWrittenByHand) {
  const boost::json::object event{{"event", "estimate"},
                                  {"cost", {{"amount", 200.0}, {"unit", "credits"}, {"estimated", true}}},
                                  {"usd", {{"amount", 2.075}, {"unit", "usd"}, {"estimated", true}}}};
  EXPECT_EQ(json_text(event), R"({"event":"estimate","cost":{"amount":200,"unit":"credits","estimated":true},)"
                              R"("usd":{"amount":2.075,"unit":"usd","estimated":true}})");
}

TEST(CliJsonText, EverythingElseIsWhatBoostJsonWrites) {
  const boost::json::value v =
      boost::json::parse(R"({"s":"quote \" backslash \\ newline \n tab \t control \u0001 unicode \u00e9","i":-42,)"
                         R"("u":18446744073709551615,"b":false,"n":null,"a":[1,[2,{}],[]],"o":{"k\"ey":"v"}})");
  EXPECT_EQ(json_text(v), boost::json::serialize(v));
  EXPECT_EQ(boost::json::parse(json_text(v)), v);
}

TEST(CliJsonText, DoublesReadBackExactly) {
  for (double d : {2.075, 0.1, 1.0 / 3.0, 123456.789, 0.7623, 40.0, 1e-9}) {
    const std::string text = json_text(boost::json::value(d));
    EXPECT_EQ(text.find_first_of("eE"), std::string::npos) << text;
    EXPECT_EQ(boost::json::parse(text).to_number<double>(), d) << text;
  }
  // The extremes are long, but exact (read back with strtod: Boost.JSON's default reader rounds long numbers).
  for (double d : {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()}) {
    const std::string text = plain_number(d);
    EXPECT_EQ(text.find_first_of("eE"), std::string::npos) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), d) << text;
  }
}

}  // namespace

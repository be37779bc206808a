// Regression tests for inputs found by the libFuzzer targets (tests/fuzz/fuzz_validate.cpp). Each test names the
// rule the fuzzer found broken and reproduces the input it reduced to.
#include <seedance/http/serializer.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/request.hpp>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using seedance::provider_id;

bool has_problem(const std::vector<seedance::problem>& problems, std::string_view field) {
  for (const auto& p : problems)
    if (p.field == field) return true;
  return false;
}

std::string all_text(const std::vector<seedance::problem>& problems) {
  std::string text;
  for (const auto& p : problems) text += p.field + " " + p.rule + " " + p.value + "\n";
  return text;
}

// fuzz_validate: "asset://\xF6.png" passed Ark's validation and was sent inside a JSON string, making the body
// malformed JSON (the provider would answer 400 instead of the library naming the field).
TEST(FuzzRegressions, ArkAssetIdMustBeUtf8) {
  seedance::request r;
  r.prompt = "@image1 waves";
  r.images = {"asset://\xF6.png"};
  const auto problems = seedance::validate(provider_id::ark, r);
  EXPECT_TRUE(has_problem(problems, "images[0]")) << all_text(problems);

  r.images = {"asset://asset-20260101-abc"};
  EXPECT_TRUE(seedance::validate(provider_id::ark, r).empty());
  const auto body = seedance::ark::encode_create(r).body;
  std::error_code ec;
  (void)boost::json::parse(body, ec);
  EXPECT_FALSE(ec) << body;
}

// The same for data: URIs: their payload is base64, so anything outside printable ASCII is refused.
TEST(FuzzRegressions, ArkDataUriMustBePrintableAscii) {
  seedance::request r;
  r.prompt = "@image1 waves";
  r.images = {"data:image/png;base64,iVBOR\xF6w0KGgo="};
  EXPECT_TRUE(has_problem(seedance::validate(provider_id::ark, r), "images[0]"));
  r.images = {"data:image/png;base64,iVBORw0KGgo="};
  EXPECT_TRUE(seedance::validate(provider_id::ark, r).empty());
}

// model_id is sent verbatim: a byte sequence that is not UTF-8 made a malformed JSON body.
TEST(FuzzRegressions, RawModelIdMustBeUtf8) {
  seedance::request r;
  r.prompt = "a kite";
  r.model_id = "ep-2026\xC3(";
  for (provider_id p : seedance::all_providers)
    EXPECT_TRUE(has_problem(seedance::validate(p, r), "model_id")) << seedance::to_string(p);
  r.model_id = "ep-20260101-\xC3\xA9t\xC3\xA9";  // valid UTF-8 is fine
  EXPECT_FALSE(has_problem(seedance::validate(provider_id::ark, r), "model_id"));
}

// fuzz_validate: a media URL with credentials that does not parse ("http://user:pw@127.0.0.1:8080/A\xA9\xAD.png")
// was echoed whole in the problem value, password included.
TEST(FuzzRegressions, UnparseableUrlsNeverEchoTheirPassword) {
  const std::string password = "pw-7Hq2xZ";
  seedance::request r;
  r.prompt = "@image1 waves";
  r.images = {"http://user:" + password + "@127.0.0.1:8080/A\xA9\xAD.png"};
  r.callback_url = "http://user:" + password + "@127.0.0.1:8080/hook path";
  for (provider_id p : seedance::all_providers) {
    const auto problems = seedance::validate(p, r);
    EXPECT_TRUE(has_problem(problems, "images[0]")) << seedance::to_string(p);
    EXPECT_EQ(all_text(problems).find(password), std::string::npos) << all_text(problems);
    try {
      seedance::check(p, r);
      ADD_FAILURE() << "expected invalid_request";
    } catch (const seedance::error& e) {
      EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
    }
  }
  // A password with '@' or '/' in it, in text that is not a URL at all.
  r.images = {"user:p@ss/w@rd-" + password + "@ host"};
  const auto problems = seedance::validate(provider_id::kinovi, r);
  EXPECT_EQ(all_text(problems).find(password), std::string::npos) << all_text(problems);
}

// fuzz_validate: generate_audio = true passed validate() for seedance2.ink (audio is always on there) but the codec
// refused it: validate() and encode_create() must agree. Asking for audio is accepted; turning it off is not.
TEST(FuzzRegressions, Seedance2inkAcceptsAudioOnAndRefusesAudioOff) {
  seedance::request r;
  r.prompt = "/L";
  r.generate_audio = true;
  EXPECT_TRUE(seedance::validate(provider_id::seedance2ink, r).empty());
  const auto created = seedance::seedance2ink::encode_create(r);
  EXPECT_EQ(created.body.find("audio"), std::string::npos) << created.body;
  (void)seedance::http::serialize(created);

  r.generate_audio = false;
  EXPECT_TRUE(has_problem(seedance::validate(provider_id::seedance2ink, r), "generate_audio"));
  try {
    (void)seedance::seedance2ink::encode_create(r);
    ADD_FAILURE() << "expected invalid_request";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), make_error_code(seedance::errc::invalid_request));
  }
}

}  // namespace

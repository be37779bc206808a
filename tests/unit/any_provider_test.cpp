// any_provider: run-time choice of a provider forwards every codec function to the right static codec.
#include <gtest/gtest.h>

#include <seedance/providers/any_provider.hpp>
#include <support/fixtures.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace {

using seedance::any_codec_options;
using seedance::any_provider;
using seedance::errc;
using seedance::provider_id;
using seedance::task_state;
namespace fx = seedance::test_support;

constexpr std::string_view all_names[] = {"kinovi", "aihubmax", "seedance2ink", "ark"};

/// A request every provider can express.
seedance::request portable_request() {
  seedance::request r;
  r.prompt = "slow dolly-in, leaves moving in the wind";
  r.images = {"https://cdn.example.com/in/first.png"};
  r.ratio = seedance::aspect_ratio::r16_9;
  r.resolution = seedance::resolution::p720;
  r.duration = std::chrono::seconds{5};
  return r;
}

/// The error code `f` throws (a default code when it throws none).
std::error_code thrown_code(const std::function<void()>& f) {
  try {
    f();
  } catch (const seedance::error& e) {
    return e.code();
  }
  return {};
}

void expect_same_request(const seedance::http::request& a, const seedance::http::request& b) {
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.headers.find("Content-Type"), b.headers.find("Content-Type"));
  if (a.body.empty() || b.body.empty())
    EXPECT_EQ(a.body, b.body);
  else
    EXPECT_EQ(boost::json::parse(a.body), boost::json::parse(b.body));
}

TEST(AnyProvider, FromNameForEveryProvider) {
  const provider_id ids[] = {provider_id::kinovi, provider_id::aihubmax, provider_id::seedance2ink, provider_id::ark};
  for (std::size_t i = 0; i < std::size(all_names); ++i) {
    const auto p = any_provider::from_name(all_names[i]);
    ASSERT_TRUE(p) << all_names[i];
    EXPECT_EQ(p->id(), ids[i]);
    EXPECT_EQ(p->name(), all_names[i]);
    std::visit(
        [&](const auto& codec) {
          using codec_type = std::decay_t<decltype(codec)>;
          EXPECT_EQ(codec_type::id, ids[i]);
          EXPECT_EQ(p->display_name(), codec_type::display_name);
          EXPECT_EQ(p->default_base_url(), codec_type::default_base_url);
          EXPECT_EQ(p->api_key_env(), codec_type::api_key_env);
        },
        p->codec());
  }
  EXPECT_TRUE(std::holds_alternative<seedance::kinovi>(any_provider::from_name("KINOVI")->codec()));
  EXPECT_TRUE(std::holds_alternative<seedance::seedance2ink>(any_provider::from_name("seedance2.ink")->codec()));
  EXPECT_FALSE(any_provider::from_name(""));
  EXPECT_FALSE(any_provider::from_name("fal"));
  EXPECT_FALSE(any_provider::from_name("ark "));
}

TEST(AnyProvider, BytePlusAndVolcengineAreArkWithARegion) {
  const auto byteplus = any_provider::from_name("byteplus");
  ASSERT_TRUE(byteplus);
  EXPECT_EQ(byteplus->id(), provider_id::ark);
  EXPECT_EQ(byteplus->name(), "ark");
  EXPECT_EQ(byteplus->region(), seedance::ark_region::byteplus);
  EXPECT_EQ(byteplus->default_base_url(), "https://ark.ap-southeast.bytepluses.com/api/v3");

  const auto volcengine = any_provider::from_name("Volcengine");
  ASSERT_TRUE(volcengine);
  EXPECT_EQ(volcengine->id(), provider_id::ark);
  EXPECT_EQ(volcengine->region(), seedance::ark_region::volcengine);
  EXPECT_EQ(volcengine->default_base_url(), "https://ark.cn-beijing.volces.com/api/v3");

  const auto r = portable_request();
  EXPECT_EQ(boost::json::parse(volcengine->encode_create(r).body).at("model"), "doubao-seedance-2-0-260128");
  EXPECT_EQ(boost::json::parse(byteplus->encode_create(r).body).at("model"), "dreamina-seedance-2-0-260128");
  // Explicit options: an unset region keeps the held one; a set region wins.
  EXPECT_EQ(boost::json::parse(volcengine->encode_create(r, any_codec_options{}).body).at("model"),
            "doubao-seedance-2-0-260128");
  EXPECT_EQ(
      boost::json::parse(volcengine->encode_create(r, {.ark_region = seedance::ark_region::byteplus}).body).at("model"),
      "dreamina-seedance-2-0-260128");
}

TEST(AnyProvider, Capabilities) {
  EXPECT_FALSE(any_provider::from_name("kinovi")->supports_cancel());
  EXPECT_FALSE(any_provider::from_name("aihubmax")->supports_cancel());
  EXPECT_TRUE(any_provider::from_name("seedance2ink")->supports_cancel());
  EXPECT_TRUE(any_provider::from_name("ark")->supports_cancel());
  for (auto name : all_names) EXPECT_EQ(any_provider::from_name(name)->supports_list(), name == "ark") << name;
  static_assert(std::is_same_v<any_provider::codec_options, any_codec_options>);
}

TEST(AnyProvider, EncodeCreateDispatches) {
  const auto r = portable_request();
  for (auto name : all_names) {
    SCOPED_TRACE(std::string(name));
    const auto p = *any_provider::from_name(name);
    std::visit(
        [&](const auto& codec) {
          expect_same_request(p.encode_create(r), std::decay_t<decltype(codec)>::encode_create(r));
        },
        p.codec());
  }
}

TEST(AnyProvider, EncodeCreateHonoursTheKinoviSchema) {
  const auto r = portable_request();
  const any_provider legacy(provider_id::kinovi, {.kinovi_schema = seedance::kinovi_schema::legacy});
  seedance::kinovi::codec_options options{};
  options.schema = seedance::kinovi_schema::legacy;
  expect_same_request(legacy.encode_create(r), seedance::kinovi::encode_create(r, options));
  expect_same_request(
      any_provider(provider_id::kinovi).encode_create(r, {.kinovi_schema = seedance::kinovi_schema::legacy}),
      seedance::kinovi::encode_create(r, options));
}

TEST(AnyProvider, EncodeCreateReportsTheCodecsProblems) {
  seedance::request r = portable_request();
  r.seed = 1;  // seedance2.ink has no seed
  EXPECT_EQ(thrown_code([&] { any_provider::from_name("seedance2ink")->encode_create(r); }),
            seedance::make_error_code(errc::invalid_request));
  EXPECT_EQ(thrown_code([&] { any_provider::from_name("ark")->encode_create(r); }), std::error_code{});
}

TEST(AnyProvider, StatusAndCancelRequestsDispatch) {
  for (auto name : all_names) {
    SCOPED_TRACE(std::string(name));
    const auto p = *any_provider::from_name(name);
    std::visit(
        [&](const auto& codec) {
          using codec_type = std::decay_t<decltype(codec)>;
          expect_same_request(p.status_request("task_1"), codec_type::status_request("task_1"));
          EXPECT_EQ(thrown_code([&] { p.status_request(""); }), thrown_code([&] { codec_type::status_request(""); }));
          const auto ours = p.cancel_request("task_1");
          const auto theirs = codec_type::cancel_request("task_1");
          ASSERT_EQ(ours.has_value(), theirs.has_value());
          EXPECT_EQ(ours.has_value(), p.supports_cancel());
          if (ours) expect_same_request(*ours, *theirs);
        },
        p.codec());
  }
}

TEST(AnyProvider, DecodersDispatch) {
  const auto ink = *any_provider::from_name("seedance2.ink");
  const auto ink_status = ink.decode_status(fx::load_response("seedance2ink/response_status_succeeded.json"));
  EXPECT_EQ(ink_status.id, "req_1234567890");
  EXPECT_EQ(ink_status.state, task_state::succeeded);
  EXPECT_EQ(ink.decode_created(fx::load_response("seedance2ink/response_create.json")).cost->amount, 40);
  EXPECT_EQ(ink.decode_cancelled(fx::load_response("seedance2ink/response_cancel.json"), "req_1234567890").state,
            task_state::cancelled);
  EXPECT_EQ(ink.decode_webhook(fx::read_fixture("seedance2ink/webhook_failed.json")).state, task_state::failed);
  EXPECT_EQ(ink.decode_error(fx::load_response("seedance2ink/response_error_401.json")).code(),
            seedance::make_error_code(errc::unauthorized));

  const auto ark = *any_provider::from_name("ark");
  EXPECT_EQ(ark.decode_created(fx::load_response("ark/response_create.json")).id, "cgt-20260128123456-x7k2p");
  EXPECT_EQ(ark.decode_status(fx::load_response("ark/response_status_expired.json")).state, task_state::expired);
  EXPECT_EQ(ark.decode_cancelled(fx::load_response("ark/response_cancel.json"), "cgt-1").id, "cgt-1");
  EXPECT_EQ(ark.decode_webhook(fx::read_fixture("ark/webhook_running.json")).state, task_state::running);
  EXPECT_EQ(ark.decode_error(fx::load_response("ark/response_error_403_overdue.json")).code(),
            seedance::make_error_code(errc::insufficient_credits));
  EXPECT_EQ(ark.decode_list(fx::load_response("ark/response_list.json")).items.size(), 3u);
  EXPECT_EQ(ark.list_request({.page_size = 5}).target, "/contents/generations/tasks?page_num=1&page_size=5");
}

TEST(AnyProvider, EveryProviderDecodesLikeItsCodec) {
  seedance::http::response unauthorized;
  unauthorized.status = 401;
  unauthorized.body = R"({"message":"Invalid API key","error":{"code":"unauthorized","message":"Invalid API key"}})";
  seedance::http::response garbage;
  garbage.status = 200;
  garbage.body = "not json";
  for (auto name : all_names) {
    SCOPED_TRACE(std::string(name));
    const auto p = *any_provider::from_name(name);
    std::visit(
        [&](const auto& codec) {
          using codec_type = std::decay_t<decltype(codec)>;
          const auto ours = p.decode_error(unauthorized);
          const auto theirs = codec_type::decode_error(unauthorized);
          EXPECT_EQ(ours.code(), theirs.code());
          EXPECT_STREQ(ours.what(), theirs.what());
          EXPECT_EQ(thrown_code([&] { p.decode_status(garbage); }),
                    thrown_code([&] { codec_type::decode_status(garbage); }));
          EXPECT_EQ(thrown_code([&] { p.decode_created(garbage); }),
                    thrown_code([&] { codec_type::decode_created(garbage); }));
          EXPECT_EQ(thrown_code([&] { p.decode_webhook("[]"); }),
                    thrown_code([&] { codec_type::decode_webhook("[]"); }));
          EXPECT_EQ(thrown_code([&] { p.decode_cancelled(garbage, "t"); }),
                    thrown_code([&] { codec_type::decode_cancelled(garbage, "t"); }));
        },
        p.codec());
  }
}

TEST(AnyProvider, ListingIsArkOnly) {
  for (auto name : {"kinovi", "aihubmax", "seedance2ink"}) {
    const auto p = *any_provider::from_name(name);
    EXPECT_EQ(thrown_code([&] { p.list_request({}); }), seedance::make_error_code(errc::unsupported)) << name;
    EXPECT_EQ(thrown_code([&] { p.decode_list(fx::load_response("ark/response_list.json")); }),
              seedance::make_error_code(errc::unsupported))
        << name;
  }
  EXPECT_EQ(thrown_code([] { any_provider::from_name("ark")->list_request({.page_size = 0}); }),
            seedance::make_error_code(errc::invalid_request));
}

}  // namespace

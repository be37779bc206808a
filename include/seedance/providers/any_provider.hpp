// seedance/providers/any_provider.hpp - a provider chosen at run time (CLI flag, config file): one value that
// forwards the codec functions to Kinovi, aihubmax, seedance2.ink or Ark.
//
//   auto provider = seedance::any_provider::from_name(flag);   // "kinovi", "seedance2.ink", "volcengine", ...
//   if (!provider) throw std::invalid_argument("unknown provider");
//   seedance::http::request create = provider->encode_create(req);
//
// Compile-time checked code names the codec types directly (seedance::kinovi, ...); this type trades those
// checks for a choice made at run time. Requests are still validated before any I/O, at run time.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/provider.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace seedance {

/// Codec options of every provider in one value (the earlier name of provider_options).
using any_codec_options = provider_options;

/// One of the four provider codecs, chosen at run time. Mirrors the static codec functions as const member
/// functions. A small immutable value: copy freely; thread-safe (every member function is const and pure).
class any_provider {
 public:
  /// The codecs it can hold, in provider_id order (a new provider: its codec type here).
  using codec_variant = std::variant<kinovi, aihubmax, seedance2ink, ark>;
  static_assert(std::variant_size_v<codec_variant> == provider_count, "one codec per provider_id, in enum order");
  /// Options type used by client_options<any_provider>::codec and encode_create().
  using codec_options = any_codec_options;

  /// The provider `id`, with `options` kept for encode_create(request). Never throws.
  explicit any_provider(provider_id id, any_codec_options options = {}) noexcept
      : codec_(codec_for(id)), options_(std::move(options)) {}

  /// The provider named `name`, ASCII case-insensitively: "kinovi", "aihubmax", "seedance2ink" (or
  /// "seedance2.ink"), "ark" or "byteplus" (Ark with BytePlus model ids), "volcengine" (Ark with Volcengine
  /// model ids and base URL). nullopt for any other name. Never throws.
  static std::optional<any_provider> from_name(std::string_view name) noexcept {
    const auto id = parse_provider_id(name);
    if (!id) return std::nullopt;
    any_codec_options options;
    if (detail::iequals(name, "volcengine")) options.ark_region = ark_region::volcengine;
    if (detail::iequals(name, "byteplus")) options.ark_region = ark_region::byteplus;
    return any_provider(*id, options);
  }

  /// The held codec, for std::visit or std::get_if. Never throws.
  const codec_variant& codec() const noexcept { return codec_; }
  /// The options encode_create(request) uses. Never throws.
  const any_codec_options& options() const noexcept { return options_; }

  /// Which provider this is. Never throws.
  provider_id id() const noexcept {
    return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::id; }, codec_);
  }
  /// Run-time name ("kinovi", "aihubmax", "seedance2ink", "ark"; also "ark" for byteplus/volcengine). Never
  /// throws.
  std::string_view name() const noexcept {
    return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::name; }, codec_);
  }
  /// Human-readable name ("Kinovi", "seedance2.ink", ...). Never throws.
  std::string_view display_name() const noexcept {
    return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::display_name; }, codec_);
  }
  /// Base URL including the API path; for Ark the one of the held region (Volcengine or BytePlus). Never
  /// throws.
  std::string_view default_base_url() const noexcept {
    if (std::holds_alternative<ark>(codec_)) return ark::base_url(region());
    return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::default_base_url; }, codec_);
  }
  /// Environment variable holding the provider's API key (e.g. "KINOVI_API_KEY"). Never throws.
  std::string_view api_key_env() const noexcept {
    return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::api_key_env; }, codec_);
  }
  /// The Ark region of the held options (byteplus when unset); meaningless for other providers. Never throws.
  ark_region region() const noexcept { return options_.ark_region.value_or(ark_region::byteplus); }

  /// True when the provider can cancel tasks (seedance2.ink, Ark). Never throws.
  bool supports_cancel() const noexcept { return capabilities_for(id()).supports(feature::cancel); }
  /// True when the provider can list tasks (Ark). Never throws.
  bool supports_list() const noexcept { return capabilities_for(id()).supports(feature::list); }

  /// The create request, with the options held since construction. Throws seedance::error
  /// (errc::invalid_request) as the provider's codec does.
  http::request encode_create(const request& r) const { return encode_create(r, options_); }

  /// The create request with options `o` (an unset `o.ark_region` falls back to the held region). Throws
  /// seedance::error(errc::invalid_request) as the provider's codec does.
  http::request encode_create(const request& r, const any_codec_options& o) const {
    return std::visit(
        [&](const auto& c) -> http::request {
          using codec = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<codec, kinovi>) {
            kinovi::codec_options k{};
            k.schema = o.kinovi_schema;
            return kinovi::encode_create(r, k);
          } else if constexpr (std::is_same_v<codec, ark>) {
            ark::codec_options a{};
            a.region = o.ark_region.value_or(region());
            return ark::encode_create(r, a);
          } else {
            return codec::encode_create(r, typename codec::codec_options{});
          }
        },
        codec_);
  }

  /// See the codec's decode_created: the task of a 2xx create response. Throws seedance::error.
  task decode_created(const http::response& r) const {
    return std::visit([&](const auto& c) { return std::decay_t<decltype(c)>::decode_created(r); }, codec_);
  }
  /// See the codec's status_request. Throws seedance::error(errc::invalid_request) for a bad id.
  http::request status_request(std::string_view task_id) const {
    return std::visit([&](const auto& c) { return std::decay_t<decltype(c)>::status_request(task_id); }, codec_);
  }
  /// See the codec's decode_status: the task of a 2xx status response. Throws seedance::error.
  task decode_status(const http::response& r) const {
    return std::visit([&](const auto& c) { return std::decay_t<decltype(c)>::decode_status(r); }, codec_);
  }
  /// See the codec's cancel_request: nullopt when the provider cannot cancel. Throws
  /// seedance::error(errc::invalid_request) for a bad id.
  std::optional<http::request> cancel_request(std::string_view task_id) const {
    return std::visit([&](const auto& c) { return std::decay_t<decltype(c)>::cancel_request(task_id); }, codec_);
  }
  /// See the codec's decode_cancelled. Throws seedance::error (errc::unsupported where there is no cancel).
  task decode_cancelled(const http::response& r, std::string_view task_id) const {
    return std::visit([&](const auto& c) -> task { return std::decay_t<decltype(c)>::decode_cancelled(r, task_id); },
                      codec_);
  }
  /// See the codec's decode_error: the error of a non-2xx response. Never throws (except std::bad_alloc).
  seedance::error decode_error(const http::response& r) const {
    return std::visit([&](const auto& c) -> seedance::error { return std::decay_t<decltype(c)>::decode_error(r); },
                      codec_);
  }
  /// See the codec's decode_webhook. Throws seedance::error(errc::bad_response).
  task decode_webhook(std::string_view body) const {
    return std::visit([&](const auto& c) { return std::decay_t<decltype(c)>::decode_webhook(body); }, codec_);
  }

  /// Ark's list_request. Throws seedance::error(errc::unsupported) for other providers, invalid_request for a
  /// bad query.
  http::request list_request(const ark::list_query& q) const {
    if (!std::holds_alternative<ark>(codec_)) throw unsupported("listing tasks");
    return ark::list_request(q);
  }
  /// Ark's decode_list. Throws seedance::error(errc::unsupported) for other providers.
  ark::task_page decode_list(const http::response& r) const {
    if (!std::holds_alternative<ark>(codec_)) throw unsupported("listing tasks");
    return ark::decode_list(r);
  }

 private:
  static codec_variant codec_for(provider_id id) noexcept {
    return with_provider(id, []<provider_id P>(provider_constant<P>) -> codec_variant {
      using codec = std::variant_alternative_t<static_cast<std::size_t>(P), codec_variant>;
      static_assert(codec::id == P, "codec_variant lists the codecs in provider_id order");
      static_assert(provider<codec>, "every codec supplies what a provider folder must (providers/provider.hpp)");
      return codec{};
    });
  }

  seedance::error unsupported(std::string_view what) const {
    return seedance::error(errc::unsupported, std::string(name()) + ": " + std::string(what) + " is not supported");
  }

  codec_variant codec_;
  any_codec_options options_;
};

}  // namespace seedance

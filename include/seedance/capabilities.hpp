// seedance/capabilities.hpp - what each provider offers, as constexpr tables, for compile-time and run-time
// checks. No Asio, no OpenSSL, no Boost.
//
// The tables live in the provider folders (include/seedance/providers/<name>/capabilities.hpp); this header
// gathers them and answers questions by provider id, through `with_provider()`, the library's one dispatch
// from a run-time provider id to a provider's compile-time facts.
#pragma once

#include <seedance/capability_table.hpp>
#include <seedance/providers/aihubmax/capabilities.hpp>
#include <seedance/providers/ark/capabilities.hpp>
#include <seedance/providers/kinovi/capabilities.hpp>
#include <seedance/providers/seedance2ink/capabilities.hpp>
#include <seedance/vocabulary.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

namespace seedance {

/// A provider id as a type: what `with_provider()` hands its function.
template <provider_id P>
using provider_constant = std::integral_constant<provider_id, P>;

/// Calls `f(provider_constant<P>{})` for the provider `p` known only at run time, so that generic code can
/// reach each provider's compile-time facts (tables, rules, prices, codecs) without a switch of its own. Every
/// branch must return the same type. The only switch over providers in the library.
template <class F>
constexpr decltype(auto) with_provider(provider_id p, F&& f) {
  static_assert(provider_count == 4, "a new provider needs its case here");
  switch (p) {
    case provider_id::aihubmax:
      return f(provider_constant<provider_id::aihubmax>{});
    case provider_id::seedance2ink:
      return f(provider_constant<provider_id::seedance2ink>{});
    case provider_id::ark:
      return f(provider_constant<provider_id::ark>{});
    case provider_id::kinovi:
      break;
  }
  return f(provider_constant<provider_id::kinovi>{});
}

namespace detail {
inline constexpr std::array<const capability_table*, provider_count> provider_tables{
    &kinovi_capabilities, &aihubmax_capabilities, &seedance2ink_capabilities, &ark_capabilities};
static_assert(
    [] {
      for (std::size_t i = 0; i < provider_count; ++i)
        if (provider_tables[i]->id != static_cast<provider_id>(i)) return false;
      return true;
    }(),
    "provider_tables must list one table per provider_id, in enum order");
}  // namespace detail

/// The table of provider `p` (Kinovi: its current schema; see capabilities_for(kinovi_schema)). Never throws;
/// usable in constant expressions.
constexpr const capability_table& capabilities_for(provider_id p) noexcept {
  const auto index = static_cast<std::size_t>(p);
  return *detail::provider_tables[index < provider_count ? index : 0];
}

/// Choices that change a provider's rules, prices or wire form: each provider reads only its own member. The
/// one options value validate(), estimate(), the codecs and any_provider take.
struct provider_options {
  /// Kinovi: which request schema (rules, price list and create body).
  seedance::kinovi_schema kinovi_schema = seedance::kinovi_schema::current;
  /// Ark: which deployment's model ids to send. nullopt: the region the any_provider was made with
  /// (volcengine for from_name("volcengine"), otherwise byteplus).
  std::optional<seedance::ark_region> ark_region{};

  /// Kinovi's part. Never throws.
  constexpr kinovi_options kinovi() const noexcept { return kinovi_options{kinovi_schema}; }
};

/// What names provider P and where it lives: the identity every codec type (seedance::kinovi, ...) inherits, read
/// from the provider's table so that each fact is stated once.
template <provider_id P>
struct provider_identity {
  static constexpr provider_id id = P;
  /// Run-time name: "kinovi", "aihubmax", "seedance2ink", "ark".
  static constexpr std::string_view name = to_string(P);
  /// Human-readable name: "Kinovi", "aihubmax", "seedance2.ink", "BytePlus/Volcengine Ark".
  static constexpr std::string_view display_name = capabilities_for(P).display_name;
  /// Base URL including the API path (Ark: BytePlus; see ark::base_url for Volcengine).
  static constexpr std::string_view default_base_url = capabilities_for(P).default_base_url;
  /// Environment variable holding the API key (e.g. "KINOVI_API_KEY").
  static constexpr std::string_view api_key_env = capabilities_for(P).api_key_env;
};

/// The table that applies to provider `p` under `options` (the Kinovi legacy schema has its own). Never throws.
constexpr const capability_table& capabilities_for(provider_id p, const provider_options& options) noexcept {
  if (p == provider_id::kinovi) return capabilities_for(options.kinovi_schema);
  return capabilities_for(p);
}

/// Display name of provider `p` ("Kinovi", "aihubmax", "seedance2.ink", "BytePlus/Volcengine Ark").
constexpr std::string_view display_name(provider_id p) noexcept { return capabilities_for(p).display_name; }

/// True when provider `p` offers model `m`. Never throws.
constexpr bool offers_model(provider_id p, model m) noexcept { return capabilities_for(p).offers_model(m); }

/// True when provider `p` offers model `m` at resolution `r`. Never throws.
constexpr bool offers_resolution(provider_id p, model m, resolution r) noexcept {
  return capabilities_for(p).offers_resolution(m, r);
}

/// True when provider `p` offers resolution `r` with any of its models. Never throws.
constexpr bool offers_resolution(provider_id p, resolution r) noexcept {
  return capabilities_for(p).offers_resolution(r);
}

/// True when provider `p` accepts aspect ratio `r`. Never throws.
constexpr bool offers_ratio(provider_id p, aspect_ratio r) noexcept { return capabilities_for(p).offers_ratio(r); }

/// True when provider `p` accepts duration `d` for model `m` (auto_duration included where allowed).
constexpr bool duration_ok(provider_id p, model m, duration d) noexcept {
  return capabilities_for(p).duration_ok(m, d);
}

/// True when provider `p` accepts duration `d` with any of its models. Never throws.
constexpr bool duration_ok(provider_id p, duration d) noexcept { return capabilities_for(p).duration_ok(d); }

/// True when provider `p` lets model `m` choose the duration (-1 s). Never throws.
constexpr bool offers_auto_duration(provider_id p, model m) noexcept {
  return capabilities_for(p).offers_auto_duration(m);
}

/// True when provider `p` runs model `m` in mode `g`. Never throws.
constexpr bool offers_mode(provider_id p, model m, generation_mode g) noexcept {
  return capabilities_for(p).offers_mode(m, g);
}

/// True when provider `p` has feature `f`. Never throws.
constexpr bool supports(provider_id p, feature f) noexcept { return capabilities_for(p).supports(f); }

}  // namespace seedance

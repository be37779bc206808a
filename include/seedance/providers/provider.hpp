// seedance/providers/provider.hpp - what a provider folder must supply, as a concept the generic layers (client,
// any_provider, the command line, the simulator) are written against.
//
// A provider is a folder include/seedance/providers/<name>/ holding its capability table (capabilities.hpp),
// its price rule (pricing.hpp: provider_pricing<id>) and its codec (codec.hpp): a type with the identity below
// and pure functions from requests to HTTP messages and from responses to tasks. README, "Adding a provider".
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/cost_estimate.hpp>
#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <concepts>
#include <optional>
#include <string_view>

namespace seedance {

/// A provider codec type, such as seedance::kinovi: its identity, its table and price rule reachable through
/// its id, and the sans-I/O codec functions. Every function is pure and thread-safe; see any provider's
/// codec.hpp for what each throws.
template <class P>
concept provider = requires(const request& req, const typename P::codec_options& options, const http::response& r,
                            std::string_view text) {
  { P::id } -> std::convertible_to<provider_id>;
  { P::name } -> std::convertible_to<std::string_view>;
  { P::display_name } -> std::convertible_to<std::string_view>;
  { P::default_base_url } -> std::convertible_to<std::string_view>;
  { P::api_key_env } -> std::convertible_to<std::string_view>;
  { capabilities_for(P::id) } -> std::same_as<const capability_table&>;
  { provider_pricing<P::id>::estimate(req, provider_options{}) } -> std::same_as<cost_estimate>;
  { P::encode_create(req, options) } -> std::same_as<http::request>;
  { P::decode_created(r) } -> std::same_as<task>;
  { P::status_request(text) } -> std::same_as<http::request>;
  { P::decode_status(r) } -> std::same_as<task>;
  { P::cancel_request(text) } -> std::same_as<std::optional<http::request>>;
  { P::decode_cancelled(r, text) } -> std::same_as<task>;
  { P::decode_error(r) } -> std::same_as<error>;
  { P::decode_webhook(text) } -> std::same_as<task>;
};

}  // namespace seedance

// seedance/providers/seedance2ink/codec.hpp - the whole seedance2.ink Open API wire format: a sans-I/O codec that
// turns a `seedance::request` into an HTTP request and provider responses into `seedance::task` values.
//
// Wire summary (base https://www.seedance2.ink, `Authorization: Bearer sd2_live_...`, camelCase bodies):
//   create  POST /api/open/v1/video/generations               {model, prompt, mediaUrls, aspectRatio,
//                                                              duration, resolution, webhookUrl, metadata}
//           -> {success, requestId, status, creditsCharged}
//   status  GET  /api/open/v1/video/generations/{requestId}   -> {success, requestId, status, model, ...,
//                                                                 output:{type,url} (succeeded only), error}
//   cancel  POST /api/open/v1/video/generations/{requestId}/cancel -> {success, requestId, status:"cancelled"}
//   errors  {success:false, error:{code,message}} (or `error` as a plain string), possibly with HTTP 200.
// States: queued, processing, succeeded, failed, cancelled.
// The service infers the generation mode from the number of `mediaUrls` and their file extensions (1 image:
// first frame, 2 images: first + last frame, anything mixed: multimodal reference), so URLs must keep their
// extensions. There is no seed, audio toggle or separate end-frame field.
// The webhook payload is not documented; it is assumed to equal the status response (also accepted inside a
// `{"data": ...}` envelope). Verify a webhook by re-querying the task.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/providers/detail/codec_common.hpp>
#include <seedance/providers/detail/json_read.hpp>
#include <seedance/providers/seedance2ink/capabilities.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace seedance {

namespace detail::seedance2ink_wire {

inline constexpr std::string_view provider = "seedance2ink";

inline constexpr std::array<codec::state_name, 6> states{{
    {"queued", task_state::queued},
    {"processing", task_state::running},
    {"succeeded", task_state::succeeded},
    {"failed", task_state::failed},
    {"cancelled", task_state::cancelled},
    {"canceled", task_state::cancelled},
}};

/// "<generations>/<id>[/<suffix>]" with the id percent-encoded as one path segment. Throws
/// seedance::error(errc::invalid_request) for an empty id, "." or "..".
inline std::string task_target(std::string_view base_path, std::string_view task_id, std::string_view suffix = {}) {
  codec::check_task_id(provider, task_id, /*in_path=*/true);
  boost::urls::url target;
  target.set_path(base_path);
  target.encoded_segments().push_back(boost::urls::encode(task_id, boost::urls::unreserved_chars));
  if (!suffix.empty()) target.segments().push_back(suffix);
  return std::string(target.buffer());
}

/// Maps a provider error code to the library's code; nullopt for codes it does not recognise. Only
/// "unauthorized" is documented; the rest are the spellings such APIs commonly use.
inline std::optional<errc> errc_from_code(std::string_view code) {
  std::string c(code);
  for (char& ch : c) ch = ascii_lower(ch);
  const auto has = [&](std::string_view part) { return c.find(part) != std::string::npos; };
  if (c.empty()) return std::nullopt;
  if (has("unauthori") || has("unauthenticated") || has("api_key") || has("apikey")) return errc::unauthorized;
  if (has("forbidden") || has("access_denied") || has("permission")) return errc::forbidden;
  if (has("insufficient") || has("credit") || has("balance") || has("payment")) return errc::insufficient_credits;
  if (has("not_found") || has("notfound")) return errc::not_found;
  if (has("rate_limit") || has("ratelimit") || has("too_many") || has("concurrency")) return errc::rate_limited;
  if (has("invalid") || has("validation") || has("missing") || has("bad_request") || has("required"))
    return errc::invalid_request;
  if (has("moderation") || has("sensitive") || has("content_policy")) return errc::rejected;
  return std::nullopt;
}

/// `error` as `{code, message}` or a plain string; nullopt when absent, null, `false` or empty.
inline std::optional<task_error> error_of(const boost::json::value& body) {
  const auto* e = json::member(body, "error");
  if (!e) return std::nullopt;
  if (e->is_object()) {
    task_error out;
    out.code = json::string_at(*e, "code").value_or("");
    out.message = json::string_at(*e, "message").value_or("");
    if (out.code.empty() && out.message.empty()) return std::nullopt;
    return out;
  }
  if (e->is_bool()) return std::nullopt;
  if (auto text = json::string_of(e); text && !text->empty()) return task_error{{}, *text};
  return std::nullopt;
}

/// `output` as {url, width?, height?}, a URL string, or an array whose first item is either.
inline std::optional<video> video_of(const boost::json::value& body) {
  const auto* output = json::member(body, "output");
  if (output && output->is_array()) {
    const auto& items = output->get_array();
    output = items.empty() || items.front().is_null() ? nullptr : &items.front();
  }
  if (!output) return std::nullopt;
  video v;
  if (const auto* url = output->if_string()) {
    v.url = std::string(*url);
  } else {
    v.url = json::string_at(*output, "url").value_or("");
    if (auto w = json::integer_at(*output, "width", 1, 100000)) v.width = static_cast<int>(*w);
    if (auto h = json::integer_at(*output, "height", 1, 100000)) v.height = static_cast<int>(*h);
  }
  if (v.url.empty()) return std::nullopt;
  return v;
}

}  // namespace detail::seedance2ink_wire

/// Codec for the seedance2.ink Open API. Static pure functions, no I/O; thread-safe.
struct seedance2ink : provider_identity<provider_id::seedance2ink> {
  /// Path of the create endpoint; status and cancel hang below it.
  static constexpr std::string_view generations_path = "/api/open/v1/video/generations";
  /// Most media URLs one request may carry (images, videos and audio together).
  static constexpr std::size_t max_media_urls = 5;

  /// seedance2.ink has one wire format: nothing to choose.
  struct codec_options {};

  /// Wire name of a model ("seedance-2.0", "seedance-2.0-fast", "seedance-1.5-pro"). Never throws.
  static constexpr std::string_view model_name(model m) noexcept {
    switch (m) {
      case model::seedance_2_0:
        return "seedance-2.0";
      case model::seedance_2_0_fast:
        return "seedance-2.0-fast";
      case model::seedance_1_5_pro:
        return "seedance-1.5-pro";
    }
    return "seedance-2.0";
  }

  /// Normalises a wire state: queued, processing (running), succeeded, failed, cancelled (also "canceled"),
  /// case-insensitively. Anything else is `task_state::unknown`. Never throws.
  static constexpr task_state state_from_wire(std::string_view s) noexcept {
    return detail::codec::map_state(s, detail::seedance2ink_wire::states);
  }

  /// Builds the create request. The media go into `mediaUrls` in the order images, videos, audio (so a
  /// first frame precedes a last frame); `callback_url` becomes `webhookUrl`; `extra` is applied to the body
  /// last as a JSON Merge Patch (its members replace generated ones, null removes one). Throws
  /// seedance::error(errc::invalid_request) listing every problem validate() finds (the one rule path).
  /// Thread-safe.
  static http::request encode_create(const request& r, const codec_options& /*options*/ = {}) {
    detail::codec::check_create(detail::seedance2ink_wire::provider, id, r);
    const std::size_t media = r.images.size() + r.videos.size() + r.audios.size();

    boost::json::object body;
    body["model"] = r.model_id.empty() ? model_name(r.model) : std::string_view(r.model_id);
    body["prompt"] = r.prompt;
    if (media > 0) {
      boost::json::array urls = detail::codec::string_array(r.images);
      for (const auto& u : r.videos) urls.emplace_back(u);
      for (const auto& u : r.audios) urls.emplace_back(u);
      body["mediaUrls"] = std::move(urls);
    }
    if (r.ratio) body["aspectRatio"] = to_string(*r.ratio);
    if (r.duration) body["duration"] = r.duration->count();
    if (r.resolution) body["resolution"] = to_string(*r.resolution);
    if (!r.callback_url.empty()) body["webhookUrl"] = r.callback_url;
    if (!r.metadata.empty()) body["metadata"] = r.metadata;
    detail::codec::merge_patch(body, r.extra);
    return detail::codec::json_post(std::string(generations_path), body);
  }

  /// Reads a 2xx create response into a task (id = requestId, cost = creditsCharged credits; state queued
  /// when the body names none). Throws the mapped seedance::error when the body says `success: false`,
  /// error(bad_response) when it is not a JSON object or carries no request id. Thread-safe.
  static task decode_created(const http::response& r) {
    task t = task_from(parse_checked(r, "create response"), "create response");
    if (t.id.empty())
      detail::codec::throw_bad_response(detail::seedance2ink_wire::provider, "create response has no requestId");
    if (t.provider_state.empty()) t.state = task_state::queued;  // accepted, nothing else said
    return t;
  }

  /// GET request for a task's status; the id is percent-encoded as one path segment. Throws
  /// seedance::error(errc::invalid_request) for an empty id, "." or "..". Thread-safe.
  static http::request status_request(std::string_view task_id) {
    return detail::codec::get_request(detail::seedance2ink_wire::task_target(generations_path, task_id));
  }

  /// Reads a 2xx status response. `output.url` becomes the video when succeeded (a "succeeded" without any
  /// URL is reported as running so that polling goes on); `error` (object or string) the task error. Throws
  /// the mapped seedance::error for `success: false`, error(bad_response) for a body that is not a JSON object
  /// or has neither requestId nor status. Thread-safe.
  static task decode_status(const http::response& r) {
    return task_from(parse_checked(r, "status response"), "status response");
  }

  /// POST request (no body) that cancels a queued or processing task. Throws
  /// seedance::error(errc::invalid_request) for an empty id, "." or "..". Thread-safe.
  static std::optional<http::request> cancel_request(std::string_view task_id) {
    http::request out;
    out.method = http::method::post;
    out.target = detail::seedance2ink_wire::task_target(generations_path, task_id, "cancel");
    return out;
  }

  /// Reads a 2xx cancel response; the state defaults to cancelled and the id to `task_id` when the body omits
  /// them. Throws the mapped seedance::error for `success: false`, error(bad_response) for a body that is not
  /// a JSON object. Thread-safe.
  static task decode_cancelled(const http::response& r, std::string_view task_id) {
    task t = task_from(parse_checked(r, "cancel response"), nullptr);
    if (t.id.empty()) t.id = std::string(task_id);
    if (t.provider_state.empty()) t.state = task_state::cancelled;  // success said nothing more
    return t;
  }

  /// Maps an error response (any status; also a 2xx body with `success: false`) to a seedance::error: 5xx is
  /// server_error; otherwise a recognised provider code decides (unauthorized, insufficient credits, rate
  /// limit, not found, validation -> invalid_request), else the HTTP status (errc_from_http_status; a 2xx
  /// refusal is `rejected`). Details carry the HTTP status, provider code and message, the task id from
  /// `requestId`, Retry-After and X-Request-Id. Never throws (except std::bad_alloc).
  static seedance::error decode_error(const http::response& r) {
    namespace wire = detail::seedance2ink_wire;
    error_details details = detail::codec::response_details(r);
    const auto body = detail::codec::try_parse(r.body).value_or(nullptr);
    if (auto e = wire::error_of(body)) {
      details.provider_code = e->code;
      details.provider_message = e->message;
    } else if (auto message = detail::json::string_at(body, "message")) {
      details.provider_message = *message;
    }
    details.task_id = detail::json::string_at(body, "requestId").value_or("");
    errc code = errc_from_http_status(r.status);
    if (r.status >= 500)
      code = errc::server_error;
    else if (auto from_code = wire::errc_from_code(details.provider_code))
      code = *from_code;
    return detail::codec::make_provider_error(wire::provider, code, std::move(details));
  }

  /// Reads a webhook body: assumed (undocumented) to equal the status response, bare or inside `{"data":..}`.
  /// Throws seedance::error(errc::bad_response) for a body that is not a JSON object or has neither requestId
  /// nor status. Thread-safe.
  static task decode_webhook(std::string_view body) {
    auto value = detail::codec::parse_object(body, "seedance2ink: webhook");
    if (const auto* data = detail::codec::object_at(value, "data");
        data && !detail::json::member(value, "requestId") && !detail::json::member(value, "status"))
      value = boost::json::value(*data);
    return task_from(std::move(value), "webhook");
  }

 private:
  /// Parses a 2xx body as a JSON object and enforces `success`: false throws the error the body carries.
  static boost::json::value parse_checked(const http::response& r, std::string_view what) {
    auto body = detail::codec::parse_object(
        r.body, std::string(detail::seedance2ink_wire::provider) + ": " + std::string(what));
    if (detail::json::bool_at(body, "success") == false) throw decode_error(r);
    return body;
  }

  /// Maps a status-shaped object. `what` names the body for bad_response when neither requestId nor status is
  /// present; nullptr skips that check.
  static task task_from(boost::json::value body, const char* what) {
    namespace wire = detail::seedance2ink_wire;
    namespace json = detail::json;
    task t;
    t.id = json::string_at(body, "requestId").value_or("");
    if (t.id.empty()) t.id = json::string_at(body, "id").value_or("");
    t.provider_state = json::string_at(body, "status").value_or("");
    if (what && t.id.empty() && t.provider_state.empty())
      detail::codec::throw_bad_response(wire::provider, std::string(what) + " has neither requestId nor status");
    t.state = state_from_wire(t.provider_state);
    t.model = json::string_at(body, "model").value_or("");
    if (auto credits = json::number_at(body, "creditsCharged"))
      t.cost = seedance::cost{*credits, cost_unit::credits, false};
    t.created_at = detail::codec::epoch_auto_at(body, "createdAt");
    t.completed_at = detail::codec::epoch_auto_at(body, "completedAt");
    if (t.state == task_state::succeeded) {
      if (auto v = wire::video_of(body)) {
        v->task_id = t.id;
        t.videos.push_back(std::move(*v));
      } else {
        t.state = task_state::running;  // no URL yet: keep polling rather than report an empty success
      }
    }
    t.error = wire::error_of(body);
    if (t.state == task_state::failed && !t.error) t.error = task_error{};
    t.raw = std::move(body);
    return t;
  }
};

}  // namespace seedance

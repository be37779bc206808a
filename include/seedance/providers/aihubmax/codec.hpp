// seedance/providers/aihubmax/codec.hpp - the aihubmax "unified" API wire format (docs.aihubmax.com), sans I/O.
//
// Create:  POST /v1/videos/generations  snake_case body; the model id names the family:
//          seedance-2.0[-fast]-{text,image,reference}-to-video
// Status:  GET  /v1/tasks/{id}
// Both answer {id, status, progress, results, error, task_info, usage, created, model, ...}.
// Webhook: the same body as the status response (callback_url; documented for other aihubmax models).
// Errors:  {"error": {"message", "type", "code", "param"?}} plus Retry-After on 429.
// No cancel endpoint is documented. Targets are relative to the base URL https://api.aihubmax.com.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/providers/aihubmax/capabilities.hpp>
#include <seedance/providers/detail/codec_common.hpp>
#include <seedance/providers/detail/json_read.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace seedance {

/// Options of the aihubmax codec (none yet).
struct aihubmax_codec_options {};

/// aihubmax codec: static pure functions turning requests into HTTP messages and responses into tasks.
/// Thread-safe (no state).
struct aihubmax : provider_identity<provider_id::aihubmax> {
  using codec_options = aihubmax_codec_options;

  static constexpr std::string_view create_target = "/v1/videos/generations";
  static constexpr std::string_view status_path = "/v1/tasks";

  /// The create request: POST /v1/videos/generations. The model id follows the mode (text, image or reference
  /// to video) unless `r.model_id` is set; `r.extra` is merged last as a JSON Merge Patch (the way to send a
  /// `callback_url`, which aihubmax documents for its other models, not for Seedance). Throws
  /// seedance::error(errc::invalid_request) listing every problem validate() finds (the one rule path).
  static http::request encode_create(const request& r, const codec_options& o = {});

  /// The task of a 2xx create response (state queued while `pending`). Throws seedance::error(bad_response)
  /// when the body is not a JSON object or has no id, and the provider's error (same mapping as decode_error)
  /// when a 2xx body carries {"error": ...} instead of a task.
  static task decode_created(const http::response& r);

  /// GET /v1/tasks/<id>, the id percent-encoded as one path segment. Throws seedance::error(invalid_request)
  /// when the id is empty, "." or "..".
  static http::request status_request(std::string_view task_id);

  /// The task of a 2xx status response. `completed` with no result URL reads as running (keep polling);
  /// progress is kept. Throws like decode_created when the body has neither id nor status.
  static task decode_status(const http::response& r);

  /// aihubmax documents no cancel endpoint: always nullopt.
  static std::optional<http::request> cancel_request(std::string_view task_id) noexcept;

  /// Always throws seedance::error(errc::unsupported): no cancel endpoint is documented.
  [[noreturn]] static task decode_cancelled(const http::response& r, std::string_view task_id);

  /// The error of a non-2xx response: code from the HTTP status (422 and 400 invalid_request_error are
  /// invalid_request with the blamed `param` in details().problems; other 4xx refined by `error.type`), details
  /// with provider code/message/type/param and Retry-After (seconds or HTTP-date, capped). Never throws
  /// (except std::bad_alloc).
  static error decode_error(const http::response& r);

  /// The task of a callback body (the same object as the status response). Throws
  /// seedance::error(errc::bad_response) when it is not a JSON object or has neither id nor status.
  static task decode_webhook(std::string_view body);
};

namespace detail::aihubmax_codec {

inline constexpr std::string_view provider = "aihubmax";

inline constexpr std::array<codec::state_name, 6> states{{
    {"pending", task_state::queued},
    {"processing", task_state::running},
    {"completed", task_state::succeeded},
    {"failed", task_state::failed},
    {"cancelled", task_state::cancelled},
    {"canceled", task_state::cancelled},
}};

/// Wire model id: the family follows the mode. Only for models aihubmax offers (validate() checked that).
inline std::string model_name(const request& r, generation_mode mode) {
  if (!r.model_id.empty()) return r.model_id;
  std::string out = r.model == model::seedance_2_0_fast ? "seedance-2.0-fast" : "seedance-2.0";
  switch (mode) {
    case generation_mode::text:
      return out + "-text-to-video";
    case generation_mode::first_frame:
    case generation_mode::first_last_frame:
      return out + "-image-to-video";
    case generation_mode::reference:
      return out + "-reference-to-video";
  }
  return out;
}

/// The task id: `id`, or `task_id` (tolerated).
inline std::optional<std::string> task_id_of(const boost::json::value& body) {
  if (auto id = codec::nonempty_string_at(body, "id")) return id;
  return codec::nonempty_string_at(body, "task_id");
}

/// `error` as {code, message, type} (code falls back to type) or a string; nullopt when absent or empty.
inline std::optional<task_error> task_error_of(const boost::json::value& body) {
  const auto* e = json::member(body, "error");
  if (!e) return std::nullopt;
  task_error out;
  if (e->is_object()) {
    out.code = json::string_at(*e, "code").value_or("");
    if (out.code.empty()) out.code = json::string_at(*e, "type").value_or("");
    out.message = json::string_at(*e, "message").value_or("");
  } else if (!e->is_array()) {
    out.message = json::string_of(e).value_or("");
  }
  if (out.code.empty() && out.message.empty()) return std::nullopt;
  return out;
}

/// One `results` entry: a URL string or an object with `url`.
inline std::optional<video> video_of(const boost::json::value& item, const std::string& task_id) {
  video out;
  out.task_id = task_id;
  if (const auto* url = item.if_string()) {
    if (url->empty()) return std::nullopt;
    out.url = std::string(url->data(), url->size());
    return out;
  }
  auto url = codec::nonempty_string_at(item, "url");
  if (!url) return std::nullopt;
  out.url = std::move(*url);
  if (auto w = json::integer_at(item, "width", 0, INT32_MAX)) out.width = static_cast<int>(*w);
  if (auto h = json::integer_at(item, "height", 0, INT32_MAX)) out.height = static_cast<int>(*h);
  out.media_type = json::string_at(item, "content_type").value_or(json::string_at(item, "mime_type").value_or(""));
  return out;
}

/// The task of a create/status/callback body. Throws bad_response when there is no id (`require_id`) or
/// neither id nor status.
inline task task_of(const boost::json::value& body, std::string_view what, bool require_id) {
  task t;
  const auto task_id = task_id_of(body);
  const auto status = codec::nonempty_string_at(body, "status");
  if (!task_id && (require_id || !status)) codec::throw_bad_response(provider, std::string(what) + " has no id");
  t.id = task_id.value_or("");
  t.provider_state = status.value_or("");
  t.state = status ? codec::map_state(*status, states) : (require_id ? task_state::queued : task_state::unknown);
  t.model = json::string_at(body, "model").value_or("");
  if (auto p = json::number_at(body, "progress"))
    t.progress = static_cast<int>(std::lround(std::clamp(*p, 0.0, 100.0)));
  if (const auto* usage = json::member(body, "usage"))
    if (auto credits = json::number_at(*usage, "credits_reserved")) t.cost = cost{*credits, cost_unit::credits, false};
  if (const auto* info = json::member(body, "task_info"))
    if (auto eta = json::integer_at(*info, "estimated_time", 0, 100'000'000))
      t.estimated_time = std::chrono::seconds(*eta);
  t.created_at = codec::epoch_auto_at(body, "created");
  if (t.state == task_state::succeeded) {
    if (const auto* results = json::member(body, "results")) {
      if (const auto* items = results->if_array()) {
        for (const auto& item : *items)
          if (auto v = video_of(item, t.id)) t.videos.push_back(std::move(*v));
      } else if (auto v = video_of(*results, t.id)) {  // a single result without the array
        t.videos.push_back(std::move(*v));
      }
    }
    // Documented race: `completed` may be read before `results` is filled; keep polling.
    if (t.videos.empty()) t.state = task_state::running;
  }
  t.error = task_error_of(body);
  if (t.state == task_state::failed && !t.error) t.error = task_error{};
  t.raw = body;
  return t;
}

/// The library code an `error.type` names, when it names one.
inline std::optional<errc> errc_from_type(std::string_view type) noexcept {
  constexpr std::array<std::pair<std::string_view, errc>, 11> table{{
      {"invalid_request_error", errc::invalid_request},
      {"validation_error", errc::invalid_request},
      {"authentication_error", errc::unauthorized},
      {"permission_error", errc::forbidden},
      {"insufficient_quota", errc::insufficient_credits},
      {"not_found", errc::not_found},
      {"not_found_error", errc::not_found},
      {"rate_limit_error", errc::rate_limited},
      {"server_error", errc::server_error},
      {"service_unavailable", errc::server_error},
      {"api_error", errc::server_error},
  }};
  for (const auto& [name, code] : table)
    if (seedance::detail::iequals(name, type)) return code;
  return std::nullopt;
}

/// Fills details from an error body and picks the code for HTTP `status` (a 2xx status carrying an error is
/// judged by `error.type`, then by a numeric `error.code` that is an HTTP error status).
inline errc read_error_body(int status, const boost::json::value& body, error_details& details) {
  const auto* e = json::member(body, "error");
  const boost::json::value& fields = (e && e->is_object()) ? *e : body;
  if (e && !e->is_object()) details.provider_message = json::string_of(e).value_or("");
  if (details.provider_message.empty())
    details.provider_message =
        json::string_at(fields, "message").value_or(json::string_at(body, "message").value_or(""));
  if (details.provider_message.empty())  // FastAPI-style {"detail": "..."} from a front proxy
    details.provider_message = json::string_at(body, "detail").value_or("");
  details.provider_code = json::string_at(fields, "code").value_or("");
  details.provider_type = json::string_at(fields, "type").value_or("");
  details.param = json::string_at(fields, "param").value_or("");
  if (details.request_id.empty())
    details.request_id = codec::one_line(json::string_at(body, "request_id").value_or(""), 200);

  const auto by_type = errc_from_type(details.provider_type);
  errc code;
  if (status >= 400) {
    code = errc_from_http_status(status);
    if (status == 422) code = errc::invalid_request;
    if (code == errc::rejected && by_type) code = *by_type;  // a generic 4xx the type explains better
  } else if (by_type) {
    code = *by_type;
  } else if (auto numeric = json::integer_at(fields, "code", 400, 599)) {
    code = errc_from_http_status(static_cast<int>(*numeric));
  } else {
    code = details.provider_message.empty() ? errc::bad_response : errc::rejected;
  }
  if (code == errc::invalid_request)
    details.problems.push_back({details.param.empty() ? std::string("request") : codec::one_line(details.param, 120),
                                codec::one_line(details.provider_message, 200),
                                {}});
  return code;
}

/// Throws the provider's error when a 2xx body is {"error": ...} rather than a task (no id, no status).
inline void throw_if_error_body(const http::response& r, const boost::json::value& body) {
  if (task_id_of(body) || codec::nonempty_string_at(body, "status") || !json::member(body, "error")) return;
  auto details = codec::response_details(r);
  const auto code = read_error_body(r.status, body, details);
  throw codec::make_provider_error(provider, code == errc::bad_response ? errc::rejected : code, std::move(details));
}

}  // namespace detail::aihubmax_codec

inline http::request aihubmax::encode_create(const request& r, const codec_options&) {
  namespace ac = detail::aihubmax_codec;
  namespace codec = detail::codec;
  detail::codec::check_create(detail::aihubmax_codec::provider, id, r);
  const auto mode = deduce_mode(r);

  boost::json::object body;
  body["model"] = ac::model_name(r, mode);
  body["prompt"] = r.prompt;
  if (r.resolution) body["resolution"] = to_string(*r.resolution);
  if (r.ratio) body["aspect_ratio"] = to_string(*r.ratio);
  if (r.duration) body["duration"] = r.duration->count();  // -1: the model chooses
  if (r.generate_audio) body["generate_audio"] = *r.generate_audio;
  if (r.seed) body["seed"] = *r.seed;
  switch (mode) {
    case generation_mode::text:
      break;
    case generation_mode::first_frame:
    case generation_mode::first_last_frame:
      if (!r.images.empty()) body["image_url"] = r.images[0];
      if (r.images.size() > 1) body["end_image_url"] = r.images[1];
      break;
    case generation_mode::reference:
      if (!r.images.empty()) body["image_urls"] = codec::string_array(r.images);
      if (!r.videos.empty()) body["video_urls"] = codec::string_array(r.videos);
      if (!r.audios.empty()) body["audio_urls"] = codec::string_array(r.audios);
      break;
  }

  codec::merge_patch(body, r.extra);
  return codec::json_post(std::string(create_target), body);
}

inline task aihubmax::decode_created(const http::response& r) {
  namespace ac = detail::aihubmax_codec;
  const auto body = detail::codec::parse_object(r.body, "aihubmax: create response");
  ac::throw_if_error_body(r, body);
  return ac::task_of(body, "create response", /*require_id=*/true);
}

inline http::request aihubmax::status_request(std::string_view task_id) {
  detail::codec::check_task_id(detail::aihubmax_codec::provider, task_id, /*in_path=*/true);
  return detail::codec::get_request(detail::codec::path_with_segment(status_path, task_id));
}

inline task aihubmax::decode_status(const http::response& r) {
  namespace ac = detail::aihubmax_codec;
  const auto body = detail::codec::parse_object(r.body, "aihubmax: status response");
  ac::throw_if_error_body(r, body);
  return ac::task_of(body, "status response", /*require_id=*/false);
}

inline std::optional<http::request> aihubmax::cancel_request(std::string_view) noexcept { return std::nullopt; }

inline task aihubmax::decode_cancelled(const http::response&, std::string_view task_id) {
  error_details details;
  details.task_id = detail::codec::one_line(task_id, 200);
  throw error(errc::unsupported, "aihubmax: tasks cannot be cancelled (no cancel endpoint documented)",
              std::move(details));
}

inline error aihubmax::decode_error(const http::response& r) {
  namespace ac = detail::aihubmax_codec;
  namespace codec = detail::codec;
  error_details details;
  details.http_status = r.status;
  errc code = r.status >= 400 ? errc_from_http_status(r.status) : errc::bad_response;
  if (r.status == 422) code = errc::invalid_request;
  try {
    details = codec::response_details(r);
    if (const auto body = codec::try_parse(r.body); body && body->is_object())
      code = ac::read_error_body(r.status, *body, details);
    else
      details.provider_message = codec::one_line(r.body, 200);
  } catch (...) {  // bad_alloc while reading: report what is known so far
  }
  return codec::make_provider_error(ac::provider, code, std::move(details));
}

inline task aihubmax::decode_webhook(std::string_view body) {
  const auto value = detail::codec::parse_object(body, "aihubmax: webhook");
  return detail::aihubmax_codec::task_of(value, "webhook", /*require_id=*/false);
}

}  // namespace seedance

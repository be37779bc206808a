// seedance/providers/kinovi/codec.hpp - the Kinovi wire format (kinovi.ai, mirror seedance2-pro.com), sans I/O.
//
// Create:  POST /jobs/createTask            {"model", "inputs": {...}, "callBackUrl"?}  ->  {"taskId"}
// Status:  GET  /jobs/recordInfo?taskId=ID  ->  {taskId, model, status, creditsUsed, output[], error, createTime,
//                                               completeTime}, flat or inside {"code","message","data"}
// Webhook: POST to callBackUrl, the status record flat or enveloped, with `status` or `state`.
// Errors:  flat {"message", "errors"?, "required"?, "available"?, "limit"?, "current"?}.
// No cancel endpoint exists. Targets are relative to the base URL https://kinovi.ai/api/v1.
//
// Two request schemas exist: `current` (imageUrls/videoUrls/audioUrls, integer duration, native 4k, seed,
// generate_audio, bitrate_mode) and `legacy` (one mixed `urls` array, duration as a string "4".."15",
// upscaleResolution "4k"). Responses are read the same way for both.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/providers/detail/codec_common.hpp>
#include <seedance/providers/detail/json_read.hpp>
#include <seedance/providers/kinovi/capabilities.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace seedance {

/// Options of the Kinovi codec: the request schema (the earlier name of kinovi_options).
using kinovi_codec_options = kinovi_options;

/// Kinovi codec: static pure functions turning requests into HTTP messages and responses into tasks.
/// Thread-safe (no state).
struct kinovi : provider_identity<provider_id::kinovi> {
  using codec_options = kinovi_codec_options;

  static constexpr std::string_view create_target = "/jobs/createTask";
  static constexpr std::string_view status_path = "/jobs/recordInfo";

  /// The create request: POST /jobs/createTask with the JSON body of `o.schema`; `r.extra` is merged into the
  /// body last as a JSON Merge Patch. Throws seedance::error(errc::invalid_request) listing every problem
  /// validate() finds under that schema (the one rule path).
  static http::request encode_create(const request& r, const codec_options& o = {});

  /// The task of a 2xx create response ({"taskId"}, possibly enveloped): state queued unless a status is
  /// given. Throws seedance::error(errc::bad_response) when the body is not a JSON object or has no taskId,
  /// and the provider's error (same mapping as decode_error) when the body is an error envelope.
  static task decode_created(const http::response& r);

  /// GET /jobs/recordInfo?taskId=<id>, the id percent-encoded. Throws seedance::error(errc::invalid_request)
  /// when the id is empty.
  static http::request status_request(std::string_view task_id);

  /// The task of a 2xx recordInfo response. `success` without any output URL reads as running (keep polling).
  /// Throws seedance::error(errc::bad_response) when the body is hopeless (not a JSON object, neither taskId
  /// nor status), and the provider's error when the body is an error envelope.
  static task decode_status(const http::response& r);

  /// Kinovi cannot cancel tasks: always nullopt.
  static std::optional<http::request> cancel_request(std::string_view task_id) noexcept;

  /// Always throws seedance::error(errc::unsupported): Kinovi has no cancel endpoint.
  [[noreturn]] static task decode_cancelled(const http::response& r, std::string_view task_id);

  /// The error of a non-2xx response. 400 ("Invalid parameters") is invalid_request with the provider's message
  /// (details().problems lists errors[] when given, else the message); other
  /// statuses as errc_from_http_status. Details carry message, envelope code, required/available credits (402),
  /// concurrency limit/current (429) and Retry-After. Never throws (except std::bad_alloc).
  static error decode_error(const http::response& r);

  /// The task of a webhook body: the status record, flat or inside {"code","message","data"}, with `status` or
  /// `state` and `error` as a string or {code,message}. Throws seedance::error(errc::bad_response) when the
  /// body is not a JSON object or carries neither taskId nor status.
  static task decode_webhook(std::string_view body);
};

namespace detail::kinovi_codec {

inline constexpr std::string_view provider = "kinovi";

inline constexpr std::array<codec::state_name, 4> states{{
    {"waiting", task_state::queued},
    {"generating", task_state::running},
    {"success", task_state::succeeded},
    {"fail", task_state::failed},
}};

/// Wire model name. Only for models Kinovi offers (validate() checked that).
inline std::string model_name(const request& r) {
  if (!r.model_id.empty()) return r.model_id;
  return r.model == model::seedance_2_0_fast ? "seedance2-fast" : "seedance-20";
}

/// The body of the current schema (inputs per the 2026 model READMEs).
inline boost::json::object current_inputs(const request& r, generation_mode mode) {
  boost::json::object inputs;
  inputs["prompt"] = r.prompt;
  if (!r.images.empty()) inputs["imageUrls"] = codec::string_array(r.images);
  if (!r.videos.empty()) inputs["videoUrls"] = codec::string_array(r.videos);
  if (!r.audios.empty()) inputs["audioUrls"] = codec::string_array(r.audios);
  inputs["mode"] = mode == generation_mode::reference ? "reference" : "keyframe";
  if (r.duration) inputs["duration"] = r.duration->count();
  if (r.resolution) inputs["outputResolution"] = to_string(*r.resolution);
  if (r.ratio && *r.ratio != aspect_ratio::adaptive) inputs["aspectRatio"] = to_string(*r.ratio);
  if (r.generate_audio) inputs["generate_audio"] = *r.generate_audio;
  if (r.high_bitrate) inputs["bitrate_mode"] = "high";
  if (r.seed) inputs["seed"] = *r.seed;
  return inputs;
}

/// The body of the legacy schema (inputs per the older model pages).
inline boost::json::object legacy_inputs(const request& r, generation_mode mode) {
  boost::json::object inputs;
  if (!r.images.empty() || !r.videos.empty()) {
    auto urls = codec::string_array(r.images);  // images first, then videos, as the prompt tags count them
    for (const auto& v : r.videos) urls.emplace_back(v);
    inputs["urls"] = std::move(urls);
  }
  if (!r.audios.empty()) inputs["audioUrls"] = codec::string_array(r.audios);
  if (!r.prompt.empty()) inputs["prompt"] = r.prompt;
  if (r.duration) inputs["duration"] = std::to_string(r.duration->count());
  if (r.ratio && *r.ratio != aspect_ratio::adaptive) inputs["aspectRatio"] = to_string(*r.ratio);
  inputs["mode"] = mode == generation_mode::reference ? "reference" : "keyframe";
  if (r.resolution) inputs["outputResolution"] = to_string(*r.resolution);
  if (r.upscale_4k) inputs["upscaleResolution"] = "4k";
  return inputs;
}

/// The record of a body: `data` when the body is an envelope {code, message, data:{...}}, else the body.
inline const boost::json::value& record_of(const boost::json::value& body) noexcept {
  if (const auto* data = json::member(body, "data"); data && data->is_object() && !json::member(body, "taskId"))
    return *data;
  return body;
}

/// The task status string: `status`, or its alias `state`.
inline std::optional<std::string> status_of(const boost::json::value& record) {
  if (auto s = codec::nonempty_string_at(record, "status")) return s;
  return codec::nonempty_string_at(record, "state");
}

/// The task id: `taskId`, or `task_id` (tolerated).
inline std::optional<std::string> task_id_of(const boost::json::value& record) {
  if (auto id = codec::nonempty_string_at(record, "taskId")) return id;
  return codec::nonempty_string_at(record, "task_id");
}

/// `error` as null, a string, or {code, message}; nullopt when absent or empty.
inline std::optional<task_error> task_error_of(const boost::json::value& record) {
  const auto* e = json::member(record, "error");
  if (!e) return std::nullopt;
  task_error out;
  if (e->is_object()) {
    out.code = json::string_at(*e, "code").value_or("");
    out.message = json::string_at(*e, "message").value_or(json::string_at(*e, "msg").value_or(""));
  } else if (!e->is_array()) {
    out.message = json::string_of(e).value_or("");
  }
  if (out.code.empty() && out.message.empty()) return std::nullopt;
  return out;
}

/// One `output` item: an object with `url` (plus optional details) or, tolerated, a bare URL string.
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
  if (auto w = json::integer_at(item, "width", 0, INT_MAX)) out.width = static_cast<int>(*w);
  if (auto h = json::integer_at(item, "height", 0, INT_MAX)) out.height = static_cast<int>(*h);
  out.seed = json::integer_at(item, "seed");
  out.media_type = json::string_at(item, "mediaType").value_or("");
  out.last_frame_url = json::string_at(item, "lastFrameImage").value_or("");
  return out;
}

/// The task of a status record (recordInfo body or webhook). `body` is kept as task.raw. When the record has no
/// status, `default_state` is used. Throws bad_response when it has neither id nor status (or no id and
/// `require_id`).
inline task task_of(const boost::json::value& body, const boost::json::value& record, std::string_view what,
                    bool require_id, task_state default_state) {
  task t;
  const auto task_id = task_id_of(record);
  const auto status = status_of(record);
  if (!task_id && (require_id || !status)) codec::throw_bad_response(provider, std::string(what) + " has no taskId");
  t.id = task_id.value_or("");
  t.provider_state = status.value_or("");
  t.state = status ? codec::map_state(*status, states) : default_state;
  t.model = json::string_at(record, "model").value_or("");
  if (auto credits = json::number_at(record, "creditsUsed")) t.cost = cost{*credits, cost_unit::credits, false};
  t.created_at = codec::epoch_auto_at(record, "createTime");
  t.completed_at = codec::epoch_auto_at(record, "completeTime");
  if (t.state == task_state::succeeded) {
    if (const auto* output = json::member(record, "output")) {
      if (const auto* items = output->if_array()) {
        for (const auto& item : *items)
          if (auto v = video_of(item, t.id)) t.videos.push_back(std::move(*v));
      } else if (auto v = video_of(*output, t.id)) {  // a single item without the array
        t.videos.push_back(std::move(*v));
      }
    }
    // Documented as exactly one output on success; without one the record is not final yet.
    if (t.videos.empty()) t.state = task_state::running;
  }
  t.error = task_error_of(record);
  if (t.state == task_state::failed && !t.error) t.error = task_error{};
  t.raw = body;
  return t;
}

/// The field a validation entry of `errors[]` blames: `path` as "a.b[0]" (array) or text, else `field`/`param`.
inline std::string problem_field(const boost::json::value& entry) {
  const auto* path = json::member(entry, "path");
  if (const auto* parts = path ? path->if_array() : nullptr) {
    std::string out;
    std::size_t count = 0;
    for (const auto& part : *parts) {
      if (++count > 16) break;
      if (part.is_int64() || part.is_uint64()) {
        out += "[" + json::string_of(&part).value_or("") + "]";
      } else if (auto text = json::string_of(&part)) {
        if (!out.empty()) out += '.';
        out += *text;
      }
    }
    return codec::one_line(out, 120);
  }
  if (auto text = json::string_of(path)) return codec::one_line(*text, 120);
  if (auto field = json::string_at(entry, "field")) return codec::one_line(*field, 120);
  return codec::one_line(json::string_at(entry, "param").value_or(""), 120);
}

/// Fills details from an error body (flat, or an envelope {code, message}) and picks the code. `status` is the
/// HTTP status; a 2xx status with an error body uses the envelope code when it is an HTTP error status.
inline errc read_error_body(int status, const boost::json::value& body, error_details& details) {
  const auto& record = record_of(body);
  const auto* nested = json::member(body, "error");
  details.provider_message = json::string_at(body, "message").value_or("");
  if (details.provider_message.empty() && nested) {
    if (nested->is_object())
      details.provider_message = json::string_at(*nested, "message").value_or("");
    else
      details.provider_message = json::string_of(nested).value_or("");
  }
  details.provider_code = json::string_at(body, "code").value_or("");
  if (details.provider_code.empty() && nested && nested->is_object())
    details.provider_code = json::string_at(*nested, "code").value_or("");
  for (const auto* source : {&body, &record}) {
    if (!details.credits_required) details.credits_required = json::number_at(*source, "required");
    if (!details.credits_available) details.credits_available = json::number_at(*source, "available");
    if (!details.concurrency_limit)
      if (auto n = json::integer_at(*source, "limit", INT_MIN, INT_MAX))
        details.concurrency_limit = static_cast<int>(*n);
    if (!details.concurrency_current)
      if (auto n = json::integer_at(*source, "current", INT_MIN, INT_MAX))
        details.concurrency_current = static_cast<int>(*n);
  }
  if (const auto* errors = codec::array_at(body, "errors")) {
    for (const auto& entry : *errors) {
      if (details.problems.size() >= 50) break;
      problem p;
      if (entry.is_object()) {
        p.field = problem_field(entry);
        p.rule = json::string_at(entry, "message").value_or(json::string_at(entry, "code").value_or(""));
        if (auto value = json::string_of(json::member(entry, "received")))
          p.value = codec::one_line(*value, 80);
        else if (auto value2 = json::string_of(json::member(entry, "value")))
          p.value = codec::one_line(*value2, 80);
      } else {
        p.rule = json::string_of(&entry).value_or("");
      }
      p.rule = codec::one_line(p.rule, 200);
      details.problems.push_back(std::move(p));
    }
  }

  int effective = status;
  if (effective < 400) {
    const auto code = json::integer_at(body, "code", 400, 599);
    effective = code ? static_cast<int>(*code) : 0;
  }
  if (effective == 400) {  // "400 Invalid parameters": missing urls or prompt, invalid mode, invalid image URL
    const std::string_view message = details.provider_message;
    if (details.problems.empty()) {
      const bool names_model = message.find("Unknown model") != std::string_view::npos;
      details.problems.push_back({names_model ? "model" : "inputs",
                                  codec::one_line(message.empty() ? "Invalid parameters" : message, 200),
                                  {}});
    }
    return errc::invalid_request;
  }
  if (effective >= 400) return errc_from_http_status(effective);
  // No usable status (a 2xx carrying an error, or a 1xx/3xx): judge by the fields.
  if (details.credits_required || details.credits_available) return errc::insufficient_credits;
  if (details.concurrency_limit) return errc::rate_limited;
  if (!details.provider_message.empty() || !details.problems.empty()) return errc::rejected;
  return errc::bad_response;
}

/// Throws the provider's error when a 2xx body is an error instead of a record: an envelope whose code is not
/// 0/2xx and that has no data, or a flat body with neither taskId nor status but a message/error.
inline void throw_if_error_body(const http::response& r, const boost::json::value& body) {
  const auto& record = record_of(body);
  const bool has_record = task_id_of(record) || status_of(record);
  const auto code = json::integer_at(body, "code");
  const bool envelope_error = code && *code != 0 && (*code < 200 || *code > 299) && &record == &body;
  const bool flat_error =
      !has_record && (json::member(body, "message") || json::member(body, "error") || json::member(body, "errors"));
  if (!envelope_error && !flat_error) return;
  auto details = codec::response_details(r);
  const auto code_value = read_error_body(r.status, body, details);
  throw codec::make_provider_error(provider, code_value == errc::bad_response ? errc::rejected : code_value,
                                   std::move(details));
}

}  // namespace detail::kinovi_codec

inline http::request kinovi::encode_create(const request& r, const codec_options& o) {
  namespace kc = detail::kinovi_codec;
  namespace codec = detail::codec;
  provider_options options;
  options.kinovi_schema = o.schema;
  codec::check_create(kc::provider, id, r, options);
  const auto mode = deduce_mode(r);

  boost::json::object body;
  body["model"] = kc::model_name(r);
  body["inputs"] = o.schema == kinovi_schema::legacy ? kc::legacy_inputs(r, mode) : kc::current_inputs(r, mode);
  if (!r.callback_url.empty()) body["callBackUrl"] = r.callback_url;
  codec::merge_patch(body, r.extra);
  return codec::json_post(std::string(create_target), body);
}

inline task kinovi::decode_created(const http::response& r) {
  namespace kc = detail::kinovi_codec;
  const auto body = detail::codec::parse_object(r.body, "kinovi: create response");
  kc::throw_if_error_body(r, body);
  return kc::task_of(body, kc::record_of(body), "create response", /*require_id=*/true, task_state::queued);
}

inline http::request kinovi::status_request(std::string_view task_id) {
  detail::codec::check_task_id(detail::kinovi_codec::provider, task_id, /*in_path=*/false);
  return detail::codec::get_request(detail::codec::path_with_query(status_path, "taskId", task_id));
}

inline task kinovi::decode_status(const http::response& r) {
  namespace kc = detail::kinovi_codec;
  const auto body = detail::codec::parse_object(r.body, "kinovi: status response");
  kc::throw_if_error_body(r, body);
  return kc::task_of(body, kc::record_of(body), "status response", /*require_id=*/false, task_state::unknown);
}

inline std::optional<http::request> kinovi::cancel_request(std::string_view) noexcept { return std::nullopt; }

inline task kinovi::decode_cancelled(const http::response&, std::string_view task_id) {
  error_details details;
  details.task_id = detail::codec::one_line(task_id, 200);
  throw error(errc::unsupported, "kinovi: tasks cannot be cancelled (no cancel endpoint)", std::move(details));
}

inline error kinovi::decode_error(const http::response& r) {
  namespace kc = detail::kinovi_codec;
  namespace codec = detail::codec;
  error_details details;
  details.http_status = r.status;
  errc code = r.status >= 400 ? errc_from_http_status(r.status) : errc::bad_response;
  try {
    details = codec::response_details(r);
    if (const auto body = codec::try_parse(r.body); body && body->is_object()) {
      code = kc::read_error_body(r.status, *body, details);
    } else {
      details.provider_message = codec::one_line(r.body, 200);
    }
  } catch (...) {  // bad_alloc while reading: report what is known so far
  }
  return codec::make_provider_error(kc::provider, code, std::move(details));
}

inline task kinovi::decode_webhook(std::string_view body) {
  namespace kc = detail::kinovi_codec;
  const auto value = detail::codec::parse_object(body, "kinovi: webhook");
  return kc::task_of(value, kc::record_of(value), "webhook", /*require_id=*/false, task_state::unknown);
}

}  // namespace seedance

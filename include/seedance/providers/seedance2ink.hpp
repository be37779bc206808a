// seedance/providers/seedance2ink.hpp - the whole seedance2.ink Open API wire format: a sans-I/O codec that
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
// The service infers the generation mode from the number of `mediaUrls` and their file extensions (1 image:
// first frame, 2 images: first + last frame, anything mixed: multimodal reference), so URLs must keep their
// extensions. There is no seed, audio toggle or separate end-frame field.
// The webhook payload is not documented; it is assumed to equal the status response (also accepted inside a
// `{"data": ...}` envelope). Verify a webhook by re-querying the task.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/providers/detail/json_read.hpp>
#include <seedance/request.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/url.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance {

namespace detail::seedance2ink_wire {

inline constexpr std::string_view provider = "seedance2ink";

/// Lower-case ASCII copy, for matching provider codes and states.
inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// Provider text made safe for a one-line `what()`: control characters become spaces, long text is cut.
inline std::string one_line(std::string_view text, std::size_t max = 300) {
  std::string out;
  out.reserve(text.size() < max ? text.size() : max + 3);
  for (char c : text) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return out;
}

/// Retry-After as delta-seconds (the only form seen from these services); nullopt otherwise.
inline std::optional<std::chrono::seconds> retry_after_seconds(const http::headers& h) noexcept {
  const auto value = h.find("Retry-After");
  if (!value || value->empty() || value->size() > 9) return std::nullopt;
  std::int64_t seconds = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::seconds{seconds};
}

/// Epoch seconds or milliseconds (told apart by magnitude) from a number or numeric string.
inline std::optional<std::chrono::system_clock::time_point> epoch_auto(const boost::json::value& v,
                                                                       std::string_view key) noexcept {
  const auto n = json::integer_at(v, key, 0, INT64_MAX / 2000);
  if (!n) return std::nullopt;
  return json::epoch_at(v, key, *n >= 100'000'000'000);  // 1e11 s is year 5138; 1e11 ms is 1973
}

/// Builds "<base>/<id>[/<suffix>]" with the id percent-encoded as one path segment.
inline std::string task_target(std::string_view base_path, std::string_view task_id, std::string_view suffix = {}) {
  if (task_id.empty() || task_id == "." || task_id == "..") {
    error_details details;
    details.problems.push_back(
        {"task_id", "must be a non-empty task id other than \".\" and \"..\"", std::string(task_id)});
    throw error(errc::invalid_request, std::string(provider) + ": task id must be a non-empty request id",
                std::move(details));
  }
  boost::urls::url target;
  target.set_path(base_path);
  target.segments().push_back(task_id);
  if (!suffix.empty()) target.segments().push_back(suffix);
  return std::string(target.buffer());
}

/// Maps a provider error code to the library's code; nullopt for codes it does not recognise.
inline std::optional<errc> errc_from_code(std::string_view code) {
  const std::string c = lower(code);
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

/// `error` as `{code, message}` or a plain string; nullopt when absent, null or `false`.
inline std::optional<task_error> error_of(const boost::json::value& body) {
  const auto* e = json::member(body, "error");
  if (!e) return std::nullopt;
  if (e->is_object()) {
    task_error out;
    out.code = json::string_at(*e, "code").value_or("");
    out.message = json::string_at(*e, "message").value_or("");
    if (out.message.empty()) out.message = json::string_at(*e, "msg").value_or("");
    if (out.code.empty() && out.message.empty()) return std::nullopt;
    return out;
  }
  if (e->is_bool()) return std::nullopt;
  if (auto text = json::string_of(e); text && !text->empty()) return task_error{{}, *text};
  return std::nullopt;
}

}  // namespace detail::seedance2ink_wire

/// Codec for the seedance2.ink Open API. Static pure functions, no I/O; thread-safe.
struct seedance2ink {
  static constexpr provider_id id = provider_id::seedance2ink;
  static constexpr std::string_view name = "seedance2ink";
  static constexpr std::string_view display_name = "seedance2.ink";
  static constexpr std::string_view default_base_url = "https://www.seedance2.ink";
  static constexpr std::string_view api_key_env = "SEEDANCE2INK_API_KEY";

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

  /// Normalises a wire state: queued, processing (running), succeeded, failed, cancelled (also "canceled").
  /// Anything else is `task_state::unknown`. Never throws.
  static constexpr task_state state_from_wire(std::string_view s) noexcept {
    if (detail::iequals(s, "queued")) return task_state::queued;
    if (detail::iequals(s, "processing")) return task_state::running;
    if (detail::iequals(s, "succeeded")) return task_state::succeeded;
    if (detail::iequals(s, "failed")) return task_state::failed;
    if (detail::iequals(s, "cancelled") || detail::iequals(s, "canceled")) return task_state::cancelled;
    return task_state::unknown;
  }

  /// Builds the create request. The media go into `mediaUrls` in the order images, videos, audio (so a
  /// first frame precedes a last frame); `callback_url` becomes `webhookUrl`; `extra` is merged into the body
  /// last (its members replace generated ones). Throws seedance::error(errc::invalid_request) listing every
  /// field this API cannot express: an empty prompt, seed, generate_audio, watermark, camera_fixed,
  /// return_last_frame, expires_after, upscale_4k, high_bitrate, a ratio other than 16:9/9:16/1:1, 4k, an
  /// automatic or out-of-range duration, more than 5 media URLs, or an explicit mode the service would not
  /// infer from the media. Thread-safe.
  static http::request encode_create(const request& r, const codec_options& /*options*/ = {}) {
    std::vector<problem> problems;
    const auto reject = [&](std::string field, std::string rule, std::string value) {
      problems.push_back({std::move(field), std::move(rule), std::move(value)});
    };
    if (r.prompt.empty()) reject("prompt", "seedance2.ink requires a prompt", "");
    if (r.seed) reject("seed", "seedance2.ink has no seed field", std::to_string(*r.seed));
    if (r.generate_audio)
      reject("generate_audio", "seedance2.ink has no audio on/off field", *r.generate_audio ? "true" : "false");
    if (r.watermark) reject("watermark", "seedance2.ink has no watermark field", *r.watermark ? "true" : "false");
    if (r.camera_fixed)
      reject("camera_fixed", "seedance2.ink has no camera_fixed field", *r.camera_fixed ? "true" : "false");
    if (r.return_last_frame) reject("return_last_frame", "seedance2.ink cannot return the last frame", "true");
    if (r.expires_after)
      reject("expires_after", "seedance2.ink has no expiry field", std::to_string(r.expires_after->count()));
    if (r.upscale_4k) reject("upscale_4k", "seedance2.ink offers no 4k upscale", "true");
    if (r.high_bitrate) reject("high_bitrate", "seedance2.ink has no bitrate field", "true");

    const std::size_t media = r.images.size() + r.videos.size() + r.audios.size();
    if (media > max_media_urls)
      reject("media", std::string(seedance2ink_capabilities.media.total_rule), std::to_string(media));
    if (r.mode) {
      request without_mode = r;
      without_mode.mode.reset();
      const generation_mode inferred = deduce_mode(without_mode);
      if (*r.mode != inferred)
        reject("mode",
               "seedance2.ink infers the mode from the media; these media would run as " +
                   std::string(to_string(inferred)),
               std::string(to_string(*r.mode)));
    }
    if (!r.audios.empty() && r.images.empty() && r.videos.empty())
      reject("audios", "audio cannot be the only reference", std::to_string(r.audios.size()));

    constexpr const capability_table& caps = seedance2ink_capabilities;
    if (r.ratio && !caps.offers_ratio(*r.ratio))
      reject("ratio", std::string(caps.ratio_rule), std::string(to_string(*r.ratio)));
    if (r.resolution && !caps.offers_resolution(*r.resolution))
      reject("resolution", std::string(caps.resolution_rule), std::string(to_string(*r.resolution)));
    if (r.duration) {
      const std::string value = *r.duration == auto_duration ? "auto" : std::to_string(r.duration->count());
      if (*r.duration == auto_duration)
        reject("duration", std::string(caps.auto_duration_rule), value);
      else if (r.model_id.empty() ? !caps.duration_ok(r.model, *r.duration) : r.duration->count() < 1)
        reject("duration", std::string(r.model_id.empty() ? caps.of(r.model).duration_rule : caps.duration_rule),
               value);
    }
    if (!problems.empty()) {
      std::string what = std::string(detail::seedance2ink_wire::provider) +
                         ": request cannot be sent: " + problems.front().field + ": " + problems.front().rule;
      if (problems.size() > 1) what += " (and " + std::to_string(problems.size() - 1) + " more)";
      error_details details;
      details.problems = std::move(problems);
      throw error(errc::invalid_request, std::move(what), std::move(details));
    }

    boost::json::object body;
    body["model"] = r.model_id.empty() ? model_name(r.model) : std::string_view(r.model_id);
    body["prompt"] = r.prompt;
    if (media > 0) {
      boost::json::array urls;
      urls.reserve(media);
      for (const auto& u : r.images) urls.emplace_back(u);
      for (const auto& u : r.videos) urls.emplace_back(u);
      for (const auto& u : r.audios) urls.emplace_back(u);
      body["mediaUrls"] = std::move(urls);
    }
    if (r.ratio) body["aspectRatio"] = to_string(*r.ratio);
    if (r.duration) body["duration"] = r.duration->count();
    if (r.resolution) body["resolution"] = to_string(*r.resolution);
    if (!r.callback_url.empty()) body["webhookUrl"] = r.callback_url;
    if (!r.metadata.empty()) body["metadata"] = r.metadata;
    for (const auto& member : r.extra) body[member.key()] = member.value();

    http::request out;
    out.method = http::method::post;
    out.target = std::string(generations_path);
    out.headers.set("Content-Type", "application/json");
    out.body = boost::json::serialize(body);
    return out;
  }

  /// Reads a 2xx create response into a task (id = requestId, cost = creditsCharged credits). Throws the
  /// mapped seedance::error when the body says `success: false`, error(bad_response) when it carries no
  /// request id. Thread-safe.
  static task decode_created(const http::response& r) {
    auto body = parse_checked(r, "create response");
    task t = task_from(body, "create response");
    if (t.id.empty()) throw bad("create response has no requestId");
    if (t.provider_state.empty()) t.state = task_state::queued;  // accepted, nothing else said
    return t;
  }

  /// GET request for a task's status; the id is percent-encoded as one path segment. Throws
  /// seedance::error(errc::invalid_request) for an empty id. Thread-safe.
  static http::request status_request(std::string_view task_id) {
    http::request out;
    out.method = http::method::get;
    out.target = detail::seedance2ink_wire::task_target(generations_path, task_id);
    return out;
  }

  /// Reads a 2xx status response. `output.url` becomes the video when succeeded (a "succeeded" without any
  /// URL is reported as running so that polling goes on). Throws the mapped seedance::error for
  /// `success: false`, error(bad_response) for a body with neither requestId nor status. Thread-safe.
  static task decode_status(const http::response& r) {
    auto body = parse_checked(r, "status response");
    return task_from(std::move(body), "status response");
  }

  /// POST request that cancels a queued or processing task (no body). Throws
  /// seedance::error(errc::invalid_request) for an empty id. Thread-safe.
  static std::optional<http::request> cancel_request(std::string_view task_id) {
    http::request out;
    out.method = http::method::post;
    out.target = detail::seedance2ink_wire::task_target(generations_path, task_id, "cancel");
    return out;
  }

  /// Reads a 2xx cancel response; the state defaults to cancelled and the id to `task_id` when the body omits
  /// them. Throws the mapped seedance::error for `success: false`, error(bad_response) for a non-JSON body.
  /// Thread-safe.
  static task decode_cancelled(const http::response& r, std::string_view task_id) {
    auto body = parse_checked(r, "cancel response");
    const bool has_status = detail::json::member(body, "status") != nullptr;
    task t = task_from(std::move(body), nullptr);
    if (t.id.empty()) t.id = std::string(task_id);
    if (!has_status) t.state = task_state::cancelled;  // success said nothing more
    return t;
  }

  /// Maps an error response (any status; also a 2xx body with `success: false`) to a seedance::error: the
  /// provider code decides when recognised (unauthorized, insufficient credits, rate limit, validation...),
  /// otherwise the HTTP status; 5xx is always server_error. Details carry the HTTP status, provider code and
  /// message, Retry-After and an X-Request-Id header. Never throws (except std::bad_alloc).
  static seedance::error decode_error(const http::response& r) {
    namespace wire = detail::seedance2ink_wire;
    error_details details;
    details.http_status = r.status;
    details.retry_after = wire::retry_after_seconds(r.headers);
    if (auto rid = r.headers.find("X-Request-Id")) details.request_id = std::string(*rid);
    // Nothing was accepted when the service answered with a client error; a 5xx may hide a created task.
    details.retry_safe = r.status >= 400 && r.status < 500;

    boost::json::value body;
    try {
      body = detail::json::parse_body(r.body, "error response");
    } catch (const seedance::error&) {
      body = nullptr;
    }
    if (auto e = wire::error_of(body)) {
      details.provider_code = e->code;
      details.provider_message = e->message;
    } else if (auto message = detail::json::string_at(body, "message")) {
      details.provider_message = *message;
    }
    details.task_id = detail::json::string_at(body, "requestId").value_or("");  // the task id on this API

    errc code = errc_from_http_status(r.status);
    if (r.status >= 500) {
      code = errc::server_error;
    } else if (auto from_code = wire::errc_from_code(details.provider_code)) {
      code = *from_code;
    }
    std::string what = std::string(wire::provider) + ": HTTP " + std::to_string(r.status);
    if (!details.provider_code.empty()) what += " " + wire::one_line(details.provider_code, 80);
    if (!details.provider_message.empty())
      what += ": " + wire::one_line(details.provider_message);
    else if (body.is_null() && !r.body.empty())
      what += ": body is not JSON";
    return seedance::error(code, std::move(what), std::move(details));
  }

  /// Reads a webhook body: assumed (undocumented) to equal the status response, bare or inside `{"data":..}`.
  /// Throws seedance::error(errc::bad_response) for a body that is not JSON or has neither requestId nor
  /// status. Thread-safe.
  static task decode_webhook(std::string_view body) {
    auto value = detail::json::parse_body(body, "seedance2ink: webhook");
    if (const auto* data = detail::json::member(value, "data"); data && data->is_object() &&
                                                                !detail::json::member(value, "requestId") &&
                                                                !detail::json::member(value, "status"))
      value = boost::json::value(*data);
    return task_from(std::move(value), "webhook");
  }

 private:
  static seedance::error bad(std::string_view what) {
    return seedance::error(errc::bad_response,
                           std::string(detail::seedance2ink_wire::provider) + ": " + std::string(what));
  }

  /// Parses a 2xx body and enforces `success`: false (or "false") throws the error the body carries.
  static boost::json::value parse_checked(const http::response& r, std::string_view what) {
    auto body =
        detail::json::parse_body(r.body, std::string(detail::seedance2ink_wire::provider) + ": " + std::string(what));
    if (!body.is_object()) throw bad(std::string(what) + " is not a JSON object");
    if (detail::json::bool_at(body, "success") == false) throw decode_error(r);
    return body;
  }

  /// Maps a status-shaped object. `what` names the body for bad_response when neither requestId nor status is
  /// present; nullptr skips that check.
  static task task_from(boost::json::value body, const char* what) {
    namespace wire = detail::seedance2ink_wire;
    if (!body.is_object()) throw bad(std::string(what ? what : "response") + " is not a JSON object");
    task t;
    t.id = detail::json::string_at(body, "requestId").value_or("");
    if (t.id.empty()) t.id = detail::json::string_at(body, "id").value_or("");
    t.provider_state = detail::json::string_at(body, "status").value_or("");
    if (what && t.id.empty() && t.provider_state.empty())
      throw bad(std::string(what) + " has neither requestId nor status");
    t.state = state_from_wire(t.provider_state);
    t.model = detail::json::string_at(body, "model").value_or("");
    if (auto credits = detail::json::number_at(body, "creditsCharged"))
      t.cost = seedance::cost{*credits, cost_unit::credits, false};
    t.created_at = wire::epoch_auto(body, "createdAt");
    t.completed_at = wire::epoch_auto(body, "completedAt");

    if (t.state == task_state::succeeded) {
      if (auto v = video_of(body)) {
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

  /// `output` as {url,...}, a URL string, or an array whose first item is either.
  static std::optional<video> video_of(const boost::json::value& body) {
    const auto* output = detail::json::member(body, "output");
    if (output && output->is_array()) {
      const auto& items = output->get_array();
      output = items.empty() || items.front().is_null() ? nullptr : &items.front();
    }
    if (!output) return std::nullopt;
    video v;
    if (output->is_string()) {
      v.url = std::string(output->get_string());
    } else {
      v.url = detail::json::string_at(*output, "url").value_or("");
      if (auto w = detail::json::integer_at(*output, "width", 1, 100000)) v.width = static_cast<int>(*w);
      if (auto h = detail::json::integer_at(*output, "height", 1, 100000)) v.height = static_cast<int>(*h);
      if (detail::json::string_at(*output, "type").value_or("") == "video") v.media_type = "video/mp4";
    }
    if (v.url.empty()) return std::nullopt;
    return v;
  }
};

}  // namespace seedance

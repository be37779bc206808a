// seedance/testing/detail/sim_aihubmax.hpp - the simulated aihubmax "unified" API: request validation and
// response bodies as aihubmax's documentation describes them.
//
// Pure; written from the provider documentation, independently of the library's codec. The documentation
// shows no Seedance prices: credits_reserved uses a made-up table (credits_per_second below).
#pragma once

#include <seedance/testing/detail/sim_common.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace seedance::testing::detail {

struct sim_aihubmax {
  static constexpr provider_id id = provider_id::aihubmax;

  /// {"error": {"message", "type", "code"[, "param"]}} with the given HTTP status.
  static http::response error_body(int status, std::string_view type, std::string_view code, std::string message,
                                   std::string_view param = {}) {
    boost::json::object inner{{"message", std::move(message)}, {"type", type}, {"code", code}};
    if (!param.empty()) inner["param"] = param;
    return json_response(status, boost::json::object{{"error", std::move(inner)}});
  }

  /// An error response in aihubmax's shape.
  static http::response error(const error_info& e) {
    http::response r;
    switch (e.kind) {
      case sim_error_kind::missing_auth:
        r = error_body(401, "authentication_error", "missing_api_key", "Missing API key in Authorization header");
        break;
      case sim_error_kind::bad_auth:
        r = error_body(401, "authentication_error", "invalid_api_key", "Invalid API key");
        break;
      case sim_error_kind::bad_body:
        r = error_body(400, "invalid_request_error", "invalid_request",
                       e.message.empty() ? "Request body must be a JSON object" : e.message);
        break;
      case sim_error_kind::no_route:
      case sim_error_kind::cannot_cancel:
        r = error_body(404, "not_found", "not_found", "Not found");
        break;
      case sim_error_kind::method_not_allowed:
        r = error_body(405, "invalid_request_error", "method_not_allowed", "Method not allowed");
        break;
      case sim_error_kind::task_not_found:
      case sim_error_kind::missing_task_id:
        r = error_body(404, "not_found", "task_not_found", "Task not found: " + e.task_id);
        break;
      case sim_error_kind::task_forbidden:
        r = error_body(404, "not_found", "task_not_found", "Task not found: " + e.task_id);
        break;
      case sim_error_kind::insufficient_credits:
        r = error_body(402, "insufficient_quota", "insufficient_quota",
                       "Insufficient credits: required " + format_number(e.required) + ", available " +
                           format_number(e.available));
        break;
      case sim_error_kind::concurrency:
        r = error_body(429, "rate_limit_error", "concurrency_limit_exceeded",
                       e.names_limit ? "Too many concurrent tasks (limit " + std::to_string(e.limit) + ", current " +
                                           std::to_string(e.current) + ")"
                                     : std::string("Too many concurrent tasks"));
        break;
      case sim_error_kind::rate_limited:
        r = error_body(429, "rate_limit_error", "rate_limit_exceeded", "Rate limit exceeded, please retry later");
        break;
      case sim_error_kind::server_error:
        r = e.status == 503
                ? error_body(503, "service_unavailable", "service_unavailable", "Service temporarily unavailable")
                : error_body(e.status, "server_error", "internal_error", "Internal server error");
        break;
    }
    // aihubmax documents Retry-After on 429 (the aihub-mcp client honours it): always send one.
    auto retry_after = e.retry_after;
    if (!retry_after && r.status == 429) retry_after = std::chrono::seconds(1);
    add_retry_after(r, retry_after);
    return r;
  }

  /// Made-up credits per output second (the documentation has no Seedance price table).
  static double credits_per_second(bool fast, sim_resolution r) {
    static constexpr double standard[] = {10, 20, 50, 50};
    static constexpr double quick[] = {8, 16, 16, 16};
    return (fast ? quick : standard)[static_cast<std::size_t>(r)];
  }

  /// Validates a create body; the first problem found is reported.
  static create_check validate(const boost::json::object& body) {
    create_check check;
    auto fail = [&](const problem& p) {
      check.error = error_body(400, "invalid_request_error",
                               p.code == "missing" ? "missing_required_parameter" : "invalid_parameter", p.message,
                               first_key(p.field));
      return check;
    };
    const auto* model = member(body, "model");
    if (!model) return fail(missing("model"));
    if (!model->is_string()) return fail(wrong_type("model", "a string"));
    const std::string_view name = model->get_string();
    static constexpr std::string_view families[] = {"text-to-video", "image-to-video", "reference-to-video"};
    std::string_view family;
    bool fast = false;
    for (auto f : families) {
      if (name == "seedance-2.0-" + std::string(f)) family = f;
      if (name == "seedance-2.0-fast-" + std::string(f)) family = f, fast = true;
    }
    if (family.empty()) {
      check.error =
          error_body(422, "validation_error", "model_not_found", "Model not found: " + std::string(name), "model");
      return check;
    }
    create_spec& spec = check.spec;
    spec.model = std::string(name);
    spec.ratio = "adaptive";

    const auto* prompt = member(body, "prompt");
    if (!prompt || (prompt->is_string() && prompt->get_string().empty())) return fail(missing("prompt"));
    if (!prompt->is_string()) return fail(wrong_type("prompt", "a string"));
    if (code_points(prompt->get_string()) > 5000)
      return fail(out_of_range("prompt", "must be at most 5000 characters"));
    spec.prompt = std::string(prompt->get_string());

    if (const auto* res = member(body, "resolution")) {
      const std::string_view allowed = fast ? "480p 720p" : "480p 720p 1080p";
      if (!res->is_string()) return fail(wrong_type("resolution", "a string"));
      if (!listed(allowed, res->get_string()))
        return fail(not_one_of("resolution", comma_list(allowed) + " for " + spec.model));
      const std::string_view r = res->get_string();
      spec.resolution = r == "480p"    ? sim_resolution::p480
                        : r == "1080p" ? sim_resolution::p1080
                                       : sim_resolution::p720;
    }
    if (const auto* ratio = member(body, "aspect_ratio")) {
      if (!ratio->is_string()) return fail(wrong_type("aspect_ratio", "a string"));
      if (!listed("16:9 4:3 1:1 3:4 9:16 21:9 adaptive", ratio->get_string()))
        return fail(not_one_of("aspect_ratio", "16:9, 4:3, 1:1, 3:4, 9:16, 21:9, adaptive"));
      spec.ratio = std::string(ratio->get_string());
    }
    if (const auto* d = member(body, "duration")) {
      const auto n = as_integer(*d);
      if (!n) return fail(wrong_type("duration", "an integer"));
      if (*n != -1 && (*n < 4 || *n > 15)) return fail(out_of_range("duration", "must be -1 or between 4 and 15"));
      spec.duration = *n == -1 ? 5 : static_cast<int>(*n);
    }
    if (const auto* audio = member(body, "generate_audio")) {
      if (!audio->is_bool()) return fail(wrong_type("generate_audio", "a boolean"));
      spec.generate_audio = audio->get_bool();
    }
    if (const auto* seed = member(body, "seed")) {
      const auto n = as_integer(*seed);
      if (!n) return fail(wrong_type("seed", "an integer"));
      if (*n < -1 || *n > 4294967295LL) return fail(out_of_range("seed", "must be -1 or between 0 and 4294967295"));
      spec.seed = *n;
    }
    if (const auto* cb = member(body, "callback_url")) {
      if (!cb->is_string()) return fail(wrong_type("callback_url", "a string"));
      if (cb->get_string().size() > 2048) return fail(out_of_range("callback_url", "must be at most 2048 characters"));
      if (!is_web_url(cb->get_string())) return fail(bad_format("callback_url", "must be an absolute http(s) URL"));
      spec.callback_url = std::string(cb->get_string());
    }

    // Media fields of the other families are refused rather than silently ignored: they would be lost.
    static constexpr std::string_view single_fields[] = {"image_url", "end_image_url"};
    static constexpr std::string_view list_fields[] = {"image_urls", "video_urls", "audio_urls"};
    if (family != "image-to-video")
      for (auto f : single_fields)
        if (body.contains(f))
          return fail(conflict(std::string(f), "is not supported by " + spec.model + " (image-to-video models only)"));
    if (family != "reference-to-video")
      for (auto f : list_fields)
        if (body.contains(f))
          return fail(
              conflict(std::string(f), "is not supported by " + spec.model + " (reference-to-video models only)"));

    if (family == "image-to-video") {
      const auto* image = member(body, "image_url");
      if (!image) return fail(missing("image_url"));
      if (auto p = check_media_url(*image, "image_url", "jpg jpeg png webp", false, true)) return invalid_image(*p);
      if (const auto* end = member(body, "end_image_url"))
        if (auto p = check_media_url(*end, "end_image_url", "jpg jpeg png webp", false, true)) return invalid_image(*p);
    } else if (family == "reference-to-video") {
      std::vector<problem> problems;
      std::size_t images = 0, videos = 0, audios = 0;
      if (const auto* v = member(body, "image_urls"))
        images = check_url_array(*v, "image_urls", 9, "jpg jpeg png webp", false, true, problems).size();
      if (const auto* v = member(body, "video_urls"))
        videos = check_url_array(*v, "video_urls", 3, "mp4 mov", false, true, problems).size();
      if (const auto* v = member(body, "audio_urls"))
        audios = check_url_array(*v, "audio_urls", 3, "mp3 wav", false, true, problems).size();
      if (!problems.empty()) return fail(problems.front());
      if (images + videos + audios > 12)
        return fail(out_of_range("image_urls", "image_urls, video_urls and audio_urls hold at most 12 files together"));
      if (images + videos == 0)
        return fail(audios > 0 ? conflict("audio_urls", "cannot be the only reference: add an image or a video")
                               : missing("image_urls"));
    }
    spec.cost = credits_per_second(fast, spec.resolution) * spec.duration;
    return check;
  }

  /// The status word of a state.
  static std::string_view status_word(sim_state s) {
    switch (s) {
      case sim_state::queued:
        return "pending";
      case sim_state::running:
        return "processing";
      case sim_state::succeeded:
        return "completed";
      case sim_state::cancelled:
        return "cancelled";
      default:
        return "failed";
    }
  }

  /// The task object (create response, query response and webhook body alike).
  static boost::json::object task_object(const sim_view& v, std::int64_t estimated_seconds, bool results_as_strings) {
    const sim_task& t = *v.task;
    boost::json::object o;
    o["created"] = t.created_unix_ms / 1000;
    o["id"] = t.id;
    o["model"] = t.model;
    o["object"] = "video.generation.task";
    o["progress"] = v.progress;
    o["status"] = status_word(v.state);
    o["task_info"] = boost::json::object{{"can_cancel", v.state == sim_state::queued},
                                         {"estimated_time", estimated_seconds},
                                         {"video_duration", t.duration}};
    o["type"] = "video";
    o["usage"] =
        boost::json::object{{"billing_rule", "per_second"}, {"credits_reserved", t.credits}, {"user_group", "default"}};
    if (v.state == sim_state::succeeded) {
      boost::json::array results;
      if (!v.empty_results) {
        if (results_as_strings)
          results.emplace_back(v.video_url);
        else
          results.push_back(boost::json::object{{"url", v.video_url}});
      }
      o["results"] = std::move(results);
    }
    if (v.state == sim_state::failed || v.state == sim_state::expired) {
      if (t.failure == sim_failure::moderation)
        o["error"] = boost::json::object{{"code", "content_policy_violation"},
                                         {"message", "The request was rejected by the content safety system"},
                                         {"type", "invalid_request_error"}};
      else
        o["error"] = boost::json::object{
            {"code", t.failure == sim_failure::timeout ? "generation_timeout" : "generation_failed"},
            {"message", "Video generation failed, please try again"},
            {"type", "server_error"}};
    }
    return o;
  }

 private:
  static std::string first_key(const std::string& field) { return field.substr(0, field.find('[')); }

  static create_check invalid_image(const problem& p) {
    create_check check;
    check.error = error_body(422, "validation_error", "invalid_image_url", p.message, first_key(p.field));
    return check;
  }
};

}  // namespace seedance::testing::detail

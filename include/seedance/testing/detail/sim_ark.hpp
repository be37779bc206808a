// seedance/testing/detail/sim_ark.hpp - the simulated BytePlus ModelArk / Volcengine Ark content-generation
// task API: request validation and response bodies as Ark's documentation describes them.
//
// Pure; written from the provider documentation, independently of the library's codec. Choices where the
// documentation is silent: an unknown task id (or a deleted one) answers 404 "ResourceNotFound"; DELETE of
// a running or cancelled task answers 409 "OperationDenied"; the account balance is in output tokens and a
// create that does not fit answers 403 "AccountOverdueError".
#pragma once

#include <seedance/testing/detail/sim_common.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace seedance::testing::detail {

struct sim_ark {
  static constexpr provider_id id = provider_id::ark;

  /// {"error": {"code", "message", "param", "type"}} with the given HTTP status.
  static http::response error_body(int status, std::string_view code, std::string message, std::string_view param,
                                   std::string_view type) {
    return json_response(
        status, boost::json::object{
                    {"error", boost::json::object{
                                  {"code", code}, {"message", std::move(message)}, {"param", param}, {"type", type}}}});
  }

  /// An error response in Ark's shape.
  static http::response error(const error_info& e) {
    http::response r;
    switch (e.kind) {
      case sim_error_kind::missing_auth:
      case sim_error_kind::bad_auth:
        r = error_body(401, "AuthenticationError", "The API key in the request is missing or invalid.", "",
                       "Unauthorized");
        break;
      case sim_error_kind::bad_body:
        r = error_body(400, "InvalidParameter",
                       e.message.empty() ? "The request body is not a valid JSON object." : e.message, "",
                       "BadRequest");
        break;
      case sim_error_kind::no_route:
        r = error_body(404, "InvalidEndpoint.NotFound", "The requested endpoint does not exist.", "", "NotFound");
        break;
      case sim_error_kind::method_not_allowed:
        r = error_body(405, "MethodNotAllowed", "The request method is not allowed on this resource.", "",
                       "BadRequest");
        break;
      case sim_error_kind::task_not_found:
      case sim_error_kind::task_forbidden:
      case sim_error_kind::missing_task_id:
        r = error_body(404, "ResourceNotFound", "The specified task " + e.task_id + " was not found.", "id",
                       "NotFound");
        break;
      case sim_error_kind::insufficient_credits:
        r = error_body(403, "AccountOverdueError",
                       "Your account has an overdue balance: " + format_number(e.required) + " tokens required, " +
                           format_number(e.available) + " available.",
                       "", "Forbidden");
        break;
      case sim_error_kind::concurrency:
      case sim_error_kind::rate_limited:
        r = error_body(429, "RateLimitExceeded.EndpointRPMExceeded",
                       "The request rate of the endpoint exceeds its RPM limit. Please retry later.", "",
                       "TooManyRequests");
        break;
      case sim_error_kind::server_error:
        r = error_body(e.status, "InternalServiceError", "The service encountered an unexpected internal error.", "",
                       "InternalServerError");
        break;
      case sim_error_kind::cannot_cancel:
        r = error_body(409, "OperationDenied", e.message, "id", "Conflict");
        break;
    }
    add_retry_after(r, e.retry_after);
    return r;
  }

  /// What a model id allows.
  struct model_rules {
    std::string_view resolutions;
    int min_duration = 4;
    int max_duration = 15;
    bool references = true;  ///< multimodal reference mode (2.0 family)
    bool flex = false;       ///< service_tier "flex"
    bool draft = false;      ///< draft mode
  };

  /// The rules of a model id, or nullopt for an unknown model. `ep-...` endpoint ids count as 2.0.
  static std::optional<model_rules> rules(std::string_view model) {
    if (model == "dreamina-seedance-2-0-260128" || model == "doubao-seedance-2-0-260128" || model.starts_with("ep-"))
      return model_rules{"480p 720p 1080p 4k", 4, 15, true, false, false};
    if (model == "dreamina-seedance-2-0-fast-260128" || model == "doubao-seedance-2-0-fast-260128" ||
        model == "dreamina-seedance-2-0-mini-260615")
      return model_rules{"480p 720p", 4, 15, true, false, false};
    if (model == "seedance-1-5-pro-251215" || model == "doubao-seedance-1-5-pro-251215")
      return model_rules{"480p 720p 1080p", 4, 12, false, true, true};
    if (model == "seedance-1-0-pro-250528" || model == "seedance-1-0-pro-fast-251015" ||
        model == "doubao-seedance-1-0-pro-250528" || model == "doubao-seedance-1-0-pro-fast-251015")
      return model_rules{"480p 720p 1080p", 2, 12, false, true, false};
    return std::nullopt;
  }

  /// Output tokens: width x height x (24 x seconds + 1) / 1024, 1080p at 16:9 counted as 1920x1088.
  static double tokens(sim_resolution r, std::string_view ratio, int seconds) {
    auto size = output_size(r, ratio);
    if (size.width == 1920 && size.height == 1080) size.height = 1088;
    const double frames = 24.0 * seconds + 1.0;
    return std::floor(static_cast<double>(size.width) * size.height * frames / 1024.0);
  }

  /// Validates a create body; the first problem found is reported.
  static create_check validate(const boost::json::object& body) {
    create_check check;
    auto fail = [&](const problem& p) {
      check.error = error_body(400, p.code == "missing" ? "MissingParameter" : "InvalidParameter",
                               "The parameter `" + p.field + "` specified in the request is not valid: " + p.message,
                               p.field, "BadRequest");
      return check;
    };
    const auto* model = member(body, "model");
    if (!model) return fail(missing("model"));
    if (!model->is_string()) return fail(wrong_type("model", "a string"));
    const auto model_rule = rules(model->get_string());
    if (!model_rule) {
      check.error = error_body(404, "InvalidEndpoint.NotFound",
                               "The model or endpoint " + std::string(model->get_string()) +
                                   " does not exist or you do not have access to it.",
                               "model", "NotFound");
      return check;
    }
    create_spec& spec = check.spec;
    spec.model = std::string(model->get_string());

    if (auto p = check_content(body, *model_rule, spec)) return fail(*p);

    auto check_bool = [&](std::string_view key, bool& out) -> std::optional<problem> {
      if (const auto* v = member(body, key)) {
        if (!v->is_bool()) return wrong_type(std::string(key), "a boolean");
        out = v->get_bool();
      }
      return std::nullopt;
    };
    bool ignored = false;
    if (auto p = check_bool("return_last_frame", spec.return_last_frame)) return fail(*p);
    if (auto p = check_bool("generate_audio", spec.generate_audio)) return fail(*p);
    if (auto p = check_bool("camera_fixed", ignored)) return fail(*p);
    if (auto p = check_bool("watermark", ignored)) return fail(*p);
    bool draft = false;
    if (auto p = check_bool("draft", draft)) return fail(*p);
    if (draft && !model_rule->draft) return fail(conflict("draft", "is only supported by seedance-1-5-pro"));

    if (const auto* cb = member(body, "callback_url")) {
      if (!cb->is_string()) return fail(wrong_type("callback_url", "a string"));
      if (!is_web_url(cb->get_string())) return fail(bad_format("callback_url", "must be an absolute http(s) URL"));
      spec.callback_url = std::string(cb->get_string());
    }
    if (const auto* tier = member(body, "service_tier")) {
      if (!tier->is_string()) return fail(wrong_type("service_tier", "a string"));
      if (!listed("default flex", tier->get_string())) return fail(not_one_of("service_tier", "default, flex"));
      spec.flex = tier->get_string() == "flex";
      if (spec.flex && !model_rule->flex) return fail(conflict("service_tier", "flex is not supported by this model"));
    }
    if (const auto* expires = member(body, "execution_expires_after")) {
      const auto n = as_integer(*expires);
      if (!n) return fail(wrong_type("execution_expires_after", "an integer"));
      if (*n < 3600 || *n > 259200)
        return fail(out_of_range("execution_expires_after", "must be between 3600 and 259200"));
      spec.execution_expires_after = static_cast<std::int32_t>(*n);
    }
    if (const auto* res = member(body, "resolution")) {
      if (!res->is_string()) return fail(wrong_type("resolution", "a string"));
      if (!listed(model_rule->resolutions, res->get_string()))
        return fail(not_one_of("resolution", comma_list(model_rule->resolutions) + " for " + spec.model));
      const std::string_view r = res->get_string();
      spec.resolution = r == "480p"    ? sim_resolution::p480
                        : r == "1080p" ? sim_resolution::p1080
                        : r == "4k"    ? sim_resolution::p4k
                                       : sim_resolution::p720;
    }
    spec.ratio = "16:9";
    if (const auto* ratio = member(body, "ratio")) {
      if (!ratio->is_string()) return fail(wrong_type("ratio", "a string"));
      if (!listed("21:9 16:9 4:3 1:1 3:4 9:16 adaptive", ratio->get_string()))
        return fail(not_one_of("ratio", "21:9, 16:9, 4:3, 1:1, 3:4, 9:16, adaptive"));
      if (ratio->get_string() != "adaptive") spec.ratio = std::string(ratio->get_string());
    }
    if (const auto* d = member(body, "duration")) {
      const auto n = as_integer(*d);
      if (!n) return fail(wrong_type("duration", "an integer"));
      if (*n != -1 && (*n < model_rule->min_duration || *n > model_rule->max_duration))
        return fail(out_of_range("duration", "must be -1 or between " + std::to_string(model_rule->min_duration) +
                                                 " and " + std::to_string(model_rule->max_duration) + " for " +
                                                 spec.model));
      spec.duration = *n == -1 ? 5 : static_cast<int>(*n);
    }
    if (const auto* seed = member(body, "seed")) {
      const auto n = as_integer(*seed);
      if (!n) return fail(wrong_type("seed", "an integer"));
      if (*n < -1 || *n > 4294967295LL) return fail(out_of_range("seed", "must be between -1 and 4294967295"));
      spec.seed = *n;
    }
    if (const auto* safety = member(body, "safety_identifier"))
      if (!safety->is_string()) return fail(wrong_type("safety_identifier", "a string"));
    spec.cost = tokens(spec.resolution, spec.ratio, spec.duration);
    return check;
  }

  /// {"id": ...}
  static boost::json::value created(const sim_task& t) { return boost::json::object{{"id", t.id}}; }

  /// The task object (retrieve, list item, webhook body).
  static boost::json::object task_object(const sim_view& v) {
    const sim_task& t = *v.task;
    boost::json::object o;
    o["id"] = t.id;
    o["model"] = t.model;
    o["status"] = to_string(v.state);
    if (v.state == sim_state::failed) {
      if (t.failure == sim_failure::moderation)
        o["error"] = boost::json::object{
            {"code", "OutputVideoSensitiveContentDetected"},
            {"message", "The request failed because the output video may contain sensitive information."}};
      else
        o["error"] = boost::json::object{{"code", "InternalServiceError"},
                                         {"message", "The service encountered an unexpected internal error."}};
    } else {
      o["error"] = nullptr;
    }
    if (v.state == sim_state::succeeded) {
      boost::json::object content{{"video_url", v.video_url}};
      if (t.return_last_frame) content["last_frame_url"] = v.last_frame_url;
      o["content"] = std::move(content);
      const double used = t.credits;
      o["usage"] = boost::json::object{{"completion_tokens", static_cast<std::int64_t>(used)},
                                       {"total_tokens", static_cast<std::int64_t>(used)}};
    } else if (is_terminal(v.state)) {
      o["usage"] = boost::json::object{{"completion_tokens", 0}, {"total_tokens", 0}};
    }
    o["created_at"] = t.created_unix_ms / 1000;
    o["updated_at"] = v.updated_unix_ms / 1000;
    o["seed"] = t.seed;
    o["resolution"] = to_string(t.resolution);
    o["ratio"] = t.ratio;
    o["duration"] = t.duration;
    o["framespersecond"] = 24;
    o["generate_audio"] = t.generate_audio;
    o["draft"] = false;
    o["service_tier"] = t.flex ? "flex" : "default";
    o["execution_expires_after"] = t.execution_expires_after;
    return o;
  }

 private:
  static std::optional<problem> check_content(const boost::json::object& body, const model_rules& rule,
                                              create_spec& spec) {
    const auto* content = member(body, "content");
    if (!content) return missing("content");
    if (!content->is_array()) return wrong_type("content", "an array of content items");
    const auto& items = content->get_array();
    if (items.empty()) return out_of_range("content", "must hold at least one item");
    int texts = 0, first = 0, last = 0, refs = 0, videos = 0, audios = 0, drafts = 0, unroled = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string at = "content[" + std::to_string(i) + "]";
      if (!items[i].is_object()) return wrong_type(at, "an object");
      const auto& item = items[i].get_object();
      const auto* type = member(item, "type");
      if (!type) return missing(at + ".type");
      if (!type->is_string()) return wrong_type(at + ".type", "a string");
      const std::string_view kind = type->get_string();
      const auto* role_value = member(item, "role");
      if (role_value && !role_value->is_string()) return wrong_type(at + ".role", "a string");
      const std::string_view role = role_value ? std::string_view(role_value->get_string()) : std::string_view();
      if (kind == "text") {
        const auto* text = member(item, "text");
        if (!text) return missing(at + ".text");
        if (!text->is_string()) return wrong_type(at + ".text", "a string");
        if (++texts > 1) return conflict(at, "is a second text item; give one text item");
        spec.prompt = std::string(text->get_string());
      } else if (kind == "image_url" || kind == "video_url" || kind == "audio_url") {
        const auto* holder = member(item, kind);
        if (!holder) return missing(at + "." + std::string(kind));
        if (!holder->is_object()) return wrong_type(at + "." + std::string(kind), "an object with a url");
        const auto* url = member(holder->get_object(), "url");
        if (!url) return missing(at + "." + std::string(kind) + ".url");
        if (auto p = check_media_url(*url, at + "." + std::string(kind) + ".url", "", false, true)) return p;
        if (kind == "image_url") {
          if (role.empty())
            ++unroled;
          else if (role == "first_frame")
            ++first;
          else if (role == "last_frame")
            ++last;
          else if (role == "reference_image")
            ++refs;
          else
            return not_one_of(at + ".role", "first_frame, last_frame, reference_image");
        } else if (kind == "video_url") {
          if (!role.empty() && role != "reference_video") return not_one_of(at + ".role", "reference_video");
          ++videos;
        } else {
          if (!role.empty() && role != "reference_audio") return not_one_of(at + ".role", "reference_audio");
          ++audios;
        }
      } else if (kind == "draft_task") {
        const auto* draft = member(item, "draft_task");
        if (!draft || !draft->is_object()) return missing(at + ".draft_task");
        const auto* draft_id = member(draft->get_object(), "id");
        if (!draft_id) return missing(at + ".draft_task.id");
        if (!draft_id->is_string()) return wrong_type(at + ".draft_task.id", "a string");
        if (!rule.draft) return conflict(at, "draft_task is only supported by seedance-1-5-pro");
        ++drafts;
      } else {
        return not_one_of(at + ".type", "text, image_url, video_url, audio_url, draft_task");
      }
    }
    if (unroled > 0) {
      if (unroled + first + last + refs > 1) return missing("content.role");  // several images: each needs its role
      ++first;                                                                // a lone image is the first frame
    }
    if (first > 1) return conflict("content.role", "first_frame appears more than once");
    if (last > 1) return conflict("content.role", "last_frame appears more than once");
    if (last == 1 && first == 0) return conflict("content.role", "last_frame needs a first_frame image");
    if (refs > 9) return out_of_range("content.role", "reference_image: at most 9 images");
    if (videos > 3) return out_of_range("content.video_url", "at most 3 reference videos");
    if (audios > 3) return out_of_range("content.audio_url", "at most 3 reference audios");
    const bool references = refs + videos + audios > 0;
    if (references && first + last > 0)
      return conflict("content.role", "first_frame/last_frame cannot be mixed with reference images, videos or audio");
    if (references && !rule.references)
      return conflict("content.role", "reference images, videos and audio need a Seedance 2.0 model");
    if (audios > 0 && refs + videos == 0)
      return conflict("content.audio_url", "audio cannot be the only reference: add an image or a video");
    if (texts == 0 && first + refs + videos + drafts == 0) return missing("content.text");
    return std::nullopt;
  }
};

}  // namespace seedance::testing::detail

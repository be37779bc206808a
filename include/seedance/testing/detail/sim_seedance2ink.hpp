// seedance/testing/detail/sim_seedance2ink.hpp - the simulated seedance2.ink Open API: request validation and
// response bodies as seedance2.ink's documentation describes them.
//
// Pure; written from the provider documentation, independently of the library's codec. Where that
// documentation is silent the simulator makes a choice and says so here:
// - every error uses the documented auth-error envelope {"success":false,"error":{"code","message"}};
// - codes: invalid_request (400), invalid_model (400), not_found (404), insufficient_credits (402),
//   rate_limited (429, no Retry-After: too many tasks in flight), invalid_status (409: cancel of a finished
//   task), internal_error (5xx);
// - prompt limit 10,000 characters; defaults 5 s, 720p, 16:9; price 4/8/16 credits per second at
//   480p/720p/1080p (the two documented examples give 8 per second at 720p);
// - a cancelled task is refunded; the webhook body equals the query response and is sent on every terminal
//   state (succeeded, failed, cancelled).
#pragma once

#include <seedance/testing/detail/sim_common.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace seedance::testing::detail {

struct sim_seedance2ink {
  static constexpr provider_id id = provider_id::seedance2ink;

  /// {"success": false, "error": {"code", "message"}} with the given HTTP status.
  static http::response error_body(int status, std::string_view code, std::string message) {
    return json_response(
        status, boost::json::object{{"success", false},
                                    {"error", boost::json::object{{"code", code}, {"message", std::move(message)}}}});
  }

  /// An error response in seedance2.ink's shape.
  static http::response error(const error_info& e) {
    http::response r;
    switch (e.kind) {
      case sim_error_kind::missing_auth:
      case sim_error_kind::bad_auth:
        r = error_body(401, "unauthorized", "Invalid API key");
        break;
      case sim_error_kind::bad_body:
        r = error_body(400, "invalid_request", e.message.empty() ? "Request body must be a JSON object" : e.message);
        break;
      case sim_error_kind::no_route:
        r = error_body(404, "not_found", "Not found");
        break;
      case sim_error_kind::method_not_allowed:
        r = error_body(405, "method_not_allowed", "Method not allowed");
        break;
      case sim_error_kind::task_not_found:
      case sim_error_kind::task_forbidden:
      case sim_error_kind::missing_task_id:
        r = error_body(404, "not_found", "Request not found: " + e.task_id);
        break;
      case sim_error_kind::insufficient_credits:
        r = error_body(402, "insufficient_credits",
                       "Insufficient credits: required " + format_number(e.required) + ", available " +
                           format_number(e.available));
        break;
      case sim_error_kind::concurrency:
        r = error_body(429, "rate_limited",
                       e.names_limit ? "Too many generations in progress (limit " + std::to_string(e.limit) + ")"
                                     : std::string("Too many generations in progress"));
        break;
      case sim_error_kind::rate_limited:
        r = error_body(429, "rate_limited", "Too many requests");
        break;
      case sim_error_kind::server_error:
        r = error_body(e.status, "internal_error", "Internal server error");
        break;
      case sim_error_kind::cannot_cancel:
        r = error_body(409, "invalid_status", e.message);
        break;
    }
    add_retry_after(r, e.retry_after);
    return r;
  }

  /// Validates a create body; the first problem found is reported.
  static create_check validate(const boost::json::object& body) {
    create_check check;
    auto fail = [&](const problem& p) {
      check.error = error_body(400, "invalid_request", p.message);
      return check;
    };
    const auto* model = member(body, "model");
    if (!model) return fail(missing("model"));
    if (!model->is_string()) return fail(wrong_type("model", "a string"));
    const std::string_view name = model->get_string();
    if (!listed("seedance-2.0 seedance-2.0-fast seedance-1.5-pro", name)) {
      check.error = error_body(
          400, "invalid_model",
          "model must be one of seedance-2.0, seedance-2.0-fast, seedance-1.5-pro (got \"" + std::string(name) + "\")");
      return check;
    }
    create_spec& spec = check.spec;
    spec.model = std::string(name);

    const auto* prompt = member(body, "prompt");
    if (!prompt || (prompt->is_string() && prompt->get_string().empty())) return fail(missing("prompt"));
    if (!prompt->is_string()) return fail(wrong_type("prompt", "a string"));
    if (code_points(prompt->get_string()) > 10000)
      return fail(out_of_range("prompt", "must be at most 10000 characters"));
    spec.prompt = std::string(prompt->get_string());

    if (const auto* media = member(body, "mediaUrls")) {
      std::vector<problem> problems;
      const auto urls = check_url_array(*media, "mediaUrls", 5, "jpg jpeg png webp gif bmp mp4 mov m4v mp3 wav", true,
                                        false, problems);
      if (!problems.empty()) return fail(problems.front());
      if (urls.empty()) return fail(out_of_range("mediaUrls", "must hold 1 to 5 URLs (omit it for text-to-video)"));
      bool visual = false;
      for (const auto& u : urls) visual = visual || media_kind(u) == 'i' || media_kind(u) == 'v';
      if (!visual) return fail(conflict("mediaUrls", "needs at least one image or video: audio cannot be alone"));
    }
    if (const auto* ratio = member(body, "aspectRatio")) {
      if (!ratio->is_string()) return fail(wrong_type("aspectRatio", "a string"));
      if (!listed("16:9 9:16 1:1", ratio->get_string())) return fail(not_one_of("aspectRatio", "16:9, 9:16, 1:1"));
      spec.ratio = std::string(ratio->get_string());
    }
    if (const auto* d = member(body, "duration")) {
      const auto n = as_integer(*d);
      if (!n) return fail(wrong_type("duration", "an integer"));
      if (name == "seedance-1.5-pro") {
        if (*n != 5 && *n != 10) return fail(not_one_of("duration", "5, 10 for seedance-1.5-pro"));
      } else if (*n < 4 || *n > 15) {
        return fail(out_of_range("duration", "must be between 4 and 15"));
      }
      spec.duration = static_cast<int>(*n);
    }
    if (const auto* res = member(body, "resolution")) {
      if (!res->is_string()) return fail(wrong_type("resolution", "a string"));
      if (!listed("480p 720p 1080p", res->get_string())) return fail(not_one_of("resolution", "480p, 720p, 1080p"));
      const std::string_view r = res->get_string();
      spec.resolution = r == "480p"    ? sim_resolution::p480
                        : r == "1080p" ? sim_resolution::p1080
                                       : sim_resolution::p720;
    }
    if (const auto* hook = member(body, "webhookUrl")) {
      if (!hook->is_string()) return fail(wrong_type("webhookUrl", "a string"));
      if (!is_web_url(hook->get_string())) return fail(bad_format("webhookUrl", "must be an absolute http(s) URL"));
      spec.callback_url = std::string(hook->get_string());
    }
    if (const auto* metadata = member(body, "metadata"))
      if (!metadata->is_object()) return fail(wrong_type("metadata", "an object"));
    static constexpr double per_second[] = {4, 8, 16, 16};
    spec.cost = per_second[static_cast<std::size_t>(spec.resolution)] * spec.duration;
    return check;
  }

  /// {"success":true,"requestId","status":"queued","creditsCharged"}
  static boost::json::value created(const sim_task& t) {
    return boost::json::object{
        {"success", true}, {"requestId", t.id}, {"status", "queued"}, {"creditsCharged", t.credits}};
  }

  /// The status word of a state.
  static std::string_view status_word(sim_state s) {
    switch (s) {
      case sim_state::queued:
        return "queued";
      case sim_state::running:
        return "processing";
      case sim_state::succeeded:
        return "succeeded";
      case sim_state::cancelled:
        return "cancelled";
      default:
        return "failed";
    }
  }

  /// The query response (and webhook body).
  static boost::json::object status(const sim_view& v) {
    const sim_task& t = *v.task;
    boost::json::object o;
    o["success"] = true;
    o["requestId"] = t.id;
    o["status"] = status_word(v.state);
    o["model"] = t.model;
    o["prompt"] = t.prompt;
    o["duration"] = t.duration;
    o["aspectRatio"] = t.ratio;
    if (v.state == sim_state::succeeded)
      o["output"] = boost::json::object{{"type", "video"}, {"url", v.video_url}};
    else
      o["output"] = nullptr;
    if (v.state == sim_state::failed || v.state == sim_state::expired) {
      if (t.failure == sim_failure::moderation)
        o["error"] = boost::json::object{{"code", "content_moderation"},
                                         {"message", "The prompt or media did not pass content review"}};
      else
        o["error"] = boost::json::object{{"code", "generation_failed"}, {"message", "Video generation failed"}};
    } else {
      o["error"] = nullptr;
    }
    return o;
  }

  /// {"success":true,"requestId","status":"cancelled"}
  static boost::json::value cancelled(const sim_task& t) {
    return boost::json::object{{"success", true}, {"requestId", t.id}, {"status", "cancelled"}};
  }
};

}  // namespace seedance::testing::detail

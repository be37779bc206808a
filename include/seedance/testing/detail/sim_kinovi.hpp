// seedance/testing/detail/sim_kinovi.hpp - the simulated Kinovi API: request validation and response bodies
// as Kinovi's documentation describes them (both create schemas: v2 "current" and v1 "legacy").
//
// Pure; written from the provider documentation, independently of the library's codec.
#pragma once

#include <seedance/testing/detail/sim_common.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace seedance::testing::detail {

struct sim_kinovi {
  static constexpr provider_id id = provider_id::kinovi;

  /// Which create schema a body follows.
  enum class schema : std::uint8_t { current, legacy };

  /// An error response in Kinovi's flat shape: {"message": ..., extra fields}.
  static http::response error(const error_info& e) {
    boost::json::object body;
    int status = 400;
    switch (e.kind) {
      case sim_error_kind::missing_auth:
        status = 401;
        body["message"] = "Missing Authorization header";
        break;
      case sim_error_kind::bad_auth:
        status = 401;
        body["message"] = "Invalid API Key";
        break;
      case sim_error_kind::bad_body:
        body["message"] = e.message.empty() ? "Invalid JSON body" : e.message;
        break;
      case sim_error_kind::no_route:
        status = 404;
        body["message"] = "Not found";
        break;
      case sim_error_kind::method_not_allowed:
        status = 405;
        body["message"] = "Method not allowed";
        break;
      case sim_error_kind::task_not_found:
        status = 404;
        body["message"] = "Task not found";
        break;
      case sim_error_kind::task_forbidden:
        status = 403;
        body["message"] = "Access denied";
        break;
      case sim_error_kind::missing_task_id:
        body["message"] = "Missing taskId parameter";
        break;
      case sim_error_kind::insufficient_credits:
        status = 402;
        body["message"] = "Insufficient credits";
        body["required"] = e.required;
        body["available"] = e.available;
        break;
      case sim_error_kind::concurrency:
        status = 429;
        if (!e.names_limit) {  // the error table's words only
          body["message"] = "Concurrency limit exceeded. Too many tasks in progress, wait for some to complete.";
          break;
        }
        body["message"] =
            "Concurrency limit reached (" + std::to_string(e.limit) + "). Wait for a running task to finish.";
        body["limit"] = e.limit;
        body["current"] = e.current;
        break;
      case sim_error_kind::rate_limited:
        status = 429;
        body["message"] = "Too many requests";
        break;
      case sim_error_kind::server_error:
        status = e.status;
        body["message"] = "Internal server error. Please try again later.";
        break;
      case sim_error_kind::cannot_cancel:
        status = 404;
        body["message"] = "Not found";
        break;
    }
    auto r = json_response(status, body);
    add_retry_after(r, e.retry_after);
    return r;
  }

  /// 400 "Invalid inputs for model" listing every problem (path as an array of keys, like Zod issues).
  static http::response invalid_inputs(const std::vector<problem>& problems) {
    boost::json::array errors;
    for (const auto& p : problems) {
      boost::json::array path;  // "inputs.imageUrls[3]" -> ["inputs", "imageUrls", 3], as Zod reports it
      std::string_view rest = p.field;
      while (!rest.empty()) {
        const auto end = rest.find_first_of(".[");
        if (end != 0) path.emplace_back(rest.substr(0, end));
        if (end == std::string_view::npos) break;
        if (rest[end] == '[') {
          const auto close = rest.find(']', end);
          std::int64_t index = 0;
          for (char c : rest.substr(end + 1, close - end - 1)) index = index * 10 + (c - '0');
          path.emplace_back(index);
          rest.remove_prefix(close == std::string_view::npos ? rest.size() : close + 1);
          if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
        } else {
          rest.remove_prefix(end + 1);
        }
      }
      errors.push_back(boost::json::object{{"path", path}, {"message", p.message}, {"code", p.code}});
    }
    boost::json::object body{{"message", "Invalid inputs for model"}, {"errors", std::move(errors)}};
    return json_response(400, body);
  }

  /// Credits per output second (2026 table; legacy table for the v1 schema).
  static double rate(std::string_view model, sim_resolution r, bool video_ref, bool legacy) {
    const bool fast = model == "seedance2-fast";
    const auto i = static_cast<std::size_t>(r);
    if (legacy) {
      static constexpr double pro[] = {15, 40, 83, 83};
      static constexpr double pro_video[] = {4, 8, 17, 17};
      static constexpr double fast_rate[] = {10, 28, 28, 28};
      static constexpr double fast_video[] = {3, 6, 6, 6};
      return fast ? fast_rate[i] + (video_ref ? fast_video[i] : 0) : pro[i] + (video_ref ? pro_video[i] : 0);
    }
    static constexpr double pro[] = {15, 40, 90, 200};
    static constexpr double pro_video[] = {19, 48, 108, 240};
    static constexpr double fast_rate[] = {14, 28, 28, 28};
    static constexpr double fast_video[] = {18, 34, 34, 34};
    return fast ? (video_ref ? fast_video[i] : fast_rate[i]) : (video_ref ? pro_video[i] : pro[i]);
  }

  /// Which schema a body's `inputs` follows: `urls`/`upscaleResolution` mean legacy; `imageUrls`,
  /// `videoUrls`, `generate_audio`, `bitrate_mode`, `seed` mean current; with neither, a string `duration`
  /// means legacy; otherwise current. Both kinds of keys at once: nullopt (a 400).
  static std::optional<schema> detect(const boost::json::object& inputs) {
    const bool legacy = inputs.contains("urls") || inputs.contains("upscaleResolution");
    const bool current = inputs.contains("imageUrls") || inputs.contains("videoUrls") ||
                         inputs.contains("generate_audio") || inputs.contains("bitrate_mode") ||
                         inputs.contains("seed");
    if (legacy && current) return std::nullopt;
    if (legacy) return schema::legacy;
    if (current) return schema::current;
    const auto* d = inputs.if_contains("duration");
    return d && d->is_string() ? schema::legacy : schema::current;
  }

  /// Validates a create body. Unknown `inputs` keys are ignored, as the documentation says.
  static create_check validate(const boost::json::object& body) {
    create_check check;
    std::vector<problem> problems;
    const auto* model = member(body, "model");
    if (!model) {
      problems.push_back(missing("model"));
      check.error = invalid_inputs(problems);
      return check;
    }
    if (!model->is_string()) {
      problems.push_back(wrong_type("model", "a string"));
      check.error = invalid_inputs(problems);
      return check;
    }
    const std::string_view model_name = model->get_string();
    if (model_name != "seedance-20" && model_name != "seedance2-fast") {
      check.error = json_response(400, boost::json::object{{"message", "Unknown model"}});
      return check;
    }
    create_spec& spec = check.spec;
    spec.model = std::string(model_name);
    if (const auto* cb = member(body, "callBackUrl")) {
      if (!cb->is_string())
        problems.push_back(wrong_type("callBackUrl", "a string"));
      else if (!is_web_url(cb->get_string()))
        problems.push_back(bad_format("callBackUrl", "must be a valid URL"));
      else
        spec.callback_url = std::string(cb->get_string());
    }
    const auto* inputs_value = member(body, "inputs");
    if (!inputs_value || !inputs_value->is_object()) {
      problems.push_back(inputs_value ? wrong_type("inputs", "an object") : missing("inputs"));
      check.error = invalid_inputs(problems);
      return check;
    }
    const auto& inputs = inputs_value->get_object();
    const auto which = detect(inputs);
    if (!which) {
      problems.push_back(conflict("inputs",
                                  "mixes the legacy keys (urls, upscaleResolution) with the current ones "
                                  "(imageUrls, videoUrls, generate_audio, ...)"));
      check.error = invalid_inputs(problems);
      return check;
    }
    spec.legacy = *which == schema::legacy;
    if (spec.legacy)
      validate_legacy(inputs, spec, problems);
    else
      validate_current(inputs, spec, problems);
    if (!problems.empty()) check.error = invalid_inputs(problems);
    return check;
  }

  /// {"taskId": ...}
  static boost::json::value created(const sim_task& t) { return boost::json::object{{"taskId", t.id}}; }

  /// The status word of a state.
  static std::string_view status_word(sim_state s) {
    switch (s) {
      case sim_state::queued:
        return "waiting";
      case sim_state::running:
        return "generating";
      case sim_state::succeeded:
        return "success";
      default:
        return "fail";
    }
  }

  /// The task error {code, message} of a failed task.
  static boost::json::object task_error(const sim_task& t) {
    switch (t.failure) {
      case sim_failure::moderation:
        return {{"code", "2038"}, {"message", "Input text violates platform rules"}};
      case sim_failure::invalid_parameter:
        return {{"code", "InvalidParameter"},
                {"message", "Audio cannot be the only reference input. Add an image or a video reference."}};
      case sim_failure::timeout:
        return {{"code", "500"}, {"message", "Generation timed out. Please try again."}};
      default:
        return {{"code", "500"}, {"message", "Generation failed. Please try again."}};
    }
  }

  /// The recordInfo object.
  static boost::json::object status(const sim_view& v) {
    const sim_task& t = *v.task;
    boost::json::object o;
    o["taskId"] = t.id;
    o["model"] = t.model;
    o["status"] = status_word(v.state);
    o["creditsUsed"] = t.credits;
    if (v.state == sim_state::succeeded) {
      const auto size = output_size(t.resolution, t.ratio);
      boost::json::object item{{"url", v.video_url}, {"width", size.width}, {"height", size.height}};
      if (!t.legacy) {
        item["mediaType"] = "video/mp4";
        item["seed"] = t.seed;
        item["lastFrameImage"] = v.last_frame_url;
      }
      o["output"] = boost::json::array{std::move(item)};
    } else {
      o["output"] = nullptr;
    }
    if (is_terminal(v.state) && v.state != sim_state::succeeded)
      o["error"] = task_error(t);
    else
      o["error"] = nullptr;
    o["createTime"] = t.created_unix_ms;
    if (is_terminal(v.state))
      o["completeTime"] = v.updated_unix_ms;
    else
      o["completeTime"] = nullptr;
    return o;
  }

  /// The webhook body in the chosen style.
  static boost::json::value webhook(const sim_view& v, kinovi_webhook_style style) {
    boost::json::object record = status(v);
    switch (style) {
      case kinovi_webhook_style::enveloped: {
        record["state"] = record["status"];
        record.erase("status");
        if (v.state != sim_state::succeeded && is_terminal(v.state)) record["creditsUsed"] = 0;
        record["orderId"] = "order_" + v.task->id.substr(v.task->id.find('_') + 1);
        record["updateTime"] = v.updated_unix_ms;
        return boost::json::object{{"code", 200}, {"message", "success"}, {"data", std::move(record)}};
      }
      case kinovi_webhook_style::flat:
        if (record["error"].is_object()) {
          const auto f = v.task->failure;
          record["error"] = f == sim_failure::moderation ? "Invalid prompt content" : "Task execution failed";
        }
        return record;
      case kinovi_webhook_style::enveloped_status:
        return boost::json::object{{"code", 200}, {"message", "success"}, {"data", std::move(record)}};
    }
    return record;
  }

 private:
  static void check_prompt(const boost::json::object& inputs, bool required, std::size_t limit, create_spec& spec,
                           std::vector<problem>& problems) {
    const auto* prompt = member(inputs, "prompt");
    if (!prompt || (prompt->is_string() && prompt->get_string().empty())) {
      if (required) problems.push_back(missing("inputs.prompt"));
      return;
    }
    if (!prompt->is_string()) {
      problems.push_back(wrong_type("inputs.prompt", "a string"));
      return;
    }
    if (code_points(prompt->get_string()) > limit)
      problems.push_back(out_of_range("inputs.prompt", "must be at most " + std::to_string(limit) + " characters"));
    spec.prompt = std::string(prompt->get_string());
  }

  static void check_common_enums(const boost::json::object& inputs, create_spec& spec, bool legacy,
                                 std::vector<problem>& problems) {
    if (const auto* ratio = member(inputs, "aspectRatio")) {
      if (!ratio->is_string())
        problems.push_back(wrong_type("inputs.aspectRatio", "a string"));
      else if (!listed("16:9 9:16 1:1 4:3 3:4 21:9", ratio->get_string()))
        problems.push_back(not_one_of("inputs.aspectRatio", "16:9, 9:16, 1:1, 4:3, 3:4, 21:9"));
      else
        spec.ratio = std::string(ratio->get_string());
    }
    if (const auto* mode = member(inputs, "mode")) {
      if (!mode->is_string())
        problems.push_back(wrong_type("inputs.mode", "a string"));
      else if (!listed("keyframe reference", mode->get_string()))
        problems.push_back(not_one_of("inputs.mode", "keyframe, reference"));
    }
    spec.resolution = legacy ? sim_resolution::p1080 : sim_resolution::p720;
    if (const auto* res = member(inputs, "outputResolution")) {
      const bool fast = spec.model == "seedance2-fast";
      const std::string_view allowed = fast ? "480p 720p" : (legacy ? "480p 720p 1080p" : "480p 720p 1080p 4k");
      if (!res->is_string())
        problems.push_back(wrong_type("inputs.outputResolution", "a string"));
      else if (!listed(allowed, res->get_string()))
        problems.push_back(not_one_of("inputs.outputResolution", comma_list(allowed) + " for " + spec.model));
      else
        spec.resolution = parse_resolution(res->get_string());
    } else if (legacy && spec.model == "seedance2-fast") {
      spec.resolution = sim_resolution::p720;
    }
  }

  static sim_resolution parse_resolution(std::string_view s) {
    if (s == "480p") return sim_resolution::p480;
    if (s == "1080p") return sim_resolution::p1080;
    if (s == "4k") return sim_resolution::p4k;
    return sim_resolution::p720;
  }

  static std::string mode_of(const boost::json::object& inputs) {
    const auto* mode = member(inputs, "mode");
    return mode && mode->is_string() ? std::string(mode->get_string()) : std::string("keyframe");
  }

  static void validate_current(const boost::json::object& inputs, create_spec& spec, std::vector<problem>& problems) {
    check_prompt(inputs, true, 10000, spec, problems);
    std::size_t images = 0, videos = 0, audios = 0;
    if (const auto* v = member(inputs, "imageUrls"))
      images = check_url_array(*v, "inputs.imageUrls", 9, "jpg jpeg png webp", false, false, problems).size();
    if (const auto* v = member(inputs, "videoUrls"))
      videos = check_url_array(*v, "inputs.videoUrls", 3, "mp4 mov webm", false, false, problems).size();
    if (const auto* v = member(inputs, "audioUrls"))
      audios = check_url_array(*v, "inputs.audioUrls", 3, "mp3 wav m4a aac ogg flac", false, false, problems).size();
    if (const auto* d = member(inputs, "duration")) {
      const auto n = as_integer(*d);
      if (!n)
        problems.push_back(wrong_type(
            "inputs.duration", "an integer (seconds), not " + std::string(d->is_string() ? "a string" : "this type")));
      else if (*n < 4 || *n > 15)
        problems.push_back(out_of_range("inputs.duration", "must be between 4 and 15"));
      else
        spec.duration = static_cast<int>(*n);
    }
    check_common_enums(inputs, spec, false, problems);
    if (const auto* audio = member(inputs, "generate_audio")) {
      if (!audio->is_bool())
        problems.push_back(wrong_type("inputs.generate_audio", "a boolean"));
      else
        spec.generate_audio = audio->get_bool();
    }
    if (const auto* bitrate = member(inputs, "bitrate_mode")) {
      if (!bitrate->is_string() || bitrate->get_string() != "high")
        problems.push_back(not_one_of("inputs.bitrate_mode", "high"));
    }
    if (const auto* seed = member(inputs, "seed")) {
      const auto n = as_integer(*seed);
      if (!n)
        problems.push_back(wrong_type("inputs.seed", "an integer"));
      else if (*n != -1 && (*n < 0 || *n > 4294967295LL))
        problems.push_back(out_of_range("inputs.seed", "must be -1 or between 0 and 4294967295"));
      else
        spec.seed = *n;
    }
    if (audios > 0 && images == 0 && videos == 0) spec.fails_later_with = "InvalidParameter";
    spec.cost = rate(spec.model, spec.resolution, videos > 0, false) * spec.duration;
  }

  static void validate_legacy(const boost::json::object& inputs, create_spec& spec, std::vector<problem>& problems) {
    const std::string mode = mode_of(inputs);
    std::size_t images = 0, videos = 0;
    if (const auto* v = member(inputs, "urls")) {
      for (const auto& url : check_url_array(*v, "inputs.urls", 12, "jpg jpeg png webp mp4", false, false, problems)) {
        if (media_kind(url) == 'v')
          ++videos;
        else
          ++images;
      }
      if (images > 9) problems.push_back(out_of_range("inputs.urls", "holds at most 9 images"));
      if (videos > 3) problems.push_back(out_of_range("inputs.urls", "holds at most 3 videos"));
      if (videos > 0 && mode != "reference")
        problems.push_back(conflict("inputs.mode", "must be \"reference\" when inputs.urls holds a video"));
      if (mode == "keyframe" && images > 2)
        problems.push_back(out_of_range("inputs.urls", "holds 1 or 2 images in keyframe mode"));
    }
    const bool image_to_video = images > 0 && videos == 0 && mode == "keyframe";
    check_prompt(inputs, !image_to_video, 4000, spec, problems);
    if (const auto* d = member(inputs, "duration")) {
      if (!d->is_string()) {
        problems.push_back(wrong_type("inputs.duration", "a string such as \"5\" in this schema"));
      } else {
        const std::string_view s = d->get_string();
        int n = 0;
        bool digits = !s.empty() && s.size() <= 2;
        for (char c : s) digits = digits && c >= '0' && c <= '9';
        if (digits)
          for (char c : s) n = n * 10 + (c - '0');
        if (!digits || n < 4 || n > 15)
          problems.push_back(out_of_range("inputs.duration", "must be one of \"4\" .. \"15\""));
        else
          spec.duration = n;
      }
    }
    check_common_enums(inputs, spec, true, problems);
    bool upscale = false;
    if (const auto* up = member(inputs, "upscaleResolution")) {
      if (!up->is_string() || up->get_string() != "4k")
        problems.push_back(not_one_of("inputs.upscaleResolution", "4k"));
      else
        upscale = true;
    }
    if (const auto* v = member(inputs, "audioUrls"))
      check_url_array(*v, "inputs.audioUrls", 3, "mp3 wav m4a aac ogg flac", false, false, problems);
    spec.cost = (rate(spec.model, spec.resolution, videos > 0, true) + (upscale ? 28 : 0)) * spec.duration;
  }
};

}  // namespace seedance::testing::detail

// seedance/providers/ark/codec.hpp - the whole BytePlus ModelArk / Volcengine Ark content-generation task wire
// format: a sans-I/O codec from `seedance::request` to HTTP requests and from responses to `seedance::task`.
//
// Wire summary (`Authorization: Bearer $ARK_API_KEY`, snake_case bodies):
//   base      BytePlus  https://ark.ap-southeast.bytepluses.com/api/v3
//             Volcengine (China) https://ark.cn-beijing.volces.com/api/v3
//   create    POST   /contents/generations/tasks   {model, content:[text, image_url, video_url, audio_url items
//                                                  with roles], callback_url, return_last_frame, ...} -> {"id"}
//   retrieve  GET    /contents/generations/tasks/{id}  -> {id, model, status, error, content:{video_url,
//                                                        last_frame_url}, usage, created_at, updated_at, ...}
//   list      GET    /contents/generations/tasks?page_num=&page_size=&filter.status=&filter.task_ids=...
//                                                    -> {total, items:[<retrieve objects>]} (last 7 days)
//   cancel    DELETE /contents/generations/tasks/{id} -> {} on success. A queued task is cancelled; for a
//             finished (succeeded, failed, expired) task DELETE removes the record instead; a running or
//             cancelled task cannot be deleted (error response).
//   errors    {"error":{"code","message","param","type"}}; the message often ends with "Request id: ...".
//   webhook   `callback_url` receives the retrieve object on every status change (no signature documented).
// Timestamps are Unix seconds. States: queued, running, succeeded, failed, cancelled, expired (the last four
// are terminal). Output URLs and task records are kept 24 hours.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/http/message.hpp>
#include <seedance/providers/ark/capabilities.hpp>
#include <seedance/providers/detail/codec_common.hpp>
#include <seedance/providers/detail/json_read.hpp>
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
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance {

namespace detail::ark_wire {

inline constexpr std::string_view provider = "ark";

inline constexpr std::array<codec::state_name, 7> states{{
    {"queued", task_state::queued},
    {"running", task_state::running},
    {"succeeded", task_state::succeeded},
    {"failed", task_state::failed},
    {"cancelled", task_state::cancelled},
    {"canceled", task_state::cancelled},
    {"expired", task_state::expired},
}};

/// The request id Ark appends to error messages ("... Request id: 0217...").
inline std::string request_id_in(std::string_view message) {
  static constexpr std::string_view marker = "request id:";
  if (message.size() < marker.size()) return {};
  for (std::size_t i = 0; i + marker.size() <= message.size(); ++i) {
    if (!iequals(message.substr(i, marker.size()), marker)) continue;
    std::size_t begin = i + marker.size();
    while (begin < message.size() && (message[begin] == ' ' || message[begin] == '\t')) ++begin;
    std::size_t end = begin;
    while (end < message.size() && message[end] > ' ' && message[end] != 0x7f) ++end;
    while (end > begin && (message[end - 1] == '.' || message[end - 1] == ',' || message[end - 1] == ';' ||
                           message[end - 1] == ')' || message[end - 1] == '"'))
      --end;
    return std::string(message.substr(begin, end - begin));
  }
  return {};
}

/// Ark error code (and HTTP status) to the library's code.
inline errc errc_for(int status, std::string_view code) noexcept {
  const auto starts = [&](std::string_view prefix) { return code.substr(0, prefix.size()) == prefix; };
  const auto has = [&](std::string_view part) { return code.find(part) != std::string_view::npos; };
  if (status >= 500) return errc::server_error;
  if (status == 429 || starts("RateLimitExceeded") || starts("QuotaExceeded")) return errc::rate_limited;
  if (status == 401 || starts("AuthenticationError")) return errc::unauthorized;
  if (starts("AccountOverdue")) return errc::insufficient_credits;
  if (status == 403 || starts("AccessDenied")) return errc::forbidden;
  if (status == 404 || starts("InvalidEndpoint") || has("NotFound")) return errc::not_found;
  if (has("SensitiveContentDetected") || has("RiskDetection")) return errc::rejected;  // moderation
  if (starts("InvalidParameter") || starts("MissingParameter")) return errc::invalid_request;
  return errc_from_http_status(status);
}

/// Task `error` as {code, message} or a plain string; nullopt when absent or empty.
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

}  // namespace detail::ark_wire

/// Codec for BytePlus ModelArk and Volcengine Ark video generation tasks. Static pure functions, no I/O;
/// thread-safe.
struct ark : provider_identity<provider_id::ark> {
  /// Volcengine Ark (China); default_base_url is BytePlus ModelArk (ap-southeast). See base_url(ark_region).
  static constexpr std::string_view volcengine_base_url = "https://ark.cn-beijing.volces.com/api/v3";

  /// Path of the task collection: create (POST), list (GET); one task below it.
  static constexpr std::string_view tasks_path = "/contents/generations/tasks";
  /// Largest `page_size` the list endpoint accepts.
  static constexpr int max_page_size = 500;

  /// Per-request choices of the Ark codec.
  struct codec_options {
    ark_region region = ark_region::byteplus;  ///< selects the model ids (see model_id())
  };

  /// Filters and paging of list_request(). Ark lists the tasks of the last 7 days.
  struct list_query {
    int page_num = 1;                     ///< 1-based page number
    int page_size = 20;                   ///< 1..500
    std::optional<task_state> status{};   ///< filter.status (queued..expired; unknown is refused)
    std::vector<std::string> task_ids{};  ///< filter.task_ids, repeated once per id
    std::string model{};                  ///< filter.model (a wire model id), when non-empty
    std::string service_tier{};           ///< filter.service_tier ("default", "flex"), when non-empty
  };

  /// One page of list results.
  struct task_page {
    std::vector<task> items{};  ///< decoded like decode_status()
    std::int64_t total = 0;     ///< tasks matching the filters across all pages
  };

  /// Base URL of a region. Never throws.
  static constexpr std::string_view base_url(ark_region region) noexcept {
    return region == ark_region::volcengine ? volcengine_base_url : default_base_url;
  }

  /// Wire model id of `m` in `region`: BytePlus dreamina-seedance-2-0-260128, dreamina-seedance-2-0-fast-260128,
  /// seedance-1-5-pro-251215; Volcengine doubao-seedance-2-0-260128, doubao-seedance-2-0-fast-260128,
  /// doubao-seedance-1-5-pro-251215. Never throws.
  static constexpr std::string_view model_id(model m, ark_region region = ark_region::byteplus) noexcept {
    const bool cn = region == ark_region::volcengine;
    switch (m) {
      case model::seedance_2_0:
        return cn ? "doubao-seedance-2-0-260128" : "dreamina-seedance-2-0-260128";
      case model::seedance_2_0_fast:
        return cn ? "doubao-seedance-2-0-fast-260128" : "dreamina-seedance-2-0-fast-260128";
      case model::seedance_1_5_pro:
        // The Volcengine id follows the naming of the 2.0 ids; it is inferred, not documented.
        return cn ? "doubao-seedance-1-5-pro-251215" : "seedance-1-5-pro-251215";
    }
    return "dreamina-seedance-2-0-260128";
  }

  /// Normalises a wire state (queued, running, succeeded, failed, cancelled or "canceled", expired); anything
  /// else is `task_state::unknown`. Never throws.
  static constexpr task_state state_from_wire(std::string_view s) noexcept {
    return detail::codec::map_state(s, detail::ark_wire::states);
  }

  /// Wire name of a state for `filter.status`; nullopt for task_state::unknown. Never throws.
  static constexpr std::optional<std::string_view> state_to_wire(task_state s) noexcept {
    switch (s) {
      case task_state::queued:
        return "queued";
      case task_state::running:
        return "running";
      case task_state::succeeded:
        return "succeeded";
      case task_state::failed:
        return "failed";
      case task_state::cancelled:
        return "cancelled";
      case task_state::expired:
        return "expired";
      case task_state::unknown:
        break;
    }
    return std::nullopt;
  }

  /// Builds the create request. `content` holds the text item first (when the prompt is not empty), then
  /// image_url items (roles first_frame / last_frame in the frame modes, reference_image in reference mode),
  /// video_url items (reference_video) and audio_url items (reference_audio). Only the settings the request
  /// sets are sent (return_last_frame only when true); `extra` is applied to the body last as a JSON Merge Patch
  /// (its members replace generated ones, null removes one). Throws seedance::error(errc::invalid_request) listing
  /// every problem validate() finds (the one rule path). Thread-safe.
  static http::request encode_create(const request& r, const codec_options& options) {
    detail::codec::check_create(detail::ark_wire::provider, id, r);
    const generation_mode mode = deduce_mode(r);

    boost::json::array content;
    if (!r.prompt.empty()) content.push_back(boost::json::object{{"type", "text"}, {"text", r.prompt}});
    for (std::size_t i = 0; i < r.images.size(); ++i) {
      std::string_view role = "reference_image";
      if (mode == generation_mode::first_frame || mode == generation_mode::first_last_frame)
        role = i == 0 ? "first_frame" : "last_frame";
      content.push_back(media_item("image_url", r.images[i], role));
    }
    for (const auto& url : r.videos) content.push_back(media_item("video_url", url, "reference_video"));
    for (const auto& url : r.audios) content.push_back(media_item("audio_url", url, "reference_audio"));

    boost::json::object body;
    body["model"] = r.model_id.empty() ? model_id(r.model, options.region) : std::string_view(r.model_id);
    body["content"] = std::move(content);
    if (!r.callback_url.empty()) body["callback_url"] = r.callback_url;
    if (r.return_last_frame) body["return_last_frame"] = true;
    if (r.expires_after) body["execution_expires_after"] = r.expires_after->count();
    if (r.generate_audio) body["generate_audio"] = *r.generate_audio;
    if (r.resolution) body["resolution"] = to_string(*r.resolution);
    if (r.ratio) body["ratio"] = to_string(*r.ratio);
    if (r.duration) body["duration"] = r.duration->count();  // -1: the model chooses
    if (r.seed) body["seed"] = *r.seed;
    if (r.camera_fixed) body["camera_fixed"] = *r.camera_fixed;
    if (r.watermark) body["watermark"] = *r.watermark;
    detail::codec::merge_patch(body, r.extra);
    return detail::codec::json_post(std::string(tasks_path), body);
  }

  /// encode_create() with default options (BytePlus model ids). Thread-safe.
  static http::request encode_create(const request& r) { return encode_create(r, codec_options{}); }

  /// Reads a 2xx create response `{"id": "cgt-..."}` into a queued task. Throws the mapped seedance::error
  /// for an error object in a 2xx body, error(bad_response) when there is no id. Thread-safe.
  static task decode_created(const http::response& r) {
    task t = task_from(parse_checked(r, "create response"), "create response");
    if (t.id.empty()) detail::codec::throw_bad_response(detail::ark_wire::provider, "create response has no id");
    if (t.provider_state.empty()) t.state = task_state::queued;  // accepted; Ark says nothing more
    return t;
  }

  /// GET request for one task; the id is percent-encoded as one path segment. Throws
  /// seedance::error(errc::invalid_request) for an empty id, "." or "..". Thread-safe.
  static http::request status_request(std::string_view task_id) {
    http::request out;
    out.method = http::method::get;
    out.target = task_target(task_id);
    return out;
  }

  /// Reads a 2xx retrieve response: content.video_url (+ last_frame_url) becomes the video when succeeded (a
  /// success without a URL is reported as running so that polling goes on), usage.completion_tokens the cost
  /// in tokens, created_at / updated_at (Unix seconds) the times. Throws the mapped seedance::error for an
  /// error object without a task, error(bad_response) for a body with neither id nor status. Thread-safe.
  static task decode_status(const http::response& r) {
    return task_from(parse_checked(r, "retrieve response"), "retrieve response");
  }

  /// DELETE request for one task. Cancels a queued task; for a succeeded, failed or expired task it deletes
  /// the record (and its output URL) instead. Throws seedance::error(errc::invalid_request) for an empty id.
  /// Thread-safe.
  static std::optional<http::request> cancel_request(std::string_view task_id) {
    http::request out;
    out.method = http::method::delete_;
    out.target = task_target(task_id);
    return out;
  }

  /// Reads a 2xx DELETE response (documented as `{}`; any 2xx body counts as success) into a task with id
  /// `task_id` and state cancelled, whatever the task's state was (a finished task's record was deleted).
  /// Throws the mapped seedance::error only for an error object in the 2xx body. Thread-safe.
  static task decode_cancelled(const http::response& r, std::string_view task_id) {
    auto body = detail::codec::try_parse(r.body).value_or(nullptr);  // a 2xx is success whatever the body says
    if (detail::codec::object_at(body, "error") && !detail::json::member(body, "id")) throw decode_error(r);
    task t;
    t.id = detail::json::string_at(body, "id").value_or("");
    if (t.id.empty()) t.id = std::string(task_id);
    t.state = task_state::cancelled;
    t.raw = std::move(body);
    return t;
  }

  /// Maps an error response to a seedance::error: 429 / RateLimitExceeded* / QuotaExceeded -> rate_limited
  /// (retry_after from Retry-After when sent); 401 / AuthenticationError -> unauthorized; AccountOverdueError
  /// -> insufficient_credits; 403 / AccessDenied -> forbidden; 404 -> not_found; *SensitiveContentDetected*
  /// and *RiskDetection* -> rejected (moderation); InvalidParameter* / MissingParameter* -> invalid_request;
  /// 5xx -> server_error; other statuses as errc_from_http_status. Details carry code, message, type, param,
  /// and the request id (X-Request-Id header, else "Request id: ..." in the message). Never throws (except
  /// std::bad_alloc).
  static seedance::error decode_error(const http::response& r) {
    namespace json = detail::json;
    error_details details = detail::codec::response_details(r);
    const auto body = detail::codec::try_parse(r.body).value_or(nullptr);
    if (const auto* e = detail::codec::object_at(body, "error")) {
      details.provider_code = json::string_at(*e, "code").value_or("");
      details.provider_message = json::string_at(*e, "message").value_or("");
      details.provider_type = json::string_at(*e, "type").value_or("");
      details.param = json::string_at(*e, "param").value_or("");
    } else if (auto text = json::string_at(body, "error")) {
      details.provider_message = *text;
    } else if (auto message = json::string_at(body, "message")) {
      details.provider_message = *message;
      details.provider_code = json::string_at(body, "code").value_or("");
    }
    if (details.request_id.empty())
      details.request_id = detail::codec::one_line(detail::ark_wire::request_id_in(details.provider_message), 200);
    details.task_id = json::string_at(body, "id").value_or("");
    const errc code = detail::ark_wire::errc_for(r.status, details.provider_code);
    return detail::codec::make_provider_error(detail::ark_wire::provider, code, std::move(details));
  }

  /// Reads a webhook body: the retrieve object (also accepted inside a `{"data": ...}` envelope). Throws
  /// seedance::error(errc::bad_response) for a body that is not a JSON object or has neither id nor status.
  /// Thread-safe.
  static task decode_webhook(std::string_view body) {
    auto value = detail::codec::parse_object(body, "ark: webhook");
    if (const auto* data = detail::codec::object_at(value, "data");
        data && !detail::json::member(value, "id") && !detail::json::member(value, "status"))
      value = boost::json::value(*data);
    return task_from(std::move(value), "webhook");
  }

  /// GET request for one page of tasks: page_num, page_size, then filter.status, each filter.task_ids,
  /// filter.model and filter.service_tier when set; every value percent-encoded. Throws
  /// seedance::error(errc::invalid_request) for page_num < 1, page_size outside 1..500 or status unknown.
  /// Thread-safe.
  static http::request list_request(const list_query& q) {
    detail::codec::problem_list problems;
    if (q.page_num < 1) problems.add("page_num", "must be 1 or more", std::to_string(q.page_num));
    if (q.page_size < 1 || q.page_size > max_page_size)
      problems.add("page_size", "must be from 1 to 500", std::to_string(q.page_size));
    if (q.status && !state_to_wire(*q.status))
      problems.add("status", "must be a definite task state", to_string(*q.status));
    for (std::size_t i = 0; i < q.task_ids.size(); ++i)
      if (q.task_ids[i].empty()) problems.add("task_ids[" + std::to_string(i) + "]", "must not be empty");
    problems.throw_if_any(detail::ark_wire::provider);
    boost::urls::url target;
    target.set_path(tasks_path);
    auto params = target.encoded_params();
    const auto add = [&](std::string_view key, std::string_view value) {
      params.append({boost::urls::encode(key, boost::urls::unreserved_chars),
                     boost::urls::encode(value, boost::urls::unreserved_chars)});
    };
    add("page_num", std::to_string(q.page_num));
    add("page_size", std::to_string(q.page_size));
    if (q.status) add("filter.status", *state_to_wire(*q.status));
    for (const auto& task_id : q.task_ids) add("filter.task_ids", task_id);
    if (!q.model.empty()) add("filter.model", q.model);
    if (!q.service_tier.empty()) add("filter.service_tier", q.service_tier);

    return detail::codec::get_request(std::string(target.buffer()));
  }

  /// Reads a 2xx list response `{total, items:[...]}`; each item is decoded like decode_status(). A missing
  /// `items` is an empty page and a missing `total` is the item count. Throws the mapped seedance::error for an
  /// error body, error(bad_response) when `items` is not an array or an item is not a task. Thread-safe.
  static task_page decode_list(const http::response& r) {
    auto body = parse_checked(r, "list response");
    task_page page;
    if (const auto* items = detail::json::member(body, "items")) {
      const auto* array = items->if_array();
      if (!array) detail::codec::throw_bad_response(detail::ark_wire::provider, "list response: items is not an array");
      page.items.reserve(array->size());
      for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string what = "list item " + std::to_string(i);
        task t = task_from((*array)[i], what.c_str());
        if (t.id.empty()) detail::codec::throw_bad_response(detail::ark_wire::provider, what + " has no id");
        page.items.push_back(std::move(t));
      }
    }
    page.total = detail::json::integer_at(body, "total", 0).value_or(static_cast<std::int64_t>(page.items.size()));
    return page;
  }

 private:
  static boost::json::object media_item(std::string_view type, std::string_view url, std::string_view role) {
    boost::json::object item;
    item["type"] = type;
    item[type] = boost::json::object{{"url", url}};
    item["role"] = role;
    return item;
  }

  /// "/contents/generations/tasks/<id>", the id percent-encoded as one segment. Throws
  /// seedance::error(errc::invalid_request) for an empty id, "." or "..".
  static std::string task_target(std::string_view task_id) {
    detail::codec::check_task_id(detail::ark_wire::provider, task_id, /*in_path=*/true);
    return detail::codec::path_with_segment(tasks_path, task_id);
  }

  /// Parses a 2xx body as a JSON object; an `error` object with no task id is the provider refusing in a 2xx.
  static boost::json::value parse_checked(const http::response& r, std::string_view what) {
    auto body = detail::codec::parse_object(r.body, std::string(detail::ark_wire::provider) + ": " + std::string(what));
    if (detail::codec::object_at(body, "error") && !detail::json::member(body, "id")) throw decode_error(r);
    return body;
  }

  /// Maps a retrieve-shaped object. Throws bad_response naming `what` when it is not an object or has neither
  /// id nor status.
  static task task_from(boost::json::value body, const char* what) {
    namespace wire = detail::ark_wire;
    namespace json = detail::json;
    if (!body.is_object())
      detail::codec::throw_bad_response(wire::provider, std::string(what) + " is not a JSON object");
    task t;
    t.id = json::string_at(body, "id").value_or("");
    t.provider_state = json::string_at(body, "status").value_or("");
    if (t.id.empty() && t.provider_state.empty())
      detail::codec::throw_bad_response(wire::provider, std::string(what) + " has neither id nor status");
    t.state = state_from_wire(t.provider_state);
    t.model = json::string_at(body, "model").value_or("");
    t.created_at = detail::codec::epoch_auto_at(body, "created_at");
    if (is_terminal(t.state)) t.completed_at = detail::codec::epoch_auto_at(body, "updated_at");
    if (const auto* usage = json::member(body, "usage")) {
      auto tokens = json::number_at(*usage, "completion_tokens");
      if (!tokens) tokens = json::number_at(*usage, "total_tokens");
      if (tokens) t.cost = seedance::cost{*tokens, cost_unit::tokens, false};
    }
    if (t.state == task_state::succeeded) {
      const auto* content = json::member(body, "content");
      video v;
      if (content) {
        v.url = json::string_at(*content, "video_url").value_or("");
        v.last_frame_url = json::string_at(*content, "last_frame_url").value_or("");
      }
      if (v.url.empty()) {
        t.state = task_state::running;  // no URL yet: keep polling rather than report an empty success
      } else {
        v.seed = json::integer_at(body, "seed");
        v.task_id = t.id;
        t.videos.push_back(std::move(v));
      }
    }
    t.error = wire::error_of(body);
    if (t.state == task_state::failed && !t.error) t.error = task_error{};
    t.raw = std::move(body);
    return t;
  }
};

}  // namespace seedance

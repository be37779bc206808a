// seedance/testing/detail/sim_common.hpp - small pieces every simulated provider uses: the reply value,
// JSON field checks, URL checks, random ids. Pure; no I/O.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/http/message.hpp>
#include <seedance/testing/detail/sim_engine.hpp>
#include <seedance/testing/simulator_options.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace seedance::testing::detail {

/// What the simulator answers to one request, plus what the request log needs to know about it.
struct sim_reply {
  http::response response;
  std::span<const unsigned char> body_view{};  ///< when not empty: the body (response.body stays empty)
  bool head_only = false;                      ///< HEAD: send the head only (Content-Length set by hand)
  std::optional<provider_id> provider;
  request_kind kind = request_kind::other;
  std::string task_id;
  std::string note;
};

/// The standard reason phrase of the statuses the simulator uses.
inline std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

/// A response with a JSON body.
inline http::response json_response(int status, const boost::json::value& body) {
  http::response r;
  r.status = status;
  r.reason = std::string(reason_phrase(status));
  r.headers.add("Content-Type", "application/json; charset=utf-8");
  r.body = boost::json::serialize(body);
  return r;
}

/// A response with a text body of the given content type.
inline http::response text_response(int status, std::string_view content_type, std::string body) {
  http::response r;
  r.status = status;
  r.reason = std::string(reason_phrase(status));
  r.headers.add("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

/// A validation problem found in a request body. `field` is a dotted path ("inputs.duration",
/// "content[1].role"); `code` is one of missing, type, range, enum, format, conflict.
struct problem {
  std::string field;
  std::string message;
  std::string code;
};

// Makers of the problems validation reports, one per rule kind; the message always starts with the field.

/// `field` is absent.
inline problem missing(std::string field) {
  std::string message = field + " is required";
  return problem{std::move(field), std::move(message), "missing"};
}
/// `field` has the wrong JSON type.
inline problem wrong_type(std::string field, std::string_view expected) {
  std::string message = field + " must be " + std::string(expected);
  return problem{std::move(field), std::move(message), "type"};
}
/// `field` is outside its range or count limit.
inline problem out_of_range(std::string field, std::string_view rule) {
  std::string message = field + " " + std::string(rule);
  return problem{std::move(field), std::move(message), "range"};
}
/// `field` is not in its closed list.
inline problem not_one_of(std::string field, std::string_view allowed) {
  std::string message = field + " must be one of " + std::string(allowed);
  return problem{std::move(field), std::move(message), "enum"};
}
/// `field` is malformed (URL, file type, ...).
inline problem bad_format(std::string field, std::string_view rule) {
  std::string message = field + " " + std::string(rule);
  return problem{std::move(field), std::move(message), "format"};
}
/// `field` contradicts another field.
inline problem conflict(std::string field, std::string_view rule) {
  std::string message = field + " " + std::string(rule);
  return problem{std::move(field), std::move(message), "conflict"};
}

/// Member `key` of `o`, or nullptr.
inline const boost::json::value* member(const boost::json::object& o, std::string_view key) {
  return o.if_contains(key);
}

/// An integer JSON number (an integral double such as 5.0 counts: JavaScript services cannot tell).
inline std::optional<std::int64_t> as_integer(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    const double d = v.get_double();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

/// Unicode code points in UTF-8 text (continuation bytes are not counted).
inline std::size_t code_points(std::string_view text) noexcept {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// True when `list` (space separated) holds `value` exactly.
inline bool listed(std::string_view list, std::string_view value) {
  while (!list.empty()) {
    const auto space = list.find(' ');
    if (list.substr(0, space) == value) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

/// The `list` with ", " between items, for messages.
inline std::string comma_list(std::string_view list) {
  std::string result;
  for (char c : list) {
    if (c == ' ')
      result += ", ";
    else
      result += c;
  }
  return result;
}

/// The parts of an absolute http(s) URL the simulator cares about.
struct url_parts {
  std::string scheme;  ///< lower case
  std::string host;    ///< without brackets for IPv6
  std::uint16_t port = 0;
  std::string target;  ///< path and query, "/" when empty
  std::string path;    ///< decoded path
  bool ip_v6 = false;
};

/// Parses an absolute URL with scheme http or https (or any scheme when `any_scheme`). nullopt otherwise.
inline std::optional<url_parts> parse_url(std::string_view text, bool any_scheme = false) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& u = *parsed;
  url_parts parts;
  parts.scheme = std::string(u.scheme());
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!any_scheme && parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  if (!u.has_authority()) return std::nullopt;
  parts.ip_v6 = u.host_type() == boost::urls::host_type::ipv6;
  parts.host = parts.ip_v6 ? std::string(u.host_address()) : std::string(u.host());
  if (parts.host.empty() && (parts.scheme == "http" || parts.scheme == "https")) return std::nullopt;
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0) return std::nullopt;
    parts.port = u.port_number();
  } else {
    parts.port = parts.scheme == "https" ? 443 : 80;
  }
  parts.target = std::string(u.encoded_path());
  if (parts.target.empty()) parts.target = "/";
  if (u.has_query()) parts.target += "?" + std::string(u.encoded_query());
  parts.path = std::string(u.path());
  return parts;
}

/// True when `url` is an absolute http or https URL (https only when `https_only`).
inline bool is_web_url(std::string_view url, bool https_only = false) {
  auto parts = parse_url(url);
  return parts && (!https_only || parts->scheme == "https");
}

/// The lower-case extension of the URL's last path segment without the dot ("png"), or "".
inline std::string url_extension(std::string_view url) {
  auto parts = parse_url(url, true);
  std::string path = parts ? parts->path : std::string(url);
  const auto slash = path.rfind('/');
  if (slash != std::string::npos) path.erase(0, slash + 1);
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return {};
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

/// True when `host` is a loopback name or address: 127.0.0.0/8, "localhost", ::1.
inline bool is_loopback_host(std::string_view host) {
  std::string h(host);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (h == "localhost" || h == "localhost.") return true;
  if (h == "::1" || h == "[::1]" || h == "0:0:0:0:0:0:0:1") return true;
  auto v4 = boost::urls::parse_ipv4_address(h);
  return v4 && (v4->to_uint() >> 24) == 127;
}

/// Random lower-case letters and digits.
inline std::string random_alnum(std::mt19937_64& rng, std::size_t n) {
  static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) s += alphabet[pick(rng)];
  return s;
}

/// Random lower-case hex digits.
inline std::string random_hex(std::mt19937_64& rng, std::size_t n) {
  static constexpr std::string_view alphabet = "0123456789abcdef";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) s += alphabet[pick(rng)];
  return s;
}

/// Output width and height in pixels.
struct frame_size {
  int width = 1280;
  int height = 720;
};

/// Output size for a resolution tier and ratio (Kinovi's table; unknown ratios and "adaptive" give 16:9).
inline frame_size output_size(sim_resolution r, std::string_view ratio) {
  static constexpr std::string_view ratios[] = {"16:9", "9:16", "1:1", "4:3", "3:4", "21:9"};
  static constexpr frame_size table[4][6] = {
      {{864, 496}, {496, 864}, {640, 640}, {752, 560}, {560, 752}, {992, 432}},
      {{1280, 720}, {720, 1280}, {960, 960}, {1112, 834}, {834, 1112}, {1470, 630}},
      {{1920, 1080}, {1080, 1920}, {1440, 1440}, {1664, 1248}, {1248, 1664}, {2206, 946}},
      {{3840, 2160}, {2160, 3840}, {2880, 2880}, {3328, 2496}, {2496, 3328}, {4412, 1892}},
  };
  std::size_t column = 0;
  for (std::size_t i = 0; i < 6; ++i)
    if (ratios[i] == ratio) column = i;
  return table[static_cast<std::size_t>(r)][column];
}

}  // namespace seedance::testing::detail

namespace seedance::testing::detail {

/// A task as a response or webhook shows it at one moment. `state` may be older than the task's current
/// state (a stale, out-of-order webhook).
struct sim_view {
  const sim_task* task = nullptr;
  sim_state state = sim_state::queued;
  int progress = 0;            ///< aihubmax
  std::string video_url;       ///< when succeeded
  std::string last_frame_url;  ///< when succeeded
  std::int64_t updated_unix_ms = 0;
  bool empty_results = false;  ///< aihubmax: "completed" read before the results are attached
};

/// What a validated create request asks for; the service turns it into a sim_task.
struct create_spec {
  std::string model;
  std::string callback_url;
  std::string prompt;  ///< the whole prompt text (markers are read from it)
  std::string ratio = "16:9";
  sim_resolution resolution = sim_resolution::p720;
  int duration = 5;
  bool generate_audio = true;
  std::int64_t seed = -1;  ///< -1: random
  bool legacy = false;
  bool return_last_frame = false;
  bool flex = false;
  std::int32_t execution_expires_after = 172800;
  double cost = 0;  ///< in the provider's unit
  /// Set when the provider accepts the request but the task fails later with InvalidParameter
  /// (Kinovi: audio as the only reference).
  std::string fails_later_with;
};

/// The outcome of validating a create body: either an error response or a spec.
struct create_check {
  std::optional<http::response> error;
  create_spec spec;
};

/// The error situations every provider answers in its own shape.
enum class sim_error_kind : std::uint8_t {
  missing_auth,          ///< no Authorization header (401)
  bad_auth,              ///< wrong key or scheme (401)
  bad_body,              ///< not JSON, not an object, wrong Content-Type (400)
  no_route,              ///< unknown path (404)
  method_not_allowed,    ///< known path, other method (405)
  task_not_found,        ///< unknown task id (404)
  task_forbidden,        ///< another account's task (403)
  missing_task_id,       ///< Kinovi recordInfo without taskId (400)
  insufficient_credits,  ///< balance too low (402; Ark 403)
  concurrency,           ///< too many tasks in flight (429)
  rate_limited,          ///< request rate (429, fault)
  server_error,          ///< 5xx (fault)
  cannot_cancel,         ///< cancel refused in this state (seedance2.ink, Ark)
};

/// The details an error response may carry.
struct error_info {
  sim_error_kind kind = sim_error_kind::server_error;
  int status = 500;     ///< for server_error
  std::string message;  ///< extra text: the body problem, the task's state, ...
  std::string task_id;
  double required = 0;
  double available = 0;
  std::uint32_t limit = 0;
  std::uint32_t current = 0;
  bool names_limit = true;  ///< concurrency: the body carries limit and current (else a plain 429)
  std::optional<std::chrono::seconds> retry_after;
};

/// An HTML page like the ones load balancers answer 502 with.
inline http::response gateway_page(int status) {
  const std::string code = std::to_string(status) + " " + std::string(reason_phrase(status));
  return text_response(status, "text/html",
                       "<html>\r\n<head><title>" + code + "</title></head>\r\n<body>\r\n<center><h1>" + code +
                           "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
}

/// Adds Retry-After when set.
inline void add_retry_after(http::response& r, const std::optional<std::chrono::seconds>& retry_after) {
  if (retry_after) r.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(0, retry_after->count())));
}

/// The list of media URL checks the providers share: each item a string, an absolute http(s) URL (or, when
/// `data_uri_ok`, a data: URI or an asset:// id), with an extension from `extensions` when that is not empty
/// (a URL without extension passes: signed URLs often have none).
inline std::optional<problem> check_media_url(const boost::json::value& v, const std::string& field,
                                              std::string_view extensions, bool https_only, bool data_uri_ok) {
  if (!v.is_string()) return wrong_type(field, "a string");
  const std::string_view url = v.get_string();
  if (data_uri_ok && (url.starts_with("data:") || url.starts_with("asset://"))) return std::nullopt;
  if (!is_web_url(url, https_only))
    return bad_format(field, https_only ? "must be a public https URL" : "must be an absolute http(s) URL");
  if (!extensions.empty()) {
    const std::string ext = url_extension(url);
    if (!ext.empty() && !listed(extensions, ext))
      return bad_format(field, "has an unsupported file type ." + ext + " (allowed: " + comma_list(extensions) + ")");
    if (ext.empty()) return std::nullopt;
  }
  return std::nullopt;
}

/// Checks that `v` is an array of at most `max` media URLs; appends problems; returns the URLs.
inline std::vector<std::string> check_url_array(const boost::json::value& v, const std::string& field, std::size_t max,
                                                std::string_view extensions, bool https_only, bool data_uri_ok,
                                                std::vector<problem>& problems) {
  std::vector<std::string> urls;
  if (!v.is_array()) {
    problems.push_back(wrong_type(field, "an array of URL strings"));
    return urls;
  }
  const auto& a = v.get_array();
  if (a.size() > max) problems.push_back(out_of_range(field, "holds at most " + std::to_string(max) + " items"));
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    if (auto p = check_media_url(a[i], item, extensions, https_only, data_uri_ok))
      problems.push_back(std::move(*p));
    else
      urls.emplace_back(a[i].get_string());
  }
  return urls;
}

/// The kind of a media URL by extension: 'i'mage, 'v'ideo, 'a'udio or '?'.
inline char media_kind(std::string_view url) {
  const std::string ext = url_extension(url);
  if (listed("jpg jpeg png webp gif bmp tif tiff heic heif", ext)) return 'i';
  if (listed("mp4 mov m4v webm", ext)) return 'v';
  if (listed("mp3 wav m4a aac ogg flac", ext)) return 'a';
  return '?';
}

/// A number for a message: integers without a fraction ("200"), others with up to 6 significant digits.
inline std::string format_number(double d) {
  if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15)
    return std::to_string(static_cast<std::int64_t>(d));
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", d);
  return text;
}

/// Seconds as a count, rounded up, at least 1.
inline std::int64_t whole_seconds_at_least_one(std::chrono::nanoseconds d) {
  const auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
  return std::max<std::int64_t>(1, s);
}

}  // namespace seedance::testing::detail

// examples/cli/manifest.hpp - the JSON-lines manifest of `seedance batch`: one request per line.
//
//   {"prompt": "a red kite over the dunes", "images": ["https://example.com/kite.png"], "output": "kite.mp4"}
//   {"prompt": "@image1 walks into @video1", "images": ["https://e.com/a.png"], "videos": ["https://e.com/b.mp4"]}
//
// Fields: prompt, images, videos, audios, model, ratio, resolution, duration, seed, generate_audio, mode, output.
// Blank lines and lines starting with '#' are ignored. Every line is parsed and checked (JSON, field types,
// values, then the provider's rules through seedance::validate) before anything is sent, and every problem is
// reported with its line number, field and rule.
//
// Pure: Boost.JSON and the library's vocabulary and validation; no I/O.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace seedance_cli {

/// One line of the manifest, ready to submit.
struct manifest_job {
  std::size_t line = 0;       ///< 1-based line number in the file
  std::string key{};          ///< the output file name; unique in the manifest; names the job in the journal
  seedance::request req{};    ///< the request, already validated for the provider
  std::string fingerprint{};  ///< hash of the request's content: detects a line edited between runs
};

/// One thing wrong with the manifest.
struct manifest_problem {
  std::size_t line = 0;
  std::string field{};  ///< e.g. "ratio", "images[1]", "json"
  std::string rule{};
  std::string value{};  ///< the offending value, shortened; may be empty
};

/// A parsed manifest: jobs (in file order) and problems. Run nothing unless `problems` is empty.
struct manifest {
  std::vector<manifest_job> jobs{};
  std::vector<manifest_problem> problems{};
};

/// "line 3: ratio: Kinovi offers ... (got 5:4)". Never throws except bad_alloc.
inline std::string describe(const manifest_problem& p) {
  std::string text = p.line == 0 ? std::string() : "line " + std::to_string(p.line) + ": ";
  text += p.field + ": " + p.rule;
  if (!p.value.empty()) text += " (got " + p.value + ")";
  return text;
}

namespace detail {

inline constexpr std::string_view manifest_fields[] = {"prompt", "images",         "videos",     "audios",
                                                       "model",  "ratio",          "resolution", "duration",
                                                       "seed",   "generate_audio", "mode",       "output"};

inline std::string shown(const boost::json::value& v) {
  return seedance::detail::shorten(boost::json::serialize(v), 60);
}

/// FNV-1a, 64 bits, as 16 hex digits: a stable content hash (not for security).
inline std::string fnv1a_hex(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

/// The request's content as canonical JSON (fixed key order), for the fingerprint.
inline std::string canonical_text(const seedance::request& r) {
  boost::json::object o;
  o["model"] = r.model_id.empty() ? std::string(seedance::to_string(r.model)) : r.model_id;
  o["prompt"] = r.prompt;
  const auto list = [](const std::vector<std::string>& v) {
    boost::json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
  };
  o["images"] = list(r.images);
  o["videos"] = list(r.videos);
  o["audios"] = list(r.audios);
  o["mode"] = r.mode ? std::string(seedance::to_string(*r.mode)) : std::string();
  o["ratio"] = r.ratio ? std::string(seedance::to_string(*r.ratio)) : std::string();
  o["resolution"] = r.resolution ? std::string(seedance::to_string(*r.resolution)) : std::string();
  o["duration"] = r.duration ? r.duration->count() : 0;
  o["seed"] = r.seed ? boost::json::value(*r.seed) : boost::json::value(nullptr);
  o["generate_audio"] = r.generate_audio ? boost::json::value(*r.generate_audio) : boost::json::value(nullptr);
  return boost::json::serialize(o);
}

/// True for a plain file name: not empty, no directory part, no control characters, not "." or "..".
inline bool plain_file_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 200) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace detail

/// Parses one manifest line (already known not to be blank or a comment) into `job`, adding a problem for each
/// field that is wrong. Returns false when the line cannot be used.
inline bool parse_manifest_line(std::string_view text, std::size_t line, seedance::provider_id provider,
                                const seedance::provider_options& vo, manifest_job& job,
                                std::vector<manifest_problem>& problems) {
  const std::size_t before = problems.size();
  const auto add = [&](std::string field, std::string rule, std::string value = {}) {
    problems.push_back(manifest_problem{line, std::move(field), std::move(rule), std::move(value)});
  };
  std::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) {
    add("json", "must be one JSON object per line: " + ec.message(), seedance::detail::shorten(text, 60));
    return false;
  }
  if (!parsed.is_object()) {
    add("json", "must be a JSON object", detail::shown(parsed));
    return false;
  }
  const boost::json::object& obj = parsed.get_object();
  seedance::request& r = job.req;
  job.line = line;

  const auto string_field = [&](std::string_view key) -> std::optional<std::string> {
    const auto* v = obj.if_contains(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      add(std::string(key), "must be a string", detail::shown(*v));
      return std::nullopt;
    }
    return std::string(v->get_string());
  };
  const auto list_field = [&](std::string_view key, std::vector<std::string>& out) {
    const auto* v = obj.if_contains(key);
    if (!v) return;
    if (!v->is_array()) {
      add(std::string(key), "must be an array of URL strings", detail::shown(*v));
      return;
    }
    for (std::size_t i = 0; i < v->get_array().size(); ++i) {
      const auto& item = v->get_array()[i];
      if (!item.is_string()) {
        add(std::string(key) + "[" + std::to_string(i) + "]", "must be a URL string", detail::shown(item));
        continue;
      }
      out.emplace_back(item.get_string());
    }
  };

  for (const auto& entry : obj) {
    bool known = false;
    for (auto f : detail::manifest_fields) known = known || entry.key() == f;
    if (!known)
      add(std::string(entry.key()),
          "unknown field (fields: prompt, images, videos, audios, model, ratio, resolution, duration, seed, "
          "generate_audio, mode, output)");
  }

  if (auto s = string_field("prompt")) r.prompt = std::move(*s);
  list_field("images", r.images);
  list_field("videos", r.videos);
  list_field("audios", r.audios);
  if (auto s = string_field("model")) {
    if (s->empty())
      add("model", "must not be empty");
    else if (const auto m = seedance::parse_model(*s))
      r.model = *m;
    else
      r.model_id = *s;  // a provider's own model id
  }
  if (auto s = string_field("ratio")) {
    if (const auto v = seedance::parse_aspect_ratio(*s))
      r.ratio = *v;
    else
      add("ratio", "must be 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive", *s);
  }
  if (auto s = string_field("resolution")) {
    if (const auto v = seedance::parse_resolution(*s))
      r.resolution = *v;
    else
      add("resolution", "must be 480p, 720p, 1080p or 4k", *s);
  }
  if (auto s = string_field("mode")) {
    if (const auto v = seedance::parse_generation_mode(*s))
      r.mode = *v;
    else
      add("mode", "must be text, first-frame, first-last-frame or reference", *s);
  }
  if (const auto* v = obj.if_contains("duration")) {
    std::optional<seedance::duration> d;
    if (v->is_int64()) {
      const auto n = v->get_int64();
      if (n == -1 || (n >= 0 && n <= 9999)) d = seedance::duration{n};
    } else if (v->is_string()) {
      d = seedance::parse_duration(v->get_string());
    }
    if (d)
      r.duration = *d;
    else
      add("duration", "must be a whole number of seconds (e.g. 5) or \"auto\"", detail::shown(*v));
  }
  if (const auto* v = obj.if_contains("seed")) {
    if (v->is_int64())
      r.seed = v->get_int64();
    else if (v->is_uint64() && v->get_uint64() <= 4294967295ULL)
      r.seed = static_cast<std::int64_t>(v->get_uint64());
    else
      add("seed", "must be an integer: -1 (random) or 0..4294967295", detail::shown(*v));
  }
  if (const auto* v = obj.if_contains("generate_audio")) {
    if (v->is_bool())
      r.generate_audio = v->get_bool();
    else
      add("generate_audio", "must be true or false", detail::shown(*v));
  }
  job.key = "line-" + std::to_string(line) + ".mp4";
  if (auto s = string_field("output")) {
    if (!detail::plain_file_name(*s))
      add("output", "must be a plain file name (no directory, no control characters)",
          seedance::detail::shorten(*s, 60));
    else
      job.key = *s;
  }

  if (problems.size() != before) return false;
  for (auto& p : seedance::validate(provider, r, vo)) add(std::move(p.field), std::move(p.rule), std::move(p.value));
  job.fingerprint = detail::fnv1a_hex(detail::canonical_text(r));
  return problems.size() == before;
}

/// Parses and checks a whole manifest for `provider`. Never throws except bad_alloc: every problem is
/// returned in `problems`, in line order (duplicate output names included).
inline manifest parse_manifest(std::string_view text, seedance::provider_id provider,
                               const seedance::provider_options& vo = {}) {
  manifest m;
  std::map<std::string, std::size_t> line_of_key;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const auto nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    if (raw.empty() || raw.front() == '#') continue;
    manifest_job job;
    if (!parse_manifest_line(raw, line, provider, vo, job, m.problems)) continue;
    if (const auto [it, inserted] = line_of_key.emplace(job.key, line); !inserted) {
      m.problems.push_back(
          manifest_problem{line, "output", "the same output name as line " + std::to_string(it->second), job.key});
      continue;
    }
    m.jobs.push_back(std::move(job));
  }
  if (m.jobs.empty() && m.problems.empty())
    m.problems.push_back(manifest_problem{0, "manifest", "has no requests (one JSON object per line)", ""});
  return m;
}

}  // namespace seedance_cli

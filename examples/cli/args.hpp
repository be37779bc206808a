// examples/cli/args.hpp - the command line of the `seedance` program, parsed into one plain struct.
//
// Pure (no I/O, no environment): every rule about flags lives here and is unit tested. A bad command line
// throws usage_error whose message names the flag and the rule, e.g.
//   --ratio: must be 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive (got 5:4)
// Provider-specific rules (which ratios Kinovi offers, ...) are checked later by seedance::check().
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace seedance_cli {

/// A command line the program cannot run. what() is one line naming the flag (or argument) and the rule.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The sub-commands.
enum class command { help, version, generate, estimate, status, wait, cancel, download, batch, sim };

/// The name of a command as typed ("generate", ...). Never throws.
constexpr std::string_view to_string(command c) noexcept {
  switch (c) {
    case command::help:
      return "help";
    case command::version:
      return "version";
    case command::generate:
      return "generate";
    case command::estimate:
      return "estimate";
    case command::status:
      return "status";
    case command::wait:
      return "wait";
    case command::cancel:
      return "cancel";
    case command::download:
      return "download";
    case command::batch:
      return "batch";
    case command::sim:
      return "sim";
  }
  return "?";
}

/// Parses a command name; nullopt for anything else. Never throws.
constexpr std::optional<command> parse_command(std::string_view text) noexcept {
  for (command c : {command::help, command::version, command::generate, command::estimate, command::status,
                    command::wait, command::cancel, command::download, command::batch, command::sim})
    if (text == to_string(c)) return c;
  return std::nullopt;
}

/// Where requests go and with which key.
struct connection_flags {
  seedance::provider_id provider = seedance::provider_id::kinovi;
  std::string provider_name = "kinovi";  ///< as typed (any_provider::from_name also knows "volcengine", ...)
  std::string base_url{};                ///< --base-url: replaces the provider's default
  std::string ca_file{};                 ///< --ca-file: extra trust anchors (PEM)
  std::string api_key_file{};            ///< --api-key-file: the key, read from a file
  bool sim = false;                      ///< --sim: run against the embedded simulator
  bool legacy = false;                   ///< --legacy: Kinovi's legacy request schema
};

/// Everything a command line says. Fields a command does not use stay at their defaults.
struct options {
  command cmd = command::help;
  std::string help_topic{};  ///< `help generate`, `generate --help`: the command to describe ("" = overview)
  connection_flags conn{};

  // generate / estimate
  seedance::request req{};
  std::optional<std::chrono::milliseconds> deadline{};       ///< --deadline (wait, generate, batch per job)
  std::optional<std::chrono::milliseconds> poll_interval{};  ///< --poll-interval: fixed status poll interval
  std::string output{};                                      ///< -o/--output
  bool overwrite = false;                                    ///< --overwrite: replace an existing output file
  bool json = false;                                         ///< --json: one JSON object per event on stdout

  // status / wait / cancel / download
  std::string target{};  ///< the task id (or, for download, an https URL)

  // batch
  std::string manifest{};
  std::string journal{};  ///< default: <manifest>.journal
  std::string out_dir = ".";
  std::size_t concurrency = 4;
  std::vector<std::pair<std::string, std::string>> resolutions{};  ///< --resolve JOB=TASK_ID|none

  // sim
  std::uint16_t port = 0;
  double time_scale = 1.0;
  std::string ca_out{};
  double fault_rate = 0;
  bool verbose = false;
};

namespace detail {

/// Which commands a flag belongs to.
enum command_mask : unsigned {
  m_generate = 1u << 0,
  m_estimate = 1u << 1,
  m_status = 1u << 2,
  m_wait = 1u << 3,
  m_cancel = 1u << 4,
  m_download = 1u << 5,
  m_batch = 1u << 6,
  m_sim = 1u << 7,
  m_connected = m_generate | m_status | m_wait | m_cancel | m_download | m_batch,
  m_request = m_generate | m_estimate,
};

constexpr unsigned mask_of(command c) noexcept {
  switch (c) {
    case command::generate:
      return m_generate;
    case command::estimate:
      return m_estimate;
    case command::status:
      return m_status;
    case command::wait:
      return m_wait;
    case command::cancel:
      return m_cancel;
    case command::download:
      return m_download;
    case command::batch:
      return m_batch;
    case command::sim:
      return m_sim;
    default:
      return 0;
  }
}

struct flag_spec {
  std::string_view name;   ///< long name with dashes, e.g. "--ratio"
  std::string_view alias;  ///< short form, e.g. "-o", or empty
  bool takes_value;
  unsigned commands;
};

// `estimate` accepts every flag of `generate` so a generate command line can be priced by changing one word.
inline constexpr flag_spec flag_table[] = {
    {"--provider", "", true, m_connected | m_estimate},
    {"--base-url", "", true, m_connected | m_estimate},
    {"--ca-file", "", true, m_connected | m_estimate},
    {"--api-key-file", "", true, m_connected | m_estimate},
    {"--api-key", "", true, m_connected | m_estimate},  // refused with an explanation
    {"--sim", "", false, m_generate | m_estimate | m_batch},
    {"--legacy", "", false, m_connected | m_estimate},
    {"--model", "", true, m_request},
    {"--image", "", true, m_request},
    {"--reference-image", "", true, m_request},
    {"--reference-video", "", true, m_request},
    {"--reference-audio", "", true, m_request},
    {"--prompt", "", true, m_request},
    {"--ratio", "", true, m_request},
    {"--resolution", "", true, m_request},
    {"--duration", "", true, m_request},
    {"--seed", "", true, m_request},
    {"--no-audio", "", false, m_request},
    {"--4k", "", false, m_request},
    {"--callback-url", "", true, m_request},
    {"--deadline", "", true, m_request | m_wait | m_batch},
    {"--poll-interval", "", true, m_connected | m_estimate},
    {"--output", "-o", true, m_request | m_wait | m_download},
    {"--overwrite", "", false, m_request | m_wait | m_download},
    {"--json", "", false, m_connected | m_estimate | m_sim},
    {"--concurrency", "", true, m_batch},
    {"--journal", "", true, m_batch},
    {"--out-dir", "", true, m_batch},
    {"--resolve", "", true, m_batch},
    {"--port", "", true, m_sim},
    {"--time-scale", "", true, m_sim},
    {"--ca-out", "", true, m_sim},
    {"--fault-rate", "", true, m_sim},
    {"--verbose", "", false, m_sim},
};

inline const flag_spec* find_flag(std::string_view name) noexcept {
  for (const auto& f : flag_table)
    if (f.name == name || (!f.alias.empty() && f.alias == name)) return &f;
  return nullptr;
}

inline std::string got(std::string_view value) { return " (got \"" + std::string(value) + "\")"; }

}  // namespace detail

/// Parses a length of time: a positive number followed by a unit (ms, s, m or h), optionally several in a row
/// ("1h30m", "90s", "500ms"). `flag` names the flag in the error. Throws usage_error.
inline std::chrono::milliseconds parse_time_span(std::string_view flag, std::string_view text) {
  const std::string rule =
      std::string(flag) + ": must be a length of time with a unit: ms, s, m or h (e.g. 90s, 10m, 1h30m)";
  if (text.empty()) throw usage_error(rule + detail::got(text));
  std::chrono::milliseconds total{0};
  std::string_view rest = text;
  while (!rest.empty()) {
    std::uint64_t number = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (ec != std::errc{} || end == rest.data() || number > 1'000'000'000) throw usage_error(rule + detail::got(text));
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    std::uint64_t factor = 0;
    if (rest.starts_with("ms")) {
      factor = 1, rest.remove_prefix(2);
    } else if (rest.starts_with("s")) {
      factor = 1000, rest.remove_prefix(1);
    } else if (rest.starts_with("m")) {
      factor = 60'000, rest.remove_prefix(1);
    } else if (rest.starts_with("h")) {
      factor = 3'600'000, rest.remove_prefix(1);
    } else {
      throw usage_error(rule + detail::got(text));
    }
    total += std::chrono::milliseconds(static_cast<std::int64_t>(number * factor));
  }
  if (total.count() <= 0) throw usage_error(std::string(flag) + ": must be longer than zero" + detail::got(text));
  return total;
}

/// Parses an integer in [min, max]. `flag` names the flag in the error. Throws usage_error.
inline std::int64_t parse_integer(std::string_view flag, std::string_view text, std::int64_t min, std::int64_t max,
                                  std::string_view rule) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max)
    throw usage_error(std::string(flag) + ": " + std::string(rule) + detail::got(text));
  return value;
}

/// Parses the arguments after the program name. Throws usage_error for anything it cannot accept: unknown
/// command or flag, a flag the command does not take, a missing or malformed value, conflicting flags, a
/// missing or extra positional argument. Provider rules are left to seedance::check().
inline options parse_command_line(const std::vector<std::string>& args) {
  using namespace std::string_view_literals;
  options o;
  if (args.empty()) return o;  // help overview

  std::size_t i = 0;
  const std::string_view first = args[0];
  if (first == "--version" || first == "-V") {
    o.cmd = command::version;
    return o;
  }
  if (first == "--help" || first == "-h") return o;
  const auto cmd = parse_command(first);
  if (!cmd || *cmd == command::version)
    throw usage_error("unknown command \"" + std::string(first) +
                      "\" (commands: generate, estimate, status, wait, cancel, download, batch, sim, help; "
                      "see seedance --help)");
  o.cmd = *cmd;
  ++i;
  if (o.cmd == command::help) {
    if (i < args.size()) {
      const auto topic = parse_command(args[i]);
      if (!topic || *topic == command::help || *topic == command::version)
        throw usage_error("help: unknown command \"" + args[i] + "\"");
      o.help_topic = args[i];
    }
    if (i + 1 < args.size()) throw usage_error("help: takes at most one command name");
    return o;
  }

  const unsigned mask = detail::mask_of(o.cmd);
  const std::string where = "seedance " + std::string(to_string(o.cmd));
  std::vector<std::string> positional;
  std::vector<std::string> frame_images, reference_images;
  bool want_4k = false;
  bool only_positional = false;

  for (; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (only_positional || arg.size() < 2 || arg[0] != '-') {
      positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      o.help_topic = std::string(to_string(o.cmd));
      o.cmd = command::help;
      return o;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos && arg.starts_with("--")) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const detail::flag_spec* spec = detail::find_flag(name);
    if (!spec || (spec->commands & mask) == 0)
      throw usage_error("unknown flag " + std::string(name) + " for " + where + " (see " + where + " --help)");
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = std::string(*inline_value);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw usage_error(std::string(spec->name) + ": needs a value");
      }
    } else if (inline_value) {
      throw usage_error(std::string(spec->name) + ": takes no value" + detail::got(*inline_value));
    }
    const std::string_view flag = spec->name;
    const auto need_nonempty = [&] {
      if (value.empty()) throw usage_error(std::string(flag) + ": must not be empty");
    };

    if (flag == "--provider") {
      const auto p = seedance::parse_provider_id(value);
      if (!p) throw usage_error("--provider: must be kinovi, aihubmax, seedance2ink or ark" + detail::got(value));
      o.conn.provider = *p;
      o.conn.provider_name = value;
    } else if (flag == "--base-url") {
      need_nonempty();
      if (!value.starts_with("https://")) throw usage_error("--base-url: must be an https:// URL" + detail::got(value));
      o.conn.base_url = value;
    } else if (flag == "--ca-file") {
      need_nonempty();
      o.conn.ca_file = value;
    } else if (flag == "--api-key-file") {
      need_nonempty();
      o.conn.api_key_file = value;
    } else if (flag == "--api-key") {
      throw usage_error(
          "--api-key: refused: a key on the command line is visible to every user of this machine (ps, shell "
          "history); set SEEDANCE_API_KEY (or the provider's variable, e.g. KINOVI_API_KEY) or use --api-key-file");
    } else if (flag == "--sim") {
      o.conn.sim = true;
    } else if (flag == "--legacy") {
      o.conn.legacy = true;
    } else if (flag == "--model") {
      need_nonempty();
      if (const auto m = seedance::parse_model(value)) {
        o.req.model = *m;
        o.req.model_id.clear();
      } else {
        o.req.model_id = value;  // a provider's own id, e.g. an Ark endpoint "ep-..."
      }
    } else if (flag == "--image") {
      need_nonempty();
      frame_images.push_back(value);
    } else if (flag == "--reference-image") {
      need_nonempty();
      reference_images.push_back(value);
    } else if (flag == "--reference-video") {
      need_nonempty();
      o.req.videos.push_back(value);
    } else if (flag == "--reference-audio") {
      need_nonempty();
      o.req.audios.push_back(value);
    } else if (flag == "--prompt") {
      o.req.prompt = value;
    } else if (flag == "--ratio") {
      const auto r = seedance::parse_aspect_ratio(value);
      if (!r) throw usage_error("--ratio: must be 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive" + detail::got(value));
      o.req.ratio = *r;
    } else if (flag == "--resolution") {
      const auto r = seedance::parse_resolution(value);
      if (!r) throw usage_error("--resolution: must be 480p, 720p, 1080p or 4k" + detail::got(value));
      o.req.resolution = *r;
    } else if (flag == "--duration") {
      const auto d = seedance::parse_duration(value);
      if (!d) throw usage_error("--duration: must be a number of seconds (e.g. 5) or auto" + detail::got(value));
      o.req.duration = *d;
    } else if (flag == "--seed") {
      o.req.seed = parse_integer(flag, value, -1, 4294967295LL, "must be -1 (random) or 0..4294967295");
    } else if (flag == "--no-audio") {
      o.req.generate_audio = false;
    } else if (flag == "--4k") {
      want_4k = true;
    } else if (flag == "--callback-url") {
      need_nonempty();
      o.req.callback_url = value;
    } else if (flag == "--deadline") {
      o.deadline = parse_time_span(flag, value);
    } else if (flag == "--poll-interval") {
      o.poll_interval = parse_time_span(flag, value);
    } else if (flag == "--output") {
      need_nonempty();
      o.output = value;
    } else if (flag == "--overwrite") {
      o.overwrite = true;
    } else if (flag == "--json") {
      o.json = true;
    } else if (flag == "--concurrency") {
      o.concurrency = static_cast<std::size_t>(parse_integer(flag, value, 1, 1000, "must be 1..1000"));
    } else if (flag == "--journal") {
      need_nonempty();
      o.journal = value;
    } else if (flag == "--out-dir") {
      need_nonempty();
      o.out_dir = value;
    } else if (flag == "--resolve") {
      const auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == value.size())
        throw usage_error("--resolve: must be JOB=TASK_ID or JOB=none (JOB: a line number or output name)" +
                          detail::got(value));
      o.resolutions.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (flag == "--port") {
      o.port = static_cast<std::uint16_t>(parse_integer(flag, value, 0, 65535, "must be 0..65535 (0: any free port)"));
    } else if (flag == "--time-scale") {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size() || !(v > 0) || v > 1000)
        throw usage_error("--time-scale: must be a number above 0 (1 = real provider timings)" + detail::got(value));
      o.time_scale = v;
    } else if (flag == "--verbose") {
      o.verbose = true;
    } else if (flag == "--ca-out") {
      need_nonempty();
      o.ca_out = value;
    } else if (flag == "--fault-rate") {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size() || !(v >= 0) || v > 1)
        throw usage_error("--fault-rate: must be a probability from 0 to 1" + detail::got(value));
      o.fault_rate = v;
    }
  }

  // Media: frame images and references are two different modes.
  if (!frame_images.empty() && (!reference_images.empty() || !o.req.videos.empty() || !o.req.audios.empty()))
    throw usage_error(
        "--image: cannot be combined with --reference-image/--reference-video/--reference-audio (--image gives the "
        "first and last frame; the --reference-* flags give references)");
  if (frame_images.size() > 2)
    throw usage_error(
        "--image: at most two (the first frame, then the last frame); use --reference-image for "
        "reference images (got " +
        std::to_string(frame_images.size()) + ")");
  if (!reference_images.empty() || !o.req.videos.empty() || !o.req.audios.empty()) {
    o.req.images = std::move(reference_images);
    o.req.mode = seedance::generation_mode::reference;
  } else {
    o.req.images = std::move(frame_images);
  }

  if (o.conn.legacy && o.conn.provider != seedance::provider_id::kinovi)
    throw usage_error("--legacy: only Kinovi has a legacy request schema (provider is " + o.conn.provider_name + ")");
  if (want_4k) {
    if (o.conn.legacy) {
      o.req.upscale_4k = true;  // the legacy schema's 4K upscale of the chosen resolution
    } else if (o.req.resolution && *o.req.resolution != seedance::resolution::p4k) {
      throw usage_error("--4k: conflicts with --resolution " + std::string(seedance::to_string(*o.req.resolution)) +
                        " (without --legacy, --4k means --resolution 4k)");
    } else {
      o.req.resolution = seedance::resolution::p4k;
    }
  }
  if (o.conn.sim && !o.conn.base_url.empty())
    throw usage_error("--sim: cannot be combined with --base-url (--sim starts its own local simulator)");

  // Positional arguments.
  const auto want_positional = [&](std::size_t n, std::string_view what) {
    if (positional.size() < n)
      throw usage_error(where + ": missing " + std::string(what) + " (see " + where + " --help)");
    if (positional.size() > n)
      throw usage_error(where + ": unexpected argument \"" + positional[n] + "\" (see " + where + " --help)");
  };
  switch (o.cmd) {
    case command::status:
    case command::wait:
    case command::cancel:
      want_positional(1, "task ID");
      o.target = positional[0];
      break;
    case command::download:
      want_positional(1, "task ID or https URL");
      o.target = positional[0];
      if (o.output.empty()) throw usage_error("download: -o FILE is required");
      break;
    case command::batch:
      want_positional(1, "MANIFEST.jsonl");
      o.manifest = positional[0];
      if (o.journal.empty()) o.journal = o.manifest + ".journal";
      break;
    default:
      want_positional(0, "");
      break;
  }
  return o;
}

}  // namespace seedance_cli

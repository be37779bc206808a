// seedance/media/sniff.hpp - media format detection and the checks made before anything is sent.
//
// A local file's format is decided by its first bytes (magic numbers), never by its name: a PNG renamed
// .jpg is a PNG, a text file named .png is nothing. A URL's format can only be guessed from the extension of
// its path; when there is none the URL is not checked. Each provider describes what it accepts as plain data
// (media_rules); check_media() compares every input against them and lists every problem at once.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <seedance/capabilities.hpp>
#include <seedance/error.hpp>
#include <seedance/media/source.hpp>
#include <seedance/media_format.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance::media {

using seedance::content_type;
using seedance::format_from_url;
using seedance::kind_of;
using seedance::media_format;
using seedance::media_kind;
using seedance::sniff_format;
using seedance::sniff_length;

/// What a provider accepts for one kind of input.
struct kind_rules {
  std::vector<media_format> formats{};     ///< accepted formats; empty: this kind is not accepted at all
  std::optional<std::uint64_t> max_bytes;  ///< largest accepted size in bytes (inclusive), when published
  std::string limit_text{};                ///< the limit as the provider states it, e.g. "at most 30 MB"
};

/// What a provider accepts, as plain data (a provider or a user can supply their own).
struct media_rules {
  std::string provider{};  ///< "Kinovi", "aihubmax", ... for messages
  kind_rules image{};
  kind_rules video{};
  kind_rules audio{};
  std::optional<std::uint64_t> max_request_body_bytes;  ///< whole create request, when media is inlined (Ark)

  /// The rules of `kind`. Never throws.
  const kind_rules& of(media_kind kind) const noexcept {
    return kind == media_kind::image ? image : kind == media_kind::video ? video : audio;
  }
};

/// One megabyte as providers write it (10^6 bytes; smaller than a MiB, so a check against it never lets a
/// file through that the provider's own limit would refuse).
inline constexpr std::uint64_t megabyte = 1'000'000;

/// The media rules of a provider's table (its media_files): the formats per kind, the size limits the
/// provider publishes, and the request body limit. Never throws except bad_alloc.
inline media_rules rules_for(const capability_table& table) {
  const auto kind = [](enum_set<media_format> formats, std::uint64_t max_bytes) {
    kind_rules out;
    for (unsigned f = 0; f < 32; ++f)
      if (formats.contains(static_cast<media_format>(f))) out.formats.push_back(static_cast<media_format>(f));
    if (max_bytes != 0) {
      out.max_bytes = max_bytes;
      out.limit_text = (max_bytes + 1) % megabyte == 0 ? "under " + std::to_string((max_bytes + 1) / megabyte) + " MB"
                                                       : "at most " + std::to_string(max_bytes / megabyte) + " MB";
    }
    return out;
  };
  const media_rules_table& m = table.media_files;
  media_rules rules;
  rules.provider = std::string(table.display_name);
  rules.image = kind(m.image_formats, m.max_image_bytes);
  rules.video = kind(m.video_formats, m.max_video_bytes);
  rules.audio = kind(m.audio_formats, m.max_audio_bytes);
  if (m.max_request_bytes != 0) rules.max_request_body_bytes = m.max_request_bytes;
  return rules;
}

/// Kinovi's media rules (its current schema's table). Never throws except bad_alloc.
inline media_rules kinovi_media_rules() { return rules_for(kinovi_capabilities); }
/// aihubmax's media rules (its table). Never throws except bad_alloc.
inline media_rules aihubmax_media_rules() { return rules_for(aihubmax_capabilities); }
/// seedance2.ink's media rules (its table). Never throws except bad_alloc.
inline media_rules seedance2ink_media_rules() { return rules_for(seedance2ink_capabilities); }
/// Ark's media rules (its table). Never throws except bad_alloc.
inline media_rules ark_media_rules() { return rules_for(ark_capabilities); }

/// One input to check: its source, the role it plays, and the request field it came from ("images[1]").
struct media_input {
  media_source source{};
  media_kind kind = media_kind::image;
  std::string field{};
};

/// Options of check_media().
struct check_options {
  /// Local images are to be sent inline as base64 data: URIs (Ark): their encoded size counts against
  /// rules.max_request_body_bytes.
  bool inline_local_images = false;
};

/// What check_media() learnt about a local input (for the upload that follows).
struct checked_media {
  media_format format = media_format::unknown;
  std::uint64_t size = 0;
};

/// Size of the base64 text of `bytes` bytes (with padding). Never throws.
constexpr std::uint64_t base64_size(std::uint64_t bytes) noexcept { return (bytes + 2) / 3 * 4; }

namespace detail {

inline std::string format_list(const std::vector<media_format>& formats) {
  std::string out;
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (i > 0) out += i + 1 == formats.size() ? " and " : ", ";
    out += to_string(formats[i]);
  }
  return out;
}

inline std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

/// Reads the first sniff_length bytes and the size of a regular file. Returns the problem text on failure.
inline std::optional<std::string> read_file_head(const std::filesystem::path& path, std::string& head,
                                                 std::uint64_t& size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return "the file " + path.string() + " does not exist";
    return "the file " + path.string() + " cannot be read: " + std::strerror(err);
  }
  struct stat info {};
  std::optional<std::string> failure;
  if (::fstat(fd, &info) != 0) {
    failure = "the file " + path.string() + " cannot be read: " + std::strerror(errno);
  } else if (S_ISDIR(info.st_mode)) {
    failure = path.string() + " is a folder, not a file";
  } else if (!S_ISREG(info.st_mode)) {
    failure = path.string() + " is not a regular file";
  } else {
    size = static_cast<std::uint64_t>(info.st_size);
    head.resize(sniff_length);
    ssize_t got = 0;
    do {
      got = ::pread(fd, head.data(), head.size(), 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
      failure = "the file " + path.string() + " cannot be read: " + std::strerror(errno);
    else
      head.resize(static_cast<std::size_t>(got));
  }
  ::close(fd);
  return failure;
}

}  // namespace detail

/// Checks every input against `rules` before anything is sent or uploaded, and returns every problem found
/// (empty when all are acceptable). For each input:
/// - a URL: an empty one is refused; when its path has a recognisable extension (or a data: URL its media
///   type) the format must be accepted for its kind; asset:// and extension-less URLs are not checked;
/// - a file: it must exist and be a readable regular file (the problem names the path); its format is
///   sniffed from its first bytes (the name does not matter) and must be accepted for its kind; its size must
///   be within the kind's limit;
/// - bytes in memory: sniffed and size-checked the same way; the file name must not be empty.
/// With options.inline_local_images and rules.max_request_body_bytes, the base64 size of all local images
/// must fit in that limit. `facts`, when given, receives the format and size of each input (same order).
/// Only local files are read (their first bytes); no network I/O. Never throws except bad_alloc.
/// Thread-safe.
inline std::vector<problem> check_media(std::span<const media_input> inputs, const media_rules& rules,
                                        const check_options& options = {},
                                        std::vector<checked_media>* facts = nullptr) {
  std::vector<problem> problems;
  std::uint64_t inline_bytes = 0;
  if (facts) facts->assign(inputs.size(), {});
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    const kind_rules& accepted = rules.of(in.kind);
    const std::string kind_name(to_string(in.kind));
    const auto refuse = [&](std::string rule) { problems.push_back({in.field, std::move(rule), in.source.display()}); };
    if (accepted.formats.empty()) {
      refuse(rules.provider + " does not take " + kind_name + " inputs");
      continue;
    }
    const std::string accepted_text = rules.provider + " accepts " + detail::format_list(accepted.formats) + " " +
                                      kind_name + (in.kind == media_kind::audio ? "" : "s");
    const auto check_format = [&](media_format format, std::string_view how) {
      if (std::find(accepted.formats.begin(), accepted.formats.end(), format) != accepted.formats.end()) return true;
      if (format == media_format::unknown) {
        refuse(std::string(how) + " is not a recognised image, video or audio format; " + accepted_text);
      } else {
        const auto detected_kind = kind_of(format);
        refuse(std::string(how) + " is " + std::string(to_string(format)) + " " +
               std::string(to_string(detected_kind.value_or(in.kind))) + "; " + accepted_text);
      }
      return false;
    };

    if (in.source.kind() == source_kind::url) {
      if (in.source.url().empty()) {
        refuse("must not be empty");
        continue;
      }
      if (const auto format = format_from_url(in.source.url())) {
        if (facts) (*facts)[i].format = *format;
        check_format(*format, "the URL's extension says it");
      }
      continue;
    }

    std::string head;
    std::uint64_t size = 0;
    if (in.source.kind() == source_kind::file) {
      if (in.source.path().empty()) {
        refuse("the file path is empty");
        continue;
      }
      if (const auto failure = detail::read_file_head(in.source.path(), head, size)) {
        refuse(*failure);
        continue;
      }
    } else {
      if (in.source.file_name().empty()) refuse("in-memory media needs a file name");
      head = std::string(in.source.bytes().substr(0, sniff_length));
      size = in.source.bytes().size();
    }
    const media_format format = sniff_format(head);
    if (facts) (*facts)[i] = {format, size};
    const std::string what =
        in.source.kind() == source_kind::file ? "the content of " + in.source.path().string() : "the data";
    if (size == 0) {
      refuse(what + " is empty");
      continue;
    }
    check_format(format, what);
    if (accepted.max_bytes && size > *accepted.max_bytes)
      refuse(detail::with_thousands(size) + " bytes is too large: " + rules.provider + " takes " + kind_name + "s " +
             (accepted.limit_text.empty()
                  ? "up to " + detail::with_thousands(*accepted.max_bytes) + " bytes"
                  : accepted.limit_text + " (" + detail::with_thousands(*accepted.max_bytes) + " bytes)"));
    if (options.inline_local_images && in.kind == media_kind::image)
      inline_bytes += base64_size(size) + 32;  // "data:image/...;base64," prefix and JSON quoting
  }
  if (options.inline_local_images && rules.max_request_body_bytes && inline_bytes > *rules.max_request_body_bytes)
    problems.push_back({"images",
                        "the local images inlined as base64 come to " + detail::with_thousands(inline_bytes) +
                            " bytes, over " + rules.provider + "'s request body limit of " +
                            detail::with_thousands(*rules.max_request_body_bytes) + " bytes; upload them instead",
                        {}});
  return problems;
}

}  // namespace seedance::media

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
#include <seedance/error.hpp>
#include <seedance/media/source.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance::media {

/// Formats the library recognises. Some are recognised only to name them in a refusal.
enum class media_format : std::uint8_t {
  unknown,
  jpeg,
  png,
  webp,
  gif,
  bmp,
  tiff,
  heic,
  mp4,
  mov,
  webm,
  mp3,
  wav,
  m4a,
  aac,
  ogg,
  flac,
};

/// The role an input plays in a request.
enum class media_kind : std::uint8_t { image, video, audio };

/// "image", "video" or "audio". Never throws.
constexpr std::string_view to_string(media_kind kind) noexcept {
  switch (kind) {
    case media_kind::image:
      return "image";
    case media_kind::video:
      return "video";
    case media_kind::audio:
      return "audio";
  }
  return "image";
}

/// Display name of a format ("JPEG", "MP4", ...; "unknown" for unknown). Never throws.
constexpr std::string_view to_string(media_format format) noexcept {
  switch (format) {
    case media_format::unknown:
      return "unknown";
    case media_format::jpeg:
      return "JPEG";
    case media_format::png:
      return "PNG";
    case media_format::webp:
      return "WebP";
    case media_format::gif:
      return "GIF";
    case media_format::bmp:
      return "BMP";
    case media_format::tiff:
      return "TIFF";
    case media_format::heic:
      return "HEIC";
    case media_format::mp4:
      return "MP4";
    case media_format::mov:
      return "MOV";
    case media_format::webm:
      return "WebM";
    case media_format::mp3:
      return "MP3";
    case media_format::wav:
      return "WAV";
    case media_format::m4a:
      return "M4A";
    case media_format::aac:
      return "AAC";
    case media_format::ogg:
      return "Ogg";
    case media_format::flac:
      return "FLAC";
  }
  return "unknown";
}

/// The kind a format belongs to; nullopt for unknown. Never throws.
constexpr std::optional<media_kind> kind_of(media_format format) noexcept {
  switch (format) {
    case media_format::jpeg:
    case media_format::png:
    case media_format::webp:
    case media_format::gif:
    case media_format::bmp:
    case media_format::tiff:
    case media_format::heic:
      return media_kind::image;
    case media_format::mp4:
    case media_format::mov:
    case media_format::webm:
      return media_kind::video;
    case media_format::mp3:
    case media_format::wav:
    case media_format::m4a:
    case media_format::aac:
    case media_format::ogg:
    case media_format::flac:
      return media_kind::audio;
    case media_format::unknown:
      break;
  }
  return std::nullopt;
}

/// The Content-Type an upload of this format is sent with ("application/octet-stream" for unknown).
constexpr std::string_view content_type(media_format format) noexcept {
  switch (format) {
    case media_format::jpeg:
      return "image/jpeg";
    case media_format::png:
      return "image/png";
    case media_format::webp:
      return "image/webp";
    case media_format::gif:
      return "image/gif";
    case media_format::bmp:
      return "image/bmp";
    case media_format::tiff:
      return "image/tiff";
    case media_format::heic:
      return "image/heic";
    case media_format::mp4:
      return "video/mp4";
    case media_format::mov:
      return "video/quicktime";
    case media_format::webm:
      return "video/webm";
    case media_format::mp3:
      return "audio/mpeg";
    case media_format::wav:
      return "audio/wav";
    case media_format::m4a:
      return "audio/mp4";
    case media_format::aac:
      return "audio/aac";
    case media_format::ogg:
      return "audio/ogg";
    case media_format::flac:
      return "audio/flac";
    case media_format::unknown:
      break;
  }
  return "application/octet-stream";
}

/// How many leading bytes sniff_format() looks at; give it at least this many when the data is longer.
inline constexpr std::size_t sniff_length = 32;

/// The format of data starting with `head` (its first bytes; sniff_length are enough), by magic numbers:
/// JPEG FF D8 FF; PNG's 8-byte signature; GIF87a/GIF89a; BMP "BM" with a known DIB header size; TIFF II*\0 or
/// MM\0*; RIFF....WEBP and RIFF....WAVE; ISO BMFF "ftyp" boxes by major brand (qt -> MOV, M4A -> M4A,
/// heic/heix/mif1 -> HEIC, anything else -> MP4) and classic QuickTime atoms (moov, mdat, wide, free, skip,
/// pnot -> MOV); WebM/Matroska 1A 45 DF A3; MP3 by an ID3v2 tag or an MPEG audio Layer III frame header;
/// AAC by an ADTS header; OggS; fLaC. Never throws. Thread-safe.
constexpr media_format sniff_format(std::string_view head) noexcept {
  const auto byte = [&](std::size_t i) -> unsigned {
    return i < head.size() ? static_cast<unsigned char>(head[i]) : 256u;
  };
  const auto at = [&](std::size_t offset, std::string_view magic) {
    return head.size() >= offset + magic.size() && head.substr(offset, magic.size()) == magic;
  };
  if (byte(0) == 0xFF && byte(1) == 0xD8 && byte(2) == 0xFF) return media_format::jpeg;
  if (at(0, "\x89PNG\r\n\x1a\n")) return media_format::png;
  if (at(0, "GIF87a") || at(0, "GIF89a")) return media_format::gif;
  if (at(0, "RIFF") && at(8, "WEBP")) return media_format::webp;
  if (at(0, "RIFF") && at(8, "WAVE")) return media_format::wav;
  if (at(0, "BM") && head.size() >= 18) {
    const unsigned dib = byte(14) | (byte(15) << 8) | (byte(16) << 16) | (byte(17) << 24);
    if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124)
      return media_format::bmp;
  }
  if (at(0, std::string_view("II*\0", 4)) || at(0, std::string_view("MM\0*", 4))) return media_format::tiff;
  if (at(4, "ftyp")) {
    if (at(8, "qt  ")) return media_format::mov;
    if (at(8, "M4A ") || at(8, "M4B ")) return media_format::m4a;
    if (at(8, "heic") || at(8, "heix") || at(8, "mif1") || at(8, "msf1")) return media_format::heic;
    return media_format::mp4;
  }
  for (const std::string_view atom : {"moov", "mdat", "wide", "free", "skip", "pnot"})
    if (at(4, atom)) return media_format::mov;
  if (byte(0) == 0x1A && byte(1) == 0x45 && byte(2) == 0xDF && byte(3) == 0xA3) return media_format::webm;
  if (at(0, "OggS")) return media_format::ogg;
  if (at(0, "fLaC")) return media_format::flac;
  if (at(0, "ID3") && byte(3) <= 4) return media_format::mp3;
  if (byte(0) == 0xFF && byte(1) != 256 && (byte(1) & 0xE0) == 0xE0) {
    const unsigned version = (byte(1) >> 3) & 0x3;  // 01 is reserved
    const unsigned layer = (byte(1) >> 1) & 0x3;    // 01 = Layer III, 00 = ADTS (AAC)
    if (layer == 0 && (byte(1) & 0xF6) == 0xF0) return media_format::aac;
    const unsigned bitrate = byte(2) >> 4;              // 1111 is invalid
    const unsigned sample_rate = (byte(2) >> 2) & 0x3;  // 11 is reserved
    if (byte(2) != 256 && version != 1 && layer == 1 && bitrate != 0xF && sample_rate != 3) return media_format::mp3;
  }
  return media_format::unknown;
}

/// The format a URL's (or a path's) extension names, case-insensitively: jpg/jpeg/jpe, png, webp, gif, bmp,
/// tif/tiff, heic/heif, mp4/m4v, mov/qt, webm, mp3, wav, m4a, aac, ogg/oga, flac. The query and fragment are
/// ignored; a data: URL is judged by its media type (data:image/png;base64,... -> PNG); nullopt when nothing
/// is recognisable (no extension, an unknown one, asset://). Never throws. Thread-safe.
inline std::optional<media_format> format_from_url(std::string_view url) {
  const auto lower = [](std::string_view text) {
    std::string out(text);
    for (auto& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  };
  const std::string head = lower(url.substr(0, std::min<std::size_t>(url.size(), 64)));
  if (head.starts_with("asset://")) return std::nullopt;
  if (head.starts_with("data:")) {
    const auto end = url.find_first_of(";,");
    const std::string type = lower(url.substr(5, end == std::string_view::npos ? std::string_view::npos : end - 5));
    for (const auto f : {media_format::jpeg, media_format::png, media_format::webp, media_format::gif,
                         media_format::bmp, media_format::tiff, media_format::heic, media_format::mp4,
                         media_format::mov, media_format::webm, media_format::mp3, media_format::wav, media_format::m4a,
                         media_format::aac, media_format::ogg, media_format::flac})
      if (type == content_type(f)) return f;
    if (type == "image/jpg") return media_format::jpeg;
    if (type == "audio/mp3") return media_format::mp3;
    if (type == "audio/x-wav" || type == "audio/wave") return media_format::wav;
    return std::nullopt;
  }
  std::string_view path = url;
  if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path.remove_prefix(scheme + 3);
    const auto slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  const auto last_slash = path.find_last_of("/\\");
  const std::string_view name = last_slash == std::string_view::npos ? path : path.substr(last_slash + 1);
  const auto dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) return std::nullopt;
  const std::string ext = lower(name.substr(dot + 1));
  struct entry {
    std::string_view ext;
    media_format format;
  };
  static constexpr entry table[] = {
      {"jpg", media_format::jpeg},  {"jpeg", media_format::jpeg}, {"jpe", media_format::jpeg},
      {"png", media_format::png},   {"webp", media_format::webp}, {"gif", media_format::gif},
      {"bmp", media_format::bmp},   {"tif", media_format::tiff},  {"tiff", media_format::tiff},
      {"heic", media_format::heic}, {"heif", media_format::heic}, {"mp4", media_format::mp4},
      {"m4v", media_format::mp4},   {"mov", media_format::mov},   {"qt", media_format::mov},
      {"webm", media_format::webm}, {"mp3", media_format::mp3},   {"wav", media_format::wav},
      {"m4a", media_format::m4a},   {"aac", media_format::aac},   {"ogg", media_format::ogg},
      {"oga", media_format::ogg},   {"flac", media_format::flac},
  };
  for (const auto& e : table)
    if (e.ext == ext) return e.format;
  return std::nullopt;
}

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

/// Kinovi: JPEG/PNG/WebP images, MP4/MOV video, MP3/WAV audio; no published size limits.
inline media_rules kinovi_media_rules() {
  using f = media_format;
  return {"Kinovi",
          {{f::jpeg, f::png, f::webp}, std::nullopt, {}},
          {{f::mp4, f::mov}, std::nullopt, {}},
          {{f::mp3, f::wav}, std::nullopt, {}},
          std::nullopt};
}

/// aihubmax: JPEG/PNG/WebP images at most 30 MB, MP4/MOV video under 50 MB, MP3/WAV audio at most 15 MB.
inline media_rules aihubmax_media_rules() {
  using f = media_format;
  return {"aihubmax",
          {{f::jpeg, f::png, f::webp}, 30 * megabyte, "at most 30 MB"},
          {{f::mp4, f::mov}, 50 * megabyte - 1, "under 50 MB"},
          {{f::mp3, f::wav}, 15 * megabyte, "at most 15 MB"},
          std::nullopt};
}

/// seedance2.ink: JPEG/PNG/WebP/GIF/BMP images, MP4/MOV video (m4v is MP4), MP3/WAV audio; no size limits.
inline media_rules seedance2ink_media_rules() {
  using f = media_format;
  return {"seedance2.ink",
          {{f::jpeg, f::png, f::webp, f::gif, f::bmp}, std::nullopt, {}},
          {{f::mp4, f::mov}, std::nullopt, {}},
          {{f::mp3, f::wav}, std::nullopt, {}},
          std::nullopt};
}

/// BytePlus/Volcengine Ark: JPEG/PNG/WebP/BMP/TIFF/GIF/HEIC images under 30 MB, MP4/MOV video at most
/// 200 MB, WAV/MP3 audio at most 15 MB, and a whole request body of at most 64 MB.
inline media_rules ark_media_rules() {
  using f = media_format;
  return {"Ark",
          {{f::jpeg, f::png, f::webp, f::bmp, f::tiff, f::gif, f::heic}, 30 * megabyte - 1, "under 30 MB"},
          {{f::mp4, f::mov}, 200 * megabyte, "at most 200 MB"},
          {{f::wav, f::mp3}, 15 * megabyte, "at most 15 MB"},
          64 * megabyte};
}

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

// seedance/media_format.hpp - media file formats: what they are called, which kind of input they are, their
// Content-Type, and how to tell them from their first bytes or from a URL's extension. Standard library only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace seedance {

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
  return kind == media_kind::image ? "image" : kind == media_kind::video ? "video" : "audio";
}

namespace detail {
/// What the library knows of one format: its display name, its kind, its Content-Type.
struct media_format_facts {
  std::string_view name;
  std::optional<media_kind> kind;
  std::string_view content_type;
};
/// Indexed by media_format.
inline constexpr media_format_facts media_format_table[] = {
    {"unknown", std::nullopt, "application/octet-stream"},
    {"JPEG", media_kind::image, "image/jpeg"},
    {"PNG", media_kind::image, "image/png"},
    {"WebP", media_kind::image, "image/webp"},
    {"GIF", media_kind::image, "image/gif"},
    {"BMP", media_kind::image, "image/bmp"},
    {"TIFF", media_kind::image, "image/tiff"},
    {"HEIC", media_kind::image, "image/heic"},
    {"MP4", media_kind::video, "video/mp4"},
    {"MOV", media_kind::video, "video/quicktime"},
    {"WebM", media_kind::video, "video/webm"},
    {"MP3", media_kind::audio, "audio/mpeg"},
    {"WAV", media_kind::audio, "audio/wav"},
    {"M4A", media_kind::audio, "audio/mp4"},
    {"AAC", media_kind::audio, "audio/aac"},
    {"Ogg", media_kind::audio, "audio/ogg"},
    {"FLAC", media_kind::audio, "audio/flac"},
};
static_assert(std::size(media_format_table) == static_cast<std::size_t>(media_format::flac) + 1,
              "one entry per media_format, in enum order");

constexpr const media_format_facts& facts_of(media_format format) noexcept {
  const auto index = static_cast<std::size_t>(format);
  return media_format_table[index < std::size(media_format_table) ? index : 0];
}
}  // namespace detail

/// Display name of a format ("JPEG", "MP4", ...; "unknown" for unknown). Never throws.
constexpr std::string_view to_string(media_format format) noexcept { return detail::facts_of(format).name; }

/// The kind a format belongs to; nullopt for unknown. Never throws.
constexpr std::optional<media_kind> kind_of(media_format format) noexcept { return detail::facts_of(format).kind; }

/// The Content-Type an upload of this format is sent with ("application/octet-stream" for unknown).
constexpr std::string_view content_type(media_format format) noexcept { return detail::facts_of(format).content_type; }

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

}  // namespace seedance

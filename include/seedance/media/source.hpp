// seedance/media/source.hpp - where a media input comes from: a URL, a local file, or bytes in memory.
//
// Providers take media only as URLs; a local file or an in-memory frame must be uploaded first (see
// uploader.hpp). A command-line value is a URL when it starts with http://, https://, data: or asset://
// (scheme case-insensitive) and a local path otherwise.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace seedance::media {

/// What kind of source a media_source is.
enum class source_kind { url, file, memory };

/// True when `value` is a URL reference the providers take as is: http://, https://, data: or asset://
/// (the scheme compared case-insensitively). Everything else is a local path. Never throws. Thread-safe.
inline bool is_url_reference(std::string_view value) noexcept {
  const auto starts_with = [&](std::string_view prefix) {
    if (value.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = value[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  return starts_with("http://") || starts_with("https://") || starts_with("data:") || starts_with("asset://");
}

/// One media input: a URL, a local file path, or bytes held in memory together with a file name.
/// Copies are cheap (in-memory bytes are shared, never copied). Thread-compatible; the shared bytes are
/// immutable, so copies may be used from different threads.
class media_source {
 public:
  /// An empty URL source (never valid as an input; check_media reports it).
  media_source() = default;

  /// A URL given to the provider as is (http, https, data: or asset://). Never throws except bad_alloc.
  static media_source from_url(std::string url) {
    media_source s;
    s.kind_ = source_kind::url;
    s.text_ = std::move(url);
    return s;
  }

  /// A file on disk; nothing is opened here (check_media reads it). Never throws except bad_alloc.
  static media_source from_file(std::filesystem::path path) {
    media_source s;
    s.kind_ = source_kind::file;
    s.path_ = std::move(path);
    s.text_ = s.path_.filename().string();
    return s;
  }

  /// Bytes in memory (e.g. a rendered frame) with the file name they are uploaded under ("frame.png").
  /// Never throws except bad_alloc.
  static media_source from_bytes(std::string bytes, std::string file_name) {
    media_source s;
    s.kind_ = source_kind::memory;
    s.bytes_ = std::make_shared<const std::string>(std::move(bytes));
    s.text_ = std::move(file_name);
    return s;
  }

  /// Which kind of source this is. Never throws.
  source_kind kind() const noexcept { return kind_; }
  /// True for file and memory sources: they must be uploaded before a provider can use them.
  bool is_local() const noexcept { return kind_ != source_kind::url; }

  /// The URL (url sources; empty otherwise). Never throws.
  const std::string& url() const noexcept { return kind_ == source_kind::url ? text_ : empty_; }
  /// The file path (file sources; empty otherwise). Never throws.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The bytes (memory sources; empty otherwise). Valid as long as any copy of this source lives.
  std::string_view bytes() const noexcept { return bytes_ ? std::string_view(*bytes_) : std::string_view(); }
  /// The base name an upload uses: the file's name (never its folders) or the in-memory name; empty for URLs.
  const std::string& file_name() const noexcept { return kind_ == source_kind::url ? empty_ : text_; }

  /// How the source is named in messages: the URL, the path as given, or "<memory: NAME>".
  std::string display() const {
    switch (kind_) {
      case source_kind::url:
        return text_;
      case source_kind::file:
        return path_.string();
      case source_kind::memory:
        return "<memory: " + text_ + ">";
    }
    return text_;
  }

 private:
  inline static const std::string empty_{};

  source_kind kind_ = source_kind::url;
  std::string text_{};  // URL, or the file name of a file/memory source
  std::filesystem::path path_{};
  std::shared_ptr<const std::string> bytes_{};
};

/// Classifies a command-line or manifest value: a URL reference (see is_url_reference) stays a URL; anything
/// else is a local path, made absolute against `base_folder` when relative (the manifest's folder for a batch
/// manifest, the current directory for the command line when `base_folder` is empty). Nothing is opened.
/// Never throws except bad_alloc and filesystem_error from current_path(). Thread-safe.
inline media_source classify_media_argument(std::string_view value, const std::filesystem::path& base_folder = {}) {
  if (is_url_reference(value)) return media_source::from_url(std::string(value));
  std::filesystem::path path{std::string(value)};
  if (!value.empty() && path.is_relative()) {
    const std::filesystem::path base = base_folder.empty() ? std::filesystem::current_path() : base_folder;
    path = (base / path).lexically_normal();
  }
  return media_source::from_file(std::move(path));
}

}  // namespace seedance::media

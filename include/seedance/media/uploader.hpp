// seedance/media/uploader.hpp - turning a local file or in-memory bytes into a URL a provider can fetch.
//
// An uploader is anything with one coroutine, upload(upload_request) -> upload_result, so a service can plug
// in its own storage (a CDN, a bucket it already has). The library's models: the S3-compatible uploader
// (s3.hpp) and the providers' own upload endpoints. source_reader gives every uploader the same bounded-memory
// access to a source: positional reads from the file (never the whole file in memory) or from the bytes.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <seedance/error.hpp>
#include <seedance/media/digest.hpp>
#include <seedance/media/source.hpp>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace seedance::media {

/// Called as bytes go out: (bytes handed to the connection so far, total bytes), on the uploader's executor;
/// it must not block. A retried attempt starts again from 0.
using progress_callback = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// What to upload.
struct upload_request {
  media_source source{};       ///< a file or in-memory bytes (a URL source is refused: it needs no upload)
  std::string file_name{};     ///< the name stored with the object; empty: source.file_name()
  std::string content_type{};  ///< e.g. "image/png"; empty: "application/octet-stream"
  progress_callback progress{};
};

/// What an upload produced.
struct upload_result {
  std::string url{};             ///< the URL to give the provider (public, or presigned for reading)
  std::uint64_t size = 0;        ///< bytes of the object
  bool already_present = false;  ///< the same object was already stored: nothing was sent
};

/// An uploader: `co_await u.upload(std::move(request))` stores the bytes and returns a URL the provider can
/// fetch. Models report failures as seedance::error (never with a secret in the text) and honour asio
/// per-operation cancellation (std::system_error(operation_aborted)).
template <class U>
concept uploader = requires(U& u, upload_request request) {
  { u.upload(std::move(request)) } -> std::same_as<asio::awaitable<upload_result>>;
};

/// A type-erased uploader (shares the one it was made from). Copyable; thread safety is the model's.
class any_uploader {
 public:
  any_uploader() = default;

  /// Wraps `model`, which is moved into shared ownership.
  template <uploader U>
  requires(!std::same_as<std::remove_cvref_t<U>, any_uploader>)
      any_uploader(U model)  // NOLINT(google-explicit-constructor): any uploader converts
      : call_([shared = std::make_shared<U>(std::move(model))](upload_request request) {
          return shared->upload(std::move(request));
        }) {}

  /// True when it wraps an uploader. Never throws.
  explicit operator bool() const noexcept { return static_cast<bool>(call_); }

  /// Forwards to the wrapped uploader. Errors: seedance::error(errc::unsupported) when empty, otherwise the
  /// model's.
  asio::awaitable<upload_result> upload(upload_request request) const {
    if (!call_) throw seedance::error(errc::unsupported, "no uploader is configured for local media");
    return call_(std::move(request));
  }

 private:
  std::function<asio::awaitable<upload_result>(upload_request)> call_{};
};

/// Positional, bounded-memory reads of a file or in-memory source. A file is opened once (and kept open) and
/// read with pread, so the same reader can serve a hash pass and any number of upload attempts. Movable, not
/// copyable; not thread-safe.
class source_reader {
 public:
  /// Opens `source`. Errors: seedance::error(errc::io_error) naming the path when the file cannot be opened
  /// or is not a regular file; errc::invalid_request for a URL source.
  explicit source_reader(const media_source& source) : source_(source) {
    if (source.kind() == source_kind::url)
      throw seedance::error(errc::invalid_request, "upload: " + source.display() + " is a URL and needs no upload");
    if (source.kind() == source_kind::memory) {
      size_ = source.bytes().size();
      return;
    }
    fd_ = ::open(source.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open");
    struct stat info {};
    if (::fstat(fd_, &info) != 0) fail("cannot read");
    if (!S_ISREG(info.st_mode)) {
      ::close(fd_);
      fd_ = -1;
      throw seedance::error(errc::io_error, "upload: " + source.path().string() + " is not a regular file");
    }
    size_ = static_cast<std::uint64_t>(info.st_size);
#ifdef POSIX_FADV_SEQUENTIAL
    (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }

  source_reader(source_reader&& other) noexcept
      : source_(std::move(other.source_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}
  source_reader& operator=(source_reader&&) = delete;
  source_reader(const source_reader&) = delete;
  source_reader& operator=(const source_reader&) = delete;
  ~source_reader() {
    if (fd_ >= 0) ::close(fd_);
  }

  /// The size in bytes (of the file when it was opened). Never throws.
  std::uint64_t size() const noexcept { return size_; }

  /// Reads up to buffer.size() bytes at `offset`; returns how many (0 at the end). A file that shrank
  /// since it was opened sets `ec` to errc::io_error. Never throws. Thread safety: see the class.
  std::size_t read_at(std::uint64_t offset, std::span<char> buffer, std::error_code& ec) const noexcept {
    if (offset >= size_) return 0;
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size_ - offset));
    if (fd_ < 0) {
      std::memcpy(buffer.data(), source_.bytes().data() + offset, wanted);
      return wanted;
    }
    std::size_t done = 0;
    while (done < wanted) {
      const ssize_t got = ::pread(fd_, buffer.data() + done, wanted - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        ec = got < 0 ? std::error_code(errno, std::generic_category()) : make_error_code(errc::io_error);
        return done;
      }
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

  /// A body_source-style read function bound to this reader (the reader must outlive it), calling
  /// `progress` with the bytes read so far. Never throws except bad_alloc.
  std::function<std::size_t(std::uint64_t, std::span<char>, std::error_code&)> read_function(
      progress_callback progress = {}) const {
    return [this, progress = std::move(progress)](std::uint64_t offset, std::span<char> buffer, std::error_code& ec) {
      const std::size_t got = read_at(offset, buffer, ec);
      if (!ec && got < std::min<std::uint64_t>(buffer.size(), size_ - std::min(offset, size_)))
        ec = make_error_code(errc::io_error);
      if (progress && !ec) progress(offset + got, size_);
      return got;
    };
  }

  /// How the source is named in messages. Never throws except bad_alloc.
  std::string display() const { return source_.display(); }

 private:
  [[noreturn]] void fail(const char* what) {
    const int err = errno;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw seedance::error(errc::io_error,
                          "upload: " + std::string(what) + " " + source_.path().string() + ": " + std::strerror(err));
  }

  media_source source_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// SHA-256 of everything `reader` holds, read 1 MiB at a time. Yields to the executor between pieces (a
/// large file does not stall other work on it) and stops when the awaiting coroutine is cancelled.
/// Errors: seedance::error(errc::io_error) naming the source when a read fails or the file shrinks;
/// std::system_error(operation_aborted) on cancellation. Thread safety: see source_reader.
template <class Deferred = void>
asio::awaitable<digest256> hash_source(const source_reader& reader) {
  constexpr std::size_t piece = 1 << 20;
  std::vector<char> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(reader.size(), piece)));
  sha256 hash;
  for (std::uint64_t offset = 0; offset < reader.size();) {
    std::error_code ec;
    const std::size_t got = reader.read_at(offset, buffer, ec);
    if (ec || got == 0)
      throw seedance::error(errc::io_error, "upload: reading " + reader.display() + " failed" +
                                                (ec ? ": " + ec.message() : std::string(": the file shrank")));
    hash.update(std::string_view(buffer.data(), got));
    offset += got;
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) throw std::system_error(asio::error::operation_aborted);
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  }
  co_return hash.finish();
}

}  // namespace seedance::media

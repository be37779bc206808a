// seedance/detail/atomic_file.hpp - a file that appears at its final path complete or not at all:
// written to a temporary file beside the target, fsynced, then renamed (or hard-linked when overwriting is
// not allowed, so an existing file is never replaced by a race). POSIX.
#pragma once

#include <seedance/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace seedance::detail {

class atomic_file {
 public:
  /// Creates a uniquely named temporary file in the target's directory. Throws error(file_exists) when
  /// the target exists and `overwrite` is false, error(io_error) when the directory is not writable.
  atomic_file(std::filesystem::path target, bool overwrite) : target_(std::move(target)), overwrite_(overwrite) {
    if (target_.filename().empty()) throw error(errc::io_error, "download: target path names no file");
    std::error_code ec;
    if (!overwrite_ && std::filesystem::exists(target_, ec))
      throw error(errc::file_exists, "download: " + target_.string() + " exists (pass overwrite to replace it)");
    auto dir = target_.parent_path();
    if (dir.empty()) dir = ".";
    std::string pattern = (dir / ("." + target_.filename().string() + ".part-XXXXXX")).string();
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) throw io_failure("cannot create a temporary file in " + dir.string());
    temp_ = pattern;
  }

  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  /// Removes the temporary file unless committed.
  ~atomic_file() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  }

  /// Appends bytes. Throws error(io_error) (disk full, I/O error).
  void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw io_failure("cannot write " + temp_.string());
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
    start_writeback();
  }

  /// Discards everything written (a server ignored our Range request and sent the whole file again).
  void restart() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0)
      throw io_failure("cannot truncate " + temp_.string());
    size_ = 0;
    written_back_ = 0;
  }

  /// Bytes written so far.
  std::uint64_t size() const noexcept { return size_; }

  /// Reads up to `n` bytes from the start of the file (for format checks).
  std::string head(std::size_t n) const {
    std::string out(n, '\0');
    const auto got = ::pread(fd_, out.data(), n, 0);
    out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return out;
  }

  /// fsyncs the data, moves it to the target and fsyncs the directory. Throws error(file_exists) when the
  /// target appeared meanwhile and overwrite is false, error(io_error) otherwise. After a throw the
  /// temporary file is still removed by the destructor.
  void commit() {
    if (::fsync(fd_) != 0) throw io_failure("cannot sync " + temp_.string());
    ::close(fd_);
    fd_ = -1;
    if (overwrite_) {
      if (::rename(temp_.c_str(), target_.c_str()) != 0) throw io_failure("cannot rename to " + target_.string());
    } else {
      // link() fails with EEXIST instead of replacing: no race can clobber an existing file.
      if (::link(temp_.c_str(), target_.c_str()) != 0) {
        if (errno == EEXIST) throw error(errc::file_exists, "download: " + target_.string() + " exists");
        throw io_failure("cannot create " + target_.string());
      }
      ::unlink(temp_.c_str());
    }
    committed_ = true;
    auto dir = target_.parent_path();
    if (dir.empty()) dir = ".";
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }

  const std::filesystem::path& temp_path() const noexcept { return temp_; }

 private:
  /// Bytes after which the disk write of what came before is started.
  static constexpr std::uint64_t writeback_window = 8u << 20;

  /// Starts (does not wait for) writing each completed window to disk, so that commit()'s fsync finds little
  /// left to do: the disk works while the network does. Best effort; Linux only.
  void start_writeback() noexcept {
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    if (size_ - written_back_ < writeback_window) return;
    const std::uint64_t length = (size_ - written_back_) / writeback_window * writeback_window;
    ::sync_file_range(fd_, static_cast<off_t>(written_back_), static_cast<off_t>(length), SYNC_FILE_RANGE_WRITE);
    written_back_ += length;
#endif
  }

  static error io_failure(const std::string& what) {
    return error(errc::io_error, "download: " + what + ": " + std::strerror(errno));
  }

  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool overwrite_;
  int fd_ = -1;
  bool committed_ = false;
  std::uint64_t size_ = 0;
  std::uint64_t written_back_ = 0;  ///< bytes whose write to disk was started
};

/// True when `head` starts like an ISO BMFF (MP4) file: a first box of type "ftyp" with a sane size.
inline bool looks_like_mp4(std::string_view head) noexcept {
  if (head.size() < 12 || head.substr(4, 4) != "ftyp") return false;
  const auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(head[i])); };
  const std::uint32_t size = (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
  return size >= 8 && size <= 4096;
}

}  // namespace seedance::detail

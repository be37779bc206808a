// seedance/detail/atomic_file.hpp - a file that appears at its final path complete or not at all:
// written to a temporary file beside the target, fsynced, then renamed (or hard-linked when overwriting is
// not allowed, so an existing file is never replaced by a race). POSIX.
#pragma once

#include <seedance/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
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
    // Not mkstemp(): it creates mode 0600 whatever the umask. open(O_EXCL, 0666) lets the umask (and a default
    // ACL) decide, so the renamed file has the mode any other new file of the user would have.
    const std::string prefix = (dir / ("." + target_.filename().string() + ".part-")).string();
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
      std::string candidate = prefix + unique_suffix();
      fd_ = ::open(candidate.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd_ >= 0)
        temp_ = std::move(candidate);
      else if (errno != EEXIST)
        break;
    }
    if (fd_ < 0) throw io_failure("cannot create a temporary file in " + dir.string());
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

  /// Six letters and digits, different for every call in the process and unlikely to repeat across processes.
  static std::string unique_suffix() {
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t x = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                      (static_cast<std::uint64_t>(::getpid()) << 32) ^
                      (counter.fetch_add(1, std::memory_order_relaxed) * 0x9e3779b97f4a7c15ULL);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 29;
    constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string out(6, '0');
    for (char& c : out) {
      c = alphabet[x % alphabet.size()];
      x /= alphabet.size();
    }
    return out;
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

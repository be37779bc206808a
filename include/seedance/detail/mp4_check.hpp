// seedance/detail/mp4_check.hpp - checks that a downloaded MP4 is whole: its top-level ISO BMFF boxes must fill
// the file exactly. A transfer cut short whose Content-Length was cut with it (a proxy, a faulty server) still
// starts with a good `ftyp` box; only the box sizes show that the end is missing. POSIX.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>

namespace seedance::detail {

/// True when the top-level boxes of the file at `path` (`size` bytes) end exactly at `size`: each box header
/// (32-bit size and type, or size 1 and a 64-bit size; size 0 means "to the end of the file") is followed by
/// the next box or by the end. False for a box that runs past the end, a size below its header, a file that
/// cannot be read, or more than `max_boxes` boxes (a bound on the work). Never throws.
inline bool mp4_boxes_fill_file(const std::filesystem::path& path, std::uint64_t size,
                                std::uint64_t max_boxes = 1'000'000) noexcept {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const auto read_u32 = [](const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
  };
  bool whole = false;
  std::uint64_t offset = 0;
  for (std::uint64_t boxes = 0; boxes < max_boxes; ++boxes) {
    if (offset == size) {
      whole = boxes > 0;
      break;
    }
    if (size - offset < 8) break;  // a header cut short
    unsigned char header[16];
    const std::size_t want = size - offset >= 16 ? 16 : 8;
    if (::pread(fd, header, want, static_cast<off_t>(offset)) != static_cast<ssize_t>(want)) break;
    std::uint64_t box = read_u32(header);
    std::uint64_t header_size = 8;
    if (box == 1) {  // 64-bit size follows the type
      if (want < 16) break;
      box = (std::uint64_t{read_u32(header + 8)} << 32) | read_u32(header + 12);
      header_size = 16;
    } else if (box == 0) {  // the box extends to the end of the file
      box = size - offset;
    }
    if (box < header_size || box > size - offset) break;
    offset += box;
  }
  ::close(fd);
  return whole;
}

}  // namespace seedance::detail

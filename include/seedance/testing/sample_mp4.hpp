// seedance/testing/sample_mp4.hpp - the small, real MP4 the simulator serves as every task's output: 2 s,
// 160x90, 24 fps H.264 with an AAC tone, moov first. Handy for users' own download and player tests.
#pragma once

#include <seedance/testing/detail/sample_mp4_data.hpp>

#include <cstddef>
#include <span>

namespace seedance::testing {

/// The bytes of the sample clip (static storage, never copied). Never throws; thread-safe.
inline std::span<const unsigned char> sample_mp4() noexcept { return detail::sample_mp4(); }

}  // namespace seedance::testing

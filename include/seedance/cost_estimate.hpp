// seedance/cost_estimate.hpp - the shape of a cost estimate made before anything is spent, and the pieces
// every provider's price rule (include/seedance/providers/<name>/pricing.hpp) shares. No Asio, no OpenSSL.
#pragma once

#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seedance {

/// How much to trust an estimate.
enum class estimate_confidence : std::uint8_t {
  documented,  ///< straight from the provider's published table, with every setting given
  inferred,    ///< a documented table or formula, plus an assumption (a default, a frame size, a fit)
  low,         ///< extrapolated from very few published examples
  unknown,     ///< no figure
};

/// An estimate made before submitting.
struct cost_estimate {
  std::optional<seedance::cost> cost{};  ///< credits (Kinovi, seedance2.ink) or tokens (Ark); nullopt: unknown
  std::optional<seedance::cost> usd{};   ///< US dollars, where a unit price is known (Ark 2.0 and 2.0-fast)
  estimate_confidence confidence = estimate_confidence::unknown;
  std::string basis{};  ///< how the figure was computed, or why there is none
};

/// Output frame size in pixels.
struct frame_size {
  int width = 0;
  int height = 0;
};

/// The nominal output frame size for a resolution and ratio (Kinovi's published table; 4k is 3840x2160 at
/// 16:9 and 2160x3840 at 9:16). nullopt for `adaptive` (it follows the input media) and for 4k at other
/// ratios (same pixel budget, exact size unpublished). Never throws.
constexpr std::optional<frame_size> nominal_frame_size(resolution res, aspect_ratio ratio) noexcept {
  constexpr std::array<std::array<frame_size, 6>, 3> table{{
      // 16:9       9:16        1:1         4:3         3:4         21:9
      {{{864, 496}, {496, 864}, {640, 640}, {752, 560}, {560, 752}, {992, 432}}},            // 480p
      {{{1280, 720}, {720, 1280}, {960, 960}, {1112, 834}, {834, 1112}, {1470, 630}}},       // 720p
      {{{1920, 1080}, {1080, 1920}, {1440, 1440}, {1664, 1248}, {1248, 1664}, {2206, 946}}}  // 1080p
  }};
  if (ratio == aspect_ratio::adaptive) return std::nullopt;
  if (res == resolution::p4k) {
    if (ratio == aspect_ratio::r16_9) return frame_size{3840, 2160};
    if (ratio == aspect_ratio::r9_16) return frame_size{2160, 3840};
    return std::nullopt;
  }
  return table[static_cast<std::size_t>(res)][static_cast<std::size_t>(ratio)];
}

/// The price rule of provider P, specialised in the provider's folder: `static cost_estimate estimate(const
/// request&, const provider_options&)`.
template <provider_id P>
struct provider_pricing;

namespace detail {

inline cost_estimate no_estimate(std::string basis) {
  cost_estimate e;
  e.basis = std::move(basis);
  return e;
}

inline std::optional<seedance::cost> estimated(double amount, cost_unit unit) {
  return seedance::cost{.amount = amount, .unit = unit, .estimated = true};
}

inline std::string seconds_text(std::int64_t s) { return std::to_string(s) + " s"; }

}  // namespace detail

}  // namespace seedance

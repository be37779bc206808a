// seedance/providers/ark/pricing.hpp - Ark's price rule: output tokens from the frame size and duration, and
// US dollars at the BytePlus list price. No Asio, no OpenSSL.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/cost_estimate.hpp>
#include <seedance/request.hpp>
#include <seedance/vocabulary.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace seedance {

/// Ark output tokens for `seconds` of video at `width` x `height`: W * H * (24 * seconds + 1) / 1024, rounded
/// down. Fits the published examples exactly once sides are rounded up to multiples of 16 (1080p counts as
/// 1920x1088); see ark_coded_size(). Never throws.
constexpr std::uint64_t ark_tokens(int width, int height, std::int64_t seconds) noexcept {
  return static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) *
         static_cast<std::uint64_t>(24 * seconds + 1) / 1024;
}

/// A frame size with each side rounded up to a multiple of 16 (coded macroblock size). Never throws.
constexpr frame_size ark_coded_size(frame_size f) noexcept {
  return {(f.width + 15) / 16 * 16, (f.height + 15) / 16 * 16};
}

/// BytePlus list price in US dollars per million output tokens without video input, or nullopt where unknown
/// (seedance-1.5-pro). Never throws.
constexpr std::optional<double> ark_usd_per_million_tokens(model m) noexcept {
  switch (m) {
    case model::seedance_2_0:
      return 7.0;
    case model::seedance_2_0_fast:
      return 5.6;
    case model::seedance_1_5_pro:
      break;
  }
  return std::nullopt;
}

/// Ark's price rule.
template <>
struct provider_pricing<provider_id::ark> {
  /// The estimate of `r`. Pure; throws only bad_alloc.
  static cost_estimate estimate(const request& r, const provider_options&) {
    using detail::estimated;
    using detail::no_estimate;
    using detail::seconds_text;
    std::string notes;
    const resolution res = r.resolution.value_or(resolution::p720);
    if (!r.resolution) notes += "; resolution not set: assumed the default 720p";
    aspect_ratio ratio = r.ratio.value_or(aspect_ratio::r16_9);
    if (!r.ratio || ratio == aspect_ratio::adaptive) {
      notes += "; ratio follows the input: assumed the 16:9 pixel budget";
      ratio = aspect_ratio::r16_9;
    }
    auto nominal = nominal_frame_size(res, ratio);
    if (!nominal) {  // 4k at a ratio other than 16:9 / 9:16: same pixel budget
      nominal = frame_size{3840, 2160};
      notes += "; 4k at this ratio: assumed the 3840x2160 pixel budget";
    }
    const frame_size coded = ark_coded_size(*nominal);
    const std::string size_text = std::to_string(coded.width) + "x" + std::to_string(coded.height);
    if (r.duration == auto_duration) {
      return no_estimate("Ark: auto duration lets the model choose 4 to 15 s; at most " +
                         std::to_string(ark_tokens(coded.width, coded.height, 15)) + " tokens at " + size_text);
    }
    const std::int64_t seconds = r.duration ? r.duration->count() : 5;
    if (!r.duration) notes += "; duration not set: assumed the default 5 s";
    const std::uint64_t tokens = ark_tokens(coded.width, coded.height, seconds);
    const std::string formula = "Ark tokens = W x H x (24 x duration + 1) / 1024 at " + size_text + " x " +
                                seconds_text(seconds) + " = " + std::to_string(tokens);
    if (!r.videos.empty())
      return no_estimate(formula +
                         " for the output only; reference videos add tokens for their own length, which "
                         "is not known before upload" +
                         notes);
    cost_estimate e;
    e.cost = estimated(static_cast<double>(tokens), cost_unit::tokens);
    e.confidence = estimate_confidence::inferred;  // the formula is a fit to published examples
    e.basis = formula + " (formula fitted to published examples)" + notes;
    if (const auto usd = r.model_id.empty() ? ark_usd_per_million_tokens(r.model) : std::nullopt) {
      e.usd = estimated(static_cast<double>(tokens) * *usd / 1e6, cost_unit::usd);
      e.basis += "; USD at the BytePlus list price of $" + std::string(*usd == 7.0 ? "7.0" : "5.6") +
                 " per million tokens (1080p may bill higher)";
    } else {
      e.basis += "; USD price unknown for this model";
    }
    return e;
  }
};

}  // namespace seedance

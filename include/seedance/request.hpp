// seedance/request.hpp - what to generate: prompt, media, options.
//
// `request` holds run-time values (CLI flags, config files) and is checked by `validate<Provider>()` before
// any network I/O. The compile-time checked twin `request_for<Provider>` (below) rejects constant models,
// ratios, resolutions and durations the provider does not offer, at compile time.
#pragma once

#include <seedance/vocabulary.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seedance {

/// A generation request, provider-neutral. Unset optionals mean "the provider's default".
struct request {
  seedance::model model = model::seedance_2_0;
  std::string model_id{};  ///< raw provider model id (e.g. Ark "ep-..."); when set it is sent instead of `model`
  std::string prompt{};    ///< may address references as @image1, @video1, @audio1 (case-insensitive)
  std::vector<std::string> images{};      ///< frame modes: first[, last]; reference mode: reference images (<= 9)
  std::vector<std::string> videos{};      ///< reference videos (<= 3); forces reference mode
  std::vector<std::string> audios{};      ///< reference audio clips (<= 3); forces reference mode, never alone
  std::optional<generation_mode> mode{};  ///< deduced from the media when unset (see deduce_mode)
  std::optional<aspect_ratio> ratio{};
  std::optional<seedance::resolution> resolution{};
  std::optional<seedance::duration> duration{};  ///< 4..15 s, or auto_duration where the provider allows
  std::optional<std::int64_t> seed{};            ///< -1 or 0..4294967295
  std::optional<bool> generate_audio{};          ///< false: silent mp4
  bool upscale_4k = false;          ///< Kinovi legacy schema `upscaleResolution: "4k"`; elsewhere use resolution::p4k
  std::string callback_url{};       ///< provider webhook target (https)
  std::optional<bool> watermark{};  ///< Ark
  bool return_last_frame = false;   ///< Ark: also return the last frame image
  std::optional<std::chrono::seconds> expires_after{};  ///< Ark execution_expires_after (3600..259200 s)
  std::optional<bool> camera_fixed{};                   ///< Ark
  bool high_bitrate = false;                            ///< Kinovi `bitrate_mode: "high"`
  boost::json::object metadata{};                       ///< seedance2.ink free-form metadata
  boost::json::object extra{};                          ///< merged into the provider's body last (escape hatch)
};

/// The mode a request runs in: `mode` when set; otherwise reference when any video or audio is given or
/// more than two images, first_last_frame for two images, first_frame for one, text for none.
inline generation_mode deduce_mode(const request& r) noexcept {
  if (r.mode) return *r.mode;
  if (!r.videos.empty() || !r.audios.empty() || r.images.size() > 2) return generation_mode::reference;
  if (r.images.size() == 2) return generation_mode::first_last_frame;
  if (r.images.size() == 1) return generation_mode::first_frame;
  return generation_mode::text;
}

}  // namespace seedance

// seedance/providers/ark/capabilities.hpp - what BytePlus ModelArk / Volcengine Ark offers, with the sentences
// its rules speak. No Asio, no OpenSSL, no Boost.
//
// No prompt limit is enforced (the provider's is unconfirmed); a prompt is only required for text-to-video.
// Images (JPEG, PNG, WebP, BMP, TIFF, GIF, HEIC) under 30 MB each, MP4/MOV video up to 200 MB, WAV/MP3 audio up
// to 15 MB; the whole create body (inline data: URIs included) at most 64 MB.
#pragma once

#include <seedance/capability_table.hpp>
#include <seedance/vocabulary.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace seedance {

/// Which Ark deployment a request goes to: it decides the model ids (and the base URL to use).
enum class ark_region : std::uint8_t {
  byteplus,    ///< BytePlus ModelArk (international), https://ark.ap-southeast.bytepluses.com/api/v3
  volcengine,  ///< Volcengine Ark (China), https://ark.cn-beijing.volces.com/api/v3
};

/// BytePlus ModelArk / Volcengine Ark.
inline constexpr capability_table ark_capabilities{
    .id = provider_id::ark,
    .display_name = "BytePlus/Volcengine Ark",
    .default_base_url = "https://ark.ap-southeast.bytepluses.com/api/v3",
    .api_key_env = "ARK_API_KEY",
    .models = {{
        {.model = model::seedance_2_0,
         .offered = true,
         .resolutions = detail::up_to_4k,
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "Ark offers seedance-2.0 at 480p, 720p, 1080p and 4k",
         .duration_rule = "Ark offers seedance-2.0 from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "Ark offers seedance-2.0 in every mode"},
        {.model = model::seedance_2_0_fast,
         .offered = true,
         .resolutions = detail::up_to_720p,
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "Ark offers seedance-2.0-fast only at 480p and 720p",
         .duration_rule = "Ark offers seedance-2.0-fast from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "Ark offers seedance-2.0-fast in every mode"},
        {.model = model::seedance_1_5_pro,
         .offered = true,
         .resolutions = detail::up_to_1080p,
         .durations = duration_set::range(4, 12),
         .auto_duration = true,
         .modes = detail::frame_modes,
         .resolution_rule = "Ark offers seedance-1.5-pro only at 480p, 720p and 1080p",
         .duration_rule = "Ark offers seedance-1.5-pro from 4 to 12 seconds, or auto (-1)",
         .mode_rule = "Ark offers reference mode only with seedance-2.0 and seedance-2.0-fast"},
    }},
    .ratios = detail::all_ratios,
    .media = {.max_images = 9, .max_videos = 3, .max_audios = 3},
    .media_files = {.image_formats =
                        detail::common_image_formats | enum_set<media_format>{media_format::bmp, media_format::tiff,
                                                                              media_format::gif, media_format::heic},
                    .video_formats = detail::common_video_formats,
                    .audio_formats = detail::common_audio_formats,
                    .max_image_bytes = 29'999'999,  // under 30 MB
                    .max_video_bytes = 200'000'000,
                    .max_audio_bytes = 15'000'000,
                    .max_request_bytes = 64'000'000},
    .prompt_required = {generation_mode::text},
    .features = {feature::cancel, feature::webhook, feature::seed, feature::audio_toggle, feature::native_4k,
                 feature::list, feature::data_uri_media, feature::asset_media, feature::watermark, feature::last_frame,
                 feature::execution_expiry, feature::camera_fixed},
    .model_rule = "Ark offers seedance-2.0, seedance-2.0-fast and seedance-1.5-pro",
    .ratio_rule = "Ark offers 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 and adaptive",
    .resolution_rule = "Ark offers 480p, 720p, 1080p and 4k (4k with seedance-2.0 only)",
    .duration_rule = "Ark offers durations from 4 to 15 seconds (seedance-1.5-pro: 4 to 12), or auto (-1)",
    .auto_duration_rule = "Ark offers auto duration (-1)",
};

}  // namespace seedance

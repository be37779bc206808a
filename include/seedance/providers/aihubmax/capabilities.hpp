// seedance/providers/aihubmax/capabilities.hpp - what the aihubmax unified API offers for Seedance, with the
// sentences its rules speak. No Asio, no OpenSSL, no Boost.
//
// Source: aihubmax's "Seedance 2.0 Image to Video" page (480p/720p, 4-15 s or -1, ratios incl. adaptive,
// prompt up to 5000 characters, JPEG/PNG/WebP images up to 30 MB). 1080p for seedance-2.0 appears in the
// provider's model catalog only; it is accepted and marked as such. Its callback is not documented for
// Seedance, so webhooks count as unsupported.
#pragma once

#include <seedance/capability_table.hpp>
#include <seedance/vocabulary.hpp>

#include <string_view>

namespace seedance {

/// aihubmax unified API.
inline constexpr capability_table aihubmax_capabilities{
    .id = provider_id::aihubmax,
    .display_name = "aihubmax",
    .default_base_url = "https://api.aihubmax.com",
    .api_key_env = "AIHUBMAX_API_KEY",
    .models = {{
        {.model = model::seedance_2_0,
         .offered = true,
         .resolutions = detail::up_to_1080p,
         .catalog_only_resolutions = {resolution::p1080},
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "aihubmax offers seedance-2.0 at 480p, 720p and 1080p (1080p: catalog only)",
         .duration_rule = "aihubmax offers seedance-2.0 from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "aihubmax offers seedance-2.0 in every mode"},
        {.model = model::seedance_2_0_fast,
         .offered = true,
         .resolutions = detail::up_to_720p,
         .durations = duration_set::range(4, 15),
         .auto_duration = true,
         .modes = detail::all_modes,
         .resolution_rule = "aihubmax offers seedance-2.0-fast only at 480p and 720p",
         .duration_rule = "aihubmax offers seedance-2.0-fast from 4 to 15 seconds, or auto (-1)",
         .mode_rule = "aihubmax offers seedance-2.0-fast in every mode"},
        detail::not_offered(model::seedance_1_5_pro),
    }},
    .ratios = detail::all_ratios,
    .media = {.max_images = 9,
              .max_videos = 3,
              .max_audios = 3,
              .max_total = 12,
              .total_rule = "aihubmax accepts at most 12 media files in one request"},
    .media_files = {.image_formats = detail::common_image_formats,
                    .video_formats = detail::common_video_formats,
                    .audio_formats = detail::common_audio_formats,
                    .max_image_bytes = 30'000'000,  // "max 30MB"
                    .max_video_bytes = 49'999'999,  // under 50 MB
                    .max_audio_bytes = 15'000'000},
    .max_prompt_code_points = 5000,
    .prompt_required = detail::all_modes,
    .features = {feature::progress, feature::seed, feature::audio_toggle},
    .model_rule = "aihubmax offers only seedance-2.0 and seedance-2.0-fast",
    .ratio_rule = "aihubmax offers 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 and adaptive",
    .resolution_rule = "aihubmax offers only 480p, 720p and 1080p (1080p: catalog only)",
    .duration_rule = "aihubmax offers durations from 4 to 15 seconds, or auto (-1)",
    .auto_duration_rule = "aihubmax offers auto duration (-1)",
};

}  // namespace seedance

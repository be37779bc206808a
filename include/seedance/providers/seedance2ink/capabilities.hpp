// seedance/providers/seedance2ink/capabilities.hpp - what the seedance2.ink Open API offers, with the sentences
// its rules speak. No Asio, no OpenSSL, no Boost.
//
// All media go into one `mediaUrls` list of at most 5 https URLs; the provider tells images, videos and audio
// apart by extension and infers the mode from the media. Its prompt limit is unknown, so none is enforced.
#pragma once

#include <seedance/capability_table.hpp>
#include <seedance/vocabulary.hpp>

#include <string_view>

namespace seedance {

namespace detail::seedance2ink_facts {
inline constexpr std::string_view resolutions = "seedance2.ink offers only 480p, 720p and 1080p";
inline constexpr model_capability offer(model m, duration_set durations, std::string_view duration_rule,
                                        std::string_view mode_rule) {
  return {.model = m,
          .offered = true,
          .resolutions = up_to_1080p,
          .durations = durations,
          .modes = all_modes,
          .resolution_rule = resolutions,
          .duration_rule = duration_rule,
          .mode_rule = mode_rule};
}
}  // namespace detail::seedance2ink_facts

/// seedance2.ink Open API.
inline constexpr capability_table seedance2ink_capabilities{
    .id = provider_id::seedance2ink,
    .display_name = "seedance2.ink",
    .default_base_url = "https://www.seedance2.ink",
    .api_key_env = "SEEDANCE2INK_API_KEY",
    .models = {{
        detail::seedance2ink_facts::offer(model::seedance_2_0, duration_set::range(4, 15),
                                          "seedance2.ink offers seedance-2.0 from 4 to 15 seconds",
                                          "seedance2.ink offers seedance-2.0 in every mode"),
        detail::seedance2ink_facts::offer(model::seedance_2_0_fast, duration_set::range(4, 15),
                                          "seedance2.ink offers seedance-2.0-fast from 4 to 15 seconds",
                                          "seedance2.ink offers seedance-2.0-fast in every mode"),
        detail::seedance2ink_facts::offer(model::seedance_1_5_pro, duration_set::of({5, 10}),
                                          "seedance2.ink offers seedance-1.5-pro only at 5 or 10 seconds",
                                          "seedance2.ink offers seedance-1.5-pro in every mode"),
    }},
    .ratios = {aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1},
    .media = {.max_images = 5,
              .max_videos = 5,
              .max_audios = 5,
              .max_total = 5,
              .total_rule = "seedance2.ink accepts at most 5 media URLs in one request"},
    .media_files = {.image_formats =
                        detail::common_image_formats | enum_set<media_format>{media_format::gif, media_format::bmp},
                    .video_formats = detail::common_video_formats,
                    .audio_formats = detail::common_audio_formats,
                    .https_only = true,
                    .kind_from_extension = true},
    .prompt_required = detail::all_modes,
    .features = {feature::cancel, feature::webhook, feature::metadata},
    .infers_mode_from_media = true,
    .model_rule = "seedance2.ink offers seedance-2.0, seedance-2.0-fast and seedance-1.5-pro",
    .ratio_rule = "seedance2.ink offers only 16:9, 9:16 and 1:1",
    .resolution_rule = detail::seedance2ink_facts::resolutions,
    .duration_rule = "seedance2.ink offers durations from 4 to 15 seconds (seedance-1.5-pro: 5 or 10)",
    .auto_duration_rule = "seedance2.ink does not offer auto duration; give a number of seconds",
};

}  // namespace seedance

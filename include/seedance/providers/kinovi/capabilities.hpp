// seedance/providers/kinovi/capabilities.hpp - what Kinovi (kinovi.ai, mirror seedance2-pro.com) offers, in
// both of its request schemas, with the sentences its rules speak. No Asio, no OpenSSL, no Boost.
//
// Sources: Kinovi's model pages (image-to-video, Omni Reference: the legacy schema, prices per output second,
// materials table) and its 2026 model READMEs (the current schema: native 4k, seed, generate_audio).
#pragma once

#include <seedance/capability_table.hpp>
#include <seedance/vocabulary.hpp>

#include <cstdint>
#include <string_view>

namespace seedance {

/// Which Kinovi request schema to speak. The schema changes the rules (see kinovi_legacy_capabilities), the
/// price list and the create body; responses are read the same way for both.
enum class kinovi_schema : std::uint8_t {
  current,  ///< the model READMEs of 2026: imageUrls/videoUrls/audioUrls, integer duration, native 4k
  legacy,   ///< the older model pages: one `urls` array, string duration, upscaleResolution, 1080p default
};

/// Kinovi's choices: the request schema. `kinovi_options{kinovi_schema::legacy}` selects the legacy schema.
struct kinovi_options {
  kinovi_schema schema = kinovi_schema::current;
};

namespace detail::kinovi_facts {

// Materials (Omni Reference page): images JPEG, PNG or WebP; videos MP4, each at most 15 s; audio MP3, WAV or
// other common formats, at most 15 s in all.
inline constexpr media_rules_table materials{.image_formats = common_image_formats,
                                             .video_formats = {media_format::mp4},
                                             .audio_formats = common_audio_formats,
                                             .max_video_seconds = 15,
                                             .max_audio_seconds_total = 15};

inline constexpr model_capability pro(enum_set<resolution> resolutions, std::string_view resolution_rule) {
  return {.model = model::seedance_2_0,
          .offered = true,
          .resolutions = resolutions,
          .durations = duration_set::range(4, 15),
          .modes = all_modes,
          .resolution_rule = resolution_rule,
          .duration_rule = "Kinovi offers seedance-2.0 from 4 to 15 seconds",
          .mode_rule = "Kinovi offers seedance-2.0 in every mode"};
}
inline constexpr model_capability fast{.model = model::seedance_2_0_fast,
                                       .offered = true,
                                       .resolutions = up_to_720p,
                                       .durations = duration_set::range(4, 15),
                                       .modes = all_modes,
                                       .resolution_rule = "Kinovi offers seedance-2.0-fast only at 480p and 720p",
                                       .duration_rule = "Kinovi offers seedance-2.0-fast from 4 to 15 seconds",
                                       .mode_rule = "Kinovi offers seedance-2.0-fast in every mode"};
}  // namespace detail::kinovi_facts

/// Kinovi, current (2026) schema.
inline constexpr capability_table kinovi_capabilities{
    .id = provider_id::kinovi,
    .display_name = "Kinovi",
    .default_base_url = "https://kinovi.ai/api/v1",
    .api_key_env = "KINOVI_API_KEY",
    .models = {{detail::kinovi_facts::pro(detail::up_to_4k, "Kinovi offers seedance-2.0 at 480p, 720p, 1080p and 4k"),
                detail::kinovi_facts::fast, detail::not_offered(model::seedance_1_5_pro)}},
    .ratios = detail::fixed_ratios,
    .media = {.max_images = 9, .max_videos = 3, .max_audios = 3},
    .media_files = detail::kinovi_facts::materials,
    .max_prompt_code_points = 10000,
    .legacy_max_prompt_code_points = 4000,
    .prompt_required = detail::all_modes,
    .features = {feature::webhook, feature::seed, feature::audio_toggle, feature::native_4k, feature::high_bitrate},
    .model_rule = "Kinovi offers only seedance-2.0 and seedance-2.0-fast",
    .ratio_rule = "Kinovi offers 16:9, 9:16, 1:1, 4:3, 3:4 and 21:9, not adaptive",
    .resolution_rule = "Kinovi offers 480p, 720p, 1080p and 4k (1080p and 4k with seedance-2.0 only)",
    .duration_rule = "Kinovi offers durations from 4 to 15 seconds",
    .auto_duration_rule = "Kinovi does not offer auto duration; give 4 to 15 seconds",
};

/// Kinovi, legacy schema: what differs from the current one. Prompt at most 4000 characters and optional in the
/// frame modes, 1080p the default, 4k only as an upscale (`upscale_4k`), no seed, no generate_audio, no bitrate
/// mode.
inline constexpr capability_table kinovi_legacy_capabilities = [] {
  capability_table legacy = kinovi_capabilities;
  legacy.display_name = "Kinovi (legacy schema)";
  legacy.models[0] = detail::kinovi_facts::pro(detail::up_to_1080p,
                                               "the Kinovi legacy schema offers seedance-2.0 at 480p, 720p and 1080p");
  legacy.max_prompt_code_points = 4000;
  legacy.prompt_required = {generation_mode::text, generation_mode::reference};
  legacy.features = {feature::webhook, feature::upscale_4k};
  legacy.resolution_rule =
      "the Kinovi legacy schema offers 480p, 720p and 1080p (1080p with seedance-2.0 only); 4k only as upscale_4k";
  return legacy;
}();

/// The table of a Kinovi schema. Never throws.
constexpr const capability_table& capabilities_for(kinovi_schema schema) noexcept {
  return schema == kinovi_schema::legacy ? kinovi_legacy_capabilities : kinovi_capabilities;
}

}  // namespace seedance

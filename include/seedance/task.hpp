// seedance/task.hpp - a snapshot of a generation task as a provider last reported it, in one shape for all.
#pragma once

#include <seedance/vocabulary.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seedance {

/// One generated video.
struct video {
  std::string url{};                   ///< signed download URL; expires (about 24 h on most providers)
  std::optional<int> width{};          ///< pixels, when reported
  std::optional<int> height{};         ///< pixels, when reported
  std::optional<std::int64_t> seed{};  ///< seed actually used, when reported
  std::string last_frame_url{};        ///< last frame image, when requested and reported
  std::string media_type{};            ///< e.g. "video/mp4", when reported
  std::string task_id{};               ///< the task that produced it
};

/// What the provider says went wrong with a task (not an HTTP error).
struct task_error {
  std::string code{};     ///< provider code, e.g. "2038", "OutputVideoSensitiveContentDetected"; may be empty
  std::string message{};  ///< provider text; may be empty
};

/// Unit of a cost figure.
enum class cost_unit : std::uint8_t { credits, tokens, usd, cny };

/// A cost: reported by the provider or estimated by the library before submitting.
struct cost {
  double amount = 0;
  cost_unit unit = cost_unit::credits;
  bool estimated = false;  ///< true when computed by the library, false when the provider reported it
};

/// Snapshot of a task. Plain value; copy freely.
struct task {
  std::string id{};                        ///< provider task id (e.g. "task_...", "cgt-...", "req_...")
  task_state state = task_state::unknown;  ///< normalised state
  std::string provider_state{};            ///< the provider's own state string, verbatim
  std::optional<int> progress{};           ///< 0..100 where the provider reports it (aihubmax)
  std::vector<video> videos{};             ///< outputs; non-empty only when succeeded
  std::optional<task_error> error{};       ///< set when failed (and sometimes when expired/cancelled)
  std::optional<seedance::cost> cost{};    ///< credits charged/reserved, tokens used, ...
  std::optional<std::chrono::system_clock::time_point> created_at{};
  std::optional<std::chrono::system_clock::time_point> completed_at{};
  std::optional<std::chrono::seconds> estimated_time{};  ///< provider's estimate of total run time (hint)
  std::string model{};                                   ///< model string the provider echoed, if any
  boost::json::value raw{};                              ///< the provider's body as parsed, for fields not mapped here
};

}  // namespace seedance

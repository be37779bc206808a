// examples/cli/progress.hpp - how the `seedance` program shows jobs while they run.
//
// Three styles: `bars` (a terminal: one live progress bar per job, redrawn in place), `lines` (a pipe or a
// log file: one plain line per change of state) and `json` (--json: one JSON object per event). Pure apart
// from writing to the std::ostream it is given; time comes in as arguments, so tests drive it by hand.
#pragma once

#include "json_text.hpp"

#include <seedance/vocabulary.hpp>

#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance_cli {

/// How progress is shown.
enum class output_style : std::uint8_t { bars, lines, json };

using steady_time = std::chrono::steady_clock::time_point;

/// What is known about one job at a moment.
struct job_view {
  std::string label{};           ///< what the user calls the job (output name or task id)
  std::string task_id{};         ///< empty before the task exists
  std::string phase{};           ///< "submitting", "queued", "running", "downloading", "done", "failed", ...
  std::optional<int> percent{};  ///< 0..100: the provider's progress, or the download's
  steady_time started{};         ///< when this job started (for elapsed and ETA)
  std::optional<std::chrono::seconds> provider_estimate{};  ///< the provider's estimate of the total run time
};

/// "0:05", "12:34", "1:02:03". Negative values print as 0:00. Never throws except bad_alloc.
inline std::string format_clock(std::chrono::seconds s) {
  auto total = std::max<std::int64_t>(0, s.count());
  const auto h = total / 3600, m = (total / 60) % 60, sec = total % 60;
  std::string out;
  if (h > 0) out = std::to_string(h) + ":" + (m < 10 ? "0" : "");
  out += std::to_string(m) + ":" + (sec < 10 ? "0" : "") + std::to_string(sec);
  return out;
}

/// Remaining time: from the progress percentage when it is between 1 and 99 (elapsed x remaining/done),
/// otherwise from the provider's estimate of the total; nullopt when nothing is known (or the estimate has
/// passed). Never throws.
inline std::optional<std::chrono::seconds> estimate_remaining(std::chrono::milliseconds elapsed,
                                                              std::optional<int> percent,
                                                              std::optional<std::chrono::seconds> total) noexcept {
  if (percent && *percent >= 1 && *percent <= 99) {
    const double per_percent = static_cast<double>(elapsed.count()) / *percent;
    return std::chrono::seconds(static_cast<std::int64_t>(per_percent * (100 - *percent) / 1000.0 + 0.5));
  }
  if (total) {
    const auto left = *total - std::chrono::duration_cast<std::chrono::seconds>(elapsed);
    if (left.count() > 0) return left;
  }
  return std::nullopt;
}

/// One progress bar line, at most `width` columns, e.g.
///   kite.mp4            [########------------]  40% running      0:12  ETA 0:18
/// Without a percentage the bar shows a marker moving with time. Never throws except bad_alloc.
inline std::string render_bar(const job_view& v, steady_time now, std::size_t width = 80) {
  constexpr std::size_t bar_cells = 20;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - v.started);
  std::string bar(bar_cells, '-');
  if (v.percent) {
    const auto filled = static_cast<std::size_t>(std::clamp(*v.percent, 0, 100)) * bar_cells / 100;
    std::fill_n(bar.begin(), filled, '#');
  } else if (v.phase != "done" && v.phase != "failed") {
    const auto pos = static_cast<std::size_t>(elapsed.count() / 250) % (2 * bar_cells - 2);
    bar[pos < bar_cells ? pos : 2 * bar_cells - 2 - pos] = '#';
  }
  std::string percent = v.percent ? std::to_string(std::clamp(*v.percent, 0, 100)) + "%" : "";
  percent.insert(0, 4 - std::min<std::size_t>(4, percent.size()), ' ');
  std::string phase = v.phase;
  if (phase.size() < 11) phase.resize(11, ' ');
  std::string tail = format_clock(std::chrono::duration_cast<std::chrono::seconds>(elapsed));
  if (const auto eta = estimate_remaining(elapsed, v.percent, v.provider_estimate); eta && v.phase != "done")
    tail += "  ETA " + format_clock(*eta);
  const std::string body = " [" + bar + "] " + percent + " " + phase + " " + tail;
  // The label gets whatever room is left (at least 8 columns), padded so bars line up.
  const std::size_t label_room = width > body.size() + 8 ? std::min<std::size_t>(24, width - body.size()) : 8;
  std::string label = v.label;
  if (label.size() > label_room) label = label.substr(0, label_room - 1) + "~";
  label.resize(label_room, ' ');
  std::string line = label + body;
  if (line.size() > width) line.resize(width);
  return line;
}

/// Shows the progress of one or many jobs in one of the three styles. Bars and lines go to the stream given
/// (stderr, normally); JSON events too (stdout, normally). Not thread-safe.
class progress_display {
 public:
  /// `width`: terminal columns (bars). `simulated`: JSON events carry "simulated": true.
  progress_display(std::ostream& out, output_style style, std::size_t width = 80, bool simulated = false)
      : out_(out), style_(style), width_(std::max<std::size_t>(width, 40)), simulated_(simulated) {}

  /// The style in use.
  output_style style() const noexcept { return style_; }

  /// Records the job's new view. Bars: redrawn at the next redraw(). Lines: a line when the phase changes or
  /// the percentage moves by 10 or more. JSON: a "progress" event on every call that changes something.
  void update(const std::string& key, const job_view& view, steady_time now) {
    auto [it, inserted] = jobs_.try_emplace(key);
    entry& e = it->second;
    const bool phase_changed = inserted || e.view.phase != view.phase || e.view.task_id != view.task_id;
    const bool percent_changed = e.view.percent != view.percent;
    if (inserted) order_.push_back(key);
    e.view = view;
    if (style_ == output_style::lines) {
      const bool step = view.percent && (!e.printed_percent || *view.percent >= *e.printed_percent + 10 ||
                                         *view.percent < *e.printed_percent);
      if (phase_changed || step) {
        e.printed_percent = view.percent;
        std::string text = "[" + view.label + "] " + view.phase;
        if (view.percent) text += " " + std::to_string(*view.percent) + "%";
        if (!view.task_id.empty()) text += " (task " + view.task_id + ")";
        text += " " + format_clock(std::chrono::duration_cast<std::chrono::seconds>(now - view.started));
        out_ << text << '\n' << std::flush;
      }
    } else if (style_ == output_style::json) {
      if (phase_changed || percent_changed) {
        boost::json::object ev{{"event", "progress"}, {"job", view.label}, {"phase", view.phase}};
        if (!view.task_id.empty()) ev["task_id"] = view.task_id;
        if (view.percent) ev["progress"] = *view.percent;
        ev["elapsed_s"] = std::chrono::duration_cast<std::chrono::seconds>(now - view.started).count();
        emit(std::move(ev));
      }
    }  // bars: drawn by the next redraw()
  }

  /// Removes the job from the live display. Bars: its bar is replaced by `final_line` above the block.
  /// Lines: prints `final_line`. JSON: emits `event`.
  void finish(const std::string& key, std::string_view final_line, boost::json::object event) {
    if (jobs_.erase(key) > 0) order_.erase(std::find(order_.begin(), order_.end(), key));
    note(final_line, std::move(event));
  }

  /// A message that is not a bar: printed above the bars (bars), as a line (lines), or as `event` (JSON;
  /// nothing when `event` is empty).
  void note(std::string_view line, boost::json::object event) {
    if (style_ == output_style::json) {
      if (!event.empty()) emit(std::move(event));
      return;
    }
    erase_block();
    if (!line.empty()) out_ << line << '\n';
    out_ << std::flush;
  }

  /// Bars: redraws every live bar (call it a few times a second). Other styles: nothing.
  void redraw(steady_time now) {
    if (style_ != output_style::bars) return;
    erase_block();
    for (const auto& key : order_) out_ << render_bar(jobs_.at(key).view, now, width_) << '\n';
    drawn_ = order_.size();
    out_ << std::flush;
  }

  /// Bars: erases the live block (before printing results). Other styles: nothing.
  void clear() {
    erase_block();
    out_ << std::flush;
  }

  /// Writes one JSON event as a line (adds "simulated": true in simulator mode). Any style.
  void emit(boost::json::object event) {
    if (simulated_) event["simulated"] = true;
    out_ << json_text(event) << '\n' << std::flush;
  }

  /// Jobs currently shown.
  std::size_t live() const noexcept { return order_.size(); }

 private:
  struct entry {
    job_view view{};
    std::optional<int> printed_percent{};
  };

  void erase_block() {
    if (style_ != output_style::bars) return;
    for (std::size_t i = 0; i < drawn_; ++i) out_ << "\x1b[1A\x1b[2K";
    drawn_ = 0;
  }

  std::ostream& out_;
  output_style style_;
  std::size_t width_;
  bool simulated_;
  std::map<std::string, entry> jobs_;
  std::vector<std::string> order_;
  std::size_t drawn_ = 0;
};

}  // namespace seedance_cli

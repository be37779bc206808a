// seedance/download.hpp - the streaming download of a video: to a temporary file beside the target, checked
// (Content-Length, MP4 `ftyp` box, top-level boxes that fill the file), fsynced and renamed into place, resumed
// with a Range request when a transfer drops. client<Provider>::download() and download_task() use it.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <seedance/detail/atomic_file.hpp>
#include <seedance/detail/mp4_check.hpp>
#include <seedance/error.hpp>
#include <seedance/http/transport.hpp>
#include <seedance/retry.hpp>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace seedance {

/// Options of `download()`.
struct download_options {
  /// Called after each received piece: bytes on disk so far, and the total when known.
  std::function<void(std::uint64_t done, std::optional<std::uint64_t> total)> on_progress{};
  /// Replace an existing file at the target path. Without it an existing file is an error (file_exists).
  bool overwrite = false;
  /// How many times a dropped transfer is resumed with a Range request.
  int max_resumes = 5;
  /// Check that the bytes start with an MP4 `ftyp` box and that the top-level boxes fill the file exactly.
  bool verify_mp4 = true;
};

/// What `download()` wrote.
struct download_result {
  std::filesystem::path path{};  ///< the final path (complete file)
  std::uint64_t bytes = 0;       ///< its size
  int resumes = 0;               ///< Range resumptions needed
};

namespace detail {

/// True when the response names a Content-Encoding other than "identity".
inline bool download_is_encoded(const http::response& r) noexcept {
  const auto coding = r.headers.find("Content-Encoding");
  if (!coding) return false;
  std::string_view value = *coding;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return false;
  constexpr std::string_view identity = "identity";
  if (value.size() != identity.size()) return true;
  for (std::size_t i = 0; i < value.size(); ++i)
    if ((value[i] | 0x20) != identity[i]) return true;
  return false;
}

/// A decimal number of at most 19 digits, nothing else; nullopt otherwise.
inline std::optional<std::uint64_t> parse_u64(std::string_view s) noexcept {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}
/// The first byte of a Content-Range ("bytes 100-999/1000": 100).
inline std::optional<std::uint64_t> content_range_start(const http::response& r) noexcept {
  auto cr = r.headers.find("Content-Range");
  if (!cr || cr->rfind("bytes ", 0) != 0) return std::nullopt;
  auto rest = cr->substr(6);
  return parse_u64(rest.substr(0, rest.find('-')));
}
/// The total length of a Content-Range ("bytes 100-999/1000": 1000; "*": nullopt).
inline std::optional<std::uint64_t> content_range_total(const http::response& r) noexcept {
  auto cr = r.headers.find("Content-Range");
  if (!cr) return std::nullopt;
  const auto slash = cr->rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return parse_u64(cr->substr(slash + 1));
}

/// Downloads the https `url` to `target` through `transport` (see client::download() for the contract):
/// retries with `retry` and `jitter` (neither may be destroyed before the download ends), resumes with Range,
/// and reports each interruption to `warn` (may be empty). Errors: invalid_request (not https), file_exists,
/// output_expired (403/404/410), invalid_video, io_error, transport errors after retries. Cancellation: the
/// temporary file is removed; the target is untouched. Thread safety: as the transport's.
// Deferred: a template only so that a translation unit that never calls it does not compile it (GCC 12 emits
// every inline coroutine it parses, with the Asio operations it awaits).
template <class Deferred = void>
asio::awaitable<download_result> download_file(http::transport& transport, std::string url,
                                               std::filesystem::path target, download_options o,
                                               const retry_policy& retry, jitter_source& jitter,
                                               std::function<void(std::string_view)> warn) {
  if (url.rfind("https://", 0) != 0)
    throw error(errc::invalid_request, "download: url must be https (got a non-https URL)");
  atomic_file file(target, o.overwrite);  // file_exists before any I/O
  std::optional<std::uint64_t> total;
  int resumes = 0;
  int attempt = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(6);
  while (true) {
    ++attempt;
    http::request req;
    req.method = http::method::get;
    const std::uint64_t offset = file.size();
    if (offset > 0) req.headers.set("Range", "bytes=" + std::to_string(offset) + "-");
    http::send_options so;
    so.follow_redirects = true;
    std::optional<error> failure;
    int status = 0;
    so.on_headers = [&](const http::response& head, std::error_code& ec) {
      status = head.status;
      if (status >= 200 && status < 300 && download_is_encoded(head)) {
        // Compression is never asked for, and an encoded body is never decoded here: it is not the video.
        failure.emplace(errc::invalid_video,
                        "download: the server sent the body with a Content-Encoding that was not asked for; "
                        "encoded bytes are not stored as an MP4");
        ec = make_error_code(errc::invalid_video);
        return;
      }
      if (status == 206) {
        // Only the range we asked for is acceptable.
        if (offset == 0 || content_range_start(head) != offset) ec = make_error_code(errc::protocol_error);
        if (auto t = content_range_total(head)) total = t;
      } else if (status == 200) {
        if (offset > 0) {
          try {
            file.restart();  // the server ignored Range: start over
          } catch (const error& e) {
            failure.emplace(e);
            ec = e.code();
            return;
          }
        }
        if (auto len = head.headers.find("Content-Length")) total = parse_u64(*len);
      } else if (status >= 200 && status < 300) {
        ec = make_error_code(errc::protocol_error);
      }
    };
    so.sink = [&](std::string_view chunk, std::error_code& ec) {
      if (status < 200 || status >= 300) return;  // error bodies are not file content
      try {
        file.write(chunk);
      } catch (const error& e) {
        failure.emplace(e);
        ec = e.code();
        return;
      }
      if (o.on_progress) o.on_progress(file.size(), total);
    };
    try {
      http::response resp = co_await transport.send(url, req, so);
      if (resp.status == 403 || resp.status == 404 || resp.status == 410)
        throw error(errc::output_expired,
                    "download: the output URL answered " + std::to_string(resp.status) + " (expired or removed)");
      if (!resp.ok()) {
        error_details d;
        d.http_status = resp.status;
        d.retry_safe = true;
        failure.emplace(errc_from_http_status(resp.status), "download: HTTP " + std::to_string(resp.status), d);
      } else {
        if (total && file.size() != *total)
          failure.emplace(errc::invalid_video,
                          "download: got " + std::to_string(file.size()) + " of " + std::to_string(*total) + " bytes");
        else
          break;  // complete
      }
    } catch (const error& e) {
      if (e.code() == make_error_code(errc::output_expired)) throw;
      if (!failure) failure.emplace(e);
    }
    if (failure->code() == make_error_code(errc::io_error)) throw *failure;
    const bool resumable = file.size() > 0 && resumes < o.max_resumes;
    const auto decision = decide_retry(retry, operation_kind::download, attempt, failure->code(), true,
                                       failure->details().retry_after, jitter);
    if (!(decision.retry || resumable) || std::chrono::steady_clock::now() >= deadline) throw *failure;
    if (file.size() > 0) ++resumes;
    if (warn)
      warn(std::string("download interrupted (") + failure->what() + "); resuming at byte " +
           std::to_string(file.size()));
    asio::steady_timer pause(transport.get_executor(), decision.retry ? decision.delay : retry.initial_delay);
    co_await pause.async_wait(asio::use_awaitable);
  }
  if (o.verify_mp4 && !looks_like_mp4(file.head(64)))
    throw error(errc::invalid_video, "download: the data is not an MP4 (no ftyp box)");
  // A body cut short together with its Content-Length still starts well: only the box sizes show the end is
  // missing.
  if (o.verify_mp4 && !mp4_boxes_fill_file(file.temp_path(), file.size()))
    throw error(errc::invalid_video, "download: the MP4 is incomplete (its boxes do not fill the " +
                                         std::to_string(file.size()) + " bytes received)");
  download_result result{target, file.size(), resumes};
  file.commit();
  co_return result;
}

}  // namespace detail
}  // namespace seedance

// seedance/http/message.hpp - plain HTTP/1.1 request and response values, shared by the sans-I/O parser,
// the provider codecs, the transport and the simulator. No socket code.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seedance::http {

/// Request methods the library sends or the simulator serves.
enum class method : std::uint8_t { get, head, post, put, delete_, patch, options, connect };

/// Wire name of a method ("GET", "DELETE", ...). Never throws.
constexpr std::string_view to_string(method m) noexcept {
  switch (m) {
    case method::get:
      return "GET";
    case method::head:
      return "HEAD";
    case method::post:
      return "POST";
    case method::put:
      return "PUT";
    case method::delete_:
      return "DELETE";
    case method::patch:
      return "PATCH";
    case method::options:
      return "OPTIONS";
    case method::connect:
      return "CONNECT";
  }
  return "GET";
}

/// Parses an upper-case method token. Returns nullopt when unknown. Never throws.
constexpr std::optional<method> parse_method(std::string_view s) noexcept {
  for (auto m : {method::get, method::head, method::post, method::put, method::delete_, method::patch, method::options,
                 method::connect})
    if (to_string(m) == s) return m;
  return std::nullopt;
}

/// True for methods that may be replayed on a fresh connection without changing the outcome.
constexpr bool is_idempotent(method m) noexcept {
  return m == method::get || m == method::head || m == method::put || m == method::delete_ || m == method::options;
}

/// ASCII case-insensitive comparison for header names.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// One header field as received or to be sent.
struct field {
  std::string name{};
  std::string value{};
};

/// Ordered header list with case-insensitive lookup; repeated names are kept. Thread-compatible.
class headers {
 public:
  /// Appends a field (repeats allowed).
  void add(std::string name, std::string value) { fields_.push_back({std::move(name), std::move(value)}); }

  /// Replaces every field named `name` with one field.
  void set(std::string_view name, std::string value) {
    erase(name);
    fields_.push_back({std::string(name), std::move(value)});
  }

  /// Removes every field named `name`; returns how many were removed.
  std::size_t erase(std::string_view name) {
    const auto before = fields_.size();
    std::erase_if(fields_, [&](const field& f) { return iequals(f.name, name); });
    return before - fields_.size();
  }

  /// First value of `name`, or nullopt.
  std::optional<std::string_view> find(std::string_view name) const noexcept {
    for (const auto& f : fields_)
      if (iequals(f.name, name)) return std::string_view(f.value);
    return std::nullopt;
  }

  /// Every value of `name`, in order.
  std::vector<std::string_view> find_all(std::string_view name) const {
    std::vector<std::string_view> out{};
    for (const auto& f : fields_)
      if (iequals(f.name, name)) out.emplace_back(f.value);
    return out;
  }

  bool contains(std::string_view name) const noexcept { return find(name).has_value(); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept { fields_.clear(); }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }

 private:
  std::vector<field> fields_{};
};

/// An HTTP request. `target` is origin-form ("/api/v1/jobs/recordInfo?taskId=x") relative to the
/// provider's base URL path when produced by a codec; the transport joins it to the base URL.
struct request {
  http::method method = method::get;
  std::string target = "/";
  http::headers headers{};
  std::string body{};
};

/// An HTTP response. `body` holds the whole body only when the transport was asked to buffer it.
struct response {
  int status = 0;
  std::string reason{};
  http::headers headers{};
  std::string body{};
  int version_minor = 1;  ///< HTTP/1.x minor version

  bool ok() const noexcept { return status >= 200 && status < 300; }
};

}  // namespace seedance::http

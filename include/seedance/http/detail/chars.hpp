// seedance/http/detail/chars.hpp - HTTP/1.1 character classes (RFC 9110 / RFC 9112), shared by the parser and
// the serializer.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace seedance::http::detail {

inline constexpr std::array<bool, 256> token_char_table = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

/// tchar of RFC 9110 §5.6.2.
constexpr bool is_token_char(char c) noexcept { return token_char_table[static_cast<unsigned char>(c)]; }

/// True when `s` is a non-empty token.
constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

/// Characters allowed inside a field value, reason phrase or chunk extension: VCHAR, obs-text, SP, HTAB.
constexpr bool is_field_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 ? u != 0x7f : u == '\t';
}

/// Index of the first character of `s` that is not a field character, or npos.
constexpr std::size_t find_bad_field_char(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!is_field_char(s[i])) return i;
  return std::string_view::npos;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

/// Value of a hexadecimal digit, or -1.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `s` without leading and trailing SP / HTAB.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

/// Calls `f(element)` for every non-empty, OWS-trimmed element of a comma-separated list (RFC 9110 §5.6.1);
/// stops early when `f` returns false. Returns false when stopped early.
template <class F>
constexpr bool for_each_list_element(std::string_view list, F&& f) {
  while (true) {
    const auto comma = list.find(',');
    const auto element = trim_ows(list.substr(0, comma));
    if (!element.empty() && !f(element)) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace seedance::http::detail

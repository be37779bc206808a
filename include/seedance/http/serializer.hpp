// seedance/http/serializer.hpp - HTTP/1.1 request and response serialization. No socket code.
#pragma once

#include <seedance/error.hpp>
#include <seedance/http/message.hpp>

#include <string>

namespace seedance::http {

/// Writes the start line and header fields of `r` (with the final empty line) to `out`.
/// Throws seedance::error(errc::invalid_request) naming the header (never its value) on CR, LF or NUL.
void serialize_head(const request& r, std::string& out);
/// Writes the status line and header fields of `r` (with the final empty line) to `out`. Throws as above.
void serialize_head(const response& r, std::string& out);
/// The whole request on the wire; adds Content-Length for bodies. Throws as serialize_head.
std::string serialize(const request& r);
/// The whole response on the wire; adds Content-Length unless Transfer-Encoding is set. Throws as above.
std::string serialize(const response& r);

inline void serialize_head(const request& r, std::string& out) {
  out += to_string(r.method);
  out += ' ';
  out += r.target;
  out += " HTTP/1.1\r\n";
  for (const auto& f : r.headers) out += f.name + ": " + f.value + "\r\n";
  out += "\r\n";
}
inline void serialize_head(const response& r, std::string& out) {
  out += "HTTP/1.1 " + std::to_string(r.status) + " " + r.reason + "\r\n";
  for (const auto& f : r.headers) out += f.name + ": " + f.value + "\r\n";
  out += "\r\n";
}
inline std::string serialize(const request& r) {
  std::string out;
  serialize_head(r, out);
  return out + r.body;
}
inline std::string serialize(const response& r) {
  std::string out;
  serialize_head(r, out);
  return out + r.body;
}

}  // namespace seedance::http

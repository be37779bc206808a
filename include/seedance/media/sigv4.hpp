// seedance/media/sigv4.hpp - AWS Signature Version 4 as pure functions (no I/O, no clock).
//
// The steps of the algorithm are separate so each can be checked against AWS's published examples:
// canonical request -> string to sign -> signing key -> signature -> Authorization header, and the
// query-string (presigned URL) form. Paths are canonicalised the way S3 wants them: every byte outside
// A-Z a-z 0-9 - _ . ~ is percent-encoded once (UTF-8 bytes, upper-case hex), '/' separates segments, and no
// dot-segment normalisation is done (an S3 key may legitimately contain "..").
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <seedance/error.hpp>
#include <seedance/media/digest.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance::media::sigv4 {

/// The algorithm name written in the string to sign and the Authorization header.
inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
/// The payload hash of a presigned URL (its body is not known when the URL is made).
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
/// The longest validity of a presigned URL S3 accepts: 7 days.
inline constexpr std::chrono::seconds max_presign_expiry{7 * 24 * 3600};
/// The default validity of a presigned URL: 24 hours.
inline constexpr std::chrono::seconds default_presign_expiry{24 * 3600};

/// An access key. The secret and the session token are never put into messages or logs.
struct credentials {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};  ///< empty unless the credentials are temporary (STS)
};

/// The credential scope: date (YYYYMMDD), region and service.
struct scope {
  std::string date{};  ///< YYYYMMDD, the first 8 characters of the request's X-Amz-Date
  std::string region{};
  std::string service{};

  /// "date/region/service/aws4_request". Never throws except bad_alloc.
  std::string text() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

/// A header or query parameter as a name/value pair (not encoded).
using pair_list = std::vector<std::pair<std::string, std::string>>;

/// What is signed about one request. Path and query values are given decoded; this header encodes them.
struct request_to_sign {
  std::string method = "GET";  ///< "GET", "PUT", "HEAD", ...
  std::string path = "/";      ///< decoded path, starting with '/', e.g. "/bucket/a b.png"
  pair_list query{};           ///< decoded query parameters (names and values)
  pair_list headers{};         ///< every header to sign, Host included (names in any case)
  std::string payload_hash{};  ///< lower-case hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

/// Percent-encodes `text` per SigV4: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, every other byte
/// becomes %XY with upper-case hex; '/' stays when `keep_slash` (paths) and is encoded otherwise (query
/// names and values). Spaces become %20, never '+'. Never throws except bad_alloc. Thread-safe.
inline std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
                            u == '_' || u == '.' || u == '~';
    if (unreserved || (keep_slash && u == '/')) {
      out += c;
    } else {
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 0x0f];
    }
  }
  return out;
}

/// The canonical URI of a decoded path (S3 rules: encoded once, '/' kept, "" becomes "/"). This is also
/// the path to put on the wire. Never throws except bad_alloc.
inline std::string canonical_uri(std::string_view decoded_path) {
  if (decoded_path.empty()) return "/";
  return uri_encode(decoded_path, true);
}

/// The canonical query string: names and values encoded, sorted by encoded name then value, joined by '&'
/// ("name=value", "name=" for an empty value). Never throws except bad_alloc.
inline std::string canonical_query(const pair_list& decoded) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(decoded.size());
  for (const auto& [name, value] : decoded) encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

/// Canonical headers and the signed-header list of one request.
struct canonical_header_block {
  std::string canonical{};       ///< "name:value\n" per header, sorted by lower-case name
  std::string signed_headers{};  ///< "host;x-amz-date", the names joined by ';'
};

/// Lower-cases names, trims values and collapses runs of spaces inside them, joins repeated names with ','
/// (in the given order) and sorts by name. Never throws except bad_alloc.
inline canonical_header_block canonical_headers(const pair_list& headers) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [name, value] : headers) {
    std::string lower(name);
    for (auto& c : lower)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::string trimmed;
    bool pending_space = false;
    for (const char c : value) {
      if (c == ' ' || c == '\t') {
        pending_space = !trimmed.empty();
        continue;
      }
      if (pending_space) trimmed += ' ';
      pending_space = false;
      trimmed += c;
    }
    const auto same = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == lower; });
    if (same != fields.end())
      same->second += "," + trimmed;
    else
      fields.emplace_back(std::move(lower), std::move(trimmed));
  }
  std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  canonical_header_block block;
  for (const auto& [name, value] : fields) {
    block.canonical += name + ":" + value + "\n";
    if (!block.signed_headers.empty()) block.signed_headers += ';';
    block.signed_headers += name;
  }
  return block;
}

/// The canonical request: method, canonical URI, canonical query, canonical headers, a blank line, the
/// signed headers and the payload hash, separated by '\n'. Never throws except bad_alloc.
inline std::string canonical_request(const request_to_sign& r) {
  const auto block = canonical_headers(r.headers);
  return r.method + "\n" + canonical_uri(r.path) + "\n" + canonical_query(r.query) + "\n" + block.canonical + "\n" +
         block.signed_headers + "\n" + r.payload_hash;
}

/// The string to sign: algorithm, X-Amz-Date (YYYYMMDD'T'HHMMSS'Z'), scope and the hex SHA-256 of the
/// canonical request, separated by '\n'. Throws seedance::error(errc::io_error) only when OpenSSL fails.
inline std::string string_to_sign(std::string_view amz_date, const scope& s, std::string_view canonical) {
  return std::string(algorithm) + "\n" + std::string(amz_date) + "\n" + s.text() + "\n" + sha256_hex(canonical);
}

/// The signing key: HMAC("AWS4" + secret, date) -> region -> service -> "aws4_request".
/// Throws as hmac_sha256.
inline digest256 signing_key(std::string_view secret_access_key, const scope& s) {
  const digest256 date_key = hmac_sha256("AWS4" + std::string(secret_access_key), s.date);
  const digest256 region_key = hmac_sha256(date_key, s.region);
  const digest256 service_key = hmac_sha256(region_key, s.service);
  return hmac_sha256(service_key, "aws4_request");
}

/// Lower-case hex HMAC of the string to sign under the signing key. Throws as hmac_sha256.
inline std::string signature(const digest256& key, std::string_view string_to_sign_text) {
  return to_hex(hmac_sha256(key, string_to_sign_text));
}

/// X-Amz-Date text of a time point: "YYYYMMDDTHHMMSSZ" (UTC). Never throws except bad_alloc. Thread-safe.
inline std::string amz_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[17];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

/// The scope for a request at `amz_date_text` (its first 8 characters are the date).
/// Throws seedance::error(errc::invalid_request) when `amz_date_text` is not YYYYMMDDTHHMMSSZ.
inline scope make_scope(std::string_view amz_date_text, std::string region, std::string service) {
  const bool well_formed =
      amz_date_text.size() == 16 && amz_date_text[8] == 'T' && amz_date_text[15] == 'Z' &&
      std::all_of(amz_date_text.begin(), amz_date_text.begin() + 8, [](char c) { return c >= '0' && c <= '9'; }) &&
      std::all_of(amz_date_text.begin() + 9, amz_date_text.begin() + 15, [](char c) { return c >= '0' && c <= '9'; });
  if (!well_formed) {
    error_details details;
    details.problems.push_back({"x-amz-date", "must be YYYYMMDDTHHMMSSZ (UTC)", std::string(amz_date_text)});
    throw seedance::error(errc::invalid_request, "x-amz-date: must be YYYYMMDDTHHMMSSZ (UTC)", std::move(details));
  }
  return {std::string(amz_date_text.substr(0, 8)), std::move(region), std::move(service)};
}

/// Header-form signing of `r` made at `amz_date_text`: returns the Authorization header value
/// "AWS4-HMAC-SHA256 Credential=KEY/SCOPE, SignedHeaders=..., Signature=...". `r.headers` must already hold
/// every header to sign (Host, X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token, ...).
/// Throws as make_scope and hmac_sha256. Thread-safe.
inline std::string authorization(const credentials& key, std::string_view amz_date_text, std::string region,
                                 std::string service, const request_to_sign& r) {
  const scope s = make_scope(amz_date_text, std::move(region), std::move(service));
  const std::string canonical = canonical_request(r);
  const std::string sig = signature(signing_key(key.secret_access_key, s), string_to_sign(amz_date_text, s, canonical));
  return std::string(algorithm) + " Credential=" + key.access_key_id + "/" + s.text() +
         ", SignedHeaders=" + canonical_headers(r.headers).signed_headers + ", Signature=" + sig;
}

/// What a presigned GET URL is made from.
struct presign_input {
  std::string host{};      ///< the Host header value the URL will be fetched with
  std::string path = "/";  ///< decoded path ("/bucket/key" or "/key")
  std::string region = "us-east-1";
  std::string service = "s3";
  std::string amz_date{};                                 ///< YYYYMMDDTHHMMSSZ, the start of validity
  std::chrono::seconds expires = default_presign_expiry;  ///< 1 s .. 7 days
  std::string method = "GET";
};

/// The encoded query string of a presigned URL, X-Amz-Signature last: X-Amz-Algorithm, X-Amz-Credential,
/// X-Amz-Date, X-Amz-Expires, (X-Amz-Security-Token,) X-Amz-SignedHeaders=host, X-Amz-Signature. Only Host is
/// signed and the payload is UNSIGNED-PAYLOAD, as S3 specifies for query-string authentication.
/// Errors: seedance::error(errc::invalid_request) naming "expires" (outside 1 s .. 7 days) or "x-amz-date".
/// Thread-safe.
inline std::string presigned_query(const credentials& key, const presign_input& in) {
  if (in.expires.count() < 1 || in.expires > max_presign_expiry) {
    error_details details;
    details.problems.push_back({"expires", "must be from 1 second to 7 days (604800 s), the limit of S3 presigned URLs",
                                std::to_string(in.expires.count())});
    throw seedance::error(errc::invalid_request, "expires: must be from 1 second to 7 days (604800 s)",
                          std::move(details));
  }
  const scope s = make_scope(in.amz_date, in.region, in.service);
  request_to_sign r;
  r.method = in.method;
  r.path = in.path;
  r.query = {{"X-Amz-Algorithm", std::string(algorithm)},
             {"X-Amz-Credential", key.access_key_id + "/" + s.text()},
             {"X-Amz-Date", in.amz_date},
             {"X-Amz-Expires", std::to_string(in.expires.count())},
             {"X-Amz-SignedHeaders", "host"}};
  if (!key.session_token.empty()) r.query.emplace_back("X-Amz-Security-Token", key.session_token);
  r.headers = {{"host", in.host}};
  r.payload_hash = std::string(unsigned_payload);
  const std::string sig =
      signature(signing_key(key.secret_access_key, s), string_to_sign(in.amz_date, s, canonical_request(r)));
  return canonical_query(r.query) + "&X-Amz-Signature=" + sig;
}

}  // namespace seedance::media::sigv4

// seedance/media/s3.hpp - an uploader for any S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Backblaze,
// Ceph, GCS interoperability) over the library's own HTTPS transport.
//
// An object is stored under PREFIX/<first 16 hex digits of its SHA-256>-<file name>, so the same bytes under
// the same name always land on the same key: a HEAD first finds an object already there (same size) and the
// upload is skipped. The PUT is signed in header form (AWS Signature Version 4) with x-amz-content-sha256 set
// to the payload's real SHA-256 (the file is hashed before it is sent) and a Content-Length (no chunked
// encoding); the body streams from disk in 256 KiB pieces. The provider is given a presigned GET URL.
// Without an endpoint the bucket is addressed virtual-hosted style on AWS
// (https://BUCKET.s3.REGION.amazonaws.com/KEY); with one, path style (ENDPOINT/BUCKET/KEY).
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <seedance/error.hpp>
#include <seedance/http/transport.hpp>
#include <seedance/media/sigv4.hpp>
#include <seedance/media/uploader.hpp>
#include <seedance/retry.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seedance::media {

/// Where and how to store objects. Check with validate() (the uploader's constructor does).
struct s3_options {
  std::string bucket{};    ///< bucket name (3..63 of a-z 0-9 . -)
  std::string prefix{};    ///< key prefix without leading or trailing '/', e.g. "seedance/inputs"; may be empty
  std::string endpoint{};  ///< "https://127.0.0.1:9000": path-style on that server; empty: AWS virtual-hosted
  std::string region = "us-east-1";
  sigv4::credentials credentials{};                                 ///< never logged, never in a message
  std::chrono::seconds url_expiry = sigv4::default_presign_expiry;  ///< presigned GET validity, 1 s .. 7 days
  http::transport_options transport{};  ///< TLS trust (ca_file for a private endpoint), timeouts
  retry_policy retry{};                 ///< for 5xx, 429 and lost connections
  std::string service = "s3";           ///< the SigV4 service name

  s3_options() {
    transport.timeouts.request = std::chrono::hours(2);  // the whole PUT of a large file is one request
  }

  /// Options for `bucket_url` ("s3://BUCKET" or "s3://BUCKET/PREFIX") with the region and credentials of the
  /// environment: region = `region` when not empty, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1;
  /// credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (never from arguments,
  /// never printed). Missing or malformed values are reported by validate(), not here. Never throws except
  /// bad_alloc. Thread safety: reads the environment (do not call setenv concurrently).
  static s3_options from_environment(std::string_view bucket_url, std::string_view region = {},
                                     std::string_view endpoint = {});

  /// Every problem with these options (empty when usable): bucket name, prefix, endpoint URL, region,
  /// credentials (named by their environment variables, values never shown), url_expiry. Never throws except
  /// bad_alloc.
  std::vector<problem> validate() const;
};

/// Splits "s3://BUCKET/PREFIX" into bucket and prefix (the prefix without surrounding '/'). Returns nullopt
/// when the text does not start with s3:// or names no bucket. Never throws except bad_alloc.
inline std::optional<std::pair<std::string, std::string>> parse_s3_url(std::string_view text) {
  if (!text.starts_with("s3://")) return std::nullopt;
  text.remove_prefix(5);
  const auto slash = text.find('/');
  std::string bucket(text.substr(0, slash));
  if (bucket.empty()) return std::nullopt;
  std::string_view prefix = slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
  while (!prefix.empty() && prefix.front() == '/') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  return std::pair{std::move(bucket), std::string(prefix)};
}

inline s3_options s3_options::from_environment(std::string_view bucket_url, std::string_view region,
                                               std::string_view endpoint) {
  const auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value ? value : "");
  };
  s3_options o;
  if (const auto parsed = parse_s3_url(bucket_url)) {
    o.bucket = parsed->first;
    o.prefix = parsed->second;
  } else {
    o.bucket = std::string(bucket_url);  // validate() reports it
  }
  o.endpoint = std::string(endpoint);
  o.region = std::string(region);
  if (o.region.empty()) o.region = env("AWS_REGION");
  if (o.region.empty()) o.region = env("AWS_DEFAULT_REGION");
  if (o.region.empty()) o.region = "us-east-1";
  o.credentials.access_key_id = env("AWS_ACCESS_KEY_ID");
  o.credentials.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  o.credentials.session_token = env("AWS_SESSION_TOKEN");
  return o;
}

inline std::vector<problem> s3_options::validate() const {
  std::vector<problem> problems;
  const bool bucket_ok =
      bucket.size() >= 3 && bucket.size() <= 63 &&
      std::all_of(bucket.begin(), bucket.end(),
                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; }) &&
      bucket.front() != '.' && bucket.front() != '-' && bucket.back() != '.' && bucket.back() != '-';
  if (!bucket_ok)
    problems.push_back(
        {"upload-to", "must be s3://BUCKET[/PREFIX] with a bucket name of 3 to 63 characters a-z 0-9 . -", bucket});
  if (prefix.starts_with('/') || prefix.ends_with('/'))
    problems.push_back({"upload-to", "the key prefix must not start or end with '/'", prefix});
  if (!endpoint.empty()) {
    const auto url = boost::urls::parse_uri(endpoint);
    if (!url || url->scheme() != "https" || url->encoded_host().empty() || url->has_userinfo() || url->has_query() ||
        (!url->encoded_path().empty() && url->encoded_path() != "/"))
      problems.push_back(
          {"s3-endpoint", "must be an https URL with a host and no path, e.g. https://127.0.0.1:9000", endpoint});
  }
  const bool region_ok = !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!region_ok) problems.push_back({"s3-region", "must be a region name such as us-east-1 (a-z 0-9 -)", region});
  if (credentials.access_key_id.empty())
    problems.push_back({"AWS_ACCESS_KEY_ID", "must be set in the environment to upload to S3", {}});
  if (credentials.secret_access_key.empty())
    problems.push_back({"AWS_SECRET_ACCESS_KEY", "must be set in the environment to upload to S3", {}});
  if (url_expiry.count() < 1 || url_expiry > sigv4::max_presign_expiry)
    problems.push_back(
        {"s3-url-expiry", "must be from 1 second to 7 days (604800 s)", std::to_string(url_expiry.count())});
  if (service.empty()) problems.push_back({"service", "must not be empty", {}});
  return problems;
}

/// Uploads local media to an S3-compatible bucket and returns presigned GET URLs. Models `uploader`.
///
/// Thread safety: not thread-safe; use from one strand (it owns an http::transport with the same rule).
/// Movable; not copyable.
class s3_uploader {
 public:
  /// Makes an uploader whose I/O runs on `executor`. Errors: seedance::error(errc::invalid_request) listing
  /// every problem of options.validate() in details().problems (before any I/O); errc::tls_failed when
  /// options.transport.tls names a CA that cannot be loaded.
  s3_uploader(asio::any_io_executor executor, s3_options options)
      : options_(std::move(options)), jitter_(std::random_device{}()) {
    auto problems = options_.validate();
    if (!problems.empty()) {
      std::string text = "S3 upload options are invalid:";
      for (const auto& p : problems) text += " " + p.field + ": " + p.rule + ";";
      text.pop_back();
      error_details details;
      details.problems = std::move(problems);
      throw seedance::error(errc::invalid_request, std::move(text), std::move(details));
    }
    while (!options_.prefix.empty() && options_.prefix.back() == '/') options_.prefix.pop_back();
    transport_ = std::make_unique<http::transport>(std::move(executor), options_.transport);
    if (options_.endpoint.empty()) {
      base_url_ = "https://" + options_.bucket + ".s3." + options_.region + ".amazonaws.com";
    } else {
      base_url_ = options_.endpoint;
      while (base_url_.ends_with('/')) base_url_.pop_back();
      path_prefix_ = "/" + options_.bucket;
    }
    host_ = http::detail::parse_https_url(base_url_ + "/").host_header;
  }

  /// The key an object of these bytes and this name is stored under: PREFIX/<16 hex digits>-<file name>
  /// (no PREFIX/ when the prefix is empty). `sha256_hex` is the lower-case hex SHA-256 of the bytes.
  std::string object_key(std::string_view sha256_hex, std::string_view file_name) const {
    std::string key = options_.prefix.empty() ? std::string() : options_.prefix + "/";
    key += sha256_hex.substr(0, 16);
    key += '-';
    key += file_name;
    return key;
  }

  /// The https URL of `key` (encoded once per SigV4 rules: spaces and non-ASCII work), without a query.
  std::string object_url(std::string_view key) const { return base_url_ + sigv4::canonical_uri(object_path(key)); }

  /// A presigned GET URL for `key`, valid for options.url_expiry from `now`. Throws as sigv4::presigned_query.
  std::string presigned_url(std::string_view key,
                            std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const {
    sigv4::presign_input in;
    in.host = host_;
    in.path = object_path(key);
    in.region = options_.region;
    in.service = options_.service;
    in.amz_date = sigv4::amz_date(now);
    in.expires = options_.url_expiry;
    return object_url(key) + "?" + sigv4::presigned_query(options_.credentials, in);
  }

  /// Hashes the source, then HEADs its key: when an object of the same size is there the upload is skipped
  /// (already_present); otherwise PUTs the bytes streamed from the source. Returns the presigned GET URL.
  /// Progress: request.progress sees the bytes sent (not called when the upload is skipped).
  /// Errors (seedance::error): invalid_request for a URL source or an empty file name; io_error when the file
  /// cannot be read; the S3 answer mapped by status (unauthorized, forbidden, not_found, rate_limited,
  /// server_error, rejected) with details().provider_code/provider_message from S3's XML error; transport
  /// errors. 5xx, 429 and lost connections are retried with options.retry's backoff (PUT of the same bytes to
  /// the same key is idempotent). Messages name the bucket and key, never the credentials.
  /// Cancellation: asio per-operation cancellation stops hashing, a request or a backoff wait and throws
  /// std::system_error(operation_aborted). Thread safety: see the class.
  template <class Deferred = void>
  asio::awaitable<upload_result> upload(upload_request request) {
    const std::string file_name = request.file_name.empty() ? request.source.file_name() : request.file_name;
    if (file_name.empty()) throw seedance::error(errc::invalid_request, "upload: the file name must not be empty");
    const std::string content_type =
        request.content_type.empty() ? std::string("application/octet-stream") : request.content_type;
    source_reader reader(request.source);
    const std::string payload_hash = to_hex(co_await hash_source(reader));
    const std::string key = object_key(payload_hash, file_name);
    const std::string url = object_url(key);
    const std::string where = "s3://" + options_.bucket + "/" + key;

    upload_result result;
    result.size = reader.size();
    const std::optional<std::uint64_t> existing = co_await with_retries(where, [&]() { return head_object(url, key); });
    if (existing && *existing == reader.size()) {
      result.already_present = true;
    } else {
      co_await with_retries(where, [&]() { return put_object(url, key, reader, payload_hash, content_type, request); });
    }
    result.url = presigned_url(key);
    co_return result;
  }

  /// The transport the uploader sends with (for its stats). Never throws.
  http::transport& transport() noexcept { return *transport_; }
  /// The options in use. Never throws.
  const s3_options& options() const noexcept { return options_; }

 private:
  std::string object_path(std::string_view key) const { return path_prefix_ + "/" + std::string(key); }

  /// Signs `req` for `key` (header form): sets x-amz-date, x-amz-content-sha256, the session token and
  /// Authorization; Host is signed with the value the transport will send.
  void sign(http::request& req, std::string_view key, const std::string& payload_hash) const {
    const std::string date = sigv4::amz_date(std::chrono::system_clock::now());
    req.headers.set("x-amz-date", date);
    req.headers.set("x-amz-content-sha256", payload_hash);
    if (!options_.credentials.session_token.empty())
      req.headers.set("x-amz-security-token", options_.credentials.session_token);
    sigv4::request_to_sign s;
    s.method = std::string(http::to_string(req.method));
    s.path = object_path(key);
    s.headers.emplace_back("host", host_);
    for (const auto& f : req.headers) s.headers.emplace_back(f.name, f.value);
    s.payload_hash = payload_hash;
    req.headers.set("Authorization",
                    sigv4::authorization(options_.credentials, date, options_.region, options_.service, s));
  }

  /// HEAD: the size of the object when it exists, nullopt when it does not (404, or 403 from a bucket that
  /// hides absence without ListBucket permission: the PUT then reports a real refusal).
  template <class Deferred = void>
  asio::awaitable<std::optional<std::uint64_t>> head_object(const std::string& url, const std::string& key) {
    http::request req;
    req.method = http::method::head;
    sign(req, key, sha256_hex(""));
    http::response answer = co_await transport_->send(url, req);
    if (answer.status == 404 || answer.status == 403) co_return std::nullopt;
    if (!answer.ok()) throw s3_error("HEAD", key, answer);
    const auto length = answer.headers.find("Content-Length");
    std::uint64_t size = 0;
    if (length) {
      for (const char c : *length) {
        if (c < '0' || c > '9') co_return std::nullopt;  // unknown size: upload again
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
      }
    }
    co_return length ? std::optional<std::uint64_t>(size) : std::nullopt;
  }

  template <class Deferred = void>
  asio::awaitable<bool> put_object(const std::string& url, const std::string& key, const source_reader& reader,
                                   const std::string& payload_hash, const std::string& content_type,
                                   const upload_request& request) {
    http::request req;
    req.method = http::method::put;
    req.headers.set("Content-Type", content_type);
    sign(req, key, payload_hash);
    http::send_options opts;
    opts.body = http::body_source{reader.size(), reader.read_function(request.progress)};
    http::response answer = co_await transport_->send(url, req, opts);
    if (!answer.ok()) throw s3_error("PUT", key, answer);
    co_return true;
  }

  /// Runs `attempt` until it succeeds or fails in a way options.retry does not repeat.
  template <class Attempt>
  auto with_retries(const std::string& where, Attempt attempt) -> decltype(attempt()) {
    for (int attempts = 1;; ++attempts) {
      std::error_code code;
      bool retry_safe = true;
      std::optional<std::chrono::seconds> retry_after;
      std::string text;
      std::chrono::milliseconds delay{0};
      try {
        co_return co_await attempt();
      } catch (const seedance::error& e) {
        code = e.code();
        retry_safe = e.details().retry_safe;
        retry_after = e.details().retry_after;
        text = e.text();
        const auto decision =
            decide_retry(options_.retry, operation_kind::download, attempts, code, retry_safe, retry_after, jitter_);
        if (!decision.retry) {
          auto copy = e;
          throw seedance::error(copy.code(), "upload to " + where + " failed: " + redact_secrets(text),
                                std::move(copy.details()));
        }
        delay = decision.delay;
      }
      asio::steady_timer timer(transport_->get_executor(), delay);
      co_await timer.async_wait(asio::use_awaitable);
    }
  }

  std::string redact_secrets(std::string text) const {
    text = redact(std::move(text), options_.credentials.secret_access_key);
    return redact(std::move(text), options_.credentials.session_token);
  }

  /// The error for a non-2xx S3 answer: status mapped to errc, S3's <Code> and <Message> in the details.
  seedance::error s3_error(std::string_view method, std::string_view key, const http::response& answer) const {
    const auto element = [&](std::string_view name) {
      const std::string open = "<" + std::string(name) + ">";
      const std::string close = "</" + std::string(name) + ">";
      const auto start = answer.body.find(open);
      if (start == std::string::npos) return std::string();
      const auto end = answer.body.find(close, start);
      if (end == std::string::npos) return std::string();
      return answer.body.substr(start + open.size(), std::min<std::size_t>(end - start - open.size(), 300));
    };
    error_details details;
    details.http_status = answer.status;
    details.provider_code = element("Code");
    details.provider_message = redact_secrets(element("Message"));
    details.retry_safe = true;  // PUT and HEAD are idempotent
    if (const auto id = answer.headers.find("x-amz-request-id")) details.request_id = std::string(*id);
    if (const auto after = answer.headers.find("Retry-After")) {
      int seconds = 0;
      bool digits = !after->empty();
      for (const char c : *after)
        digits = digits && c >= '0' && c <= '9' && (seconds = seconds * 10 + (c - '0')) < 100000;
      if (digits) details.retry_after = std::chrono::seconds(seconds);
    }
    std::string text = std::string(method) + " " + std::string(key) + ": HTTP " + std::to_string(answer.status);
    if (!details.provider_code.empty()) text += " " + details.provider_code;
    if (!details.provider_message.empty()) text += " (" + details.provider_message + ")";
    return seedance::error(errc_from_http_status(answer.status), std::move(text), std::move(details));
  }

  s3_options options_;
  std::unique_ptr<http::transport> transport_;
  std::string base_url_;     // https://host[:port] (no trailing '/')
  std::string path_prefix_;  // "/BUCKET" for path style, "" for virtual-hosted
  std::string host_;         // the Host header the transport sends, which is also what is signed
  jitter_source jitter_;
};

static_assert(uploader<s3_uploader>);

}  // namespace seedance::media

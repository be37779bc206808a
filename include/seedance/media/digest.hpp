// seedance/media/digest.hpp - SHA-256, HMAC-SHA-256 and lower-case hex through OpenSSL's EVP interface.
//
// Used by AWS Signature Version 4 and by the uploaders (a content hash names every uploaded object).
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <seedance/error.hpp>
#include <string>
#include <string_view>

namespace seedance::media {

/// A SHA-256 or HMAC-SHA-256 digest (32 bytes).
using digest256 = std::array<unsigned char, 32>;

/// Lower-case hexadecimal of `bytes`. Never throws except bad_alloc.
inline std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0x0f];
  }
  return out;
}

/// Lower-case hexadecimal of a digest. Never throws except bad_alloc.
inline std::string to_hex(const digest256& digest) { return to_hex(digest.data(), digest.size()); }

/// Incremental SHA-256 (for hashing a file in pieces). Not thread-safe; movable, not copyable.
/// Errors: throws seedance::error(errc::io_error) when OpenSSL cannot set up or run the digest (out of
/// memory, a FIPS provider without SHA-256).
class sha256 {
 public:
  sha256() : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) fail();
  }

  /// Adds `data` to the hash.
  void update(std::string_view data) {
    if (!data.empty() && EVP_DigestUpdate(context_.get(), data.data(), data.size()) != 1) fail();
  }

  /// The digest of everything added; the object must not be used afterwards.
  digest256 finish() {
    digest256 out{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(context_.get(), out.data(), &size) != 1 || size != out.size()) fail();
    return out;
  }

 private:
  struct context_deleter {
    void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
  };
  [[noreturn]] static void fail() { throw seedance::error(errc::io_error, "SHA-256: OpenSSL digest failed"); }

  std::unique_ptr<EVP_MD_CTX, context_deleter> context_;
};

/// SHA-256 of `data`. Throws as sha256.
inline digest256 sha256_of(std::string_view data) {
  sha256 hash;
  hash.update(data);
  return hash.finish();
}

/// Lower-case hex SHA-256 of `data` (SigV4's HexEncode(Hash(...))). Throws as sha256.
inline std::string sha256_hex(std::string_view data) { return to_hex(sha256_of(data)); }

/// HMAC-SHA-256 of `data` under `key`. Throws seedance::error(errc::io_error) when OpenSSL fails.
/// Thread-safe (no shared state).
inline digest256 hmac_sha256(std::string_view key, std::string_view data) {
  digest256 out{};
  std::size_t size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), out.size(),
                &size) == nullptr ||
      size != out.size())
    throw seedance::error(errc::io_error, "HMAC-SHA-256: OpenSSL failed");
  return out;
}

/// HMAC-SHA-256 keyed with a previous digest (the SigV4 key-derivation chain). Throws as above.
inline digest256 hmac_sha256(const digest256& key, std::string_view data) {
  return hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), data);
}

}  // namespace seedance::media

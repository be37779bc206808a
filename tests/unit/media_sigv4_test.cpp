// AWS Signature Version 4: AWS's published examples reproduced byte for byte (the get-vanilla cases of the
// SigV4 test suite, and the S3 header-form and presigned-URL examples of the S3 API reference).
#include <gtest/gtest.h>

#include <seedance/media/digest.hpp>
#include <seedance/media/sigv4.hpp>

#include <chrono>
#include <string>

namespace sigv4 = seedance::media::sigv4;

namespace {

const sigv4::credentials suite_key{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const sigv4::credentials s3_key{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

sigv4::request_to_sign suite_get(sigv4::pair_list query = {}) {
  sigv4::request_to_sign r;
  r.method = "GET";
  r.path = "/";
  r.query = std::move(query);
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  r.payload_hash = empty_sha256;
  return r;
}

}  // namespace

TEST(MediaSigV4, DigestsMatchKnownValues) {
  EXPECT_EQ(seedance::media::sha256_hex(""), empty_sha256);
  EXPECT_EQ(seedance::media::sha256_hex("Welcome to Amazon S3."),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  // RFC 4231 test case 2.
  EXPECT_EQ(seedance::media::to_hex(seedance::media::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  seedance::media::sha256 pieces;
  pieces.update("Welcome to ");
  pieces.update("Amazon S3.");
  EXPECT_EQ(seedance::media::to_hex(pieces.finish()), seedance::media::sha256_hex("Welcome to Amazon S3."));
}

TEST(MediaSigV4, GetVanillaFromTheTestSuite) {
  const auto r = suite_get();
  const std::string canonical = sigv4::canonical_request(r);
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const auto s = sigv4::make_scope("20150830T123600Z", "us-east-1", "service");
  EXPECT_EQ(sigv4::string_to_sign("20150830T123600Z", s, canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(sigv4::authorization(suite_key, "20150830T123600Z", "us-east-1", "service", r),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(MediaSigV4, GetVanillaQueryOrderKeyCaseFromTheTestSuite) {
  const auto r = suite_get({{"Param2", "value2"}, {"Param1", "value1"}});
  EXPECT_EQ(sigv4::canonical_query(r.query), "Param1=value1&Param2=value2");
  EXPECT_EQ(sigv4::authorization(suite_key, "20150830T123600Z", "us-east-1", "service", r),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(MediaSigV4, S3GetObjectWithRangeHeader) {
  sigv4::request_to_sign r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", empty_sha256},
               {"x-amz-date", "20130524T000000Z"}};
  r.payload_hash = empty_sha256;
  const std::string canonical = sigv4::canonical_request(r);
  EXPECT_EQ(canonical,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const auto s = sigv4::make_scope("20130524T000000Z", "us-east-1", "s3");
  const std::string to_sign = sigv4::string_to_sign("20130524T000000Z", s, canonical);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(sigv4::signature(sigv4::signing_key(s3_key.secret_access_key, s), to_sign),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(sigv4::authorization(s3_key, "20130524T000000Z", "us-east-1", "s3", r),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(MediaSigV4, S3PutObjectEncodesTheDollarInTheKey) {
  sigv4::request_to_sign r;
  r.method = "PUT";
  r.path = "/test$file.text";
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-date", "20130524T000000Z"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"x-amz-content-sha256", seedance::media::sha256_hex("Welcome to Amazon S3.")}};
  r.payload_hash = seedance::media::sha256_hex("Welcome to Amazon S3.");
  const std::string canonical = sigv4::canonical_request(r);
  EXPECT_EQ(canonical,
            "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\nhost:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
            "x-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n"
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  const auto s = sigv4::make_scope("20130524T000000Z", "us-east-1", "s3");
  EXPECT_EQ(sigv4::string_to_sign("20130524T000000Z", s, canonical),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_NE(sigv4::authorization(s3_key, "20130524T000000Z", "us-east-1", "s3", r)
                .find("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
            std::string::npos);
}

TEST(MediaSigV4, S3ListObjectsSortsTheQuery) {
  sigv4::request_to_sign r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-date", "20130524T000000Z"},
               {"x-amz-content-sha256", empty_sha256}};
  r.payload_hash = empty_sha256;
  EXPECT_EQ(sigv4::canonical_query(r.query), "max-keys=2&prefix=J");
  EXPECT_NE(sigv4::authorization(s3_key, "20130524T000000Z", "us-east-1", "s3", r)
                .find("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
            std::string::npos);
}

TEST(MediaSigV4, S3PresignedUrlExample) {
  sigv4::presign_input in;
  in.host = "examplebucket.s3.amazonaws.com";
  in.path = "/test.txt";
  in.region = "us-east-1";
  in.service = "s3";
  in.amz_date = "20130524T000000Z";
  in.expires = std::chrono::seconds(86400);
  EXPECT_EQ(sigv4::presigned_query(s3_key, in),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
            "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&"
            "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(MediaSigV4, PresignedExpiryIsLimitedToSevenDays) {
  sigv4::presign_input in;
  in.host = "examplebucket.s3.amazonaws.com";
  in.path = "/test.txt";
  in.amz_date = "20130524T000000Z";
  EXPECT_EQ(in.expires, std::chrono::seconds(86400));  // the default is 24 h
  in.expires = sigv4::max_presign_expiry;
  EXPECT_NE(sigv4::presigned_query(s3_key, in).find("X-Amz-Expires=604800&"), std::string::npos);
  for (const auto bad : {std::chrono::seconds(604801), std::chrono::seconds(0)}) {
    in.expires = bad;
    try {
      (void)sigv4::presigned_query(s3_key, in);
      FAIL() << "expiry " << bad.count() << " s was accepted";
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.code(), seedance::errc::invalid_request);
      ASSERT_EQ(e.details().problems.size(), 1u);
      EXPECT_EQ(e.details().problems[0].field, "expires");
    }
  }
}

TEST(MediaSigV4, SessionTokenIsSignedIntoThePresignedQuery) {
  sigv4::credentials temporary = s3_key;
  temporary.session_token = "token/with+chars=";
  sigv4::presign_input in;
  in.host = "examplebucket.s3.amazonaws.com";
  in.path = "/test.txt";
  in.amz_date = "20130524T000000Z";
  const std::string query = sigv4::presigned_query(temporary, in);
  EXPECT_NE(query.find("X-Amz-Security-Token=token%2Fwith%2Bchars%3D&"), std::string::npos);
  EXPECT_EQ(query.find("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"), std::string::npos);
}

TEST(MediaSigV4, UriEncodingOfSpacesAndNonAscii) {
  EXPECT_EQ(sigv4::uri_encode("a b", false), "a%20b");
  EXPECT_EQ(sigv4::uri_encode("A-Z_a.z~09", false), "A-Z_a.z~09");
  EXPECT_EQ(sigv4::uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(sigv4::uri_encode("+=&?*", false), "%2B%3D%26%3F%2A");
  EXPECT_EQ(sigv4::canonical_uri("/bucket/dir/caf\xC3\xA9 shot.png"), "/bucket/dir/caf%C3%A9%20shot.png");
  EXPECT_EQ(sigv4::canonical_uri("/\xE1\x88\xB4"), "/%E1%88%B4");  // get-utf8's path
  EXPECT_EQ(sigv4::canonical_uri(""), "/");
}

TEST(MediaSigV4, HeaderValuesAreTrimmedAndRepeatsJoined) {
  const auto block = sigv4::canonical_headers(
      {{"My-Header1", "  a   b  c "}, {"Host", "h"}, {"my-header1", "second"}, {"X-Amz-Date", "20150830T123600Z"}});
  EXPECT_EQ(block.canonical, "host:h\nmy-header1:a b c,second\nx-amz-date:20150830T123600Z\n");
  EXPECT_EQ(block.signed_headers, "host;my-header1;x-amz-date");
}

TEST(MediaSigV4, AmzDateAndScope) {
  using namespace std::chrono;
  const sys_seconds when = sys_days(year(2015) / 8 / 30) + hours(12) + minutes(36);
  EXPECT_EQ(sigv4::amz_date(when), "20150830T123600Z");
  EXPECT_EQ(sigv4::make_scope("20150830T123600Z", "eu-west-1", "s3").text(), "20150830/eu-west-1/s3/aws4_request");
  EXPECT_THROW((void)sigv4::make_scope("2015-08-30", "us-east-1", "s3"), seedance::error);
}

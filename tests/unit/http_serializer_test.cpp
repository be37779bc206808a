// Unit tests of the HTTP/1.1 serializer: wire format, Content-Length rules, and refusal of anything that
// could split a message, without ever echoing a header value.
#include <seedance/http/parser.hpp>
#include <seedance/http/serializer.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <system_error>

namespace {

using seedance::errc;
using seedance::http::method;
using seedance::http::request;
using seedance::http::response;
using seedance::http::serialize;
using seedance::http::serialize_head;

request make_request(method m, std::string target, std::string body = {}) {
  request r;
  r.method = m;
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

/// Runs `f`, expecting seedance::error(invalid_request); returns what().
template <class F>
std::string invalid_request_message(F&& f) {
  try {
    f();
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), errc::invalid_request);
    EXPECT_EQ(e.code(), seedance::condition::invalid_request);
    EXPECT_EQ(e.details().problems.size(), 1u);
    if (!e.details().problems.empty()) {
      EXPECT_TRUE(e.details().problems[0].value.empty());
    }
    return e.what();
  }
  ADD_FAILURE() << "no seedance::error thrown";
  return {};
}

TEST(HttpSerializer, GetRequestWithoutBody) {
  auto r = make_request(method::get, "/api/v1/jobs/recordInfo?taskId=abc");
  r.headers.add("Host", "127.0.0.1:8443");
  r.headers.add("Accept", "application/json");
  EXPECT_EQ(
      serialize(r),
      "GET /api/v1/jobs/recordInfo?taskId=abc HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nAccept: application/json\r\n\r\n");
}

TEST(HttpSerializer, ContentLengthAddedForBodiesAndBodyMethods) {
  auto post = make_request(method::post, "/jobs/createTask", "{\"a\":1}");
  post.headers.add("Content-Type", "application/json");
  EXPECT_EQ(serialize(post),
            "POST /jobs/createTask HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  for (method m : {method::post, method::put, method::patch})
    EXPECT_EQ(serialize(make_request(m, "/x")),
              std::string(seedance::http::to_string(m)) + " /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  for (method m : {method::get, method::head, method::delete_, method::options})
    EXPECT_EQ(serialize(make_request(m, "/x")), std::string(seedance::http::to_string(m)) + " /x HTTP/1.1\r\n\r\n");
  EXPECT_EQ(serialize(make_request(method::delete_, "/x", "b")), "DELETE /x HTTP/1.1\r\nContent-Length: 1\r\n\r\nb");
}

TEST(HttpSerializer, MatchingContentLengthKeptNotDuplicated) {
  auto r = make_request(method::post, "/x", "abc");
  r.headers.add("content-length", "3");
  EXPECT_EQ(serialize(r), "POST /x HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc");
}

TEST(HttpSerializer, ContradictingContentLengthRefused) {
  auto r = make_request(method::post, "/x", "abc");
  r.headers.add("Content-Length", "4");
  EXPECT_NE(invalid_request_message([&] { serialize(r); }).find("Content-Length"), std::string::npos);
  r.headers.set("Content-Length", "three");
  invalid_request_message([&] { serialize(r); });
  r.headers.set("Content-Length", "3");
  r.headers.add("Content-Length", "4");
  invalid_request_message([&] { serialize(r); });
  // The whole message must not claim a body it does not have.
  auto empty = make_request(method::post, "/x");
  empty.headers.add("Content-Length", "10");
  invalid_request_message([&] { serialize(empty); });
}

TEST(HttpSerializer, SerializeHeadTrustsContentLengthForStreamedBodies) {
  auto r = make_request(method::put, "/upload");
  r.headers.add("Content-Length", "1048576");
  std::string out = "previous";
  serialize_head(r, out);
  EXPECT_EQ(out, "previousPUT /upload HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n");
  // A body present must still agree.
  r.body = "abc";
  invalid_request_message([&] { serialize_head(r, out); });
}

TEST(HttpSerializer, TransferEncodingRules) {
  auto r = make_request(method::post, "/x", "3\r\nabc\r\n0\r\n\r\n");
  r.headers.add("Transfer-Encoding", "chunked");
  EXPECT_EQ(serialize(r), "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  r.headers.add("Content-Length", "15");
  EXPECT_NE(invalid_request_message([&] { serialize(r); }).find("Transfer-Encoding"), std::string::npos);
}

TEST(HttpSerializer, CrLfNulInValueRefusedWithoutLeakingTheValue) {
  const std::string secret = "sk-live-0123456789abcdef";
  for (const std::string& bad : {secret + "\r\nX-Injected: 1", secret + "\n", secret + "\r",
                                 secret + std::string(1, '\0'), secret + "\x01", secret + "\x7f"}) {
    auto r = make_request(method::post, "/x", "{}");
    r.headers.add("Authorization", "Bearer " + bad);
    const std::string what = invalid_request_message([&] { serialize(r); });
    EXPECT_NE(what.find("Authorization"), std::string::npos) << what;
    EXPECT_EQ(what.find(secret), std::string::npos) << what;
    EXPECT_EQ(what.find("Bearer"), std::string::npos) << what;
    try {
      serialize(r);
    } catch (const seedance::error& e) {
      EXPECT_EQ(e.details().problems[0].field, "header Authorization");
      EXPECT_EQ(e.details().problems[0].rule.find(secret), std::string::npos);
    }
  }
  // HTAB and obs-text are fine in values.
  auto r = make_request(method::get, "/");
  r.headers.add("X-Tab", "a\tb caf\xc3\xa9");
  EXPECT_EQ(serialize(r), "GET / HTTP/1.1\r\nX-Tab: a\tb caf\xc3\xa9\r\n\r\n");
}

TEST(HttpSerializer, HeaderNamesMustBeTokens) {
  for (const std::string& bad : {std::string(), std::string("X Name"), std::string("X-Name:"), std::string("X\r\nY"),
                                 std::string("X\0Y", 3), std::string("Bad(Name)"), std::string("caf\xc3\xa9")}) {
    auto r = make_request(method::get, "/");
    r.headers.add(bad, "secret-value-xyz");
    const std::string what = invalid_request_message([&] { serialize(r); });
    EXPECT_EQ(what.find("secret-value-xyz"), std::string::npos) << what;
    EXPECT_EQ(what.find('\r'), std::string::npos);
    EXPECT_EQ(what.find('\n'), std::string::npos);
    EXPECT_EQ(what.find('\0'), std::string::npos);
  }
  // The shown name stops at the first invalid character: a "name: value" mistake does not leak the value.
  auto r = make_request(method::get, "/");
  r.headers.add("X-Api-Key: sk-123456789", "v");
  const std::string what = invalid_request_message([&] { serialize(r); });
  EXPECT_NE(what.find("X-Api-Key"), std::string::npos);
  EXPECT_EQ(what.find("sk-123456789"), std::string::npos);
}

TEST(HttpSerializer, TargetRefusedWithoutLeakingIt) {
  for (const std::string& bad :
       {std::string("/a?key=secret-key-123\r\nX: y"), std::string("/a b?key=secret-key-123"),
        std::string("/a\nsecret-key-123"), std::string("/a\0secret-key-123", 17), std::string()}) {
    auto r = make_request(method::get, bad);
    const std::string what = invalid_request_message([&] { serialize(r); });
    EXPECT_NE(what.find("target"), std::string::npos) << what;
    EXPECT_EQ(what.find("secret-key-123"), std::string::npos) << what;
  }
}

TEST(HttpSerializer, FailedSerializeHeadLeavesOutputUnchanged) {
  auto r = make_request(method::get, "/");
  r.headers.add("Good", "1");
  r.headers.add("Bad", "a\nb");
  std::string out = "keep";
  invalid_request_message([&] { serialize_head(r, out); });
  EXPECT_EQ(out, "keep");
}

TEST(HttpSerializer, Responses) {
  response ok;
  ok.status = 200;
  ok.reason = "OK";
  ok.headers.add("Content-Type", "application/json");
  ok.body = "{}";
  EXPECT_EQ(serialize(ok), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  response empty;
  empty.status = 202;
  empty.reason = "";
  EXPECT_EQ(serialize(empty), "HTTP/1.1 202 \r\nContent-Length: 0\r\n\r\n");
  response old;
  old.status = 404;
  old.reason = "Not Found";
  old.version_minor = 0;
  EXPECT_EQ(serialize(old), "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  response chunked;
  chunked.status = 200;
  chunked.reason = "OK";
  chunked.headers.add("Transfer-Encoding", "chunked");
  EXPECT_EQ(serialize(chunked), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
}

TEST(HttpSerializer, BodilessStatuses) {
  response r;
  r.status = 204;
  r.reason = "No Content";
  EXPECT_EQ(serialize(r), "HTTP/1.1 204 No Content\r\n\r\n");
  r.body = "x";
  invalid_request_message([&] { serialize(r); });
  r.body.clear();
  r.headers.add("Content-Length", "0");
  invalid_request_message([&] { serialize(r); });
  response not_modified;
  not_modified.status = 304;
  not_modified.reason = "Not Modified";
  not_modified.headers.add("Content-Length", "1234");  // of the representation: allowed
  EXPECT_EQ(serialize(not_modified), "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n");
  response interim;
  interim.status = 100;
  interim.reason = "Continue";
  EXPECT_EQ(serialize(interim), "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(HttpSerializer, HeadResponseThroughSerializeHead) {
  response r;
  r.status = 200;
  r.reason = "OK";
  r.headers.add("Content-Length", "5000");
  std::string out;
  serialize_head(r, out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
  invalid_request_message([&] { serialize(r); });  // the whole message would lie about its body
}

TEST(HttpSerializer, InvalidResponseFieldsRefused) {
  response r;
  r.reason = "OK";
  for (int status : {0, 99, 1000, -200}) {
    r.status = status;
    invalid_request_message([&] { serialize(r); });
  }
  r.status = 200;
  r.version_minor = 2;
  invalid_request_message([&] { serialize(r); });
  r.version_minor = 1;
  r.reason = "OK\r\nSet-Cookie: x";
  invalid_request_message([&] { serialize(r); });
  r.reason = "OK";
  r.headers.add("Set-Cookie", "a\r\nb");
  EXPECT_NE(invalid_request_message([&] { serialize(r); }).find("Set-Cookie"), std::string::npos);
}

TEST(HttpSerializer, RoundTripThroughTheParsers) {
  auto r = make_request(method::patch, "/v3/tasks/1?x=y", "{\"k\":[1,2,3]}");
  r.headers.add("Host", "127.0.0.1");
  r.headers.add("X-Repeated", "1");
  r.headers.add("X-Repeated", "2");
  const std::string wire = serialize(r);
  seedance::http::request_parser rp;
  std::error_code ec;
  EXPECT_EQ(rp.put(wire, ec), wire.size());
  ASSERT_FALSE(ec);
  ASSERT_TRUE(rp.done());
  EXPECT_EQ(rp.get().method, r.method);
  EXPECT_EQ(rp.get().target, r.target);
  EXPECT_EQ(rp.get().body, r.body);
  EXPECT_EQ(rp.get().headers.find_all("x-repeated").size(), 2u);

  response resp;
  resp.status = 429;
  resp.reason = "Too Many Requests";
  resp.headers.add("Retry-After", "3");
  resp.body = "{\"error\":\"slow down\"}";
  const std::string resp_wire = serialize(resp);
  seedance::http::response_parser pp;
  EXPECT_EQ(pp.put(resp_wire, ec), resp_wire.size());
  ASSERT_FALSE(ec);
  ASSERT_TRUE(pp.done());
  EXPECT_EQ(pp.get().status, 429);
  EXPECT_EQ(pp.get().reason, resp.reason);
  EXPECT_EQ(pp.get().body, resp.body);
  EXPECT_EQ(pp.get().headers.find("retry-after"), "3");
}

}  // namespace

// support/fixtures.hpp - loads golden wire fixtures from tests/fixtures (see tests/fixtures/README.md).
//
// The build defines SEEDANCE_FIXTURES_DIR as a string literal naming the fixtures directory. Every function
// throws std::runtime_error naming the file when it is missing or malformed, so a broken fixture fails the test
// that uses it with a readable message.
#pragma once

#include <seedance/http/message.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#ifndef SEEDANCE_FIXTURES_DIR
#error "SEEDANCE_FIXTURES_DIR must be defined (a string literal: the tests/fixtures directory)"
#endif

namespace seedance::test_support {

/// Absolute path of fixture `relative` (e.g. "kinovi/request_text.json").
inline std::string fixture_path(std::string_view relative) {
  return std::string(SEEDANCE_FIXTURES_DIR) + "/" + std::string(relative);
}

/// The bytes of fixture `relative`. Throws std::runtime_error when it cannot be read.
inline std::string read_fixture(std::string_view relative) {
  const std::string path = fixture_path(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("fixture not found: " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Fixture `relative` parsed as JSON. Throws std::runtime_error when it is not JSON.
inline boost::json::value load_json(std::string_view relative) {
  boost::system::error_code ec;
  auto value = boost::json::parse(read_fixture(relative), ec);
  if (ec) throw std::runtime_error("fixture is not JSON: " + fixture_path(relative) + ": " + ec.message());
  return value;
}

/// A response fixture (wrapper {"status", "headers"?, "body" | "body_text"}) as an http::response. `body` is
/// serialized compactly; `body_text` is used verbatim (for bodies that are not JSON). Throws std::runtime_error
/// when the wrapper is malformed.
inline http::response load_response(std::string_view relative) {
  const auto wrapper = load_json(relative);
  const auto* object = wrapper.if_object();
  const auto* status = object ? object->if_contains("status") : nullptr;
  if (!status || !status->is_int64())
    throw std::runtime_error("response fixture needs an integer \"status\": " + fixture_path(relative));
  http::response response;
  response.status = static_cast<int>(status->get_int64());
  if (const auto* headers = object->if_contains("headers")) {
    if (!headers->is_object()) throw std::runtime_error("\"headers\" must be an object: " + fixture_path(relative));
    for (const auto& [name, value] : headers->get_object()) {
      if (!value.is_string()) throw std::runtime_error("header values must be strings: " + fixture_path(relative));
      response.headers.add(std::string(name), std::string(value.get_string()));
    }
  }
  if (const auto* text = object->if_contains("body_text")) {
    if (!text->is_string()) throw std::runtime_error("\"body_text\" must be a string: " + fixture_path(relative));
    response.body = std::string(text->get_string());
  } else if (const auto* body = object->if_contains("body")) {
    response.body = boost::json::serialize(*body);
  } else {
    throw std::runtime_error("response fixture needs \"body\" or \"body_text\": " + fixture_path(relative));
  }
  return response;
}

/// The "body" member of a response fixture (the parsed JSON the provider sent).
inline boost::json::value response_body(std::string_view relative) {
  const auto wrapper = load_json(relative);
  const auto* object = wrapper.if_object();
  const auto* body = object ? object->if_contains("body") : nullptr;
  if (!body) throw std::runtime_error("response fixture has no \"body\": " + fixture_path(relative));
  return *body;
}

}  // namespace seedance::test_support

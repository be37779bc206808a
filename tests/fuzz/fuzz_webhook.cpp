// libFuzzer target: provider callbacks. The first byte chooses the way in:
//   - bits 0-1 pick a provider; every input is delivered straight to webhook_listener::deliver() through that
//     provider's decode_webhook (the rest of the bytes are the callback body);
//   - bit 2 also sends the bytes to a started listener over loopback TCP: as a whole raw HTTP message (bit 3
//     clear) or as the body of a well-formed POST (bit 3 set), and reads its answer (bytes that are not a whole
//     request yet are sent and the connection reset: the listener would wait for more).
// Invariants: deliver() throws only seedance::error; a new notification names a task; the same body delivered
// twice in a row is a duplicate the second time; the counters add up; the listener answers every complete request
// with 200, 400, 404 or 413 and closes the connection (a hang is a libFuzzer timeout).
#include <seedance/http/parser.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/webhook.hpp>

#include <asio/connect.hpp>
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

namespace {

#define FUZZ_CHECK(condition)       \
  do {                              \
    if (!(condition)) std::abort(); \
  } while (0)

constexpr std::size_t remembered = 16;
constexpr std::size_t max_body_bytes = 4096;  // small, so the dedup memory's eviction is exercised constantly

seedance::webhook_listener::decoder decoder_for(unsigned index) {
  switch (index & 3) {
    case 0:
      return [](std::string_view body) { return seedance::kinovi::decode_webhook(body); };
    case 1:
      return [](std::string_view body) { return seedance::aihubmax::decode_webhook(body); };
    case 2:
      return [](std::string_view body) { return seedance::seedance2ink::decode_webhook(body); };
    default:
      return [](std::string_view body) { return seedance::ark::decode_webhook(body); };
  }
}

/// One unstarted listener per provider, fed with deliver() on the fuzzing thread.
struct direct_listeners {
  asio::io_context io;
  std::array<std::unique_ptr<seedance::webhook_listener>, 4> listeners;
  std::array<std::uint64_t, 4> delivered{};  // deliver() calls that returned
  direct_listeners() {
    seedance::webhook_options options;
    options.remembered_notifications = remembered;
    for (unsigned i = 0; i < 4; ++i)
      listeners[i] = std::make_unique<seedance::webhook_listener>(io.get_executor(), decoder_for(i), options);
  }
};

/// A started listener (Ark's decoder) on 127.0.0.1 with its own thread. Only that thread touches it.
struct http_listener {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{io.get_executor()};
  std::unique_ptr<seedance::webhook_listener> listener;
  asio::ip::tcp::endpoint endpoint;
  std::thread thread;
  http_listener() {
    seedance::webhook_options options;
    options.path = "/hook";
    options.max_body_bytes = max_body_bytes;
    options.remembered_notifications = remembered;
    // Long enough that a starved fuzzing machine never trips it: a listener that hangs is a libFuzzer timeout.
    options.read_timeout = std::chrono::seconds(60);
    listener = std::make_unique<seedance::webhook_listener>(io.get_executor(), decoder_for(3), options);
    listener->start({asio::ip::make_address("127.0.0.1"), 0});
    endpoint = listener->local_endpoint();
    thread = std::thread([this] { io.run(); });
  }
};

direct_listeners& direct() {
  static auto* instance = new direct_listeners();  // reachable until exit: not a leak
  return *instance;
}

http_listener& over_http() {
  static auto* instance = new http_listener();
  return *instance;
}

void deliver_directly(unsigned provider, std::string_view body) {
  auto& d = direct();
  auto& listener = *d.listeners[provider];
  const auto before = listener.stats();
  std::optional<seedance::task> first;
  try {
    first = listener.deliver(body);
  } catch (const seedance::error&) {
    const auto after = listener.stats();
    FUZZ_CHECK(after.accepted == before.accepted && after.duplicates == before.duplicates);
    return;
  }
  ++d.delivered[provider];
  if (first) FUZZ_CHECK(!first->id.empty());
  // The same body again, at once: remembered, so a duplicate.
  std::optional<seedance::task> second;
  try {
    second = listener.deliver(body);
  } catch (const seedance::error&) {
    std::abort();  // the decoder is deterministic: it accepted these bytes a moment ago
  }
  ++d.delivered[provider];
  FUZZ_CHECK(!second);
  const auto after = listener.stats();
  FUZZ_CHECK(after.accepted + after.duplicates == d.delivered[provider]);
  FUZZ_CHECK(after.duplicates >= before.duplicates + 1);
}

/// True when the listener will answer `wire` by itself: it holds a complete request, or one its parser refuses.
bool listener_will_answer(std::string_view wire) {
  seedance::http::parser_limits limits;
  limits.max_header_bytes = 16 * 1024;  // as the listener
  limits.max_body_bytes = max_body_bytes;
  seedance::http::request_parser parser(limits);
  std::error_code ec;
  (void)parser.put(wire, ec);
  return ec || parser.done();
}

/// Sends `wire` to the started listener and, when it will answer, reads the answer until the listener closes.
void send_over_http(std::string_view wire) {
  auto& server = over_http();
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  std::error_code ec;
  // libFuzzer's timeout alarm interrupts blocking calls now and then: those are tried again (boundedly).
  constexpr int max_tries = 1000;
  for (int tries = 0; tries < max_tries; ++tries) {
    if (socket.is_open()) socket.close(ec);
    socket.connect(server.endpoint, ec);
    if (ec != asio::error::interrupted) break;
  }
  FUZZ_CHECK(!ec);
  // Closing with a reset leaves no TIME_WAIT behind on either side (the fuzzer opens many connections); the
  // listener closes first, so it must not be half-closed from here either.
  const auto reset = [&] {
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
  };
  std::string_view unsent = wire;
  for (int tries = 0; tries < max_tries && !unsent.empty(); ++tries) {
    const std::size_t n = socket.write_some(asio::buffer(unsent.data(), unsent.size()), ec);
    unsent.remove_prefix(n);
    if (ec && ec != asio::error::interrupted) break;  // may fail: the listener refused early
  }
  if (!listener_will_answer(wire)) return reset();  // it would wait for more bytes
  std::string answer;
  std::array<char, 4096> buffer{};
  for (int reads = 0; reads < max_tries; ++reads) {
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    answer.append(buffer.data(), n);
    if (ec && ec != asio::error::interrupted) break;
  }
  FUZZ_CHECK(ec);  // the listener closes after one answer
  const std::string ended = ec.message();
  reset();
  const std::string_view head(answer);
  if (head.substr(0, 9) != "HTTP/1.1 ") {
    std::fprintf(stderr, "fuzz_webhook: no HTTP answer to %zu bytes: %zu bytes back, then %s\n", wire.size(),
                 answer.size(), ended.c_str());
    std::abort();
  }
  const std::string_view status = head.substr(9, 3);
  FUZZ_CHECK(status == "200" || status == "400" || status == "404" || status == "413");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned control = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  deliver_directly(control & 3, body);
  if (control & 4) {
    if (control & 8) {
      std::string wire = "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
      wire += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
      wire += body;
      send_over_http(wire);
    } else {
      send_over_http(body);
    }
  }
  return 0;
}

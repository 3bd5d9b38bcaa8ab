// Fuzz target: the ws core (runtime/proto/ws Session) on bytes from an
// untrusted peer: as a client after a valid handshake, or as a server after
// accept().
//
// Input: byte 0 = chunk size for a chunked feeding, byte 1 bit 0 = feed EOF
// at the end, bit 1 = small sizes (max_frame 64, rx_piece 64, max_message
// 256), bit 2 = handshake mode, bit 3 = server role (the rest are the
// client's frames after its upgrade request; bit 2 is then ignored);
// otherwise the rest are the server's bytes after its 101 response
// or, in handshake mode, the whole response with every "ACCEPT" replaced by
// the right Sec-WebSocket-Accept value (so the fuzzer can reach past it).
// Invariants checked:
//  - no crash, no sanitizer report, no unbounded buffering (a frame is
//    handed over in pieces of at most rx_piece; max_message caps messages);
//  - the events are identical fed whole, fed in chunks and fed one byte at
//    a time (including the error and its byte offset), and so are the bytes
//    we write back (pongs, close replies; masks come from a seeded Rng);
//  - nothing follows an ErrorEvent or ClosedEvent; fragments follow the
//    SOM/EOM rules (first only when no message is open).
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "runtime/proto/ws/ws_client.h"
#include "runtime/proto/ws/ws_handshake.h"

namespace {

using namespace ss::proto::ws;

struct Outcome {
  std::vector<Event> events;
  std::vector<std::uint8_t> written;
  bool operator==(const Outcome&) const = default;
};

// Feeds `in` in chunks (then EOF if asked), collecting events and output.
Outcome feed(Session& c, std::span<const std::uint8_t> in, std::size_t chunk, bool eof) {
  Outcome out;
  auto drain = [&] {
    for (;;) {
      Event e = c.next_event();
      if (std::holds_alternative<NeedData>(e)) break;
      out.events.push_back(std::move(e));
    }
    auto w = c.take_output();
    out.written.insert(out.written.end(), w.begin(), w.end());
  };
  for (std::size_t i = 0; i < in.size(); i += chunk) {
    c.receive_data(in.subspan(i, std::min(chunk, in.size() - i)));
    drain();
  }
  if (eof) c.receive_data({});
  drain();
  return out;
}

Outcome run(std::span<const std::uint8_t> raw, std::size_t chunk, bool eof, bool small, bool handshake,
            bool server) {
  ss::Rng rng(1234);
  Options o;
  if (small) {
    o.max_frame = 64;
    o.rx_piece = 64;
    o.max_message = 256;
  }
  if (server) {
    o.role = Options::Role::kServer;
    handshake = false;
  }
  Session c(rng, o);
  if (server) {
    if (!c.accept("dGhlIHNhbXBsZSBub25jZQ==", "", {}).ok()) std::abort();
    return feed(c, raw, chunk, eof);
  }
  auto req = c.open("fuzz", "/");
  if (!req.ok()) std::abort();
  const std::string& r = *req;
  auto at = r.find("Sec-WebSocket-Key: ") + 19;
  std::string key = r.substr(at, r.find("\r\n", at) - at);
  std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: " + accept_for(key) + "\r\n\r\n";
  std::string input(raw.begin(), raw.end());
  if (handshake) {
    for (std::size_t at = input.find("ACCEPT"); at != std::string::npos; at = input.find("ACCEPT", at + 1))
      input.replace(at, 6, accept_for(key));
  } else {
    c.receive_data(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(head.data()), head.size()));
  }
  return feed(c, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()),
              chunk, eof);
}

void check_shape(const Outcome& o, bool small) {
  bool open = false;
  for (std::size_t i = 0; i < o.events.size(); ++i) {
    const Event& e = o.events[i];
    if ((std::holds_alternative<ErrorEvent>(e) || std::holds_alternative<ClosedEvent>(e)) && i + 1 != o.events.size())
      std::abort();
    if (auto* f = std::get_if<FragmentEvent>(&e)) {
      if (f->first == open) std::abort();
      if (f->data.size() > (small ? 64u : Options{}.rx_piece)) std::abort();
      open = !f->last;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t chunk = 1 + data[0] % 64;
  bool eof = data[1] & 1;
  bool small = data[1] & 2;
  bool handshake = data[1] & 4;
  bool server = data[1] & 8;
  std::span<const std::uint8_t> in(data + 2, size - 2);
  Outcome whole = run(in, 1 << 30, eof, small, handshake, server);
  check_shape(whole, small);
  if (!(run(in, chunk, eof, small, handshake, server) == whole)) std::abort();
  if (!(run(in, 1, eof, small, handshake, server) == whole)) std::abort();
  return 0;
}

// Fuzz target: the MQTT client core (runtime/proto/mqtt) on bytes from a
// hostile broker.
//
// Input: byte 0 = chunk size for a chunked feeding; byte 1 bit 0 = feed EOF
// at the end, bit 1 = a valid CONNACK goes first (so the fuzzer starts past
// it), bit 2 = small limits (max_packet 64), bits 4..7 = how many QoS 1
// publishes we have outstanding (their resend clocks run: time advances by
// one second after every chunk); the rest are the broker's bytes.
// Invariants checked:
//  - no crash, no sanitizer report, no unbounded buffering (the reader
//    never holds more than one maximal packet plus a chunk);
//  - the events and the bytes we write back (PUBACKs, DUP resends) are
//    identical fed whole, fed in chunks and fed one byte at a time,
//    including the error and its byte offset, except where the feeding
//    changes time: resend output is compared for the same chunking only;
//  - nothing follows an ErrorEvent or ClosedEvent; every PubackEvent and
//    PublishFailedEvent names an id we used, at most once.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <span>
#include <vector>

#include "runtime/proto/mqtt/mqtt_client.h"

namespace {

using namespace ss::proto::mqtt;

struct Outcome {
  std::vector<Event> events;
  std::vector<std::uint8_t> written;
  bool operator==(const Outcome&) const = default;
};

Outcome run(std::span<const std::uint8_t> in, std::size_t chunk, bool eof, bool connack, bool small,
            int publishes, bool tick) {
  Options o;
  if (small) o.max_packet = 64;
  o.resend_after = ss::seconds(1);
  o.max_resends = 2;
  Client c(o);
  Connect conn;
  conn.client_id = "fuzz";
  if (!c.connect(conn).ok()) std::abort();
  c.take_output();
  if (connack) c.receive_data(*encode(Connack{false, 0}));
  ss::Micros now = 0;
  std::set<std::uint16_t> ids;
  for (int i = 0; i < publishes; ++i) {
    const std::uint8_t payload[] = {static_cast<std::uint8_t>(i)};
    auto id = c.publish("t/x", payload, 1, false, now);
    if (id.ok()) ids.insert(*id);
  }
  Outcome out;
  std::set<std::uint16_t> settled;
  bool ended = false;
  auto drain = [&] {
    while (auto e = c.next_event()) {
      if (ended) std::abort();
      if (std::holds_alternative<ErrorEvent>(*e) || std::holds_alternative<ClosedEvent>(*e)) ended = true;
      std::uint16_t id = 0;
      if (auto* a = std::get_if<PubackEvent>(&*e)) id = a->packet_id;
      if (auto* f = std::get_if<PublishFailedEvent>(&*e)) id = f->packet_id;
      if (id && (!ids.count(id) || !settled.insert(id).second)) std::abort();
      out.events.push_back(std::move(*e));
    }
    auto w = c.take_output();
    out.written.insert(out.written.end(), w.begin(), w.end());
  };
  drain();
  for (std::size_t i = 0; i < in.size(); i += chunk) {
    c.receive_data(in.subspan(i, std::min(chunk, in.size() - i)));
    drain();
    if (tick) {
      now += ss::seconds(1);
      c.handle_timeout(now);
      drain();
    }
  }
  if (eof) c.receive_data({});
  drain();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const bool eof = data[1] & 1;
  const bool connack = data[1] & 2;
  const bool small = data[1] & 4;
  const int publishes = data[1] >> 4;
  std::span<const std::uint8_t> in(data + 2, size - 2);
  Outcome whole = run(in, 1 << 30, eof, connack, small, publishes, false);
  if (!(run(in, chunk, eof, connack, small, publishes, false) == whole)) std::abort();
  if (!(run(in, 1, eof, connack, small, publishes, false) == whole)) std::abort();
  // With time running: the same chunking twice gives the same outcome.
  if (!(run(in, chunk, eof, connack, small, publishes, true) == run(in, chunk, eof, connack, small, publishes, true)))
    std::abort();
  return 0;
}

// Properties of the ws core:
//  - server frames (fragmented messages with pings in between) fed in any
//    split give the same events and the same written bytes as fed whole,
//    and the messages come out as they went in;
//  - what the client sends decodes (unmasked by a small decoder here) to
//    frames whose opcodes/FIN follow the SOM/EOM of each chunk, carrying
//    the same payload.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "runtime/proto/ws/ws_client.h"
#include "runtime/proto/ws/ws_frame_writer.h"
#include "runtime/proto/ws/ws_handshake.h"

namespace ss::proto::ws {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string answer_for(const std::string& request) {
  auto at = request.find("Sec-WebSocket-Key: ") + 19;
  std::string key = request.substr(at, request.find("\r\n", at) - at);
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
         accept_for(key) + "\r\n\r\n";
}

struct Run {
  std::vector<Event> events;
  std::vector<std::uint8_t> written;
};

Run run(const std::string& frames, const std::vector<std::size_t>& cuts) {
  Rng rng(77);
  Client c(rng, {});
  auto req = c.open("h", "/");
  std::string in = answer_for(*req) + frames;
  Run out;
  auto drain = [&] {
    for (Event e = c.next_event(); !std::holds_alternative<NeedData>(e); e = c.next_event()) out.events.push_back(e);
    auto w = c.take_output();
    out.written.insert(out.written.end(), w.begin(), w.end());
  };
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    std::size_t n = std::min(cut, in.size() - at);
    if (n == 0) continue;
    c.receive_data(bytes(std::string_view(in).substr(at, n)));
    at += n;
    drain();
  }
  if (at < in.size()) c.receive_data(bytes(std::string_view(in).substr(at)));
  drain();
  return out;
}

RC_GTEST_PROP(WsProps, SplitDoesNotChangeEvents, ()) {
  auto messages = *rc::gen::resize(8, rc::gen::container<std::vector<std::string>>(
                                          rc::gen::container<std::string>(rc::gen::arbitrary<char>())));
  std::string frames;
  for (auto& m : messages) {
    bool binary = *rc::gen::arbitrary<bool>();
    // Text must be UTF-8 (wslay checks it and closes with 1007): use ASCII.
    if (!binary)
      for (char& ch : m) ch = static_cast<char>(ch & 0x7f);
    std::size_t at = 0;
    bool first = true;
    do {
      std::size_t n = std::min<std::size_t>(*rc::gen::inRange<std::size_t>(1, 200), m.size() - at);
      bool fin = at + n == m.size();
      frames += write_frame({fin, 0, static_cast<std::uint8_t>(first ? (binary ? 2 : 1) : 0), std::nullopt,
                             m.substr(at, n)});
      if (*rc::gen::inRange(0, 4) == 0) frames += write_frame({true, 0, 9, std::nullopt, "pi"});
      at += n;
      first = false;
    } while (at < m.size());
  }
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 50));
  Run whole = run(frames, {});
  Run split = run(frames, cuts);
  RC_ASSERT(whole.events == split.events);
  RC_ASSERT(whole.written == split.written);
  std::vector<std::string> got;
  for (const auto& e : whole.events) {
    RC_ASSERT(!std::holds_alternative<ErrorEvent>(e));
    if (auto* f = std::get_if<FragmentEvent>(&e)) {
      if (f->first) got.emplace_back();
      got.back().append(f->data.begin(), f->data.end());
    }
  }
  RC_ASSERT(got == messages);
}

// A decoded client frame.
struct Decoded {
  bool fin;
  int opcode;
  std::string payload;
};

std::vector<Decoded> decode_masked(const std::vector<std::uint8_t>& b) {
  std::vector<Decoded> out;
  std::size_t i = 0;
  while (i < b.size()) {
    Decoded d{(b[i] & 0x80) != 0, b[i] & 0x0f, {}};
    RC_ASSERT((b[i + 1] & 0x80) != 0);  // clients mask
    std::uint64_t n = b[i + 1] & 0x7f;
    i += 2;
    if (n == 126) {
      n = (b[i] << 8) | b[i + 1];
      i += 2;
    } else if (n == 127) {
      n = 0;
      for (int k = 0; k < 8; ++k) n = (n << 8) | b[i + k];
      i += 8;
    }
    const std::uint8_t* key = &b[i];
    i += 4;
    for (std::uint64_t k = 0; k < n; ++k) d.payload += static_cast<char>(b[i + k] ^ key[k % 4]);
    i += n;
    out.push_back(std::move(d));
  }
  return out;
}

RC_GTEST_PROP(WsProps, SentChunksDecodeToFrames, ()) {
  Rng rng(*rc::gen::arbitrary<std::uint64_t>());
  Options o;
  o.max_frame = *rc::gen::inRange<std::size_t>(1, 300);
  Client c(rng, o);
  auto req = c.open("h", "/");
  c.receive_data(bytes(answer_for(*req)));
  while (!std::holds_alternative<NeedData>(c.next_event())) {
  }
  c.take_output();
  const auto chunks = *rc::gen::container<std::vector<std::string>>(rc::gen::container<std::string>(rc::gen::arbitrary<char>()));
  const bool binary = *rc::gen::arbitrary<bool>();
  std::string all;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    bool som = k == 0, eom = k + 1 == chunks.size();
    RC_ASSERT(c.send(bytes(chunks[k]), binary, som, eom).ok());
    all += chunks[k];
  }
  auto frames = decode_masked(c.take_output());
  std::string got;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    RC_ASSERT(frames[k].opcode == (k == 0 ? (binary ? 2 : 1) : 0));
    RC_ASSERT(frames[k].fin == (k + 1 == frames.size()));
    RC_ASSERT(frames[k].payload.size() <= o.max_frame);
    got += frames[k].payload;
  }
  RC_ASSERT(got == all);
}

}  // namespace
}  // namespace ss::proto::ws

// The WebSocket half of the "server" scenario (server_scenario.cc): ws
// client streams of this engine upgrade on the server's "web" streamtype
// (protocol ws: HTTP and WebSocket on one port) and send messages, which
// the server's user echoes once each message's EOM is in.
//
//   MessageAssembler  SOM/EOM rules of one direction's rx: SOM starts a
//                     message and never comes inside one; a piece without
//                     SOM comes only inside one; EOM completes it
//   WsEcho            the server side of one upgraded accepted stream
//   WsActor           one client: its messages in turn on one connection;
//                     each echo must be the message sent in that place
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/stream/stream.h"
#include "sim/world.h"

namespace ss::sim::server_ws {

class MessageAssembler {
 public:
  // A whole message when this piece ends one; `bad` is set to why the
  // piece breaks the rules (the piece is dropped).
  std::optional<std::string> add(std::span<const std::uint8_t> piece, std::uint32_t flags, std::string& bad) {
    const bool som = flags & stream::kFlagSom;
    if (som && open_) bad = "SOM inside a message";
    if (!som && !open_) bad = "a piece without SOM outside a message";
    if (!bad.empty()) return std::nullopt;
    if (som) msg_.clear();
    open_ = true;
    msg_.append(piece.begin(), piece.end());
    if (!(flags & stream::kFlagEom)) return std::nullopt;
    open_ = false;
    return std::exchange(msg_, {});
  }

 private:
  bool open_ = false;
  std::string msg_;
};

// Sends queued messages as SOM..EOM chunks of at most `chunk` bytes.
class MessageSender {
 public:
  void push(std::string m) { out_.push_back(std::move(m)); }
  bool empty() const { return out_.empty(); }
  stream::Ret tx(std::span<std::uint8_t> buf, std::size_t chunk, std::size_t& len, std::uint32_t& flags) {
    if (out_.empty()) return stream::Ret::kTxDontSend;
    const std::string& m = out_.front();
    flags = pos_ == 0 ? std::uint32_t{stream::kFlagSom} : 0u;
    len = std::min({buf.size(), chunk, m.size() - pos_});
    std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(pos_), len, buf.begin());
    pos_ += len;
    if (pos_ == m.size()) {
      flags |= stream::kFlagEom;
      out_.pop_front();
      pos_ = 0;
    }
    return stream::Ret::kOk;
  }

 private:
  std::deque<std::string> out_;
  std::size_t pos_ = 0;
};

// The server's echo on one upgraded accepted stream (its change_handlers).
struct WsEcho {
  MessageAssembler in;
  MessageSender out;
  std::vector<std::string>* received = nullptr;  // every message any server stream read

  stream::Callbacks handlers(World& world, const std::string& name, const std::function<stream::Stream*()>& self) {
    stream::Callbacks cb;
    cb.rx = [this, &world, name, self](std::span<const std::uint8_t> b, std::uint32_t flags) {
      std::string bad;
      auto m = in.add(b, flags, bad);
      if (!bad.empty()) world.violation(name + ": ws rx " + bad);
      if (m) {
        received->push_back(*m);
        out.push(std::move(*m));
        self()->request_tx();
      }
      return stream::Ret::kOk;
    };
    cb.tx = [this, self](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      const stream::Ret r = out.tx(buf, buf.size(), len, flags);
      if (!out.empty()) self()->request_tx();
      return r;
    };
    return cb;
  }
};

// One ws client: `messages` in turn, each sent once the previous echo is
// back; destroyed after the last echo.
struct WsActor {
  World* world = nullptr;
  std::string name;
  std::uint64_t ordinal = 0;
  Micros start_at = 0;
  std::size_t chunk = 1000;
  std::vector<std::string> messages;
  stream::Stream* s = nullptr;
  std::vector<stream::State> states;
  std::size_t echoed = 0;  // on the (one) connection
  bool destroyed = false;
  MessageAssembler in;
  MessageSender out;

  stream::Ret on_state(stream::State st) {
    states.push_back(st);
    if (st == stream::State::kDestroying) destroyed = true;
    if (st == stream::State::kConnected && !messages.empty()) send_next();
    return stream::Ret::kOk;
  }
  stream::Ret on_rx(std::span<const std::uint8_t> b, std::uint32_t flags) {
    std::string bad;
    auto m = in.add(b, flags, bad);
    if (!bad.empty()) world->violation(name + ": ws rx " + bad);
    if (!m) return stream::Ret::kOk;
    // Bytes in order: the k-th echo is the k-th message, whole.
    if (echoed >= messages.size() || *m != messages[echoed]) {
      world->violation(name + ": echo " + std::to_string(echoed + 1) + " (" + std::to_string(m->size()) +
                       " bytes) is not the message sent in that place");
      return stream::Ret::kDestroyMe;
    }
    if (++echoed == messages.size()) return stream::Ret::kDestroyMe;
    send_next();
    return stream::Ret::kOk;
  }
  stream::Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    const stream::Ret r = out.tx(buf, chunk, len, flags);
    if (!out.empty()) s->request_tx();
    return r;
  }
  bool done() const { return echoed == messages.size(); }

 private:
  void send_next() {
    out.push(messages[echoed]);
    s->request_tx();
  }
};

}  // namespace ss::sim::server_ws

// A test client process for proxy tests in the simulator: one ClientLink
// driven over a simulated connection to the proxy. It creates its stream,
// connects it, and sends `messages` payloads one after another, each once
// everything sent before has come back; `Behaviour` makes it misbehave, or
// (kBulk) push `messages` 4000-byte chunks as fast as the link takes them.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/proxy/client_link.h"
#include "runtime/stream/states.h"
#include "runtime/wire/encoder.h"
#include "sim/world.h"

namespace ss::proxy::testing {

enum class Behaviour {
  kGood,
  kGarbageAfterCreate,
  kSilent,
  kUnknownStreamtype,
  kUndeclaredMetadata,
  kHalfFrame,  // after CREATE_RESULT: half of a TX_PAYLOAD frame, then nothing (a slowloris)
  kBulk,
};

// One client process: a ClientLink driven over a simulated connection.
class SimLinkClient final : public ConnectionHandler {
 public:
  // `initial_tx_credit`: the peer tx credit the client asks for (0: lws's
  // default, 500,000,000).
  SimLinkClient(sim::World& world, Net& net, Behaviour behaviour, int messages,
                std::string streamtype = "echo",
                Endpoint proxy = Endpoint::unix_abstract("proxy.ss.lws"), std::int32_t initial_tx_credit = 0)
      : world_(world), behaviour_(behaviour), messages_(messages),
        link_(ClientLinkOptions{behaviour == Behaviour::kUnknownStreamtype ? "spam" : streamtype, 7,
                                initial_tx_credit}) {
    conn_ = net.connect(proxy, {}, this);
  }

  void on_connected() override {
    if (behaviour_ == Behaviour::kSilent) return;  // never sends STREAMTYPE
    link_.link_up(world_.now());
    flush();
  }
  void on_data(std::span<const std::uint8_t> bytes) override {
    link_.receive_from_proxy(bytes, world_.now());
    while (auto e = link_.next_event()) handle(*e);
    flush();
  }
  void on_end(EndReason reason) override { ended = reason; }
  void close() { conn_->close(); }
  // lws_sspc_add_peer_tx_credit: queued, written with the next flush.
  void add_peer_tx_credit(std::int32_t credit) { link_.add_peer_tx_credit(credit); }
  void flush_now() { flush(); }

  static std::string message(int i) { return "message " + std::to_string(i) + ";"; }
  // What payload number `i` is for this client.
  std::string payload(int i) const {
    if (behaviour_ != Behaviour::kBulk) return message(i);
    std::string chunk(4000, static_cast<char>('a' + i % 26));
    const std::string mark = "#" + std::to_string(i) + ";";
    std::copy(mark.begin(), mark.end(), chunk.begin());
    return chunk;
  }
  std::string all_messages() const {
    std::string all;
    for (int i = 0; i < messages_; ++i) all += payload(i);
    return all;
  }

  std::vector<std::string> echoes;  // rx payloads as delivered
  std::string received;             // all rx bytes, in order
  std::vector<stream::State> states;
  bool create_failed = false;
  std::optional<EndReason> ended;

 private:
  void handle(const LinkEvent& e) {
    if (std::holds_alternative<LinkCreated>(e)) {
      if (behaviour_ == Behaviour::kGarbageAfterCreate) {
        const std::uint8_t junk[] = {0x42, 0x00, 0x00};
        conn_->write(std::span<const std::uint8_t>(junk, 3));
        return;
      }
      if (behaviour_ == Behaviour::kHalfFrame) {
        wire::PayloadFrame f;
        f.direction = wire::Direction::kClientToProxy;
        f.flags = wire::kFlagSom | wire::kFlagEom;
        f.payload.assign(200, 'h');
        std::vector<std::uint8_t> bytes;
        (void)wire::encode_frame(f, &bytes);
        conn_->write(std::span<const std::uint8_t>(bytes.data(), bytes.size() / 2));
        return;
      }
      if (behaviour_ == Behaviour::kUndeclaredMetadata) link_.set_metadata("nope", "1");
      link_.set_metadata("tag", "t");
      link_.onward_connect();
    } else if (std::holds_alternative<LinkCreateFailed>(e)) {
      create_failed = true;
    } else if (const auto* s = std::get_if<LinkState>(&e)) {
      states.push_back(stream::to_state(static_cast<int>(s->state)));
      // CONNECTED (again, after a reconnect): go on only if nothing is
      // outstanding; bytes lost with a dropped connection stay lost.
      if (s->state == static_cast<std::uint32_t>(stream::State::kConnected) && received.size() == expected_.size() && sent_ < messages_)
        link_.request_tx(world_.now());
    } else if (const auto* rx = std::get_if<LinkRx>(&e)) {
      echoes.emplace_back(rx->payload.begin(), rx->payload.end());
      received.append(rx->payload.begin(), rx->payload.end());
      if (behaviour_ != Behaviour::kBulk && received.size() == expected_.size() && sent_ < messages_)
        link_.request_tx(world_.now());
    }
  }

  void flush() {
    std::vector<std::uint8_t> out;
    auto tx = [this](std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
      if (sent_ >= messages_) return TxAnswer::kDontSend;
      const std::string msg = payload(sent_++);
      expected_ += msg;
      const std::size_t n = std::min(msg.size(), buf.size());
      std::copy_n(msg.begin(), n, buf.begin());
      *len = n;
      *flags = wire::kFlagSom | wire::kFlagEom;
      if (behaviour_ == Behaviour::kBulk && sent_ < messages_) link_.request_tx(world_.now());
      return TxAnswer::kSend;
    };
    while (link_.wants_write() &&
           link_.take_proxy_bytes(&out, tx, world_.now()) == ClientLink::WriteResult::kWrote) {
    }
    if (!out.empty()) conn_->write(out);
  }

  sim::World& world_;
  Behaviour behaviour_;
  int messages_;
  ClientLink link_;
  std::unique_ptr<Connection> conn_;
  int sent_ = 0;
  std::string expected_;  // what was sent so far
};

}  // namespace ss::proxy::testing

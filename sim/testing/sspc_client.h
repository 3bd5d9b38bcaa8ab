// A well-behaved client process of the proxy built on ProxyClient (the real
// lws-SSPC-style client, runtime/proxy/proxy_client.h), for the "proxy"
// scenario: it sends `messages` payloads one after another, each once all
// before it came back, exactly like SimLinkClient's good behaviour, so the
// same invariants apply. Closing it destroys the stream.
#pragma once

#include <memory>
#include <string>

#include "runtime/proxy/proxy_client.h"
#include "sim/testing/sim_link_client.h"
#include "sim/world.h"

namespace ss::proxy::testing {

class SspcClient {
 public:
  // credit_window > 0: the streamtype has manual credit and the client
  // reads like an application with a buffer of that size: it grants the
  // window at creation (before the proxy link can carry it, so the grants
  // queue up in the client) and again each time all it granted has arrived,
  // each time in three calls, as a buffer is freed piece by piece. Queued
  // grants that did not add up stall it for good.
  SspcClient(sim::World& world, Net& net, int messages, std::string streamtype, std::int32_t credit_window = 0)
      : messages_(messages), credit_window_(credit_window) {
    ProxyClientOptions o;
    o.link.streamtype = std::move(streamtype);
    o.link.client_pid = 9;
    if (credit_window_ > 0) o.link.initial_tx_credit = kInitialCredit;
    ProxyClientCallbacks cb;
    cb.state = [this](stream::State state, std::uint32_t) {
      if (state == stream::State::kCreating) {  // metadata, then ask for the onward stream
        client_->set_metadata("tag", "t");
        client_->client_connect();
      }
      // CONNECTED (again, after a reconnect): go on only if nothing is
      // outstanding; bytes lost with a dropped connection stay lost.
      if (state == stream::State::kConnected) maybe_send();
      return stream::Ret::kOk;
    };
    cb.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      received.append(b.begin(), b.end());
      if (credit_window_ > 0 && static_cast<std::int64_t>(received.size()) >= kInitialCredit + granted_) grant_window();
      maybe_send();
      return stream::Ret::kOk;
    };
    cb.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      if (sent_ >= messages_) return stream::Ret::kTxDontSend;
      const std::string msg = SimLinkClient::message(sent_++);
      expected_ += msg;
      len = std::min(msg.size(), buf.size());
      std::copy_n(msg.begin(), len, buf.begin());
      flags = stream::kFlagSom | stream::kFlagEom;
      return stream::Ret::kOk;
    };
    client_ = std::make_unique<ProxyClient>(world.loop(), net, std::move(o), std::move(cb));
    client_->start();
    if (credit_window_ > 0) grant_window();
  }

  void close() { client_->destroy(); }

  std::string all_messages() const {
    std::string all;
    for (int i = 0; i < messages_; ++i) all += SimLinkClient::message(i);
    return all;
  }

  std::string received;

 private:
  void grant_window() {
    const std::int32_t third = credit_window_ / 3;
    for (std::int32_t piece : {third, third, credit_window_ - 2 * third})
      if (piece > 0) client_->add_peer_tx_credit(piece);
    granted_ += credit_window_;
  }

  void maybe_send() {
    if (received.size() == expected_.size() && sent_ < messages_) client_->request_tx();
  }

  int messages_;
  std::int32_t credit_window_;
  static constexpr std::int32_t kInitialCredit = 1;  // what the link asks the onward stream to start with
  std::int64_t granted_ = 0;  // beyond kInitialCredit
  int sent_ = 0;
  std::string expected_;
  std::unique_ptr<ProxyClient> client_;
};

}  // namespace ss::proxy::testing

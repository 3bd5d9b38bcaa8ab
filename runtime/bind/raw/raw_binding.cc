#include "runtime/bind/raw/raw_binding.h"

#include <array>

#include "runtime/stream/context.h"

namespace ss::proto::raw {
namespace {

using stream::HostVerdict;
using stream::TxPull;

class RawBinding final : public stream::Binding {
 public:
  explicit RawBinding(stream::BindingHost& host) : host_(host) {}

  const char* name() const override { return "raw"; }

  void on_transport_connected() override {
    if (host_.connected() == HostVerdict::kStop) return;
    pump();
  }

  void on_transport_data(std::span<const std::uint8_t> bytes) override {
    host_.rx(bytes, 0);
  }

  void on_transport_writable() override {
    blocked_ = false;
    pump();
  }

  void on_tx_requested() override { pump(); }

  EndInfo on_transport_end(EndReason) override { return EndInfo{}; }

 private:
  // Sends while the user wants to and the transport takes bytes, at most
  // kChunksPerTurn chunks per turn so that a user who always asks for more
  // cannot starve the loop; the rest goes on in a later turn.
  void pump() {
    std::array<std::uint8_t, kTxChunk> buf;
    for (int n = 0; !blocked_ && host_.tx_wanted(); ++n) {
      if (n == kChunksPerTurn) {
        host_.request_tx_turn();  // on_tx_requested() again, from the loop
        return;
      }
      TxPull p = host_.pull_tx(buf);
      if (p.kind != TxPull::Kind::kData) return;
      if (p.len > 0 && !host_.write(std::span<const std::uint8_t>(buf.data(), p.len))) {
        blocked_ = true;
      }
    }
  }
  static constexpr int kChunksPerTurn = 64;
  stream::BindingHost& host_;
  bool blocked_ = false;

};

}  // namespace

std::unique_ptr<stream::Binding> make_raw_binding(stream::BindingHost& host) {
  return std::make_unique<RawBinding>(host);
}

void register_raw_binding(stream::Context& ctx) {
  // Bytes both ways: the server side of raw is the client side.
  ctx.register_binding(policy::Protocol::kRaw, &make_raw_binding);
  ctx.register_binding(policy::Protocol::kRaw, &make_raw_binding, stream::Role::kServer);
}

}  // namespace ss::proto::raw

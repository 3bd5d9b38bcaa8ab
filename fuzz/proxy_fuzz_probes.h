// Probes for proxy_fuzz: see how many bytes the proxy holds, without
// touching it. ProxyServer has no per-link byte counters, so the target
// wraps the seams it runs on (transparent decorators, nothing changes):
//
//   TapNet      a Net around the box's SimNet. Connections the proxy accepts
//               (client links) and connections the engine opens (onward
//               connections) come back wrapped in a TapConn.
//   TapConn     forwards every call and callback, and counts: bytes handed
//               to the owner (on_data), bytes it wrote, buffered(), pause,
//               close. On a client link it also decodes what the proxy was
//               handed (a second FrameDecoder over the same bytes), so the
//               client payload inside it is known.
//   TapFactory  an OnwardFactory around EngineOnwardFactory: every onward
//               stream's events pass through it, so the payload the onward
//               stream took from the link (onward_take_tx) and the rx it
//               gave back are counted per link.
//
// A link's onward stream is created inside the link's on_data (the
// STREAMTYPE frame), so TapFactory attributes it to the link whose on_data
// is on the stack. Counters live in LinkProbe / ConnProbe records owned by
// the Probes registry, so they outlive the wrappers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "runtime/core/net.h"
#include "runtime/proxy/onward.h"
#include "runtime/wire/decoder.h"

namespace ss::fuzzing::proxy_fuzz {

struct ConnProbe {
  bool link = false;            // a client link (else an onward connection)
  std::uint64_t id = 0;         // the SimNet connection end's id
  std::uint64_t peer = 0;       // client links: the client's end (Probes::peer_of)
  Connection* live = nullptr;   // the inner connection while its owner has it
  std::uint64_t delivered = 0;  // bytes handed to the owner
  std::uint64_t written = 0;    // bytes the owner wrote
  std::size_t max_write = 0;    // largest single write()
  bool paused = false;          // the owner paused reading
  bool ended = false;           // on_end ran
  bool closed = false;          // the owner closed or destroyed it
  std::size_t peak_buffered = 0;  // the most it ever had queued (after a write)
  // Client links only: what the proxy was handed, decoded.
  wire::FrameDecoder decoder{wire::Direction::kClientToProxy};
  bool decode_error = false;
  std::uint64_t payload_in = 0;  // payload bytes inside the whole frames handed over
  std::uint64_t taken = 0;       // payload bytes the onward stream took (onward_take_tx)
  std::uint64_t rx_out = 0;      // rx payload bytes the onward stream gave the link
  bool has_onward = false;

  std::size_t buffered() const { return live ? live->buffered() : 0; }
  // Client bytes the proxy holds for this link: the payload of the frames it
  // was handed, plus the bytes of a frame not yet whole, minus what the
  // onward stream took. Frame headers and other frames are not counted.
  std::uint64_t held_c2p() const {
    const std::uint64_t in = payload_in + decoder.buffered();
    return in > taken ? in - taken : 0;
  }
};

class Probes {
 public:
  std::shared_ptr<ConnProbe> add(bool link, std::uint64_t id) {
    auto p = std::make_shared<ConnProbe>();
    p->link = link;
    p->id = id;
    all_.push_back(p);
    return p;
  }
  const std::vector<std::shared_ptr<ConnProbe>>& all() const { return all_; }
  ConnProbe* current_link = nullptr;  // the link whose on_data is on the stack
  std::function<void()> sample;       // run as each tapped callback begins (bound checks)
  std::function<std::uint64_t(std::uint64_t)> peer_of;  // the other end of a connection
  std::uint64_t unattributed_onward = 0;  // onward streams made outside a link's on_data

 private:
  std::vector<std::shared_ptr<ConnProbe>> all_;
};

class TapConn final : public Connection, public ConnectionHandler {
 public:
  TapConn(Probes& probes, std::shared_ptr<ConnProbe> probe, ConnectionHandler* handler)
      : probes_(probes), probe_(std::move(probe)), handler_(handler) {}
  ~TapConn() override {
    probe_->live = nullptr;
    probe_->closed = true;
  }
  void attach(std::unique_ptr<Connection> inner) {
    inner_ = std::move(inner);
    probe_->live = inner_.get();
    probe_->id = inner_->id();
    if (probe_->link && probes_.peer_of) probe_->peer = probes_.peer_of(probe_->id);
  }

  // Connection
  void set_handler(ConnectionHandler* handler) override {
    handler_ = handler;
    inner_->set_handler(this);
  }
  bool write(std::span<const std::uint8_t> bytes) override {
    probe_->written += bytes.size();
    if (bytes.size() > probe_->max_write) probe_->max_write = bytes.size();
    const bool ok = inner_->write(bytes);
    probe_->peak_buffered = std::max(probe_->peak_buffered, inner_->buffered());
    return ok;
  }
  using Connection::write;
  std::size_t buffered() const override { return inner_->buffered(); }
  void set_write_watermarks(std::size_t high, std::size_t low) override { inner_->set_write_watermarks(high, low); }
  void shutdown_write() override { inner_->shutdown_write(); }
  void pause_reading(bool paused) override {
    probe_->paused = paused;
    inner_->pause_reading(paused);
  }
  void close() override {
    probe_->closed = true;
    probe_->live = nullptr;
    inner_->close();
  }
  Endpoint peer() const override { return inner_->peer(); }
  std::string peer_identity() const override { return inner_->peer_identity(); }
  std::uint64_t id() const override { return inner_->id(); }

  // ConnectionHandler (from the inner connection)
  void on_connected() override { handler_->on_connected(); }
  void on_data(std::span<const std::uint8_t> bytes) override {
    if (probes_.sample) probes_.sample();
    probe_->delivered += bytes.size();
    if (probe_->link) count_frames(bytes);
    Probes& probes = probes_;
    ConnProbe* outer = probes.current_link;
    if (probe_->link) probes.current_link = probe_.get();
    handler_->on_data(bytes);  // may destroy this TapConn: only locals after it
    probes.current_link = outer;
  }
  void on_read_closed() override { handler_->on_read_closed(); }
  void on_writable() override {
    if (probes_.sample) probes_.sample();
    handler_->on_writable();
  }
  void on_end(EndReason reason) override {
    if (probes_.sample) probes_.sample();
    probe_->ended = true;
    handler_->on_end(reason);
  }

 private:
  void count_frames(std::span<const std::uint8_t> bytes) {
    if (probe_->decode_error) return;
    probe_->decoder.receive_data(bytes);
    wire::Frame f;
    for (;;) {
      auto st = probe_->decoder.next_event(&f);
      if (st == wire::FrameDecoder::Status::kNeedData) return;
      if (st == wire::FrameDecoder::Status::kError) {
        probe_->decode_error = true;
        return;
      }
      if (auto* p = std::get_if<wire::PayloadFrame>(&f)) probe_->payload_in += p->payload.size();
    }
  }

  Probes& probes_;
  std::shared_ptr<ConnProbe> probe_;
  ConnectionHandler* handler_;
  std::unique_ptr<Connection> inner_;
};

class TapNet final : public Net {
 public:
  TapNet(Net& inner, Probes& probes) : inner_(inner), probes_(probes) {}
  std::unique_ptr<Connection> connect(const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler) override {
    auto tap = std::make_unique<TapConn>(probes_, probes_.add(false, 0), handler);
    tap->attach(inner_.connect(to, options, tap.get()));
    return tap;
  }
  Result<std::unique_ptr<Listener>> listen(const Endpoint& at, AcceptCallback on_accept) override {
    return inner_.listen(at, [this, on_accept = std::move(on_accept)](std::unique_ptr<Connection> c) {
      auto tap = std::make_unique<TapConn>(probes_, probes_.add(true, 0), nullptr);
      tap->attach(std::move(c));
      on_accept(std::move(tap));
    });
  }
  ResolveId resolve(std::string_view name, ResolveCallback done) override {
    return inner_.resolve(name, std::move(done));
  }
  bool cancel_resolve(ResolveId id) override { return inner_.cancel_resolve(id); }

 private:
  Net& inner_;
  Probes& probes_;
};

// An onward stream whose events are counted for its link.
class TapOnward final : public proxy::OnwardStream, public proxy::OnwardEvents {
 public:
  TapOnward(proxy::OnwardEvents* outer, ConnProbe* link) : outer_(outer), link_(link) {}
  ~TapOnward() override { inner_.reset(); }  // the stream goes before its event sink
  void set_inner(std::unique_ptr<proxy::OnwardStream> inner) { inner_ = std::move(inner); }

  // OnwardStream
  void connect() override { inner_->connect(); }
  void request_tx() override { inner_->request_tx(); }
  Error set_metadata(const std::string& name, const std::string& value) override {
    return inner_->set_metadata(name, value);
  }
  void set_timeout(std::uint32_t ms) override { inner_->set_timeout(ms); }
  void request_tx_len(std::uint32_t length) override { inner_->request_tx_len(length); }
  void add_peer_tx_credit(std::int32_t credit) override { inner_->add_peer_tx_credit(credit); }
  void pause_rx(bool paused) override { inner_->pause_rx(paused); }

  // OnwardEvents
  void onward_state(std::uint32_t state, std::uint32_t ordinal) override { outer_->onward_state(state, ordinal); }
  void onward_rx(std::uint32_t flags, std::span<const std::uint8_t> payload,
                 const std::optional<std::string>& rideshare) override {
    if (link_) link_->rx_out += payload.size();
    outer_->onward_rx(flags, payload, rideshare);
  }
  void onward_metadata(const std::string& name, const std::string& value) override {
    outer_->onward_metadata(name, value);
  }
  void onward_tx_credit(std::int32_t credit) override { outer_->onward_tx_credit(credit); }
  std::optional<proxy::TxPiece> onward_take_tx() override {
    auto piece = outer_->onward_take_tx();
    if (piece && link_) link_->taken += piece->payload.size();
    return piece;
  }

 private:
  proxy::OnwardEvents* outer_;
  ConnProbe* link_;  // owned by Probes (outlives this)
  std::unique_ptr<proxy::OnwardStream> inner_;
};

class TapFactory final : public proxy::OnwardFactory {
 public:
  TapFactory(proxy::OnwardFactory& inner, Probes& probes) : inner_(inner), probes_(probes) {}
  Result<proxy::OnwardCreated> create(const proxy::CreateOnward& request, proxy::OnwardEvents* events) override {
    ConnProbe* link = probes_.current_link;
    if (!link) probes_.unattributed_onward++;
    auto tap = std::make_unique<TapOnward>(events, link);
    auto created = inner_.create(request, tap.get());
    if (!created) return created.error();
    if (link) link->has_onward = true;
    tap->set_inner(std::move(created->stream));
    created->stream = std::move(tap);
    return created;
  }

 private:
  proxy::OnwardFactory& inner_;
  Probes& probes_;
};

}  // namespace ss::fuzzing::proxy_fuzz

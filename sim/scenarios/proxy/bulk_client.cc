#include "sim/scenarios/proxy/bulk_client.h"

#include <algorithm>

#include "runtime/stream/states.h"

namespace ss::proxy::testing {
namespace {

using stream::State;

// What a libwebsockets SSPC client gathers whole in a `buflen` buffer:
// measured with lws main and the default 32 KiB buffer, 30,000-byte
// payloads arrive whole and 31,000-byte ones lose their tails, so the frame
// header and the client's own bookkeeping take about 2 KiB of it.
std::size_t lws_client_frame_capacity(std::uint32_t buflen) { return buflen > 4096 ? buflen - 2048 : buflen / 2; }

// The client keeps at most this much unsent in its own socket buffer.
constexpr std::size_t kClientWriteQueue = 256 * 1024;

}  // namespace

const char* bulk_role_name(BulkRole r) {
  switch (r) {
    case BulkRole::kDownloadH1: return "download-h1";
    case BulkRole::kDownloadRaw: return "download-raw";
    case BulkRole::kEchoUpload: return "echo-upload";
    case BulkRole::kDead: return "dead-endpoint";
  }
  return "?";
}

const char* reader_name(Reader r) {
  switch (r) {
    case Reader::kFast: return "fast";
    case Reader::kSlow: return "slow";
    case Reader::kStall: return "stall";
    case Reader::kStop: return "stops-reading";
  }
  return "?";
}

BulkClient::BulkClient(sim::World& world, Net& net, BulkClientSpec spec, Endpoint proxy)
    : world_(world), spec_(std::move(spec)), link_(ClientLinkOptions{spec_.streamtype, 11}) {
  conn_ = net.connect(proxy, {}, this);
  schedule_reader();
}

BulkClient::~BulkClient() { *alive_ = false; }

void BulkClient::close() {
  if (closed_ || ended_) return;
  closed_ = true;
  const std::uint64_t proxy_end = world_.network().peer_of(conn_->id());
  proxy_gone_at_close_ = proxy_end != 0 && !world_.network().held_open(proxy_end);
  conn_->close();
}

void BulkClient::set_paused(bool paused) {
  if (closed_ || ended_ || paused == paused_) return;
  paused_ = paused;
  conn_->pause_reading(paused);
  world_.record("bulk.reader", spec_.streamtype + (paused ? " pause" : " resume"));
}

// The reader's rhythm, on the loop; it ends with the link.
void BulkClient::schedule_reader() {
  std::weak_ptr<bool> alive = alive_;
  auto at = [this, alive](Micros when, auto fn) {
    world_.loop().at(when, [this, alive, fn] {
      if (!alive.lock() || !*alive.lock() || closed_ || ended_) return;
      fn();
    }, {"bulk_client", 0, "reader"});
  };
  switch (spec_.reader) {
    case Reader::kFast: return;
    case Reader::kSlow: {
      // Read for slow_read, pause for slow_pause, again and again.
      struct Cycle {
        static void run(BulkClient* c, std::weak_ptr<bool> alive) {
          auto tok = alive.lock();
          if (!tok || !*tok || c->closed_ || c->ended_) return;
          const bool pause = !c->paused_;
          c->set_paused(pause);
          c->world_.loop().after(pause ? c->spec_.slow_pause : c->spec_.slow_read,
                                 [c, alive] { Cycle::run(c, alive); }, {"bulk_client", 0, "reader"});
        }
      };
      world_.loop().after(spec_.slow_read, [this, alive] { Cycle::run(this, alive); }, {"bulk_client", 0, "reader"});
      return;
    }
    case Reader::kStall:
      at(world_.now() + spec_.stall_at, [this] { set_paused(true); });
      at(world_.now() + spec_.stall_at + spec_.stall_for, [this] { set_paused(false); });
      return;
    case Reader::kStop:
      at(world_.now() + spec_.stall_at, [this] { set_paused(true); });
      return;
  }
}

void BulkClient::on_connected() {
  link_.link_up(world_.now());
  flush();
}

void BulkClient::on_data(std::span<const std::uint8_t> bytes) {
  inspect(bytes);
  link_.receive_from_proxy(bytes, world_.now());
  while (auto e = link_.next_event()) {
    if (closed_) break;
    handle(*e);
  }
  flush();
}

void BulkClient::on_end(EndReason reason) { ended_ = reason; }

// Every frame as the proxy wrote it, before ClientLink cuts rx into pieces.
void BulkClient::inspect(std::span<const std::uint8_t> bytes) {
  frames_.receive_data(bytes);
  wire::Frame f;
  for (;;) {
    const auto status = frames_.next_event(&f);
    if (status == wire::FrameDecoder::Status::kNeedData) return;
    if (status == wire::FrameDecoder::Status::kError) {
      problems_.push_back("the proxy sent bytes that do not decode: " + frames_.error().message());
      return;
    }
    if (const auto* cr = std::get_if<wire::CreateResultFrame>(&f)) {
      buflen_ = cr->client_buflen ? cr->client_buflen : 32768;
    } else if (const auto* p = std::get_if<wire::PayloadFrame>(&f)) {
      const std::size_t size = wire::kHeaderSize + wire::kPayloadPrefix + p->payload.size() +
                               (p->rideshare ? 1 + p->rideshare->size() : 0);
      largest_frame_ = std::max(largest_frame_, size);
      const std::size_t cap = lws_client_frame_capacity(buflen_);
      if (size > cap && problems_.size() < 4)
        problems_.push_back("RX_PAYLOAD frame of " + std::to_string(size) + " bytes at " +
                            std::to_string(world_.now()) + "us: a libwebsockets client with the announced " +
                            std::to_string(buflen_) + "-byte buffer holds at most " + std::to_string(cap));
    }
  }
}

void BulkClient::handle(const LinkEvent& e) {
  const Micros now = world_.now();
  if (std::holds_alternative<LinkCreated>(e)) {
    if (spec_.role == BulkRole::kDownloadH1) link_.set_metadata("obj", spec_.object);
    asks_.push_back(now);
    if (spec_.role == BulkRole::kEchoUpload) {
      link_.request_tx(now);
    } else {
      link_.onward_connect();
    }
  } else if (std::holds_alternative<LinkCreateFailed>(e)) {
    problems_.push_back("the proxy refused to create '" + spec_.streamtype + "'");
  } else if (const auto* s = std::get_if<LinkState>(&e)) {
    const State state = stream::to_state(static_cast<int>(s->state));  // the wire's number
    states_.push_back({now, state});
    world_.record("bulk.state", spec_.streamtype + " " + std::to_string(stream::to_int(state)));
    if (state == State::kConnected) {
      attempts_.emplace_back();
      som_seen_ = eom_seen_ = false;
      if (spec_.role == BulkRole::kEchoUpload) {  // a new echo connection: start over
        sent_ = 0;
        if (spec_.expected.empty()) {  // nothing to send, nothing comes back: done
          close();
          return;
        }
        link_.request_tx(now);
      }
    }
    if (state == State::kQosAckRemote && !attempts_.empty()) {
      acked_ = attempts_.back();
      if (spec_.role == BulkRole::kDownloadH1 && !eom_seen_ && problems_.size() < 4)
        problems_.push_back("QOS_ACK_REMOTE without an EOM on the response");
    }
    // A dead endpoint: after the first ALL_RETRIES_FAILED the client asks
    // once more, as apps do; the onward stream must start a fresh budget.
    if (spec_.role == BulkRole::kDead && state == State::kAllRetriesFailed && asks_.size() == 1) {
      asks_.push_back(now);
      link_.onward_connect();
      return;
    }
    // Done: the client process goes away, as real ones do.
    const bool done = (spec_.role == BulkRole::kDownloadH1 && state == State::kQosAckRemote) ||
                      (spec_.role == BulkRole::kDownloadRaw && state == State::kDisconnected) ||
                      state == State::kAllRetriesFailed;
    if (done) close();
  } else if (const auto* rx = std::get_if<LinkRx>(&e)) {
    if (attempts_.empty()) {
      problems_.push_back("payload before CONNECTED");
      attempts_.emplace_back();
    }
    // An h1 response is one message: SOM on its first piece only, EOM on
    // its last only, nothing after it (the proxy re-cuts rx into frames
    // and pieces and must spread the flags, docs/wire.md).
    if (spec_.role == BulkRole::kDownloadH1 && problems_.size() < 4) {
      const bool first = attempts_.back().empty() && !eom_seen_ && !som_seen_;
      const bool som = rx->flags & wire::kFlagSom, eom = rx->flags & wire::kFlagEom;
      // (An empty body comes as one empty EOM piece, as the h1 binding gives it.)
      const bool empty_end = eom && rx->payload.empty();
      if (first && !som && !empty_end) problems_.push_back("the first rx piece of a response has no SOM");
      if (!first && som) problems_.push_back("SOM inside a response, after " + std::to_string(attempts_.back().size()) + " bytes");
      if (eom_seen_) problems_.push_back("rx after the response's EOM");
      som_seen_ |= som;
      eom_seen_ |= eom;
    }
    attempts_.back().append(rx->payload.begin(), rx->payload.end());
    if (spec_.role == BulkRole::kEchoUpload && attempts_.back().size() == spec_.expected.size()) close();
  }
}

void BulkClient::flush() {
  if (closed_ || ended_) return;
  std::vector<std::uint8_t> out;
  auto tx = [this](std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
    if (spec_.role != BulkRole::kEchoUpload || sent_ >= spec_.expected.size()) return TxAnswer::kDontSend;
    const std::size_t n = std::min(buf.size(), spec_.expected.size() - sent_);
    std::copy_n(spec_.expected.begin() + static_cast<std::ptrdiff_t>(sent_), n, buf.begin());
    *len = n;
    *flags = (sent_ == 0 ? wire::kFlagSom : 0u) | (sent_ + n == spec_.expected.size() ? wire::kFlagEom : 0u);
    sent_ += n;
    if (sent_ < spec_.expected.size()) link_.request_tx(world_.now());
    return TxAnswer::kSend;
  };
  while (conn_->buffered() + out.size() < kClientWriteQueue && link_.wants_write() &&
         link_.take_proxy_bytes(&out, tx, world_.now()) == ClientLink::WriteResult::kWrote) {
  }
  if (!out.empty()) conn_->write(out);
}

}  // namespace ss::proxy::testing

#include "runtime/proxy/engine_onward.h"

#include <algorithm>
#include <map>

#include "runtime/core/escape.h"

namespace ss::proxy {
namespace {

using stream::Ret;
using stream::State;

// One onward stream. The engine calls back into `events`; this object only
// forwards and remembers which metadata the client set, so that values that
// arrive from the peer (mapped response headers) can be told apart and sent
// to the client, as lws does, before the state that follows them.
class EngineOnward final : public OnwardStream {
 public:
  EngineOnward(stream::Context& ctx, OnwardEvents* events) : ctx_(ctx), events_(events) {}

  ~EngineOnward() override {
    // Safe from inside the stream's own callbacks: the engine defers it.
    if (stream_ && !stream_->destroyed()) stream_->destroy();
  }

  Error start(const CreateOnward& request) {
    stream::StreamInfo info;
    info.streamtype = request.streamtype;
    info.flags = stream::kInfoProxied;
    info.manual_initial_tx_credit = request.initial_tx_credit;
    info.on_bind = [this](stream::Stream* bound) { stream_ = bound; };
    info.callbacks.state = [this](State state, std::uint32_t ack) {
      if (state == State::kConnected || state == State::kQosAckRemote || state == State::kQosNackRemote ||
          stream::is_user_state(state))
        forward_peer_metadata();
      if (state == State::kDisconnected) {
        // The rest of a half-sent piece was for the connection that ended
        // (ProxyLink drops the queued ones).
        partial_.reset();
        partial_offset_ = 0;
      }
      events_->onward_state(static_cast<std::uint32_t>(stream::to_int(state)), ack);  // the wire's number
      return Ret::kOk;
    };
    info.callbacks.rx = [this](std::span<const std::uint8_t> buf, std::uint32_t flags) {
      forward_peer_metadata();
      // Bytes for a rideshare part carry its name (docs/secure-streams.md §3.5).
      const policy::Streamtype& part = stream_->tx_part();
      events_->onward_rx(flags, buf, &part == &stream_->streamtype() ? std::nullopt : std::optional(part.name));
      return Ret::kOk;
    };
    info.callbacks.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len,
                               std::uint32_t& flags) {
      // A piece may be larger than the engine's buffer (the proxy cuts at
      // 1380): keep the rest for the next tx().
      if (!partial_) partial_ = events_->onward_take_tx();
      if (!partial_) return Ret::kTxDontSend;
      if (partial_offset_ == 0) check_part(*partial_);
      const std::size_t n = std::min(buf.size(), partial_->payload.size() - partial_offset_);
      std::copy_n(partial_->payload.begin() + static_cast<std::ptrdiff_t>(partial_offset_), n, buf.begin());
      len = n;
      const bool first = partial_offset_ == 0;
      partial_offset_ += n;
      const bool last = partial_offset_ == partial_->payload.size();
      flags = partial_->flags;
      if (!first) flags &= ~(1u | 4u);  // SOM, POLL only on the first part
      if (!last) flags &= ~(2u | 16u);  // EOM, RELATED_END only on the last
      if (last) {
        partial_.reset();
        partial_offset_ = 0;
      }
      stream_->request_tx();  // more pieces may be queued; an empty turn answers TX_DONT_SEND
      return Ret::kOk;
    };
    auto created = ctx_.create(std::move(info));
    if (!created) return created.error();
    stream_ = *created;
    return Error();
  }

  void connect() override { stream_->client_connect(); }
  void request_tx() override { stream_->request_tx(); }
  Error set_metadata(const std::string& name, const std::string& value) override {
    if (Error e = stream_->set_metadata(name, value)) return e;
    client_set_[name] = value;
    return Error();
  }
  void set_timeout(std::uint32_t ms) override {
    if (ms == 0xffffffffu) {
      stream_->cancel_timeout();
    } else {
      stream_->start_timeout(ms);
    }
  }
  void request_tx_len(std::uint32_t length) override { stream_->request_tx_len(length); }
  void add_peer_tx_credit(std::int32_t credit) override { stream_->add_peer_tx_credit(credit); }
  void pause_rx(bool paused) override { stream_->hold_rx(paused); }

 private:
  // The client and this stream each follow the rideshare chain (at every
  // EOM); a piece named for another part than ours means they disagree.
  // The bytes still go out (the body stays whole); the log says so.
  void check_part(const TxPiece& piece) {
    const std::string& ours = stream_->tx_part().name;
    const std::string& theirs = piece.rideshare ? *piece.rideshare : stream_->streamtype().name;
    if (ours != theirs)
      ctx_.log("proxy: " + stream_->streamtype().name + ": client payload for rideshare part " + quote_text(theirs) +
               " arrived while part " + quote_text(ours) + " is being sent");
  }

  // Declared header-mapped metadata whose value did not come from the
  // client and was not sent yet: it came from the peer.
  void forward_peer_metadata() {
    for (const auto& decl : stream_->streamtype().metadata) {
      if (decl.header.empty()) continue;
      auto value = stream_->get_metadata(decl.name);
      if (!value || value->empty()) continue;
      const std::string v(*value);
      auto mine = client_set_.find(decl.name);
      if (mine != client_set_.end() && mine->second == v) continue;
      auto sent = sent_.find(decl.name);
      if (sent != sent_.end() && sent->second == v) continue;
      sent_[decl.name] = v;
      events_->onward_metadata(decl.name, v);
    }
  }

  stream::Context& ctx_;
  OnwardEvents* events_;
  stream::Stream* stream_ = nullptr;
  std::optional<TxPiece> partial_;
  std::size_t partial_offset_ = 0;
  std::map<std::string, std::string> client_set_;
  std::map<std::string, std::string> sent_;
};

}  // namespace

Result<OnwardCreated> EngineOnwardFactory::create(const CreateOnward& request, OnwardEvents* events) {
  const policy::Streamtype* st = ctx_.policy().find_streamtype(request.streamtype);
  if (!st)
    return make_error(ErrorCode::kNotFound,
                      "streamtype " + quote_text(request.streamtype) + " is not in the proxy's policy");
  OnwardCreated created;
  // The primary and its rideshare chain (docs/secure-streams.md §4.2). The
  // client follows the chain by this list, so it must fit CREATE_RESULT
  // whole: a cut list would put the two sides on different parts.
  std::size_t list_bytes = 0;
  for (const policy::Streamtype* part : ctx_.policy().rideshare_chain(*st)) {
    list_bytes += (created.streamtypes.empty() ? 0 : 1) + part->name.size();
    created.streamtypes.push_back(part->name);
  }
  if (created.streamtypes.size() > wire::kMaxCreateResultEntries || list_bytes > wire::kMaxCreateResultList)
    return make_error(ErrorCode::kLimit, "streamtype " + quote_text(st->name) + ": its rideshare chain (" +
                                             std::to_string(created.streamtypes.size()) + " streamtypes, " +
                                             std::to_string(list_bytes) +
                                             " bytes) does not fit CREATE_RESULT (4 streamtypes, 127 bytes)");
  auto onward = std::make_unique<EngineOnward>(ctx_, events);
  if (Error e = onward->start(request)) return e;
  created.stream = std::move(onward);
  created.client_buflen = st->client_buflen;
  created.proxy_buflen = st->proxy_buflen;
  created.rxflow_on_above = st->proxy_buflen_rxflow_on_above;
  created.rxflow_off_below = st->proxy_buflen_rxflow_off_below;
  created.nailed_up = st->nailed_up && !st->server && !st->local_sink;
  return created;
}

}  // namespace ss::proxy

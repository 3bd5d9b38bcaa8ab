// Local sinks (docs/secure-streams.md §4.3): a source stream and an "accepted sink" stream
// linked in-process, no network. See Context::register_sink.
#include <array>
#include <string>

#include "runtime/core/planted.h"
#include "runtime/stream/context.h"
#include "runtime/stream/stream.h"

namespace ss::stream {

// lws hands each tx() a buffer of this size on the sink path.
constexpr std::size_t kSinkChunk = 1380;

namespace {

// The registration's state callback (SINK_JOIN, SINK_PART) in whichever
// form it was given; OK without one.
Ret sink_state(const StreamInfo& info, State state, std::uint32_t ack) {
  if (info.handlers) return info.handlers->has_state() ? info.handlers->state(state, ack) : Ret::kOk;
  return info.callbacks.state ? info.callbacks.state(state, ack) : Ret::kOk;
}

}  // namespace

Error Context::register_sink(StreamInfo info, std::function<std::optional<StreamInfo>()> make_accepted) {
  const policy::Streamtype* st = policy_->find_streamtype(info.streamtype);
  if (!st) return make_error(ErrorCode::kNotFound, "streamtype '" + info.streamtype + "' is not in the policy");
  if (!st->local_sink)
    return make_error(ErrorCode::kInvalidArgument,
                      "streamtype '" + info.streamtype + "' is not a local sink (policy: \"local_sink\": true)");
  if (sinks_.count(info.streamtype))
    return make_error(ErrorCode::kState, "streamtype '" + info.streamtype + "' already has a sink");
  Sink sink;
  sink.make_accepted = std::move(make_accepted);
  std::string name = info.streamtype;
  sink.info = std::move(info);
  sinks_.emplace(std::move(name), std::move(sink));
  return Error();
}

Result<Stream*> Context::join_sink(const policy::Streamtype& st, StreamInfo info) {
  auto it = sinks_.find(st.name);
  if (it == sinks_.end())
    return make_error(ErrorCode::kNotFound, "streamtype '" + st.name + "' is a local sink and no sink is registered");
  Stream* source = make_stream(st, std::move(info));
  source->start();  // CREATING for the source
  if (source->destroyed())
    return make_error(ErrorCode::kState, "streamtype '" + st.name + "': the source's CREATING callback answered DESTROY_ME");
  Sink& sink = it->second;
  // The sink decides: SINK_JOIN with the number of sources it already has.
  Ret verdict = Ret::kOk;
  verdict = sink_state(sink.info, State::kSinkJoin, sink.sources);
  std::optional<StreamInfo> accepted;
  if (verdict == Ret::kOk) {
    if (sink.make_accepted) {
      accepted = sink.make_accepted();
    } else {
      accepted = sink.info;
    }
  }
  if (!accepted) {
    source->destroy();
    return make_error(ErrorCode::kState, "streamtype '" + st.name + "': the sink refused the source");
  }
  accepted->streamtype = st.name;
  accepted->flags = static_cast<std::uint8_t>((accepted->flags & ~kInfoRegisterSink) | kInfoAcceptedSink);
  Stream* end = make_stream(st, std::move(*accepted));
  end->start();  // CREATING for the accepted sink
  if (end->destroyed()) {
    source->destroy();
    return make_error(ErrorCode::kState, "streamtype '" + st.name + "': the accepted sink answered DESTROY_ME");
  }
  ++sink.sources;
  source->link_sink(end, true);
  end->link_sink(source, false);
  if (source->destroyed()) return make_error(ErrorCode::kState, "streamtype '" + st.name + "': destroyed while linking");
  return source;
}

void Stream::link_sink(Stream* peer, bool is_source) {
  if (destroy_started()) return;
  Guard g(this);
  Extras& x = extras();
  x.sink_peer = peer;
  x.sink_source = is_source;
  seq_ = Seq::kConnected;
  raise(State::kConnecting);
  if (!stopping()) {
    x.sink_connected = true;
    raise(State::kConnected);
  }
  if (tx_wanted_ && x.sink_peer && !x.sink_tx_posted) {
    x.sink_tx_posted = true;
    ctx_.loop().post(guarded(&Stream::sink_tx));
  }
}

void Stream::sink_tx() {
  extras().sink_tx_posted = false;
  if (!sink_peer() || stopping() || !tx_wanted_) return;
  tx_wanted_ = false;
  std::array<std::uint8_t, kSinkChunk> buf;
  std::size_t len = buf.size();
  std::uint32_t flags = 0;
  if (ctx_.observing()) observe(EngineEvent(EngineEvent::Kind::kTx));
  Ret r = handlers_->has_tx() ? handlers_->tx(tx_ordinal_++, buf, len, flags) : Ret::kTxDontSend;
  observe_answer(EngineEvent::Kind::kTx, r);
  apply(r);
  if (r != Ret::kOk || stopping() || !sink_peer()) return;
  if (len > buf.size()) {
    ctx_.violation("stream " + std::to_string(id_) + ": tx callback claimed " + std::to_string(len) +
                   " bytes of a " + std::to_string(buf.size()) + "-byte buffer");
    len = buf.size();
  }
  Stream* peer = sink_peer();
  Guard pg(peer);
  peer->deliver_rx(std::span<const std::uint8_t>(buf.data(), len), SS_PLANTED("sink-flags-lost") ? 0u : flags);
}

void Stream::unlink_sink() {
  if (!sink_peer()) return;
  Stream* peer = extras_->sink_peer;
  extras_->sink_peer = nullptr;
  if (peer->sink_peer() == this) peer->extras_->sink_peer = nullptr;
  Stream* source = extras_->sink_source ? this : peer;
  auto it = ctx_.sinks_.find(source->st_.name);
  if (it == ctx_.sinks_.end()) return;
  auto& sink = it->second;
  if (sink.sources > 0 && !SS_PLANTED("sink-part-count")) --sink.sources;
  // lws never raises SINK_PART; we tell the sink a source left.
  sink_state(sink.info, State::kSinkPart, sink.sources);
}

}  // namespace ss::stream

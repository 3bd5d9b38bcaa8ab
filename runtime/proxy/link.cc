#include "runtime/proxy/link.h"

#include <algorithm>
#include <type_traits>

#include "runtime/core/planted.h"
#include "runtime/stream/states.h"
#include "runtime/wire/encoder.h"

namespace ss::proxy {

using stream::State;

std::size_t rx_frame_payload_max(std::uint32_t client_buflen) {
  const std::size_t buflen = client_buflen ? client_buflen : 32768;
  return std::clamp<std::size_t>(buflen / 2, 256, wire::kMaxBody - wire::kPayloadPrefix);
}

ProxyLink::ProxyLink(Micros accepted_at, LinkLimits limits)
    : limits_(limits), handshake_deadline_(accepted_at + limits.handshake_timeout) {}

void ProxyLink::receive_from_client(std::span<const std::uint8_t> bytes, Micros now) {
  if (phase_ == Phase::kClosed) return;
  if (bytes.empty()) {
    close("client closed the link", /*client_fault=*/false);
    return;
  }
  decoder_.receive_data(bytes);
  if (decoder_.buffered() > limits_.c2p_buffer_max + kUndecodedSlack) {
    // The glue pauses reading when wants_input() is false; this much
    // undecoded input means the client was not held back at all.
    close("client sent " + std::to_string(decoder_.buffered()) +
          " bytes beyond what the proxy buffer holds, ignoring flow control");
    return;
  }
  decode_pending(now);
}

void ProxyLink::decode_pending(Micros now) {
  wire::Frame frame;
  // Payload waiting for the onward stream is bounded by proxy_buflen (plus
  // at most one frame): past it, frames stay undecoded until pieces drain.
  while (phase_ != Phase::kClosed && queued_tx_bytes_ < limits_.c2p_buffer_max) {
    switch (decoder_.next_event(&frame)) {
      case wire::FrameDecoder::Status::kNeedData:
        // Bytes of a begun frame wait for the rest: the frame clock runs.
        if (decoder_.buffered() == 0) {
          partial_since_.reset();
        } else if (!partial_since_) {
          partial_since_ = now;
        }
        connect_nailed_if_ready();
        return;
      case wire::FrameDecoder::Status::kError: close(decoder_.error().message()); return;
      case wire::FrameDecoder::Status::kFrame:
        partial_since_.reset();
        on_frame(std::move(frame), now);
        break;
    }
  }
  // Stopped by our own buffer limit: whole frames wait, the client is not late.
  partial_since_.reset();
  connect_nailed_if_ready();
}

void ProxyLink::client_progress() { created_at_.reset(); }

// The client's first frames after CREATE_RESULT are applied (their commands
// queued) and no frame of theirs is half-read: a nailed-up stream connects.
void ProxyLink::connect_nailed_if_ready() {
  if (!nailed_connect_by_ || !client_spoke_ || partial_since_ || phase_ != Phase::kOperational) return;
  nailed_connect_by_.reset();
  commands_.push_back(ConnectOnward{});
}

void ProxyLink::nailed_up(Micros now) {
  if (phase_ != Phase::kOperational) return;
  nailed_connect_by_ = now + limits_.nailed_up_grace;
}

bool ProxyLink::wants_input() const {
  return phase_ != Phase::kClosed && queued_tx_bytes_ < limits_.c2p_buffer_max &&
         decoder_.buffered() <= wire::kHeaderSize + wire::kMaxBody;
}

void ProxyLink::on_frame(wire::Frame frame, Micros now) {
  const std::string where = "byte " + std::to_string(decoder_.consumed()) + ": ";
  if (phase_ == Phase::kWaitStreamType) {
    auto* st = std::get_if<wire::StreamTypeFrame>(&frame);
    if (!st) {
      close(where + "expected STREAMTYPE as the first frame, got " +
            wire::frame_type_name(wire::frame_type(frame)));
      return;
    }
    if (st->version != wire::kProtocolVersion) {
      close(where + "STREAMTYPE protocol version " + std::to_string(st->version) +
            "; this proxy speaks version 1");
      return;
    }
    phase_ = Phase::kWaitCreateResult;
    created_at_ = now;  // the idle clock runs until the client asks for something
    commands_.push_back(CreateOnward{st->streamtype, st->client_pid, st->initial_tx_credit});
    return;
  }
  if (phase_ == Phase::kWaitCreateResult) {
    close(where + "client sent " + wire::frame_type_name(wire::frame_type(frame)) +
          " before CREATE_RESULT");
    return;
  }
  client_spoke_ = true;
  if (!std::holds_alternative<wire::LinkValidityProbeFrame>(frame) &&
      !std::holds_alternative<wire::DestroyingFrame>(frame))
    client_progress();
  std::visit(
      [&](auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, wire::OnwardConnectFrame>) {
          stale_tx_ = false;  // the client heard DISCONNECTED and asks again
          nailed_connect_by_.reset();  // this is the connect
          commands_.push_back(ConnectOnward{});
        } else if constexpr (std::is_same_v<T, wire::PayloadFrame>) {
          on_payload(f);
        } else if constexpr (std::is_same_v<T, wire::MetadataFrame>) {
          commands_.push_back(SetOnwardMetadata{std::move(f.name), std::move(f.value)});
        } else if constexpr (std::is_same_v<T, wire::TxCreditFrame>) {
          // planted: the proxy passes on half of each credit grant
          commands_.push_back(OnwardPeerCredit{SS_PLANTED("proxy-credit-half") ? f.credit / 2 : f.credit});
        } else if constexpr (std::is_same_v<T, wire::TimeoutUpdateFrame>) {
          commands_.push_back(OnwardTimeout{f.timeout_ms});
        } else if constexpr (std::is_same_v<T, wire::PayloadLengthHintFrame>) {
          commands_.push_back(OnwardTxLength{f.length});
        } else if constexpr (std::is_same_v<T, wire::DestroyingFrame>) {
          close("client sent DESTROYING", /*client_fault=*/false);
        } else if constexpr (std::is_same_v<T, wire::LinkValidityProbeFrame>) {
          // Defined by lws but never answered there; a no-op keeps the link.
        } else if constexpr (std::is_same_v<T, wire::StreamTypeFrame>) {
          close(where + "second STREAMTYPE on one link");
        } else {
          close(where + "unexpected frame " + wire::frame_type_name(wire::frame_type(frame)));
        }
      },
      frame);
}

void ProxyLink::on_payload(const wire::PayloadFrame& frame) {
  if (stale_tx_) return;  // written for an onward connection that has ended
  const auto& bytes = frame.payload;
  // Cut into pieces; SOM/POLL on the first, EOM/RELATED_END on the last,
  // RELATED_START on every piece (docs/secure-streams.md §3.5).
  constexpr std::uint32_t kFirstOnly = wire::kFlagSom | wire::kFlagPoll;
  constexpr std::uint32_t kLastOnly = wire::kFlagEom | wire::kFlagRelatedEnd;
  const std::size_t n = bytes.empty() ? 1 : (bytes.size() + limits_.tx_piece_max - 1) / limits_.tx_piece_max;
  for (std::size_t i = 0; i < n; ++i) {
    TxPiece piece;
    const std::size_t from = i * limits_.tx_piece_max;
    const std::size_t to = std::min(bytes.size(), from + limits_.tx_piece_max);
    piece.payload.assign(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                         bytes.begin() + static_cast<std::ptrdiff_t>(to));
    piece.flags = frame.flags & ~(kFirstOnly | kLastOnly | wire::kFlagRideshare);
    if (i == 0) piece.flags |= frame.flags & kFirstOnly;
    if (i + 1 == n) piece.flags |= frame.flags & kLastOnly;
    piece.rideshare = frame.rideshare;
    queued_tx_bytes_ += piece.payload.size();
    tx_pieces_.push_back(std::move(piece));
  }
  commands_.push_back(OnwardTxReady{});
}

void ProxyLink::create_result(bool ok, std::uint32_t client_buflen,
                              const std::vector<std::string>& streamtypes, std::uint32_t proxy_buflen) {
  if (phase_ != Phase::kWaitCreateResult) return;
  if (!ok) {
    send(wire::CreateResultFrame::failed());
    close("onward stream could not be created", /*client_fault=*/false);
    return;
  }
  send(wire::CreateResultFrame::ok(client_buflen, streamtypes));
  rx_payload_max_ = rx_frame_payload_max(client_buflen);
  if (proxy_buflen) limits_.c2p_buffer_max = proxy_buflen;
  to_client_.insert(to_client_.end(), held_until_result_.begin(), held_until_result_.end());
  held_until_result_.clear();
  phase_ = Phase::kOperational;
}

void ProxyLink::onward_state(std::uint32_t state, std::uint32_t ordinal) {
  // Every state goes to the client except EVENT_WAIT_CANCELLED (local only)
  // and DESTROYING (the link is going away anyway).
  const State s = stream::to_state(static_cast<int>(state));
  if (s == State::kEventWaitCancelled || s == State::kDestroying) return;
  created_at_.reset();  // the stream is doing something (nailed up, ...)
  if (s == State::kDisconnected) {
    // The connection the client's payload was for is gone (class comment).
    stale_tx_ = true;
    tx_pieces_.clear();
    queued_tx_bytes_ = 0;
  } else if (s == State::kConnected) {
    stale_tx_ = false;
  }
  // planted: QOS_NACK_REMOTE goes to the client as QOS_ACK_REMOTE
  if (SS_PLANTED("proxy-nack-as-ack") && s == State::kQosNackRemote)
    state = static_cast<std::uint32_t>(stream::to_int(State::kQosAckRemote));
  send(wire::ConnStateFrame{state, ordinal});
}

void ProxyLink::onward_rx(std::uint32_t flags, std::span<const std::uint8_t> payload,
                          const std::optional<std::string>& rideshare, Micros now) {
  wire::PayloadFrame f;
  f.direction = wire::Direction::kProxyToClient;
  f.flags = rideshare ? (flags | wire::kFlagRideshare) : (flags & ~wire::kFlagRideshare);
  f.delay_us = 0;  // lws never fills the latency field
  f.timestamp_us = static_cast<std::uint64_t>(now);
  f.rideshare = rideshare;
  // Frames the client can hold (rx_frame_payload_max); flags spread.
  const std::size_t max = std::min(wire::max_payload(f), rx_payload_max_);
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min(max, payload.size() - pos);
    wire::PayloadFrame piece = f;
    piece.payload.assign(payload.begin() + static_cast<std::ptrdiff_t>(pos),
                         payload.begin() + static_cast<std::ptrdiff_t>(pos + n));
    if (pos > 0 && !SS_PLANTED("proxy-som")) piece.flags &= ~(wire::kFlagSom | wire::kFlagPoll);
    if (pos + n < payload.size()) piece.flags &= ~(wire::kFlagEom | wire::kFlagRelatedEnd);
    send(piece);
    pos += n;
  } while (pos < payload.size());
}

void ProxyLink::onward_metadata(const std::string& name, const std::string& value) {
  send(wire::MetadataFrame{wire::Direction::kProxyToClient, name, value});
}

void ProxyLink::onward_tx_credit(std::int32_t credit) {
  send(wire::TxCreditFrame{wire::Direction::kProxyToClient, credit});
}

void ProxyLink::fail(const std::string& reason) { close(reason); }

void ProxyLink::abandon(const std::string& reason) {
  if (phase_ == Phase::kClosed) return;
  deadline_passed_ = true;
  close(reason, /*client_fault=*/false);
}

void ProxyLink::client_gone(const std::string& why) { close(why, /*client_fault=*/false); }

void ProxyLink::handle_timeout(Micros now) {
  if (phase_ == Phase::kClosed) return;
  if (nailed_connect_by_ && now >= *nailed_connect_by_) {
    // The client said nothing after CREATE_RESULT: connect without metadata.
    nailed_connect_by_.reset();
    commands_.push_back(ConnectOnward{});
  }
  deadline_passed_ = true;  // reset below if nothing was due
  if (phase_ == Phase::kWaitStreamType && now >= handshake_deadline_) {
    close("no STREAMTYPE within " + std::to_string(limits_.handshake_timeout / 1000) +
          " ms of accept");
    return;
  }
  if (partial_since_ && limits_.frame_timeout > 0 && now >= *partial_since_ + limits_.frame_timeout) {
    close("a frame begun at byte " + std::to_string(decoder_.consumed()) + " was not whole within " +
          std::to_string(limits_.frame_timeout / 1000) + " ms (" + std::to_string(decoder_.buffered()) +
          " of its bytes arrived)");
    return;
  }
  if (created_at_ && limits_.idle_created_timeout > 0 && now >= *created_at_ + limits_.idle_created_timeout) {
    close("the stream was created " + std::to_string(limits_.idle_created_timeout / 1000) +
          " ms ago and the client never asked it for anything");
    return;
  }
  deadline_passed_ = false;
}

std::optional<Micros> ProxyLink::next_deadline() const {
  if (phase_ == Phase::kClosed) return std::nullopt;
  if (phase_ == Phase::kWaitStreamType) return handshake_deadline_;
  std::optional<Micros> when;
  auto earliest = [&when](Micros t) { when = when ? std::min(*when, t) : t; };
  if (partial_since_ && limits_.frame_timeout > 0) earliest(*partial_since_ + limits_.frame_timeout);
  if (created_at_ && limits_.idle_created_timeout > 0) earliest(*created_at_ + limits_.idle_created_timeout);
  if (nailed_connect_by_) earliest(*nailed_connect_by_);
  return when;
}

std::optional<Command> ProxyLink::next_event() {
  if (commands_.empty()) return std::nullopt;
  Command c = std::move(commands_.front());
  commands_.pop_front();
  return c;
}

std::size_t ProxyLink::take_client_bytes(std::vector<std::uint8_t>* out) {
  const std::size_t n = to_client_.size();
  out->insert(out->end(), to_client_.begin(), to_client_.end());
  to_client_.clear();
  return n;
}

std::optional<TxPiece> ProxyLink::take_tx_piece() {
  if (tx_pieces_.empty()) return std::nullopt;
  TxPiece p = std::move(tx_pieces_.front());
  tx_pieces_.pop_front();
  queued_tx_bytes_ -= p.payload.size();
  return p;
}

void ProxyLink::resume_decoding(Micros now) { decode_pending(now); }

void ProxyLink::send(const wire::Frame& frame) {
  if (phase_ == Phase::kClosed) return;
  auto& out = phase_ == Phase::kWaitCreateResult && !std::holds_alternative<wire::CreateResultFrame>(frame)
                  ? held_until_result_
                  : to_client_;
  if (Error e = wire::encode_frame(frame, &out))
    close("cannot encode for client: " + e.message(), /*client_fault=*/false);
}

void ProxyLink::close(const std::string& reason, bool client_fault) {
  if (phase_ == Phase::kClosed) return;
  client_fault_ = client_fault;
  const bool had_onward = phase_ != Phase::kWaitStreamType;
  phase_ = Phase::kClosed;
  close_reason_ = reason;
  held_until_result_.clear();
  tx_pieces_.clear();
  queued_tx_bytes_ = 0;
  commands_.clear();
  nailed_connect_by_.reset();
  if (had_onward) commands_.push_back(DestroyOnward{});
}

}  // namespace ss::proxy

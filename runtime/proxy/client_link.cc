#include "runtime/proxy/client_link.h"

#include <algorithm>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"
#include "runtime/stream/states.h"
#include "runtime/wire/encoder.h"

namespace ss::proxy {

using stream::State;

ClientLink::ClientLink(ClientLinkOptions options) : options_(std::move(options)) {
  if (options_.initial_tx_credit == 0) options_.initial_tx_credit = wire::kDefaultInitialTxCredit;
  peer_credit_est_ = options_.initial_tx_credit;
  create_credit_ = options_.initial_tx_credit;
}

void ClientLink::link_up(Micros now) {
  if (phase_ != Phase::kDown) return;
  phase_ = Phase::kWaitCreateResult;
  streamtype_pending_ = true;
  deadline_ = now + options_.create_result_timeout;
  decoder_ = wire::FrameDecoder(wire::Direction::kProxyToClient);
  connect_sent_ = false;
  // The proxy makes a fresh onward stream per link: it must hear every
  // value again before it connects (the same list as pending on a first link).
  pending_metadata_ = metadata_;
  // ... and the credit is the stream's: the new onward stream starts with
  // what the user granted and has not received yet (grants still queued
  // are in that sum), not with the initial credit again. An estimate of 0
  // or less still goes out as 1: 0 in a STREAMTYPE frame would mean "no
  // manual credit" (docs/proxy.md "Credit").
  if (links_up_++ > 0) {
    create_credit_ = static_cast<std::int32_t>(std::clamp<std::int64_t>(peer_credit_est_, 1, INT32_MAX));
    peer_credit_est_ = create_credit_;
    pending_credit_ = 0;
    credit_pending_ = false;
  }
}

void ClientLink::receive_from_proxy(std::span<const std::uint8_t> bytes, Micros now) {
  (void)now;
  if (phase_ == Phase::kDown || phase_ == Phase::kClosed) return;
  if (bytes.empty()) {
    lose_link("proxy closed the link");
    return;
  }
  decoder_.receive_data(bytes);
  wire::Frame frame;
  for (;;) {
    switch (decoder_.next_event(&frame)) {
      case wire::FrameDecoder::Status::kNeedData: return;
      case wire::FrameDecoder::Status::kError: lose_link(decoder_.error().message()); return;
      case wire::FrameDecoder::Status::kFrame:
        on_frame(frame);
        if (phase_ == Phase::kDown || phase_ == Phase::kClosed) return;
        break;
    }
  }
}

void ClientLink::on_frame(const wire::Frame& frame) {
  if (phase_ == Phase::kWaitCreateResult) {
    const auto* cr = std::get_if<wire::CreateResultFrame>(&frame);
    if (!cr) {
      lose_link(std::string("expected CREATE_RESULT first, got ") +
                wire::frame_type_name(wire::frame_type(frame)));
      return;
    }
    deadline_.reset();
    if (cr->result != 0) {
      phase_ = Phase::kClosed;
      close_reason_ = "proxy refused to create streamtype " + quote_text(options_.streamtype);
      events_.push_back(LinkCreateFailed{});
      return;
    }
    phase_ = Phase::kLocalConnected;
    parts_ = cr->streamtypes();
    if (parts_.empty()) parts_.push_back(options_.streamtype);
    // Planted: lws's lag, an empty first entry that delays every part by one EOM.
    if (SS_PLANTED("rideshare-lag") && parts_.size() > 1) parts_.insert(parts_.begin(), parts_.front());
    tx_part_ = 0;
    if (!created_reported_) {
      created_reported_ = true;
      events_.push_back(LinkCreated{cr->client_buflen, cr->streamtypes()});
    }
    return;
  }
  if (const auto* cs = std::get_if<wire::ConnStateFrame>(&frame)) {
    on_state(*cs);
  } else if (const auto* rx = std::get_if<wire::PayloadFrame>(&frame)) {
    deliver_rx(*rx);
  } else if (const auto* md = std::get_if<wire::MetadataFrame>(&frame)) {
    events_.push_back(LinkMetadata{md->name, md->value});
  } else if (const auto* cr = std::get_if<wire::TxCreditFrame>(&frame)) {
    proxy_reports_credit_ = true;
    tx_credit_ += cr->credit;
  } else if (std::holds_alternative<wire::PerfFrame>(frame)) {
    const auto& perf = std::get<wire::PerfFrame>(frame);
    events_.push_back(LinkRx{wire::kFlagSom | wire::kFlagEom | wire::kFlagPerfJson,
                             std::vector<std::uint8_t>(perf.json.begin(), perf.json.end()),
                             std::nullopt});
  } else {
    lose_link(std::string("unexpected ") + wire::frame_type_name(wire::frame_type(frame)) +
              " after CREATE_RESULT");
  }
}

void ClientLink::on_state(const wire::ConnStateFrame& f) {
  const State state = stream::to_state(static_cast<int>(f.state));
  if (state == State::kCreating) return;  // already synthesized from CREATE_RESULT
  if (state == State::kConnecting) tx_part_ = 0;  // as the onward stream: a new transaction
  onward_retrying_ = state == State::kUnreachable;
  if (state == State::kConnected) {
    if (phase_ == Phase::kOperational && connected_reported_) return;  // duplicate
    phase_ = Phase::kOperational;
    connected_reported_ = true;
    connect_requested_ = false;
  } else if (state == State::kDisconnected || state == State::kUnreachable || state == State::kAuthFailed) {
    // The onward stream retries by its own policy from here; asking again
    // would restart its retry budget (lws clears its request too).
    phase_ = Phase::kLocalConnected;
    connected_reported_ = false;
    connect_sent_ = false;
    connect_requested_ = false;
  }
  events_.push_back(LinkState{f.state, f.ordinal});
}

void ClientLink::deliver_rx(const wire::PayloadFrame& f) {
  peer_credit_est_ -= static_cast<std::int64_t>(f.payload.size());
  const std::size_t max = options_.rx_piece_max;
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min(max, f.payload.size() - pos);
    LinkRx rx;
    rx.flags = f.flags & ~wire::kFlagRideshare;
    if (pos > 0) rx.flags &= ~(wire::kFlagSom | wire::kFlagPoll);
    if (pos + n < f.payload.size()) rx.flags &= ~(wire::kFlagEom | wire::kFlagRelatedEnd);
    rx.payload.assign(f.payload.begin() + static_cast<std::ptrdiff_t>(pos),
                      f.payload.begin() + static_cast<std::ptrdiff_t>(pos + n));
    rx.rideshare = f.rideshare;
    events_.push_back(std::move(rx));
    pos += n;
  } while (pos < f.payload.size());
}

void ClientLink::lose_link(const std::string& reason) {
  close_reason_ = reason;
  events_.push_back(LinkLost{reason, connected_reported_});
  phase_ = Phase::kDown;
  connected_reported_ = false;
  connect_sent_ = false;
  if (onward_retrying_) connect_requested_ = true;
  onward_retrying_ = false;
  deadline_.reset();
  proxy_reports_credit_ = false;
  tx_credit_ = 0;
}

void ClientLink::close_by_client() {
  if (phase_ == Phase::kDown || phase_ == Phase::kClosed) return;
  events_.clear();
  lose_link("closed by the client");
}

void ClientLink::handle_timeout(Micros now) {
  if (phase_ == Phase::kWaitCreateResult && deadline_ && now >= *deadline_)
    lose_link("no CREATE_RESULT within " + std::to_string(options_.create_result_timeout / 1000) +
              " ms");
}

std::optional<Micros> ClientLink::next_deadline() const { return deadline_; }

void ClientLink::onward_connect() { connect_requested_ = true; }

void ClientLink::request_tx(Micros now) {
  if (!tx_requested_at_) tx_requested_at_ = now;
  if (phase_ != Phase::kOperational) connect_requested_ = true;
}

void ClientLink::set_metadata(std::string name, std::string value) {
  remember(metadata_, name, value);
  remember(pending_metadata_, std::move(name), std::move(value));
}

// A name already in `list` is replaced in place (lws behaviour for its queue).
void ClientLink::remember(std::vector<std::pair<std::string, std::string>>& list, std::string name,
                          std::string value) {
  for (auto& item : list) {
    if (item.first == name) {
      item.second = std::move(value);
      return;
    }
  }
  list.emplace_back(std::move(name), std::move(value));
}

void ClientLink::set_timeout(std::uint32_t ms) {
  if (SS_PLANTED("sspc-timeout-cancel-lost") && ms == wire::kTimeoutCancel) return;  // planted: a cancel never sent
  pending_timeout_ = ms;
}
void ClientLink::set_tx_length(std::uint32_t length) { pending_length_ = length; }

void ClientLink::add_peer_tx_credit(std::int32_t credit) {
  // Queued updates add up (lws replaces the queued one and loses credit).
  // planted: lws's bug, a queued update replaced by the next one
  if (SS_PLANTED("txcr-replace")) pending_credit_ = credit;
  else pending_credit_ += credit;
  credit_pending_ = true;
  peer_credit_est_ += credit;
}

bool ClientLink::tx_allowed() const { return !proxy_reports_credit_ || tx_credit_ > 0; }

bool ClientLink::wants_write() const {
  if (phase_ == Phase::kWaitCreateResult) return streamtype_pending_;
  if (phase_ != Phase::kLocalConnected && phase_ != Phase::kOperational) return false;
  if (pending_timeout_ || !pending_metadata_.empty() || credit_pending_ || pending_length_) return true;
  if (phase_ == Phase::kLocalConnected) return connect_requested_ && !connect_sent_;
  return tx_requested_at_.has_value() && tx_allowed();
}

ClientLink::WriteResult ClientLink::take_proxy_bytes(std::vector<std::uint8_t>* out,
                                                     const TxCallback& tx, Micros now) {
  auto emit = [&](const wire::Frame& f) {
    if (Error e = wire::encode_frame(f, out)) {
      lose_link("cannot encode: " + e.message());
      return WriteResult::kNothing;
    }
    return WriteResult::kWrote;
  };
  if (phase_ == Phase::kWaitCreateResult) {
    if (!streamtype_pending_) return WriteResult::kNothing;
    streamtype_pending_ = false;
    return emit(wire::StreamTypeFrame{wire::kProtocolVersion, options_.client_pid,
                                      create_credit_, options_.streamtype});
  }
  if (phase_ != Phase::kLocalConnected && phase_ != Phase::kOperational) return WriteResult::kNothing;
  if (pending_timeout_) {
    const std::uint32_t ms = *pending_timeout_;
    pending_timeout_.reset();
    return emit(wire::TimeoutUpdateFrame{ms});
  }
  if (!pending_metadata_.empty()) {  // newest first, as lws takes from the tail
    auto item = std::move(pending_metadata_.back());
    pending_metadata_.pop_back();
    return emit(wire::MetadataFrame{wire::Direction::kClientToProxy, std::move(item.first),
                                    std::move(item.second)});
  }
  if (credit_pending_) {
    const auto credit = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(pending_credit_, INT32_MIN, INT32_MAX));
    pending_credit_ -= credit;
    credit_pending_ = pending_credit_ != 0;
    return emit(wire::TxCreditFrame{wire::Direction::kClientToProxy, credit});
  }
  if (pending_length_) {
    const std::uint32_t length = *pending_length_;
    pending_length_.reset();
    return emit(wire::PayloadLengthHintFrame{length});
  }
  if (phase_ == Phase::kLocalConnected) {
    if (!connect_requested_ || connect_sent_) return WriteResult::kNothing;
    connect_sent_ = true;
    return emit(wire::OnwardConnectFrame{});
  }
  if (!tx_requested_at_ || !tx_allowed() || !tx) return WriteResult::kNothing;
  // A rideshare name takes room in the frame (1 + name bytes).
  const std::size_t name_room = tx_part_ > 0 ? 1 + parts_[tx_part_].size() : 0;
  std::vector<std::uint8_t> buf(options_.tx_payload_max - std::min(name_room, options_.tx_payload_max - 1));
  std::size_t len = buf.size();
  std::uint32_t flags = 0;
  const Micros requested_at = *tx_requested_at_;
  tx_requested_at_.reset();
  switch (tx(buf, &len, &flags)) {
    case TxAnswer::kDontSend: return WriteResult::kNothing;
    case TxAnswer::kDisconnect: return WriteResult::kDisconnect;
    case TxAnswer::kDestroy: return WriteResult::kDestroy;
    case TxAnswer::kSend: break;
  }
  buf.resize(std::min(len, buf.size()));
  wire::PayloadFrame f;
  f.direction = wire::Direction::kClientToProxy;
  f.flags = flags & ~wire::kFlagRideshare;
  if (tx_part_ > 0) {  // bytes of a rideshare part carry its name (docs/secure-streams.md §3.4)
    f.flags |= wire::kFlagRideshare;
    f.rideshare = parts_[tx_part_];
  }
  if ((flags & wire::kFlagEom) && tx_part_ + 1 < parts_.size()) ++tx_part_;  // the last part stays
  const Micros waited = now - requested_at;
  f.delay_us = static_cast<std::uint32_t>(std::clamp<Micros>(waited, 0, UINT32_MAX));
  f.timestamp_us = static_cast<std::uint64_t>(now);
  f.payload = std::move(buf);
  if (proxy_reports_credit_) tx_credit_ -= static_cast<std::int32_t>(f.payload.size());
  return emit(f);
}

std::optional<LinkEvent> ClientLink::next_event() {
  if (events_.empty()) return std::nullopt;
  LinkEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace ss::proxy

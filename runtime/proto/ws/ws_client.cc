#include "runtime/proto/ws/ws_client.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "runtime/core/planted.h"
#include "runtime/proto/ws/ws_handshake.h"

namespace ss::proto::ws {

// wslay's C callbacks, with access to the Session's private state.
struct WsCallbacks {
  static Session& self(void* user) { return *static_cast<Session*>(user); }

  // As many bytes as wslay can take without an error possibly falling
  // among them (see the header for why): 1 in frame heads and control
  // frames, the rest of the payload in binary data frames, and runs of
  // ASCII in text frames while the UTF-8 before them is complete.
  static ssize_t recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
    auto& c = self(user);
    if (len == 0 || c.in_pos_ >= c.in_.size() || !c.pending_error_.empty() || c.yield_) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
      return -1;
    }
    std::size_t n = c.safe_run(len);
    std::copy_n(c.in_.begin() + static_cast<std::ptrdiff_t>(c.in_pos_), n, buf);
    c.note_fed(buf, n);
    c.in_pos_ += n;
    c.ws_consumed_ += n;
    // wslay reads this short read as "want more"; it only stops quietly
    // (instead of failing with CALLBACK_FAILURE) if the last error it saw
    // is WOULDBLOCK, so say so up front.
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return static_cast<ssize_t>(n);
  }
  static ssize_t send(wslay_event_context_ptr, const uint8_t* data, size_t len, int, void* user) {
    auto& c = self(user);
    c.out_.insert(c.out_.end(), data, data + len);
    return static_cast<ssize_t>(len);
  }
  static int genmask(wslay_event_context_ptr, uint8_t* buf, size_t len, void* user) {
    self(user).rng_.fill(std::span<std::uint8_t>(buf, len));
    return 0;
  }
  static ssize_t frame_send(const uint8_t* data, size_t len, int, void* user) {
    return send(nullptr, data, len, 0, user);
  }
  static ssize_t frame_recv(uint8_t*, size_t, int, void*) { return -1; }  // unused
  static int frame_genmask(uint8_t* buf, size_t len, void* user) { return genmask(nullptr, buf, len, user); }

  static void on_frame_start(wslay_event_context_ptr, const wslay_event_on_frame_recv_start_arg* a, void* user) {
    auto& c = self(user);
    c.rx_data_frame_ = !wslay_is_ctrl_frame(a->opcode);
    if (!c.rx_data_frame_) return;
    c.rx_fin_ = a->fin != 0;
    c.rx_first_ = a->opcode != WSLAY_CONTINUATION_FRAME;
    if (c.rx_first_) {
      c.rx_binary_ = a->opcode == WSLAY_BINARY_FRAME;
      c.rx_msg_len_ = 0;
      c.rx_utf8_whole_ = true;
    }
    c.rx_frame_.clear();
    c.rx_frame_left_ = c.rx_frame_len_ = a->payload_length;
    // A client's frame reaching a server is masked (wslay refused it
    // otherwise): its key is the 4 bytes before the payload byte just fed,
    // or the last 4 fed when the payload is empty.
    if (c.server()) {
      const int skip = a->payload_length > 0 ? 8 : 0;
      for (int i = 0; i < 4; ++i)
        c.rx_mask_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(c.recent_fed_ >> (skip + 8 * (3 - i)));
    }
    if (c.options_.max_message && c.rx_msg_len_ + a->payload_length > c.options_.max_message) {
      c.pending_error_ = "message over max_message " + std::to_string(c.options_.max_message) + " bytes";
      c.pending_close_ = WSLAY_CODE_MESSAGE_TOO_BIG;
      return;
    }
    c.rx_msg_len_ += a->payload_length;
    if (a->payload_length == 0) return;  // on_frame_end hands over the empty frame
    c.rx_frame_.reserve(std::min<std::uint64_t>(a->payload_length, c.piece()));
  }
  // A piece goes out each time it is full, so where pieces end depends on
  // the frame alone, never on the input split or on how much recv gave
  // wslay at once. The frame's last piece waits for on_frame_end.
  static void on_frame_chunk(wslay_event_context_ptr, const wslay_event_on_frame_recv_chunk_arg* a, void* user) {
    auto& c = self(user);
    if (!c.rx_data_frame_ || !c.pending_error_.empty()) return;
    // Known here, not in recv: a frame's first payload byte reaches wslay
    // before on_frame_start, and wslay hands over only checked bytes.
    if (a->data_length > 0) c.rx_utf8_whole_ = a->data[a->data_length - 1] < 0x80;
    std::span<const std::uint8_t> data(a->data, a->data_length);
    while (!data.empty()) {
      std::size_t room = c.rx_frame_.size() < c.piece() ? c.piece() - c.rx_frame_.size() : data.size();
      std::size_t n = std::min(data.size(), room);
      c.rx_frame_.insert(c.rx_frame_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
      data = data.subspan(n);
      c.rx_frame_left_ -= std::min<std::uint64_t>(c.rx_frame_left_, n);
      // Planted: the piece is never cut, the frame comes whole.
      if (c.rx_frame_.size() >= c.piece() && c.rx_frame_left_ > 0 && !SS_PLANTED("ws-rx-piece-whole"))
        c.emit_piece(false);
    }
  }
  static void on_frame_end(wslay_event_context_ptr, void* user) {
    auto& c = self(user);
    c.yield_ = true;  // let run_wslay flush replies before the next frame
    if (!c.rx_data_frame_ || !c.pending_error_.empty()) return;
    c.emit_piece(c.rx_fin_);
    c.rx_msg_open_ = !c.rx_fin_;
  }
  static void on_msg(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* a, void* user) {
    auto& c = self(user);
    c.yield_ = true;
    std::vector<std::uint8_t> body(a->msg, a->msg + a->msg_length);
    switch (a->opcode) {
      case WSLAY_PING:
        c.events_.push_back(PingEvent{std::move(body)});
        break;
      case WSLAY_PONG:
        c.events_.push_back(PongEvent{std::move(body)});
        break;
      case WSLAY_CONNECTION_CLOSE: {
        CloseEvent e;
        e.code = a->status_code ? a->status_code : std::uint16_t{WSLAY_CODE_NO_STATUS_RCVD};
        if (body.size() > 2) e.reason.assign(body.begin() + 2, body.end());
        c.events_.push_back(std::move(e));
        break;
      }
      default:
        break;  // data messages arrive frame by frame (no buffering)
    }
  }
};

std::size_t Session::safe_run(std::size_t len) {
  std::size_t avail = std::min(len, in_.size() - in_pos_);
  // Frame head, control frame, or an error already found: byte by byte.
  if (!rx_data_frame_ || rx_frame_left_ == 0) return 1;
  avail = static_cast<std::size_t>(std::min<std::uint64_t>(avail, rx_frame_left_));
  if (rx_binary_) return avail;  // no payload byte of a binary frame can be wrong
  // Text: wslay checks UTF-8 as it goes. An ASCII byte is only wrong in the
  // middle of a multi-byte character, so runs of ASCII are safe while the
  // text before them ends on a whole character. A server judges the bytes
  // unmasked (the client's frames are masked; a client's key stays zero).
  std::uint64_t at = rx_frame_len_ - rx_frame_left_;  // payload offset of in_[in_pos_]
  std::size_t n = 0;
  if (rx_utf8_whole_)
    while (n < avail && (in_[in_pos_ + n] ^ rx_mask_[(at + n) % 4]) < 0x80) ++n;
  return n == 0 ? 1 : n;
}

void Session::note_fed(const std::uint8_t* data, std::size_t n) {
  for (std::size_t i = n > 8 ? n - 8 : 0; i < n; ++i) recent_fed_ = (recent_fed_ << 8) | data[i];
}

std::size_t Session::piece() const { return std::max<std::size_t>(options_.rx_piece, 1); }

void Session::emit_piece(bool last) {
  events_.push_back(FragmentEvent{rx_binary_, rx_first_, last, std::exchange(rx_frame_, {})});
  rx_first_ = false;
  yield_ = true;  // hand it over before reading on (the same for any split)
}

Session::Session(Rng& rng, Options options) : rng_(rng), options_(std::move(options)) {}

Session::~Session() {
  if (ev_) wslay_event_context_free(ev_);
  if (frame_) wslay_frame_context_free(frame_);
}

Result<std::string> Session::open(std::string_view host, std::string_view target, const h1::Headers& extra) {
  if (phase_ != Phase::kIdle || server()) return make_error(ErrorCode::kState, "ws client: open() called twice, or on a server");
  key_ = make_key(rng_);
  auto bytes = h1::serialize_request(upgrade_request(host, target, key_, options_.subprotocol, extra));
  if (!bytes.ok()) return bytes;
  phase_ = Phase::kHandshake;
  return bytes;
}

void Session::fail(ErrorCode code, std::string what, std::uint64_t at, std::uint16_t close_code) {
  if (phase_ == Phase::kFailed) return;
  if (ev_ && close_code && !wslay_event_get_close_sent(ev_)) {
    wslay_event_queue_close(ev_, close_code, nullptr, 0);
    wslay_event_send(ev_);
  }
  if (ev_) wslay_event_shutdown_read(ev_);
  phase_ = Phase::kFailed;
  events_.push_back(ErrorEvent{code, "ws: " + what + " at byte offset " + std::to_string(at), at});
}

void Session::receive_data(std::span<const std::uint8_t> bytes) {
  if (phase_ == Phase::kHandshake) {
    parser_.receive_data(bytes);
    run_handshake();
    return;
  }
  if (phase_ != Phase::kOpen) return;
  if (bytes.empty()) {
    bool clean = close_received() && close_sent() && in_pos_ >= in_.size();
    phase_ = Phase::kEnded;
    events_.push_back(ClosedEvent{clean});
    return;
  }
  in_.insert(in_.end(), bytes.begin(), bytes.end());
  run_wslay();
}

void Session::run_handshake() {
  for (;;) {
    h1::Event e = parser_.next_event();
    if (std::holds_alternative<h1::NeedData>(e)) return;
    if (auto* err = std::get_if<h1::ErrorEvent>(&e)) {
      phase_ = Phase::kFailed;
      events_.push_back(ErrorEvent{err->code, "ws handshake: " + err->message, err->offset});
      return;
    }
    if (std::holds_alternative<h1::ClosedEvent>(e)) {
      phase_ = Phase::kFailed;
      events_.push_back(ErrorEvent{ErrorCode::kParse, "ws handshake: closed before a response", parser_.offset()});
      return;
    }
    auto* head = std::get_if<h1::HeadEvent>(&e);
    if (!head) continue;
    head_ = head->head;
    // upgraded(): the parser stopped right after the head. A 101 that
    // announces a body (Content-Length, chunked) would not stop there.
    if (Error bad = check_upgrade_response(head->head, key_, options_.subprotocol); !bad.ok() || !parser_.upgraded()) {
      phase_ = Phase::kFailed;
      std::string what = bad.ok() ? "ws handshake: 101 with a body or without upgrade" : bad.message();
      // The head as a whole is wrong: name its start, offset 0 (how much of
      // the input the parser had consumed by now depends on the split).
      events_.push_back(ErrorEvent{ErrorCode::kParse, what, 0});
      return;
    }
    handshake_bytes_ = parser_.offset();
    if (!start_wslay()) return;
    phase_ = Phase::kOpen;
    events_.push_back(OpenEvent{options_.subprotocol});
    in_ = parser_.take_upgrade_bytes();
    in_pos_ = 0;
    if (!in_.empty()) run_wslay();
    return;
  }
}

bool Session::start_wslay() {
  wslay_event_callbacks cbs{};
  cbs.recv_callback = WsCallbacks::recv;
  cbs.send_callback = WsCallbacks::send;
  cbs.genmask_callback = WsCallbacks::genmask;
  cbs.on_frame_recv_start_callback = WsCallbacks::on_frame_start;
  cbs.on_frame_recv_chunk_callback = WsCallbacks::on_frame_chunk;
  cbs.on_frame_recv_end_callback = WsCallbacks::on_frame_end;
  cbs.on_msg_recv_callback = WsCallbacks::on_msg;
  wslay_frame_callbacks fcbs{WsCallbacks::frame_send, WsCallbacks::frame_recv, WsCallbacks::frame_genmask};
  // The server context refuses unmasked frames (close 1002), the client's
  // masked ones.
  const int ev = server() ? wslay_event_context_server_init(&ev_, &cbs, this)
                          : wslay_event_context_client_init(&ev_, &cbs, this);
  if (ev != 0 || wslay_frame_context_init(&frame_, &fcbs, this) != 0) {
    phase_ = Phase::kFailed;
    events_.push_back(ErrorEvent{ErrorCode::kInternal, "ws: out of memory", handshake_bytes_});
    return false;
  }
  wslay_event_config_set_no_buffering(ev_, 1);
  // wslay's own cap (2^31-1 by default) would close with 1009 too.
  wslay_event_config_set_max_recv_msg_length(
      ev_, options_.max_message ? options_.max_message : std::numeric_limits<std::uint64_t>::max());
  return true;
}

Result<std::string> Session::accept(std::string_view key, std::string_view subprotocol,
                                    std::vector<std::uint8_t> rest) {
  if (phase_ != Phase::kIdle || !server())
    return make_error(ErrorCode::kState, "ws server: accept() called twice, or on a client");
  if (!start_wslay()) return make_error(ErrorCode::kInternal, "ws server: out of memory");
  phase_ = Phase::kOpen;
  in_ = std::move(rest);
  in_pos_ = 0;
  if (!in_.empty()) run_wslay();
  return upgrade_response(key, subprotocol);
}

void Session::run_wslay() {
  // wslay stops at a short read, so call it until the input is used up.
  // The recv callback also stops it after every frame (yield_) so that
  // replies (pongs) go out after each frame, as they would with the input
  // split at frame edges: the bytes we write must not depend on the split.
  int r = 0;
  for (;;) {
    yield_ = false;
    std::size_t before = in_pos_;
    r = wslay_event_recv(ev_);
    if (wslay_event_want_write(ev_)) wslay_event_send(ev_);
    if (r != 0 || !pending_error_.empty() || !wslay_event_get_read_enabled(ev_)) break;
    if (in_pos_ >= in_.size() || (in_pos_ == before && !yield_)) break;
  }
  std::uint64_t at = handshake_bytes_ + ws_consumed_;
  if (!pending_error_.empty()) {
    fail(ErrorCode::kLimit, pending_error_, at, pending_close_);
  } else if (r != 0) {
    fail(ErrorCode::kParse, "wslay error " + std::to_string(r), at, WSLAY_CODE_PROTOCOL_ERROR);
  } else if (!wslay_event_get_read_enabled(ev_) && !wslay_event_get_close_received(ev_)) {
    // wslay found a protocol error, queued its close and stopped reading.
    std::uint16_t sent = wslay_event_get_status_code_sent(ev_);
    fail(sent == WSLAY_CODE_MESSAGE_TOO_BIG ? ErrorCode::kLimit : ErrorCode::kParse,
         "protocol error, wslay closed with " + std::to_string(sent), at, 0);
  }
  if (ev_ && wslay_event_want_write(ev_)) wslay_event_send(ev_);
  // Drop consumed input; after close or error the rest is ignored.
  in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(in_pos_));
  in_pos_ = 0;
  if (phase_ == Phase::kFailed || (ev_ && !wslay_event_get_read_enabled(ev_))) in_.clear();
}

Event Session::next_event() {
  if (events_.empty()) return NeedData{};
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::vector<std::uint8_t> Session::take_output() { return std::exchange(out_, {}); }

bool Session::close_sent() const { return ev_ && wslay_event_get_close_sent(ev_); }
bool Session::close_received() const { return ev_ && wslay_event_get_close_received(ev_); }

Error Session::write_frame(std::uint8_t opcode, bool fin, std::span<const std::uint8_t> data) {
  wslay_frame_iocb io{};
  io.fin = fin ? 1 : 0;
  io.opcode = opcode;
  io.mask = server() ? 0 : 1;  // RFC 6455 §5.1: clients mask, servers never
  io.payload_length = data.size();
  std::size_t sent = 0;
  do {
    io.data = data.data() + sent;
    io.data_length = data.size() - sent;
    ssize_t r = wslay_frame_send(frame_, &io);
    if (r < 0) return make_error(ErrorCode::kInternal, "ws: wslay_frame_send failed " + std::to_string(r));
    sent += static_cast<std::size_t>(r);
  } while (sent < data.size());
  return Error();
}

Error Session::send(std::span<const std::uint8_t> data, bool binary, bool som, bool eom) {
  if (phase_ != Phase::kOpen || close_sent())
    return make_error(ErrorCode::kState, "ws: not open for sending");
  if (som && tx_open_) return make_error(ErrorCode::kState, "ws: SOM while a message is open");
  if (!som && !tx_open_) return make_error(ErrorCode::kState, "ws: first chunk of a message needs SOM");
  if (som) tx_binary_ = binary;
  bool first = som;
  do {
    std::size_t n = std::min(data.size(), options_.max_frame);
    bool fin = eom && n == data.size();
    std::uint8_t opcode = first ? (tx_binary_ ? WSLAY_BINARY_FRAME : WSLAY_TEXT_FRAME) : WSLAY_CONTINUATION_FRAME;
    if (Error e = write_frame(opcode, fin, data.first(n)); !e.ok()) return e;
    first = false;
    data = data.subspan(n);
  } while (!data.empty());
  tx_open_ = !eom;
  return Error();
}

Error Session::ping(std::span<const std::uint8_t> data) {
  if (phase_ != Phase::kOpen || close_sent()) return make_error(ErrorCode::kState, "ws: not open");
  if (data.size() > 125) return make_error(ErrorCode::kInvalidArgument, "ws: ping payload over 125 bytes");
  wslay_event_msg msg{WSLAY_PING, data.data(), data.size()};
  if (wslay_event_queue_msg(ev_, &msg) != 0) return make_error(ErrorCode::kState, "ws: cannot queue ping");
  wslay_event_send(ev_);
  return Error();
}

Error Session::close(std::uint16_t code, std::string_view reason) {
  if (phase_ != Phase::kOpen || close_sent()) return make_error(ErrorCode::kState, "ws: not open");
  if (reason.size() > 123) return make_error(ErrorCode::kInvalidArgument, "ws: close reason over 123 bytes");
  if (wslay_event_queue_close(ev_, code, reinterpret_cast<const uint8_t*>(reason.data()), reason.size()) != 0)
    return make_error(ErrorCode::kInvalidArgument, "ws: close code " + std::to_string(code) + " refused");
  wslay_event_send(ev_);
  return Error();
}

std::string describe(const Event& event) {
  struct V {
    std::string operator()(const NeedData&) const { return "need-data"; }
    std::string operator()(const OpenEvent& e) const { return "open " + e.subprotocol; }
    std::string operator()(const FragmentEvent& e) const {
      return std::string("frag ") + (e.binary ? "bin" : "text") + (e.first ? " som" : "") + (e.last ? " eom" : "") +
             " " + std::to_string(e.data.size());
    }
    std::string operator()(const PingEvent& e) const { return "ping " + std::to_string(e.data.size()); }
    std::string operator()(const PongEvent& e) const { return "pong " + std::to_string(e.data.size()); }
    std::string operator()(const CloseEvent& e) const { return "close " + std::to_string(e.code) + " " + e.reason; }
    std::string operator()(const ErrorEvent& e) const { return "error " + e.message; }
    std::string operator()(const ClosedEvent& e) const { return std::string("closed clean=") + (e.clean ? "1" : "0"); }
  };
  return std::visit(V{}, event);
}

}  // namespace ss::proto::ws

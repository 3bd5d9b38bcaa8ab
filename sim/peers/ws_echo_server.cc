#include "sim/peers/ws_echo_server.h"

#include <wslay/wslay.h>

#include <algorithm>

#include "runtime/proto/h1/h1_parser.h"
#include "runtime/proto/ws/ws_frame_writer.h"
#include "runtime/proto/ws/ws_handshake.h"

namespace ss::sim::peers {

struct WsEchoServer::Conn : ConnectionHandler {
  WsEchoServer* server = nullptr;
  std::uint64_t id = 0;
  std::unique_ptr<Connection> conn;
  h1::MessageParser parser{h1::MessageParser::Kind::kRequest};
  wslay_event_context_ptr ev = nullptr;
  std::vector<std::uint8_t> in;
  std::size_t in_pos = 0;
  bool closing = false;
  bool close_pending = false;
  bool cut = false;  // kCloseMidMessage fired: nothing more is read or sent
  bool frozen = false;  // freeze(): nothing read or sent, the socket kept open
  bool counted_too_big = false;

  ~Conn() override {
    if (ev) wslay_event_context_free(ev);
  }

  static ssize_t recv_cb(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
    auto& c = *static_cast<Conn*>(user);
    std::size_t n = std::min(len, c.in.size() - c.in_pos);
    if (n == 0) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
      return -1;
    }
    std::copy(c.in.begin() + static_cast<std::ptrdiff_t>(c.in_pos),
              c.in.begin() + static_cast<std::ptrdiff_t>(c.in_pos + n), buf);
    c.in_pos += n;
    return static_cast<ssize_t>(n);
  }
  static ssize_t send_cb(wslay_event_context_ptr, const uint8_t* data, size_t len, int, void* user) {
    auto& c = *static_cast<Conn*>(user);
    c.conn->write(std::span<const std::uint8_t>(data, len));
    return static_cast<ssize_t>(len);
  }
  static void on_msg(wslay_event_context_ptr ctx, const wslay_event_on_msg_recv_arg* a, void* user) {
    auto& c = *static_cast<Conn*>(user);
    auto& s = *c.server;
    if (a->opcode == WSLAY_PONG) {
      ++s.pongs_;
      return;
    }
    if (a->opcode == WSLAY_CONNECTION_CLOSE) {
      s.close_codes_.push_back(a->status_code);
      return;
    }
    if (wslay_is_ctrl_frame(a->opcode) || c.cut) return;
    const auto& o = s.options_;
    ++s.messages_;
    std::string msg(reinterpret_cast<const char*>(a->msg), a->msg_length);
    // Frames written by hand below go after whatever wslay still holds.
    if (o.echo_frame || o.fault == WsFault::kCloseMidMessage) wslay_event_send(ctx);
    if (o.fault == WsFault::kCloseMidMessage && o.close_after && s.messages_ % o.close_after == 0) {
      // Half of the echo (never FIN), then the connection goes: the client
      // must not take a message that never ended as a whole one.
      c.conn->write(proto::ws::write_frame({false, 0, a->opcode, std::nullopt, msg.substr(0, msg.size() / 2)}));
      c.cut = true;
      c.later_drop();
      return;
    }
    if (o.echo_frame == 0) {
      wslay_event_msg m{a->opcode, a->msg, a->msg_length};
      wslay_event_queue_msg(ctx, &m);
    } else if (!wslay_event_get_close_sent(ctx)) {
      // Written here, in fragments: control frames that wslay sends later
      // may come between them, which RFC 6455 §5.4 allows.
      std::size_t off = 0;
      bool first = true;
      do {
        const std::size_t n = std::min(o.echo_frame, msg.size() - off);
        const bool fin = off + n == msg.size();
        c.conn->write(proto::ws::write_frame(
            {fin, 0, static_cast<std::uint8_t>(first ? a->opcode : 0), std::nullopt, msg.substr(off, n)}));
        if (!fin && o.ping_between) c.conn->write(proto::ws::write_frame({true, 0, 9, std::nullopt, "p"}));
        off += n;
        first = false;
      } while (off < msg.size());
    }
    s.records_[c.id - 1].echoed.push_back(std::move(msg));
    if (a->opcode == WSLAY_TEXT_FRAME) ++s.records_[c.id - 1].text_messages;
    ++s.echoed_;
    // wslay sends control frames first: queue the close only after the
    // echoes went out (pump), or they would be lost behind it.
    if (o.fault != WsFault::kCloseMidMessage && o.close_after && s.echoed_ % o.close_after == 0)
      c.close_pending = true;
  }

  void later_drop() {
    server->later(0, [s = server, i = id] { s->drop(i); });
  }

  void on_data(std::span<const std::uint8_t> bytes) override {
    if (frozen) return;
    if (!ev) {
      handshake(bytes);
      return;
    }
    in.insert(in.end(), bytes.begin(), bytes.end());
    pump();
  }

  void pump() {
    if (cut) return;
    wslay_event_recv(ev);
    in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(in_pos));
    in_pos = 0;
    wslay_event_send(ev);
    if (!counted_too_big && wslay_event_get_close_sent(ev) &&
        wslay_event_get_status_code_sent(ev) == WSLAY_CODE_MESSAGE_TOO_BIG) {
      counted_too_big = true;
      ++server->too_big_;
    }
    if (close_pending) {
      close_pending = false;
      const auto& o = server->options_;
      wslay_event_queue_close(ev, o.close_code, reinterpret_cast<const uint8_t*>(o.close_reason.data()),
                              o.close_reason.size());
      wslay_event_send(ev);
    }
    // Both close frames exchanged (or wslay gave up): the server closes TCP.
    if (!closing && wslay_event_get_close_sent(ev) &&
        (wslay_event_get_close_received(ev) || !wslay_event_get_read_enabled(ev))) {
      closing = true;
      conn->shutdown_write();
      server->later(millis(100), [s = server, i = id] { s->drop(i); });
    }
  }

  void handshake(std::span<const std::uint8_t> bytes) {
    parser.receive_data(bytes);
    for (;;) {
      h1::Event e = parser.next_event();
      if (std::holds_alternative<h1::NeedData>(e)) return;
      if (auto* h = std::get_if<h1::HeadEvent>(&e)) {
        answer(h->head);
        return;
      }
      if (std::holds_alternative<h1::ErrorEvent>(e) || std::holds_alternative<h1::ClosedEvent>(e)) {
        later_drop();
        return;
      }
    }
  }

  void answer(const h1::Head& req) {
    const auto& o = server->options_;
    auto& rec = server->records_[id - 1];
    rec.at = server->listen_.loop().now();
    rec.target = req.target;
    rec.headers = req.headers;
    auto key = h1::find_header(req.headers, "sec-websocket-key");
    const bool refuse = o.fault == WsFault::kRefuse && (o.refuse_first == 0 || server->refused_ < o.refuse_first);
    if (key && refuse) ++server->refused_;
    if (!key || refuse) {
      h1::Headers hs{{"Content-Length", "0"}, {"Connection", "close"}};
      if (o.retry_after) hs.push_back({"Retry-After", std::to_string(*o.retry_after)});
      conn->write(h1::serialize_response_head(key ? o.refuse_status : 400, "Refused", hs));
      conn->shutdown_write();
      server->later(millis(100), [s = server, i = id] { s->drop(i); });
      return;
    }
    h1::Headers hs{{"Upgrade", "websocket"}, {"Connection", "Upgrade"}};
    std::string accept = proto::ws::accept_for(*key);
    if (o.fault == WsFault::kWrongAccept) accept = proto::ws::accept_for("not-the-key");
    hs.push_back({"Sec-WebSocket-Accept", accept});
    auto asked = h1::find_header(req.headers, "sec-websocket-protocol");
    if (asked && !o.subprotocol.empty() && *asked == o.subprotocol) hs.push_back({"Sec-WebSocket-Protocol", o.subprotocol});
    conn->write(h1::serialize_response_head(101, "Switching Protocols", hs));
    rec.upgraded = true;
    wslay_event_callbacks cbs{};
    cbs.recv_callback = recv_cb;
    cbs.send_callback = send_cb;
    cbs.on_msg_recv_callback = on_msg;
    wslay_event_context_server_init(&ev, &cbs, this);
    // wslay closes with 1009 and stops reading when a message passes this.
    wslay_event_config_set_max_recv_msg_length(ev, std::max<std::size_t>(o.max_message, 1));
    if (o.fault == WsFault::kDropAfterOpen) {
      later_drop();
      return;
    }
    if (o.fault == WsFault::kBadFrame) conn->write(proto::ws::write_frame({true, 4, 1, std::nullopt, "rsv"}));
    if (o.ping_on_open) {
      wslay_event_msg m{WSLAY_PING, reinterpret_cast<const uint8_t*>("hello"), 5};
      wslay_event_queue_msg(ev, &m);
      wslay_event_send(ev);
    }
    in = parser.take_upgrade_bytes();
    in_pos = 0;
    if (!in.empty()) pump();
  }

  void on_end(EndReason) override { later_drop(); }
};

WsEchoServer::WsEchoServer(Loop& loop, Net& net, Endpoint at, WsEchoOptions options)
    : listen_(loop, net, std::move(at), "ws_echo_server"), options_(std::move(options)) {}

WsEchoServer::~WsEchoServer() { stop(); }

Error WsEchoServer::start() {
  return listen_.start([this](std::unique_ptr<Connection> c) { accept(std::move(c)); });
}

void WsEchoServer::stop() {
  listen_.stop();
  conns_.clear();
}

void WsEchoServer::accept(std::unique_ptr<Connection> c) {
  auto conn = std::make_unique<Conn>();
  conn->server = this;
  conn->id = next_id_++;
  conn->conn = std::move(c);
  conn->conn->set_handler(conn.get());
  records_.emplace_back();
  conns_[conn->id] = std::move(conn);
}

void WsEchoServer::drop(std::uint64_t id) { conns_.erase(id); }

void WsEchoServer::freeze() {
  for (auto& [id, c] : conns_) c->frozen = true;
}

}  // namespace ss::sim::peers

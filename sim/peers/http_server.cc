#include "sim/peers/http_server.h"

#include <cstdio>

#include "runtime/proto/h1/h1_parser.h"

namespace ss::sim::peers {

std::string http_server_date(std::int64_t s) {
  // From Sunday 6 December 2026 on: 25 days fit in the month.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  const std::int64_t day = s / 86400, sec = s % 86400;
  if (s < 0 || day >= 25) return {};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d Dec 2026 %02d:%02d:%02d GMT", kDays[day % 7], static_cast<int>(6 + day),
                static_cast<int>(sec / 3600), static_cast<int>(sec / 60 % 60), static_cast<int>(sec % 60));
  return buf;
}

std::string pattern_body(std::size_t n) {
  std::string s(n, 'a');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

struct HttpServer::Conn : ConnectionHandler {
  HttpServer* server = nullptr;
  std::uint64_t id = 0;
  std::unique_ptr<Connection> conn;
  h1::MessageParser parser{h1::MessageParser::Kind::kRequest};
  std::optional<h1::Head> head;
  std::string body;
  std::uint64_t requests_seen = 0;  // keep-alive idle timer checks it moved
  std::uint64_t requests_answered = 0;  // responses whose last byte went out
  bool said_close = false;          // a response with "Connection: close" went out
  std::optional<Micros> answered_at;  // idle since the last response's last byte went out

  void on_data(std::span<const std::uint8_t> bytes) override {
    answered_at.reset();  // the client spoke: not idle
    parser.receive_data(bytes);
    for (;;) {
      h1::Event e = parser.next_event();
      if (std::holds_alternative<h1::NeedData>(e)) return;
      if (auto* h = std::get_if<h1::HeadEvent>(&e)) {
        if (said_close) {
          // RFC 9112 §9.6: after "close" the client must send no more
          // requests on this connection. Noted, never answered.
          ++server->requests_after_close_;
          return;
        }
        head = h->head;
        body.clear();
      } else if (auto* b = std::get_if<h1::BodyEvent>(&e)) {
        body.append(b->data.begin(), b->data.end());
      } else if (std::holds_alternative<h1::CompleteEvent>(e)) {
        ++requests_seen;
        server->requests_.push_back(*head);
        server->bodies_.push_back(body);
        // A pipelined request waits, past the buffer its body points into.
        parser.own_queued_body();
        server->respond(*this, *head);  // may drop this connection: return now
        return;
      } else {
        // Bad request or peer EOF: close (posted, never inline from here).
        server->later(0, [s = server, i = id] { s->drop(i); });
        return;
      }
    }
  }
  void on_end(EndReason reason) override {
    if (reason == EndReason::kClosedByPeer) server->check_idle_close(*this);
    server->later(0, [s = server, i = id] { s->drop(i); });
  }
};

HttpServer::HttpServer(Loop& loop, Net& net, Endpoint at) : listen_(loop, net, std::move(at), "http_server") {}

HttpServer::~HttpServer() { stop(); }

Error HttpServer::start() {
  return listen_.start([this](std::unique_ptr<Connection> c) { accept(std::move(c)); });
}

void HttpServer::stop() {
  listen_.stop();
  conns_.clear();
}

void HttpServer::accept(std::unique_ptr<Connection> c) {
  ++accepted_;
  auto conn = std::make_unique<Conn>();
  conn->server = this;
  conn->id = next_id_++;
  conn->conn = std::move(c);
  conn->conn->set_handler(conn.get());
  conns_[conn->id] = std::move(conn);
}

void HttpServer::drop(std::uint64_t id) { conns_.erase(id); }

void HttpServer::check_idle_close(const Conn& c) {
  if (!idle_close_report_ || !c.answered_at || c.said_close) return;
  const Micros idle = listen_.loop().now() - *c.answered_at;
  if (idle > idle_close_limit_)
    idle_close_report_("the client closed a keep-alive connection " + std::to_string(idle) +
                       "us after our last response (idle for more than " + std::to_string(idle_close_limit_) + "us)");
}

void HttpServer::respond(Conn& c, const h1::Head& req) {
  std::string path = req.target.substr(0, req.target.find('?'));
  HttpRoute r;
  if (auto it = routes_.find(path); it != routes_.end()) {
    r = it->second;
  } else if (auto f = fallback_ ? fallback_(req, c.body) : std::nullopt) {
    r = std::move(*f);
  } else {
    r.status = 404;
    r.reason = "Not Found";
  }
  if (r.fault == HttpFault::kNoResponse) return;
  std::uint64_t id = c.id;
  if (r.fault == HttpFault::kCloseBeforeResponse) {
    later(0, [this, id] { drop(id); });
    return;
  }
  bool close = r.close_after || r.until_close || !req.keep_alive;
  std::string body = r.body.empty() ? pattern_body(r.body_size) : r.body;
  bool head_only = req.method == "HEAD";
  h1::Headers hs = r.headers;
  if (r.retry_after) {
    const std::int64_t now_s = listen_.loop().now() / kMicrosPerSecond;
    const std::string date = http_server_date(now_s), until = http_server_date(now_s + *r.retry_after);
    if (r.retry_after_date && !date.empty() && !until.empty()) {
      hs.push_back({"Date", date});
      hs.push_back({"Retry-After", until});
    } else {
      hs.push_back({"Retry-After", std::to_string(*r.retry_after)});
    }
  }
  if (!r.location.empty()) hs.push_back({"Location", r.location});
  if (r.chunked) {
    hs.push_back({"Transfer-Encoding", "chunked"});
  } else if (!r.until_close) {
    hs.push_back({"Content-Length", std::to_string(body.size())});
  }
  if (close) {
    hs.push_back({"Connection", "close"});
    c.said_close = true;
  }
  std::string head = h1::serialize_response_head(r.status, r.reason, hs);
  if (r.fault == HttpFault::kGarbageHeader) head.insert(head.size() - 2, "this line has no colon\r\n");
  if (r.fault == HttpFault::kOversizedHeader)
    head.insert(head.size() - 2, "X-Huge: " + std::string(h1::kMaxHeaderBytes + 1, 'h') + "\r\n");
  if (head_only) body.clear();
  auto send = [this, id, head, body, r, close] {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    it->second->conn->write(head);
    write_body(id, body, 0, r, close);
  };
  if (r.delay > 0) {
    later(r.delay, send);
  } else {
    send();
  }
}

void HttpServer::write_body(std::uint64_t id, std::string body, std::size_t at, const HttpRoute& r, bool close) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Connection& conn = *it->second->conn;
  std::size_t limit = body.size();
  if (r.fault == HttpFault::kTruncateBody) limit = body.size() / 2;
  std::size_t n = r.piece ? std::min(r.piece, limit - std::min(limit, at)) : limit - std::min(limit, at);
  if (n > 0) {
    std::string_view piece = std::string_view(body).substr(at, n);
    conn.write(r.chunked ? h1::encode_chunk(piece) : std::string(piece));
    at += n;
  }
  if (at < limit) {
    later(r.piece_gap, [this, id, body = std::move(body), at, r, close] { write_body(id, body, at, r, close); });
    return;
  }
  if (r.fault == HttpFault::kTruncateBody) {
    later(0, [this, id] { drop(id); });
    return;
  }
  if (r.chunked) conn.write(std::string(h1::kLastChunk));
  // Idle from now on, unless a pipelined request waits for its answer.
  if (++it->second->requests_answered == it->second->requests_seen) it->second->answered_at = listen_.loop().now();
  if (close) {
    auto fin = [this, id] {
      auto c = conns_.find(id);
      if (c == conns_.end()) return;
      c->second->conn->shutdown_write();
      // The client closes after reading; drop our side a little later.
      later(seconds(1), [this, id] { drop(id); });
    };
    if (r.close_delay > 0) {
      later(r.close_delay, fin);
    } else {
      fin();
    }
  } else if (idle_timeout_ > 0) {
    // Like a real server's keep-alive timeout: no new request in time, close.
    const std::uint64_t seen = it->second->requests_seen;
    later(idle_timeout_, [this, id, seen] {
      auto c = conns_.find(id);
      if (c != conns_.end() && c->second->requests_seen == seen) drop(id);
    });
  }
}

}  // namespace ss::sim::peers

#include "sim/peers/h2_server.h"

#include <charconv>

namespace ss::sim::peers {
namespace {

constexpr std::uint32_t kInternalError = 2;
constexpr std::size_t kMaxBody = 16 * 1024 * 1024;

// "/bytes/<n>[/<tag>]" -> n, tag.
bool parse_bytes_path(std::string_view path, std::uint64_t& n, std::uint64_t& tag) {
  constexpr std::string_view kPrefix = "/bytes/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  path.remove_prefix(kPrefix.size());
  auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), n);
  if (ec != std::errc() || n > kMaxBody) return false;
  tag = 0;
  if (p != path.data() + path.size()) {
    if (*p != '/') return false;
    auto [q, ec2] = std::from_chars(p + 1, path.data() + path.size(), tag);
    if (ec2 != std::errc() || q != path.data() + path.size()) return false;
  }
  return true;
}

}  // namespace

std::uint8_t h2_body_byte(std::uint64_t tag, std::uint64_t i) { return static_cast<std::uint8_t>((tag + i) % 251); }

struct H2Server::Conn : ConnectionHandler {
  H2Server* server = nullptr;
  std::uint64_t id = 0;
  std::unique_ptr<Connection> conn;
  std::unique_ptr<H2ServerCore> core;
  bool dead = false;     // reads and drops everything
  bool frozen = false;   // freeze(): reads and drops everything, sends nothing
  bool stall = false;    // pause reading after the first request
  bool gone = false;
  bool goaway_sent = false;
  std::size_t pings_seen = 0;

  void end() {
    if (gone) return;
    gone = true;
    server->listen_.later(0, [s = server, i = id] { s->drop(i); });
  }

  void flush() {
    if (gone || frozen) return;
    std::vector<std::uint8_t> out;
    core->take_output(out);
    if (!out.empty()) conn->write(out);
    if (core->closed()) {
      conn->shutdown_write();  // after a GOAWAY with nothing left: an orderly end
      end();
    }
  }

  void on_data(std::span<const std::uint8_t> bytes) override {
    if (gone || dead || frozen) return;
    if (Error e = core->receive_data(bytes)) {
      server->stats_.errors.push_back(e.message());
      flush();
      conn->close();
      return end();
    }
    server->stats_.pings_received += core->pings_received() - pings_seen;
    pings_seen = core->pings_received();
    while (auto r = core->next_request()) {
      if (serve(*r)) return;  // the connection was cut
    }
    flush();
  }
  void on_writable() override { flush(); }
  void on_end(EndReason) override { end(); }

  // Answers one request; true when it cut the connection.
  bool serve(const H2Request& r) {
    H2Server& s = *server;
    ++s.stats_.requests;
    std::vector<std::uint8_t> body;
    int status = 404;
    std::uint64_t n = 0, tag = 0;
    if (r.method == "GET" && parse_bytes_path(r.path, n, tag)) {
      status = 200;
      body.resize(n);
      for (std::uint64_t i = 0; i < n; ++i) body[i] = h2_body_byte(tag, i);
    } else if ((r.method == "POST" || r.method == "PUT") && r.path == "/echo") {
      status = 200;
      body = r.body;
    }
    if (s.roll(s.options_.flood_pct)) {
      ++s.stats_.floods;
      for (int i = 0; i < 50; ++i) {
        core->ping();
        core->empty_settings();  // each asks for an ACK
      }
    }
    const std::vector<proto::h2::Header> headers{{"content-length", std::to_string(body.size())},
                                                  {"x-served-by", "h2-sim"}};
    const std::size_t half = body.size() / 2;
    if (!goaway_sent && s.roll(s.options_.goaway_pct)) {
      ++s.stats_.goaways;
      goaway_sent = true;
      core->respond(r.stream, status, headers, std::span(body).first(half), false);
      core->goaway(r.stream, 0);
      core->send_body(r.stream, std::span(body).subspan(half), true);
    } else if (s.roll(s.options_.rst_pct)) {
      ++s.stats_.resets;
      core->respond(r.stream, status, headers, std::span(body).first(half), false);
      flush();
      core->reset(r.stream, kInternalError);
    } else if (s.roll(s.options_.kill_pct)) {
      ++s.stats_.kills;
      core->respond(r.stream, status, headers, std::span(body).first(half), false);
      flush();
      conn->close();
      end();
      return true;
    } else {
      core->respond(r.stream, status, headers, body, true);
    }
    if (stall) {
      stall = false;
      ++s.stats_.stalls;
      conn->pause_reading(true);
      s.listen_.later(seconds(2), [srv = server, i = id] {
        auto it = srv->conns_.find(i);
        if (it != srv->conns_.end() && !it->second->gone) it->second->conn->pause_reading(false);
      });
    }
    return false;
  }
};

H2Server::H2Server(Loop& loop, Net& net, Endpoint at, H2ServerOptions options)
    : listen_(loop, net, std::move(at), "h2server"), options_(options), rng_(Rng(options.seed).fork(0x6832)) {}

H2Server::~H2Server() = default;

Error H2Server::start() {
  return listen_.start([this](std::unique_ptr<Connection> c) { accept(std::move(c)); });
}

void H2Server::stop() {
  listen_.stop();
  for (auto& [id, c] : conns_) {
    c->gone = true;
    c->conn->close();
  }
  conns_.clear();
}

bool H2Server::roll(int pct) { return pct > 0 && rng_.chance(static_cast<std::uint64_t>(pct), 100); }

void H2Server::accept(std::unique_ptr<Connection> c) {
  ++stats_.connections;
  auto conn = std::make_unique<Conn>();
  conn->server = this;
  conn->id = next_id_++;
  conn->conn = std::move(c);
  H2ServerCoreOptions o;
  o.max_concurrent_streams = options_.max_concurrent_streams;
  const bool starve = roll(options_.starve_pct);
  if (starve) {
    ++stats_.starved;
    o.initial_window = 7;
  }
  conn->dead = roll(options_.dead_pct);
  if (conn->dead) ++stats_.dead;
  conn->stall = roll(options_.stall_pct);
  conn->core = std::make_unique<H2ServerCore>(o);
  Conn* raw = conn.get();
  conns_[raw->id] = std::move(conn);
  raw->conn->set_handler(raw);
  raw->flush();  // our SETTINGS
  if (starve) {
    // The window opens after a second of dribbling.
    listen_.later(seconds(1), [this, id = raw->id] {
      auto it = conns_.find(id);
      if (it == conns_.end() || it->second->gone) return;
      it->second->core->set_initial_window(65535);
      it->second->flush();
    });
  }
}

void H2Server::freeze() {
  for (auto& [id, c] : conns_) c->frozen = true;
}

void H2Server::drop(std::uint64_t id) { conns_.erase(id); }

}  // namespace ss::sim::peers

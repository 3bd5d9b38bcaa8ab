// "server": server streams of this engine serving client streams of this
// engine, both sides in one simulated world, under faults.
//
// Host "server" (10.3.0.1) runs a context with a server streamtype "web"
// on port 80 (protocol ws: it serves HTTP and takes WebSocket upgrades, as
// libwebsockets' minimal secure-streams server does) and a raw one "echo"
// on port 7. Its user answers by
// path: /ok/<n> -> server_ack(0) and n bytes made from n (Content-Length
// or chunked, drawn per request by n's parity); /status/<code> ->
// server_ack(code); /none -> no ack (404); POST /echo -> server_ack(0)
// and the request body back once its EOM came. Raw clients get their
// bytes back. On SERVER_UPGRADE it switches the accepted stream to echo
// handlers (change_handlers) that send each message back once its EOM is
// in (ws_chat.h). With a drawn chance per run, SERVER_TXN answers
// DISCONNECT_ME now and then. Host "client" runs 1-4 h1 actors (GETs of
// the kinds above, POSTs of 1..20000 bytes, a few requests each, in turn
// on one stream, so keep-alive carries several transactions on one
// accepted stream), 0-2 raw actors and, in half of the worlds, 1-3 ws
// actors (1-5 binary messages of 0..12,000 bytes, now and then one of up to
// 100,000, sent in drawn chunks; drawn from their own fork of the seed, so
// worlds without ws actors are the worlds this scenario made before it had
// them), and in half of the worlds a pipelining client (h1_pipeliner.h: a
// raw stream that writes 2-4 GET /ok/<n> at once to the web port; its own
// fork of the seed too). A random fault plan runs over the first 3 s.
//
// Invariants:
//   - every state sequence, client and accepted, is legal under the table;
//     every accepted stream starts CREATING, CONNECTING, CONNECTED, never
//     raises POLL, UNREACHABLE or ALL_RETRIES_FAILED, raises SERVER_TXN only
//     as a "web" stream, SERVER_UPGRADE at most once and only as a "web"
//     stream, no SERVER_TXN after it, says DISCONNECTED before DESTROYING
//     once CONNECTED, and ends with exactly one DESTROYING;
//   - the listening streams raise CREATING and, at the end, DESTROYING only
//     (never SERVER_UPGRADE: libwebsockets issue #2725);
//   - ws framing: on both sides, SOM starts each message and never comes
//     inside one (MessageAssembler);
//   - ack -> status: a client's QOS_ACK_REMOTE comes only for a request the
//     server acks with 0 (and the body is then exactly what the server
//     made, or for /echo exactly what the client sent); QOS_NACK_REMOTE
//     only for /status and /none; every h1.status a client reads for a
//     request is the one the server answers it with (200, the code, 404);
//   - pipelining: the k-th response the pipelining client reads is 200 with
//     the body of its k-th request;
//   - bytes in order: what the server reads of a POST body is a prefix of
//     what the client sent; a raw client's echo is a prefix of what it
//     sent on that connection; each ws message the server reads is one a
//     ws client sent, and a ws client's k-th echo is its k-th message;
//   - liveness: in a calm run (no faults, no buggify, no DISCONNECT_ME from
//     the server) every request gets its answer and every ws message its
//     echo, and every pipelined request its response;
//   - nothing is left: no stream in either context, no timer.
#include "sim/scenarios/server/server_scenario.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/state_table.h"
#include "sim/testing/engine_checker.h"
#include "sim/scenarios/server/h1_pipeliner.h"
#include "sim/scenarios/server/ws_chat.h"
#include "sim/testing/sim_context.h"

namespace ss::sim {
namespace {

using stream::Ret;
using stream::State;
using stream::Stream;

std::shared_ptr<const policy::Policy> scenario_policy() {
  policy::PolicyBuilder b(policy::streamtype(policy::Protocol::kH1, "server", 80));
  b.retry("r3", {100, 300, 600}, 3, 20);
  b.add("web", [](policy::Streamtype& st) {
    st.server = true;
    st.endpoint = "";
    st.protocol = policy::Protocol::kWs;
    st.ws_binary = true;
    st.metadata = {{"path", ""}, {"method", ""}, {"mime", "content-type:"}};
  });
  b.add("echo", [](policy::Streamtype& st) {
    st.server = true;
    st.endpoint = "";
    st.port = 7;
    st.protocol = policy::Protocol::kRaw;
  });
  b.add("get", [](policy::Streamtype& st) {
    st.retry = 0;
    st.opportunistic = true;
    st.http_method = "GET";
    st.http_url = "${url}";
    st.metadata = {{"url", ""}, {"mime", "content-type:"}};
  });
  b.add("post", [](policy::Streamtype& st) {
    st.retry = 0;
    st.opportunistic = true;
    st.http_method = "POST";
    st.http_url = "echo";
  });
  b.add("chat", [](policy::Streamtype& st) {
    st.retry = 0;
    st.opportunistic = true;
    st.protocol = policy::Protocol::kWs;
    st.ws_binary = true;
    st.http_url = "chat";
  });
  b.add("pipe", [](policy::Streamtype& st) {  // HTTP/1.1 written by hand, to the web port
    st.protocol = policy::Protocol::kRaw;
  });
  b.add("rawc", [](policy::Streamtype& st) {
    st.retry = 0;
    st.opportunistic = true;
    st.protocol = policy::Protocol::kRaw;
    st.port = 7;
  });
  return b.build();
}

// The body the server makes for /ok/<n> (the client knows it too).
std::string ok_body(std::size_t n) {
  std::string out(n, 'a');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + (i * 7 + n) % 26);
  return out;
}

// One request of an h1 actor and what the server must answer.
struct Request {
  enum Kind { kOk, kStatus, kNone, kEcho } kind = kOk;
  std::size_t n = 0;  // kOk: body length; kStatus: the code; kEcho: body length
  std::string url() const {
    switch (kind) {
      case kOk: return "ok/" + std::to_string(n);
      case kStatus: return "status/" + std::to_string(n);
      case kNone: return "none";
      case kEcho: return "echo";
    }
    return "";
  }
  int status() const { return kind == kStatus ? static_cast<int>(n) : kind == kNone ? 404 : 200; }
  bool acked() const { return kind == kOk || kind == kEcho; }
};

// Checks one stream's states against the table and the common end rules.
void check_sequence(World& world, const std::string& name, const std::vector<State>& states) {
  State tracked = State::kNone;
  for (State st : states) {
    if (!stream::transition_legal(tracked, st)) {
      world.violation(name + ": illegal " + std::string(stream::state_name(tracked)) + " -> " +
                      stream::state_name(st));
    }
    tracked = stream::next_tracked(tracked, st);
  }
  if (std::count(states.begin(), states.end(), State::kDestroying) != 1 || states.back() != State::kDestroying) {
    world.violation(name + ": DESTROYING must come exactly once, last");
  }
}

// The server's user: one Served per accepted stream.
struct Served {
  std::string name;
  bool h1 = false;
  Stream* s = nullptr;
  std::vector<State> states;
  std::string path;
  std::string rx;      // this request's body so far (h1) / what is left to echo (raw)
  std::string out;     // response bytes not yet handed to tx
  server_ws::WsEcho ws;  // after SERVER_UPGRADE
};

class ServerUser {
 public:
  ServerUser(World& world, Rng draw, std::uint32_t disconnect_one_in)
      : world_(world), draw_(draw), disconnect_one_in_(disconnect_one_in) {}

  stream::StreamInfo info(bool h1) {
    stream::StreamInfo i;
    i.callbacks.state = [this, h1](stream::State st, std::uint32_t) {
      (h1 ? web_states_ : echo_states_).push_back(st);
      return Ret::kOk;
    };
    i.make_accepted = [this, h1](stream::StreamInfo& a) {
      auto sv = std::make_unique<Served>();
      Served* p = sv.get();
      p->h1 = h1;
      p->name = std::string(h1 ? "web" : "echo") + "-client" + std::to_string(served_.size() + 1);
      served_.push_back(std::move(sv));
      a.on_bind = [p](Stream* s) { p->s = s; };
      a.callbacks.state = [this, p](stream::State st, std::uint32_t) { return on_state(*p, st); };
      a.callbacks.rx = [this, p](std::span<const std::uint8_t> b, std::uint32_t flags) { return on_rx(*p, b, flags); };
      a.callbacks.tx = [p](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
        len = std::min(buf.size(), p->out.size());
        std::copy_n(p->out.begin(), len, buf.begin());
        p->out.erase(0, len);
        flags = p->out.empty() ? std::uint32_t{stream::kFlagEom} : 0u;
        if (!p->out.empty()) p->s->request_tx();
        return Ret::kOk;
      };
      return true;
    };
    return i;
  }

  void check(World& world) const {
    for (State st : web_states_) {
      if (st != State::kCreating && st != State::kDestroying) world.violation("web server: raised " + std::string(stream::state_name(st)));
    }
    for (const auto& sv : served_) {
      const auto& st = sv->states;
      check_sequence(world, sv->name, st);
      if (st.size() < 3 || st[0] != State::kCreating || st[1] != State::kConnecting || st[2] != State::kConnected) {
        // A client gone before the binding started is CREATING, CONNECTING, DESTROYING.
        if (!(st.size() == 3 && st[2] == State::kDestroying)) world.violation(sv->name + ": does not start CREATING, CONNECTING, CONNECTED");
      }
      for (State s : st) {
        if (s == State::kPoll || s == State::kUnreachable || s == State::kAllRetriesFailed ||
            ((s == State::kServerTxn || s == State::kServerUpgrade) && !sv->h1)) {
          world.violation(sv->name + ": an accepted stream raised " + std::string(stream::state_name(s)));
        }
      }
      const auto upgrade = std::find(st.begin(), st.end(), State::kServerUpgrade);
      if (upgrade != st.end() && (std::count(upgrade + 1, st.end(), State::kServerUpgrade) > 0 ||
                                  std::count(upgrade + 1, st.end(), State::kServerTxn) > 0)) {
        world.violation(sv->name + ": SERVER_UPGRADE again, or SERVER_TXN, after SERVER_UPGRADE");
      }
      const bool connected = std::count(st.begin(), st.end(), State::kConnected) > 0;
      if (connected && (st.size() < 2 || st[st.size() - 2] != State::kDisconnected)) {
        world.violation(sv->name + ": CONNECTED but no DISCONNECTED before DESTROYING");
      }
    }
  }
  bool disconnects() const { return disconnect_one_in_ > 0; }
  // Bodies of POSTs as the server read them, for the client to compare.
  const std::vector<std::string>& echo_bodies() const { return echo_bodies_; }
  // Every ws message a server stream read, whole.
  const std::vector<std::string>& ws_messages() const { return ws_messages_; }

 private:
  Ret on_state(Served& p, State st) {
    p.states.push_back(st);
    if (st == State::kServerUpgrade) {
      p.ws.received = &ws_messages_;
      Served* sp = &p;
      p.s->change_handlers(p.ws.handlers(world_, p.name, [sp] { return sp->s; }));
      return Ret::kOk;
    }
    if (st != State::kServerTxn) return Ret::kOk;
    auto path = p.s->get_metadata("path");
    p.path = path.ok() ? std::string(*path) : "";
    p.rx.clear();
    if (disconnect_one_in_ && draw_.chance(1, disconnect_one_in_)) return Ret::kDisconnectMe;
    if (p.path.starts_with("/ok/")) {
      const std::size_t n = std::stoul(p.path.substr(4));
      p.s->server_ack(0);
      (void)p.s->set_metadata("mime", "application/octet-stream");
      respond(p, ok_body(n), n % 2 == 0);
    } else if (p.path.starts_with("/status/")) {
      p.s->server_ack(std::stoi(p.path.substr(8)));
      respond(p, "status", true);
    } else if (p.path == "/none") {
      respond(p, "none", true);
    }
    return Ret::kOk;  // /echo: once its body is in
  }
  Ret on_rx(Served& p, std::span<const std::uint8_t> b, std::uint32_t flags) {
    p.rx.append(b.begin(), b.end());
    if (!p.h1) {
      p.out.append(b.begin(), b.end());
      p.s->request_tx();
      return Ret::kOk;
    }
    if ((flags & stream::kFlagEom) && p.path == "/echo") {
      echo_bodies_.push_back(p.rx);
      p.s->server_ack(0);
      respond(p, p.rx, true);
    }
    return Ret::kOk;
  }
  void respond(Served& p, std::string body, bool with_len) {
    const std::size_t n = body.size();
    p.out = std::move(body);
    if (with_len) {
      p.s->request_tx_len(n);
    } else {
      p.s->request_tx();
    }
  }

  World& world_;
  Rng draw_;
  std::uint32_t disconnect_one_in_;
  std::vector<State> web_states_, echo_states_;
  std::vector<std::unique_ptr<Served>> served_;
  std::vector<std::string> echo_bodies_;
  std::vector<std::string> ws_messages_;
};

// An h1 client actor: its requests in turn on one stream.
struct H1Actor {
  World* world = nullptr;
  std::string name;
  std::uint64_t ordinal = 0;
  bool post = false;
  std::vector<Request> requests;
  std::vector<std::uint8_t> post_body;  // kEcho's body (drawn)
  std::size_t current = 0;
  Stream* s = nullptr;
  std::vector<State> states;
  std::string rx;
  std::size_t sent = 0;
  std::vector<int> outcomes;  // per request: 0 none yet, 1 ACK, 2 NACK
  bool destroyed = false;

  const Request& req() const { return requests[current]; }

  void begin() {
    if (destroyed || current >= requests.size()) return;
    rx.clear();
    sent = 0;
    if (!post) (void)s->set_metadata("url", req().url());
    if (post) {
      s->request_tx_len(post_body.size());
    } else {
      s->request_tx();
    }
  }
  void next() {
    ++current;
    if (current < requests.size()) {
      world->loop().after(millis(5), [this] { begin(); }, {"client", ordinal, "next"});
    } else if (!destroyed) {
      s->destroy();
    }
  }
  Ret on_state(State st) {
    states.push_back(st);
    if (st == State::kDestroying) destroyed = true;
    if (current >= requests.size()) return Ret::kOk;
    if (st == State::kQosAckRemote || st == State::kQosNackRemote) {
      const bool ack = st == State::kQosAckRemote;
      outcomes[current] = ack ? 1 : 2;
      if (ack != req().acked()) {
        world->violation(name + ": " + (ack ? "ACK" : "NACK") + " for " + req().url() + " (status " +
                         std::to_string(req().status()) + ")");
      }
      if (ack) {
        const std::string want = req().kind == Request::kOk ? ok_body(req().n)
                                                            : std::string(post_body.begin(), post_body.end());
        if (rx != want) {
          world->violation(name + ": ACK for " + req().url() + " with " + std::to_string(rx.size()) + " bytes, want " +
                           std::to_string(want.size()) + (rx.size() == want.size() ? " (contents differ)" : ""));
        }
      }
    }
    // The transaction is over (answered, cut, or given up on): the next one.
    if (st == State::kDisconnected || st == State::kAllRetriesFailed) next();
    return Ret::kOk;
  }
  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    len = std::min(buf.size(), post_body.size() - sent);
    std::copy_n(post_body.begin() + static_cast<std::ptrdiff_t>(sent), len, buf.begin());
    sent += len;
    flags = sent == post_body.size() ? std::uint32_t{stream::kFlagEom} : 0u;
    if (sent < post_body.size()) s->request_tx();
    return Ret::kOk;
  }
};

// A raw client actor: sends messages, checks the echo per connection.
struct RawActor {
  World* world = nullptr;
  std::string name;
  Stream* s = nullptr;
  Rng draw{0};
  int messages_left = 0;
  std::vector<State> states;
  std::string conn_sent, conn_rx;

  Ret on_state(State st) {
    states.push_back(st);
    if (st == State::kConnected) {
      conn_sent.clear();
      conn_rx.clear();
      if (messages_left > 0) s->request_tx();
    }
    return Ret::kOk;
  }
  void on_rx(std::span<const std::uint8_t> b) {
    conn_rx.append(b.begin(), b.end());
    if (conn_rx.size() > conn_sent.size() || conn_sent.compare(0, conn_rx.size(), conn_rx) != 0) {
      world->violation(name + ": echo is not a prefix of what this connection sent");
    }
  }
  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len) {
    if (messages_left <= 0) return Ret::kTxDontSend;
    len = std::min<std::size_t>(buf.size(), static_cast<std::size_t>(draw.between(1, 1000)));
    for (std::size_t i = 0; i < len; ++i) buf[i] = static_cast<std::uint8_t>(draw.next_u32());
    conn_sent.append(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
    if (--messages_left > 0) s->request_tx();
    return Ret::kOk;
  }
};

class ServerRun final : public ScenarioRun {
 public:
  explicit ServerRun(std::uint64_t seed) : seed_(seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x73727672);  // "srvr"
    options_ = draw_world_options(seed, draw, 3, 2048);
    const int h1_actors = static_cast<int>(draw.between(1, 4));
    for (int i = 0; i < h1_actors; ++i) {
      H1Spec spec;
      spec.post = draw.chance(1, 3);
      spec.start_at = draw.between(0, millis(500));
      const int n = static_cast<int>(draw.between(1, 4));
      for (int k = 0; k < n; ++k) {
        Request r;
        if (spec.post) {
          r.kind = Request::kEcho;  // one body per actor, sent each time
          r.n = k == 0 ? static_cast<std::size_t>(draw.between(1, 20000)) : spec.requests.front().n;
        } else {
          static const int kCodes[] = {400, 403, 418, 500};
          const auto pick = draw.below(4);
          r.kind = pick == 0 ? Request::kStatus : pick == 1 ? Request::kNone : Request::kOk;
          r.n = r.kind == Request::kStatus ? static_cast<std::size_t>(kCodes[draw.below(4)])
                                            : static_cast<std::size_t>(draw.between(0, 20000));
        }
        spec.requests.push_back(r);
      }
      h1_specs_.push_back(spec);
    }
    raw_actors_ = static_cast<int>(draw.between(0, 2));
    const FaultSpace space =
        server_fault_space("server", {Endpoint::tcp("10.3.0.1", 80), Endpoint::tcp("10.3.0.1", 7)}, {"client"});
    plan_ = draw.chance(1, 3) ? FaultPlan{} : random_fault_plan(draw, space);
    disconnect_one_in_ = draw.chance(1, 4) ? 5 : 0;
    actor_seed_ = draw.next_u64();
    draw_ws_actors(rng.fork(0x77736368));  // "wsch": the draws above stay as they were
    draw_pipeliner(rng.fork(0x70697065));  // "pipe": likewise
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    std::string out = describe_world(options_);
    out += "server: 10.3.0.1 web (h1 and ws :80), echo (raw :7)";
    out += disconnect_one_in_ ? " SERVER_TXN answers DISCONNECT_ME 1 in " + std::to_string(disconnect_one_in_) : "";
    out += "\nclients:\n";
    for (const auto& s : h1_specs_) {
      out += std::string("  ") + (s.post ? "post" : "get") + " start=" + std::to_string(s.start_at) + "us";
      for (const auto& r : s.requests) out += " " + r.url() + (r.kind == Request::kEcho ? "(" + std::to_string(r.n) + ")" : "");
      out += "\n";
    }
    out += "  raw clients: " + std::to_string(raw_actors_) + "\n";
    for (const auto& w : ws_specs_) {
      out += "  ws start=" + std::to_string(w.start_at) + "us chunk=" + std::to_string(w.chunk) + " messages";
      for (const auto& m : w.messages) out += " " + std::to_string(m.size());
      out += "\n";
    }
    if (pipe_) {
      out += "  pipelining start=" + std::to_string(pipe_->start_at) + "us piece=" + std::to_string(pipe_->piece) + " GET";
      for (std::size_t n : pipe_->sizes) out += " /ok/" + std::to_string(n);
      out += "\n";
    }
    out += "fault plan:\n" + plan_.to_string();
    return out;
  }

  void start(World& world) override {
    world_ = &world;
    const int server = world.add_host("server", "10.3.0.1");
    const int client = world.add_host("client");
    Rng seeds(actor_seed_);
    auto policy = scenario_policy();
    server_user_ = std::make_unique<ServerUser>(world, Rng(seeds.next_u64()), disconnect_one_in_);
    stream::Context::Config scfg = testing::context_config(world, server, policy, seed_ ^ 0x5e5e);
    server_checker_ = std::make_unique<EngineChecker>(world);
    server_checker_->attach(scfg);
    server_ctx_ = std::make_unique<stream::Context>(std::move(scfg));
    stream::Context::Config ccfg = testing::context_config(world, client, policy, seed_ ^ 0xc11e);
    ccfg.hooks.trace = [this, &world](std::string_view k, std::string_view t) {
      world.record(k, t);
      if (k == "h1.status") statuses_.emplace_back(t);
    };
    client_checker_ = std::make_unique<EngineChecker>(world);
    client_checker_->attach(ccfg);
    client_ctx_ = std::make_unique<stream::Context>(std::move(ccfg));
    for (auto* c : {server_ctx_.get(), client_ctx_.get()}) {
      proto::raw::register_raw_binding(*c);
      proto::h1::register_h1_binding(*c);
      proto::ws::register_ws_binding(*c);
    }
    for (const char* type : {"web", "echo"}) {
      stream::StreamInfo info = server_user_->info(std::string(type) == "web");
      info.streamtype = type;
      auto s = server_ctx_->create(std::move(info));
      if (!s) {
        world.violation(std::string("server streamtype ") + type + ": " + s.error().message());
      } else {
        servers_.push_back(*s);
      }
    }
    for (std::size_t i = 0; i < h1_specs_.size(); ++i) {
      auto a = std::make_unique<H1Actor>();
      a->world = &world;
      a->ordinal = i + 1;
      a->post = h1_specs_[i].post;
      a->requests = h1_specs_[i].requests;
      a->outcomes.assign(a->requests.size(), 0);
      a->name = "client" + std::to_string(i + 1) + (a->post ? "(post)" : "(get)");
      if (a->post) {
        Rng body(seeds.next_u64());
        a->post_body.resize(a->requests.front().n);
        for (auto& byte : a->post_body) byte = static_cast<std::uint8_t>(body.next_u32());
      }
      H1Actor* p = a.get();
      h1_actors_.push_back(std::move(a));
      world.loop().at(h1_specs_[i].start_at, [this, p] { create(p); }, {"client", p->ordinal, "start"});
    }
    for (int i = 0; i < raw_actors_; ++i) {
      auto a = std::make_unique<RawActor>();
      a->world = &world;
      a->name = "raw" + std::to_string(i + 1);
      a->draw = Rng(seeds.next_u64());
      a->messages_left = static_cast<int>(a->draw.between(1, 20));
      RawActor* p = a.get();
      raw_actors_list_.push_back(std::move(a));
      start_raw_client(world, p, "rawc", "raw", static_cast<std::uint64_t>(i + 1));
    }
    for (std::size_t i = 0; i < ws_specs_.size(); ++i) {
      auto a = std::make_unique<server_ws::WsActor>();
      a->world = &world;
      a->ordinal = i + 1;
      a->name = "ws" + std::to_string(i + 1);
      a->chunk = ws_specs_[i].chunk;
      a->messages = ws_specs_[i].messages;
      server_ws::WsActor* p = a.get();
      ws_actors_.push_back(std::move(a));
      world.loop().at(ws_specs_[i].start_at, [this, p] { create_ws(p); }, {"ws", p->ordinal, "start"});
    }
    if (pipe_) world.loop().at(pipe_->start_at, [this, &world] { create_pipeliner(world); }, {"pipe", 1, "start"});
    world.loop().at(seconds(9), [this] {
      for (auto& a : h1_actors_) {
        if (a->s && !a->destroyed) a->s->destroy();
      }
      for (auto& a : ws_actors_) {
        if (a->s && !a->destroyed) a->s->destroy();
      }
      for (Stream* s : servers_) s->destroy();
      servers_.clear();
    }, {"server", 0, "end"});
    world.install(plan_);
  }

  void check(World& world) override {
    const bool calm = plan_.actions.empty() && !options_.buggify && disconnect_one_in_ == 0;
    server_user_->check(world);
    for (const auto& a : h1_actors_) {
      check_sequence(world, a->name, a->states);
      if (!calm) continue;
      for (std::size_t i = 0; i < a->requests.size(); ++i) {
        if (a->outcomes[i] == 0) world.violation(a->name + ": calm run but no answer to " + a->requests[i].url());
      }
    }
    for (const auto& a : raw_actors_list_) check_sequence(world, a->name, a->states);
    if (pipeliner_ && pipeliner_->s) {
      check_sequence(world, pipeliner_->name(), pipeliner_->states);
      if (calm && pipeliner_->answered() < pipeliner_->asked())
        world.violation(pipeliner_->name() + ": calm run but " + std::to_string(pipeliner_->answered()) + " of " +
                        std::to_string(pipeliner_->asked()) + " pipelined requests answered");
    }
    for (const auto& a : ws_actors_) {
      if (!a->s) continue;  // its start came after the end
      check_sequence(world, a->name, a->states);
      if (calm && !a->done()) {
        world.violation(a->name + ": calm run but " + std::to_string(a->messages.size() - a->echoed) + " of " +
                        std::to_string(a->messages.size()) + " messages not echoed");
      }
    }
    for (const auto& m : server_user_->ws_messages()) {
      const bool sent = std::any_of(ws_actors_.begin(), ws_actors_.end(), [&](const auto& a) {
        return std::find(a->messages.begin(), a->messages.end(), m) != a->messages.end();
      });
      if (!sent) world.violation("the server read a ws message of " + std::to_string(m.size()) + " bytes no client sent");
    }
    // Every status a client read is one the server answers with.
    for (const auto& t : statuses_) {
      const std::string code = t.substr(t.rfind(' ') + 1);
      static const char* kAnswered[] = {"200", "400", "403", "418", "500", "404"};
      if (std::none_of(std::begin(kAnswered), std::end(kAnswered), [&](const char* c) { return code == c; })) {
        world.violation("a client read status " + code + ", which the server never answers");
      }
    }
    // What the server read of each POST is what some client sent (in order, whole).
    for (const auto& body : server_user_->echo_bodies()) {
      const bool known = std::any_of(h1_actors_.begin(), h1_actors_.end(), [&](const auto& a) {
        return a->post && body == std::string(a->post_body.begin(), a->post_body.end());
      });
      if (!known) world.violation("the server read a POST body of " + std::to_string(body.size()) + " bytes no client sent");
    }
    for (auto* c : {client_ctx_.get(), server_ctx_.get()}) {
      if (c && (c->stream_count() != 0 || c->graveyard_count() != 0)) {
        world.violation("streams left behind: " + std::to_string(c->stream_count()) + " live, " +
                        std::to_string(c->graveyard_count()) + " unreclaimed");
      }
    }
    if (!world.scheduler().idle()) world.violation("timers or work left in the scheduler");
    if (client_ctx_) client_checker_->finish(*client_ctx_);
    if (server_ctx_) server_checker_->finish(*server_ctx_);
  }

 private:
  struct H1Spec {
    bool post = false;
    Micros start_at = 0;
    std::vector<Request> requests;
  };

  struct WsSpec {
    Micros start_at = 0;
    std::size_t chunk = 0;
    std::vector<std::string> messages;
  };

  struct PipeSpec {
    Micros start_at = 0;
    std::size_t piece = 0;
    std::vector<std::size_t> sizes;
  };

  void draw_pipeliner(Rng draw) {
    if (!draw.chance(1, 2)) return;
    PipeSpec spec;
    spec.start_at = draw.between(0, millis(500));
    spec.piece = static_cast<std::size_t>(draw.between(1, 200));
    const int n = static_cast<int>(draw.between(2, 4));
    for (int i = 0; i < n; ++i) spec.sizes.push_back(static_cast<std::size_t>(draw.between(0, 20000)));
    pipe_ = spec;
  }

  // A raw client stream of `streamtype` driven by `p` (a RawActor or the
  // Pipeliner: s, states, on_state, on_rx, on_tx); it asks for tx at once
  // and is destroyed at 8 s, after every h1 actor and before the servers.
  template <class ClientActor>
  void start_raw_client(World& world, ClientActor* p, const char* streamtype, const char* tag, std::uint64_t n) {
    stream::StreamInfo info;
    info.streamtype = streamtype;
    info.on_bind = [p](Stream* s) { p->s = s; };
    info.callbacks.state = [p](stream::State st, std::uint32_t) { return p->on_state(st); };
    info.callbacks.rx = [p](std::span<const std::uint8_t> b, std::uint32_t) {
      p->on_rx(b);
      return Ret::kOk;
    };
    info.callbacks.tx = [p](std::uint32_t, std::span<std::uint8_t> b, std::size_t& l, std::uint32_t&) { return p->on_tx(b, l); };
    if (client_ctx_->create(std::move(info))) p->s->request_tx();
    world.loop().at(seconds(8), [p] {
      if (p->s && (p->states.empty() || p->states.back() != State::kDestroying)) p->s->destroy();
    }, {tag, n, "end"});
  }

  void create_pipeliner(World& world) {
    pipeliner_ = std::make_unique<server_h1::Pipeliner>(world, "pipe1", pipe_->sizes, pipe_->piece, ok_body);
    start_raw_client(world, pipeliner_.get(), "pipe", "pipe", 1);
  }

  void draw_ws_actors(Rng draw) {
    if (!draw.chance(1, 2)) return;
    const int n = static_cast<int>(draw.between(1, 3));
    for (int i = 0; i < n; ++i) {
      WsSpec spec;
      spec.start_at = draw.between(0, millis(500));
      spec.chunk = static_cast<std::size_t>(draw.between(1, 6000));
      const int count = static_cast<int>(draw.between(1, 5));
      for (int k = 0; k < count; ++k) {
        const auto size = static_cast<std::size_t>(draw.chance(1, 8) ? draw.between(0, 100000) : draw.between(0, 12000));
        std::string m(size, '\0');
        for (auto& c : m) c = static_cast<char>(draw.next_u32());
        spec.messages.push_back(std::move(m));
      }
      ws_specs_.push_back(std::move(spec));
    }
  }

  void create_ws(server_ws::WsActor* a) {
    stream::StreamInfo info;
    info.streamtype = "chat";
    info.on_bind = [a](Stream* s) { a->s = s; };
    info.callbacks.state = [a](stream::State st, std::uint32_t) { return a->on_state(st); };
    info.callbacks.rx = [a](std::span<const std::uint8_t> b, std::uint32_t f) { return a->on_rx(b, f); };
    info.callbacks.tx = [a](std::uint32_t, std::span<std::uint8_t> b, std::size_t& l, std::uint32_t& f) {
      return a->on_tx(b, l, f);
    };
    if (!client_ctx_->create(std::move(info))) {
      world_->violation(a->name + ": create failed");
      return;
    }
    a->s->client_connect();
  }

  void create(H1Actor* a) {
    stream::StreamInfo info;
    info.streamtype = a->post ? "post" : "get";
    info.on_bind = [a](Stream* s) { a->s = s; };
    info.callbacks.state = [a](stream::State st, std::uint32_t) { return a->on_state(st); };
    info.callbacks.rx = [a](std::span<const std::uint8_t> b, std::uint32_t) {
      a->rx.append(b.begin(), b.end());
      return Ret::kOk;
    };
    info.callbacks.tx = [a](std::uint32_t, std::span<std::uint8_t> b, std::size_t& l, std::uint32_t& f) {
      return a->on_tx(b, l, f);
    };
    if (!client_ctx_->create(std::move(info))) {
      world_->violation(a->name + ": create failed");
      return;
    }
    a->begin();
  }

  std::uint64_t seed_;
  WorldOptions options_;
  std::vector<H1Spec> h1_specs_;
  std::vector<WsSpec> ws_specs_;
  std::optional<PipeSpec> pipe_;
  int raw_actors_ = 0;
  FaultPlan plan_;
  std::uint32_t disconnect_one_in_ = 0;
  std::uint64_t actor_seed_ = 0;
  World* world_ = nullptr;
  std::vector<std::string> statuses_;
  std::unique_ptr<ServerUser> server_user_;
  std::vector<std::unique_ptr<H1Actor>> h1_actors_;
  std::vector<std::unique_ptr<RawActor>> raw_actors_list_;
  std::vector<std::unique_ptr<server_ws::WsActor>> ws_actors_;
  std::unique_ptr<server_h1::Pipeliner> pipeliner_;
  std::unique_ptr<EngineChecker> server_checker_, client_checker_;  // outlive their contexts
  std::unique_ptr<stream::Context> server_ctx_;
  std::unique_ptr<stream::Context> client_ctx_;  // destroyed first
  std::vector<Stream*> servers_;
};

}  // namespace

std::unique_ptr<Scenario> make_server_scenario() {
  return std::make_unique<SimpleScenario<ServerRun>>(
      "server", "h1/ws and raw server streams of this engine serving its client streams (GET, POST, statuses, "
                "keep-alive, ws upgrades and echoed messages), under faults");
}

void register_server_scenarios(ScenarioRegistry& registry) { registry.add(make_server_scenario()); }

}  // namespace ss::sim

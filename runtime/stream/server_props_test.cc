// rapidcheck state-machine test of a server stream and its accepted
// streams on the simulated world (sim/testing/server_bed.h, server.h), once
// with a raw server streamtype and once with a ws one (each client is a ws
// client stream that upgrades; the server's user answers SERVER_UPGRADE
// with change_handlers to a piece-by-piece echo, docs/protocols.md "ws
// server").
//
// Commands: a client connects, a client sends bytes, a client goes away,
// the server's user answers DISCONNECT_ME from an accepted stream's next
// rx, the server's user destroys an accepted stream (directly or from a
// foreach_client walk), time passes, the listener is destroyed. After
// every command:
//   - every accepted stream's sequence is legal under the table, starts
//     CREATING, CONNECTING, CONNECTED, never raises POLL, UNREACHABLE or
//     ALL_RETRIES_FAILED (it never retries), says DISCONNECTED before its
//     one DESTROYING, and the listener raised CREATING (and DESTROYING
//     once destroyed) only; the engines reported no violation;
//   - what each client got back is a prefix of what it sent (in order, no
//     loss in the middle, no duplicate);
//   - ws: an accepted stream raises SERVER_UPGRADE at most once, right
//     after CONNECTED, and its echo goes out only through the handlers
//     change_handlers installed;
//   - foreach_client visits exactly the accepted streams that have not
//     heard DESTROYING, once each;
// and at the end, after everything is destroyed and the loop ran dry, no
// stream, no timer is left.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/server.h"
#include "sim/testing/server_bed.h"
#include "sim/testing/server_bindings.h"
#include "sim/testing/stream_harness.h"

namespace ss::stream {
namespace {

using sim::testing::ServerBed;

std::shared_ptr<const policy::Policy> props_policy(bool ws) {
  policy::PolicyBuilder b(policy::streamtype(ws ? policy::Protocol::kWs : policy::Protocol::kRaw, "server", 80));
  b.add("srv", [](policy::Streamtype& st) {
    st.server = true;
    st.endpoint = "";
    st.ws_binary = true;  // the clients send any bytes: not UTF-8 text
  });
  b.add("cli", [](policy::Streamtype& st) {
    st.opportunistic = true;
    st.ws_binary = true;
  });
  return b.build();
}

// ws: one rx piece to echo, with its SOM/EOM.
struct Piece {
  std::string bytes;
  std::uint32_t flags = 0;
};

struct Accepted {
  Stream* s = nullptr;
  std::vector<State> states;
  std::string pending;  // to echo (raw)
  std::vector<Piece> pieces;  // to echo (ws, after the upgrade)
  bool piece_started = false;
  bool disconnect_next_rx = false;
  bool gone() const { return !states.empty() && states.back() == State::kDestroying; }
};

struct Client {
  sim::testing::Recorder rec;
  std::string sent;
  Stream* s = nullptr;
  bool destroyed() const { return rec.saw(State::kDestroying); }
};

struct Model {
  int clients = 0;
  bool listener = true;
};

// The ws echo change_handlers installs on SERVER_UPGRADE: each rx piece
// goes back as it came (split to the tx buffer, SOM on its first chunk and
// EOM on its last when the piece had them).
Callbacks ws_echo(Accepted* p) {
  Callbacks cb;
  cb.rx = [p](std::span<const std::uint8_t> b, std::uint32_t flags) {
    if (p->disconnect_next_rx) return Ret::kDisconnectMe;
    p->pieces.push_back({std::string(b.begin(), b.end()), flags});
    return p->s->request_tx();
  };
  cb.tx = [p](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (p->pieces.empty()) return Ret::kTxDontSend;
    Piece& piece = p->pieces.front();
    len = std::min(buf.size(), piece.bytes.size());
    std::copy_n(piece.bytes.begin(), len, buf.begin());
    piece.bytes.erase(0, len);
    flags = p->piece_started ? 0u : (piece.flags & kFlagSom);
    p->piece_started = true;
    if (piece.bytes.empty()) {
      flags |= piece.flags & kFlagEom;
      p->pieces.erase(p->pieces.begin());
      p->piece_started = false;
    }
    if (!p->pieces.empty()) p->s->request_tx();
    return Ret::kOk;
  };
  return cb;
}

struct Sut {
  const bool ws;
  std::vector<State> listener_states;
  std::vector<std::unique_ptr<Accepted>> accepted;
  std::vector<std::unique_ptr<Client>> clients;
  ServerBed bed;
  Stream* srv = nullptr;

  explicit Sut(bool ws_server)
      : ws(ws_server), bed(props_policy(ws_server), 77, sim::testing::register_raw_and_ws_bindings) {
    StreamInfo info;
    info.streamtype = "srv";
    info.callbacks.state = [this](stream::State s, std::uint32_t) {
      listener_states.push_back(s);
      return Ret::kOk;
    };
    info.make_accepted = [this](StreamInfo& a) {
      accepted.push_back(std::make_unique<Accepted>());
      Accepted* p = accepted.back().get();
      a.on_bind = [p](Stream* s) { p->s = s; };
      a.callbacks.state = [p](stream::State s, std::uint32_t) {
        p->states.push_back(s);
        if (s == State::kServerUpgrade) p->s->change_handlers(ws_echo(p));
        return Ret::kOk;
      };
      // raw; a ws stream's rx and tx before change_handlers would be these
      // too, and the prefix check below would see their wrong framing.
      a.callbacks.rx = [p](std::span<const std::uint8_t> b, std::uint32_t) {
        if (p->disconnect_next_rx) return Ret::kDisconnectMe;
        p->pending.append(b.begin(), b.end());
        return p->s->request_tx();
      };
      a.callbacks.tx = [p](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t&) {
        len = std::min(buf.size(), p->pending.size());
        std::copy_n(p->pending.begin(), len, buf.begin());
        p->pending.erase(0, len);
        if (!p->pending.empty()) p->s->request_tx();
        return len ? Ret::kOk : Ret::kTxDontSend;
      };
      return true;
    };
    srv = ServerBed::create(*bed.server, "srv", std::move(info));
    if (srv) srv_token = srv->weak();
  }
  ~Sut() { bed.client.reset(); }  // before the users the client streams call

  std::weak_ptr<Stream*> srv_token;
  bool listener_alive() const {
    auto t = srv_token.lock();
    return t && *t;
  }

  void check() {
    RC_ASSERT(bed.violations.empty());
    for (State s : listener_states) RC_ASSERT(s == State::kCreating || s == State::kDestroying);
    std::set<Stream*> live;
    for (const auto& a : accepted) {
      std::string why;
      RC_ASSERT(sim::testing::sequence_legal(a->states, &why));
      RC_ASSERT(a->states.size() >= 2u);
      RC_ASSERT(a->states[0] == State::kCreating);
      RC_ASSERT(a->states[1] == State::kConnecting);
      for (State s : a->states) {
        RC_ASSERT(s != State::kPoll && s != State::kUnreachable &&
                  s != State::kAllRetriesFailed && s != State::kServerTxn);
      }
      const auto upgrades = std::count(a->states.begin(), a->states.end(), State::kServerUpgrade);
      RC_ASSERT(upgrades <= (ws ? 1 : 0));
      if (upgrades) RC_ASSERT(a->states.size() >= 4u && a->states[3] == State::kServerUpgrade);
      if (a->gone()) {
        RC_ASSERT(std::count(a->states.begin(), a->states.end(), State::kDestroying) == 1);
        if (std::count(a->states.begin(), a->states.end(), State::kConnected) > 0) {
          RC_ASSERT(a->states[a->states.size() - 2] == State::kDisconnected);
        }
      } else {
        live.insert(a->s);
      }
    }
    for (const auto& c : clients) {
      const std::string got(c->rec.rx.begin(), c->rec.rx.end());
      RC_ASSERT(got.size() <= c->sent.size());
      RC_ASSERT(c->sent.compare(0, got.size(), got) == 0);
    }
    if (listener_alive()) {
      std::multiset<Stream*> seen;
      srv->foreach_client([&](Stream* s) { seen.insert(s); });
      RC_ASSERT(std::set<Stream*>(seen.begin(), seen.end()) == live);
      RC_ASSERT(seen.size() == live.size());
    }
  }
};

using Cmd = rc::state::Command<Model, Sut>;

struct ClientConnects : Cmd {
  void checkPreconditions(const Model& m) const override { RC_PRE(m.clients < 6); }
  void apply(Model& m) const override { ++m.clients; }
  void run(const Model&, Sut& sut) const override {
    sut.clients.push_back(std::make_unique<Client>());
    Client* c = sut.clients.back().get();
    StreamInfo info;
    info.streamtype = "cli";
    info.callbacks = c->rec.callbacks();
    info.on_bind = [c](Stream* s) { c->s = s; };
    RC_ASSERT(sut.bed.client->create(std::move(info)).ok());
    c->s->client_connect();
    sut.bed.run_for(millis(50));
    sut.check();
  }
  void show(std::ostream& os) const override { os << "ClientConnects"; }
};

struct ClientCmd : Cmd {
  int which = *rc::gen::inRange(0, 6);
  void checkPreconditions(const Model& m) const override { RC_PRE(which < m.clients); }
};

struct ClientSends : ClientCmd {
  std::string data = *rc::gen::container<std::string>(*rc::gen::inRange(1, 4000), rc::gen::arbitrary<char>());
  void run(const Model&, Sut& sut) const override {
    Client* c = sut.clients[static_cast<std::size_t>(which)].get();
    if (c->destroyed() || !c->s->protocol_connected()) return;
    c->rec.to_send.insert(c->rec.to_send.end(), data.begin(), data.end());
    c->sent += data;
    c->s->request_tx();
    sut.bed.run_for(millis(50));
    sut.check();
  }
  void show(std::ostream& os) const override { os << "ClientSends(" << which << ", " << data.size() << ")"; }
};

struct ClientLeaves : ClientCmd {
  void run(const Model&, Sut& sut) const override {
    Client* c = sut.clients[static_cast<std::size_t>(which)].get();
    if (!c->destroyed()) c->s->destroy();
    sut.bed.run_for(millis(50));
    sut.check();
  }
  void show(std::ostream& os) const override { os << "ClientLeaves(" << which << ")"; }
};

struct AcceptedCmd : Cmd {
  int which = *rc::gen::inRange(0, 6);
  Accepted* pick(Sut& sut) const {
    if (static_cast<std::size_t>(which) >= sut.accepted.size()) return nullptr;
    Accepted* a = sut.accepted[static_cast<std::size_t>(which)].get();
    return a->gone() ? nullptr : a;
  }
};

struct ServerDisconnectsOnNextRx : AcceptedCmd {
  void run(const Model&, Sut& sut) const override {
    if (Accepted* a = pick(sut)) a->disconnect_next_rx = true;
    sut.check();
  }
  void show(std::ostream& os) const override { os << "ServerDisconnectsOnNextRx(" << which << ")"; }
};

struct ServerDestroys : AcceptedCmd {
  bool from_walk = *rc::gen::arbitrary<bool>();
  void run(const Model&, Sut& sut) const override {
    Accepted* a = pick(sut);
    if (!a) return;
    if (from_walk && sut.listener_alive()) {
      sut.srv->foreach_client([a](Stream* s) {
        if (s == a->s) s->destroy();
      });
    } else {
      a->s->destroy();
    }
    sut.bed.run_for(millis(50));
    sut.check();
  }
  void show(std::ostream& os) const override { os << "ServerDestroys(" << which << (from_walk ? ", walk)" : ")"); }
};

struct TimePasses : Cmd {
  int ms = *rc::gen::inRange(1, 10000);
  void run(const Model&, Sut& sut) const override {
    sut.bed.run_for(millis(ms));
    sut.check();
  }
  void show(std::ostream& os) const override { os << "TimePasses(" << ms << ")"; }
};

struct ListenerDestroyed : Cmd {
  void checkPreconditions(const Model& m) const override { RC_PRE(m.listener); }
  void apply(Model& m) const override { m.listener = false; }
  void run(const Model&, Sut& sut) const override {
    sut.srv->destroy();
    sut.bed.run_for(millis(50));
    for (const auto& a : sut.accepted) RC_ASSERT(a->gone());
    sut.check();
  }
  void show(std::ostream& os) const override { os << "ListenerDestroyed"; }
};

void check_server(bool ws) {
  Model model;
  Sut sut(ws);
  RC_ASSERT(sut.srv != nullptr);
  rc::state::check(model, sut,
                   rc::state::gen::execOneOfWithArgs<ClientConnects, ClientSends, ClientLeaves,
                                                     ServerDisconnectsOnNextRx, ServerDestroys, TimePasses,
                                                     ListenerDestroyed>());
  for (const auto& c : sut.clients) {
    if (!c->destroyed()) c->s->destroy();
  }
  if (sut.listener_alive()) sut.srv->destroy();
  sut.bed.run_until_idle();
  sut.check();
  RC_ASSERT(sut.bed.world.scheduler().pending() == 0u);
  RC_ASSERT(sut.bed.server->stream_count() == 0u);
  RC_ASSERT(sut.bed.client->stream_count() == 0u);
  for (const auto& a : sut.accepted) RC_ASSERT(a->gone());
  // How often the runs got where the ws property matters (printed).
  const bool echoed = std::any_of(sut.clients.begin(), sut.clients.end(), [](const auto& c) { return !c->rec.rx.empty(); });
  RC_CLASSIFY(echoed, ws ? "ws: some echo came back" : "raw: some echo came back");
}

RC_GTEST_PROP(ServerStateMachine, AcceptedStreamsLegalInOrderNoLeak, ()) { check_server(false); }

RC_GTEST_PROP(ServerStateMachine, UpgradedWsStreamsLegalInOrderNoLeak, ()) { check_server(true); }

}  // namespace
}  // namespace ss::stream

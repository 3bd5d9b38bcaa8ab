// "stream-ws": ws streams (the stream engine and the ws binding, as in
// production) against a simulated WebSocket echo server over the faulty
// network (docs/sim.md, docs/protocols.md for the ws binding).
//
// Workload (drawn from the seed, printed by describe()): 1-4 streams, each
// its own streamtype on server "ws": nailed_up or not, opportunistic or
// not, text or binary, a retry policy (backoff table, conceal, jitter,
// sometimes validity ping / hang-up) or none, metadata sent as a header
// (X-Token) and/or expanded into the URL path (${room}), changed now and
// then. Each stream sends 1-6 messages of 0 bytes to 256 KiB, each as one
// SOM..EOM message over one or many tx() calls of a drawn size, with drawn
// pauses between them. A stream may answer DISCONNECT_ME or DESTROY_ME
// once: on its n-th CONNECTED, its n-th rx piece or its n-th tx() call.
// The server echoes in frames of a drawn size (a ping between fragments
// sometimes) and may misbehave: close with a code after N messages, cut
// TCP in the middle of an echo, refuse its first upgrades with 503 +
// Retry-After, a wrong accept key, a frame with RSV bits, TCP closed right
// after the upgrade, or one echo frame over the client's 64 KiB max_frame.
// Faults, swarm style: a random subset of the fault kinds is enabled and
// the plan draws only from it. A quarter of the seeds run over TLS. In
// 3 of 4 seeds where a stream has a validity hang-up (svalidhup), the
// server hangs for good behind its open connections at a drawn time
// (WsEchoServer::freeze; new connections are served as usual).
//
// Invariants:
//   - every state sequence is legal under the transition table; no
//     callback after DESTROYING;
//   - rx: SOM on a message's first piece, EOM on its last, neither in
//     between; a message left open only when its connection ends;
//   - what the server echoed is what the stream sent whole, in order, once;
//     what the stream received is what the server echoed, byte-exact, in
//     order, once, and on each connection a prefix of what that connection
//     echoed (a reconnect may lose the tail, never the middle); one client
//     connection maps to one server connection;
//   - metadata: the X-Attempt header (set by the user in CONNECTING) names
//     an attempt that had started, and no two requests name the same one;
//     X-Token and the ${room} path segment equal a value the user had set
//     at some time between that attempt's CONNECTING and the server reading
//     the upgrade request;
//   - DISCONNECT_ME -> DISCONNECTED next, then (not opportunistic) POLL or
//     CONNECTING no sooner than the first backoff, or ALL_RETRIES_FAILED
//     with no retry policy; (opportunistic) no CONNECTING before the user
//     asks again. DESTROY_ME -> [DISCONNECTED] DESTROYING at once, nothing
//     after;
//   - calm run (no faults, no buggify, well-behaved server, no answers):
//     every message comes back;
//   - liveness: once the faults have healed, a non-opportunistic stream
//     with a retry policy that is down is CONNECTED again within
//     max(transport, protocol deadline) + the largest jittered backoff
//     (+ Retry-After waits of refused upgrades) + 1 s, unless it gave up
//     (ALL_RETRIES_FAILED) or was destroyed first;
//   - a hung server is given up: a stream with svalidhup is not CONNECTED
//     on the frozen connection svalidhup + 3 s after the freeze (the
//     binding checks its silence once a second; 2 s more for bytes still on
//     their way, a stall fault's included);
//   - never CONNECTED to a server whose 101 has a wrong Sec-WebSocket-Accept,
//     or (a tenth of the seeds with a well-behaved server, from a fork of
//     their own) lacks the subprotocol the streams ask for;
//   - nothing is left: stream_count() == 0 and no unreclaimed stream after
//     the last destroy, and the run comes to rest (no timer left).
#include "sim/scenarios/stream_ws/ws_scenario.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/http/http_message.h"
#include "runtime/stream/state_table.h"
#include "sim/peers/ws_echo_server.h"
#include "sim/testing/stream_actor.h"
#include "sim/testing/stream_run.h"

namespace ss::sim {
namespace {

using peers::WsEchoOptions;
using peers::WsFault;
using stream::Ret;
using stream::State;

constexpr std::size_t kClientMaxFrame = 64 * 1024;  // proto::ws::Options default
constexpr std::string_view kForeignSubprotocol = "lws-other";  // no server speaks it

const char* ws_fault_name(WsFault f) {
  switch (f) {
    case WsFault::kNone: return "none";
    case WsFault::kWrongAccept: return "wrong-accept";
    case WsFault::kRefuse: return "refuse";
    case WsFault::kDropAfterOpen: return "drop-after-open";
    case WsFault::kBadFrame: return "bad-frame";
    case WsFault::kCloseMidMessage: return "close-mid-message";
  }
  return "?";
}

enum class Answer { kNone, kDisconnect, kDestroy };
enum class AnswerAt { kConnected, kRx, kTx };

using Msg = testing::TxMessage;

struct StreamSpec {
  std::vector<Msg> msgs;
  bool nailed_up = false;
  bool opportunistic = false;
  bool binary = false;
  bool has_retry = true;
  policy::RetryPolicy retry;
  bool md_header = false;  // X-Token header from metadata "token"
  bool md_path = false;    // ${room} in the URL path
  std::vector<Micros> md_changes;  // when the user sets new token/room values
  Answer answer = Answer::kNone;
  AnswerAt answer_at = AnswerAt::kConnected;
  int answer_n = 1;
  Micros repoll_gap = 0;  // opportunistic: request_tx this long after DISCONNECTED
  Micros start_at = 0;
  Micros end_at = 0;
};

// Message m of a stream: "<letter m>s<stream>m<m>;" (cut to len), then a
// pattern. The first byte tells a stream's messages apart, so only an empty
// one is like another (a stream has at most one): the checks can match what
// came back to what went out without ambiguity.
std::string message_bytes(std::size_t stream, std::size_t m, std::size_t len, bool binary) {
  const std::string head =
      std::string(1, static_cast<char>('A' + m)) + "s" + std::to_string(stream) + "m" + std::to_string(m) + ";";
  std::string s(len, '\0');
  for (std::size_t k = 0; k < len; ++k) {
    const std::size_t v = stream * 7 + m * 13 + k * (k % 7 + 1);
    s[k] = k < head.size() ? head[k] : binary ? static_cast<char>(v & 0xff) : static_cast<char>('a' + v % 26);
  }
  return s;
}

struct Actor : testing::StreamActorBase<StreamSpec> {
  std::vector<Micros> connecting_at;  // attempt k (1-based) began at [k-1]
  int arf = 0;
  // tx
  std::size_t next_msg = 0;
  std::size_t offset = 0;
  Micros ready_at = 0;
  bool kick_pending = false;
  std::vector<std::size_t> sent;  // messages whose EOM went out, in order
  // rx
  int epoch = 0;  // CONNECTED count
  std::string cur;
  bool cur_open = false;
  std::vector<std::pair<std::string, int>> received;  // whole messages, epoch
  std::vector<std::string> partials;  // cut by a connection's end
  // answers
  int connected_n = 0, rx_n = 0, tx_n = 0;
  bool answered = false;
  std::size_t answered_states = 0;  // states.size() when answered
  Micros answered_time = 0;
  // metadata values set over time: (time, value)
  std::vector<std::pair<Micros, std::string>> tokens, rooms;

  bool more_to_send() const { return next_msg < spec.msgs.size(); }

  Ret answer_now() {
    answered = true;
    answered_states = states.size();
    answered_time = world->now();
    return spec.answer == Answer::kDestroy ? Ret::kDestroyMe : Ret::kDisconnectMe;
  }
  bool answer_due(AnswerAt where, int& counter) {
    return spec.answer != Answer::kNone && !answered && spec.answer_at == where && ++counter == spec.answer_n;
  }

  void after_gone(const char* what) { world->violation(name + ": " + what + " callback after DESTROYING"); }

  void set_md(std::size_t k) {
    if (!s) return;
    if (spec.md_header) {
      const std::string v = "t" + std::to_string(k);
      if (Error e = s->set_metadata("token", v); !e.ok()) world->violation(name + ": set token: " + e.message());
      tokens.emplace_back(world->now(), v);
    }
    if (spec.md_path) {
      const std::string v = "r" + std::to_string(k);
      if (Error e = s->set_metadata("room", v); !e.ok()) world->violation(name + ": set room: " + e.message());
      rooms.emplace_back(world->now(), v);
    }
  }

  void kick() {
    if (s && more_to_send()) s->request_tx();
  }

  Ret on_state(State st, std::uint32_t) {
    if (!record_state(st)) return Ret::kOk;
    switch (st) {
      case State::kConnecting:
        connecting_at.push_back(world->now());
        if (s) {
          if (Error e = s->set_metadata("attempt", std::to_string(connecting_at.size())); !e.ok())
            world->violation(name + ": set attempt: " + e.message());
        }
        break;
      case State::kConnected:
        connected = true;
        ++epoch;
        cur.clear();
        cur_open = false;
        kick();
        if (answer_due(AnswerAt::kConnected, connected_n)) return answer_now();
        break;
      case State::kDisconnected:
        connected = false;
        if (cur_open) partials.push_back(cur);
        cur.clear();
        cur_open = false;
        offset = 0;  // a message cut short goes again, from SOM, on the next connection
        if (spec.opportunistic && more_to_send())
          world->loop().after(spec.repoll_gap, [this] { kick(); }, {"stream", ordinal, "repoll"});
        break;
      case State::kAllRetriesFailed:
        ++arf;
        break;
      default:
        break;
    }
    return Ret::kOk;
  }

  Ret on_rx(std::span<const std::uint8_t> b, std::uint32_t flags) {
    if (gone) {
      after_gone("rx");
      return Ret::kOk;
    }
    if (flags & stream::kFlagSom) {
      if (cur_open) world->violation(name + ": SOM while a message is open (" + std::to_string(cur.size()) + " bytes)");
      cur.clear();
      cur_open = true;
    } else if (!cur_open) {
      world->violation(name + ": a piece without SOM and no message open");
      cur_open = true;
    }
    cur.append(b.begin(), b.end());
    if (flags & stream::kFlagEom) {
      received.emplace_back(std::move(cur), epoch);
      cur.clear();
      cur_open = false;
    }
    if (answer_due(AnswerAt::kRx, rx_n)) return answer_now();
    return Ret::kOk;
  }

  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (gone) {
      after_gone("tx");
      return Ret::kTxDontSend;
    }
    if (!more_to_send()) return Ret::kTxDontSend;
    if (offset == 0 && world->now() < ready_at) {
      if (!kick_pending) {
        kick_pending = true;
        world->loop().at(ready_at, [this] {
          kick_pending = false;
          // Only on a live connection: an idle opportunistic stream waits
          // for its repoll (check_answer counts on that).
          if (connected) kick();
        }, {"stream", ordinal, "ready"});
      }
      return Ret::kTxDontSend;
    }
    if (answer_due(AnswerAt::kTx, tx_n)) {
      len = 0;
      return answer_now();  // this chunk is not sent: nothing advances
    }
    const Msg& m = spec.msgs[next_msg];
    if (testing::next_chunk(m.bytes, m.chunk, offset, buf, len, flags)) {
      sent.push_back(next_msg);
      ++next_msg;
      if (more_to_send()) ready_at = world->now() + spec.msgs[next_msg].gap;
    }
    if (more_to_send() && s) s->request_tx();
    return Ret::kOk;
  }
};

// Values of a metadata history current at some time in [from, to].
std::vector<std::string> values_between(const std::vector<std::pair<Micros, std::string>>& h, Micros from, Micros to) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const Micros set_at = h[i].first;
    const Micros until = i + 1 < h.size() ? h[i + 1].first : to + 1;
    if (set_at <= to && until >= from) out.push_back(h[i].second);
  }
  return out;
}

class WsRun final : public testing::StreamRun<peers::WsEchoServer, Actor> {
 public:
  explicit WsRun(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x77737374);  // "wsst"
    draw_world(seed, draw, 8192);
    const int n = static_cast<int>(draw.between(1, 4));
    std::size_t biggest = 0;
    for (int i = 0; i < n; ++i) {
      StreamSpec s;
      s.binary = draw.chance(1, 2);
      const int msgs = static_cast<int>(draw.between(1, 6));
      Micros busy = 0;
      bool has_empty = false;
      for (int m = 0; m < msgs; ++m) {
        Msg msg;
        const auto band = draw.below(10);
        std::size_t len = band < 4   ? draw.between(0, 64)
                          : band < 7 ? draw.between(65, 4096)
                          : band < 9 ? draw.between(4097, 64 * 1024)
                                     : draw.between(64 * 1024 + 1, 256 * 1024);
        if (draw.chance(1, 10)) len = 0;
        if (len == 0 && has_empty) len = 1;  // at most one empty message (see message_bytes)
        has_empty = has_empty || len == 0;
        msg.bytes = message_bytes(static_cast<std::size_t>(i + 1), static_cast<std::size_t>(m + 1), len, s.binary);
        msg.chunk = draw.chance(1, 3) ? 1540 : static_cast<std::size_t>(draw.between(1, 1540));
        if (msg.chunk < 64 && len > 8192) msg.chunk = 64;  // keep the tx() count sane
        msg.gap = draw.chance(1, 3) ? 0 : draw.between(0, millis(400));
        busy += msg.gap;
        biggest = std::max(biggest, len);
        s.msgs.push_back(std::move(msg));
      }
      s.nailed_up = draw.chance(1, 4);
      s.opportunistic = draw.chance(1, 3);
      s.has_retry = draw.chance(5, 6);
      s.retry = testing::draw_retry_policy(draw, static_cast<std::size_t>(i), 4);
      s.md_header = draw.chance(1, 2);
      s.md_path = draw.chance(1, 2);
      s.start_at = draw.between(0, millis(500));
      s.end_at = s.start_at + busy + draw.between(seconds(4), seconds(18));
      if (s.md_header || s.md_path) {
        const int changes = static_cast<int>(draw.between(0, 3));
        for (int c = 0; c < changes; ++c) s.md_changes.push_back(draw.between(s.start_at, s.end_at - 1));
        std::sort(s.md_changes.begin(), s.md_changes.end());
      }
      if (draw.chance(1, 3)) {
        s.answer = draw.chance(1, 3) ? Answer::kDestroy : Answer::kDisconnect;
        s.answer_at = static_cast<AnswerAt>(draw.below(3));
        s.answer_n = static_cast<int>(draw.between(1, 4));
      }
      s.repoll_gap = draw.between(0, millis(1000));
      specs_.push_back(std::move(s));
    }
    // The server: echo framing, then now and then one misbehaviour.
    auto& o = server_opts_;
    if (biggest > kClientMaxFrame || draw.chance(1, 2)) {
      const auto band = draw.below(4);
      o.echo_frame = band == 0   ? draw.between(biggest > 8192 ? 512 : 1, 2000)
                     : band == 1 ? draw.between(2001, 16384)
                                 : draw.between(16385, kClientMaxFrame);
      o.ping_between = draw.chance(1, 4);
    }
    o.ping_on_open = draw.chance(1, 4);
    if (draw.chance(1, 4)) {
      switch (draw.below(7)) {
        case 0:
          o.close_after = draw.between(1, 4);
          o.close_code = std::array<std::uint16_t, 4>{1000, 1001, 1011, 4000}[draw.below(4)];
          break;
        case 1:
          o.fault = WsFault::kCloseMidMessage;
          o.close_after = draw.between(1, 4);
          break;
        case 2:
          o.fault = WsFault::kRefuse;
          o.refuse_first = draw.between(1, 2);
          o.refuse_status = draw.chance(1, 2) ? 503 : 429;
          if (draw.chance(2, 3)) o.retry_after = 1u;
          break;
        case 3: o.fault = WsFault::kWrongAccept; break;
        case 4: o.fault = WsFault::kBadFrame; break;
        case 5: o.fault = WsFault::kDropAfterOpen; break;
        case 6:
          oversize_ = true;  // one frame per echo: any message over 64 KiB breaks the client's max_frame
          o.echo_frame = 0;
          o.ping_between = false;
          specs_[0].msgs[0].bytes = message_bytes(1, 1, draw.between(kClientMaxFrame + 1, 128 * 1024), specs_[0].binary);
          break;
      }
    }
    if (draw.chance(1, 3)) o.subprotocol = "lws-echo";
    // Faults, swarm style: only a random subset of the kinds is in play.
    FaultPlan plan;
    if (draw.chance(2, 3)) {
      std::vector<FaultKind> kinds;
      for (int k = 0; k < 11; ++k)
        if (draw.chance(1, 2)) kinds.push_back(static_cast<FaultKind>(k));
      const int actions = kinds.empty() ? 0 : static_cast<int>(draw.between(1, 5));
      for (int a = 0; a < actions; ++a) {
        FaultAction f;
        f.at = draw.between(0, seconds(4));
        f.kind = kinds[draw.below(kinds.size())];
        f.duration = draw.between(1, millis(1500));
        switch (f.kind) {
          case FaultKind::kRefuse:
          case FaultKind::kBlackhole:
          case FaultKind::kListenerRestart:
            f.host = "ws";
            f.endpoint = Endpoint::tcp("0.0.0.0", 80);
            break;
          case FaultKind::kDnsNxdomain:
          case FaultKind::kDnsTimeout:
            f.name = "ws";
            break;
          case FaultKind::kClog:
          case FaultKind::kPartitionOneWay:
          case FaultKind::kPartitionTwoWay: {
            const bool from_server = draw.chance(1, 2);
            f.host = from_server ? "ws" : "client";
            f.peer_host = from_server ? "client" : "ws";
            break;
          }
          default:
            break;
        }
        plan.actions.push_back(std::move(f));
      }
      std::stable_sort(plan.actions.begin(), plan.actions.end(),
                       [](const FaultAction& x, const FaultAction& y) { return x.at < y.at; });
    }
    set_plan(std::move(plan));
    tls_ = draw.chance(1, 4);
    // Drawn from its own fork, so the draws above stay what they were. Only
    // when some stream hangs up on silence: nothing else finds a server
    // that says nothing behind an open connection.
    Rng freeze_draw = rng.fork(0x667265657a65);  // "freeze"
    // Half the streams that ping without a hang-up get one too (a ping
    // alone never gives a silent server up: docs/protocols.md "ws").
    for (auto& s : specs_)
      if (s.has_retry && s.retry.secs_since_valid_ping && !s.retry.secs_since_valid_hangup && freeze_draw.chance(1, 2))
        s.retry.secs_since_valid_hangup = static_cast<std::uint16_t>(s.retry.secs_since_valid_ping + freeze_draw.between(2, 4));
    const bool some_hup = std::any_of(specs_.begin(), specs_.end(), [](const StreamSpec& s) {
      return s.has_retry && s.retry.secs_since_valid_hangup > 0;
    });
    if (some_hup && freeze_draw.chance(3, 4)) freeze_at_ = freeze_draw.between(seconds(1), seconds(5));
    // Its own fork too: now and then the streams ask for a subprotocol the
    // server does not speak. Its 101 then names none, and the server must
    // echo exactly the one asked (docs/protocols.md "ws"): no handshake
    // succeeds, no stream is ever CONNECTED.
    Rng subprotocol_draw = rng.fork(0x73756270726f);  // "subpro"
    foreign_subprotocol_ = server_opts_.fault == WsFault::kNone && subprotocol_draw.chance(1, 10);
  }

  void start(World& world) override {
    auto pol = std::make_shared<policy::Policy>();
    // As stream-h1: real OpenSSL made replayable (seeded randomness, verify
    // time on the simulated clock, docs/tls.md), a PKI per run.
    start_server(world, {.name = "ws", .ip = "10.4.0.1", .port = 80, .ca_name = "ws-ca", .what = "ws server"},
                 server_opts_, *pol);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& spec = specs_[i];
      Actor& a = add_actor(i, spec);
      if (!spec.msgs.empty()) a.ready_at = spec.start_at + spec.msgs[0].gap;
      policy::Streamtype st = policy::streamtype("ws-" + std::to_string(i + 1), policy::Protocol::kWs, "ws", 80);
      st.http_url = "s" + std::to_string(i + 1) + (spec.md_path ? "/${room}" : "");
      st.opportunistic = spec.opportunistic;
      st.nailed_up = spec.nailed_up;
      st.ws_binary = spec.binary;
      st.ws_subprotocol = foreign_subprotocol_ ? std::string(kForeignSubprotocol) : server_opts_.subprotocol;
      st.metadata.push_back({"attempt", "X-Attempt:"});
      if (spec.md_header) st.metadata.push_back({"token", "X-Token:"});
      if (spec.md_path) st.metadata.push_back({"room", ""});
      testing::add_streamtype(*pol, std::move(st), tls_, spec.has_retry, spec.retry);
    }
    make_context(pol, 0x5753, proto::ws::register_ws_binding, /*check_engine=*/false);
    for (auto& up : actors_) {
      Actor* a = up.get();
      world.loop().at(a->spec.start_at, [this, a] { create(a); }, {"stream", a->ordinal, "start"});
      for (std::size_t k = 0; k < a->spec.md_changes.size(); ++k)
        world.loop().at(a->spec.md_changes[k], [a, k] { a->set_md(k + 1); }, {"stream", a->ordinal, "metadata change"});
      world.loop().at(a->spec.end_at, [a] {
        if (a->s && !a->s->destroyed()) a->s->destroy();
      }, {"stream", a->ordinal, "end"});
    }
    world.install(plan_);
    if (freeze_at_) world.loop().at(freeze_at_, [this] { peer_->freeze(); }, {"server", 0, "freeze"});
  }

 private:
  std::string describe_workload() const override {
    const auto& o = server_opts_;
    std::string out;
    out += std::string("server ws (10.4.0.1:80)") + (tls_ ? " TLS" : "") + ": echo_frame=" +
           (o.echo_frame ? std::to_string(o.echo_frame) : "whole") + (o.ping_between ? " ping-between" : "") +
           (o.ping_on_open ? " ping-on-open" : "") + " fault=" + ws_fault_name(o.fault) +
           (o.close_after ? " close_after=" + std::to_string(o.close_after) + " code=" + std::to_string(o.close_code)
                          : "") +
           (o.fault == WsFault::kRefuse ? " refuse_first=" + std::to_string(o.refuse_first) + " status=" +
                                              std::to_string(o.refuse_status) +
                                              (o.retry_after ? " retry-after=1" : "")
                                        : "") +
           (oversize_ ? " oversize-frame" : "") + (o.subprotocol.empty() ? "" : " subprotocol=" + o.subprotocol) +
           (foreign_subprotocol_ ? " streams-ask-subprotocol=" + std::string(kForeignSubprotocol) : "") +
           (freeze_at_ ? " freezes at " + std::to_string(freeze_at_) + "us (hangs behind its open connections)" : "") +
           "\nstreams:\n";
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& s = specs_[i];
      out += "  stream" + std::to_string(i + 1) + (s.binary ? " binary" : " text") +
             (s.nailed_up ? " nailed_up" : "") + (s.opportunistic ? " opportunistic" : "");
      out += testing::describe_retry(s.has_retry, s.retry);
      out += std::string(s.md_header ? " md=X-Token" : "") + (s.md_path ? " md=${room}-in-path" : "");
      for (Micros t : s.md_changes) out += " md-change@" + std::to_string(t) + "us";
      if (s.answer != Answer::kNone) {
        const char* at[] = {"CONNECTED", "rx", "tx"};
        out += std::string(s.answer == Answer::kDestroy ? " DESTROY_ME" : " DISCONNECT_ME") + " on " +
               at[static_cast<int>(s.answer_at)] + " #" + std::to_string(s.answer_n);
      }
      out += " repoll=" + std::to_string(s.repoll_gap) + "us start=" + std::to_string(s.start_at) +
             "us end=" + std::to_string(s.end_at) + "us\n" + testing::describe_messages(s.msgs);
    }
    return out;
  }

  bool calm() const {
    return plan_.actions.empty() && !options_.buggify && server_opts_.fault == WsFault::kNone &&
           server_opts_.close_after == 0 && !oversize_ && freeze_at_ == 0 && !foreign_subprotocol_;
  }

  // The engine closes with 1000 (docs/protocols.md "ws"); otherwise it only
  // answers a server's close with the server's code (its own, or 1009 for
  // a message over the server's limit). A server that breaks the protocol
  // may hear a protocol error's code instead.
  void check_run(World& world) override {
    if (server_opts_.fault != WsFault::kNone || oversize_) return;
    for (std::uint16_t code : peer_->close_codes()) {
      if (code == 1000 || code == 1009 || (server_opts_.close_after && code == server_opts_.close_code)) continue;
      world.violation("a client closed with code " + std::to_string(code) +
                      ": the engine closes with 1000 or echoes the server's code");
    }
  }

  void check_stream(World& world, const Actor& a) override {
    const auto& records = peer_->connections();
    check_answer(world, a);
    check_messages(world, a, records);
    check_metadata(world, a, records);
    check_liveness(world, a);
    check_hung_server_given_up(world, a);
    // A 101 whose Sec-WebSocket-Accept is not the one for our key is no
    // WebSocket answer (RFC 6455 §4.1, docs/protocols.md): the handshake
    // fails every time, so the stream is never CONNECTED.
    // The same for a 101 without the subprotocol the stream asked for.
    if ((server_opts_.fault == WsFault::kWrongAccept || foreign_subprotocol_) &&
        std::any_of(a.states.begin(), a.states.end(), [](const auto& e) { return e.second == State::kConnected; }))
      world.violation(a.name + (foreign_subprotocol_ ? ": CONNECTED although the server's 101 names no subprotocol"
                                                     : ": CONNECTED to a server whose 101 has a wrong Sec-WebSocket-Accept"));
    const auto& s = a.spec;
    // Echoes, pings and pongs are all valid traffic (svalidping/svalidhup,
    // docs/protocols.md): the server answers every ping, so in a calm run
    // no stream hangs up for silence and each keeps the one connection it
    // opened.
    if (calm() && s.answer == Answer::kNone) {
      std::size_t conns = 0;
      for (const auto& r : records) conns += belongs(r, a.ordinal) ? 1 : 0;
      if (conns > 1)
        world.violation(a.name + ": calm run, " + std::to_string(conns) +
                        " server connections (the stream let one go while the server answered)");
    }
    if (calm() && s.answer == Answer::kNone && (a.sent.size() != s.msgs.size() || a.received.size() != s.msgs.size()))
      world.violation(a.name + ": calm run, " + std::to_string(s.msgs.size()) + " messages, " +
                      std::to_string(a.sent.size()) + " sent whole, " + std::to_string(a.received.size()) +
                      " came back");
  }

  void create(Actor* a) {
    stream::StreamInfo info = testing::actor_stream_info("ws-" + std::to_string(a->ordinal), a);
    info.on_bind = [a](stream::Stream* s) {
      a->s = s;
      a->set_md(0);  // before CREATING: a nailed_up stream connects at once
    };
    if (create_stream(a, std::move(info))) a->kick();
  }

  void check_answer(World& world, const Actor& a) {
    if (!a.answered) return;
    const auto& s = a.spec;
    std::vector<std::pair<Micros, State>> after(a.states.begin() + static_cast<std::ptrdiff_t>(a.answered_states),
                                              a.states.end());
    const State disc = State::kDisconnected, destr = State::kDestroying;
    const std::string what = s.answer == Answer::kDestroy ? "DESTROY_ME" : "DISCONNECT_ME";
    auto seq = [&] {
      std::string out;
      for (const auto& p : after) out += std::string(" ") + stream::state_name(p.second);
      return out;
    };
    if (s.answer == Answer::kDestroy) {
      // Every answer is given while connected: DISCONNECTED, then DESTROYING, at once.
      if (after.size() != 2 || after[0].second != disc || after[1].second != destr ||
          after[1].first != a.answered_time)
        world.violation(a.name + ": " + what + " then" + seq() + " (want DISCONNECTED DESTROYING at once)");
      return;
    }
    if (after.empty() || after[0].second != disc || after[0].first != a.answered_time) {
      world.violation(a.name + ": " + what + " then" + seq() + " (want DISCONNECTED at once)");
      return;
    }
    const Micros disc_at = after[0].first;
    if (after.size() < 2 || after[1].second == destr) return;  // destroyed before anything else
    const State next = after[1].second;
    if (s.opportunistic) {
      for (const auto& p : after)
        if (p.second == State::kConnecting && p.first < disc_at + s.repoll_gap)
          world.violation(a.name + ": opportunistic, " + what + ", yet CONNECTING " +
                          std::to_string(p.first - disc_at) + " us later, before the user asked again");
      return;
    }
    if (!s.has_retry) {
      if (next != State::kAllRetriesFailed)
        world.violation(a.name + ": " + what + " with no retry policy, then" + seq() +
                        " (want ALL_RETRIES_FAILED)");
      return;
    }
    if (next != State::kPoll && next != State::kConnecting)
      world.violation(a.name + ": " + what + " not opportunistic, then" + seq() + " (want a reconnect)");
    const Micros min_gap = millis(s.retry.backoff_ms[0]);
    for (const auto& p : after)
      if (p.second == State::kConnecting) {
        if (p.first - disc_at < min_gap)
          world.violation(a.name + ": reconnect " + std::to_string(p.first - disc_at) + " us after " + what +
                          ", under the first backoff of " + std::to_string(min_gap) + " us");
        break;
      }
  }

  static bool belongs(const peers::WsConnRecord& r, std::size_t idx) {
    const std::string p = "/s" + std::to_string(idx);
    return r.target == p || r.target.rfind(p + "/", 0) == 0;
  }

  void check_messages(World& world, const Actor& a, const std::vector<peers::WsConnRecord>& records) {
    // E: what the server echoed for this stream, connection by connection.
    std::vector<const std::string*> echoed;
    std::vector<std::size_t> block;  // E index -> server connection
    for (std::size_t c = 0; c < records.size(); ++c) {
      if (!belongs(records[c], a.ordinal)) continue;
      // ws_binary decides the opcode of every message (docs/protocols.md).
      const std::size_t text = records[c].text_messages, all = records[c].echoed.size();
      if (text != (a.spec.binary ? 0 : all))
        world.violation(a.name + ": a " + (a.spec.binary ? "binary" : "text") + " streamtype sent " +
                        std::to_string(text) + " of " + std::to_string(all) + " messages as text");
      for (const auto& m : records[c].echoed) {
        echoed.push_back(&m);
        block.push_back(c);
      }
    }
    // E must be what the stream sent whole, in order, each once.
    std::size_t k = 0;
    for (std::size_t e = 0; e < echoed.size(); ++e) {
      while (k < a.sent.size() && a.spec.msgs[a.sent[k]].bytes != *echoed[e]) ++k;
      if (k == a.sent.size()) {
        world.violation(a.name + ": the server echoed a " + std::to_string(echoed[e]->size()) +
                        "-byte message #" + std::to_string(e + 1) +
                        " that is not the next one the stream sent whole (corrupt, repeated or reordered)");
        break;
      }
      ++k;
    }
    // R must be E's messages, in order, each once; per server connection a prefix.
    std::size_t e = 0;
    std::map<std::size_t, std::size_t> got_in_block;  // connection -> messages received from it
    std::map<int, std::size_t> epoch_block;
    std::map<std::size_t, int> block_epoch;
    for (std::size_t r = 0; r < a.received.size(); ++r) {
      const auto& [bytes, ep] = a.received[r];
      // A new client connection is a later server connection.
      if (r > 0 && ep != a.received[r - 1].second)
        while (e < echoed.size() && block[e] == block[e - 1]) ++e;
      while (e < echoed.size() && *echoed[e] != bytes) ++e;
      if (e == echoed.size()) {
        world.violation(a.name + ": received message #" + std::to_string(r + 1) + " (" +
                        std::to_string(bytes.size()) +
                        " bytes) is not the next one the server echoed (corrupt, repeated or reordered)");
        return;
      }
      const std::size_t b = block[e];
      const std::size_t first_of_block =
          static_cast<std::size_t>(std::find(block.begin(), block.end(), b) - block.begin());
      if (e != first_of_block + got_in_block[b]++)
        world.violation(a.name + ": received message #" + std::to_string(r + 1) +
                        " but not the one the same connection echoed before it (lost in the middle)");
      if (auto it = epoch_block.find(ep); it != epoch_block.end() && it->second != b)
        world.violation(a.name + ": one client connection got echoes of two server connections");
      if (auto it = block_epoch.find(b); it != block_epoch.end() && it->second != ep)
        world.violation(a.name + ": echoes of one server connection arrived on two client connections");
      epoch_block[ep] = b;
      block_epoch[b] = ep;
      ++e;
    }
    for (const auto& p : a.partials) {
      bool ok = false;
      for (const auto& m : a.spec.msgs) ok = ok || m.bytes.compare(0, p.size(), p) == 0;
      if (!ok)
        world.violation(a.name + ": a message cut by the connection's end (" + std::to_string(p.size()) +
                        " bytes) is not the start of any message sent");
    }
  }

  void check_metadata(World& world, const Actor& a, const std::vector<peers::WsConnRecord>& records) {
    std::map<std::size_t, int> attempts_seen;  // each attempt is one connection: a number comes once
    for (const auto& r : records) {
      if (!belongs(r, a.ordinal) || r.at == 0) continue;
      auto attempt = proto::h1::find_header(r.headers, "x-attempt");
      const std::size_t k = attempt ? std::strtoull(std::string(*attempt).c_str(), nullptr, 10) : 0;
      if (k == 0 || k > a.connecting_at.size() || a.connecting_at[k - 1] > r.at) {
        world.violation(a.name + ": upgrade request with X-Attempt '" + std::string(attempt.value_or("")) +
                        "' that names no attempt begun by then");
        continue;
      }
      if (++attempts_seen[k] == 2)
        world.violation(a.name + ": two upgrade requests say X-Attempt " + std::to_string(k) +
                        " (metadata set in CONNECTING did not reach the request)");
      const Micros from = a.connecting_at[k - 1];
      auto check = [&](const char* what, std::optional<std::string_view> seen,
                       const std::vector<std::pair<Micros, std::string>>& history) {
        const auto ok = values_between(history, from, r.at);
        if (!seen || std::find(ok.begin(), ok.end(), *seen) == ok.end())
          world.violation(a.name + ": attempt " + std::to_string(k) + " sent " + what + " '" +
                          std::string(seen.value_or("(none)")) + "', not a value set between its CONNECTING and " +
                          "the server reading it");
      };
      if (a.spec.md_header) check("X-Token", proto::h1::find_header(r.headers, "x-token"), a.tokens);
      else if (proto::h1::find_header(r.headers, "x-token")) world.violation(a.name + ": X-Token sent, none declared");
      if (a.spec.md_path) {
        const std::string prefix = "/s" + std::to_string(a.ordinal) + "/";
        std::optional<std::string_view> room;
        if (r.target.rfind(prefix, 0) == 0) room = std::string_view(r.target).substr(prefix.size());
        check("path room", room, a.rooms);
      } else if (r.target != "/s" + std::to_string(a.ordinal)) {
        world.violation(a.name + ": request target " + r.target);
      }
    }
  }

  void check_hung_server_given_up(World& world, const Actor& a) {
    const auto& s = a.spec;
    if (!freeze_at_ || !s.has_retry || s.retry.secs_since_valid_hangup == 0) return;
    const Micros until = freeze_at_ + seconds(s.retry.secs_since_valid_hangup) + seconds(3);
    if (a.connected_through(freeze_at_, until))
      world.violation(a.name + ": still CONNECTED at " + std::to_string(until) + " us on the connection of a server hung at " +
                      std::to_string(freeze_at_) + " us (svalidhup " + std::to_string(s.retry.secs_since_valid_hangup) +
                      " s must hang up)");
  }

  // Down from creation or a DISCONNECTED/UNREACHABLE until the next
  // CONNECTED; after the faults heal, each down spell must end in time.
  void check_liveness(World& world, const Actor& a) {
    const auto& s = a.spec;
    if (s.opportunistic || !s.has_retry) return;
    const auto& o = server_opts_;
    if (o.fault == WsFault::kWrongAccept || (o.fault == WsFault::kRefuse && o.refuse_first == 0) || foreign_subprotocol_)
      return;
    const Micros jittered = testing::largest_jittered_backoff(s.retry);
    Micros bound = std::max(deadlines_.transport, deadlines_.protocol) + jittered + seconds(1);
    if (o.fault == WsFault::kRefuse)
      bound += static_cast<Micros>(o.refuse_first) * (jittered + seconds(o.retry_after.value_or(0)) + seconds(1));
    const Micros destroyed_at = a.states.back().first;
    // A flag beside the time, not std::optional: gcc 12 at -O2 calls the
    // optional's value maybe-uninitialized here (-Werror in -c opt builds).
    bool down = true;
    Micros down_since = a.states.front().first;
    for (const auto& [t, st] : a.states) {
      if (st == State::kAllRetriesFailed) return;  // gave up: nothing more is due
      if (st == State::kConnected) {
        if (down) {
          const Micros deadline = std::max(down_since, healed_at_) + bound;
          if (t > deadline)
            world.violation(a.name + ": down since " + std::to_string(down_since) + " us, faults healed at " +
                            std::to_string(healed_at_) + " us, CONNECTED only at " + std::to_string(t) +
                            " us (bound " + std::to_string(bound) + " us)");
        }
        down = false;
      } else if ((st == State::kDisconnected || st == State::kUnreachable) && !down) {
        down = true;
        down_since = t;
      }
    }
    if (down && std::max(down_since, healed_at_) + bound < destroyed_at)
      world.violation(a.name + ": down since " + std::to_string(down_since) + " us, faults healed at " +
                      std::to_string(healed_at_) + " us, never CONNECTED again before its destroy at " +
                      std::to_string(destroyed_at) + " us (bound " + std::to_string(bound) + " us)");
  }

  std::vector<StreamSpec> specs_;
  WsEchoOptions server_opts_;
  bool oversize_ = false;
  Micros freeze_at_ = 0;  // the server hangs (0: never)
  bool foreign_subprotocol_ = false;  // the streams ask for kForeignSubprotocol
};

}  // namespace

std::unique_ptr<Scenario> make_stream_ws_scenario() {
  return std::make_unique<SimpleScenario<WsRun>>(
      "stream-ws",
      "ws streams vs a simulated echo server (fragmented echoes, pings, closes, refusals, oversize frames, "
      "DISCONNECT_ME/DESTROY_ME answers, metadata in headers and path, TLS, swarm faults)");
}

void register_stream_ws_scenarios(ScenarioRegistry& registry) { registry.add(make_stream_ws_scenario()); }

}  // namespace ss::sim

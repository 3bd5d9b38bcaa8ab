// "stream-h1": h1 GET streams (the stream engine and the h1 binding, as in
// production) against a simulated HTTP/1.1 server over the faulty network.
//
// Workload (drawn from the seed, printed by describe()): 1-3 streams, each
// with its own route on server "web": a status (200 mostly; 404; 503 or 429
// with Retry-After: 1, as delay-seconds or as an HTTP-date 1 s after the
// response's Date; a 302 to a 200 on "web" or on server "cdn"), a body size, framing
// (Content-Length, chunked, or until close), a slow body sometimes, and now
// and then a misbehaviour (truncated body, garbage header, oversized
// header, close before the response). Some streams ask again after their
// transaction (once or twice, after a drawn pause), which the context's
// keep-alive pool serves on the same wire when it can; the server closes
// idle connections after a drawn keep-alive timeout (or never), so a pooled
// connection may die just as it is reused. A stream has a retry policy or none,
// is opportunistic or not, starts at a drawn time and is destroyed at a
// drawn time. A random fault plan hits the link, the listener and DNS.
//
// In a third of the seeds both servers speak TLS (certificates made for
// the run, OpenSSL replayable) and the streams verify them. In a third
// (own fork) every streamtype sends the system blobs as headers.
//
// Invariants:
//   - every state sequence is legal under the transition table;
//   - QOS_ACK_REMOTE only for a 2xx (or the streamtype's http_expect status,
//     drawn for a third of the streams), and then the bytes received since the
//     last CONNECTED are exactly the route's body (framing is parsed
//     right); QOS_NACK_REMOTE only for any other status;
//   - at most one ACK/NACK per CONNECTED;
//   - no request on a connection after its response said "Connection:
//     close" (the pool must not keep it);
//   - after a 503/429 the next attempt comes no sooner than Retry-After;
//   - with the system blobs as headers, every request web reads has
//     "Authorization: Bearer <auth blob>" and "X-Dsn: <serial blob>";
//   - calm run (no faults, no buggify), a well-behaved 200 route: the stream
//     gets its ACK, one per transaction it asked for (reuse or not);
//   - every stream ends with exactly one DESTROYING; nothing is left.
#include "sim/scenarios/stream_h1/h1_scenario.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/tls/tls_transport.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/test_certs.h"
#include "runtime/stream/context.h"
#include "runtime/stream/state_table.h"
#include "sim/peers/http_server.h"
#include "sim/peers/tls_server_net.h"
#include "sim/testing/answer_plan.h"
#include "sim/testing/engine_checker.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/sim_tls.h"

namespace ss::sim {
namespace {

using stream::Ret;
using stream::State;
using peers::HttpFault;
using peers::HttpRoute;

// The system blobs a blob_headers_ seed's context holds.
constexpr std::string_view kAuthBlob = "tok-7f3a";
constexpr std::string_view kSerialBlob = "sn-0042";

const char* fault_name(HttpFault f) {
  switch (f) {
    case HttpFault::kNone: return "none";
    case HttpFault::kTruncateBody: return "truncate-body";
    case HttpFault::kGarbageHeader: return "garbage-header";
    case HttpFault::kOversizedHeader: return "oversized-header";
    case HttpFault::kCloseBeforeResponse: return "close-before-response";
    case HttpFault::kNoResponse: return "no-response";
  }
  return "?";
}

struct StreamSpec {
  HttpRoute route;
  bool redirect = false;  // route answers 302 -> /dataN (followed: allow_redirects)
  bool redirect_away = false;  // ... to http://cdn:8080/dataN, another host
  bool retry = true;
  bool opportunistic = true;
  Micros start_at = 0;
  Micros end_at = 0;
  int repeats = 0;        // request_tx again after a finished transaction
  Micros repeat_gap = 0;  // ... this long after DISCONNECTED
  AnswerPlan answers;     // DISCONNECT_ME / DESTROY_ME from callbacks
  int expect = 0;         // > 0: the streamtype's http_expect (only that status is success)
};

struct Actor {
  std::string name;
  std::uint64_t ordinal = 0;  // "stream<ordinal>": names its timers in the trace
  StreamSpec spec;
  std::string expected_body;
  stream::Stream* s = nullptr;
  std::vector<State> states;
  std::vector<Micros> connecting_at;
  std::string rx_since_connected;
  int txn_results_since_connected = 0;
  bool last_attempt_said_later = false;  // the previous attempt ended with the 503/429
  std::vector<Micros> later_gaps;        // CONNECTING gaps after a 503/429
  bool eof_may_truncate = false;         // until-close body cut by a FIN: looks complete
  int acks = 0;
  int repeats_left = 0;
  bool txn_this_connection = false;
  World* world = nullptr;

  bool ok_status() const {
    const int st = spec.redirect ? 200 : spec.route.status;
    if (spec.expect) return st == spec.expect;
    return st >= 200 && st < 300;
  }

  Ret on_state(State st, std::uint32_t) {
    states.push_back(st);
    const Ret planned = st == State::kDestroying ? Ret::kOk : spec.answers.on_state(stream::to_int(st));
    if (st == State::kDestroying) s = nullptr;  // about to be reclaimed
    if (st == State::kDisconnected && txn_this_connection && repeats_left > 0) {
      --repeats_left;
      world->loop().after(spec.repeat_gap, [this] {
        if (s) s->request_tx();
      }, {"stream", ordinal, "repeat"});
    }
    if (st == State::kConnected) txn_this_connection = false;
    if (st == State::kConnecting) {
      if (last_attempt_said_later && !connecting_at.empty())
        later_gaps.push_back(world->now() - connecting_at.back());
      last_attempt_said_later = false;
      connecting_at.push_back(world->now());
    }
    if (st == State::kConnected) {
      rx_since_connected.clear();
      txn_results_since_connected = 0;
    }
    if (st == State::kQosAckRemote || st == State::kQosNackRemote) {
      txn_this_connection = true;
      if (++txn_results_since_connected > 1) world->violation(name + ": two ACK/NACKs for one CONNECTED");
    }
    if (st == State::kQosAckRemote) {
      ++acks;
      if (!ok_status()) world->violation(name + ": ACK for status " + std::to_string(spec.route.status));
      // With read-until-close framing an orderly close mid-body is, by HTTP,
      // the end of the body: only then may the bytes be short.
      if (rx_since_connected != expected_body &&
          !(eof_may_truncate && expected_body.compare(0, rx_since_connected.size(), rx_since_connected) == 0))
        world->violation(name + ": ACK after " + std::to_string(rx_since_connected.size()) +
                         " body bytes that are not the " + std::to_string(expected_body.size()) +
                         "-byte body the server sent");
    }
    if (st == State::kQosNackRemote && ok_status())
      world->violation(name + ": NACK for a route whose status is success" +
                       (spec.expect ? " (http_expect " + std::to_string(spec.expect) + ")" : std::string(" (2xx)")));
    if (st == State::kQosNackRemote &&
        (spec.route.status == 503 || spec.route.status == 429))
      last_attempt_said_later = true;
    return planned;
  }
  Ret on_rx(std::span<const std::uint8_t> b) {
    rx_since_connected.append(b.begin(), b.end());
    return spec.answers.on_rx();
  }
};

class H1Run final : public ScenarioRun {
 public:
  explicit H1Run(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x68317374);  // "h1st"
    options_ = draw_world_options(seed, draw, 4, 4096);
    const int n = static_cast<int>(draw.between(1, 3));
    for (int i = 0; i < n; ++i) {
      StreamSpec s;
      HttpRoute& r = s.route;
      r.path = "/r" + std::to_string(i);
      const auto kind = draw.below(10);
      if (kind < 6) {
        r.status = 200;
      } else if (kind < 7) {
        r.status = 404, r.reason = "Not Found";
      } else if (kind < 9) {
        r.status = draw.chance(1, 2) ? 503 : 429;
        r.reason = "Later";
        r.retry_after = 1u;
      } else {
        s.redirect = true;
        r.status = 302, r.reason = "Found";
        s.redirect_away = draw.chance(1, 2);
        r.location = (s.redirect_away ? "http://cdn:8080/data" : "/data") + std::to_string(i);
      }
      r.body_size = static_cast<std::size_t>(draw.between(0, 20000));
      const auto framing = draw.below(3);
      r.chunked = framing == 1;
      r.until_close = framing == 2 && !s.redirect;
      if (draw.chance(1, 4)) {
        r.piece = static_cast<std::size_t>(draw.between(1, 3000));
        r.piece_gap = draw.between(0, millis(30));
      }
      if (draw.chance(1, 7)) r.fault = static_cast<HttpFault>(1 + draw.below(4));
      s.retry = draw.chance(3, 4);
      s.opportunistic = draw.chance(3, 4);
      s.start_at = draw.between(0, millis(500));
      s.end_at = draw.between(seconds(8), seconds(12));
      if (draw.chance(1, 2)) {
        s.repeats = static_cast<int>(draw.between(1, 2));
        s.repeat_gap = draw.between(0, millis(1500));
        // Not after "come back later": asking sooner is the user's right,
        // but it would blur the Retry-After check on the engine's retries.
        if (r.status == 503 || r.status == 429) s.repeats = 0;
      }
      specs_.push_back(s);
    }
    if (draw.chance(1, 2)) idle_timeout_ = draw.between(millis(20), seconds(2));
    const FaultSpace space = server_fault_space("web", {Endpoint::tcp("0.0.0.0", 80)}, {"client"});
    plan_ = draw.chance(1, 3) ? FaultPlan{} : random_fault_plan(draw, space);
    tls_ = draw.chance(1, 3);
    // Drawn apart from the rest, so the workload above is the same as
    // before answers were drawn.
    Rng answers = rng.fork(0x72657473);  // "rets"
    for (auto& s : specs_)
      s.answers = AnswerPlan::draw(answers, false,
                                   {State::kConnected, State::kConnecting, State::kPoll, State::kUnreachable,
                                    State::kDisconnected, State::kQosAckRemote, State::kQosNackRemote});
    // http_expect on a third of the streams that are not told to come back
    // later: the final status it names is the only success (sometimes the
    // one the route answers, sometimes not). Its own fork, as the answers.
    Rng expects = rng.fork(0x65787063);  // "expc"
    for (auto& s : specs_) {
      if (s.route.status == 503 || s.route.status == 429 || !expects.chance(1, 3)) continue;
      const int final_status = s.redirect ? 200 : s.route.status;
      s.expect = expects.chance(1, 2) ? final_status : std::array<int, 3>{200, 204, 404}[expects.below(3)];
    }
    // A quarter of the routes end their connection after the response
    // ("Connection: close"): the connection must not be kept for reuse.
    Rng closes = rng.fork(0x636c6f73);  // "clos"
    for (auto& s : specs_)
      if (closes.chance(1, 4)) s.route.close_after = true;
    // Half of those keep their FIN back a while, so a client that kept the
    // connection for reuse would send its next request on it (the server
    // counts requests after its close). Own fork: the draws above stay.
    Rng fins = rng.fork(0x6c617465);  // "late"
    for (auto& s : specs_)
      if (s.route.close_after && fins.chance(1, 2)) s.route.close_delay = fins.between(millis(200), seconds(2));
    // Half the "come back later" routes give Retry-After as an HTTP-date
    // with a Date header (RFC 9110 §10.2.3): the wait is their difference.
    // Own fork: the draws above stay.
    Rng dates = rng.fork(0x64617465);  // "date"
    for (auto& s : specs_)
      if (s.route.retry_after && dates.chance(1, 2)) s.route.retry_after_date = true;
    // A third of the seeds send the system blobs as headers: every
    // streamtype names http_auth_header (with a "Bearer " preamble) and
    // http_dsn_header, and the context holds the auth and serial blobs.
    Rng blobs = rng.fork(0x626c6f62);  // "blob"
    blob_headers_ = blobs.chance(1, 3);
    if (tls_) {
      for (auto& s : specs_)
        if (s.redirect_away) s.route.location.replace(0, 7, "https://");  // "http://cdn..." -> "https://cdn..."
      // An impostor: web presents a certificate the streams must refuse.
      // Its own fork, so the rest of a TLS seed is what it was.
      Rng imp = rng.fork(0x696d7073);  // "imps"
      if (imp.chance(1, 4)) impostor_ = 1 + static_cast<int>(imp.below(4));
    }
  }

  ~H1Run() override {
    // Everything that runs TLS goes before OpenSSL's randomness is given back.
    ctx_.reset();
    server_.reset();
    cdn_.reset();
    web_tls_.reset();
    cdn_tls_.reset();
    provider_ = nullptr;
    sim_tls_.reset();
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    std::string out = describe_world(options_);
    out += std::string("servers") + (tls_ ? " (TLS, certificates made for this run)" : "") +
           (impostor_ ? std::string(": web is an impostor, its certificate ") + impostor_name() : "") +
           ": web (10.3.0.1:80), cdn (10.3.0.2:8080, redirect targets)\nstreams:\n";
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& s = specs_[i];
      const auto& r = s.route;
      out += "  stream" + std::to_string(i + 1) + " GET " + r.path + " -> " + std::to_string(r.status) +
             (s.redirect ? " to " + r.location : "") + " body=" + std::to_string(r.body_size) +
             (r.chunked ? " chunked" : r.until_close ? " until-close" : " content-length") +
             (r.close_after ? " connection-close" : "") +
             (r.close_delay ? " fin-after=" + std::to_string(r.close_delay) + "us" : "") +
             (r.retry_after_date ? " retry-after-as-date" : "") +
             (r.piece ? " piece=" + std::to_string(r.piece) + "/" + std::to_string(r.piece_gap) + "us" : "") +
             " fault=" + fault_name(r.fault) + (s.expect ? " http_expect=" + std::to_string(s.expect) : "") +
             (s.retry ? " retry" : " no-retry") +
             (s.opportunistic ? " opportunistic" : "") + " start=" + std::to_string(s.start_at) +
             "us end=" + std::to_string(s.end_at) + "us" +
             (s.repeats ? " again=" + std::to_string(s.repeats) + "x after " + std::to_string(s.repeat_gap) + "us"
                        : "") +
             s.answers.describe() + "\n";
    }
    if (blob_headers_) out += "system blobs as headers: authorization (Bearer), x-dsn\n";
    out += "server keep-alive timeout: " + (idle_timeout_ ? std::to_string(idle_timeout_) + "us" : "none") + "\n";
    out += "fault plan:\n" + plan_.to_string();
    return out;
  }

  void start(World& world) override {
    world_ = &world;
    const int web = world.add_host("web", "10.3.0.1");
    const int client = world.add_host("client");
    const int cdn = world.add_host("cdn", "10.3.0.2");
    auto pol = std::make_shared<policy::Policy>();
    Net* web_net = &world.net_for(web);
    Net* cdn_net = &world.net_for(cdn);
    if (tls_) {
      // Real OpenSSL, made replayable: seeded randomness, verify time on
      // the simulated clock (docs/deterministic-tls.md); fresh PKIs per run.
      sim_tls_ = std::make_unique<sim::testing::SimTls>(world);
      constexpr std::int64_t kEpoch = sim::testing::SimTls::kEpoch;
      const auto web_pki = proto::testing::make_test_pki("web", kEpoch);
      const auto cdn_pki = proto::testing::make_test_pki("cdn", kEpoch);
      provider_ = &sim_tls_->provider();
      web_tls_ = sim_tls_->serve(*web_net, web_certificate(web_pki), "web");
      cdn_tls_ = sim_tls_->serve(*cdn_net, cdn_pki.good, "cdn");
      web_net = web_tls_.get();
      cdn_net = cdn_tls_.get();
      pol->certs.push_back(policy::Cert{"web-ca", web_pki.ca.cert_der, true});
      pol->certs.push_back(policy::Cert{"cdn-ca", cdn_pki.ca.cert_der, true});
      pol->trust_stores.push_back(policy::TrustStore{"sim", {0, 1}});
    }
    server_ = std::make_unique<peers::HttpServer>(world.loop(), *web_net, Endpoint::tcp("0.0.0.0", 80));
    cdn_ = std::make_unique<peers::HttpServer>(world.loop(), *cdn_net, Endpoint::tcp("0.0.0.0", 8080));
    policy::RetryPolicy r;
    r.name = "r";
    r.backoff_ms = {200, 500};
    r.conceal = 3;
    pol->retries.push_back(r);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& spec = specs_[i];
      server_->route(spec.route);
      auto a = std::make_unique<Actor>();
      a->world = &world;
      a->spec = spec;
      a->ordinal = i + 1;
      a->name = "stream" + std::to_string(i + 1);
      a->repeats_left = spec.repeats;
      if (spec.redirect) {
        HttpRoute target = spec.route;
        target.path = "/data" + std::to_string(i);
        target.status = 200, target.reason = "OK";
        target.location.clear();
        (spec.redirect_away ? cdn_ : server_)->route(target);
      }
      a->expected_body = peers::pattern_body(spec.route.body_size);
      // An EOF ends an until-close body: a truncating server or a peer
      // half-close fault makes a short body look whole (HTTP cannot tell).
      bool half_close_faults = false;
      for (const auto& f : plan_.actions) half_close_faults |= f.kind == FaultKind::kHalfClose;
      a->eof_may_truncate = spec.route.until_close &&
                            (spec.route.fault == HttpFault::kTruncateBody || half_close_faults || options_.buggify);
      policy::Streamtype st =
          policy::streamtype("h1-" + std::to_string(i), policy::Protocol::kH1, "web", 80);
      st.http_method = "GET";
      st.http_url = spec.route.path.substr(1);
      st.opportunistic = spec.opportunistic;
      st.allow_redirects = spec.redirect;
      st.http_expect = spec.expect;
      if (tls_) {
        st.tls = true;
        st.trust_store = 0;
      }
      if (spec.retry) st.retry = 0;
      if (blob_headers_) {
        st.http_auth_header = "authorization:";
        st.http_auth_preamble = "Bearer ";
        st.http_dsn_header = "x-dsn:";
      }
      pol->streamtypes.push_back(st);
      actors_.push_back(std::move(a));
    }
    server_->set_idle_timeout(idle_timeout_);
    cdn_->set_idle_timeout(idle_timeout_);
    // The client's pool closes an idle connection after 5 s
    // (docs/protocols.md "h1"); 1 s more for the response's way there.
    for (peers::HttpServer* s : {server_.get(), cdn_.get()}) {
      s->expect_idle_close_within(seconds(6), [&world, name = s == cdn_.get() ? "cdn" : "web"](const std::string& what) {
        world.violation(std::string(name) + " server: " + what);
      });
    }
    if (Error e = cdn_->start()) world.violation("cdn server: " + e.message());
    if (Error e = server_->start()) world.violation("web server: " + e.message());
    stream::Context::Config cfg = sim::testing::context_config(world, client, pol, options_.seed ^ 0x4831);
    cfg.tls = provider_;
    checker_ = std::make_unique<EngineChecker>(world);
    checker_->attach(cfg);
    ctx_ = std::make_unique<stream::Context>(std::move(cfg));
    proto::h1::register_h1_binding(*ctx_);
    if (tls_) ctx_->set_tls_transport(stream::make_tls_transport());
    if (blob_headers_) {
      auto bytes = [](std::string_view v) {
        return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()), v.size());
      };
      ctx_->blobs().set(stream::SystemBlobs::slot(stream::BlobType::kAuth, 0), bytes(kAuthBlob));
      ctx_->blobs().set(stream::SystemBlobs::slot(stream::BlobType::kDeviceSerial, 0), bytes(kSerialBlob));
    }
    for (std::size_t i = 0; i < actors_.size(); ++i) {
      Actor* a = actors_[i].get();
      world.loop().at(a->spec.start_at, [this, a, i] { create(a, i); }, {"stream", a->ordinal, "start"});
      world.loop().at(a->spec.end_at, [a] {
        if (a->s && !a->s->destroyed()) a->s->destroy();
      }, {"stream", a->ordinal, "end"});
    }
    world.install(plan_);
  }

  void check(World& world) override {
    const bool calm = plan_.actions.empty() && !options_.buggify;
    for (const auto* server : {server_.get(), cdn_.get()})
      if (server && server->requests_after_close())
        world.violation(std::to_string(server->requests_after_close()) +
                        " request(s) on a connection after its response said \"Connection: close\"");
    for (const auto& a : actors_) {
      if (a->states.empty()) {
        world.violation(a->name + ": was never created");
        continue;
      }
      State tracked = State::kNone;
      for (State st : a->states) {
        if (!stream::transition_legal(tracked, st))
          world.violation(a->name + ": illegal " + std::string(stream::state_name(tracked)) + " -> " +
                          stream::state_name(st));
        tracked = stream::next_tracked(tracked, st);
      }
      const auto destroying = std::count(a->states.begin(), a->states.end(), State::kDestroying);
      if (destroying != 1 || a->states.back() != State::kDestroying)
        world.violation(a->name + ": DESTROYING must come exactly once, last");
      for (Micros gap : a->later_gaps) {
        if (gap < seconds(1))
          world.violation(a->name + ": retried " + std::to_string(gap / 1000) + " ms after a " +
                          std::to_string(a->spec.route.status) + " with Retry-After: 1");
      }
      const auto& r = a->spec.route;
      // A followed redirect sends the (slow) body twice: the 3xx's, then the target's.
      const Micros slow_body = (a->spec.redirect ? 2 : 1) *
                               (r.piece ? static_cast<Micros>(r.body_size / r.piece + 1) * r.piece_gap : 0);
      const int txns = 1 + a->spec.repeats;
      const bool has_time = slow_body * txns + a->spec.repeats * (a->spec.repeat_gap + millis(500)) <
                            a->spec.end_at - a->spec.start_at - seconds(2);
      if (impostor_ && std::count(a->states.begin(), a->states.end(), State::kConnected) > 0)
        world.violation(a->name + ": CONNECTED to web, whose certificate is " + impostor_name());
      if (calm && !impostor_ && has_time && a->ok_status() && r.fault == HttpFault::kNone && !a->spec.answers.active() &&
          a->acks < txns)
        world.violation(a->name + ": calm run, well-behaved 2xx route, " + std::to_string(txns) +
                        " transactions asked, but " + std::to_string(a->acks) + " QOS_ACK_REMOTE");
    }
    // http_auth_header / http_dsn_header: each request carries the blob,
    // after the preamble (docs/secure-streams.md §1.5 "Auth").
    if (blob_headers_) {
      for (const auto& req : server_->requests()) {
        auto auth = proto::h1::find_header(req.headers, "authorization");
        auto dsn = proto::h1::find_header(req.headers, "x-dsn");
        if (!auth || *auth != "Bearer " + std::string(kAuthBlob) || !dsn || *dsn != kSerialBlob)
          world.violation("web read " + req.target + " with authorization \"" + std::string(auth.value_or("(none)")) +
                          "\" and x-dsn \"" + std::string(dsn.value_or("(none)")) + "\": the system blobs, as headers");
      }
    }
    // The certificate check comes before a byte of the request goes out.
    if (impostor_ && !server_->requests().empty())
      world.violation("web, whose certificate is " + std::string(impostor_name()) + ", read " +
                      std::to_string(server_->requests().size()) + " requests");
    if (ctx_ && (ctx_->stream_count() != 0 || ctx_->graveyard_count() != 0))
      world.violation("streams left behind: " + std::to_string(ctx_->stream_count()) + " live, " +
                      std::to_string(ctx_->graveyard_count()) + " unreclaimed");
    if (ctx_) checker_->finish(*ctx_);
  }

 private:
  const char* impostor_name() const {
    static constexpr const char* kNames[] = {"good", "for another host", "from an unknown CA", "expired",
                                             "self-signed"};
    return kNames[impostor_];
  }
  const proto::testing::CertAndKey& web_certificate(const proto::testing::TestPki& pki) const {
    switch (impostor_) {
      case 1: return pki.wrong_host;
      case 2: return pki.unknown_ca;
      case 3: return pki.expired;
      case 4: return pki.self_signed;
      default: return pki.good;
    }
  }

  void create(Actor* a, std::size_t i) {
    stream::StreamInfo info;
    info.streamtype = "h1-" + std::to_string(i);
    info.callbacks.state = [a](stream::State st, std::uint32_t ack) { return a->on_state(st, ack); };
    info.callbacks.rx = [a](std::span<const std::uint8_t> b, std::uint32_t) { return a->on_rx(b); };
    info.on_bind = [a](stream::Stream* s) { a->s = s; };
    auto s = ctx_->create(std::move(info));
    if (!s) {
      world_->violation(a->name + ": create failed: " + s.error().message());
      return;
    }
    a->s->request_tx();
  }

  WorldOptions options_;
  std::vector<StreamSpec> specs_;
  FaultPlan plan_;
  Micros idle_timeout_ = 0;  // server keep-alive timeout (0: never closes idle)
  World* world_ = nullptr;
  bool tls_ = false;  // both servers speak TLS; streams verify them
  bool blob_headers_ = false;  // the system blobs go as headers
  int impostor_ = 0;  // TLS: web's certificate is bad (impostor_name()); 0: good
  std::unique_ptr<sim::testing::SimTls> sim_tls_;
  proto::OpenSslTlsProvider* provider_ = nullptr;  // sim_tls_'s
  std::unique_ptr<peers::TlsServerNet> web_tls_, cdn_tls_;
  std::unique_ptr<peers::HttpServer> server_;
  std::unique_ptr<peers::HttpServer> cdn_;  // another origin for redirects
  std::unique_ptr<EngineChecker> checker_;  // outlives the context it watches
  // Declared after the server: destroyed first (streams before the peer).
  std::unique_ptr<stream::Context> ctx_;
  std::vector<std::unique_ptr<Actor>> actors_;
};

}  // namespace

std::unique_ptr<Scenario> make_stream_h1_scenario() {
  return std::make_unique<SimpleScenario<H1Run>>(
      "stream-h1",
      "h1 GET streams vs simulated web servers (framings, statuses, redirects, keep-alive reuse, TLS, misbehaviours, faults)");
}

void register_stream_h1_scenarios(ScenarioRegistry& registry) { registry.add(make_stream_h1_scenario()); }

}  // namespace ss::sim

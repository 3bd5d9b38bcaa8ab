// Unit tests of the stream engine on the simulated world (sim/testing/stream_harness.h)
// with the raw binding.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "runtime/stream/retry_engine.h"
#include "sim/testing/stream_harness.h"

namespace ss::stream {
namespace {

using sim::testing::Harness;
using sim::testing::HostMode;
using sim::testing::OrderLog;
using sim::testing::Recorder;
using sim::testing::sequence_legal;

Stream* make(Harness& h, Recorder& r, const char* type) { return h.create(type, r.callbacks()); }

// A stream of `type` connected at once (client_connect), a second later.
Stream* make_connected(Harness& h, Recorder& r, const char* type) {
  Stream* s = make(h, r, type);
  s->client_connect();
  h.world.run_for(seconds(1));
  return s;
}

// A stream of `type` to a refusing host, asked to send, a minute later.
Stream* make_refused(Harness& h, Recorder& r, const char* type) {
  h.sim.set_mode("echo.test", HostMode::kRefuse);
  Stream* s = make(h, r, type);
  s->request_tx();
  h.world.run_for(seconds(60));
  return s;
}

// Once the world is idle: no stream live or unreclaimed, no connection
// open, no engine violation.
void expect_nothing_left(Harness& h) {
  h.run_until_idle();
  EXPECT_EQ(h.ctx->stream_count(), 0u);
  EXPECT_EQ(h.ctx->graveyard_count(), 0u);
  EXPECT_EQ(h.net.live_connections(), 0u);
  EXPECT_TRUE(h.violations.empty());
}

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(StateNames, EveryStateHasAName) {
  for (int i = 1; i <= kLastBuiltinState; ++i) {
    EXPECT_STRNE(state_name(i), "UNKNOWN") << i;
  }
  EXPECT_STREQ(state_name(1), "CREATING");
  EXPECT_STREQ(state_name(9), "ALL_RETRIES_FAILED");
  EXPECT_STREQ(state_name(20), "SINK_PART");
  EXPECT_STREQ(state_name(1000), "USER_STATE");
  EXPECT_STREQ(state_name(-3), "UNKNOWN");
}

TEST(StateTable, CorrectsLwsQuirks) {
  EXPECT_TRUE(transition_legal(State::kNone, State::kCreating));
  EXPECT_TRUE(transition_legal(State::kNone, State::kDestroying));  // SSPC destroyed before CREATE_RESULT
  EXPECT_TRUE(transition_legal(State::kNone, State::kUpstreamLinkRetry));  // SSPC: no link to the proxy yet
  EXPECT_FALSE(transition_legal(State::kNone, State::kTimeout));  // other out-of-band states need CREATING
  EXPECT_FALSE(transition_legal(State::kNone, State::kConnected));
  EXPECT_FALSE(transition_legal(State::kDestroying, State::kUpstreamLinkRetry));
  EXPECT_EQ(next_tracked(State::kNone, State::kUpstreamLinkRetry), State::kNone);
  EXPECT_FALSE(transition_legal(State::kDisconnected, State::kCreating));  // no re-CREATING
  EXPECT_FALSE(transition_legal(State::kConnected, State::kPoll));         // no CONNECTED -> POLL
  EXPECT_TRUE(transition_legal(State::kDisconnected, State::kAllRetriesFailed));  // lws #2736
  EXPECT_FALSE(transition_legal(State::kDestroying, State::kTimeout));
  EXPECT_TRUE(transition_legal(State::kConnected, State::kTimeout));
  EXPECT_TRUE(transition_legal(State::kConnected, to_state(to_int(State::kUserBase) + 1)));
  EXPECT_EQ(next_tracked(State::kConnected, State::kTimeout), State::kConnected);
}

TEST(StateTable, NumbersOutsideTheTableAreIllegal) {
  EXPECT_FALSE(transition_legal(State::kConnected, to_state(0)));
  EXPECT_FALSE(transition_legal(State::kConnected, to_state(kLastBuiltinState + 1)));
  EXPECT_FALSE(transition_legal(to_state(-1), State::kCreating));
}

TEST(Create, UnknownStreamtypeFailsClearly) {
  Recorder r;
  Harness h;
  StreamInfo info;
  info.streamtype = "nope";
  info.callbacks = r.callbacks();
  auto s = h.ctx->create(std::move(info));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(s.error().message().find("'nope'"), std::string::npos);
  EXPECT_TRUE(r.states.empty());  // never sees CREATING
}

TEST(Create, DestroyMeFromCreatingFailsCreation) {
  Recorder r;
  Harness h;
  r.answer = [](State s) { return s == State::kCreating ? Ret::kDestroyMe : Ret::kOk; };
  StreamInfo info;
  info.streamtype = "echo";
  info.callbacks = r.callbacks();
  auto s = h.ctx->create(std::move(info));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(r.names(), "CREATING,DESTROYING");
  expect_nothing_left(h);
}

TEST(Raw, EchoRoundTrip) {
  Recorder r;
  Harness h;
  Stream* s = make(h, r, "echo");
  r.to_send = bytes("hello");
  EXPECT_EQ(s->request_tx(), Ret::kOk);
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.names(), "CREATING,POLL,CONNECTING,CONNECTED");
  EXPECT_EQ(r.rx, bytes("hello"));
  r.to_send = bytes("again");
  s->request_tx();
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.rx, bytes("helloagain"));
  s->destroy();
  EXPECT_EQ(r.names(), "CREATING,POLL,CONNECTING,CONNECTED,DISCONNECTED,DESTROYING");
  expect_nothing_left(h);
}

TEST(Raw, ClientConnectDoesNotPoll) {
  Recorder r;
  Harness h;
  make_connected(h, r, "echo");
  EXPECT_EQ(r.names(), "CREATING,CONNECTING,CONNECTED");
}

TEST(Raw, NailedUpConnectsAtCreation) {
  Recorder r;
  Harness h;
  make(h, r, "nailed");
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.names(), "CREATING,CONNECTING,CONNECTED");
}

TEST(Retry, RefusedGoesUnreachableThenAllRetriesFailedOnce) {
  Recorder r;
  Harness h;
  Stream* s = make_refused(h, r, "echo");
  // conceal 3: three concealed failures, the 4th gives up.
  EXPECT_EQ(r.count(State::kUnreachable), 4u);
  EXPECT_EQ(r.count(State::kAllRetriesFailed), 1u);
  EXPECT_EQ(r.states.back(), State::kAllRetriesFailed);
  EXPECT_EQ(h.net.connects(), 4u);
  EXPECT_TRUE(sequence_legal(r.states));
  EXPECT_TRUE(h.violations.empty());
  EXPECT_FALSE(s->has_retry_timer());
}

TEST(Retry, NoRetryPolicyGivesUpAfterFirstFailure) {
  Recorder r;
  Harness h;
  make_refused(h, r, "once");
  EXPECT_EQ(r.names(), "CREATING,POLL,CONNECTING,UNREACHABLE,ALL_RETRIES_FAILED");
}

TEST(Retry, RequestTxAfterGivingUpGetsAFreshBudget) {
  Recorder r;
  Harness h;
  Stream* s = make_refused(h, r, "echo");
  ASSERT_EQ(r.count(State::kAllRetriesFailed), 1u);
  s->request_tx();
  h.world.run_for(seconds(60));
  // lws would fail again at once (docs/secure-streams.md §6 item 12); we retry the full budget.
  EXPECT_EQ(r.count(State::kUnreachable), 8u);
  EXPECT_EQ(r.count(State::kAllRetriesFailed), 2u);
  EXPECT_TRUE(sequence_legal(r.states));
}

TEST(Retry, DelaysFollowTheTableWithSeededJitter) {
  policy::RetryPolicy rp;
  rp.backoff_ms = {1000, 2000};
  rp.jitter_percent = 50;
  EXPECT_EQ(backoff_delay_ms(&rp, 0, 0), 1000u);
  EXPECT_EQ(backoff_delay_ms(&rp, 1, 0), 2000u);
  EXPECT_EQ(backoff_delay_ms(&rp, 9, 0), 2000u);
  EXPECT_EQ(backoff_delay_ms(&rp, 0, 0xffff), 1000u + ((1000ull * 50 * 0xffff) >> 16) / 100);
  EXPECT_EQ(backoff_delay_ms(nullptr, 0, 0), 3000u);
  EXPECT_FALSE(backoff_concealed(nullptr, 1));
  rp.conceal = 2;
  EXPECT_TRUE(backoff_concealed(&rp, 2));
  EXPECT_FALSE(backoff_concealed(&rp, 3));
}

TEST(Retry, DnsFailureCarriesTheDnsAck) {
  Recorder r;
  Harness h;
  h.sim.set_mode("echo.test", HostMode::kNxdomain);
  make(h, r, "once")->request_tx();
  h.world.run_for(seconds(10));
  ASSERT_EQ(r.count(State::kUnreachable), 1u);
  for (std::size_t i = 0; i < r.states.size(); ++i) {
    if (r.states[i] == State::kUnreachable) {
      EXPECT_EQ(r.acks[i], 1u);
    }
  }
}

TEST(Retry, PeerResetReconnectsNonOpportunistic) {
  Recorder r;
  Harness h;
  Stream* s = make_connected(h, r, "echo");
  h.sim.peer_reset();
  h.world.run_for(seconds(5));
  EXPECT_EQ(r.names(), "CREATING,CONNECTING,CONNECTED,DISCONNECTED,POLL,CONNECTING,CONNECTED");
  EXPECT_EQ(s->retry_failures(), 0u);  // reset by the successful reconnect
}

TEST(Retry, OpportunisticDoesNotReconnect) {
  Recorder r;
  Harness h;
  Stream* s = make_connected(h, r, "opp");
  h.sim.peer_close();
  h.world.run_for(seconds(30));
  EXPECT_EQ(r.names(), "CREATING,CONNECTING,CONNECTED,DISCONNECTED");
  EXPECT_FALSE(s->has_retry_timer());
  EXPECT_FALSE(s->has_connection());
}

TEST(Timeout, BlackholeWithTimeoutGivesTimeout) {
  Recorder r;
  Harness h;
  h.sim.set_mode("echo.test", HostMode::kBlackhole);
  Stream* s = make(h, r, "tmo");
  s->start_timeout(0);  // policy timeout_ms 3000
  s->request_tx();
  h.world.run_for(seconds(4));
  EXPECT_EQ(r.names(), "CREATING,POLL,CONNECTING,TIMEOUT");
  EXPECT_EQ(h.world.now(), seconds(4));
}

TEST(Timeout, CancelledTimeoutNeverFires) {
  Recorder r;
  Harness h;
  Stream* s = make(h, r, "tmo");
  s->start_timeout(100);
  s->cancel_timeout();
  h.world.run_for(seconds(5));
  EXPECT_FALSE(r.saw(State::kTimeout));
  s->start_timeout(0);
  EXPECT_TRUE(s->has_timeout_timer());
}

TEST(Timeout, DisconnectMeFromTimeoutClosesTheConnection) {
  Recorder r;
  Harness h;
  h.sim.set_mode("echo.test", HostMode::kSilent);
  r.answer = [](State s) { return s == State::kTimeout ? Ret::kDisconnectMe : Ret::kOk; };
  Stream* s = make_connected(h, r, "opp");
  s->start_timeout(500);
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.names(), "CREATING,CONNECTING,CONNECTED,TIMEOUT,DISCONNECTED");
  EXPECT_EQ(h.net.live_connections(), 0u);
}

TEST(Timeout, DestroyMeFromTimeoutDestroys) {
  Recorder r;
  Harness h;
  r.answer = [](State s) { return s == State::kTimeout ? Ret::kDestroyMe : Ret::kOk; };
  Stream* s = make(h, r, "echo");
  s->start_timeout(500);
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.names(), "CREATING,TIMEOUT,DESTROYING");
  EXPECT_EQ(h.ctx->stream_count(), 0u);
}

TEST(ReturnCodes, DestroyMeFromRxIsDeferredAndSafe) {
  Recorder r;
  Harness h;
  r.rx_answer = [] { return Ret::kDestroyMe; };
  Stream* s = make(h, r, "echo");
  r.to_send = bytes("x");
  s->request_tx();
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.names(), "CREATING,POLL,CONNECTING,CONNECTED,DISCONNECTED,DESTROYING");
  expect_nothing_left(h);
}

TEST(ReturnCodes, DestroyFromInsideOwnCallbackIsDeferred) {
  Recorder r;
  Harness h;
  Stream* s = nullptr;
  r.answer = [&](State st) {
    if (st == State::kConnected) s->destroy();  // not an assert
    return Ret::kOk;
  };
  s = make(h, r, "echo");
  s->client_connect();
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.names(), "CREATING,CONNECTING,CONNECTED,DISCONNECTED,DESTROYING");
}

TEST(ReturnCodes, DisconnectMeFromTxSendsNothingAndReconnects) {
  Recorder r;
  Harness h;
  r.tx_answer = [] { return Ret::kDisconnectMe; };
  Stream* s = make(h, r, "echo");
  r.to_send = bytes("never");
  s->client_connect();
  h.world.run_for(seconds(1));
  s->request_tx();
  h.world.run_for(millis(10));
  EXPECT_TRUE(h.net.written.empty() || h.net.written.begin()->second.empty());
  EXPECT_TRUE(r.saw(State::kDisconnected));
  r.tx_answer = nullptr;
  h.world.run_for(seconds(5));
  EXPECT_EQ(r.count(State::kConnected), 2u);  // reconnected per retry rules
  EXPECT_TRUE(sequence_legal(r.states));
}

TEST(ReturnCodes, TxDontSendSendsNothing) {
  Recorder r;
  Harness h;
  r.tx_answer = [] { return Ret::kTxDontSend; };
  Stream* s = make(h, r, "echo");
  r.to_send = bytes("held");
  s->request_tx();
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.tx_calls, 1u);
  EXPECT_TRUE(r.rx.empty());
  EXPECT_TRUE(r.saw(State::kConnected));
}

TEST(Metadata, DeclaredNamesOnlyAndCopied) {
  Recorder r;
  Harness h;
  Stream* s = make(h, r, "md");
  std::string value = "echo.test";
  EXPECT_TRUE(s->set_metadata("host", value).ok());
  value = "garbage";  // the stream holds a copy
  EXPECT_EQ(*s->get_metadata("host"), "echo.test");
  EXPECT_EQ(s->set_metadata("nope", "x").code(), ErrorCode::kNotFound);
  EXPECT_FALSE(s->get_metadata("nope").ok());
  EXPECT_EQ(*s->get_metadata("path"), "");
  s->client_connect();
  h.world.run_for(seconds(1));
  EXPECT_TRUE(r.saw(State::kConnected));
}

// A context whose "md" streamtype has "tls": true, and its log lines.
struct TlsMdWorld {
  sim::testing::StreamWorld sim;
  std::vector<std::string> logs;
  std::unique_ptr<Context> ctx;
  TlsMdWorld() {
    auto p = std::make_shared<policy::Policy>(*sim::testing::test_policy());
    for (auto& st : p->streamtypes) {
      if (st.name == "md") st.tls = true;
    }
    Context::Config cfg = sim::testing::context_config(sim.world, sim.client, p);
    cfg.net = &sim.net;
    cfg.hooks.log = [this](std::string_view t) { logs.emplace_back(t); };
    ctx = std::make_unique<Context>(std::move(cfg));
    proto::raw::register_raw_binding(*ctx);
  }
  Stream* make(Recorder& r) {
    StreamInfo info;
    info.streamtype = "md";
    info.callbacks = r.callbacks();
    auto s = ctx->create(std::move(info));
    return s.ok() ? *s : nullptr;
  }
};

// The scheme wins over "tls" (as in libwebsockets), never silently: one log
// line per stream (docs/tls.md, "No silent downgrade").
TEST(Endpoint, SchemeThatTurnsTlsOffIsLoggedOncePerStream) {
  TlsMdWorld w;
  Recorder r;
  Stream* s = w.make(r);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->set_metadata("host", "http://echo.test:7").ok());
  s->client_connect();
  w.sim.world.run_for(seconds(1));
  EXPECT_TRUE(r.saw(State::kConnected)) << r.names();  // no TLS transport needed: TLS is off
  ASSERT_EQ(w.logs.size(), 1u);
  EXPECT_EQ(w.logs[0], "stream 1 (md): the endpoint's URL scheme turns TLS off although the streamtype has "
                       "\"tls\": true; connecting to echo.test:7 without TLS");
  s->destroy();
  w.sim.world.run_for(seconds(1));
  EXPECT_EQ(w.logs.size(), 1u);
}

// Values quoted in log lines and last_error() have their control
// characters escaped (runtime/core/escape.h): a newline cannot forge a line.
TEST(Endpoint, BadEndpointFromMetadataIsQuotedEscaped) {
  Recorder r;  // outlives h: the context says DESTROYING to it
  Harness h;
  Stream* s = make(h, r, "md");
  ASSERT_TRUE(s->set_metadata("host", "echo.test:7\nstream 9 (x): ok").ok());
  s->client_connect();
  h.world.run_for(millis(10));
  ASSERT_TRUE(r.saw(State::kUnreachable)) << r.names();
  EXPECT_EQ(s->last_error().find('\n'), std::string::npos) << s->last_error();
  EXPECT_NE(s->last_error().find("'echo.test:7\\nstream 9 (x): ok'"), std::string::npos) << s->last_error();
}

TEST(Metadata, Expansion) {
  policy::Streamtype st;
  st.name = "t";
  st.metadata = {{"a", ""}, {"b", "x-b:"}};
  Metadata md(st);
  ASSERT_TRUE(md.set("a", "AA").ok());
  EXPECT_EQ(*md.expand("/p/${a}/${b}/q"), "/p/AA//q");
  auto bad = md.expand("/${zz}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("zz"), std::string::npos);
  EXPECT_FALSE(md.expand("/${a").ok());
  EXPECT_EQ(md.set("a", std::string(70000, 'x')).code(), ErrorCode::kLimit);
}

TEST(Handlers, ChangeHandlersKeepsNulls) {
  Recorder r1, r2;
  Harness h;
  Stream* s = make(h, r1, "echo");
  Callbacks partial;
  partial.rx = r2.callbacks().rx;
  s->change_handlers(partial);
  r1.to_send = bytes("abc");
  s->request_tx();
  h.world.run_for(seconds(1));
  EXPECT_EQ(r2.rx, bytes("abc"));        // new rx
  EXPECT_TRUE(r1.rx.empty());
  EXPECT_TRUE(r1.saw(State::kConnected));  // old state handler kept
}

// Handlers of another kind than Callbacks (as the C API's handle is): they
// record into a Recorder.
struct RecordingHandlers final : Handlers {
  explicit RecordingHandlers(Recorder& r) : r(r) {}
  bool has_rx() const override { return true; }
  bool has_tx() const override { return false; }
  bool has_state() const override { return true; }
  Ret rx(std::span<const std::uint8_t> b, std::uint32_t) override {
    r.rx.insert(r.rx.end(), b.begin(), b.end());
    return Ret::kOk;
  }
  Ret tx(std::uint32_t, std::span<std::uint8_t>, std::size_t&, std::uint32_t&) override { return Ret::kTxDontSend; }
  Ret state(State s, std::uint32_t) override {
    r.states.push_back(s);
    return Ret::kOk;
  }
  Recorder& r;
};

// Changing them replaces only the callbacks given; the rest still go to
// them, and they live (they may own the user object) until the stream is
// reclaimed.
TEST(Handlers, ChangingAnotherKindKeepsWhatIsNotReplacedAndKeepsItAlive) {
  Recorder r1, r2;
  Harness h;
  auto own = std::make_shared<RecordingHandlers>(r1);
  std::weak_ptr<Handlers> weak = own;
  StreamInfo info;
  info.streamtype = "echo";
  info.handlers = std::move(own);
  auto created = h.ctx->create(std::move(info));
  ASSERT_TRUE(created.ok());
  Stream* s = *created;
  s->client_connect();
  h.world.run_for(seconds(1));
  EXPECT_EQ(r1.states, (std::vector<State>{State::kCreating, State::kConnecting, State::kConnected}));
  Callbacks partial = r2.callbacks();
  partial.state = nullptr;  // rx and tx change, state stays
  s->change_handlers(partial);
  EXPECT_FALSE(weak.expired());
  r2.to_send = bytes("abc");
  s->request_tx();
  h.world.run_for(seconds(1));
  EXPECT_EQ(r2.rx, bytes("abc"));  // the new tx sent it, the new rx got the echo
  EXPECT_TRUE(r1.rx.empty());
  EXPECT_TRUE(r2.states.empty());
  s->destroy();
  h.run_until_idle();
  EXPECT_EQ(r1.states.back(), State::kDestroying);
  EXPECT_TRUE(weak.expired());
  EXPECT_TRUE(h.violations.empty());
}

// BUGGIFY sites (Hooks::buggify) take legal paths only: with every site on,
// rx arrives in more pieces and tx is pulled through small buffers, and the
// bytes both ways are exactly what was sent; with the hook empty, nothing.
TEST(Buggify, EverySiteOnKeepsTheBytesAndTheFlags) {
  std::vector<std::string> sites;
  Recorder r;
  Harness h(1, [&sites](std::string_view site) {
    sites.emplace_back(site);
    return true;
  });
  StreamInfo info;
  info.streamtype = "echo";
  std::vector<std::uint32_t> rx_flags;
  info.callbacks = r.callbacks();
  auto rx = info.callbacks.rx;
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t flags) {
    rx_flags.push_back(flags);
    return rx(b, flags);
  };
  Stream* s = *h.ctx->create(std::move(info));
  r.to_send = bytes("hello, buggified world");
  s->client_connect();
  // The user asks again while it has more (a small buffer takes a piece).
  for (int i = 0; i < 40 && !r.to_send.empty(); ++i) {
    s->request_tx();
    h.world.run_for(millis(20));
  }
  h.world.run_for(seconds(1));
  ASSERT_EQ(h.net.written.size(), 1u);
  EXPECT_EQ(h.net.written.begin()->second, bytes("hello, buggified world"));
  EXPECT_GT(r.tx_calls, 1u);  // small buffers: several pulls for one message
  r.rx.clear();
  rx_flags.clear();
  h.sim.peer_send(bytes("abcdefgh"));
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.rx, bytes("abcdefgh"));
  EXPECT_GE(rx_flags.size(), 2u);
  EXPECT_NE(std::find(sites.begin(), sites.end(), "stream.rx_split"), sites.end());
  EXPECT_NE(std::find(sites.begin(), sites.end(), "stream.tx_small_buffer"), sites.end());
  EXPECT_TRUE(h.violations.empty());
}

TEST(Credit, RxIsHeldBeyondCreditUntilAdded) {
  Recorder r;
  Harness h;
  Stream* s = h.create("echo", r.callbacks(), 3);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->get_est_peer_tx_credit(), 3);
  s->client_connect();
  h.world.run_for(seconds(1));
  h.sim.peer_send(bytes("abcdefgh"));
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.rx, bytes("abc"));
  EXPECT_EQ(s->get_est_peer_tx_credit(), 0);
  s->add_peer_tx_credit(10);
  h.world.run_for(seconds(1));
  EXPECT_EQ(r.rx, bytes("abcdefgh"));
  EXPECT_EQ(s->get_est_peer_tx_credit(), 5);
}

// A stream of `type` with 3 bytes of manual credit, connected, whose peer
// has sent "abcdefgh" (and, with `close`, then closed); not yet delivered.
struct HeldRx {
  OrderLog log;
  Harness h;
  Stream* s = nullptr;
  HeldRx(const char* type, bool close, std::function<Ret()> rx_answer = {}) {
    log.rx_answer = std::move(rx_answer);
    s = h.create(type, log.callbacks(), 3);
    s->client_connect();
    h.world.run_for(seconds(1));
    h.sim.peer_send(bytes("abcdefgh"));
    if (close) h.sim.peer_close();
  }
};

// docs/api.md "Sending and receiving": a raw peer that sends more than the
// credit and closes: the held tail reaches the user before DISCONNECTED,
// however long the user takes to add credit.
TEST(Credit, HeldRxOfAClosedConnectionArrivesBeforeDisconnected) {
  HeldRx held("opp", true);
  auto& [log, h, s] = held;
  h.world.run_for(seconds(5));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc");
  s->add_peer_tx_credit(2);
  h.world.run_for(seconds(1));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,rx:de");
  s->add_peer_tx_credit(10);
  h.world.run_for(seconds(1));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,rx:de,rx:fgh,DISCONNECTED");
  EXPECT_EQ(s->get_est_peer_tx_credit(), 7);
  EXPECT_EQ(h.net.connects(), 1u);  // opportunistic: no reconnect
  EXPECT_TRUE(h.violations.empty());
}

// A non-opportunistic stream reconnects after the drop, but only after the
// user has heard DISCONNECTED (which waits for the held rx): the backoff
// starts then.
TEST(Credit, ReconnectWaitsForTheHeldRxAndDisconnected) {
  HeldRx held("echo", true);
  auto& [log, h, s] = held;
  h.world.run_for(seconds(10));
  EXPECT_EQ(h.net.connects(), 1u) << log.joined();
  EXPECT_FALSE(s->has_retry_timer());
  s->add_peer_tx_credit(100);
  h.world.run_for(millis(1));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,rx:defgh,DISCONNECTED");
  EXPECT_TRUE(s->has_retry_timer());
  h.world.run_for(seconds(5));
  EXPECT_EQ(h.net.connects(), 2u);
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,rx:defgh,DISCONNECTED,POLL,CONNECTING,CONNECTED");
  EXPECT_TRUE(h.violations.empty());
}

// DISCONNECT_ME while rx is held: the user chose to drop it. DISCONNECTED
// comes at once, and nothing of the old connection reaches the next one.
TEST(Credit, DisconnectMeDropsHeldRxAndNothingLeaksIntoTheNextConnection) {
  int rx_calls = 0;
  HeldRx held("opp", false, [&] { return ++rx_calls == 1 ? Ret::kDisconnectMe : Ret::kOk; });
  auto& [log, h, s] = held;
  h.world.run_for(seconds(1));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,DISCONNECTED");
  s->client_connect();
  h.world.run_for(seconds(1));
  h.sim.peer_send(bytes("XY"));
  s->add_peer_tx_credit(10);
  h.world.run_for(seconds(1));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,DISCONNECTED,CONNECTING,CONNECTED,rx:XY");
  EXPECT_TRUE(h.violations.empty());
}

// DISCONNECT_ME from an rx callback of the held tail (after the peer's
// close): the rest is dropped and DISCONNECTED comes before the engine
// returns to the loop.
TEST(Credit, DisconnectMeWhileTheHeldTailDrainsDropsTheRest) {
  int rx_calls = 0;
  HeldRx held("opp", true, [&] { return ++rx_calls == 2 ? Ret::kDisconnectMe : Ret::kOk; });
  auto& [log, h, s] = held;
  h.world.run_for(seconds(1));
  s->add_peer_tx_credit(2);
  h.world.run_for(millis(1));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,rx:de,DISCONNECTED");
  s->add_peer_tx_credit(10);
  h.world.run_for(seconds(1));
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,rx:de,DISCONNECTED");
  EXPECT_TRUE(h.violations.empty());
}

// Destroying a stream whose connection ended with rx still held: the user
// hears DISCONNECTED (it was never told otherwise), then DESTROYING.
TEST(Credit, DestroyWithAHeldTailSaysDisconnectedThenDestroying) {
  HeldRx held("opp", true);
  auto& [log, h, s] = held;
  h.world.run_for(seconds(1));
  s->destroy();
  h.run_until_idle();
  EXPECT_EQ(log.joined(), "CREATING,CONNECTING,CONNECTED,rx:abc,DISCONNECTED,DESTROYING");
  EXPECT_EQ(h.ctx->stream_count(), 0u);
  EXPECT_EQ(h.ctx->attempt_count(), 0u);
  EXPECT_TRUE(h.violations.empty());
}

TEST(Sequencer, ReceivesStates) {
  Recorder r;
  Harness h;
  Stream* s = make_connected(h, r, "echo");
  EXPECT_EQ(s->sequencer().states(), r.states);
}

// The first three states are kept in the object, the rest in a heap block:
// the order holds across the boundary, and the count stops at kMaxKept.
TEST(Sequencer, KeepsOrderPastItsInlineStatesUpToTheCap) {
  Sequencer seq;
  std::vector<State> want;
  for (int i = 0; i < 1030; ++i) {
    const State st = to_state(to_int(State::kUserBase) + i);
    seq.deliver(st);
    if (want.size() < Sequencer::kMaxKept) want.push_back(st);
  }
  ASSERT_EQ(seq.size(), Sequencer::kMaxKept);
  EXPECT_EQ(seq.states(), want);
  EXPECT_EQ(seq.at(2), to_state(to_int(State::kUserBase) + 2));
  EXPECT_EQ(seq.at(3), to_state(to_int(State::kUserBase) + 3));
}

TEST(Context, CancelServiceAndDestructionCleanUp) {
  Recorder r;
  {
    Harness h;
    make_connected(h, r, "echo");
    h.ctx->cancel_service();
    EXPECT_EQ(r.states.back(), State::kEventWaitCancelled);
    h.ctx.reset();
    EXPECT_EQ(h.net.live_connections(), 0u);
    h.run_until_idle();
  }
  EXPECT_EQ(r.names(),
            "CREATING,CONNECTING,CONNECTED,EVENT_WAIT_CANCELLED,DISCONNECTED,DESTROYING");
}

// The context's streams (stream_list.h): cancel_service reaches the live
// ones in id order, not one destroyed before, nor one a callback destroys
// on the way; the context's teardown destroys the rest in id order.
TEST(Context, CancelServiceSkipsStreamsDestroyedBeforeAndOnTheWay) {
  Recorder r1, r2, r3, r4;
  std::vector<std::uint64_t> order;
  Harness h;
  Stream* s1 = make(h, r1, "echo");
  Stream* s2 = make(h, r2, "echo");
  Stream* s3 = make(h, r3, "echo");
  Stream* s4 = make(h, r4, "echo");
  for (auto [r, s] : {std::pair{&r1, s1}, {&r2, s2}, {&r3, s3}, {&r4, s4}}) {
    r->answer = [&order, s = s, s3](State st) {
      if (st == State::kEventWaitCancelled) {
        order.push_back(s->id());
        if (s->id() == 1) s3->destroy();
      }
      if (st == State::kDestroying) order.push_back(100 + s->id());
      return Ret::kOk;
    };
  }
  s2->destroy();
  ASSERT_EQ(h.ctx->stream_count(), 3u);
  h.ctx->cancel_service();
  EXPECT_EQ(h.ctx->stream_count(), 2u);
  h.ctx.reset();
  // 1 is told, destroys 3 (DESTROYING 103); 2 and 3 are not told; 4 is;
  // the teardown destroys 1 then 4.
  EXPECT_EQ(order, (std::vector<std::uint64_t>{102, 1, 103, 4, 101, 104}));
}

TEST(Trace, StatesAreRecorded) {
  Recorder r;
  Harness h;
  make_connected(h, r, "echo");
  std::size_t n = 0;
  for (const auto& t : h.trace) n += t.rfind("ss.state", 0) == 0;
  EXPECT_EQ(n, r.states.size());
}

}  // namespace
}  // namespace ss::stream

namespace ss::stream {
namespace {

TEST(Context, BusyWhileInsideCallbacks) {
  bool busy_inside = false;  // outlives the harness (DESTROYING comes at its end)
  sim::testing::Recorder r;
  sim::testing::Harness h;
  r.answer = [&](State) {
    busy_inside = h.ctx->busy();
    return Ret::kOk;
  };
  StreamInfo info;
  info.streamtype = "echo";
  info.callbacks = r.callbacks();
  ASSERT_TRUE(h.ctx->create(std::move(info)).ok());
  EXPECT_TRUE(busy_inside);
  EXPECT_FALSE(h.ctx->busy());
}

}  // namespace
}  // namespace ss::stream

namespace ss::stream {
namespace {

// A user who always wants to send more cannot trap the loop inside one
// callback: the raw binding yields after a batch of chunks.
TEST(Raw, EndlessSenderYieldsToTheLoop) {
  sim::testing::Recorder r;
  sim::testing::Harness h;
  Stream* s = nullptr;
  std::size_t calls = 0;
  Callbacks cb = r.callbacks();
  cb.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    ++calls;
    buf[0] = 'x';
    len = 1;
    flags = kFlagSom | kFlagEom;
    s->request_tx();  // always more
    return Ret::kOk;
  };
  StreamInfo info;
  info.streamtype = "echo";
  info.callbacks = cb;
  info.on_bind = [&](Stream* st) { s = st; };
  ASSERT_TRUE(h.ctx->create(std::move(info)).ok());
  s->request_tx();
  for (int i = 0; i < 20; ++i) h.world.step();
  EXPECT_GT(calls, 0u);
  EXPECT_LE(calls, 20u * 64u);
  s->destroy();
}

}  // namespace
}  // namespace ss::stream

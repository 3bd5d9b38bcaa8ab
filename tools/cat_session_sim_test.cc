// ss-cat's session and direct stream (tools/cat_session.h, cat_direct.h) on
// the simulated world, against sim/peers servers that end a transfer well
// or badly: the exit code and the one-line reason, seed-replayable. The
// same cases run against real peers in tools/ss_cat_end_test.sh.
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/h2/h2_binding.h"
#include "runtime/bind/mqtt/mqtt_binding.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/peers/h2_server.h"
#include "sim/peers/http_server.h"
#include "sim/peers/mqtt_broker.h"
#include "sim/peers/ws_echo_server.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"
#include "tools/cat_direct.h"
#include "tools/cat_session.h"

namespace ss::tools {
namespace {

using sim::peers::HttpFault;
using sim::peers::HttpRoute;
using sim::peers::WsEchoOptions;
using sim::peers::WsFault;

// A FILE* whose bytes end up in a string.
class Capture {
 public:
  Capture() : f_(open_memstream(&buf_, &len_)) {}
  ~Capture() {
    std::fclose(f_);
    std::free(buf_);
  }
  std::FILE* file() { return f_; }
  std::string text() {
    std::fflush(f_);
    return std::string(buf_, len_);
  }

 private:
  char* buf_ = nullptr;
  std::size_t len_ = 0;
  std::FILE* f_;
};

// Routes and ws options field by field (designated initializers that leave
// trailing members out warn under -Wextra).
HttpRoute route(std::size_t body_size, HttpFault fault = HttpFault::kNone) {
  HttpRoute r;
  r.path = "/data";
  r.body_size = body_size;
  r.fault = fault;
  return r;
}

struct Run {
  bool done = false;
  int code = -1;
  std::string out, err;
  std::size_t violations = 0;
  std::vector<std::string> published;  // mqtt: what the broker took in, "topic=payload"
};

struct Case {
  policy::Protocol protocol = policy::Protocol::kH1;
  std::string url = "data";
  HttpRoute route;
  WsEchoOptions ws;
  std::string payload;
  std::optional<Micros> idle;
  bool verbose = false;
  // mqtt: the streamtype's topics and QoS, the broker's misbehaviour and
  // messages it holds as retained before the run.
  std::string mqtt_topic, mqtt_subscribe;
  int mqtt_qos = 0;
  sim::peers::MqttBrokerOptions broker;
  std::vector<std::pair<std::string, std::string>> retained;
  sim::peers::H2ServerOptions h2;  // h2: the simulated server's misbehaviours
};

Run run(const Case& su, std::uint64_t seed = 7) {
  sim::WorldOptions wo;
  wo.seed = seed;
  sim::World world(wo);
  const int client = world.add_host("client");
  const int server = world.add_host("server");
  std::unique_ptr<sim::peers::HttpServer> http;
  std::unique_ptr<sim::peers::WsEchoServer> ws;
  std::unique_ptr<sim::peers::MqttBroker> broker;
  std::unique_ptr<sim::peers::H2Server> h2;
  if (su.protocol == policy::Protocol::kH2) {
    h2 = std::make_unique<sim::peers::H2Server>(world.loop(), world.net_for(server), Endpoint::tcp("", 80), su.h2);
    EXPECT_TRUE(h2->start().ok());
  } else if (su.protocol == policy::Protocol::kMqtt) {
    broker = std::make_unique<sim::peers::MqttBroker>(world.loop(), world.net_for(server), Endpoint::tcp("", 80),
                                                      su.broker);
    EXPECT_TRUE(broker->start().ok());
    for (const auto& [topic, payload] : su.retained) broker->publish(topic, payload, 1, true);
  } else if (su.protocol == policy::Protocol::kWs) {
    ws = std::make_unique<sim::peers::WsEchoServer>(world.loop(), world.net_for(server), Endpoint::tcp("", 80), su.ws);
    EXPECT_TRUE(ws->start().ok());
  } else {
    http = std::make_unique<sim::peers::HttpServer>(world.loop(), world.net_for(server), Endpoint::tcp("", 80));
    http->route(su.route);
    EXPECT_TRUE(http->start().ok());
  }

  auto pol = std::make_shared<policy::Policy>();
  policy::Streamtype st = policy::streamtype("t", su.protocol, "server", 80);
  st.opportunistic = true;
  st.http_method = "GET";
  st.http_url = su.url;
  st.mqtt_topic = su.mqtt_topic;
  st.mqtt_subscribe = su.mqtt_subscribe;
  st.mqtt_qos = su.mqtt_qos;
  pol->streamtypes.push_back(st);

  Capture out, err;
  CatEngineSink sink(err.file());
  stream::Context::Config cfg = sim::testing::context_config(world, client, pol, seed);
  cfg.hooks = sink.hooks();
  auto trace = cfg.hooks.trace;
  cfg.hooks.trace = [&world, trace](std::string_view k, std::string_view t) {
    world.record(k, t);
    trace(k, t);
  };
  cfg.hooks.violation = [&world](std::string_view t) { world.violation(std::string(t)); };
  Run r;
  {
    stream::Context ctx(std::move(cfg));
    proto::h1::register_h1_binding(ctx);
    proto::ws::register_ws_binding(ctx);
    proto::mqtt::register_mqtt_binding(ctx);
    proto::h2::register_h2_binding(ctx);

    CatOptions o;
    o.payload.assign(su.payload.begin(), su.payload.end());
    o.protocol = su.protocol == policy::Protocol::kWs     ? CatProtocol::kWs
                 : su.protocol == policy::Protocol::kMqtt ? CatProtocol::kMqtt
                                                          : CatProtocol::kTransaction;
    o.sees_connection_end = true;
    o.idle = su.idle;
    o.verbose = su.verbose;
    o.out = out.file();
    o.err = err.file();
    CatSession session(world.loop(), o);
    {
      DirectStream direct(sink);
      session.attach(&direct);
      EXPECT_TRUE(direct.start(ctx, "t", session).ok());
      const Micros deadline = world.now() + seconds(60);
      while (!session.done() && world.now() < deadline) world.run_for(millis(10));
      r.done = session.done();
      r.code = session.exit_code();
    }
    world.run_until_idle(1'000'000);
  }
  r.out = out.text();
  r.err = err.text();
  r.violations = world.violations().size();
  if (broker)
    for (const auto& m : broker->received()) r.published.push_back(m.topic + "=" + m.payload);
  return r;
}

TEST(CatSessionSim, GoodGetIsZero) {
  Case su;
  su.route = route(5000);
  auto r = run(su);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, sim::peers::pattern_body(5000));
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.violations, 0u);
}

// The case ss-cat used to call a success: the server announces 1000 body
// bytes, sends 500 and closes. The engine raises CONNECTED, rx, DISCONNECTED
// (no QOS_ACK_REMOTE); ss-cat says so in one line, with the logged cause.
TEST(CatSessionSim, TruncatedBodyIsIncomplete) {
  Case su;
  su.route = route(1000, HttpFault::kTruncateBody);
  auto r = run(su);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.code, 6);
  EXPECT_EQ(r.out, sim::peers::pattern_body(500));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("ss-cat: incomplete: the stream ended (the peer closed it) before QOS_ACK_REMOTE, 500 bytes "
                       "received: protocol error: h1: connection closed mid-message (truncated after 500 of 1000 "
                       "body bytes)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.violations, 0u);
}

// h2 is a transaction as h1 is: QOS_ACK_REMOTE is complete, a stream the
// server resets mid-body is not.
TEST(CatSessionSim, H2GetIsZero) {
  Case su;
  su.protocol = policy::Protocol::kH2;
  su.url = "bytes/5000/4";
  auto r = run(su);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.code, 0) << r.err;
  std::string want(5000, '\0');
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = static_cast<char>(sim::peers::h2_body_byte(4, i));
  EXPECT_TRUE(r.out == want);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.violations, 0u);
}

TEST(CatSessionSim, H2ResetMidBodyIsIncomplete) {
  Case su;
  su.protocol = policy::Protocol::kH2;
  su.url = "bytes/5000/4";
  su.h2.rst_pct = 100;
  auto r = run(su);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.code, 6) << r.err;
  EXPECT_EQ(r.out.size(), 2500u);
  EXPECT_NE(r.err.find("ss-cat: incomplete: the stream ended"), std::string::npos) << r.err;
  EXPECT_EQ(r.violations, 0u);
}

TEST(CatSessionSim, NotFoundIsThreeWithTheStatus) {
  Case su;
  su.url = "missing";
  su.route = route(0);
  auto r = run(su);
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "ss-cat: the peer answered with a failure (QOS_NACK_REMOTE, HTTP 404)\n");
}

// --idle-ms does not turn a stalled h1 body into a success.
TEST(CatSessionSim, SlowBodyWithIdleIsATimeoutNotSuccess) {
  Case su;
  su.route = route(10);
  su.route.piece = 1;
  su.route.piece_gap = seconds(1);
  su.idle = millis(200);
  auto r = run(su);
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(r.out, sim::peers::pattern_body(1));
  EXPECT_NE(r.err.find("timed out: nothing received for 200 ms before the response was complete"), std::string::npos)
      << r.err;
  // Without --idle-ms the same slow body completes.
  su.idle.reset();
  r = run(su);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, sim::peers::pattern_body(10));
}

TEST(CatSessionSim, WsServerCloseDecides) {
  Case su;
  su.protocol = policy::Protocol::kWs;
  su.url = "echo";
  su.payload = "hello";
  su.ws.close_after = 1;
  su.ws.close_code = 1000;
  auto r = run(su);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "hello");
  EXPECT_EQ(r.err, "");

  su.ws.close_code = 1007;
  su.ws.close_reason = "bad text";
  r = run(su);
  EXPECT_EQ(r.code, 6);
  EXPECT_EQ(r.err, "ss-cat: incomplete: the server closed the WebSocket with 1007 (bad text), 5 bytes received\n");

  su.ws = WsEchoOptions();
  su.ws.fault = WsFault::kDropAfterOpen;
  r = run(su);
  EXPECT_EQ(r.code, 6);
  EXPECT_NE(r.err.find("the connection ended (the peer closed it) without the server's Close 1000"), std::string::npos)
      << r.err;
}

// Quiet ends a ws run only when asked for (--idle-ms), after a complete message.
TEST(CatSessionSim, WsQuietEndsTheRunOnlyWithIdle) {
  Case su;
  su.protocol = policy::Protocol::kWs;
  su.url = "echo";
  su.payload = "hello";
  auto r = run(su);
  EXPECT_FALSE(r.done);  // 60 s of quiet: still waiting for the server's Close
  EXPECT_EQ(r.out, "hello");
  su.idle = millis(300);
  r = run(su);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "hello");
}

// -v adds the HTTP status and how the connection ended.
TEST(CatSessionSim, VerboseShowsStatusAndEnd) {
  Case su;
  su.route = route(1000, HttpFault::kTruncateBody);
  su.verbose = true;
  auto r = run(su);
  EXPECT_EQ(r.code, 6);
  EXPECT_NE(r.err.find("ss-cat: HTTP status 200\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ss-cat: connection ended: closed_by_peer\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ss-cat: state DISCONNECTED"), std::string::npos) << r.err;
}

TEST(CatSessionSim, SameSeedSameRun) {
  Case su;
  su.route = route(1000, HttpFault::kTruncateBody);
  su.verbose = true;
  auto a = run(su, 11), b = run(su, 11);
  EXPECT_EQ(a.err, b.err);
  EXPECT_EQ(a.out, b.out);
}

}  // namespace
}  // namespace ss::tools

namespace ss::tools {
namespace {

// ss-cat publishing stdin to a topic at QoS 1: done (0) on the PUBACK.
TEST(CatSessionSim, MqttQos1PublishIsZeroOnPuback) {
  Case su;
  su.protocol = policy::Protocol::kMqtt;
  su.mqtt_topic = "cat/out";
  su.mqtt_qos = 1;
  su.payload = "reading=42";
  auto r = run(su);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.published, std::vector<std::string>{"cat/out=reading=42"});
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.violations, 0u);
}

// A broker that never acknowledges: three DUP resends, then QOS_NACK_REMOTE (3).
TEST(CatSessionSim, MqttPublishNeverAckedIsThree) {
  Case su;
  su.protocol = policy::Protocol::kMqtt;
  su.mqtt_topic = "cat/out";
  su.mqtt_qos = 1;
  su.payload = "x";
  su.broker.drop_puback_pct = 100;
  auto r = run(su);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_EQ(r.published.size(), 4u);
  EXPECT_EQ(r.err, "ss-cat: the peer answered with a failure (QOS_NACK_REMOTE)\n");
}

// ss-cat -n printing a subscription: the retained message, then done (0)
// after --idle-ms of quiet.
TEST(CatSessionSim, MqttSubscriptionIsPrintedUntilQuiet) {
  Case su;
  su.protocol = policy::Protocol::kMqtt;
  su.mqtt_subscribe = "cfg/#";
  su.retained = {{"cfg/a", "alpha;"}, {"cfg/b", "beta;"}, {"other", "no"}};
  su.idle = millis(300);
  auto r = run(su);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "alpha;beta;");
  // Without --idle-ms, a subscription has no end: ss-cat waits (the 60 s
  // budget of this test runs out first).
  su.idle.reset();
  r = run(su);
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.out, "alpha;beta;");
}

}  // namespace
}  // namespace ss::tools

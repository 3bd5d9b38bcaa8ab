// The simulated servers, driven by the sans-IO client cores over the
// simulated network: every route option and every misbehaviour gives the
// client events we can name.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/proto/h1/h1_client.h"
#include "runtime/proto/ws/ws_client.h"
#include "sim/peers/http_server.h"
#include "sim/peers/ws_echo_server.h"
#include "sim/world.h"

namespace ss::sim::peers {
namespace {

using namespace ss::proto;

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Sends requests one after another on one connection, collects events.
struct H1Driver : ConnectionHandler {
  h1::Client client;
  std::unique_ptr<Connection> conn;
  std::vector<h1::Event> events;
  std::optional<EndReason> ended;
  std::string body;

  void start(Net& net, std::uint16_t port, std::vector<h1::Request> reqs) {
    conn = net.connect(Endpoint::tcp("server", port), {}, this);
    pending = std::move(reqs);
    send_next();
  }
  void send_next() {
    if (pending.empty()) return;
    auto head = client.send_request(pending.front());
    ASSERT_TRUE(head.ok()) << head.error().message();
    pending.erase(pending.begin());
    conn->write(*head);
  }
  void on_data(std::span<const std::uint8_t> b) override {
    client.receive_data(b);
    drain();
  }
  void drain() {
    for (h1::Event e = client.next_event(); !std::holds_alternative<h1::NeedData>(e); e = client.next_event()) {
      if (auto* b = std::get_if<h1::BodyEvent>(&e)) {
        body.append(b->data.begin(), b->data.end());
        b->data = {};  // kept for its kind only: the bytes are in `body`, the read buffer goes away
      }
      bool complete = std::holds_alternative<h1::CompleteEvent>(e);
      events.push_back(std::move(e));
      if (complete && client.can_reuse()) send_next();
    }
  }
  void on_end(EndReason r) override {
    ended = r;
    client.receive_data({});
    drain();
  }
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& e : merge_body_events(events)) out.push_back(h1::describe(e).substr(0, h1::describe(e).find(' ')));
    return out;
  }
  std::vector<h1::Request> pending;
};

h1::Request get(std::string path) {
  h1::Request r;
  r.target = std::move(path);
  r.host = "server";
  return r;
}

struct H1Fixture : ::testing::Test {
  World world{WorldOptions{.seed = 5}};
  int client_host = world.add_host("client");
  int server_host = world.add_host("server");
  HttpServer server{world.loop(), world.net_for(server_host), Endpoint::tcp("", 80)};
  H1Driver d;
  void run(std::vector<h1::Request> reqs) {
    ASSERT_TRUE(server.start().ok());
    d.start(world.net_for(client_host), 80, std::move(reqs));
    world.run_for(seconds(30));
  }
};

TEST_F(H1Fixture, ContentLengthKeepAliveTwoRequests) {
  server.route({.path = "/a", .body_size = 3000});
  server.route({.path = "/b", .body_size = 10, .chunked = true});
  run({get("/a"), get("/b?x=1")});
  EXPECT_EQ(server.connections_accepted(), 1u);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(h1::find_header(server.requests()[0].headers, "host"), "server");
  EXPECT_EQ(d.body, pattern_body(3000) + pattern_body(10));
  EXPECT_EQ(d.kinds(), (std::vector<std::string>{"head", "body", "complete", "head", "body", "complete"}));
}

TEST_F(H1Fixture, UntilCloseSlowBody) {
  server.route({.path = "/", .body_size = 100, .until_close = true, .piece = 7, .piece_gap = millis(50)});
  run({get("/")});
  EXPECT_EQ(d.body, pattern_body(100));
  EXPECT_EQ(d.kinds(), (std::vector<std::string>{"head", "body", "complete", "closed"}));
  EXPECT_EQ(d.ended, EndReason::kClosedByPeer);
}

TEST_F(H1Fixture, RetryAfterAndRedirect) {
  server.route({.path = "/busy", .status = 503, .reason = "Busy", .retry_after = 7u});
  server.route({.path = "/moved", .status = 302, .reason = "Found", .location = "http://server/busy"});
  run({get("/moved"), get("/busy")});
  auto heads = std::vector<h1::Head>{};
  for (const auto& e : d.events)
    if (auto* h = std::get_if<h1::HeadEvent>(&e)) heads.push_back(h->head);
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(h1::redirect_location(heads[0]), "http://server/busy");
  EXPECT_EQ(h1::retry_after_seconds(heads[1]), 7u);
}

TEST_F(H1Fixture, DelayedResponse) {
  server.route({.path = "/", .body_size = 1, .delay = seconds(5)});
  ASSERT_TRUE(server.start().ok());
  d.start(world.net_for(client_host), 80, {get("/")});
  world.run_for(seconds(4));
  EXPECT_TRUE(d.events.empty());
  world.run_for(seconds(2));
  EXPECT_EQ(d.body, "a");
}

TEST_F(H1Fixture, UnknownPathIs404) {
  run({get("/nope")});
  ASSERT_FALSE(d.events.empty());
  EXPECT_EQ(std::get<h1::HeadEvent>(d.events[0]).head.status, 404);
}

std::string last_error(const H1Driver& d) {
  for (const auto& e : d.events)
    if (auto* err = std::get_if<h1::ErrorEvent>(&e)) return err->message;
  return "";
}

TEST_F(H1Fixture, TruncatedBody) {
  server.route({.path = "/", .body_size = 100, .fault = HttpFault::kTruncateBody});
  run({get("/")});
  EXPECT_NE(last_error(d).find("truncated"), std::string::npos) << last_error(d);
  EXPECT_EQ(d.body, pattern_body(50));
}

TEST_F(H1Fixture, GarbageHeader) {
  server.route({.path = "/", .fault = HttpFault::kGarbageHeader});
  run({get("/")});
  EXPECT_NE(last_error(d).find("HPE_"), std::string::npos) << last_error(d);
}

TEST_F(H1Fixture, OversizedHeader) {
  server.route({.path = "/", .fault = HttpFault::kOversizedHeader});
  run({get("/")});
  EXPECT_NE(last_error(d).find("limit"), std::string::npos) << last_error(d);
}

TEST_F(H1Fixture, CloseBeforeResponse) {
  server.route({.path = "/", .fault = HttpFault::kCloseBeforeResponse});
  run({get("/")});
  EXPECT_EQ(d.kinds(), (std::vector<std::string>{"closed"}));
}

// "Connection: close" with the FIN held back: the connection stays open for
// close_delay, and a request sent on it meanwhile is counted, never answered.
TEST_F(H1Fixture, CloseDelayHoldsFinAndCountsLateRequest) {
  server.route({.path = "/", .body_size = 5, .close_after = true, .close_delay = seconds(2)});
  ASSERT_TRUE(server.start().ok());
  d.start(world.net_for(client_host), 80, {get("/")});
  world.run_for(seconds(1));
  EXPECT_EQ(d.body, pattern_body(5));
  EXPECT_FALSE(d.ended.has_value());
  d.conn->write(std::string("GET / HTTP/1.1\r\nHost: server\r\n\r\n"));
  world.run_for(seconds(2));
  EXPECT_EQ(d.ended, EndReason::kClosedByPeer);
  EXPECT_EQ(server.requests_after_close(), 1u);
  EXPECT_EQ(server.requests().size(), 1u);
}

// ws ------------------------------------------------------------------------

struct WsDriver : ConnectionHandler {
  Rng rng{9};
  ws::Client client;
  std::unique_ptr<Connection> conn;
  std::vector<ws::Event> events;
  std::vector<std::string> to_send;
  explicit WsDriver(ws::Options o = {}) : client(rng, std::move(o)) {}
  void start(Net& net) {
    conn = net.connect(Endpoint::tcp("server", 81), {}, this);
    conn->write(*client.open("server", "/echo"));
  }
  void flush() {
    auto out = client.take_output();
    if (!out.empty()) conn->write(out);
  }
  void on_data(std::span<const std::uint8_t> b) override {
    client.receive_data(b);
    drain();
  }
  void drain() {
    for (ws::Event e = client.next_event(); !std::holds_alternative<ws::NeedData>(e); e = client.next_event()) {
      bool opened = std::holds_alternative<ws::OpenEvent>(e);
      events.push_back(std::move(e));
      if (opened)
        for (const auto& m : to_send) {
          // Two fragments per message, to exercise SOM/EOM -> FIN.
          std::size_t half = m.size() / 2;
          EXPECT_TRUE(client.send(bytes(m.substr(0, half)), false, true, false).ok());
          EXPECT_TRUE(client.send(bytes(m.substr(half)), false, false, true).ok());
        }
    }
    flush();
  }
  void on_end(EndReason) override {
    client.receive_data({});
    drain();
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(ws::describe(e));
    return out;
  }
};

struct WsFixture : ::testing::Test {
  World world{WorldOptions{.seed = 6}};
  int client_host = world.add_host("client");
  int server_host = world.add_host("server");
  void run(WsEchoServer& server, WsDriver& d) {
    ASSERT_TRUE(server.start().ok());
    d.start(world.net_for(client_host));
    world.run_for(seconds(10));
  }
};

TEST_F(WsFixture, EchoPingAndCloseCode) {
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81),
                      {.subprotocol = "chat", .ping_on_open = true, .close_after = 2, .close_code = 4001});
  WsDriver d(ws::Options{.subprotocol = "chat"});
  d.to_send = {"hello", "world!"};
  run(server, d);
  EXPECT_EQ(server.messages_echoed(), 2u);
  EXPECT_EQ(server.pongs_received(), 1u);
  EXPECT_EQ(d.texts(), (std::vector<std::string>{"open chat", "ping 5", "frag text som eom 5",
                                                 "frag text som eom 6", "close 4001 bye", "closed clean=1"}));
  EXPECT_EQ(server.close_codes(), std::vector<std::uint16_t>{4001});  // our echo of its code
}

// A frozen server answers nothing on its open connections (no echo, no
// pong) and keeps them open; a new connection is served as usual.
TEST_F(WsFixture, FreezeSilencesOpenConnectionsOnly) {
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81));
  WsDriver d;
  d.to_send = {"before"};
  run(server, d);
  ASSERT_EQ(server.messages_echoed(), 1u);
  server.freeze();
  ASSERT_TRUE(d.client.send(bytes("after"), false, true, true).ok());
  ASSERT_TRUE(d.client.ping(bytes("p")).ok());
  d.flush();
  const std::size_t events = d.events.size();
  world.run_for(seconds(10));
  EXPECT_EQ(server.messages_echoed(), 1u);
  EXPECT_EQ(d.events.size(), events) << "a frozen server sent something";
  WsDriver fresh;
  fresh.to_send = {"new"};
  fresh.start(world.net_for(client_host));
  world.run_for(seconds(1));
  EXPECT_EQ(server.messages_echoed(), 2u);
}

TEST_F(WsFixture, WrongAccept) {
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81), {.fault = WsFault::kWrongAccept});
  WsDriver d;
  run(server, d);
  ASSERT_FALSE(d.events.empty());
  EXPECT_NE(d.texts()[0].find("Sec-WebSocket-Accept"), std::string::npos) << d.texts()[0];
}

TEST_F(WsFixture, RefusedWithRetryAfter) {
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81),
                      {.fault = WsFault::kRefuse, .retry_after = 3u});
  WsDriver d;
  run(server, d);
  ASSERT_TRUE(d.client.last_head().has_value());
  EXPECT_EQ(d.client.last_head()->status, 503);
  EXPECT_EQ(h1::retry_after_seconds(*d.client.last_head()), 3u);
}

TEST_F(WsFixture, DropAfterOpenIsUncleanClose) {
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81), {.fault = WsFault::kDropAfterOpen});
  WsDriver d;
  run(server, d);
  EXPECT_EQ(d.texts(), (std::vector<std::string>{"open ", "closed clean=0"}));
}

TEST_F(WsFixture, BadFrameIsProtocolError) {
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81), {.fault = WsFault::kBadFrame});
  WsDriver d;
  run(server, d);
  ASSERT_EQ(d.events.size(), 2u) << d.texts().back();
  EXPECT_NE(d.texts()[1].find("protocol error"), std::string::npos);
}

TEST_F(WsFixture, EchoInFragmentsWithPingsAndConnectionLog) {
  WsEchoOptions o;
  o.echo_frame = 2;
  o.ping_between = true;
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81), o);
  WsDriver d;
  d.to_send = {"hello", ""};
  run(server, d);
  EXPECT_EQ(d.texts(), (std::vector<std::string>{"open ", "frag text som 2", "ping 1", "frag text 2", "ping 1",
                                                 "frag text eom 1", "frag text som eom 0"}));
  EXPECT_EQ(server.pongs_received(), 2u);
  ASSERT_EQ(server.connections().size(), 1u);
  const WsConnRecord& r = server.connections()[0];
  EXPECT_TRUE(r.upgraded);
  EXPECT_EQ(r.target, "/echo");
  EXPECT_GT(r.at, 0);
  EXPECT_TRUE(h1::find_header(r.headers, "sec-websocket-key").has_value());
  EXPECT_EQ(r.echoed, (std::vector<std::string>{"hello", ""}));
}

TEST_F(WsFixture, RefusesOnlyTheFirstUpgrades) {
  WsEchoOptions o;
  o.fault = WsFault::kRefuse;
  o.retry_after = 1u;
  o.refuse_first = 1;
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81), o);
  WsDriver first, second;
  run(server, first);
  second.to_send = {"hi"};
  second.start(world.net_for(client_host));
  world.run_for(seconds(10));
  ASSERT_TRUE(first.client.last_head().has_value());
  EXPECT_EQ(first.client.last_head()->status, 503);
  EXPECT_EQ(second.texts(), (std::vector<std::string>{"open ", "frag text som eom 2"}));
  ASSERT_EQ(server.connections().size(), 2u);
  EXPECT_FALSE(server.connections()[0].upgraded);
  EXPECT_EQ(server.connections()[1].echoed, std::vector<std::string>{"hi"});
}

TEST_F(WsFixture, CloseMidMessageSendsHalfAnEchoThenEnds) {
  WsEchoOptions o;
  o.close_after = 2;
  o.fault = WsFault::kCloseMidMessage;
  WsEchoServer server(world.loop(), world.net_for(server_host), Endpoint::tcp("", 81), o);
  WsDriver d;
  d.to_send = {"one", "second", "third"};
  run(server, d);
  // The second message: three of its six bytes, no FIN, then the end.
  EXPECT_EQ(d.texts(), (std::vector<std::string>{"open ", "frag text som eom 3", "frag text som 3", "closed clean=0"}));
  ASSERT_EQ(server.connections().size(), 1u);
  EXPECT_EQ(server.connections()[0].echoed, std::vector<std::string>{"one"});
}

}  // namespace
}  // namespace ss::sim::peers

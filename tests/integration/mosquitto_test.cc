// MQTT streams on the production backend against a real broker: Debian's
// mosquitto, started by the test itself on a free loopback port with a
// temporary config (no system service), anonymous, no persistence.
//   - publish/subscribe round trip through our own streams, QoS 1 acks;
//   - a will message: a stream with mqtt_will_* reaches the broker through
//     a socat relay the test kills (so the connection dies without our
//     DISCONNECT), and a second stream subscribed to the will topic sees it;
//   - the same will, retained, seen by mosquitto_sub, a client that is not ours;
//   - two streams to the broker share one TCP connection (counted in
//     /proc/net/tcp), each hearing its own subscription;
//   - broker restart: a nailed_up subscriber reconnects by its retry policy,
//     subscribes again, and gets what is published after the restart.
// Skipped when mosquitto is not installed (tools/setup installs it).
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"

namespace ss::itest {
namespace {

using S = State;

const char* kMosquitto = "/usr/sbin/mosquitto";
const char* kMosquittoSub = "/usr/bin/mosquitto_sub";

// Established TCP connections (IPv4) whose remote port is `port`: our
// client ends of connections to the broker.
int connections_to(int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  int n = 0;
  while (std::getline(tcp, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    const auto colon = remote.find(':');
    if (state == "01" && colon != std::string::npos && std::stoi(remote.substr(colon + 1), nullptr, 16) == port) ++n;
  }
  return n;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Mosquitto : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kMosquitto, X_OK) != 0) GTEST_SKIP() << "mosquitto is not installed (tools/setup)";
    port_ = free_port();
    relay_port_ = free_port();
    const std::string dir = env("TEST_TMPDIR").empty() ? "/tmp" : env("TEST_TMPDIR");
    conf_ = dir + "/mosquitto-" + std::to_string(port_) + ".conf";
    std::ofstream(conf_) << "listener " << port_ << " 127.0.0.1\n"
                         << "allow_anonymous true\npersistence false\nlog_dest stderr\n"
                         << (::getuid() == 0 ? "user root\n" : "");
    start_broker();
  }

  void start_broker() {
    broker_ = std::make_unique<Child>(std::vector<std::string>{kMosquitto, "-c", conf_});
    ASSERT_TRUE(broker_->running());
    ASSERT_TRUE(wait_listening(port_)) << "mosquitto did not listen on " << port_;
  }

  std::string policy() const {
    const std::string ep = R"("endpoint":"127.0.0.1","port":)" + std::to_string(port_) + R"(,"protocol":"mqtt",)";
    const std::string relay =
        R"("endpoint":"127.0.0.1","port":)" + std::to_string(relay_port_) + R"(,"protocol":"mqtt",)";
    return R"({"release":"1","product":"mqtt-it","schema-version":1,)"
           R"("retry":[{"quick":{"backoff":[100,200,400],"conceal":65535,"jitterpc":1,"svalidping":2}}],)"
           R"("s":[)"
           R"({"pubsub":{)" + ep + R"("mqtt_topic":"ss/it/a","mqtt_subscribe":"ss/it/#","mqtt_qos":1,)"
           R"("mqtt_keep_alive":10,"mqtt_clean_start":true,"retry":"quick"}},)"
           R"({"watcher":{)" + ep + R"("mqtt_subscribe":"ss/will/#","mqtt_qos":1,"mqtt_clean_start":true,)"
           R"("retry":"quick"}},)"
           R"({"dying":{)" + relay + R"("mqtt_topic":"ss/dying/out","mqtt_will_topic":"ss/will/${dev}",)"
           R"("mqtt_will_message":"${dev} is gone","mqtt_will_qos":1,"mqtt_clean_start":true,)"
           R"("metadata":[{"dev":""}],"opportunistic":true}},)"
           R"({"dying_kept":{)" + relay + R"("mqtt_topic":"ss/dying/out","mqtt_will_topic":"ss/will/${dev}",)"
           R"("mqtt_will_message":"${dev} is gone","mqtt_will_qos":1,"mqtt_will_retain":true,)"
           R"("mqtt_clean_start":true,"metadata":[{"dev":""}],"opportunistic":true}},)"
           R"({"sub":{)" + ep + R"("mqtt_subscribe":"ss/restart","mqtt_qos":1,"mqtt_clean_start":true,)"
           R"("nailed_up":true,"retry":"quick"}},)"
           R"({"pub":{)" + ep + R"("mqtt_topic":"ss/restart","mqtt_qos":1,"mqtt_clean_start":true,)"
           R"("retry":"quick"}},)"
           R"({"left":{)" + ep + R"("mqtt_topic":"ss/share/right","mqtt_subscribe":"ss/share/left","mqtt_qos":1,)"
           R"("nailed_up":true,"retry":"quick"}},)"
           R"({"right":{)" + ep + R"("mqtt_topic":"ss/share/left","mqtt_subscribe":"ss/share/right","mqtt_qos":1,)"
           R"("nailed_up":true,"retry":"quick"}})"
           R"(]})";
  }

  int port_ = 0, relay_port_ = 0;
  std::string conf_;
  std::unique_ptr<Child> broker_;
};

TEST_F(Mosquitto, PublishSubscribeRoundTripWithQos1Ack) {
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Client c;
  c.message = "hello through mosquitto";
  auto s = stack.ctx().create("pubsub", c.handlers());
  ASSERT_TRUE(s.ok()) << s.error().message();
  s->request_tx();
  EXPECT_TRUE(stack.run_until([&] { return c.got_eom && c.saw(S::kQosAckRemote); }, seconds(10)))
      << names(c.states);
  EXPECT_EQ(c.got, c.message);  // our own publish, back through our subscription
  const std::vector<S> want = {S::kCreating, S::kPoll, S::kConnecting, S::kConnected, S::kQosAckRemote};
  EXPECT_EQ(c.states, want) << names(c.states);
  s->reset();
  stack.run_for(millis(50));
  EXPECT_TRUE(stack.violations().empty());
}

TEST_F(Mosquitto, WillIsSeenBySecondClientWhenTheConnectionDies) {
  auto relay = std::make_unique<Child>(std::vector<std::string>{
      "socat", "TCP4-LISTEN:" + std::to_string(relay_port_) + ",bind=127.0.0.1,reuseaddr,fork",
      "TCP4:127.0.0.1:" + std::to_string(port_)});
  ASSERT_TRUE(relay->running());
  ASSERT_TRUE(wait_listening(relay_port_));
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Client watcher, dying;
  auto w = stack.ctx().create("watcher", watcher.handlers());
  ASSERT_TRUE(w.ok());
  w->connect();
  ASSERT_TRUE(stack.run_until([&] { return watcher.saw(S::kConnected); }, seconds(10))) << names(watcher.states);
  auto d = stack.ctx().create("dying", dying.handlers());
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->set_metadata("dev", "dev42").ok());
  d->connect();
  ASSERT_TRUE(stack.run_until([&] { return dying.saw(S::kConnected); }, seconds(10))) << names(dying.states);
  relay->kill();  // the TCP connection dies: no DISCONNECT reaches the broker
  EXPECT_TRUE(stack.run_until([&] { return watcher.got_eom; }, seconds(10)));
  EXPECT_EQ(watcher.got, "dev42 is gone");
  EXPECT_TRUE(stack.run_until([&] { return dying.saw(S::kDisconnected); }, seconds(5))) << names(dying.states);
  d->reset();
  w->reset();
  stack.run_for(millis(50));
}

TEST_F(Mosquitto, WillIsSeenByMosquittoSub) {
  if (::access(kMosquittoSub, X_OK) != 0) GTEST_SKIP() << "mosquitto_sub is not installed (tools/setup)";
  auto relay = std::make_unique<Child>(std::vector<std::string>{
      "socat", "TCP4-LISTEN:" + std::to_string(relay_port_) + ",bind=127.0.0.1,reuseaddr,fork",
      "TCP4:127.0.0.1:" + std::to_string(port_)});
  ASSERT_TRUE(relay->running());
  ASSERT_TRUE(wait_listening(relay_port_));
  const std::string out = conf_ + ".sub";
  // One message, at most 10 s; its payload goes to `out`.
  auto sub = std::make_unique<Child>(std::vector<std::string>{
      "/bin/sh", "-c",
      std::string(kMosquittoSub) + " -h 127.0.0.1 -p " + std::to_string(port_) + " -q 1 -C 1 -W 10 -t 'ss/will/#' > " +
          out});
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  // mosquitto_sub subscribes some time after connecting, later than any
  // fixed wait on a loaded machine; the will is retained (mqtt_will_retain)
  // so the broker hands it over whenever the subscription lands.
  ASSERT_TRUE(stack.run_until([&] { return connections_to(port_) >= 1; }, seconds(5)));
  Client dying;
  auto d = stack.ctx().create("dying_kept", dying.handlers());
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->set_metadata("dev", "dev9").ok());
  d->connect();
  ASSERT_TRUE(stack.run_until([&] { return dying.saw(S::kConnected); }, seconds(10))) << names(dying.states);
  relay->kill();  // no DISCONNECT reaches the broker
  EXPECT_TRUE(stack.run_until([&] { return read_file(out) == "dev9 is gone\n"; }, seconds(10))) << read_file(out);
  d->reset();
  stack.run_for(millis(50));
}

TEST_F(Mosquitto, TwoStreamsShareOneConnection) {
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Client left, right;
  left.message = "to the right";
  right.message = "to the left";
  auto l = stack.ctx().create("left", left.handlers());
  auto r = stack.ctx().create("right", right.handlers());
  ASSERT_TRUE(l.ok() && r.ok());
  ASSERT_TRUE(stack.run_until([&] { return left.saw(S::kConnected) && right.saw(S::kConnected); }, seconds(10)))
      << names(left.states) << " / " << names(right.states);
  EXPECT_EQ(connections_to(port_), 1);
  l->request_tx();
  r->request_tx();
  EXPECT_TRUE(stack.run_until([&] { return left.got_eom && right.got_eom; }, seconds(10)));
  EXPECT_EQ(left.got, "to the left");
  EXPECT_EQ(right.got, "to the right");
  EXPECT_TRUE(stack.run_until([&] { return left.saw(S::kQosAckRemote) && right.saw(S::kQosAckRemote); }, seconds(5)));
  EXPECT_EQ(connections_to(port_), 1);
  l->reset();  // right stays on the connection, subscribed
  stack.run_for(millis(200));
  EXPECT_EQ(connections_to(port_), 1);
  EXPECT_FALSE(right.saw(S::kDisconnected)) << names(right.states);
  r->reset();
  stack.run_for(millis(50));
  EXPECT_TRUE(stack.violations().empty());
}

TEST_F(Mosquitto, CleanCloseSendsNoWill) {
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Client watcher, leaving;
  auto w = stack.ctx().create("watcher", watcher.handlers());
  ASSERT_TRUE(w.ok());
  w->connect();
  ASSERT_TRUE(stack.run_until([&] { return watcher.saw(S::kConnected); }, seconds(10)));
  // "dying" through the broker directly this time: a normal destroy sends
  // DISCONNECT, and the broker must drop the will.
  auto relay = std::make_unique<Child>(std::vector<std::string>{
      "socat", "TCP4-LISTEN:" + std::to_string(relay_port_) + ",bind=127.0.0.1,reuseaddr,fork",
      "TCP4:127.0.0.1:" + std::to_string(port_)});
  ASSERT_TRUE(wait_listening(relay_port_));
  auto d = stack.ctx().create("dying", leaving.handlers());
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->set_metadata("dev", "dev7").ok());
  d->connect();
  ASSERT_TRUE(stack.run_until([&] { return leaving.saw(S::kConnected); }, seconds(10)));
  d->reset();
  stack.run_for(millis(500));
  EXPECT_EQ(watcher.got, "");
  w->reset();
  stack.run_for(millis(50));
}

TEST_F(Mosquitto, BrokerRestartReconnectsAndResubscribes) {
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Client sub;
  auto s = stack.ctx().create("sub", sub.handlers());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(stack.run_until([&] { return sub.saw(S::kConnected); }, seconds(10))) << names(sub.states);

  auto publish = [&](const std::string& text) {
    Client pub;
    pub.message = text;
    auto p = stack.ctx().create("pub", pub.handlers());
    EXPECT_TRUE(p.ok());
    p->request_tx();
    EXPECT_TRUE(stack.run_until([&] { return pub.saw(S::kQosAckRemote); }, seconds(10))) << names(pub.states);
    p->reset();
  };
  publish("before");
  ASSERT_TRUE(stack.run_until([&] { return sub.got == "before"; }, seconds(10))) << sub.got;

  broker_->kill();
  ASSERT_TRUE(stack.run_until([&] { return sub.saw(S::kDisconnected); }, seconds(10))) << names(sub.states);
  start_broker();
  ASSERT_TRUE(stack.run_until([&] { return sub.count(S::kConnected) >= 2; }, seconds(10))) << names(sub.states);
  publish("after");
  EXPECT_TRUE(stack.run_until([&] { return sub.got == "beforeafter"; }, seconds(10))) << sub.got;
  s->reset();
  stack.run_for(millis(50));
  EXPECT_TRUE(stack.violations().empty());
}

}  // namespace
}  // namespace ss::itest

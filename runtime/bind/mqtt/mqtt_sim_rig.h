// The mqtt binding's test rig in the simulator: one broker host
// (sim/peers/MqttBroker), one client host with a Context and the mqtt
// binding, and streams that record their states and rx (used by
// mqtt_binding_sim_test.cc and mqtt_shared_sim_test.cc).
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/mqtt/mqtt_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/peers/mqtt_broker.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::proto::mqtt::sim_rig {

using sim::peers::MqttBroker;
using sim::peers::MqttBrokerOptions;
using stream::Ret;

using stream::State;
using enum stream::State;
constexpr std::uint32_t SOM = stream::kFlagSom, EOM = stream::kFlagEom;

struct Rig {
  explicit Rig(MqttBrokerOptions bo = {}, std::uint64_t seed = 4) : world(options(seed)) {
    client = world.add_host("client");
    server = world.add_host("broker");
    broker.emplace(world.loop(), world.net_for(server), Endpoint::tcp("", 1883), bo);
    EXPECT_TRUE(broker->start().ok());
  }
  static sim::WorldOptions options(std::uint64_t seed) {
    sim::WorldOptions wo;
    wo.seed = seed;
    return wo;
  }

  policy::Streamtype& add(const std::string& name) {
    policy::Streamtype st = policy::streamtype(name, policy::Protocol::kMqtt, "broker", 1883);
    st.retry = 0;
    pol->streamtypes.push_back(st);
    return pol->streamtypes.back();
  }

  void start(policy::RetryPolicy rp = {}) {
    rp.name = "r";
    pol->retries.push_back(rp);
    auto cfg = sim::testing::context_config(world, client, pol, 4);
    cfg.hooks.log = [this](std::string_view t) { logs.emplace_back(t); };
    ctx.emplace(std::move(cfg));
    register_mqtt_binding(*ctx);
  }

  // A stream that records its states and rx and sends `tx` (one message per
  // string, SOM|EOM) once connected.
  struct Client {
    std::vector<stream::State> states;
    std::vector<std::pair<std::string, std::uint32_t>> rx;
    std::vector<std::string> tx;
    std::size_t next = 0;
    stream::Stream* s = nullptr;
    std::function<void(State)> on_state;
  };
  Client& open(const std::string& streamtype, std::vector<std::string> tx = {},
               std::vector<std::pair<std::string, std::string>> md = {}) {
    auto& c = clients.emplace_back(std::make_unique<Client>());
    Client* cp = c.get();
    cp->tx = std::move(tx);
    stream::StreamInfo info;
    info.streamtype = streamtype;
    info.callbacks.state = [cp](stream::State state, std::uint32_t) {
      cp->states.push_back(state);
      if (cp->on_state) cp->on_state(state);
      if (state == kDestroying) cp->s = nullptr;  // reclaimed after this: finish() must not touch it
      if (state == kConnected && cp->next < cp->tx.size()) cp->s->request_tx();
      return Ret::kOk;
    };
    info.callbacks.rx = [cp](std::span<const std::uint8_t> b, std::uint32_t flags) {
      cp->rx.emplace_back(std::string(b.begin(), b.end()), flags);
      return Ret::kOk;
    };
    info.callbacks.tx = [cp](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      if (cp->next >= cp->tx.size()) return Ret::kTxDontSend;
      const std::string& m = cp->tx[cp->next++];
      std::copy(m.begin(), m.end(), buf.begin());
      len = m.size();
      flags = SOM | EOM;
      if (cp->next < cp->tx.size()) cp->s->request_tx();
      return Ret::kOk;
    };
    auto created = ctx->create(std::move(info));
    EXPECT_TRUE(created.ok());
    cp->s = *created;
    for (const auto& [k, v] : md) EXPECT_TRUE(cp->s->set_metadata(k, v).ok());
    cp->s->client_connect();
    return *cp;
  }

  void finish() {
    for (auto& c : clients)
      if (c->s) c->s->destroy();
    world.run_until_idle(1'000'000);
    EXPECT_EQ(world.violations().size(), 0u);
  }

  sim::World world;
  int client = 0, server = 0;
  std::optional<MqttBroker> broker;
  std::shared_ptr<policy::Policy> pol = std::make_shared<policy::Policy>();
  std::optional<stream::Context> ctx;
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::string> logs;
};

inline std::vector<std::string> topics(const MqttBroker& b) {
  std::vector<std::string> out;
  for (const auto& r : b.received()) out.push_back(r.topic + "=" + r.payload + (r.dup ? "(dup)" : ""));
  return out;
}

}  // namespace ss::proto::mqtt::sim_rig

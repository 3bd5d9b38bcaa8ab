// A test bed for the h1 binding in the simulator: a client, two
// sim::peers::HttpServer hosts ("server" :80 and "other" :8080), links with
// 10 ms latency, and a context with one h1 streamtype "web" aimed at
// server:80/<path>. Used by the reuse/redirect and HTTP feature tests.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/peers/http_server.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::proto::h1::testing {

namespace states {
using stream::State;
using enum stream::State;
inline const std::vector<State> kTxn = {kPoll, kConnecting, kConnected, kQosAckRemote, kDisconnected};
// CREATING followed by the given transactions.
inline std::vector<State> seq(std::initializer_list<std::vector<State>> parts) {
  std::vector<State> out{kCreating};
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
}  // namespace states

// Declare the vectors and strings a Bed stream records into *before* the Bed:
// destroying its context raises DESTROYING into them.
struct Bed {
  // `tweak` adjusts the policy and the streamtype before the context is made.
  using Tweak = std::function<void(policy::Policy&, policy::Streamtype&)>;
  explicit Bed(std::string path, bool allow_redirects = false, const Tweak& tweak = {}) {
    server.route({.path = "/none"});
    other.route({.path = "/none"});
    EXPECT_TRUE(server.start().ok());
    EXPECT_TRUE(other.start().ok());
    auto pol = std::make_shared<policy::Policy>();
    policy::Streamtype st = policy::streamtype("web", policy::Protocol::kH1, "server", 80);
    st.opportunistic = true;
    st.http_url = path.substr(1);
    st.allow_redirects = allow_redirects;
    if (tweak) tweak(*pol, st);
    pol->streamtypes.push_back(st);
    stream::Context::Config cfg = sim::testing::context_config(world, client, pol, 5);
    cfg.hooks.trace = [this](std::string_view k, std::string_view t) {
      if (k == "ss.stale") ++stale;
      world.record(k, t);
    };
    ctx = std::make_unique<stream::Context>(std::move(cfg));
    register_h1_binding(*ctx);
  }

  // A stream that records its states and rx into `states` / `rx`.
  stream::Stream* open(std::vector<stream::State>& states, std::string& rx) {
    stream::StreamInfo info;
    info.streamtype = "web";
    info.callbacks.state = [&states](stream::State state, std::uint32_t) {
      states.push_back(state);
      return stream::Ret::kOk;
    };
    info.callbacks.rx = [this, &rx](std::span<const std::uint8_t> b, std::uint32_t flags) {
      rx.append(b.begin(), b.end());
      rx_log.push_back({std::string(b.begin(), b.end()), flags});
      return stream::Ret::kOk;
    };
    auto s = ctx->create(std::move(info));
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : nullptr;
  }

  static sim::WorldOptions options() {
    sim::WorldOptions wo;
    wo.seed = 9;
    wo.link.latency = millis(10);
    return wo;
  }

  sim::World world{options()};
  int client = world.add_host("client");
  int server_host = world.add_host("server");
  int other_host = world.add_host("other");
  sim::peers::HttpServer server{world.loop(), world.net_for(server_host), Endpoint::tcp("", 80)};
  sim::peers::HttpServer other{world.loop(), world.net_for(other_host), Endpoint::tcp("", 8080)};
  std::unique_ptr<stream::Context> ctx;
  int stale = 0;  // pooled connections found dead and replaced
  std::vector<std::pair<std::string, std::uint32_t>> rx_log;  // every rx: bytes, flags
};

}  // namespace ss::proto::h1::testing

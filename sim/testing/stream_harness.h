// The stream engine's test harness on the simulated world (docs/sim.md,
// "Test helpers"): a StreamWorld, a policy built in code, a context with
// the raw binding, and a recorder of everything a stream's user sees.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/state_table.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/stream_world.h"

namespace ss::sim::testing {

// Streamtypes: "echo" (raw, retry "r3": backoff 1000/2000/4000, conceal 3),
// "once" (raw, no retry policy), "opp" (raw, opportunistic), "sink"
// (local_sink), "nailed"
// (raw, nailed_up), "md" (raw, endpoint "${host}", metadata host/path),
// "forever" (raw, conceal forever), "tmo" (raw, timeout_ms 3000).
inline std::shared_ptr<const policy::Policy> test_policy() {
  policy::PolicyBuilder b(policy::streamtype(policy::Protocol::kRaw, "echo.test", 7));
  b.retry("r3", {1000, 2000, 4000}, 3, 20);
  b.retry("forever", {500, 1000}, policy::RetryPolicy::kConcealForever);
  b.add("echo", [](policy::Streamtype& st) { st.retry = 0; });
  b.add("once");
  b.add("opp", [](policy::Streamtype& st) {
    st.retry = 0;
    st.opportunistic = true;
  });
  b.add("nailed", [](policy::Streamtype& st) {
    st.retry = 0;
    st.nailed_up = true;
  });
  b.add("md", [](policy::Streamtype& st) {
    st.retry = 0;
    st.endpoint = "${host}";
    st.metadata = {{"host", ""}, {"path", ""}};
  });
  b.add("forever", [](policy::Streamtype& st) { st.retry = 1; });
  b.add("tmo", [](policy::Streamtype& st) {
    st.retry = 0;
    st.timeout_ms = 3000;
  });
  b.add("sink", [](policy::Streamtype& st) { st.local_sink = true; });  // served in-process (sink_test)
  return b.build();
}

struct Harness {
  StreamWorld sim;
  World& world = sim.world;
  RecordingNet& net = sim.net;  // the client's Net: connects, bytes, live connections
  std::vector<std::string> violations;
  std::vector<std::string> trace;
  std::unique_ptr<stream::Context> ctx;

  // `buggify`: the engine's BUGGIFY hook (Hooks::buggify); empty = never.
  explicit Harness(std::uint64_t seed = 1, std::function<bool(std::string_view)> buggify = {})
      : sim(seed) {
    stream::Context::Config cfg = context_config(world, sim.client, test_policy(), seed);
    cfg.net = &net;
    cfg.hooks.violation = [this](std::string_view t) { violations.emplace_back(t); };
    cfg.hooks.trace = [this](std::string_view k, std::string_view t) {
      world.record(k, t);
      trace.push_back(std::string(k) + " " + std::string(t));
    };
    cfg.hooks.buggify = std::move(buggify);
    ctx = std::make_unique<stream::Context>(std::move(cfg));
    proto::raw::register_raw_binding(*ctx);
  }
  // Runs until nothing is scheduled (a bound, as the tests never livelock).
  void run_until_idle() { world.run_until_idle(1'000'000); }
  // A stream of `type` with `callbacks` and, when > 0, manual rx credit
  // `manual_credit` (docs/api.md "Sending and receiving"); null (and a
  // test failure) if creation fails.
  stream::Stream* create(const char* type, stream::Callbacks callbacks, std::int32_t manual_credit = 0) {
    stream::StreamInfo info;
    info.streamtype = type;
    info.callbacks = std::move(callbacks);
    info.manual_initial_tx_credit = manual_credit;
    auto s = ctx->create(std::move(info));
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message());
    return s.ok() ? *s : nullptr;
  }
};

// Records what one stream's user sees; answers can be scripted per state.
struct Recorder {
  std::vector<stream::State> states;
  std::vector<std::uint32_t> acks;
  std::vector<std::uint8_t> rx;
  std::vector<std::uint8_t> to_send;  // drained by tx
  std::size_t tx_calls = 0;
  std::function<stream::Ret(stream::State state)> answer;  // default OK
  std::function<stream::Ret()> rx_answer;            // default OK
  std::function<stream::Ret()> tx_answer;            // default OK (sends)

  stream::Callbacks callbacks() {
    stream::Callbacks cb;
    cb.state = [this](stream::State s, std::uint32_t ack) {
      states.push_back(s);
      acks.push_back(ack);
      return answer ? answer(s) : stream::Ret::kOk;
    };
    cb.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      rx.insert(rx.end(), b.begin(), b.end());
      return rx_answer ? rx_answer() : stream::Ret::kOk;
    };
    cb.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len,
                   std::uint32_t& flags) {
      ++tx_calls;
      if (tx_answer) {
        stream::Ret r = tx_answer();
        if (r != stream::Ret::kOk) return r;
      }
      if (to_send.empty()) return stream::Ret::kTxDontSend;
      len = std::min(buf.size(), to_send.size());
      std::copy(to_send.begin(), to_send.begin() + len, buf.begin());
      to_send.erase(to_send.begin(), to_send.begin() + len);
      flags = stream::kFlagSom | stream::kFlagEom;
      return stream::Ret::kOk;
    };
    return cb;
  }
  std::size_t count(stream::State s) const {
    std::size_t n = 0;
    for (stream::State x : states) n += x == s;
    return n;
  }
  bool saw(stream::State s) const { return count(s) > 0; }
  std::string names() const {
    std::string out;
    for (stream::State s : states) {
      if (!out.empty()) out += ",";
      out += stream::state_name(s);
    }
    return out;
  }
};

// What the user of one stream sees, in one log in order: "rx:<bytes>"
// (with "+EOM") and state names.
struct OrderLog {
  std::vector<std::string> events;
  std::function<stream::Ret()> rx_answer;  // default OK

  stream::Callbacks callbacks() {
    stream::Callbacks cb;
    cb.rx = [this](std::span<const std::uint8_t> b, std::uint32_t flags) {
      events.push_back("rx:" + std::string(b.begin(), b.end()) + ((flags & stream::kFlagEom) ? "+EOM" : ""));
      return rx_answer ? rx_answer() : stream::Ret::kOk;
    };
    cb.state = [this](stream::State s, std::uint32_t) {
      events.push_back(stream::state_name(s));
      return stream::Ret::kOk;
    };
    return cb;
  }
  std::string joined() const {
    std::string out;
    for (const auto& e : events) out += (out.empty() ? "" : ",") + e;
    return out;
  }
};

// Checks a state sequence against the table from (none).
inline bool sequence_legal(const std::vector<stream::State>& states, std::string* why = nullptr) {
  stream::State tracked = stream::State::kNone;
  for (stream::State s : states) {
    if (!stream::transition_legal(tracked, s)) {
      if (why) *why = std::string(stream::state_name(tracked)) + " -> " + stream::state_name(s);
      return false;
    }
    tracked = stream::next_tracked(tracked, s);
  }
  return true;
}

}  // namespace ss::sim::testing

// Test harness: a FakeWorld, a policy built in code, a context with the raw
// binding, and a recorder of everything a stream's user sees.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/state_table.h"
#include "runtime/stream/testing/fake_world.h"

namespace ss::stream::testing {

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
  FakeLoop loop;
  FakeNet net{loop};
  std::vector<std::string> violations;
  std::vector<std::string> trace;
  std::unique_ptr<Context> ctx;

  // `buggify`: the engine's BUGGIFY hook (Hooks::buggify); empty = never.
  explicit Harness(std::uint64_t seed = 1, std::function<bool(std::string_view)> buggify = {}) {
    Context::Config cfg;
    cfg.loop = &loop;
    cfg.net = &net;
    cfg.seed = seed;
    cfg.policy = test_policy();
    cfg.hooks.violation = [this](std::string_view t) { violations.emplace_back(t); };
    cfg.hooks.trace = [this](std::string_view k, std::string_view t) {
      trace.push_back(std::string(k) + " " + std::string(t));
    };
    cfg.hooks.buggify = std::move(buggify);
    ctx = std::make_unique<Context>(std::move(cfg));
    proto::raw::register_raw_binding(*ctx);
  }
};

// Records what one stream's user sees; answers can be scripted per state.
struct Recorder {
  std::vector<int> states;
  std::vector<std::uint32_t> acks;
  std::vector<std::uint8_t> rx;
  std::vector<std::uint8_t> to_send;  // drained by tx
  std::size_t tx_calls = 0;
  std::function<Ret(int state)> answer;      // default OK
  std::function<Ret()> rx_answer;            // default OK
  std::function<Ret()> tx_answer;            // default OK (sends)

  Callbacks callbacks() {
    Callbacks cb;
    cb.state = [this](int s, std::uint32_t ack) {
      states.push_back(s);
      acks.push_back(ack);
      return answer ? answer(s) : Ret::kOk;
    };
    cb.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      rx.insert(rx.end(), b.begin(), b.end());
      return rx_answer ? rx_answer() : Ret::kOk;
    };
    cb.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len,
                   std::uint32_t& flags) {
      ++tx_calls;
      if (tx_answer) {
        Ret r = tx_answer();
        if (r != Ret::kOk) return r;
      }
      if (to_send.empty()) return Ret::kTxDontSend;
      len = std::min(buf.size(), to_send.size());
      std::copy(to_send.begin(), to_send.begin() + len, buf.begin());
      to_send.erase(to_send.begin(), to_send.begin() + len);
      flags = kFlagSom | kFlagEom;
      return Ret::kOk;
    };
    return cb;
  }
  std::size_t count(State s) const {
    std::size_t n = 0;
    for (int x : states) n += x == static_cast<int>(s);
    return n;
  }
  bool saw(State s) const { return count(s) > 0; }
  std::string names() const {
    std::string out;
    for (int s : states) {
      if (!out.empty()) out += ",";
      out += state_name(s);
    }
    return out;
  }
};

// Checks a state sequence against the table from (none).
inline bool sequence_legal(const std::vector<int>& states, std::string* why = nullptr) {
  State tracked = State::kNone;
  for (int s : states) {
    if (!transition_legal(tracked, s)) {
      if (why) *why = std::string(state_name(tracked)) + " -> " + state_name(s);
      return false;
    }
    tracked = next_tracked(tracked, s);
  }
  return true;
}

}  // namespace ss::stream::testing

// C API streams in the world runner (c_api_port.h): calm worlds of every
// protocol, direct (lws_ss_*) and through the proxy (lws_sspc_*), pass
// every invariant; so do answers, destroy inside a callback, manual credit
// and the user's timer through the C API. The world's own wrong
// expectations (Plant) still fail through it, so the actor is really
// reached through the C callbacks. The [c-api] check itself fails under a
// planted capi bug in c_api_planted_test.cc.
#include <gtest/gtest.h>

#include <string>

#include "runtime/stream/states.h"
#include "sim/scenarios/world/world_testing.h"

namespace ss::sim::world {
namespace {

using gen::Proto;

void expect_clean(const SeedOutcome& o) {
  EXPECT_FALSE(o.livelock);
  EXPECT_TRUE(o.violations.empty()) << all_violations(o);
}

// One streamtype of `proto`; two C API streams, the second changing its
// metadata while connected and announcing its length.
gen::WorldSpec c_world(Proto proto, bool via_proxy, const std::string& method = "") {
  gen::WorldSpec w = one_server_world({.proto = proto,
                                       .via_proxy = via_proxy,
                                       .method = proto == Proto::kH1 ? method : "",
                                       .url = "x/${room}",
                                       .room_and_tag = true});
  auto& s = w.streams[0];
  s.api = gen::Api::kCApi;
  if (proto == Proto::kH1 && method == "GET") {
    s.download = 300000;
  } else if (proto == Proto::kH1) {
    s.messages = {300000};
  } else {
    s.messages = {100000, 1000, 0, 120000};
  }
  gen::StreamSpec second = s;
  second.start_at = millis(30);
  second.metadata.push_back({millis(5), "tag", "t2"});
  second.tx_mode = gen::TxMode::kRequestTxLen;
  if (second.download) second.download = 5000;
  w.streams.push_back(second);
  return w;
}

struct Case {
  Proto proto;
  bool proxy;
  const char* method;
};

class CApiWorld : public ::testing::TestWithParam<Case> {};

TEST_P(CApiWorld, CalmTransferPassesEveryInvariant) {
  const Case c = GetParam();
  const gen::WorldSpec w = c_world(c.proto, c.proxy, c.method);
  ASSERT_EQ(gen::validate(w), "");
  ASSERT_TRUE(w.calm());
  expect_clean(run_world_spec(w));
}

// The actor's callbacks come through the C ones: a wrong expectation of the
// actor's about what its callbacks were handed still shows.
TEST_P(CApiWorld, ActorsWrongExpectationsStillFail) {
  const Case c = GetParam();
  const gen::WorldSpec w = c_world(c.proto, c.proxy, c.method);
  if (c.proto == Proto::kH1) {
    EXPECT_TRUE(has_violation(run_world_spec(w, Plant::kReplyValue), "response-metadata"));
  } else {
    EXPECT_TRUE(has_violation(run_world_spec(w, Plant::kEchoByte), "bytes-exact"));
  }
  if (c.proto != Proto::kRaw) {
    EXPECT_TRUE(has_violation(run_world_spec(w, Plant::kSomFlag), "som-eom"));
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& i) {
  const Case& c = i.param;
  return std::string(gen::proto_name(c.proto)) + (std::string(c.method).empty() ? "" : std::string("_") + c.method) +
         (c.proxy ? "_sspc" : "_direct");
}

INSTANTIATE_TEST_SUITE_P(World, CApiWorld,
                         ::testing::Values(Case{Proto::kRaw, false, ""}, Case{Proto::kRaw, true, ""},
                                           Case{Proto::kH1, false, "GET"}, Case{Proto::kH1, true, "GET"},
                                           Case{Proto::kH1, false, "POST"}, Case{Proto::kH1, true, "POST"},
                                           Case{Proto::kWs, false, ""}, Case{Proto::kWs, true, ""}),
                         case_name);

// DISCONNECT_ME every 2nd rx; DESTROY_ME at the 3rd CONNECTED answered as
// a C application may: lws_ss_destroy() inside the callback (an odd call),
// or LWSSSSRET_DESTROY_ME (an even one).
TEST(CApiWorld, AnswersAndDestroyInsideACallback) {
  for (bool proxy : {false, true}) {
    for (int at : {3, 2}) {
      gen::WorldSpec w = c_world(Proto::kWs, proxy);
      w.streams.resize(1);
      auto& a = w.streams[0].answers;
      a.disconnect_from = gen::AnswerSpec::From::kRx;
      a.disconnect_every = 2;
      a.destroy_from = gen::AnswerSpec::From::kState;
      a.destroy_state = static_cast<int>(stream::State::kConnected);
      a.destroy_at = at;
      w.streams[0].end_at = seconds(20);
      expect_clean(run_world_spec(w));
    }
  }
}

TEST(CApiWorld, ManualCreditAndThePlantedGrant) {
  for (bool proxy : {false, true}) {
    gen::WorldSpec w = proxied_credit_world();
    w.proxy = w.streams[0].via_proxy = proxy;
    w.streams[0].api = gen::Api::kCApi;
    w.streams[0].reader.kind = gen::ReaderSpec::Kind::kStall;  // holds by withholding credit
    w.streams[0].reader.stall_at = millis(20);
    w.streams[0].reader.stall_for = millis(300);
    ASSERT_EQ(gen::validate(w), "");
    expect_clean(run_world_spec(w));
    EXPECT_TRUE(has_violation(run_world_spec(w, Plant::kCreditGrant), "credit"));
  }
}

TEST(CApiWorld, UserTimerAndThePlantedDue) {
  for (bool proxy : {false, true}) {
    gen::WorldSpec w = c_world(Proto::kRaw, proxy);
    w.streams.resize(1);
    w.streams[0].timeout = {.arm_at = millis(50), .ms = 200};
    expect_clean(run_world_spec(w));
    EXPECT_TRUE(has_violation(run_world_spec(w, Plant::kTimeoutDue), "timeout"));
  }
}

// The C API has no rx hold: a reader that would need one is no C API stream.
TEST(CApiWorld, ValidateRefusesAReaderTheCApiCannotHold) {
  gen::WorldSpec w = c_world(Proto::kRaw, false);
  w.streams[0].reader.kind = gen::ReaderSpec::Kind::kSlow;
  w.streams[0].reader.read_for = millis(10);
  w.streams[0].reader.pause_for = millis(10);
  EXPECT_NE(gen::validate(w).find("streams[0].api"), std::string::npos) << gen::validate(w);
  w.streamtypes[0].manual_initial_tx_credit = 1000;
  EXPECT_EQ(gen::validate(w), "");
}

}  // namespace
}  // namespace ss::sim::world

// AfterEndCheck (after_end_check.h): what may follow a destroy or a
// DISCONNECT_ME, fed callback by callback as an actor feeds it.
#include "sim/scenarios/world/after_end_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ss::sim::world {
namespace {

using stream::Ret;
using stream::State;

struct Recorder {
  std::vector<std::string> ids;
  AfterEndCheck check{[this](const char* id, const std::string&) { ids.push_back(id); }};
};

TEST(AfterEndCheck, DestroyWhileConnectedAllowsDisconnectedThenDestroying) {
  Recorder r;
  r.check.hear("rx", std::nullopt, true);
  r.check.answered("rx", std::nullopt, Ret::kDestroyMe, true);
  r.check.hear("state", State::kDisconnected, true);
  r.check.hear("state", State::kDestroying, false);
  EXPECT_TRUE(r.ids.empty());
}

TEST(AfterEndCheck, RxOrAStateAfterDestroyMeIsReported) {
  Recorder rx;
  rx.check.answered("rx", std::nullopt, Ret::kDestroyMe, true);
  rx.check.hear("rx", std::nullopt, true);
  EXPECT_EQ(rx.ids, std::vector<std::string>{"after-destroy"});
  Recorder ack;
  ack.check.answered("rx", std::nullopt, Ret::kDestroyMe, true);
  ack.check.hear("state", State::kQosAckRemote, true);
  EXPECT_EQ(ack.ids, std::vector<std::string>{"after-destroy"});
}

TEST(AfterEndCheck, DestroyCalledWhileNotConnectedAllowsOnlyDestroying) {
  Recorder r;
  r.check.destroy_called();
  r.check.hear("state", State::kDisconnected, false);  // no connection was up
  EXPECT_EQ(r.ids, std::vector<std::string>{"after-destroy"});
}

TEST(AfterEndCheck, SecondDisconnectedAfterDestroyIsReported) {
  Recorder r;
  r.check.destroy_called();
  r.check.hear("state", State::kDisconnected, true);
  r.check.hear("state", State::kDisconnected, true);
  EXPECT_EQ(r.ids, std::vector<std::string>{"after-destroy"});
}

TEST(AfterEndCheck, DisconnectMeAllowsTheVerdictThenDisconnected) {
  Recorder r;
  r.check.answered("rx", std::nullopt, Ret::kDisconnectMe, true);
  r.check.hear("state", State::kQosAckRemote, true);
  r.check.hear("state", State::kDisconnected, true);
  r.check.hear("state", State::kPoll, false);  // the next connection's
  r.check.hear("rx", std::nullopt, true);
  EXPECT_TRUE(r.ids.empty());
}

TEST(AfterEndCheck, RxOrTxAfterDisconnectMeBeforeDisconnectedIsReported) {
  Recorder rx;
  rx.check.answered("rx", std::nullopt, Ret::kDisconnectMe, true);
  rx.check.hear("rx", std::nullopt, true);
  EXPECT_EQ(rx.ids, std::vector<std::string>{"after-disconnect"});
  Recorder tx;
  tx.check.answered("state", State::kConnected, Ret::kDisconnectMe, true);
  tx.check.hear("tx", std::nullopt, true);
  EXPECT_EQ(tx.ids, std::vector<std::string>{"after-disconnect"});
}

TEST(AfterEndCheck, DisconnectMeWhileNotConnectedOrFromDisconnectedOwesNothing) {
  Recorder r;
  r.check.answered("state", State::kConnecting, Ret::kDisconnectMe, false);
  r.check.hear("state", State::kUnreachable, false);
  r.check.answered("state", State::kDisconnected, Ret::kDisconnectMe, true);
  r.check.hear("state", State::kPoll, false);
  EXPECT_TRUE(r.ids.empty());
}

}  // namespace
}  // namespace ss::sim::world

// ss_fake_create_context: the C API on the FakeWorld (tests only).
#include <algorithm>
#include <string>

#include <ss/backend_c.h>

#include "runtime/capi/c_api.h"
#include "runtime/stream/testing/fake_world.h"

namespace ss::stream::testing {
namespace {

class FakeBackend final : public Backend {
 public:
  FakeBackend() {
    net_.set_mode("refused.test", HostMode::kRefuse);
    net_.set_mode("nxdomain.test", HostMode::kNxdomain);
    net_.set_mode("blackhole.test", HostMode::kBlackhole);
    net_.set_mode("silent.test", HostMode::kSilent);
  }
  Loop& loop() override { return loop_; }
  Net& net() override { return net_; }
  std::uint64_t seed() const override { return 1; }

  int service(int timeout_ms) override {
    if (loop_.pending() == 0) return -1;
    const Micros end = loop_.now() + millis(std::max(timeout_ms, 0));
    loop_.step();  // at least one event per turn
    while (loop_.pending() > 0 && loop_.now() < end) {
      // run_for stops at `end`; events exactly at `end` run too.
      loop_.run_for(end - loop_.now());
    }
    return 0;
  }

  Hooks hooks() override {
    Hooks h;
    h.violation = [](std::string_view t) {
      _lws_log(LLL_ERR, "INVARIANT VIOLATION: %.*s", static_cast<int>(t.size()), t.data());
    };
    return h;
  }

 private:
  FakeLoop loop_;
  FakeNet net_{loop_};
};

}  // namespace
}  // namespace ss::stream::testing

extern "C" struct lws_context* ss_fake_create_context(
    const struct lws_context_creation_info* info) {
  return ss::stream::create_c_context(
      info, std::make_unique<ss::stream::testing::FakeBackend>());
}

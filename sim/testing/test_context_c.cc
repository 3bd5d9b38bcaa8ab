// ss_test_create_context (test_context_c.h): the C API on a StreamWorld,
// through the simulator's C API backend (c_backend.h).
#include "sim/testing/test_context_c.h"

#include <memory>
#include <string>
#include <string_view>

#include "runtime/capi/c_api.h"
#include "sim/testing/c_backend.h"
#include "sim/testing/stream_world.h"

namespace ss::sim::testing {
namespace {

// Owns the world its SimBackend runs on; the context destroys the backend
// after its streams.
class TestWorldBackend final : public stream::Backend {
 public:
  Loop& loop() override { return sim_.loop(); }
  Net& net() override { return sim_.net(); }
  std::uint64_t seed() const override { return sim_.seed(); }
  int service(int timeout_ms) override { return sim_.service(timeout_ms); }
  stream::Hooks hooks() override {
    stream::Hooks h = sim_.hooks();
    auto to_world = h.violation;
    h.violation = [to_world](std::string_view t) {
      to_world(t);
      _lws_log(LLL_ERR, "INVARIANT VIOLATION: %.*s", static_cast<int>(t.size()), t.data());
    };
    return h;
  }

 private:
  StreamWorld world_;
  SimBackend sim_{world_.world, world_.client};
};

}  // namespace
}  // namespace ss::sim::testing

extern "C" struct lws_context* ss_test_create_context(const struct lws_context_creation_info* info) {
  return ss::stream::create_c_context(info, std::make_unique<ss::sim::testing::TestWorldBackend>());
}

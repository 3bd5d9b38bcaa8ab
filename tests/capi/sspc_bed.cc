// The simulated proxy world of sspc_bed.h.
#include "tests/capi/sspc_bed.h"

#include <memory>
#include <string>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/capi/c_api.h"
#include "runtime/policy/parse.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"
#include "sim/echo.h"
#include "sim/testing/c_backend.h"
#include "sim/world.h"

namespace {

constexpr const char* kProxyPolicy = R"({
  "release": "1", "product": "sspc-bed", "schema-version": 1,
  "retry": [{"default": {"backoff": [100, 200], "conceal": 3, "jitterpc": 0}}],
  "s": [{"echo": {"endpoint": "server", "port": 7, "protocol": "raw", "retry": "default"}}]
})";

// The proxy process: its own engine context, onward factory and server.
struct ProxyProcess {
  ProxyProcess(ss::sim::World& world, int box)
      : ctx(config(world, box)), factory(ctx), server(world.loop(), world.net_for(box), factory) {
    ss::proto::raw::register_raw_binding(ctx);
  }
  static ss::stream::Context::Config config(ss::sim::World& world, int box) {
    ss::stream::Context::Config c;
    c.loop = &world.loop();
    c.net = &world.net_for(box);
    c.policy = ss::policy::parse_policy(kProxyPolicy).policy;
    c.hooks.violation = [&world](std::string_view t) { world.violation(std::string(t)); };
    return c;
  }
  ss::stream::Context ctx;
  ss::proxy::EngineOnwardFactory factory;
  ss::proxy::ProxyServer server;
};


}  // namespace

struct sspc_bed {
  std::unique_ptr<ss::sim::World> world;
  int box = -1;
  std::unique_ptr<ss::sim::EchoServer> echo;
  std::unique_ptr<ProxyProcess> proxy;
};

extern "C" {

struct sspc_bed* sspc_bed_create(uint64_t seed) {
  auto* b = new sspc_bed;
  ss::sim::WorldOptions options;
  options.seed = seed;
  b->world = std::make_unique<ss::sim::World>(options);
  b->box = b->world->add_host("box");
  const int server = b->world->add_host("server");
  b->echo = std::make_unique<ss::sim::EchoServer>(*b->world, server, ss::Endpoint::tcp("server", 7));
  if (!b->echo->start().ok()) {
    delete b;
    return nullptr;
  }
  return b;
}

void sspc_bed_destroy(struct sspc_bed* bed) {
  if (!bed) return;
  bed->proxy.reset();
  delete bed;
}

struct lws_context* sspc_bed_context(struct sspc_bed* bed, const struct lws_context_creation_info* info) {
  return ss::stream::create_c_context(info, std::make_unique<ss::sim::SimBackend>(*bed->world, bed->box));
}

int sspc_bed_start_proxy(struct sspc_bed* bed) {
  bed->proxy = std::make_unique<ProxyProcess>(*bed->world, bed->box);
  return bed->proxy->server.start().ok() ? 0 : 1;
}

void sspc_bed_stop_proxy(struct sspc_bed* bed) { bed->proxy.reset(); }

size_t sspc_bed_onward_streams(struct sspc_bed* bed) { return bed->proxy ? bed->proxy->ctx.stream_count() : 0; }

size_t sspc_bed_violations(struct sspc_bed* bed) { return bed->world->violations().size(); }

}  // extern "C"

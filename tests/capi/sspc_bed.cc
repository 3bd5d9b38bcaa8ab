// The simulated proxy world of sspc_bed.h.
#include "tests/capi/sspc_bed.h"

#include <deque>
#include <memory>
#include <string>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/capi/c_api.h"
#include "runtime/policy/parse.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"
#include "sim/echo.h"
#include "sim/peers/http_server.h"
#include "sim/testing/c_backend.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace {

constexpr const char* kProxyPolicy = R"({
  "release": "1", "product": "sspc-bed", "schema-version": 1,
  "retry": [{"default": {"backoff": [100, 200], "conceal": 3, "jitterpc": 0}}],
  "s": [{"echo": {"endpoint": "server", "port": 7, "protocol": "raw", "retry": "default"}},
        {"up": {"endpoint": "server", "port": 80, "protocol": "h1", "http_method": "POST", "http_url": "post",
                "retry": "default", "opportunistic": true, "rideshare": "audio",
                "http_multipart_name": "meta", "http_multipart_filename": "meta.json",
                "http_mime_content_type": "application/json"}},
        {"audio": {"endpoint": "server", "port": 80, "protocol": "h1", "rideshare": "tail",
                   "http_multipart_name": "audio", "http_multipart_filename": "a.raw",
                   "http_mime_content_type": "application/octet-stream"}},
        {"tail": {"endpoint": "server", "port": 80, "protocol": "h1", "http_multipart_name": "tail",
                  "http_mime_content_type": "text/plain"}}]
})";

// The proxy process: its own engine context, onward factory and server.
struct ProxyProcess {
  ProxyProcess(ss::sim::World& world, int box)
      : ctx(config(world, box)), factory(ctx), server(world.loop(), world.net_for(box), factory) {
    ss::proto::raw::register_raw_binding(ctx);
    ss::proto::h1::register_h1_binding(ctx);
  }
  static ss::stream::Context::Config config(ss::sim::World& world, int box) {
    return ss::sim::testing::context_config(world, box, ss::policy::parse_policy(kProxyPolicy).policy);
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
  std::unique_ptr<ss::sim::peers::HttpServer> http;
  std::unique_ptr<ProxyProcess> proxy;
  std::deque<std::string> part_copies;
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
  b->http = std::make_unique<ss::sim::peers::HttpServer>(b->world->loop(), b->world->net_for(server),
                                                         ss::Endpoint::tcp("0.0.0.0", 80));
  b->http->route({.path = "/post", .body = "stored"});
  if (!b->echo->start().ok() || !b->http->start().ok()) {
    delete b;
    return nullptr;
  }
  return b;
}

void sspc_bed_destroy(struct sspc_bed* bed) {
  if (!bed) return;
  bed->proxy.reset();
  bed->http.reset();
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

size_t sspc_bed_requests(struct sspc_bed* bed) { return bed->http->requests().size(); }

int sspc_bed_part(struct sspc_bed* bed, size_t i, size_t k, struct capi_part* part) {
  if (i >= bed->http->request_bodies().size()) return -1;
  auto ct = ss::proto::h1::find_header(bed->http->requests()[i].headers, "content-type");
  return ss::capi_testing::read_part(std::string(ct.value_or("")), bed->http->request_bodies()[i], k, part,
                                     bed->part_copies);
}

}  // extern "C"

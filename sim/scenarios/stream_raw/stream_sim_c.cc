// The C API on a simulated World (stream_sim_c.h).
#include "sim/scenarios/stream_raw/stream_sim_c.h"

#include <memory>
#include <string>
#include <vector>

#include "runtime/capi/c_api.h"
#include "sim/echo.h"
#include "sim/peers/http_server.h"
#include "sim/peers/ws_echo_server.h"
#include "sim/testing/c_backend.h"
#include "sim/world.h"

struct ss_sim_world {
  std::unique_ptr<ss::sim::World> world;
  std::vector<std::unique_ptr<ss::sim::EchoServer>> servers;
  std::vector<std::unique_ptr<ss::sim::peers::HttpServer>> http;
  std::vector<std::unique_ptr<ss::sim::peers::WsEchoServer>> ws;
};


extern "C" {

struct ss_sim_world* ss_sim_world_create(uint64_t seed) {
  auto* w = new ss_sim_world;
  ss::sim::WorldOptions options;
  options.seed = seed;
  w->world = std::make_unique<ss::sim::World>(options);
  return w;
}

void ss_sim_world_destroy(struct ss_sim_world* world) {
  if (!world) return;
  world->servers.clear();
  world->http.clear();
  world->ws.clear();
  delete world;
}

int ss_sim_world_add_echo_server(struct ss_sim_world* world, const char* host, int port) {
  if (!world || !host || port <= 0 || port > 65535) return 1;
  int h = world->world->host(host);
  if (h < 0) h = world->world->add_host(host);
  world->servers.push_back(std::make_unique<ss::sim::EchoServer>(
      *world->world, h, ss::Endpoint::tcp("0.0.0.0", static_cast<std::uint16_t>(port))));
  return world->servers.back()->start() ? 1 : 0;
}

int ss_sim_world_add_http_server(struct ss_sim_world* world, const char* host, int port) {
  using ss::sim::peers::HttpFault;
  using ss::sim::peers::HttpRoute;
  if (!world || !host || port <= 0 || port > 65535) return 1;
  int h = world->world->host(host);
  if (h < 0) h = world->world->add_host(host);
  auto srv = std::make_unique<ss::sim::peers::HttpServer>(
      world->world->loop(), world->world->net_for(h),
      ss::Endpoint::tcp("0.0.0.0", static_cast<std::uint16_t>(port)));
  HttpRoute ok;
  ok.path = "/ok";
  ok.body_size = 12345;
  srv->route(ok);
  HttpRoute chunked;
  chunked.path = "/chunked";
  chunked.body_size = 3000;
  chunked.chunked = true;
  chunked.piece = 700;
  srv->route(chunked);
  HttpRoute nf;
  nf.path = "/notfound";
  nf.status = 404;
  nf.reason = "Not Found";
  srv->route(nf);
  HttpRoute delay;
  delay.path = "/delay";
  delay.delay = ss::seconds(10);
  delay.body_size = 10;
  srv->route(delay);
  HttpRoute busy;
  busy.path = "/busy";
  busy.status = 503;
  busy.reason = "Busy";
  busy.retry_after = 1;
  srv->route(busy);
  HttpRoute trunc;
  trunc.path = "/truncated";
  trunc.body_size = 4000;
  trunc.fault = HttpFault::kTruncateBody;
  srv->route(trunc);
  if (srv->start()) return 1;
  world->http.push_back(std::move(srv));
  return 0;
}

int ss_sim_world_add_ws_echo_server(struct ss_sim_world* world, const char* host, int port,
                                    int wrong_accept) {
  if (!world || !host || port <= 0 || port > 65535) return 1;
  int h = world->world->host(host);
  if (h < 0) h = world->world->add_host(host);
  ss::sim::peers::WsEchoOptions o;
  if (wrong_accept) o.fault = ss::sim::peers::WsFault::kWrongAccept;
  auto srv = std::make_unique<ss::sim::peers::WsEchoServer>(
      world->world->loop(), world->world->net_for(h),
      ss::Endpoint::tcp("0.0.0.0", static_cast<std::uint16_t>(port)), o);
  if (srv->start()) return 1;
  world->ws.push_back(std::move(srv));
  return 0;
}

size_t ss_sim_world_violations(struct ss_sim_world* world) {
  return world ? world->world->violations().size() : 0;
}

uint64_t ss_sim_world_trace_hash(struct ss_sim_world* world) {
  return world ? world->world->trace().hash() : 0;
}

struct lws_context* ss_sim_create_context(const struct lws_context_creation_info* info,
                                          struct ss_sim_world* world, const char* client_host) {
  if (!world || !client_host) return nullptr;
  int h = world->world->host(client_host);
  if (h < 0) h = world->world->add_host(client_host);
  return ss::stream::create_c_context(info, std::make_unique<ss::sim::SimBackend>(*world->world, h, 0x6c7773));
}

}  // extern "C"

// The simulated httpbin world of httpbin_bed.h.
#include "tests/capi/httpbin_bed.h"

#include <deque>
#include <map>
#include <memory>
#include <string>

#include "runtime/capi/c_api.h"
#include "sim/peers/http_server.h"
#include "sim/testing/c_backend.h"
#include "sim/world.h"

struct capi_bed {
  std::unique_ptr<ss::sim::World> world;
  std::unique_ptr<ss::sim::peers::HttpServer> http;
  std::map<std::pair<std::size_t, std::string>, std::string> header_copies;
  std::deque<std::string> part_copies;
};


extern "C" {

struct capi_bed* capi_bed_create(uint64_t seed) {
  auto* b = new capi_bed;
  ss::sim::WorldOptions options;
  options.seed = seed;
  b->world = std::make_unique<ss::sim::World>(options);
  const int h = b->world->add_host("httpbin");
  b->http = std::make_unique<ss::sim::peers::HttpServer>(
      b->world->loop(), b->world->net_for(h), ss::Endpoint::tcp("0.0.0.0", 80));
  ss::sim::peers::HttpRoute post;
  post.path = "/post";
  post.body = "{\"ok\":true}";
  b->http->route(post);
  ss::sim::peers::HttpRoute meta;
  meta.path = "/meta";
  meta.headers.push_back({"Server", "simbin/1"});
  meta.body = "meta-body";
  b->http->route(meta);
  if (b->http->start()) {
    delete b;
    return nullptr;
  }
  return b;
}

void capi_bed_destroy(struct capi_bed* bed) {
  if (!bed) return;
  bed->http.reset();
  delete bed;
}

struct lws_context* capi_bed_context(struct capi_bed* bed,
                                     const struct lws_context_creation_info* info) {
  if (!bed) return nullptr;
  int h = bed->world->host("client");
  if (h < 0) h = bed->world->add_host("client");
  return ss::stream::create_c_context(info, std::make_unique<ss::sim::SimBackend>(*bed->world, h));
}

size_t capi_bed_requests(struct capi_bed* bed) { return bed ? bed->http->requests().size() : 0; }

size_t capi_bed_connections(struct capi_bed* bed) { return bed ? bed->http->connections_accepted() : 0; }

const char* capi_bed_method(struct capi_bed* bed, size_t i) {
  if (!bed || i >= bed->http->requests().size()) return nullptr;
  return bed->http->requests()[i].method.c_str();
}

const char* capi_bed_body(struct capi_bed* bed, size_t i, size_t* len) {
  if (!bed || i >= bed->http->request_bodies().size()) return nullptr;
  const std::string& b = bed->http->request_bodies()[i];
  if (len) *len = b.size();
  return b.data();
}

const char* capi_bed_header(struct capi_bed* bed, size_t i, const char* name) {
  if (!bed || !name || i >= bed->http->requests().size()) return nullptr;
  auto v = ss::proto::h1::find_header(bed->http->requests()[i].headers, name);
  if (!v) return nullptr;
  auto& copy = bed->header_copies[{i, name}];
  copy = std::string(*v);
  return copy.c_str();
}

int capi_bed_part(struct capi_bed* bed, size_t i, size_t k, struct capi_part* part) {
  if (!bed || i >= bed->http->request_bodies().size()) return -1;
  const char* ct = capi_bed_header(bed, i, "content-type");
  return ss::capi_testing::read_part(ct ? ct : "", bed->http->request_bodies()[i], k, part, bed->part_copies);
}

size_t capi_bed_violations(struct capi_bed* bed) {
  return bed ? bed->world->violations().size() : 0;
}

}  // extern "C"

// HttpServer: a simulated HTTP/1.1 server, written against ss::Net and
// ss::Loop only (so it runs in the simulator and on the posix backend).
//
// Each Route answers one request target (exact match on the path, query
// ignored) with a configured status, headers and body, and can misbehave on
// purpose so client code gets tested against broken servers. Unknown
// targets get 404. Requests on one connection are answered in order;
// the connection stays open (keep-alive) unless the route or the request
// says close.
//
// Lifespan: the server owns its listener and accepted connections; destroy
// it (or stop()) to close everything silently. Its pending timers and posted
// tasks hold a weak token and do nothing once the server is gone.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/proto/http/http_message.h"
#include "sim/peers/peer_listener.h"

namespace ss::sim::peers {

namespace h1 = ss::proto::h1;

enum class HttpFault {
  kNone,
  kTruncateBody,     // send half the body, then close (drop mid-body)
  kGarbageHeader,    // a header line without a colon
  kOversizedHeader,  // one header larger than h1::kMaxHeaderBytes
  kCloseBeforeResponse,  // read the request, close without answering
  kNoResponse,       // read the request, never answer (client timeout)
};

struct HttpRoute {
  std::string path = "/";
  int status = 200;
  std::string reason = "OK";
  h1::Headers headers{};
  std::size_t body_size = 0;  // body bytes ('a' + i % 26), unless `body` is set
  std::string body{};
  bool chunked = false;       // Transfer-Encoding: chunked
  bool until_close = false;   // no length: body ends when we close
  bool close_after = false;   // Connection: close, then close
  // With "Connection: close": wait this long after the response before our
  // FIN, as a busy server may (0: FIN right behind the response). A client
  // that wrongly keeps the connection for reuse gets the time to send on it.
  Micros close_delay = 0;
  Micros delay = 0;           // before the response head
  std::size_t piece = 0;      // write the body in pieces of this size (0: at once)
  Micros piece_gap = 0;       // slow body: time between pieces
  std::optional<std::uint32_t> retry_after{};  // Retry-After: N
  // Retry-After as an HTTP-date N s after a Date header the response also
  // carries (RFC 9110 §10.2.3; the server's clock starts at
  // kHttpServerEpoch), instead of delay-seconds.
  bool retry_after_date = false;
  std::string location{};     // Location: (for 3xx)
  HttpFault fault = HttpFault::kNone;
};

class HttpServer {
 public:
  HttpServer(Loop& loop, Net& net, Endpoint at);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void route(HttpRoute r) { routes_[r.path] = std::move(r); }
  // Answers a request no route matches (else 404): called when the request
  // is complete, with its head and body, so it may also record it.
  using Fallback = std::function<std::optional<HttpRoute>(const h1::Head& head, const std::string& body)>;
  void set_fallback(Fallback f) { fallback_ = std::move(f); }
  // Close a kept-alive connection that carries no new request for this long
  // after a response (0 = never), as servers' keep-alive timeouts do.
  void set_idle_timeout(Micros t) { idle_timeout_ = t; }
  // A check on the client's keep-alive pool: a client that closes a
  // connection idle since our last response must do so within `limit` of
  // that response (its pool's idle timeout plus the response's way there);
  // `report` hears a later close. Unset: nothing checked.
  void expect_idle_close_within(Micros limit, std::function<void(const std::string&)> report) {
    idle_close_limit_ = limit;
    idle_close_report_ = std::move(report);
  }
  Error start();
  void stop();
  Endpoint local() const { return listen_.local(); }

  // Every request head seen, in order (tests check Host, metadata headers).
  const std::vector<h1::Head>& requests() const { return requests_; }
  // Bodies of those requests.
  const std::vector<std::string>& request_bodies() const { return bodies_; }
  std::size_t connections_accepted() const { return accepted_; }
  // Requests that came on a connection after its response said
  // "Connection: close" (a client that does not pipeline never sends one).
  std::size_t requests_after_close() const { return requests_after_close_; }

 private:
  struct Conn;
  void accept(std::unique_ptr<Connection> c);
  void respond(Conn& c, const h1::Head& req);
  void write_body(std::uint64_t id, std::string body, std::size_t at, const HttpRoute& r, bool close);
  void drop(std::uint64_t id);
  void check_idle_close(const Conn& c);
  // Runs `task` later unless the server is gone by then.
  void later(Micros delay, std::function<void()> task) { listen_.later(delay, std::move(task)); }

  PeerListener listen_;
  std::map<std::string, HttpRoute> routes_;
  Fallback fallback_;
  std::map<std::uint64_t, std::unique_ptr<Conn>> conns_;
  std::vector<h1::Head> requests_;
  std::vector<std::string> bodies_;
  std::uint64_t next_id_ = 1;
  std::size_t accepted_ = 0;
  std::size_t requests_after_close_ = 0;
  Micros idle_timeout_ = 0;
  Micros idle_close_limit_ = 0;
  std::function<void(const std::string&)> idle_close_report_;
};

// The body a route with body_size n sends.
std::string pattern_body(std::size_t n);

// The server's Date at simulated time 0: Sun, 06 Dec 2026 00:00:00 GMT.
// IMF-fixdate of simulated second s; empty past the 25 days it covers.
std::string http_server_date(std::int64_t s);

}  // namespace ss::sim::peers

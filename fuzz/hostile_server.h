// HostileServer: the simulated server of the *_stream_fuzz targets. It
// listens on a host of the World; on each connection it reads until the
// request is `ready` (default: the first bytes), then writes `greeting`'s
// answer for that request (default none) and the fuzz input, and, with
// `close_after`, ends its side. Also fuzz_fail(): abort with a reason.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/world.h"

namespace ss::fuzzing {

[[noreturn]] inline void fuzz_fail(const char* target, const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", target, why.c_str());
  std::abort();
}

class HostileServer {
 public:
  struct Options {
    std::span<const std::uint8_t> bytes;  // written once the request is ready
    bool close_after = false;
    std::function<bool(const std::string& request)> ready{};       // default: any bytes
    std::function<std::string(const std::string& request)> greeting{};  // written before `bytes`
  };

  // Listens on port 80 of `host`; a listen failure aborts (naming `target`).
  HostileServer(sim::World& world, int host, Options options, const char* target)
      : options_(std::move(options)) {
    auto l = world.net_for(host).listen(Endpoint::tcp("", 80), [this](std::unique_ptr<Connection> c) {
      auto h = std::make_unique<Conn>();
      h->server = this;
      h->conn = std::move(c);
      h->conn->set_handler(h.get());
      conns_.push_back(std::move(h));
    });
    if (!l.ok()) fuzz_fail(target, "listen: " + l.error().message());
    listener_ = std::move(*l);
  }

 private:
  struct Conn : ConnectionHandler {
    HostileServer* server = nullptr;
    std::unique_ptr<Connection> conn;
    std::string request;
    bool answered = false;
    void on_data(std::span<const std::uint8_t> b) override {
      if (answered) return;
      request.append(b.begin(), b.end());
      const auto& o = server->options_;
      if (o.ready && !o.ready(request)) return;
      answered = true;
      if (o.greeting) conn->write(std::string_view(o.greeting(request)));
      conn->write(o.bytes);
      if (o.close_after) conn->shutdown_write();
    }
    void on_end(EndReason) override {}
  };

  Options options_;
  std::unique_ptr<Listener> listener_;
  std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace ss::fuzzing

// Peers for bench/run that Debian has no fast equivalent of, on real
// sockets (EpollLoop + PosixNet): the simulator's WebSocket echo server
// (sim/peers, the code that serves simulated worlds), and a listener that
// accepts TCP connections and holds them without a byte, so idle raw and
// h1 streams stay CONNECTED (nginx would end them). Prints "ws PORT" and
// "hold PORT" on stdout, then serves until killed.
//
//   bench_peers
#include <cstdio>
#include <memory>
#include <vector>

#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "sim/peers/ws_echo_server.h"

namespace {

struct Ignore : ss::ConnectionHandler {
  void on_data(std::span<const std::uint8_t>) override {}
  void on_end(ss::EndReason) override {}
};

}  // namespace

int main() {
  ss::posix::EpollLoop loop;
  ss::posix::PosixNet net(loop);
  ss::sim::peers::WsEchoOptions options;
  options.max_message = std::size_t{64} << 20;
  ss::sim::peers::WsEchoServer ws(loop, net, ss::Endpoint::tcp("127.0.0.1", 0), options);
  if (ss::Error e = ws.start()) {
    std::fprintf(stderr, "bench_peers: ws: %s\n", e.message().c_str());
    return 1;
  }
  Ignore ignore;
  std::vector<std::unique_ptr<ss::Connection>> held;
  auto hold = net.listen(ss::Endpoint::tcp("127.0.0.1", 0), [&](std::unique_ptr<ss::Connection> c) {
    c->set_handler(&ignore);
    held.push_back(std::move(c));
  });
  if (!hold.ok()) {
    std::fprintf(stderr, "bench_peers: hold: %s\n", hold.error().message().c_str());
    return 1;
  }
  std::printf("ws %d\nhold %d\n", ws.local().port, (*hold)->local().port);
  std::fflush(stdout);
  for (;;) loop.run_once(-1);
}

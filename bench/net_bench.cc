// PosixNet on loopback: bytes/s through one TCP connection (client writes,
// server counts), honouring write()'s backpressure; and connect+close rate.
//
//   bazel run -c opt //bench:net_bench
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"

namespace ss::posix {
namespace {

struct Sink : ConnectionHandler {
  std::size_t got = 0;
  void on_data(std::span<const std::uint8_t> b) override { got += b.size(); }
  void on_end(EndReason) override {}
};

struct Source : ConnectionHandler {
  bool connected = false;
  bool writable = true;
  void on_connected() override { connected = true; }
  void on_data(std::span<const std::uint8_t>) override {}
  void on_writable() override { writable = true; }
  void on_end(EndReason) override {}
};

void BM_LoopbackThroughput(benchmark::State& state) {
  EpollLoop loop;
  PosixNet net(loop);
  Sink sink;
  std::unique_ptr<Connection> accepted;
  auto l = net.listen(Endpoint::tcp("127.0.0.1", 0), [&](std::unique_ptr<Connection> c) {
    accepted = std::move(c);
    accepted->set_handler(&sink);
  });
  Source src;
  auto conn = net.connect((*l)->local(), {}, &src);
  while (!src.connected || !accepted) loop.run_once(millis(10));
  const std::string chunk(static_cast<std::size_t>(state.range(0)), 'x');
  std::size_t sent = 0;
  for (auto _ : state) {
    while (!src.writable) loop.run_once(millis(10));
    src.writable = conn->write(chunk);
    sent += chunk.size();
    loop.run_once(0);
  }
  while (sink.got < sent) loop.run_once(millis(10));
  state.SetBytesProcessed(static_cast<std::int64_t>(sent));
}
BENCHMARK(BM_LoopbackThroughput)->Arg(1024)->Arg(64 * 1024);

void BM_ConnectAcceptClose(benchmark::State& state) {
  EpollLoop loop;
  PosixNet net(loop);
  int accepted = 0;
  auto l = net.listen(Endpoint::tcp("127.0.0.1", 0),
                      [&](std::unique_ptr<Connection>) { ++accepted; });
  for (auto _ : state) {
    Source src;
    auto conn = net.connect((*l)->local(), {}, &src);
    const int want = accepted + 1;
    while (!src.connected || accepted < want) loop.run_once(millis(10));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConnectAcceptClose);

}  // namespace
}  // namespace ss::posix

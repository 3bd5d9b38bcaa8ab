// Sequential h1 GETs of one stream over loopback (EpollLoop + PosixNet,
// the simulated HTTP server's code serving real sockets): with the
// keep-alive pool (the default) and with it emptied after every
// transaction (a new TCP connection per GET, as before the pool). Compare
// the two figures of one run; the machine is shared and noisy.
//
//   bazel run -c opt //bench:h1_reuse_bench
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/stream/context.h"
#include "sim/peers/http_server.h"

namespace ss {
namespace {

void run_gets(benchmark::State& state, bool reuse) {
  posix::EpollLoop loop;
  posix::PosixNet net(loop);
  sim::peers::HttpServer server(loop, net, Endpoint::tcp("127.0.0.1", 0));
  server.route({.path = "/small", .body_size = static_cast<std::size_t>(state.range(0))});
  if (Error e = server.start()) {
    state.SkipWithError(e.message().c_str());
    return;
  }
  auto pol = std::make_shared<policy::Policy>();
  policy::Streamtype st =
      policy::streamtype("get", policy::Protocol::kH1, "127.0.0.1", server.local().port);
  st.http_url = "small";
  st.opportunistic = true;
  pol->streamtypes.push_back(st);
  stream::Context::Config cfg;
  cfg.loop = &loop;
  cfg.net = &net;
  cfg.policy = pol;
  stream::Context ctx(std::move(cfg));
  proto::h1::register_h1_binding(ctx);

  int done = 0;
  stream::StreamInfo info;
  info.streamtype = "get";
  info.callbacks.state = [&done](stream::State s, std::uint32_t) {
    if (s == stream::State::kDisconnected) ++done;
    return stream::Ret::kOk;
  };
  auto s = ctx.create(std::move(info));
  if (!s) {
    state.SkipWithError(s.error().message().c_str());
    return;
  }
  for (auto _ : state) {
    const int want = done + 1;
    (*s)->request_tx();
    while (done < want) loop.run_once(millis(100));
    if (!reuse) ctx.pool().clear();
  }
  state.counters["connections"] = static_cast<double>(server.connections_accepted());
  state.counters["gets/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_GetWithKeepAlivePool(benchmark::State& state) { run_gets(state, true); }
void BM_GetNewConnectionEachTime(benchmark::State& state) { run_gets(state, false); }

BENCHMARK(BM_GetWithKeepAlivePool)->Arg(100)->Arg(64 * 1024)->UseRealTime();
BENCHMARK(BM_GetNewConnectionEachTime)->Arg(100)->Arg(64 * 1024)->UseRealTime();

}  // namespace
}  // namespace ss

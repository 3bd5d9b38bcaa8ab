#include "runtime/include/ss/streams.h"
#include "runtime/policy/parse.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"

int main() {
  auto parsed = ss::policy::parse_policy(R"({"release":"1","product":"demo","schema-version":1,
    "retry":[{"default":{"backoff":[1000,2000,3000],"conceal":5,"jitterpc":20}}],
    "s":[{"echo":{"endpoint":"127.0.0.1","port":7681,"protocol":"raw","retry":"default"}}]})");
  if (!parsed.ok()) return 1;

  ss::posix::EpollLoop loop;
  ss::posix::PosixNet net(loop);
  ss::StreamContext ctx({.loop = &loop, .net = &net, .seed = 1, .policy = parsed.policy});

  bool sent = false;
  auto stream = ctx.create("echo", {
      .rx = [&](std::span<const std::uint8_t> payload, std::uint32_t flags) {
        std::printf("got %zu bytes\n", payload.size());
        loop.stop();
        return ss::Ret::kOk;
      },
      .tx = [&](ss::TxChunk& c) {
        if (sent) return ss::Ret::kTxDontSend;
        const std::string_view msg = "hello";
        std::copy(msg.begin(), msg.end(), c.buffer.begin());  // c.buffer.size() >= 1540
        c.len = msg.size();
        c.flags = ss::kSom | ss::kEom;
        sent = true;
        return ss::Ret::kOk;
      },
      .state = [&](ss::State st, std::uint32_t ack) {
        if (st == ss::State::kAllRetriesFailed) loop.stop();
        return ss::Ret::kOk;
      },
  });
  if (!stream) { std::fprintf(stderr, "%s\n", stream.error().message().c_str()); return 1; }
  stream->request_tx();
  loop.run();
}  // the handle goes out of scope: DISCONNECTED (if connected), DESTROYING

// docs/api.md, "Serving": an h1 server stream answering every request
// with "hello" (C++ API, posix backend).
#include <cstring>
#include <memory>

#include "runtime/include/ss/streams.h"
#include "runtime/policy/parse.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"

int main() {
  auto parsed = ss::policy::parse_policy(R"({"release":"1","product":"demo","schema-version":1,
    "s":[{"hello":{"server":true,"endpoint":"127.0.0.1","port":7681,"protocol":"h1",
    "metadata":[{"path":""},{"mime":"content-type:"}]}}]})");
  if (!parsed.ok()) return 1;

  ss::posix::EpollLoop loop;
  ss::posix::PosixNet net(loop);
  ss::StreamContext ctx({.loop = &loop, .net = &net, .seed = 1, .policy = parsed.policy});

  auto server = ctx.serve("hello", [](ss::StreamHandle client) {
    auto c = std::make_shared<ss::StreamHandle>(std::move(client));  // borrowed: the client owns itself
    return ss::Handlers{
        .tx = [](ss::TxChunk& chunk) {
          std::memcpy(chunk.buffer.data(), "hello", 5);
          chunk.len = 5;
          chunk.flags = ss::kSom | ss::kEom;
          return ss::Ret::kOk;
        },
        .state = [c](ss::State st, std::uint32_t) {
          if (st != ss::State::kServerTxn) return ss::Ret::kOk;
          c->server_ack(0);  // 200; without it, 404
          (void)c->set_metadata("mime", "text/plain");
          return c->request_tx_len(5);
        },
    };
  });
  if (!server) { std::fprintf(stderr, "%s\n", server.error().message().c_str()); return 1; }
  loop.run();
}

// The C++ API (runtime/include/ss/streams.h) on the posix backend, built
// OUTSIDE Bazel against an installed securestreams
// (//packaging:install_test):
//
//   ss_get_cc PORT PATH    GET http://127.0.0.1:PORT/PATH, body to stdout
//
// Exit 0 only if the body ended (EOM) and the transaction was acked
// (QOS_ACK_REMOTE); otherwise one line on stderr says why.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/include/ss/streams.h"
#include "runtime/policy/parse.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: ss_get_cc PORT PATH\n");
    return 2;
  }
  const std::string policy =
      std::string(R"({"release":"1","product":"install-test","schema-version":1,)") +
      R"("retry":[{"default":{"backoff":[100,200],"conceal":2,"jitterpc":0}}],)" +
      R"("s":[{"get":{"endpoint":"127.0.0.1","port":)" + std::to_string(std::atoi(argv[1])) +
      R"(,"protocol":"h1","http_method":"GET","http_url":")" + argv[2] +
      R"(","retry":"default","timeout_ms":10000}}]})";
  auto parsed = ss::policy::parse_policy(policy);
  if (!parsed.ok()) {
    std::fprintf(stderr, "ss_get_cc: policy rejected\n");
    return 1;
  }

  ss::posix::EpollLoop loop;
  ss::posix::PosixNet net(loop);
  ss::StreamContext ctx({.loop = &loop, .net = &net, .seed = 1, .policy = parsed.policy});

  bool acked = false, eom = false, failed = false;
  std::size_t bytes = 0;
  auto stream = ctx.create("get", {
      .rx = [&](std::span<const std::uint8_t> payload, std::uint32_t flags) {
        if (std::fwrite(payload.data(), 1, payload.size(), stdout) != payload.size()) failed = true;
        bytes += payload.size();
        if (flags & ss::kEom) eom = true;
        if ((acked && eom) || failed) loop.stop();
        return ss::Ret::kOk;
      },
      .tx = [](ss::TxChunk&) { return ss::Ret::kTxDontSend; },
      .state = [&](ss::State st, std::uint32_t) {
        if (st == ss::State::kQosAckRemote) acked = true;
        if (st == ss::State::kQosNackRemote || st == ss::State::kAllRetriesFailed ||
            st == ss::State::kTimeout) {
          std::fprintf(stderr, "ss_get_cc: stream state %d\n", static_cast<int>(st));
          failed = true;
        }
        if ((acked && eom) || failed) loop.stop();
        return ss::Ret::kOk;
      },
  });
  if (!stream) {
    std::fprintf(stderr, "ss_get_cc: %s\n", stream.error().message().c_str());
    return 1;
  }
  stream->start_timeout();
  stream->connect();
  loop.run();
  std::fflush(stdout);
  if (failed || !acked || !eom) {
    std::fprintf(stderr, "ss_get_cc: incomplete (acked %d, eom %d, %zu bytes)\n", acked, eom,
                 bytes);
    return 1;
  }
  return 0;
}

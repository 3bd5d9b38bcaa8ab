// Net seam properties (rapidcheck), linked with every backend: whatever the
// write sizes and watermarks, an echo returns exactly the bytes sent, and
// write()'s false is answered by exactly one on_writable().
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include <rapidcheck/gtest.h>  // after gtest.h: it uses gtest macros

#include "runtime/core/testing/recorder.h"
#include "runtime/core/testing/world.h"

namespace ss::testing {
namespace {

RC_GTEST_PROP(NetProperties, EchoReturnsEveryByteWhateverTheWritePattern, ()) {
  const auto sizes = *rc::gen::container<std::vector<int>>(
      *rc::gen::inRange<std::size_t>(1, 30), rc::gen::inRange(1, 40000));
  ConnectOptions opts;
  opts.high_watermark = *rc::gen::inRange<std::size_t>(1, 128 * 1024);
  opts.low_watermark = *rc::gen::inRange<std::size_t>(0, opts.high_watermark + 1);
  const bool unix_socket = *rc::gen::arbitrary<bool>();

  auto world = make_conformance_world();
  EchoServer server;
  const Endpoint at = unix_socket ? Endpoint::unix_abstract(world->abstract_name("prop"))
                                  : world->tcp_listen_at();
  auto listener = world->server().listen(at, server.acceptor());
  if (!listener.ok()) RC_FAIL(listener.error().message());
  const Endpoint to = unix_socket ? (*listener)->local() : world->reachable((*listener)->local());
  Recorder rec;
  auto conn = world->client().connect(to, opts, &rec);

  std::string sent;
  int falses = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::string chunk(static_cast<std::size_t>(sizes[i]), '\0');
    for (std::size_t j = 0; j < chunk.size(); ++j) {
      chunk[j] = static_cast<char>((i * 31 + j * 7) & 0xff);
    }
    sent += chunk;
    if (!conn->write(chunk)) {
      ++falses;
      const int want = falses;
      RC_ASSERT(world->run_until([&] { return rec.writable == want || rec.ended; }, seconds(20)));
    }
  }
  RC_ASSERT(world->run_until([&] { return rec.data.size() >= sent.size() || rec.ended; },
                             seconds(30)));
  RC_ASSERT(!rec.ended);
  RC_ASSERT(rec.data == sent);
  RC_ASSERT(rec.writable == falses);
  RC_ASSERT(rec.violations.empty());
}

}  // namespace
}  // namespace ss::testing

// Fuzz target: a whole h1 stream (engine + h1 binding + connection pool +
// cookie jar + multipart splitter + redirects) against a hostile HTTP
// server in the simulator. Where h1_response_fuzz checks the parser alone,
// this checks what the stream does with what the parser says.
//
// Input: byte 0 = streamtype flags (bit 0 http_cookies, bit 1
// http_multipart_ss_in, bit 2 allow_redirects, bit 3 ask a second time,
// bit 4 POST a body, bit 5 server closes after answering, bit 6 not
// opportunistic); byte 1 = the network's largest segment (1..256 bytes);
// the rest = the server's answer, written on every connection once it has
// read a request.
// Invariants checked (abort on failure):
//  - no crash, no sanitizer report, no engine violation (every state
//    transition legal, tx never overruns its buffer, ...);
//  - the run reaches idle (no livelock) and the stream is gone afterwards;
//  - at most one ACK/NACK per CONNECTED; no rx before CONNECTED.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/stream_fuzz_harness.h"
#include "runtime/bind/h1/h1_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace {

using namespace ss;

[[noreturn]] void fail(const std::string& why) { fuzzing::fuzz_fail("h1_stream_fuzz", why); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 64 * 1024) return 0;
  const std::uint8_t flags = data[0];
  sim::World world(fuzzing::stream_fuzz_world_options(7, data));
  const int client = world.add_host("client");
  const int server_host = world.add_host("server");

  // Answers every request with the fuzz bytes (after the first request bytes).
  fuzzing::HostileServer server(world, server_host, fuzzing::stream_fuzz_server(data, size, flags & 32),
                                "h1_stream_fuzz");

  policy::Streamtype st = policy::streamtype("web", policy::Protocol::kH1, "server", 80);
  st.http_url = "x";
  st.opportunistic = !(flags & 64);
  st.http_cookies = flags & 1;
  st.http_multipart_ss_in = flags & 2;
  st.allow_redirects = flags & 4;
  st.http_method = (flags & 16) ? "POST" : "GET";
  st.metadata = {{"ct", "content-type:"}, {"loc", "location:"}};
  auto pol = fuzzing::one_streamtype_policy(std::move(st), false);

  std::vector<std::string> violations;
  stream::Context::Config cfg = fuzzing::stream_fuzz_config(world, client, pol, 11, violations);
  {
    stream::Context ctx(std::move(cfg));
    proto::h1::register_h1_binding(ctx);
    int results_since_connected = 0;
    bool connected = false;
    int sent = 0;
    stream::StreamInfo info;
    info.streamtype = "web";
    info.callbacks.state = [&](stream::State s, std::uint32_t) {
      if (s == stream::State::kConnected) connected = true, results_since_connected = 0;
      if (s == stream::State::kDisconnected) connected = false;
      if (s == stream::State::kQosAckRemote || s == stream::State::kQosNackRemote)
        if (++results_since_connected > 1) fail("two ACK/NACKs for one CONNECTED");
      return stream::Ret::kOk;
    };
    info.callbacks.rx = [&](std::span<const std::uint8_t>, std::uint32_t) {
      if (!connected) fail("rx outside CONNECTED");
      return stream::Ret::kOk;
    };
    info.callbacks.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
      return fuzzing::send_hello_once(sent, buf, len, f);
    };
    auto s = ctx.create(std::move(info));
    if (!s.ok()) fail("create: " + s.error().message());
    stream::Stream* stream = *s;
    stream->request_tx_len(5);
    world.run_for(seconds(5), 2'000'000);
    if (flags & 8 && ctx.stream_count()) {
      sent = 0;
      stream->request_tx_len(5);
    }
    fuzzing::run_then_destroy(world, ctx, stream, seconds(20), "h1_stream_fuzz");
  }
  fuzzing::settle_without_violations(world, violations, "h1_stream_fuzz");
  return 0;
}

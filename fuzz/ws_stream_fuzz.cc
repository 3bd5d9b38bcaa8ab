// Fuzz target: a whole ws stream (engine + ws binding + validity timers)
// against a hostile server in the simulator. Where ws_frame_fuzz checks the
// client core alone, this checks what the stream does with it.
//
// Input: byte 0 = options (bit 0: the server answers the upgrade properly
// and the rest are frames; else the rest is the whole answer, handshake
// included; bit 1: svalidping/svalidhup 1 s/3 s; bit 2: not opportunistic;
// bit 3: the user sends a message once CONNECTED; bit 4: the server closes
// after writing); byte 1 = the network's largest segment (1..256); the
// rest = what the server writes.
// Invariants checked (abort on failure): no crash or sanitizer report, no
// engine violation, the run reaches idle and the stream is gone; rx only
// while CONNECTED; SOM/EOM well nested on rx (no SOM inside a message).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/stream_fuzz_harness.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/ws/ws_handshake.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace {

using namespace ss;

[[noreturn]] void fail(const std::string& why) { fuzzing::fuzz_fail("ws_stream_fuzz", why); }

// A 101 with the right Sec-WebSocket-Accept for the client's key.
std::string proper_101(const std::string& request) {
  std::string key;
  const auto k = request.find("Sec-WebSocket-Key: ");
  if (k != std::string::npos) key = request.substr(k + 19, request.find("\r\n", k) - k - 19);
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " + proto::ws::accept_for(key) + "\r\n\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 64 * 1024) return 0;
  const std::uint8_t flags = data[0];
  sim::World world(fuzzing::stream_fuzz_world_options(13, data));
  const int client = world.add_host("client");
  const int server_host = world.add_host("server");
  fuzzing::HostileServer::Options so = fuzzing::stream_fuzz_server(data, size, flags & 16);
  so.ready = [](const std::string& request) { return request.find("\r\n\r\n") != std::string::npos; };
  if (flags & 1) so.greeting = proper_101;
  fuzzing::HostileServer server(world, server_host, std::move(so), "ws_stream_fuzz");

  policy::Streamtype st = policy::streamtype("sock", policy::Protocol::kWs, "server", 80);
  st.http_url = "ws";
  st.opportunistic = !(flags & 4);
  auto pol = fuzzing::one_streamtype_policy(std::move(st), flags & 2);

  std::vector<std::string> violations;
  bool connected = false, in_message = false;
  int sent = 0;
  stream::Context::Config cfg = fuzzing::stream_fuzz_config(world, client, pol, 17, violations);
  {
    stream::Context ctx(std::move(cfg));
    proto::ws::register_ws_binding(ctx);
    stream::Stream* s = nullptr;
    stream::StreamInfo info;
    info.streamtype = "sock";
    info.callbacks.state = [&](stream::State state, std::uint32_t) {
      if (state == stream::State::kConnected) {
        connected = true;
        in_message = false;
        if ((flags & 8) && s) s->request_tx();
      }
      if (state == stream::State::kDisconnected) connected = false;
      return stream::Ret::kOk;
    };
    info.callbacks.rx = [&](std::span<const std::uint8_t>, std::uint32_t f) {
      if (!connected) fail("rx outside CONNECTED");
      if ((f & stream::kFlagSom) && in_message) fail("SOM inside a message");
      if (f & stream::kFlagSom) in_message = true;
      if (f & stream::kFlagEom) in_message = false;
      return stream::Ret::kOk;
    };
    info.callbacks.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
      return fuzzing::send_hello_once(sent, buf, len, f);
    };
    info.on_bind = [&](stream::Stream* b) { s = b; };
    stream::Stream* created = fuzzing::create_or_fail(ctx, std::move(info), "ws_stream_fuzz");
    created->request_tx();
    fuzzing::run_then_destroy(world, ctx, created, seconds(15), "ws_stream_fuzz");
  }
  fuzzing::settle_without_violations(world, violations, "ws_stream_fuzz");
  return 0;
}

// Fuzz target: a whole mqtt stream (engine + mqtt binding + its timers:
// QoS 1 resends, svalidping, keep-alive) against a hostile broker in the
// simulator. Where mqtt_client_fuzz checks the client core alone, this
// checks what the stream does with it.
//
// Input: byte 0 = options (bit 0: the broker first answers CONNECT with a
// good CONNACK, and SUBACK id 1 when subscribing, then the rest; else the
// rest is all it writes; bit 1: svalidping/svalidhup 1 s/3 s; bit 2: not
// opportunistic; bit 3: the user publishes a QoS 1 message once CONNECTED;
// bit 4: the broker closes after writing; bit 5: subscribe to "s/#"; bit 6:
// a QoS 1 birth message; bit 7: keep-alive 2 s); byte 1 = the network's
// largest segment (1..256); the rest = what the broker writes.
// Invariants checked (abort on failure): no crash or sanitizer report, no
// engine violation, the run reaches idle and the stream is gone; rx only
// while CONNECTED and always one whole message (SOM|EOM); QOS_ACK_REMOTE /
// QOS_NACK_REMOTE only after CONNECTED and at most one per message sent.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/stream_fuzz_harness.h"
#include "runtime/bind/mqtt/mqtt_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/mqtt/mqtt_packet.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace {

using namespace ss;

[[noreturn]] void fail(const std::string& why) { fuzzing::fuzz_fail("mqtt_stream_fuzz", why); }

std::string bytes_of(const proto::mqtt::Packet& p) {
  auto b = proto::mqtt::encode(p);
  return b.ok() ? std::string(b->begin(), b->end()) : std::string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 64 * 1024) return 0;
  const std::uint8_t flags = data[0];
  const bool subscribe = flags & 32;
  sim::World world(fuzzing::stream_fuzz_world_options(19, data));
  const int client = world.add_host("client");
  const int server_host = world.add_host("server");
  fuzzing::HostileServer::Options so = fuzzing::stream_fuzz_server(data, size, flags & 16);
  if (flags & 1)
    so.greeting = [subscribe](const std::string&) {
      return bytes_of(proto::mqtt::Connack{false, 0}) +
             (subscribe ? bytes_of(proto::mqtt::Suback{1, {1}}) : std::string());
    };
  fuzzing::HostileServer server(world, server_host, std::move(so), "mqtt_stream_fuzz");

  policy::Streamtype st = policy::streamtype("m", policy::Protocol::kMqtt, "server", 80);
  st.opportunistic = !(flags & 4);
  st.mqtt_topic = "out";
  st.mqtt_qos = 1;
  if (subscribe) st.mqtt_subscribe = "s/#";
  if (flags & 64) st.mqtt_birth_topic = "birth", st.mqtt_birth_message = "up", st.mqtt_birth_qos = 1;
  if (flags & 128) st.mqtt_keep_alive = 2;
  auto pol = fuzzing::one_streamtype_policy(std::move(st), flags & 2);

  std::vector<std::string> violations;
  bool connected = false, ever_connected = false;
  int sent = 0, settled = 0;
  stream::Context::Config cfg = fuzzing::stream_fuzz_config(world, client, pol, 23, violations);
  {
    stream::Context ctx(std::move(cfg));
    proto::mqtt::register_mqtt_binding(ctx);
    stream::Stream* s = nullptr;
    stream::StreamInfo info;
    info.streamtype = "m";
    info.callbacks.state = [&](stream::State st, std::uint32_t) {
      using stream::State;
      if (st == State::kConnected) {
        connected = ever_connected = true;
        if ((flags & 8) && s) s->request_tx();
      }
      if (st == State::kDisconnected) connected = false;
      if (st == State::kQosAckRemote || st == State::kQosNackRemote) {
        if (!ever_connected) fail("ACK/NACK before CONNECTED");
        if (++settled > sent) fail("more ACK/NACK states than messages sent");
      }
      return stream::Ret::kOk;
    };
    info.callbacks.rx = [&](std::span<const std::uint8_t>, std::uint32_t f) {
      if (!connected) fail("rx outside CONNECTED");
      if (f != (stream::kFlagSom | stream::kFlagEom)) fail("rx that is not one whole message");
      return stream::Ret::kOk;
    };
    info.callbacks.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
      return fuzzing::send_hello_once(sent, buf, len, f);
    };
    info.on_bind = [&](stream::Stream* b) { s = b; };
    stream::Stream* created = fuzzing::create_or_fail(ctx, std::move(info), "mqtt_stream_fuzz");
    created->client_connect();
    fuzzing::run_then_destroy(world, ctx, created, seconds(20), "mqtt_stream_fuzz");
  }
  fuzzing::settle_without_violations(world, violations, "mqtt_stream_fuzz");
  return 0;
}

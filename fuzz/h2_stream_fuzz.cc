// Fuzz target: h2 streams (engine + h2 binding + the shared H2Connection
// with its PING timer) against a hostile h2 server in the simulator: the
// server's bytes are the fuzz input, read as h2 frames by nghttp2 and by
// everything we build on it.
//
// Input: byte 0 = options (bit 0: the server first sends an empty SETTINGS
// and a SETTINGS ACK; bit 1: then a response head ":status 200" on stream
// 1; bit 2: svalidping/svalidhup 1 s/3 s; bit 3: not opportunistic; bit 4:
// the server closes after writing; bit 5: stream 1 has 100 bytes of manual
// credit and grants 50 more on each rx; bit 6: a POST with a 3000-byte
// body; bit 7: three streams instead of one); byte 1 = the network's
// largest segment (1..256); the rest = what the server writes.
// Invariants checked (abort on failure): no crash or sanitizer report, no
// engine violation, the run reaches idle and every stream is gone; rx only
// while CONNECTED, SOM first in a response and never again before its EOM;
// QOS_ACK_REMOTE / QOS_NACK_REMOTE only after CONNECTED, one per response;
// a manual stream's estimated credit never negative.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/stream_fuzz_harness.h"
#include "runtime/bind/h2/h2_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace {

using namespace ss;

[[noreturn]] void fail(const std::string& why) { fuzzing::fuzz_fail("h2_stream_fuzz", why); }

// Frames (RFC 9113 §4.1): an empty SETTINGS, its ACK, and HEADERS with
// END_HEADERS on stream 1 carrying HPACK index 8 (":status 200").
constexpr char kSettings[] = "\x00\x00\x00\x04\x00\x00\x00\x00\x00";
constexpr char kSettingsAck[] = "\x00\x00\x00\x04\x01\x00\x00\x00\x00";
constexpr char kHead200[] = "\x00\x00\x01\x01\x04\x00\x00\x00\x01\x88";

struct User {
  stream::Stream* s = nullptr;
  bool manual = false;
  bool connected = false, ever_connected = false, open = false;
  int responses = 0, settled = 0;
  std::size_t tx_off = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 64 * 1024) return 0;
  const std::uint8_t flags = data[0];
  sim::World world(fuzzing::stream_fuzz_world_options(29, data));
  const int client = world.add_host("client");
  const int server_host = world.add_host("server");
  fuzzing::HostileServer::Options so = fuzzing::stream_fuzz_server(data, size, flags & 16);
  // Wait for the client's preface and first HEADERS (24 + 9 + ... bytes).
  so.ready = [](const std::string& request) { return request.size() >= 60; };
  if (flags & 1)
    so.greeting = [flags](const std::string&) {
      std::string g(kSettings, 9);
      g.append(kSettingsAck, 9);
      if (flags & 2) g.append(kHead200, 10);
      return g;
    };
  fuzzing::HostileServer server(world, server_host, std::move(so), "h2_stream_fuzz");

  policy::Streamtype st = policy::streamtype("h", policy::Protocol::kH2, "server", 80);
  st.opportunistic = !(flags & 8);
  st.http_url = "x";
  if (flags & 64) st.http_method = "POST";
  auto pol = fuzzing::one_streamtype_policy(std::move(st), flags & 4);

  std::vector<std::string> violations;
  stream::Context::Config cfg = fuzzing::stream_fuzz_config(world, client, pol, 31, violations);
  const int n = (flags & 128) ? 3 : 1;
  std::vector<User> users(static_cast<std::size_t>(n));
  {
    stream::Context ctx(std::move(cfg));
    proto::h2::register_h2_binding(ctx);
    std::vector<stream::Stream*> made;
    for (int i = 0; i < n; ++i) {
      User* u = &users[static_cast<std::size_t>(i)];
      u->manual = i == 0 && (flags & 32);
      stream::StreamInfo info;
      info.streamtype = "h";
      info.manual_initial_tx_credit = u->manual ? 100 : 0;
      info.callbacks.state = [u](stream::State state, std::uint32_t) {
        using stream::State;
        if (state == State::kConnected) u->connected = u->ever_connected = true;
        if (state == State::kDisconnected || state == State::kUnreachable) u->connected = false, u->open = false;
        if (state == State::kConnecting) u->tx_off = 0;
        if (state == State::kQosAckRemote || state == State::kQosNackRemote) {
          if (!u->ever_connected) fail("ACK/NACK before CONNECTED");
          if (++u->settled > u->responses + 1) fail("more ACK/NACK states than responses");
        }
        return stream::Ret::kOk;
      };
      info.callbacks.rx = [u](std::span<const std::uint8_t> b, std::uint32_t f) {
        if (!u->connected) fail("rx outside CONNECTED");
        if (f & stream::kFlagSom) {
          if (u->open) fail("SOM inside an open response");
          u->open = true;
        } else if (!u->open && !b.empty()) {
          fail("rx bytes without SOM");
        }
        if (f & stream::kFlagEom) u->open = false, ++u->responses;
        if (u->manual && u->s) {
          if (u->s->get_est_peer_tx_credit() < 0) fail("estimated credit went negative");
          u->s->add_peer_tx_credit(50);
        }
        return stream::Ret::kOk;
      };
      info.callbacks.tx = [u](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
        const std::size_t total = 3000;
        len = std::min(buf.size(), total - u->tx_off);
        std::fill_n(buf.begin(), len, 'b');
        f = (u->tx_off == 0 ? stream::kFlagSom : 0u) | (u->tx_off + len == total ? stream::kFlagEom : 0u);
        u->tx_off += len;
        return stream::Ret::kOk;
      };
      info.on_bind = [u](stream::Stream* b) { u->s = b; };
      stream::Stream* created = fuzzing::create_or_fail(ctx, std::move(info), "h2_stream_fuzz");
      made.push_back(created);
      if (flags & 64) {
        created->request_tx_len(3000);
      } else {
        created->request_tx();
      }
    }
    fuzzing::run_then_destroy(world, ctx, made, seconds(20), "h2_stream_fuzz");
  }
  fuzzing::settle_without_violations(world, violations, "h2_stream_fuzz");
  return 0;
}

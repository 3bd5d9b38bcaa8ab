// The sans-IO cores on their own, no socket, no clock (docs/benchmarks.md):
// the serialized SS frame codec (runtime/wire), the policy parser
// (runtime/policy), the HTTP/1.1 response parser (runtime/proto/h1) and the
// WebSocket client's receive side (runtime/proto/ws).
//
//   bazel run -c opt //bench:codec_bench
//
// Figures: items_per_second is frames (or messages, or policies) per
// second; bytes_per_second counts the bytes that went through the core.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/rng.h"
#include "runtime/policy/parse.h"
#include "runtime/proto/h1/h1_parser.h"
#include "runtime/proto/ws/ws_client.h"
#include "runtime/proto/ws/ws_frame_writer.h"
#include "runtime/proto/ws/ws_handshake.h"
#include "runtime/wire/decoder.h"
#include "runtime/wire/encoder.h"

namespace ss {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

wire::PayloadFrame payload_frame(std::size_t size) {
  wire::PayloadFrame f;
  f.direction = wire::Direction::kProxyToClient;
  f.flags = wire::kFlagSom | wire::kFlagEom;
  f.payload.assign(size, 0x5a);
  return f;
}

// Encode one payload frame (small: 16 bytes; MTU-sized: 1,380 bytes).
void BM_WireEncode(benchmark::State& state) {
  const wire::Frame frame = payload_frame(static_cast<std::size_t>(state.range(0)));
  std::vector<std::uint8_t> out;
  for (auto _ : state) {
    out.clear();
    if (Error e = wire::encode_frame(frame, &out)) {
      state.SkipWithError(e.message().c_str());
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
}
BENCHMARK(BM_WireEncode)->Arg(16)->Arg(1380);

// Decode a run of 64 back-to-back payload frames fed as one read, as a
// link receives them.
void BM_WireDecode(benchmark::State& state) {
  constexpr int kFrames = 64;
  std::vector<std::uint8_t> run;
  for (int i = 0; i < kFrames; ++i) {
    if (Error e = wire::encode_frame(payload_frame(static_cast<std::size_t>(state.range(0))), &run)) {
      state.SkipWithError(e.message().c_str());
      return;
    }
  }
  wire::Frame frame;
  for (auto _ : state) {
    wire::FrameDecoder decoder(wire::Direction::kProxyToClient);
    decoder.receive_data(run);
    int got = 0;
    while (decoder.next_event(&frame) == wire::FrameDecoder::Status::kFrame) ++got;
    if (got != kFrames) {
      state.SkipWithError("decoder lost frames");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kFrames);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(run.size()));
}
BENCHMARK(BM_WireDecode)->Arg(16)->Arg(1380);

// A policy of 20 streamtypes of the three protocols, with metadata, retry
// tables and TLS on some: the size of a real product's policy.
std::string twenty_streamtype_policy() {
  std::string p =
      R"({"release":"1","product":"bench","schema-version":1,)"
      R"("retry":[{"default":{"backoff":[1000,2000,3000,5000,10000],"conceal":5,"jitterpc":20,)"
      R"("svalidping":30,"svalidhup":35}},{"fast":{"backoff":[100,200],"conceal":2,"jitterpc":0}}],"s":[)";
  const char* protocols[] = {"h1", "ws", "raw"};
  for (int i = 0; i < 20; ++i) {
    const std::string proto = protocols[i % 3];
    p += i == 0 ? "" : ",";
    p += R"({"st)" + std::to_string(i) + R"(":{"endpoint":"host)" + std::to_string(i) +
         R"(.example.com","port":)" + std::to_string(8000 + i) + R"(,"protocol":")" + proto + R"(",)";
    if (proto != "raw") {
      p += R"("http_url":"api/v1/item/${id}?tag=${tag}","metadata":[{"id":""},{"tag":"X-Tag:"},)"
           R"({"ctype":"Content-Type:"}],)";
    }
    if (proto == "h1") p += R"("http_method":"GET","opportunistic":true,)";
    if (proto == "ws") p += R"("ws_subprotocol":"lws-mirror-protocol","nailed_up":true,)";
    p += R"("tls":false,"retry":")" + std::string(i % 2 ? "fast" : "default") + R"(","timeout_ms":2000}})";
  }
  return p + "]}";
}

void BM_PolicyParse20Streamtypes(benchmark::State& state) {
  const std::string text = twenty_streamtype_policy();
  for (auto _ : state) {
    policy::ParseOutput out = policy::parse_policy(text);
    if (!out.ok()) {
      state.SkipWithError(policy::format_diagnostic(out.diagnostics.front()).c_str());
      return;
    }
    benchmark::DoNotOptimize(out.policy.get());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_PolicyParse20Streamtypes);

// 64 keep-alive responses in one buffer through the h1 response parser;
// the body size is the argument (small: 100 bytes; bulk: 64 KiB).
void BM_H1ParseResponses(benchmark::State& state) {
  constexpr int kResponses = 64;
  const std::string body(static_cast<std::size_t>(state.range(0)), 'b');
  std::string one = "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Sat, 05 Dec 2026 09:00:00 GMT\r\n"
                    "Content-Type: application/octet-stream\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: keep-alive\r\n\r\n" + body;
  std::string input;
  for (int i = 0; i < kResponses; ++i) input += one;
  for (auto _ : state) {
    proto::h1::MessageParser parser(proto::h1::MessageParser::Kind::kResponse);
    parser.receive_data(bytes_of(input));
    int complete = 0;
    for (;;) {
      proto::h1::Event e = parser.next_event();
      if (std::holds_alternative<proto::h1::CompleteEvent>(e)) ++complete;
      if (std::holds_alternative<proto::h1::NeedData>(e) || std::holds_alternative<proto::h1::ErrorEvent>(e)) break;
    }
    if (complete != kResponses) {
      state.SkipWithError("parser lost responses");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kResponses);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}
BENCHMARK(BM_H1ParseResponses)->Arg(100)->Arg(64 * 1024);

// The ws client's receive side: 64 unmasked server messages of the given
// size after a completed handshake.
void BM_WsReceiveMessages(benchmark::State& state) {
  constexpr int kMessages = 64;
  const std::size_t size = static_cast<std::size_t>(state.range(0));
  std::string frames;
  for (int i = 0; i < kMessages; ++i) {
    proto::ws::RawFrame frame;
    frame.opcode = 2;  // binary
    frame.payload.assign(size, 'w');
    frames += proto::ws::write_frame(frame);
  }
  std::int64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();  // the handshake is not what is measured
    Rng rng(1);
    proto::ws::Options options;
    options.rx_piece = 64 * 1024;
    proto::ws::Client client(rng, options);
    Result<std::string> request = client.open("bench", "/");
    const std::string key_name = "Sec-WebSocket-Key: ";
    const std::size_t at = request->find(key_name) + key_name.size();
    const std::string key = request->substr(at, request->find("\r\n", at) - at);
    const std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Accept: " + proto::ws::accept_for(key) + "\r\n\r\n";
    client.receive_data(bytes_of(response));
    if (!std::holds_alternative<proto::ws::OpenEvent>(client.next_event())) {
      state.SkipWithError("ws handshake failed");
      return;
    }
    state.ResumeTiming();
    client.receive_data(bytes_of(frames));
    int last = 0;
    for (;;) {
      proto::ws::Event e = client.next_event();
      if (auto* f = std::get_if<proto::ws::FragmentEvent>(&e)) {
        last += f->last ? 1 : 0;
      } else {
        break;
      }
    }
    if (last != kMessages) {
      state.SkipWithError("ws client lost messages");
      return;
    }
    bytes += static_cast<std::int64_t>(frames.size());
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_WsReceiveMessages)->Arg(16)->Arg(1380)->Arg(64 * 1024);

}  // namespace
}  // namespace ss

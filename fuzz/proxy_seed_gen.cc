// proxy_seed_gen: writes the seed corpus of proxy_fuzz.
//
//   bazel run //fuzz:proxy_seed_gen -- $PWD/runtime/wire/testdata/interop
//       $PWD/corpus/proxy_fuzz
//
// Files named found-* in corpus/proxy_fuzz are not written here: they are
// inputs fuzzing runs found (false alarms of the target, since fixed), kept
// as seeds.
//
// Each seed is a Plan (proxy_fuzz_plan.h) written with PlanWriter, so the
// target reads it exactly as built here (checked: every seed is read back
// and compared). The interop seeds replay the byte streams real lws clients
// wrote to the lws proxy (c2p.bin): the STREAMTYPE frame first, every later
// frame as its own step once CREATE_RESULT is back, as lws clients do, with
// an onward server answering like the capture's. The others aim at one
// corner each: floods against a server that never reads, a client that
// stops reading, each protocol rule broken once, four clients at once.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/proxy_fuzz_plan.h"
#include "runtime/wire/decoder.h"

namespace {

using namespace ss::fuzzing::proxy_fuzz;
using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

std::uint32_t delay_code(std::uint32_t ms) { return ms < 128 ? ms : std::min<std::uint32_t>(255, 128 + (ms - 128) / 15); }

std::uint32_t st_index(const std::string& name) {
  for (std::uint32_t i = 0; i < kStreamtypeCount; ++i)
    if (name == kStreamtypeNames[i]) return i;
  std::fprintf(stderr, "proxy_seed_gen: no streamtype %s\n", name.c_str());
  std::exit(1);
}

// A step of kind `k` after `ms` (the builders below fill in the rest).
Step bare(StepKind k, std::uint32_t ms) {
  Step s;
  s.kind = static_cast<std::uint32_t>(k);
  s.delay = delay_code(ms);
  return s;
}
Step raw(Bytes b, std::uint32_t ms = 0, bool gate = false) {
  Step s = bare(StepKind::kRaw, ms);
  s.gate = gate;
  s.bytes = std::move(b);
  return s;
}
Step streamtype(const std::string& name, std::uint32_t ms = 0, std::uint32_t credit_code = 0,
                std::uint32_t credit = 0) {
  Step s = bare(StepKind::kStreamType, ms);
  s.index = st_index(name);
  s.flags = credit_code;
  s.value = credit;
  return s;
}
Step payload(std::uint32_t size, std::uint32_t repeat, std::string fill, std::uint32_t ms = 10,
             std::uint32_t flags = 3 /* SOM | EOM */) {
  Step s = bare(StepKind::kPayload, ms);
  s.gate = true;
  s.flags = flags;
  s.size = size;
  s.repeat = repeat;
  s.bytes = bytes_of(fill);
  return s;
}
Step metadata(std::uint32_t index, const std::string& value, const std::string& name = "") {
  Step s = bare(StepKind::kMetadata, 5);
  s.gate = true;
  s.index = index;
  if (index == kMetadataNameCount) s.name = bytes_of(name);
  s.bytes = bytes_of(value);
  return s;
}
// 0 ONWARD_CONNECT, 1 DESTROYING, 2 TX_CREDIT, 3 TIMEOUT_UPDATE, 4 PAYLOAD_LENGTH_HINT, 5 probe.
Step control(std::uint32_t which, std::uint32_t value = 0, std::uint32_t ms = 5) {
  Step s = bare(StepKind::kControl, ms);
  s.gate = true;
  s.index = which;
  s.value = value;
  return s;
}

ServerBehaviour server(ServerMode m, std::string bytes = "", bool head = false, std::uint32_t repeat = 1,
                       bool close_after = false) {
  ServerBehaviour b;
  b.mode = static_cast<std::uint32_t>(m);
  b.head = head;
  b.close_after = close_after;
  b.repeat = repeat;
  b.bytes = bytes_of(bytes);
  return b;
}

Plan plan(std::vector<ServerBehaviour> s, std::vector<ClientPlan> c, std::uint32_t seg_shift = 8) {
  Plan p;
  p.seed = 1;
  p.seg_shift = seg_shift;
  p.onward_latency = 1;
  p.server = std::move(s);
  p.clients = std::move(c);
  return p;
}

ClientPlan client(std::vector<Step> steps, std::uint32_t start = 0) {
  ClientPlan c;
  c.start = start;
  c.steps = std::move(steps);
  return c;
}

bool write_seed(const std::string& dir, const std::string& name, const Plan& p) {
  const Bytes in = write_plan(p);
  if (!(read_plan(in.data(), in.size()) == p)) {
    std::fprintf(stderr, "proxy_seed_gen: %s does not read back as written\n", name.c_str());
    return false;
  }
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(in.data()), static_cast<std::streamsize>(in.size()));
  return static_cast<bool>(out);
}

// The client steps of a captured c2p.bin: STREAMTYPE, then each frame.
std::vector<Step> capture_steps(const Bytes& c2p, std::uint32_t gap_ms) {
  ss::wire::FrameDecoder d(ss::wire::Direction::kClientToProxy);
  d.receive_data(c2p);
  std::vector<Step> steps;
  std::size_t at = 0;
  ss::wire::Frame f;
  while (d.next_event(&f) == ss::wire::FrameDecoder::Status::kFrame) {
    const std::size_t end = static_cast<std::size_t>(d.consumed());
    Bytes frame(c2p.begin() + static_cast<std::ptrdiff_t>(at), c2p.begin() + static_cast<std::ptrdiff_t>(end));
    if (steps.size() < 24 || steps.back().bytes.size() + frame.size() > 4096) {
      steps.push_back(raw(std::move(frame), steps.empty() ? 0 : gap_ms, !steps.empty()));
    } else {
      steps.back().bytes.insert(steps.back().bytes.end(), frame.begin(), frame.end());
    }
    at = end;
  }
  return steps;
}

const char* kHtml = "<html><body>hello from the onward server</body></html>\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: proxy_seed_gen INTEROP_DIR CORPUS_DIR\n");
    return 2;
  }
  const std::string interop = argv[1];
  const std::string out = argv[2];
  bool ok = true;

  // Captures: folder, gap between client frames, how the onward server answers.
  struct Capture {
    const char* folder;
    std::uint32_t gap_ms;
    ServerBehaviour answer;
  };
  const std::string ws_frames = std::string("\x82\x07hello 1\x82\x07hello 2", 18);
  const Capture captures[] = {
      {"01b-http-get-small-with-metadata", 5, server(ServerMode::kAnswer, kHtml, true)},
      {"03-ws-echo", 300, server(ServerMode::kAnswer, ws_frames, true)},
      {"04-http-post-multipart", 5, server(ServerMode::kAnswer, kHtml, true)},
      {"06-create-fail-unknown-streamtype", 5, server(ServerMode::kEcho)},
      {"07-tcp-transport-http-get", 5, server(ServerMode::kAnswer, kHtml, true, 1, true)},
  };
  for (const auto& c : captures) {
    std::ifstream in(interop + "/" + c.folder + "/c2p.bin", std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "proxy_seed_gen: cannot read %s/%s/c2p.bin\n", interop.c_str(), c.folder);
      return 1;
    }
    const Bytes c2p((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ok &= write_seed(out, std::string("interop-") + c.folder, plan({c.answer}, {client(capture_steps(c2p, c.gap_ms))}));
    // The same bytes at once, as a client that does not wait would send them
    // (in raw steps of at most 4096 bytes).
    std::vector<Step> at_once;
    for (std::size_t i = 0; i < c2p.size(); i += 4096)
      at_once.push_back(raw(Bytes(c2p.begin() + static_cast<std::ptrdiff_t>(i),
                                  c2p.begin() + static_cast<std::ptrdiff_t>(std::min(c2p.size(), i + 4096)))));
    ok &= write_seed(out, std::string("interop-") + c.folder + "-one-write", plan({c.answer}, {client(at_once)}));
  }

  const auto st = [](const std::string& n) { return streamtype(n); };
  const Step connect = control(0);
  using K = StepKind;

  ok &= write_seed(out, "raw-echo",
                   plan({server(ServerMode::kEcho)},
                        {client({st("raw"), metadata(0, "t"), connect, payload(5, 1, "hello"), payload(300, 3, "abc")})}));
  ok &= write_seed(out, "raw-flood-server-never-accepts",
                   plan({server(ServerMode::kIgnore)},
                        {client({st("raw-opp"), connect, payload(65519, 32, "x"), payload(65519, 32, "y", 500)})}, 12));
  ok &= write_seed(out, "raw-echo-flood-client-stops-reading",
                   plan({server(ServerMode::kEcho)},
                        {client({st("raw"), connect, bare(K::kPauseRead, 5), payload(65519, 32, "e"),
                                 payload(65519, 32, "f", 200), bare(K::kResumeRead, 2000)})},
                        12));
  ok &= write_seed(out, "raw-server-floods-client-stops-reading",
                   plan({server(ServerMode::kAnswer, std::string(4096, 'S'), false, 64)},
                        {client({bare(K::kPauseRead, 0), st("raw-nail")})}, 12));
  ok &= write_seed(out, "raw-manual-credit",
                   plan({server(ServerMode::kAnswer, std::string(4096, 'C'), false, 64)},
                        {client({streamtype("raw", 0, 2), connect, control(2, 500, 500), control(2, 70000, 500)})}, 12));
  ok &= write_seed(out, "raw-refused-retries",
                   plan({server(ServerMode::kRefuse)}, {client({st("raw-nail"), payload(10, 1, "r")})}));
  ok &= write_seed(out, "raw-server-closes",
                   plan({server(ServerMode::kClose), server(ServerMode::kAnswer, "bye", false, 1, true)},
                        {client({st("raw"), connect, payload(10, 2, "c"), control(0, 0, 500)})}));
  ok &= write_seed(out, "garbage-first-frame", plan({server(ServerMode::kEcho)}, {client({raw(bytes_of("GET / HTTP/1.1\r\n\r\n"))})}));
  ok &= write_seed(out, "silent-client", plan({server(ServerMode::kEcho)}, {client({})}));
  ok &= write_seed(out, "late-streamtype",
                   plan({server(ServerMode::kEcho)}, {client({bare(K::kResumeRead, 2000), streamtype("raw", 1500)})}));
  {
    Step bad = st("raw");
    bad.version_x = 3;  // version 2
    ok &= write_seed(out, "streamtype-version-2", plan({server(ServerMode::kEcho)}, {client({bad})}));
  }
  ok &= write_seed(out, "second-streamtype", plan({server(ServerMode::kEcho)}, {client({st("raw"), [] {
                                                                                         Step s = streamtype("raw", 5);
                                                                                         s.gate = true;
                                                                                         return s;
                                                                                       }()})}));
  ok &= write_seed(out, "undeclared-metadata",
                   plan({server(ServerMode::kEcho)}, {client({st("raw"), metadata(kMetadataNameCount, "1", "nope")})}));
  ok &= write_seed(out, "metadata-name-too-long",
                   plan({server(ServerMode::kEcho)},
                        {client({st("mintest"), metadata(kMetadataNameCount, "v", std::string(35, 'n'))})}));
  ok &= write_seed(out, "destroying", plan({server(ServerMode::kEcho)}, {client({st("mintest"), control(1)})}));
  ok &= write_seed(out, "unknown-streamtype", plan({server(ServerMode::kEcho)}, {client({st("spam")})}));
  ok &= write_seed(out, "frames-before-create-result",
                   plan({server(ServerMode::kEcho)}, {client({st("raw"), [] {
                                                                 Step s = control(0, 0, 0);
                                                                 s.gate = false;
                                                                 return s;
                                                               }()})}));
  ok &= write_seed(out, "timeout-update-1ms",
                   plan({server(ServerMode::kSink)}, {client({st("raw"), connect, control(3, 1), payload(20, 1, "t")})}));
  ok &= write_seed(out, "minpost-with-body",
                   plan({server(ServerMode::kAnswer, kHtml, true)},
                        {client({st("minpost"), metadata(2, "text/plain"), control(4, 3000), connect,
                                 payload(1500, 2, "p", 10, 1), payload(0, 1, "", 10, 2)})}));
  ok &= write_seed(out, "multi-multipart-cookies-redirect",
                   plan({server(ServerMode::kAnswer,
                                "HTTP/1.1 302 Found\r\nLocation: http://onward/next\r\nSet-Cookie: a=b\r\n"
                                "Content-Length: 0\r\n\r\n"),
                         server(ServerMode::kAnswer,
                                "HTTP/1.1 200 OK\r\nContent-Type: multipart/mixed; boundary=xx\r\n"
                                "Content-Length: 40\r\n\r\n--xx\r\n\r\npart one\r\n--xx--\r\n\r\n")},
                        {client({st("multi"), connect})}));
  ok &= write_seed(out, "ws-nailed-echo",
                   plan({server(ServerMode::kAnswer, ws_frames, true, 3)},
                        {client({st("sx_ws_echo"), control(4, 7), payload(7, 1, "hello 1"), payload(7, 1, "hello 2", 300)})}));
  ok &= write_seed(out, "half-close-and-close",
                   plan({server(ServerMode::kEcho)},
                        {client({st("raw"), connect, payload(5, 1, "h"), bare(K::kHalfClose, 100)}),
                         client({st("raw-opp"), payload(5, 1, "c"), bare(K::kClose, 100)}, 10)}));
  ok &= write_seed(out, "four-clients",
                   plan({server(ServerMode::kEcho), server(ServerMode::kAnswer, kHtml, true),
                         server(ServerMode::kSink)},
                        {client({st("raw"), connect, payload(2000, 4, "1")}),
                         client({st("mintest"), metadata(1, "u1"), connect}, 20),
                         client({raw(bytes_of(std::string("\xaa\x00\x02\x01\x00", 5)))}, 40),
                         client({st("raw-opp"), bare(K::kPauseRead, 10), payload(65519, 8, "4"), control(1, 0, 1000)}, 60)},
                        10));

  // Regressions of a bug this target found (docs/fuzzing.md, proxy_fuzz):
  // an h1 GET stream takes no payload. Past proxy_buflen (32768) of it the
  // proxy stops reading the client (flow control) and so never saw the
  // client leave: the link and its onward stream stayed for good (now the
  // upload deadline ends it).
  ok &= write_seed(out, "regression-paused-link-outlives-its-client",
                   plan({server(ServerMode::kAnswer, kHtml, true)}, {client({st("mintest"), payload(40000, 1, "")})}));
  // The same with a raw stream whose onward server never reads: the
  // engine's send queue fills, then the link's, then the proxy stops
  // reading the client.
  ok &= write_seed(out, "regression-flood-to-a-server-that-never-reads",
                   plan({server(ServerMode::kPause)},
                        {client({st("raw"), connect, payload(65519, 32, "x"), payload(65519, 32, "y", 500),
                                 payload(65519, 32, "z", 500)})},
                        12));
  if (!ok) return 1;
  std::printf("proxy_seed_gen: seeds written to %s\n", out.c_str());
  return 0;
}

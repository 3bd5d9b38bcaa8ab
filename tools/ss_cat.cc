// ss-cat: the everyday Secure Streams client. Sends stdin as the stream's
// payload, writes what the stream receives to stdout; states and errors go
// to stderr. Runs the stream itself, or through an SS proxy with --proxy.
//
//   ss-cat --policy FILE STREAMTYPE [--meta k=v]... [--proxy ENDPOINT]
//          [--idle-ms N] [--timeout-ms N] [-n] [-v]
//
// Exit codes and when a transfer counts as complete: tools/cat_session.h and
// docs/tools.md (0 complete, 1 could not connect, 2 bad usage, 3 peer
// failure, 4 timed out, 5 closed before the payload went out, 6 incomplete,
// 7 the policy file cannot be read).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "runtime/proxy/proxy_client.h"
#include "tools/cat_direct.h"
#include "tools/cat_session.h"
#include "tools/production.h"
#include "tools/tool_common.h"

namespace {

const char kUsage[] =
    "usage: ss-cat --policy FILE STREAMTYPE [options]\n"
    "\n"
    "Sends stdin as the payload of one Secure Stream of STREAMTYPE and writes\n"
    "what it receives to stdout. States and errors go to stderr.\n"
    "\n"
    "  --policy FILE     the JSON policy (needed unless --proxy is given)\n"
    "  --meta NAME=VALUE set a metadata value declared for the streamtype (repeatable)\n"
    "  --proxy ENDPOINT  run the stream through an SS proxy: @name, /path, ./path or host:port\n"
    "  --idle-ms N       raw, ws, mqtt: N ms without rx after the payload went out ends the run\n"
    "                    well (ws: unless a message is half received); h1: it is a stall\n"
    "                    (exit 4). Default: quiet never ends the run\n"
    "  --timeout-ms N    give up after N ms in all (default: never)\n"
    "  -n                send nothing (do not read stdin)\n"
    "  -v                log every state, the HTTP status, how each connection ended\n"
    "  --version         print the version and exit\n"
    "\n"
    "exit: 0 complete (h1, mqtt QoS 1: QOS_ACK_REMOTE; ws: the server's Close 1000; raw:\n"
    "      the peer's orderly close; or --idle-ms), 1 could not connect, 2 bad usage,\n"
    "      3 peer failure (QOS_NACK_REMOTE), 4 timed out, 5 closed before the payload\n"
    "      was sent, 6 incomplete (short body, protocol error, reset, link dropped)\n";

int usage_error(const std::string& what) { return ss::tools::usage_error("ss-cat", kUsage, what); }

ss::Result<ss::Endpoint> parse_proxy(const std::string& text) {
  if (!text.empty() && (text[0] == '@' || text[0] == '/' || text[0] == '.'))
    return ss::parse_endpoint("+" + text, 0);
  if (!text.empty() && text[0] == '+') return ss::parse_endpoint(text, 0);
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return ss::make_error(ss::ErrorCode::kInvalidArgument,
                          "--proxy '" + text + "': expected @name, /path, ./path or host:port");
  char* end = nullptr;
  const long port = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535)
    return ss::make_error(ss::ErrorCode::kInvalidArgument, "--proxy '" + text + "': bad port");
  return ss::parse_endpoint(text.substr(0, colon), static_cast<std::uint16_t>(port));
}

// Proxied: the stream runs in an SS proxy; this process speaks the
// serialized protocol to it (runtime/proxy/proxy_client, lws "SSPC"). A CLI
// does not wait for a proxy that is not there: the first failed try ends it.
class ProxiedStream final : public ss::tools::CatStream {
 public:
  ProxiedStream(ss::Loop& loop, ss::Net& net, ss::tools::CatSession& session, const std::string& streamtype,
                const ss::Endpoint& proxy) {
    ss::proxy::ProxyClientOptions o;
    o.proxy = proxy;
    o.link.streamtype = streamtype;
    o.link.client_pid = static_cast<std::uint32_t>(getpid());
    ss::proxy::ProxyClientCallbacks cb;
    cb.state = [&session, proxy, this](ss::stream::State state, std::uint32_t ack) {
      if (state == ss::stream::State::kUpstreamLinkRetry) {
        if (created_) session.finish(6, "incomplete: the link to the proxy dropped");
        session.finish(1, "cannot reach the proxy at " + ss::to_string(proxy));
      } else if (state == ss::stream::State::kDisconnected && link_dropped()) {
        // ProxyClient raises DISCONNECTED for a lost link too (the onward
        // stream is gone with it): say that the link dropped.
        session.finish(6, "incomplete: the link to the proxy dropped");
        session.on_state(state, ack);
      } else if (state == ss::stream::State::kDestroying && !created_) {
        session.finish(2, "the proxy refused the streamtype (not in its policy)");
      } else {
        if (state == ss::stream::State::kCreating) created_ = true;
        session.on_state(state, ack);
      }
      return ss::stream::Ret::kOk;
    };
    cb.rx = [&session](std::span<const std::uint8_t> b, std::uint32_t flags) {
      return session.on_rx(b, flags);
    };
    cb.tx = [&session](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      return session.on_tx(buf, &len, &flags);
    };
    client_ = std::make_unique<ss::proxy::ProxyClient>(loop, net, std::move(o), std::move(cb));
    client_->start();
  }

  ss::Error set_metadata(const std::string& n, const std::string& v) override {
    client_->set_metadata(n, v);  // the proxy checks it against its policy
    return ss::Error();
  }
  void connect() override { client_->client_connect(); }
  void request_tx() override { client_->request_tx(); }
  void request_tx_len(std::size_t n) override { client_->request_tx_len(static_cast<std::uint32_t>(n)); }
  // The link to the proxy was up and is down now (ProxyClient says nothing
  // of it before CONNECTED, and tries again in 1 s).
  bool link_dropped() const { return created_ && client_->phase() == ss::proxy::ClientLink::Phase::kDown; }

 private:
  bool created_ = false;
  std::unique_ptr<ss::proxy::ProxyClient> client_;
};

std::vector<std::uint8_t> read_all_stdin() {
  std::vector<std::uint8_t> data;
  std::uint8_t buf[65536];
  for (;;) {
    const ssize_t n = read(0, buf, sizeof buf);
    if (n <= 0) break;
    data.insert(data.end(), buf, buf + n);
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  if (auto rc = ss::tools::start_tool("ss-cat", argc, argv)) return *rc;
  std::string policy_file, streamtype, proxy;
  ss::tools::CatOptions options;
  bool idle_given = false;
  long timeout_ms = 0;
  bool no_stdin = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--policy") {
      const char* v = next();
      if (!v) return usage_error("--policy needs a FILE");
      policy_file = v;
    } else if (arg == "--meta") {
      const char* v = next();
      const std::string kv = v ? v : "";
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return usage_error("--meta needs NAME=VALUE, got '" + kv + "'");
      options.metadata.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (arg == "--proxy") {
      const char* v = next();
      if (!v) return usage_error("--proxy needs an ENDPOINT");
      proxy = v;
    } else if (arg == "--idle-ms" || arg == "--timeout-ms") {
      const char* v = next();
      char* end = nullptr;
      const long ms = v ? std::strtol(v, &end, 10) : -1;
      if (!v || *end != '\0' || ms < 0) return usage_error(arg + " needs a number of milliseconds");
      if (arg == "--idle-ms") {
        options.idle = ss::millis(ms);
        idle_given = true;
      } else {
        timeout_ms = ms;
      }
    } else if (arg == "-n") {
      no_stdin = true;
    } else if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'");
    } else if (streamtype.empty()) {
      streamtype = arg;
    } else {
      return usage_error("one STREAMTYPE only; '" + arg + "' is extra");
    }
  }
  if (streamtype.empty()) return usage_error("STREAMTYPE is required");
  if (policy_file.empty() && proxy.empty()) return usage_error("--policy FILE is required (or --proxy)");

  // Direct streams need a policy; proxied ones run under the proxy's, but a
  // local policy still tells us whether the streamtype connects by itself.
  std::vector<std::string> diagnostics;
  // Declared before the runtime: the context's hooks report to it.
  ss::tools::CatEngineSink sink;
  auto runtime = ss::tools::ProductionRuntime::create(
      policy_file.empty() ? std::string_view("{\"s\":[]}") : std::string_view(policy_file), sink.hooks(),
      &diagnostics);
  if (!policy_file.empty())
    for (const auto& d : diagnostics) std::fprintf(stderr, "ss-cat: %s\n", d.c_str());
  if (!runtime) {
    if (runtime.error().code() == ss::ErrorCode::kIo) {
      std::fprintf(stderr, "ss-cat: %s\n", runtime.error().message().c_str());
      return ss::tools::kExitFile;
    }
    std::fprintf(stderr, "ss-cat: %s: %s\n", policy_file.c_str(), runtime.error().message().c_str());
    return ss::tools::kExitUsage;
  }
  auto& rt = **runtime;
  const ss::policy::Streamtype* st = rt.context().policy().find_streamtype(streamtype);
  if (proxy.empty() && !st) {
    std::fprintf(stderr, "ss-cat: streamtype '%s' is not in %s\n", streamtype.c_str(), policy_file.c_str());
    return 2;
  }
  options.connects_by_itself = st && st->nailed_up;
  options.protocol = !st                                       ? ss::tools::CatProtocol::kUnknown
                     : st->protocol == ss::policy::Protocol::kRaw ? ss::tools::CatProtocol::kRaw
                     : st->protocol == ss::policy::Protocol::kWs  ? ss::tools::CatProtocol::kWs
                     : st->protocol == ss::policy::Protocol::kMqtt ? ss::tools::CatProtocol::kMqtt
                                                                 : ss::tools::CatProtocol::kTransaction;
  if (idle_given && options.protocol == ss::tools::CatProtocol::kUnknown)
    return usage_error("--idle-ms through --proxy needs --policy FILE with the streamtype: quiet ends a raw or "
                       "ws run, never an h1 one, so ss-cat must know the protocol");
  options.sees_connection_end = proxy.empty();
  if (!no_stdin && !isatty(0)) options.payload = read_all_stdin();
  std::signal(SIGPIPE, SIG_IGN);

  ss::tools::CatSession session(rt.loop(), options);
  ss::tools::DirectStream direct(sink);
  std::unique_ptr<ProxiedStream> proxied;
  if (proxy.empty()) {
    session.attach(&direct);
    if (ss::Error e = direct.start(rt.context(), streamtype, session)) {
      std::fprintf(stderr, "ss-cat: %s\n", e.message().c_str());
      return 2;
    }
  } else {
    auto endpoint = parse_proxy(proxy);
    if (!endpoint) return usage_error(endpoint.error().message());
    proxied = std::make_unique<ProxiedStream>(rt.loop(), rt.net(), session, streamtype, *endpoint);
    session.attach(proxied.get());
  }
  ss::TimerId overall;
  if (timeout_ms > 0)
    overall = rt.loop().after(ss::millis(timeout_ms), [&] {
      session.finish(4, "timed out after " + std::to_string(timeout_ms) + " ms");
    });
  while (!session.done()) {
    rt.loop().run_once(ss::seconds(1));
    if (proxied && proxied->link_dropped()) session.finish(6, "incomplete: the link to the proxy dropped");
  }
  return session.exit_code();
}

// ss-proxy: the Secure Streams proxy. Client processes connect to it (by
// default on the abstract unix socket @proxy.ss.lws, as libwebsockets
// clients expect) and it runs their streams for them under its policy.
//
//   ss-proxy --policy FILE [--listen ENDPOINT] [limits] [--stats-every S] [-v]
//
// Exit codes (docs/tools.md): 0 stopped by SIGINT/SIGTERM, 1 cannot listen,
// 2 bad usage or a policy with errors, 7 the policy file cannot be read.
// ENDPOINT: @name (abstract unix socket), /path, ./path or +path (unix socket),
// host:port or :port (TCP). SIGINT / SIGTERM stop it cleanly; SIGUSR1
// prints the counters (docs/proxy.md).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"
#include "tools/production.h"
#include "tools/tool_common.h"

namespace {

const char kUsage[] =
    "usage: ss-proxy --policy FILE [--listen ENDPOINT] [options] [-v]\n"
    "\n"
    "Runs the Secure Streams proxy: client processes connect to ENDPOINT and\n"
    "their streams run here, under the policy FILE.\n"
    "\n"
    "  --policy FILE            the JSON policy (required)\n"
    "  --listen ENDPOINT        @name (abstract unix socket, default @proxy.ss.lws),\n"
    "                           /path, ./path or +path (unix socket), host:port or :port (TCP)\n"
    "  --max-links N            refuse clients beyond N open links (default 1024)\n"
    "  --max-links-per-client N refuse a client (unix: its uid and pid; TCP: its\n"
    "                           address) beyond N open links (default 256)\n"
    "  --client-stall-ms MS     drop a client that takes none of what is queued\n"
    "                           for it for MS ms (default 30000; 0 = never)\n"
    "  --upload-stall-ms MS     end a link whose onward stream takes none of the\n"
    "                           client's waiting payload for MS ms (default 30000; 0 = never)\n"
    "  --frame-timeout-ms MS    drop a client whose begun frame is not whole\n"
    "                           within MS ms (default 10000; 0 = never)\n"
    "  --idle-link-ms MS        drop a link whose stream the client never asked\n"
    "                           for anything within MS ms (default 300000; 0 = never)\n"
    "  --stats-every S          print the counters every S seconds (also on SIGUSR1)\n"
    "  -v                       log every link that closes and every stream state\n"
    "  --version                print the version and exit\n"
    "\n"
    "exit: 0 stopped (SIGINT, SIGTERM), 1 cannot listen, 2 bad usage or policy errors,\n"
    "      7 the policy FILE cannot be read\n";

int usage_error(const std::string& what) { return ss::tools::usage_error("ss-proxy", kUsage, what); }

ss::Result<ss::Endpoint> parse_listen(const std::string& text) {
  if (text.empty()) return ss::make_error(ss::ErrorCode::kInvalidArgument, "--listen is empty");
  if (text[0] == '@') return ss::parse_endpoint("+" + text, 0);
  // A path: absolute, ./ or ../ (relative to where `bazel run` was run), or
  // +anything.
  if (text[0] == '/' || text[0] == '.') return ss::parse_endpoint("+" + text, 0);
  if (text[0] == '+') return ss::parse_endpoint(text, 0);
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    return ss::make_error(ss::ErrorCode::kInvalidArgument,
                          "--listen '" + text + "': expected @name, /path, ./path or host:port");
  const std::string port_text = text.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535)
    return ss::make_error(ss::ErrorCode::kInvalidArgument,
                          "--listen '" + text + "': port '" + port_text + "' is not 0..65535");
  std::string host = text.substr(0, colon);
  if (host.empty()) host = "0.0.0.0";
  return ss::parse_endpoint(host, static_cast<std::uint16_t>(port));
}

ss::posix::EpollLoop* g_loop = nullptr;
volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_stats = 0;

void on_signal(int) {
  g_stop = 1;
  if (g_loop) g_loop->wake();  // an eventfd write: async-signal-safe
}

void on_stats_signal(int) {
  g_stats = 1;
  if (g_loop) g_loop->wake();
}

// A non-negative count of milliseconds (or a number >= `min`).
bool parse_count(const char* v, long min, long* out) {
  if (!v) return false;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*v == '\0' || *end != '\0' || n < min) return false;
  *out = n;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (auto rc = ss::tools::start_tool("ss-proxy", argc, argv)) return *rc;
  std::string policy_file;
  std::string listen = "@proxy.ss.lws";
  long max_links = 1024, per_client = 256, stall_ms = 30000, upload_ms = 30000, frame_ms = 10000, idle_ms = 300000, stats_every = 0;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--policy") {
      const char* v = value("--policy");
      if (!v) return usage_error("--policy needs a FILE");
      policy_file = v;
    } else if (arg == "--listen") {
      const char* v = value("--listen");
      if (!v) return usage_error("--listen needs an ENDPOINT");
      listen = v;
    } else if (arg == "--max-links") {
      if (!parse_count(value(""), 1, &max_links)) return usage_error("--max-links needs a number >= 1");
    } else if (arg == "--max-links-per-client") {
      if (!parse_count(value(""), 1, &per_client)) return usage_error("--max-links-per-client needs a number >= 1");
    } else if (arg == "--client-stall-ms") {
      if (!parse_count(value(""), 0, &stall_ms)) return usage_error("--client-stall-ms needs a number >= 0");
    } else if (arg == "--upload-stall-ms") {
      if (!parse_count(value(""), 0, &upload_ms)) return usage_error("--upload-stall-ms needs a number >= 0");
    } else if (arg == "--frame-timeout-ms") {
      if (!parse_count(value(""), 0, &frame_ms)) return usage_error("--frame-timeout-ms needs a number >= 0");
    } else if (arg == "--idle-link-ms") {
      if (!parse_count(value(""), 0, &idle_ms)) return usage_error("--idle-link-ms needs a number >= 0");
    } else if (arg == "--stats-every") {
      if (!parse_count(value(""), 1, &stats_every)) return usage_error("--stats-every needs a number of seconds >= 1");
    } else if (arg == "-v" || arg == "--verbose") {
      verbose = true;
    } else {
      return usage_error("unknown argument '" + arg + "'");
    }
  }
  if (policy_file.empty()) return usage_error("--policy FILE is required");
  auto endpoint = parse_listen(listen);
  if (!endpoint) return usage_error(endpoint.error().message());

  ss::stream::Hooks hooks;
  hooks.log = [](std::string_view text) {
    std::fprintf(stderr, "ss-proxy: %.*s\n", static_cast<int>(text.size()), text.data());
  };
  hooks.violation = [](std::string_view text) {
    std::fprintf(stderr, "ss-proxy: invariant: %.*s\n", static_cast<int>(text.size()), text.data());
  };
  if (verbose) {
    hooks.trace = [](std::string_view kind, std::string_view text) {
      std::fprintf(stderr, "ss-proxy: %.*s %.*s\n", static_cast<int>(kind.size()), kind.data(),
                   static_cast<int>(text.size()), text.data());
    };
  }
  std::vector<std::string> diagnostics;
  auto runtime = ss::tools::ProductionRuntime::create(policy_file, hooks, &diagnostics);
  for (const auto& d : diagnostics) std::fprintf(stderr, "ss-proxy: %s\n", d.c_str());
  if (!runtime) {
    if (runtime.error().code() == ss::ErrorCode::kIo) {
      std::fprintf(stderr, "ss-proxy: %s\n", runtime.error().message().c_str());
      return ss::tools::kExitFile;
    }
    std::fprintf(stderr, "ss-proxy: %s: %s\n", policy_file.c_str(), runtime.error().message().c_str());
    return ss::tools::kExitUsage;
  }
  auto& rt = **runtime;

  ss::proxy::EngineOnwardFactory onward(rt.context());
  ss::proxy::ProxyServerOptions options;
  options.listen = *endpoint;
  options.max_links = static_cast<std::size_t>(max_links);
  options.max_links_per_client = static_cast<std::size_t>(per_client);
  options.client_stall_timeout = ss::millis(stall_ms);
  options.upload_stall_timeout = ss::millis(upload_ms);
  options.link_limits.frame_timeout = ss::millis(frame_ms);
  options.link_limits.idle_created_timeout = ss::millis(idle_ms);
  options.on_link_closed = [verbose](std::uint64_t id, const std::string& reason) {
    // Refusals (id 0) and drops for a reason the client did not choose are
    // always worth a line; ordinary closes only with -v.
    const bool ordinary = reason == "client closed the link" || reason == "client sent DESTROYING";
    if (id == 0) {
      std::fprintf(stderr, "ss-proxy: %s\n", reason.c_str());
    } else if (verbose || !ordinary) {
      std::fprintf(stderr, "ss-proxy: link %llu closed: %s\n", static_cast<unsigned long long>(id), reason.c_str());
    }
  };
  ss::proxy::ProxyServer server(rt.loop(), rt.net(), onward, options);
  if (ss::Error e = server.start()) {
    std::fprintf(stderr, "ss-proxy: cannot listen on %s: %s\n", ss::to_string(*endpoint).c_str(),
                 e.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "ss-proxy: listening on %s (%zu streamtypes)\n",
               ss::to_string(server.local()).c_str(), rt.context().policy().streamtypes.size());

  g_loop = &rt.loop();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGUSR1, on_stats_signal);
  auto print_stats = [&server] {
    std::fprintf(stderr, "ss-proxy: stats: %s\n", ss::proxy::to_string(server.stats()).c_str());
  };
  ss::Micros next_stats = stats_every > 0 ? rt.loop().now() + ss::seconds(stats_every) : 0;
  while (!g_stop) {
    rt.loop().run_once(ss::seconds(1));
    if (g_stats) {
      g_stats = 0;
      print_stats();
    }
    if (next_stats && rt.loop().now() >= next_stats) {
      print_stats();
      next_stats += ss::seconds(stats_every);
    }
  }
  const auto& s = server.stats();
  std::fprintf(stderr,
               "ss-proxy: stopping: %llu links accepted, %llu dropped for misbehaving, %zu open; %s\n",
               static_cast<unsigned long long>(s.accepted),
               static_cast<unsigned long long>(s.dropped_misbehaving), s.open,
               ss::proxy::to_string(s).c_str());
  g_loop = nullptr;
  return 0;
}

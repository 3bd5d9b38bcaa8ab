// ss-serve: answers a policy's server streamtype on a real socket
// (docs/tools.md "ss-serve").
//
//   ss-serve --policy FILE --streamtype NAME [--root DIR] [-v]
//
// The streamtype (server: true) gives the address, port, protocol and TLS
// (server_cert / server_key). Over HTTP (h1, or ws before an upgrade):
// GET/HEAD serve DIR's files (a directory: its index.html; nothing there,
// or a path with "..": no server_ack, so 404); any other method echoes the
// request body back with server_ack(0). ws: after SERVER_UPGRADE the
// stream's handlers become an echo (change_handlers): each message back,
// whole, in its turn. raw: bytes echoed.
//
// Exit codes: 0 stopped by SIGINT/SIGTERM, 1 cannot listen, 2 bad usage or
// a policy with errors (or NAME not a server streamtype), 7 the policy file
// cannot be read.
#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "tools/production.h"
#include "tools/tool_common.h"

namespace {

using ss::stream::Ret;
using ss::stream::State;
using ss::stream::Stream;

const char kUsage[] =
    "usage: ss-serve --policy FILE --streamtype NAME [--root DIR] [-v]\n"
    "\n"
    "Serves the policy's server streamtype NAME (\"server\": true) on the address\n"
    "and port the policy gives it, with TLS when it names server_cert/server_key.\n"
    "\n"
    "  --policy FILE      the JSON policy (required)\n"
    "  --streamtype NAME  the server streamtype to answer (required)\n"
    "  --root DIR         GET serves the files under DIR (default: none, every GET is 404)\n"
    "  -v                 log every request and stream state\n"
    "  --version          print the version and exit\n"
    "\n"
    "HTTP: GET/HEAD a file under DIR (200; 404 when absent), any other method\n"
    "echoes its body (200). ws: each message echoed. raw: bytes echoed.\n"
    "exit: 0 stopped (SIGINT, SIGTERM), 1 cannot listen, 2 bad usage or policy errors,\n"
    "      7 the policy FILE cannot be read\n";

int usage_error(const std::string& what) { return ss::tools::usage_error("ss-serve", kUsage, what); }

ss::posix::EpollLoop* g_loop = nullptr;
volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
  if (g_loop) g_loop->wake();
}

const char* mime_for(const std::filesystem::path& p) {
  static const std::map<std::string, const char*> kTypes = {
      {".html", "text/html"}, {".htm", "text/html"}, {".txt", "text/plain"}, {".css", "text/css"},
      {".js", "text/javascript"}, {".json", "application/json"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".svg", "image/svg+xml"}};
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The file a request path names under `root`, or nullopt: no root, a ".."
// segment, nothing readable there.
std::optional<std::filesystem::path> file_for(const std::string& root, std::string path) {
  if (root.empty() || path.empty() || path[0] != '/') return std::nullopt;
  std::stringstream segments(path);
  for (std::string seg; std::getline(segments, seg, '/');) {
    if (seg == "..") return std::nullopt;
  }
  std::filesystem::path p = std::filesystem::path(root) / path.substr(1);
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) p /= "index.html";
  if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
  return p;
}

// The name of the declared metadata item mapped to `header` (lower case;
// "" if none).
std::string metadata_for_header(const ss::policy::Streamtype& st, std::string_view header) {
  for (const auto& md : st.metadata) {
    std::string_view h = md.header;
    if (!h.empty() && h.back() == ':') h.remove_suffix(1);
    if (h.size() == header.size() && std::equal(h.begin(), h.end(), header.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        }))
      return md.name;
  }
  return "";
}

// One accepted connection.
struct Conn {
  Stream* s = nullptr;
  std::string method, body;
  std::deque<std::string> out;  // ws: messages; http/raw: one response / the bytes to echo
  std::size_t pos = 0;
  bool ws = false;
  std::string msg;  // ws: the message coming in
};

class Server {
 public:
  Server(const ss::policy::Streamtype& st, std::string root, bool verbose)
      : st_(st), root_(std::move(root)), verbose_(verbose), mime_md_(metadata_for_header(st, "content-type")),
        length_md_(metadata_for_header(st, "content-length")) {}

  ss::stream::StreamInfo info() {
    ss::stream::StreamInfo i;
    i.streamtype = st_.name;
    i.make_accepted = [this](ss::stream::StreamInfo& a) {
      auto c = std::make_shared<Conn>();
      a.on_bind = [c](Stream* s) { c->s = s; };
      a.callbacks.state = [this, c](State st, std::uint32_t) { return on_state(*c, st); };
      a.callbacks.rx = [this, c](std::span<const std::uint8_t> b, std::uint32_t f) { return on_rx(*c, b, f); };
      a.callbacks.tx = [c](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
        return on_tx(*c, buf, len, f);
      };
      return true;
    };
    return i;
  }

 private:
  Ret on_state(Conn& c, State st) {
    if (verbose_) std::fprintf(stderr, "ss-serve: %s %s\n", st_.name.c_str(), ss::stream::state_name(st));
    if (st == State::kServerUpgrade) {
      c.ws = true;
      if (verbose_) std::fprintf(stderr, "ss-serve: ws upgrade %s\n", md(c, "path").c_str());
      return Ret::kOk;
    }
    if (st != State::kServerTxn) return Ret::kOk;
    c.method = md(c, "method");
    c.body.clear();
    c.out.clear();
    c.pos = 0;
    const std::string path = md(c, "path");
    if (verbose_) std::fprintf(stderr, "ss-serve: %s %s\n", c.method.c_str(), path.c_str());
    if (c.method == "GET" || c.method == "HEAD") {
      auto file = file_for(root_, path);
      std::string bytes;
      if (file) {
        std::ifstream in(*file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) file.reset();
      }
      if (file) {
        c.s->server_ack(0);
        if (!mime_md_.empty()) (void)c.s->set_metadata(mime_md_, mime_for(*file));
      } else {
        bytes = "not found\n";  // no ack: 404
      }
      return respond(c, std::move(bytes));
    }
    // Another method: its body comes back once its EOM is in. A request
    // announcing no body (Content-Length: 0, when the policy maps it) has
    // no rx: it is answered now.
    if (!length_md_.empty() && md(c, length_md_) == "0") {
      c.s->server_ack(0);
      return respond(c, "");
    }
    return Ret::kOk;
  }

  Ret on_rx(Conn& c, std::span<const std::uint8_t> b, std::uint32_t flags) {
    if (c.ws) {  // a message in pieces; echoed once whole
      c.msg.append(b.begin(), b.end());
      if (!(flags & ss::stream::kFlagEom)) return Ret::kOk;
      c.out.push_back(std::exchange(c.msg, {}));
      return c.s->request_tx();
    }
    if (st_.protocol == ss::policy::Protocol::kRaw) {
      c.out.emplace_back(b.begin(), b.end());
      return c.s->request_tx();
    }
    c.body.append(b.begin(), b.end());
    if (!(flags & ss::stream::kFlagEom)) return Ret::kOk;
    c.s->server_ack(0);
    return respond(c, std::exchange(c.body, {}));
  }

  static Ret on_tx(Conn& c, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (c.out.empty()) return Ret::kTxDontSend;
    const std::string& m = c.out.front();
    flags = c.pos == 0 ? std::uint32_t{ss::stream::kFlagSom} : 0u;
    len = std::min(buf.size(), m.size() - c.pos);
    std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(c.pos), len, buf.begin());
    c.pos += len;
    if (c.pos == m.size()) {
      flags |= ss::stream::kFlagEom;
      c.out.pop_front();
      c.pos = 0;
    }
    if (!c.out.empty()) c.s->request_tx();
    return Ret::kOk;
  }

  Ret respond(Conn& c, std::string body) {
    const std::size_t n = body.size();
    c.out.assign(1, std::move(body));
    c.pos = 0;
    return c.s->request_tx_len(n);
  }

  static std::string md(const Conn& c, const std::string& name) {
    auto v = c.s->get_metadata(name);
    return v.ok() ? std::string(*v) : "";
  }

  const ss::policy::Streamtype& st_;
  std::string root_;
  bool verbose_;
  std::string mime_md_, length_md_;
};

}  // namespace

int main(int argc, char** argv) {
  if (auto rc = ss::tools::start_tool("ss-serve", argc, argv)) return *rc;
  std::string policy_file, streamtype, root;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--policy" || arg == "--streamtype" || arg == "--root") {
      if (!next) return usage_error(arg + " needs a value");
      (arg == "--policy" ? policy_file : arg == "--streamtype" ? streamtype : root) = next;
      ++i;
    } else if (arg == "-v" || arg == "--verbose") {
      verbose = true;
    } else {
      return usage_error("unknown argument '" + arg + "'");
    }
  }
  if (policy_file.empty()) return usage_error("--policy FILE is required");
  if (streamtype.empty()) return usage_error("--streamtype NAME is required");
  std::error_code ec;
  if (!root.empty() && !std::filesystem::is_directory(root, ec)) {
    std::fprintf(stderr, "ss-serve: --root '%s' is not a directory\n", root.c_str());
    return ss::tools::kExitFile;
  }

  ss::stream::Hooks hooks;
  hooks.log = [](std::string_view text) {
    std::fprintf(stderr, "ss-serve: %.*s\n", static_cast<int>(text.size()), text.data());
  };
  hooks.violation = [](std::string_view text) {
    std::fprintf(stderr, "ss-serve: invariant: %.*s\n", static_cast<int>(text.size()), text.data());
  };
  std::vector<std::string> diagnostics;
  auto runtime = ss::tools::ProductionRuntime::create(policy_file, hooks, &diagnostics);
  for (const auto& d : diagnostics) std::fprintf(stderr, "ss-serve: %s\n", d.c_str());
  if (!runtime) {
    std::fprintf(stderr, "ss-serve: %s\n", runtime.error().message().c_str());
    return runtime.error().code() == ss::ErrorCode::kIo ? ss::tools::kExitFile : ss::tools::kExitUsage;
  }
  auto& rt = **runtime;
  const ss::policy::Streamtype* st = rt.context().policy().find_streamtype(streamtype);
  if (!st) return usage_error("streamtype '" + streamtype + "' is not in " + policy_file);
  if (!st->server) return usage_error("streamtype '" + streamtype + "' is not a server streamtype (\"server\": true)");

  Server server(*st, root, verbose);
  auto listener = rt.context().create(server.info());
  if (!listener) {
    std::fprintf(stderr, "ss-serve: cannot serve '%s': %s\n", streamtype.c_str(), listener.error().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "ss-serve: serving '%s' (%s%s) on %s:%u%s%s\n", streamtype.c_str(),
               st->protocol == ss::policy::Protocol::kWs ? "http and ws" : st->protocol == ss::policy::Protocol::kRaw ? "raw" : "http",
               st->tls ? ", tls" : "", st->endpoint.empty() ? "*" : st->endpoint.c_str(), st->port,
               root.empty() ? "" : ", root ", root.c_str());

  g_loop = &rt.loop();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  while (!g_stop) rt.loop().run_once(ss::seconds(1));
  (*listener)->destroy();
  rt.loop().run_once(0);
  std::fprintf(stderr, "ss-serve: stopped\n");
  g_loop = nullptr;
  return 0;
}

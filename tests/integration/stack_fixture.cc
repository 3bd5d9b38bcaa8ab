#include "tests/integration/stack_fixture.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

namespace ss::itest {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

int open_fds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  int n = 0;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n - 1;  // the directory stream's own descriptor
}

std::string names(const std::vector<State>& states) {
  std::string s;
  for (State st : states) {
    if (!s.empty()) s += ' ';
    s += stream::state_name(st);
  }
  return s;
}

Child::Child(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // Its own process group, so kill() reaches the children a forking peer
  // (socat ... fork) made for its connections.
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  if (::posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), environ) == 0) pid_ = pid;
  ::posix_spawnattr_destroy(&attr);
}

void Child::kill() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  // The rest of the group are the peer's children, not ours: once their
  // parent is gone, init reaps them.
  pid_ = -1;
}

bool wait_listening(int port) {
  for (int i = 0; i < 100; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (up) return true;
    timespec ts{0, 50'000'000};
    ::nanosleep(&ts, nullptr);
  }
  return false;
}

Stack::Stack(const std::string& policy_json) {
  auto parsed = policy::parse_policy(policy_json);
  if (!parsed.ok()) {
    error_ = parsed.diagnostics.empty() ? std::string("policy did not parse")
                                        : parsed.diagnostics[0].message;
    return;
  }
  stream::Context::Config config;
  config.loop = &loop_;
  config.net = &net_;
  config.tls = &tls_;
  config.seed = posix::os_random_seed();
  config.policy = parsed.policy;
  config.hooks.violation = [this](std::string_view v) { violations_.emplace_back(v); };
  config.hooks.log = [this](std::string_view line) { logs_.emplace_back(line); };
  ctx_ = std::make_unique<StreamContext>(std::move(config));
  ctx_->engine().set_tls_transport(stream::make_tls_transport());
}

Stack::~Stack() {
  ctx_.reset();
  // Let closes and cancelled resolves settle before the loop goes.
  for (int i = 0; i < 3; ++i) loop_.run_once(0);
}

bool Stack::run_until(const std::function<bool()>& done, Micros budget) {
  const Micros end = loop_.now() + budget;
  while (!done() && loop_.now() < end) loop_.run_once(millis(10));
  return done();
}

void Stack::run_for(Micros span) {
  const Micros end = loop_.now() + span;
  while (loop_.now() < end) loop_.run_once(millis(10));
}

}  // namespace ss::itest

#include "runtime/posix/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/posix/sockaddr.h"

namespace ss::posix {

namespace {

bool ends_with_invalid(std::string_view name) {
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  constexpr std::string_view kTld = "invalid";
  if (name.size() < kTld.size()) return false;
  std::string tail(name.substr(name.size() - kTld.size()));
  for (char& c : tail) c = static_cast<char>(c | 0x20);
  if (tail != kTld) return false;
  return name.size() == kTld.size() || name[name.size() - kTld.size() - 1] == '.';
}

// Cap on a DNS name (RFC 1035: 253 text characters).
constexpr std::size_t kMaxName = 253;

}  // namespace

struct AresResolver::Query {
  AresResolver* self;
  std::uint64_t id;
};

AresResolver::AresResolver(EpollLoop& loop, const ResolverOptions& options) : loop_(loop), options_(options) {}

// c-ares reads resolv.conf, nsswitch.conf and /dev/urandom when a channel
// is made: work a program whose endpoints are all IP literals never needs,
// so the channel is made at the first name that needs a query.
bool AresResolver::ensure_channel() {
  if (channel_ != nullptr || !init_error_.empty()) return channel_ != nullptr;
  ares_library_init(ARES_LIB_INIT_ALL);
  library_ = true;
  ares_options opts{};
  opts.sock_state_cb = &AresResolver::on_sock_state;
  opts.sock_state_cb_data = this;
  opts.timeout = static_cast<int>(options_.timeout / kMicrosPerMilli);
  opts.tries = options_.tries;
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  const int rc = ares_init_options(&channel_, &opts, mask);
  if (rc != ARES_SUCCESS) {
    init_error_ = std::string("c-ares init: ") + ares_strerror(rc);
    channel_ = nullptr;
    return false;
  }
  if (!options_.servers.empty()) {
    const int src = ares_set_servers_ports_csv(channel_, options_.servers.c_str());
    if (src != ARES_SUCCESS) {
      init_error_ = "DNS servers \"" + options_.servers + "\": " + ares_strerror(src);
      ares_destroy(channel_);
      channel_ = nullptr;
      return false;
    }
  }
  return true;
}

AresResolver::~AresResolver() {
  destroying_ = true;
  life_.reset();  // posted deliveries see this and do nothing
  pending_.clear();
  if (timer_) loop_.cancel(timer_);
  if (channel_ != nullptr) ares_destroy(channel_);  // runs on_result with EDESTRUCTION
  if (library_) ares_library_cleanup();
}

ResolveId AresResolver::resolve(std::string_view name, ResolveCallback done) {
  const std::uint64_t id = next_id_++;
  pending_.emplace(id, std::move(done));
  std::weak_ptr<int> life = life_;
  auto fail_later = [this, id, life](ErrorCode code, std::string message) {
    loop_.post([this, id, life, code, message = std::move(message)]() {
      if (!life.expired()) deliver(id, make_error(code, message));
    });
  };
  std::string host(name);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host.size() > kMaxName) {
    fail_later(ErrorCode::kInvalidArgument,
               "DNS name must be 1.." + std::to_string(kMaxName) + " characters");
  } else if (is_ip_literal(host)) {
    loop_.post([this, id, life, host]() {
      if (!life.expired()) deliver(id, std::vector<std::string>{host});
    });
  } else if (ends_with_invalid(host)) {
    fail_later(ErrorCode::kNotFound, "\"" + host + "\": NXDOMAIN (.invalid, RFC 6761)");
  } else if (!ensure_channel()) {
    fail_later(ErrorCode::kIo, "\"" + host + "\": " + init_error_);
  } else {
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    auto* query = new Query{this, id};
    ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, &AresResolver::on_result, query);
    rearm_timer();
  }
  return ResolveId{id};
}

bool AresResolver::cancel(ResolveId id) { return pending_.erase(id.value) != 0; }

void AresResolver::on_result(void* arg, int status, int timeouts, ares_addrinfo* result) {
  auto* query = static_cast<Query*>(arg);
  AresResolver* self = query->self;
  const std::uint64_t id = query->id;
  delete query;
  if (self->destroying_) {
    if (result != nullptr) ares_freeaddrinfo(result);
    return;
  }
  Result<std::vector<std::string>> out = std::vector<std::string>{};
  if (status == ARES_SUCCESS && result != nullptr) {
    std::vector<std::string> addrs;
    for (ares_addrinfo_node* n = result->nodes; n != nullptr; n = n->ai_next) {
      SockAddr sa;
      if (n->ai_addrlen > sizeof sa.storage) continue;
      std::memcpy(&sa.storage, n->ai_addr, n->ai_addrlen);
      sa.length = n->ai_addrlen;
      Endpoint e = to_endpoint(sa);
      if (!e.host.empty()) addrs.push_back(e.host);
    }
    if (addrs.empty()) {
      out = make_error(ErrorCode::kNotFound, "name has no addresses");
    } else {
      out = std::move(addrs);
    }
  } else if (status == ARES_ENOTFOUND || status == ARES_ENODATA || status == ARES_ENONAME) {
    out = make_error(ErrorCode::kNotFound, std::string("NXDOMAIN: ") + ares_strerror(status));
  } else {
    out = make_error(ErrorCode::kIo, std::string("DNS: ") + ares_strerror(status));
  }
  if (result != nullptr) ares_freeaddrinfo(result);
  // Always via the loop: this may run inside ares_getaddrinfo().
  std::weak_ptr<int> life = self->life_;
  self->loop_.post([self, life, id, out = std::move(out)]() mutable {
    if (!life.expired()) self->deliver(id, std::move(out));
  });
}

void AresResolver::deliver(std::uint64_t id, Result<std::vector<std::string>> result) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;  // cancelled
  ResolveCallback done = std::move(it->second);
  pending_.erase(it);
  done(std::move(result));
}

void AresResolver::on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresResolver*>(data);
  if (!readable && !writable) {
    self->loop_.unwatch(fd);
    return;
  }
  const std::uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  if (self->loop_.modify(fd, events)) {
    self->loop_.watch(fd, events, [self, fd](std::uint32_t ev) {
      const bool err = (ev & (EPOLLERR | EPOLLHUP)) != 0;
      ares_process_fd(self->channel_, (ev & EPOLLIN) || err ? fd : ARES_SOCKET_BAD,
                      (ev & EPOLLOUT) || err ? fd : ARES_SOCKET_BAD);
      self->rearm_timer();
    });
  }
}

void AresResolver::rearm_timer() {
  if (destroying_ || channel_ == nullptr) return;
  if (timer_) loop_.cancel(timer_);
  timer_ = TimerId{};
  timeval tv;
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) return;  // nothing pending
  const Micros delay = static_cast<Micros>(tv.tv_sec) * kMicrosPerSecond + tv.tv_usec;
  timer_ = loop_.after(delay, [this]() {
    timer_ = TimerId{};
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    rearm_timer();
  }, {"dns", 0, "c-ares timeout"});
}

}  // namespace ss::posix

#include "runtime/stream/context.h"

#include <string>

namespace ss::stream {

Context::Context(Config config)
    : loop_(config.loop),
      net_(config.net),
      tls_(config.tls),
      rng_(config.seed),
      policy_(std::move(config.policy)),
      hooks_(std::move(config.hooks)),
      transport_timeout_(config.transport_timeout),
      protocol_timeout_(config.protocol_timeout),
      server_limits_(config.server_limits),
      pool_(*config.loop),
      wires_(*config.loop) {
  if (!policy_) policy_ = std::make_shared<const policy::Policy>();
}

Context::~Context() {
  tearing_down_ = true;
  *alive_ = false;
  // Destroy in id order (deterministic); each stream sees DESTROYING.
  while (!streams_.empty()) {
    Stream* s = streams_.front();
    s->destroy();
    if (streams_.contains(s)) {
      // destroy() was deferred (we are inside a callback): force it out.
      graveyard_.push_back(streams_.remove(s));
    }
  }
  graveyard_.clear();
}

Result<Stream*> Context::create(StreamInfo info) {
  const policy::Streamtype* st = nullptr;
  for (const auto& candidate : policy_->streamtypes) {
    if (candidate.name == info.streamtype) {
      st = &candidate;
      break;
    }
  }
  if (!st) {
    return make_error(ErrorCode::kNotFound, "streamtype '" + info.streamtype +
                                                "' is not in the policy");
  }
  if (st->local_sink) return join_sink(*st, std::move(info));
  if (!st->server && !binding_for(st->protocol)) {
    return make_error(ErrorCode::kUnsupported,
                      "streamtype '" + info.streamtype + "': no binding for protocol number " +
                          std::to_string(static_cast<int>(st->protocol)));
  }
  if (st->server) {
    if (!binding_for(st->protocol, Role::kServer)) {
      return make_error(ErrorCode::kUnsupported, "server streamtype '" + info.streamtype +
                                                     "': no server binding for protocol number " +
                                                     std::to_string(static_cast<int>(st->protocol)));
    }
    info.flags = static_cast<std::uint8_t>(info.flags | kInfoServer);
  }
  Stream* s = make_stream(*st, std::move(info));
  if (st->server) {
    if (Error e = s->listen()) {
      s->destroy();  // never CREATED: no state is raised
      return e;
    }
  }
  s->start();
  if (s->destroyed()) {
    return make_error(ErrorCode::kState, "streamtype '" + st->name +
                                             "': the stream was destroyed while being created "
                                             "(its CREATING callback answered DESTROY_ME)");
  }
  return s;
}

Stream* Context::make_stream(const policy::Streamtype& st, StreamInfo info) {
  const std::uint64_t id = next_id_++;
  // Run once, here: the stream does not keep it.
  std::function<void(Stream*)> on_bind = std::move(info.on_bind);
  auto owned = std::make_unique<Stream>(*this, id, st, std::move(info));
  Stream* s = owned.get();
  streams_.push_back(std::move(owned));
  if (on_bind) on_bind(s);
  return s;
}

std::shared_ptr<const Target> Context::shared_target(const policy::Streamtype& st, const Target& t) {
  std::shared_ptr<const Target>& kept = targets_[&st];
  if (!kept || !(*kept == t)) kept = std::make_shared<const Target>(t);
  return kept;
}

void Context::destroy(Stream* stream) {
  if (stream) stream->destroy();
}

void Context::register_binding(policy::Protocol protocol, BindingFactory factory, Role role) {
  bindings_[{protocol, role}] = std::move(factory);
}

const BindingFactory* Context::binding_for(policy::Protocol protocol, Role role) const {
  auto it = bindings_.find({protocol, role});
  return it == bindings_.end() ? nullptr : &it->second;
}

void Context::cancel_service() {
  // Snapshot: callbacks may create or destroy streams. One destroyed
  // meanwhile is in the graveyard until a posted reap, so its pointer
  // still holds; it is skipped.
  std::vector<Stream*> live;
  live.reserve(streams_.size());
  streams_.for_each([&live](Stream* s) { live.push_back(s); });
  for (Stream* s : live) {
    if (streams_.contains(s)) s->notify(State::kEventWaitCancelled);
  }
}

std::size_t Context::attempt_count() const {
  std::size_t n = 0;
  streams_.for_each([&n](const Stream* s) { n += s->attempt_count(); });
  for (const auto& s : graveyard_) n += s->attempt_count();
  return n;
}

void Context::violation(std::string_view text) {
  if (hooks_.violation) {
    hooks_.violation(text);
  } else if (hooks_.log) {
    hooks_.log(std::string("INVARIANT: ") + std::string(text));
  }
}

void Context::trace(std::string_view kind, std::string_view text) {
  if (hooks_.trace) hooks_.trace(kind, text);
}

void Context::log(std::string_view text) {
  if (hooks_.log) hooks_.log(text);
}

void Context::bury(Stream* stream) {
  if (!streams_.contains(stream)) return;
  graveyard_.push_back(streams_.remove(stream));
  if (tearing_down_ || reap_posted_) return;
  reap_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  loop_->post([this, alive] {
    auto a = alive.lock();
    if (!a || !*a) return;
    reap_posted_ = false;
    graveyard_.clear();
  });
}

}  // namespace ss::stream

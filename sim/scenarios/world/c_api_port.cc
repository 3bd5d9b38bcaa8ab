#include "sim/scenarios/world/c_api_port.h"

#include <libwebsockets.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>

#include "runtime/capi/c_api.h"
#include "sim/testing/c_backend.h"

namespace ss::sim::world {
namespace {

using stream::EngineEvent;
using stream::Ret;

// The two halves of the C API a port may use: lws_ss_* (a stream in the
// process's own context) and lws_sspc_* (a stream in the SS proxy).
struct SsApi {
  using Handle = lws_ss_handle;
  static constexpr auto create = lws_ss_create;
  static constexpr auto destroy = lws_ss_destroy;
  static constexpr auto request_tx = lws_ss_request_tx;
  static constexpr auto request_tx_len = lws_ss_request_tx_len;
  static constexpr auto set_metadata = lws_ss_set_metadata;
  static constexpr auto get_metadata = lws_ss_get_metadata;
  static constexpr auto add_credit = lws_ss_add_peer_tx_credit;
  static constexpr auto start_timeout = lws_ss_start_timeout;
  static constexpr auto cancel_timeout = lws_ss_cancel_timeout;
  static constexpr auto to_user_object = lws_ss_to_user_object;
};

struct SspcApi {
  using Handle = lws_sspc_handle;
  static constexpr auto create = lws_sspc_create;
  static constexpr auto destroy = lws_sspc_destroy;
  static constexpr auto request_tx = lws_sspc_request_tx;
  static constexpr auto request_tx_len = lws_sspc_request_tx_len;
  static constexpr auto set_metadata = lws_sspc_set_metadata;
  static constexpr auto get_metadata = lws_sspc_get_metadata;
  static constexpr auto add_credit = lws_sspc_add_peer_tx_credit;
  static constexpr auto start_timeout = lws_sspc_start_timeout;
  static constexpr auto cancel_timeout = lws_sspc_cancel_timeout;
  static constexpr auto to_user_object = lws_sspc_to_user_object;
};

// The application's user object. The handle and the port (the opaque
// pointer) sit after a field of the application's own, so that wrong
// offsets show; `calls` is state the application keeps in it.
template <typename Api>
struct UserObject {
  std::uint32_t calls;
  typename Api::Handle* ss;
  void* port;  // opaque_user_data; null once the world let go of the stream
};

// Written out, not cast: the C values are the ABI (libwebsockets.h).
lws_ss_state_return_t to_c(Ret r) {
  switch (r) {
    case Ret::kOk: return LWSSSSRET_OK;
    case Ret::kTxDontSend: return LWSSSSRET_TX_DONT_SEND;
    case Ret::kDisconnectMe: return LWSSSSRET_DISCONNECT_ME;
    case Ret::kDestroyMe: return LWSSSSRET_DESTROY_ME;
  }
  return LWSSSSRET_OK;
}

std::uint32_t flags_from_c(int f) {
  return ((f & LWSSS_FLAG_SOM) ? stream::kFlagSom : 0u) | ((f & LWSSS_FLAG_EOM) ? stream::kFlagEom : 0u);
}

int flags_to_c(std::uint32_t f) {
  return ((f & stream::kFlagSom) ? LWSSS_FLAG_SOM : 0) | ((f & stream::kFlagEom) ? LWSSS_FLAG_EOM : 0);
}

const char* kind_name(EngineEvent::Kind k) {
  switch (k) {
    case EngineEvent::Kind::kState: return "state";
    case EngineEvent::Kind::kRx: return "rx";
    case EngineEvent::Kind::kTx: return "tx";
    default: return "?";
  }
}

template <typename Api>
class CPort final : public StreamPort {
 public:
  CPort(CApiProcess& process, Actor& actor, bool direct)
      : process_(process), actor_(actor), direct_(direct),
        destroy_inside_(actor.spec().answers.destroy_at % 2 == 1) {}
  ~CPort() override {
    // The stream may outlive the port (teardown): its callbacks then find
    // no port in the user object.
    if (h_) static_cast<UserObject<Api>*>(Api::to_user_object(h_))->port = nullptr;
  }

  bool open(lws_context* cx, const std::string& streamtype, int credit) {
    lws_ss_info_t ssi{};
    ssi.streamtype = streamtype.c_str();
    ssi.user_alloc = sizeof(UserObject<Api>);
    ssi.handle_offset = offsetof(UserObject<Api>, ss);
    ssi.opaque_user_data_offset = offsetof(UserObject<Api>, port);
    ssi.rx = &rx_cb;
    ssi.tx = &tx_cb;
    ssi.state = &state_cb;
    ssi.manual_initial_tx_credit = credit;
    // &h_: the handle is visible to callbacks raised during creation (CREATING).
    return Api::create(cx, 0, &ssi, this, &h_, nullptr, nullptr) == 0;
  }

  void request_tx() override {
    if (h_) (void)Api::request_tx(h_);
  }
  void request_tx_len(std::size_t len) override {
    if (h_) (void)Api::request_tx_len(h_, static_cast<unsigned long>(len));
  }
  void set_metadata(const std::string& n, const std::string& v) override {
    if (h_) (void)Api::set_metadata(h_, n.c_str(), v.data(), v.size());
  }
  void add_credit(std::int32_t add) override {
    if (h_) (void)Api::add_credit(h_, add);
  }
  // Unreachable: validate() gives a C API stream a fast reader or manual
  // credit, and a manual-credit reader holds by withholding grants.
  void hold_rx(bool) override { actor_.report("policy", "hold_rx on a C API stream: the C API has no rx hold"); }
  void start_timeout(std::uint32_t ms) override {
    if (h_) Api::start_timeout(h_, ms);
  }
  void cancel_timeout() override {
    if (h_) Api::cancel_timeout(h_);
  }
  void destroy() override {
    if (h_) Api::destroy(&h_);  // sets h_ to null, as lws_ss_destroy does
  }
  bool gone() const override { return h_ == nullptr; }
  std::optional<std::string> metadata(const std::string& n) const override {
    const void* v = nullptr;
    std::size_t len = 0;
    if (!h_ || Api::get_metadata(h_, n.c_str(), &v, &len) != 0) return std::nullopt;
    return std::string(static_cast<const char*>(v), len);
  }

 private:
  // [c-api] as the application sees its answers (docs/api.md, return
  // codes): DISCONNECT_ME from rx or tx ends the connection (DISCONNECTED,
  // or UNREACHABLE if it never came up) and DESTROY_ME the stream
  // (DESTROYING), before the library returns to the loop. Through the
  // proxy no engine observer sees the answers, so this is sspc's check.
  void owe(EngineEvent::Kind of, Ret r) {
    if (owed_ != Owed::kNothing || !h_) return;
    if (r == Ret::kDestroyMe) {
      owed_ = Owed::kDestroying;
    } else if (r == Ret::kDisconnectMe && of != EngineEvent::Kind::kState) {
      owed_ = Owed::kDisconnected;
    } else {
      return;
    }
    owed_from_ = of;
    std::weak_ptr<bool> alive = alive_;
    process_.world().loop().post([this, alive] {
      if (alive.expired() || owed_ == Owed::kNothing) return;
      actor_.report("c-api", std::string(owed_ == Owed::kDestroying ? "no DESTROYING after DESTROY_ME"
                                                                     : "no DISCONNECTED after DISCONNECT_ME") +
                                 " from " + kind_name(owed_from_) + " before the library returned to the loop");
      owed_ = Owed::kNothing;
    });
  }
  void paid(stream::State state) {
    using stream::State;
    const bool ended = state == State::kDisconnected || state == State::kUnreachable;
    if (state == State::kDestroying || (owed_ == Owed::kDisconnected && ended)) owed_ = Owed::kNothing;
  }

  // A C application may destroy its stream from inside a callback (docs/api.md:
  // the destruction waits for the callback to return) rather than answer
  // DESTROY_ME: a stream whose plan destroys at an odd call does that.
  Ret destroy_inside(Ret r) {
    if (r != Ret::kDestroyMe || !destroy_inside_ || !h_) return r;
    Api::destroy(&h_);
    return Ret::kOk;
  }

  static CPort* port_of(void* userobj) { return static_cast<CPort*>(static_cast<UserObject<Api>*>(userobj)->port); }

  // The user object is the handle's, with the handle where ssi said.
  void check_user(void* userobj) {
    auto* u = static_cast<UserObject<Api>*>(userobj);
    ++u->calls;
    if (!h_) return;  // inside lws_ss_create, before it returned the handle
    if (Api::to_user_object(h_) != userobj || u->ss != h_)
      actor_.report("c-api", "a callback's user object is not the handle's (or its handle field is wrong)");
  }

  static lws_ss_state_return_t state_cb(void* userobj, void*, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack) {
    CPort* p = port_of(userobj);
    if (!p) return LWSSSSRET_OK;
    p->check_user(userobj);
    const int n = static_cast<int>(state);
    if (p->direct_) p->process_.heard_state(n);
    p->paid(stream::to_state(n));
    const Ret r = p->destroy_inside(p->actor_.on_state(stream::to_state(n), ack));
    if (n != stream::to_int(stream::State::kDestroying)) p->owe(EngineEvent::Kind::kState, r);
    if (n == stream::to_int(stream::State::kDestroying)) p->h_ = nullptr;  // lws frees it after this callback
    if (p->direct_) p->process_.said(EngineEvent::Kind::kState, r);
    return to_c(r);
  }

  static lws_ss_state_return_t rx_cb(void* userobj, const std::uint8_t* buf, std::size_t len, int flags) {
    CPort* p = port_of(userobj);
    if (!p) return LWSSSSRET_OK;
    p->check_user(userobj);
    const Ret r = p->destroy_inside(p->actor_.on_rx(std::span<const std::uint8_t>(buf, len), flags_from_c(flags)));
    p->owe(EngineEvent::Kind::kRx, r);
    if (p->direct_) p->process_.said(EngineEvent::Kind::kRx, r);
    return to_c(r);
  }

  static lws_ss_state_return_t tx_cb(void* userobj, lws_ss_tx_ordinal_t ord, std::uint8_t* buf, std::size_t* len,
                                     int* flags) {
    CPort* p = port_of(userobj);
    if (!p) return LWSSSSRET_TX_DONT_SEND;
    p->check_user(userobj);
    std::size_t l = *len;
    std::uint32_t f = 0;
    const Ret r = p->destroy_inside(p->actor_.on_tx(ord, std::span<std::uint8_t>(buf, *len), l, f));
    p->owe(EngineEvent::Kind::kTx, r);
    *len = l;
    *flags = flags_to_c(f);
    if (p->direct_) p->process_.said(EngineEvent::Kind::kTx, r);
    return to_c(r);
  }

  CApiProcess& process_;
  Actor& actor_;
  bool direct_;  // lws_ss_* (the process's engine observes the answers)
  bool destroy_inside_;
  enum class Owed { kNothing, kDisconnected, kDestroying };
  Owed owed_ = Owed::kNothing;  // what the last answer asked for and has not come
  EngineEvent::Kind owed_from_ = EngineEvent::Kind::kState;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  typename Api::Handle* h_ = nullptr;
};

}  // namespace

std::unique_ptr<CApiProcess> CApiProcess::direct(World& world, int host, const std::string& policy_json,
                                                 std::shared_ptr<const policy::Policy> policy, std::uint64_t seed,
                                                 TlsProvider* tls) {
  std::unique_ptr<CApiProcess> p(new CApiProcess(world, false));
  p->policy_json_ = policy_json;
  // The hooks of the world's own client context, with the engine checker
  // and, in front of it, the check of each callback's answer.
  stream::Context::Config cfg;
  cfg.policy = std::move(policy);  // for the checker only; the context loads policy_json itself
  cfg.hooks.violation = [&world](std::string_view t) { world.violation("[legal-transition] c-api client " + std::string(t)); };
  cfg.hooks.trace = [&world](std::string_view k, std::string_view t) { world.record(k, t); };
  cfg.hooks.buggify = [&world](std::string_view site) { return world.buggify_site(site); };
  p->checker_ = std::make_unique<EngineChecker>(world);
  p->checker_->set_tagged(true);
  p->checker_->attach(cfg);
  auto checker_observe = std::move(cfg.hooks.observe);
  CApiProcess* raw = p.get();
  cfg.hooks.observe = [raw, checker_observe](const EngineEvent& e) {
    raw->observe(e);
    if (checker_observe) checker_observe(e);
  };
  auto backend = std::make_unique<SimBackend>(world, host);
  backend->set_tls(tls);
  backend->set_hooks(std::move(cfg.hooks));
  lws_context_creation_info info{};
  info.pss_policies_json = p->policy_json_.c_str();
  info.ss_seed = seed;
  p->context_ = stream::create_c_context(&info, std::move(backend));
  if (!p->context_) {
    world.violation("[policy] the C API context did not take the world's policy");
    return nullptr;
  }
  return p;
}

std::unique_ptr<CApiProcess> CApiProcess::sspc(World& world, int host, const std::string& proxy_host,
                                               std::uint16_t proxy_port) {
  std::unique_ptr<CApiProcess> p(new CApiProcess(world, true));
  lws_context_creation_info info{};
  info.ss_proxy_address = proxy_host.c_str();
  info.ss_proxy_port = proxy_port;
  p->context_ = stream::create_c_context(&info, std::make_unique<SimBackend>(world, host));
  if (!p->context_) {
    world.violation("[policy] the C API proxy client context could not be made");
    return nullptr;
  }
  return p;
}

CApiProcess::~CApiProcess() {
  closing_ = true;
  lws_context_destroy(context_);
}

bool CApiProcess::create(Actor& actor, const std::string& streamtype, int manual_initial_tx_credit) {
  bool ok = false;
  if (via_proxy_) {
    auto port = std::make_unique<CPort<SspcApi>>(*this, actor, false);
    auto* raw = port.get();
    actor.attach(std::move(port));
    ok = raw->open(context_, streamtype, manual_initial_tx_credit);
  } else {
    auto port = std::make_unique<CPort<SsApi>>(*this, actor, true);
    auto* raw = port.get();
    actor.attach(std::move(port));
    ok = raw->open(context_, streamtype, manual_initial_tx_credit);
  }
  if (!ok && (actor.states().empty() || actor.states().back().state != stream::State::kDestroying))
    actor.report("policy", std::string(via_proxy_ ? "lws_sspc_create" : "lws_ss_create") + " refused " + streamtype);
  return ok;
}

void CApiProcess::finish() {
  if (checker_ && context_) checker_->finish(*stream::engine_of(context_));
}

void CApiProcess::violation(const std::string& text) {
  if (!closing_) world_.violation("[c-api] @" + std::to_string(world_.now()) + "us: " + text);
}

void CApiProcess::said(EngineEvent::Kind of, Ret ret) { said_.push_back({of, ret}); }

void CApiProcess::heard_state(int state) {
  if (raised_ && *raised_ != state)
    violation("the engine raised state " + std::to_string(*raised_) + "; the C state callback got " +
              std::to_string(state));
  raised_.reset();
}

void CApiProcess::observe(const EngineEvent& e) {
  if (closing_) return;
  if (e.kind == EngineEvent::Kind::kState) raised_ = e.state;
  if (e.kind != EngineEvent::Kind::kAnswer) return;
  if (said_.empty()) {
    violation(std::string("the engine took a ") + kind_name(e.of) + " answer (" + stream::ret_name(e.ret) +
              ") that no C callback gave");
    return;
  }
  const Answer a = said_.back();
  said_.pop_back();
  if (a.of != e.of || a.ret != e.ret)
    violation(std::string("a C ") + kind_name(a.of) + " callback answered " + stream::ret_name(a.ret) + "; the engine took " +
              kind_name(e.of) + " " + stream::ret_name(e.ret));
}

}  // namespace ss::sim::world

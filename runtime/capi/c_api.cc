// The C API of libwebsockets.h over the stream engine.
#include "runtime/capi/c_api.h"

#include <ss/backend_c.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/planted.h"
#include "runtime/include/ss/builtin_bindings.h"
#include "runtime/policy/parse.h"
#include "runtime/stream/context.h"
#include "runtime/stream/stream.h"

using ss::stream::Backend;
using ss::stream::Ret;
using ss::stream::Stream;

struct lws_sequencer {
  ss::stream::Sequencer* seq = nullptr;
};

// The handle is the stream's Handlers (runtime/stream/handlers.h): it
// calls the C callbacks with the user object it owns, so a stream needs no
// std::function for them (docs/benchmarks.md, "Heap per idle raw stream").
struct lws_ss_handle final : ss::stream::Handlers {
  Stream* stream = nullptr;
  lws_context* context = nullptr;
  // All a stream needs of its lws_ss_info_t after lws_ss_create: the user
  // object's size and the callbacks. Not the whole struct (88 bytes per
  // stream for fields read once).
  std::size_t user_alloc = 0;
  void* user = nullptr;  // user_alloc bytes, zeroed
  lws_sscb_rx rx_cb = nullptr;
  lws_sscb_tx tx_cb = nullptr;
  lws_sscb_state state_cb = nullptr;
  lws_sequencer sequencer;
  ~lws_ss_handle() override;

  bool has_rx() const override { return rx_cb != nullptr; }
  bool has_tx() const override { return tx_cb != nullptr; }
  bool has_state() const override { return state_cb != nullptr; }
  Ret rx(std::span<const std::uint8_t> buf, std::uint32_t flags) override;
  Ret tx(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) override;
  Ret state(ss::stream::State state, std::uint32_t ack) override;
};

// A sul embedded in the user object must not fire after the object is
// freed (lws reports such timers as zombies): cancel any still scheduled.
lws_ss_handle::~lws_ss_handle() {
  if (context && user && user_alloc) {
    auto* lo = static_cast<lws_sorted_usec_list_t*>(user);
    auto* hi = reinterpret_cast<lws_sorted_usec_list_t*>(static_cast<char*>(user) + user_alloc);
    auto& suls = context->suls;
    for (auto it = suls.lower_bound(lo); it != suls.end() && std::less<>{}(it->first, hi);) {
      context->backend->loop().cancel(it->second);
      it->first->list.owner = nullptr;
      it = suls.erase(it);
    }
  }
  std::free(user);
}

namespace {

// Log level and emitter. Process-wide like lws's own; only the emitter
// choice lives here, nothing that affects stream behaviour.
int g_log_level = LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_USER;
lws_log_emit_t g_log_emit = nullptr;

Ret to_ret(lws_ss_state_return_t r) {
  if (r == LWSSSSRET_DISCONNECT_ME && SS_PLANTED("capi-disconnect-as-ok")) return Ret::kOk;  // planted
  return static_cast<Ret>(static_cast<int>(r));
}
lws_ss_state_return_t from_ret(Ret r) {
  return static_cast<lws_ss_state_return_t>(static_cast<int>(r));
}

}  // namespace

namespace ss::stream {

bool c_log_visible(int level) { return (g_log_level & level) != 0; }

void c_log(int level, const std::string& line) {
  if (!(g_log_level & level)) return;
  if (g_log_emit) {
    g_log_emit(level, line.c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

}  // namespace ss::stream

Ret lws_ss_handle::rx(std::span<const std::uint8_t> buf, std::uint32_t flags) {
  // Never NULL, even for an empty EOM chunk: C code memcpy()s it.
  static constexpr std::uint8_t kEmpty[1] = {0};
  const std::uint8_t* p = buf.data() ? buf.data() : kEmpty;
  return to_ret(rx_cb(user, p, buf.size(), static_cast<int>(flags)));
}

Ret lws_ss_handle::tx(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len,
                      std::uint32_t& flags) {
  int f = 0;
  std::size_t l = len;
  Ret r = to_ret(tx_cb(user, ordinal, buf.data(), &l, &f));
  if (SS_PLANTED("capi-tx-eom-lost")) f &= ~LWSSS_FLAG_EOM;  // planted
  len = l;
  flags = static_cast<std::uint32_t>(f);
  return r;
}

Ret lws_ss_handle::state(ss::stream::State st, std::uint32_t ack) {
  return to_ret(state_cb(user, nullptr, static_cast<lws_ss_constate_t>(st), ack));
}

namespace {

using ss::stream::c_log;

// A handle with its zeroed user object (user_alloc bytes), the handle and
// opaque pointers written at their offsets; nullptr if out of memory.
std::shared_ptr<lws_ss_handle> make_handle(lws_context* context, const lws_ss_info_t* ssi, void* opaque) {
  auto h = std::make_shared<lws_ss_handle>();
  h->context = context;
  h->user_alloc = ssi->user_alloc;
  h->user = std::calloc(1, ssi->user_alloc ? ssi->user_alloc : 1);
  if (!h->user) return nullptr;
  h->rx_cb = ssi->rx;
  h->tx_cb = ssi->tx;
  h->state_cb = ssi->state;
  lws_ss_handle* raw = h.get();
  if (ssi->user_alloc) {
    std::memcpy(static_cast<char*>(raw->user) + ssi->handle_offset, &raw, sizeof raw);
    std::memcpy(static_cast<char*>(raw->user) + ssi->opaque_user_data_offset, &opaque, sizeof opaque);
  }
  return h;
}

// The StreamInfo of a stream the engine accepts for `ssi` (an accepted sink,
// an accepted server client): a fresh handle and zeroed user object of the
// same ssi, with the same opaque pointer, as lws gives each client.
std::function<bool(ss::stream::StreamInfo&)> accepted_filler(lws_context* context, const lws_ss_info_t* ssi,
                                                             void* opaque) {
  const lws_ss_info_t copy = *ssi;
  return [context, copy, opaque](ss::stream::StreamInfo& a) {
    auto h = make_handle(context, &copy, opaque);
    if (!h) return false;
    lws_ss_handle* raw = h.get();
    a.handlers = h;
    a.manual_initial_tx_credit = copy.manual_initial_tx_credit;
    a.user = raw->user;
    a.on_bind = [raw](Stream* s) {
      raw->stream = s;
      raw->sequencer.seq = &s->sequencer();
    };
    return true;
  };
}

// LWSSSINFLAGS_REGISTER_SINK: no stream; the context records the sink
// (Context::register_sink). Its SINK_JOIN / SINK_PART callbacks get a user
// object of the registration's own (lws passes the source's, docs/secure-streams.md §6 item
// 6); each joining source gets an accepted sink stream with a fresh handle
// and user object from the same ssi.
bool register_c_sink(lws_context* context, const lws_ss_info_t* ssi, void* opaque) {
  auto reg = make_handle(context, ssi, opaque);
  if (!reg) return false;
  ss::stream::StreamInfo info;
  info.streamtype = ssi->streamtype;
  info.flags = ssi->flags;
  info.user = reg->user;
  info.handlers = reg;  // lives as long as the registration
  auto fill = accepted_filler(context, ssi, opaque);
  auto make_accepted = [fill]() -> std::optional<ss::stream::StreamInfo> {
    ss::stream::StreamInfo a;
    if (!fill(a)) return std::nullopt;
    return a;
  };
  if (ss::Error e = context->engine->register_sink(std::move(info), std::move(make_accepted))) {
    c_log(LLL_ERR, "lws_ss_create: " + e.message());
    return false;
  }
  return true;
}
}  // namespace

namespace {

// lws_system_states_t names, for mgr_system.state_names and logs.
const char* const kSystemStateNames[] = {
    "UNKNOWN",     "CONTEXT_CREATED", "INITIALIZED",      "IFACE_COLDPLUG",
    "DHCP",        "CPD_PRE_TIME",    "TIME_VALID",       "CPD_POST_TIME",
    "POLICY_VALID", "REGISTERED",     "AUTH1",            "AUTH2",
    "ONE_TIME_UPDATES", "OPERATIONAL", "POLICY_INVALID",  "CONTEXT_DESTROYING"};
constexpr int kSystemStateCount = sizeof kSystemStateNames / sizeof kSystemStateNames[0];

const char* system_state_name(int state) {
  return state >= 0 && state < kSystemStateCount ? kSystemStateNames[state] : "?";
}

void init_system_state(lws_context* cx, lws_state_notify_link_t* const* list) {
  lws_state_manager_t& m = cx->mgr_system;
  m.context = cx;
  m.parent = cx;
  m.name = "system";
  // lws's field is not const-qualified; nothing writes through it.
  m.state_names = const_cast<const char**>(kSystemStateNames);
  m.state = LWS_SYSTATE_CONTEXT_CREATED;
  lws_state_reg_notifier_list(&m, list);
}

// Asks every notifier in order; the first nonzero answer vetoes.
bool notifiers_allow(lws_state_manager_t* mgr, int current, int target) {
  for (lws_dll2* d = mgr->notify_list.head; d;) {
    lws_dll2* next = d->next;  // the callback may deregister its own link
    auto* nl = lws_container_of(d, lws_state_notify_link_t, list);
    if (nl->notify_cb && nl->notify_cb(mgr, nl, current, target)) {
      c_log(LLL_INFO, std::string("system state: ") + (nl->name ? nl->name : "(unnamed)") +
                          " vetoed " + system_state_name(current) + " -> " +
                          system_state_name(target));
      return false;
    }
    d = next;
  }
  return true;
}

// One transition with its two notifications (before: may veto; after:
// (target, target), answers ignored). Returns false if vetoed.
bool transition_once(lws_state_manager_t* mgr, int target) {
  // While notifiers run, lws_context_destroy is refused (we are iterating
  // the context's notifier list).
  lws_context* cx = mgr->context;
  if (cx) ++cx->in_callback;
  bool moved = notifiers_allow(mgr, mgr->state, target);
  if (moved) {
    mgr->state = target;
    for (lws_dll2* d = mgr->notify_list.head; d;) {
      lws_dll2* next = d->next;
      auto* nl = lws_container_of(d, lws_state_notify_link_t, list);
      if (nl->notify_cb) (void)nl->notify_cb(mgr, nl, target, target);
      d = next;
    }
  }
  if (cx) --cx->in_callback;
  return moved;
}

}  // namespace

namespace ss::stream {

Result<std::shared_ptr<const policy::Policy>> Backend::load_policy(std::string_view text) {
  auto out = policy::load_policy_text_or_file(text);
  if (!out.ok()) {
    std::string msg = "policy did not load";
    for (const auto& d : out.diagnostics) msg += "; " + policy::format_diagnostic(d);
    return make_error(ErrorCode::kParse, msg);
  }
  return out.policy;
}

void Backend::setup(Context& ctx) { register_builtin_bindings(ctx); }

lws_context* create_c_context(const lws_context_creation_info* info,
                              std::unique_ptr<Backend> backend) {
  if (!info || !backend) return nullptr;
  // No policy at all is fine: a client of an SS proxy runs its streams
  // under the proxy's (lws_sspc_*), and lws_ss_create then finds nothing.
  Result<std::shared_ptr<const policy::Policy>> pol = std::make_shared<const policy::Policy>();
  if (info->pss_policies_json) pol = backend->load_policy(info->pss_policies_json);
  if (!pol) {
    c_log(LLL_ERR, "lws_create_context: policy: " + pol.error().message());
    return nullptr;
  }
  auto proxy = sspc_proxy_endpoint(*info);
  if (!proxy) {
    c_log(LLL_ERR, "lws_create_context: " + proxy.error().message());
    return nullptr;
  }
  auto* cx = new lws_context;
  cx->backend = std::move(backend);
  cx->sspc_proxy = std::move(*proxy);
  Context::Config cfg;
  cfg.loop = &cx->backend->loop();
  cfg.net = &cx->backend->net();
  cfg.tls = cx->backend->tls();
  cfg.seed = info->ss_seed ? info->ss_seed : cx->backend->seed();
  cfg.policy = *pol;
  cfg.hooks = cx->backend->hooks();
  // lws's "protect network round trips from hanging forever" setting.
  if (info->timeout_secs > 0) cfg.protocol_timeout = ss::seconds(info->timeout_secs);
  if (!cfg.hooks.log) cfg.hooks.log = [](std::string_view t) { c_log(LLL_WARN, std::string(t)); };
  cx->engine = std::make_unique<Context>(std::move(cfg));
  for (int i = 0; i < ss::stream::kBlobSlots; ++i) cx->blobs[static_cast<std::size_t>(i)] = {cx->engine.get(), i};
  cx->backend->setup(*cx->engine);
  init_system_state(cx, info->register_notifier_list);
  return cx;
}

Backend* backend_of(lws_context* context) { return context ? context->backend.get() : nullptr; }
Context* engine_of(lws_context* context) { return context ? context->engine.get() : nullptr; }

}  // namespace ss::stream

extern "C" {

void lws_set_log_level(int level, lws_log_emit_t log_emit_function) {
  g_log_level = level;
  g_log_emit = log_emit_function;
}

void _lws_log(int filter, const char* format, ...) {
  if (!(g_log_level & filter)) return;
  char buf[1024];
  va_list ap;
  va_start(ap, format);
  std::vsnprintf(buf, sizeof buf, format, ap);
  va_end(ap);
  std::size_t n = std::strlen(buf);
  while (n && buf[n - 1] == '\n') buf[--n] = '\0';
  c_log(filter, buf);
}

const char* lws_cmdline_option(int argc, const char** argv, const char* val) {
  if (!argv || !val) return nullptr;
  const std::size_t n = std::strlen(val);
  for (int i = 1; i < argc; ++i) {
    if (!argv[i] || std::strncmp(argv[i], val, n) != 0) continue;
    if (argv[i][n] == '\0') return i + 1 < argc ? argv[i + 1] : "";
    if (argv[i][n] == '=') return argv[i] + n + 1;
    return argv[i] + n;  // "-d1039" style, as lws
  }
  return nullptr;
}

void lws_cmdline_option_handle_builtin(int argc, const char** argv,
                                       struct lws_context_creation_info* info) {
  // As lws: the level is always set, from -d, else info->default_loglevel,
  // else errors, warnings, notices and user lines.
  int level = info && info->default_loglevel ? info->default_loglevel
                                              : LLL_USER | LLL_ERR | LLL_WARN | LLL_NOTICE;
  if (const char* d = lws_cmdline_option(argc, argv, "-d")) level = std::atoi(d);
  lws_set_log_level(level, g_log_emit);
}

int lws_snprintf(char* str, size_t size, const char* format, ...) {
  if (!str || size == 0) return 0;
  va_list ap;
  va_start(ap, format);
  const int n = std::vsnprintf(str, size, format, ap);
  va_end(ap);
  if (n < 0) return 0;
  return static_cast<std::size_t>(n) >= size ? static_cast<int>(size - 1) : n;
}

int lws_service(struct lws_context* context, int timeout_ms) {
  if (!context) return -1;
  if (!context->system_walk_started) {
    // The system state walk runs here, never inside lws_create_context, so
    // notifiers may use the context pointer the application stored.
    context->system_walk_started = true;
    lws_state_transition_steps(&context->mgr_system, LWS_SYSTATE_OPERATIONAL);
  }
  if (context->cancel_pending.exchange(false)) context->engine->cancel_service();
  return context->backend->service(timeout_ms);
}

void lws_cancel_service(struct lws_context* context) {
  if (!context) return;
  context->cancel_pending.store(true);
  context->backend->wake();
}

void lws_context_destroy(struct lws_context* context) {
  if (!context) return;
  if ((context->engine && context->engine->busy()) || context->in_callback) {
    c_log(LLL_ERR,
          "lws_context_destroy: called from inside a stream callback or a system state "
          "notifier; refused (call it after lws_service returns)");
    return;
  }
  // Notifiers hear CONTEXT_DESTROYING first; a veto cannot stop it.
  lws_state_transition(&context->mgr_system, LWS_SYSTATE_CONTEXT_DESTROYING);
  // Unlink the notifiers: their (often static) links may join a later
  // context.
  while (lws_dll2* d = context->mgr_system.notify_list.head)
    lws_state_reg_deregister(lws_container_of(d, lws_state_notify_link_t, list));
  for (auto& [sul, id] : context->suls) {
    context->backend->loop().cancel(id);
    sul->list.owner = nullptr;
  }
  context->suls.clear();
  ss::stream::destroy_sspc_handles(context);
  ss::stream::destroy_ss_proxies(context);  // their onward streams live in the engine
  context->engine.reset();  // every stream sees DESTROYING
  delete context;
}

int lws_ss_create(struct lws_context* context, int tsi, const lws_ss_info_t* ssi,
                  void* opaque_user_data, struct lws_ss_handle** ppss, void* reserved,
                  const char** ppayload_fmt) {
  (void)tsi;
  (void)reserved;
  if (ppss) *ppss = nullptr;
  if (!context || !ssi || !ssi->streamtype) return 1;
  if (ssi->user_alloc && (ssi->handle_offset + sizeof(void*) > ssi->user_alloc ||
                          ssi->opaque_user_data_offset + sizeof(void*) > ssi->user_alloc)) {
    c_log(LLL_ERR, "lws_ss_create: handle/opaque offsets lie outside user_alloc");
    return 1;
  }
  if (ssi->flags & LWSSSINFLAGS_REGISTER_SINK) return register_c_sink(context, ssi, opaque_user_data) ? 0 : 1;
  auto h = make_handle(context, ssi, opaque_user_data);
  if (!h) return 1;
  lws_ss_handle* raw = h.get();
  ss::stream::StreamInfo info;
  info.streamtype = ssi->streamtype;
  info.handlers = h;
  info.manual_initial_tx_credit = ssi->manual_initial_tx_credit;
  info.flags = ssi->flags;
  info.user = raw->user;
  info.on_bind = [raw, ppss](Stream* s) {
    raw->stream = s;
    raw->sequencer.seq = &s->sequencer();
    if (ppss) *ppss = raw;  // visible to callbacks raised during creation
  };
  // A server streamtype's clients: each its own handle and user object.
  // Only a server stream ever accepts one (Stream::accepted_info), so other
  // streams do not carry the filler (a copy of *ssi: 88 bytes of heap each,
  // docs/benchmarks.md "Heap per idle raw stream").
  const ss::policy::Streamtype* st = context->engine->policy().find_streamtype(ssi->streamtype);
  if (st != nullptr && st->server) info.make_accepted = accepted_filler(context, ssi, opaque_user_data);
  auto s = context->engine->create(std::move(info));
  if (!s) {
    if (ppss) *ppss = nullptr;
    c_log(LLL_ERR, "lws_ss_create: " + s.error().message());
    return 1;
  }
  if (ppayload_fmt) {
    *ppayload_fmt = (*s)->streamtype().payload_fmt.empty()
                        ? nullptr
                        : (*s)->streamtype().payload_fmt.c_str();
  }
  return 0;
}

void lws_ss_destroy(struct lws_ss_handle** ppss) {
  if (!ppss || !*ppss) return;
  lws_ss_handle* h = *ppss;
  *ppss = nullptr;
  if (h->stream) h->stream->destroy();
}

lws_ss_state_return_t lws_ss_request_tx(struct lws_ss_handle* h) {
  return h && h->stream ? from_ret(h->stream->request_tx()) : LWSSSSRET_OK;
}

lws_ss_state_return_t lws_ss_request_tx_len(struct lws_ss_handle* h, unsigned long len) {
  return h && h->stream ? from_ret(h->stream->request_tx_len(len)) : LWSSSSRET_OK;
}

lws_ss_state_return_t lws_ss_client_connect(struct lws_ss_handle* h) {
  return h && h->stream ? from_ret(h->stream->client_connect()) : LWSSSSRET_OK;
}

struct lws_sequencer* lws_ss_get_sequencer(struct lws_ss_handle* h) {
  return h ? &h->sequencer : nullptr;
}

size_t lws_seq_state_count(struct lws_sequencer* seq) {
  return seq && seq->seq ? seq->seq->size() : 0;
}

int lws_seq_state_at(struct lws_sequencer* seq, size_t index) {
  if (!seq || !seq->seq || index >= seq->seq->size()) return -1;
  return ss::stream::to_int(seq->seq->at(index));
}

// libwebsockets' own strings (docs/api.md, "The states"): the enum names,
// "(unset)" for 0, "user state" from LWSSSCS_USER_BASE, "unknown" for the
// rest. Traces and tools keep the short names of ss::stream::state_name().
const char* lws_ss_state_name(lws_ss_constate_t state) {
  static constexpr const char* kNames[] = {
      "(unset)",
      "LWSSSCS_CREATING",
      "LWSSSCS_DISCONNECTED",
      "LWSSSCS_UNREACHABLE",
      "LWSSSCS_AUTH_FAILED",
      "LWSSSCS_CONNECTED",
      "LWSSSCS_CONNECTING",
      "LWSSSCS_DESTROYING",
      "LWSSSCS_POLL",
      "LWSSSCS_ALL_RETRIES_FAILED",
      "LWSSSCS_QOS_ACK_REMOTE",
      "LWSSSCS_QOS_NACK_REMOTE",
      "LWSSSCS_QOS_ACK_LOCAL",
      "LWSSSCS_QOS_NACK_LOCAL",
      "LWSSSCS_TIMEOUT",
      "LWSSSCS_SERVER_TXN",
      "LWSSSCS_SERVER_UPGRADE",
      "LWSSSCS_EVENT_WAIT_CANCELLED",
      "LWSSSCS_UPSTREAM_LINK_RETRY",
      "LWSSSCS_SINK_JOIN",
      "LWSSSCS_SINK_PART",
  };
  static_assert(sizeof kNames / sizeof kNames[0] == ss::stream::kLastBuiltinState + 1);
  // A caller may pass any int (lws programs do): read the bytes, not an
  // enum value outside the enumerators (undefined in C++; UBSan says so).
  static_assert(sizeof state == sizeof(int));
  int n = 0;
  std::memcpy(&n, &state, sizeof n);
  if (n >= LWSSSCS_USER_BASE) return "user state";
  if (n < 0 || n > ss::stream::kLastBuiltinState) return "unknown";
  return kNames[n];
}

struct lws_context* lws_ss_get_context(struct lws_ss_handle* h) {
  return h ? h->context : nullptr;
}

void lws_ss_start_timeout(struct lws_ss_handle* h, unsigned int timeout_ms) {
  if (SS_PLANTED("capi-timeout-late")) timeout_ms += timeout_ms / 8;  // planted: the timer an eighth late
  if (h && h->stream) h->stream->start_timeout(timeout_ms);
}

void lws_ss_cancel_timeout(struct lws_ss_handle* h) {
  if (h && h->stream) h->stream->cancel_timeout();
}

void* lws_ss_to_user_object(struct lws_ss_handle* h) { return h ? h->user : nullptr; }

const char* lws_ss_rideshare(struct lws_ss_handle* h) {
  return h && h->stream ? h->stream->rideshare() : nullptr;
}

const char* lws_ss_tag(struct lws_ss_handle* h) {
  if (!h) return "[null ss]";  // as libwebsockets
  return h->stream ? h->stream->streamtype().name.c_str() : "(null)";
}

const char* lws_ss_last_error(struct lws_ss_handle* h) {
  return h && h->stream ? h->stream->last_error().c_str() : nullptr;
}

int lws_ss_set_metadata(struct lws_ss_handle* h, const char* name, const void* value,
                        size_t len) {
  if (!h || !h->stream || !name || (!value && len)) return 1;
  auto err = h->stream->set_metadata(
      name, std::string_view(static_cast<const char*>(value ? value : ""), len));
  if (err) {
    c_log(LLL_WARN, "lws_ss_set_metadata: " + err.message());
    return 1;
  }
  return 0;
}

int lws_ss_alloc_set_metadata(struct lws_ss_handle* h, const char* name, const void* value,
                              size_t len) {
  return lws_ss_set_metadata(h, name, value, len);
}

int lws_ss_get_metadata(struct lws_ss_handle* h, const char* name, const void** value,
                        size_t* len) {
  if (!h || !h->stream || !name || !value || !len) return 1;
  auto v = h->stream->get_metadata(name);
  if (!v) return 1;
  *value = v->data() ? v->data() : "";  // declared but unset: "", never NULL (C code memcpy()s it)
  *len = v->size();
  return 0;
}

void lws_ss_server_ack(struct lws_ss_handle* h, int nack) {
  if (h && h->stream) h->stream->server_ack(nack);
}

// Each live accepted stream of the server `h` once (Server::foreach_client:
// safe when `cb` destroys the handle it is given); nothing for other streams.
void lws_ss_server_foreach_client(struct lws_ss_handle* h, lws_sssfec_cb cb, void* arg) {
  if (!h || !h->stream || !cb) return;
  h->stream->foreach_client([cb, arg](Stream* s) {
    cb(static_cast<lws_ss_handle*>(s->handlers().get()), arg);
  });
}

void lws_ss_change_handlers(struct lws_ss_handle* h, lws_sscb_rx rx, lws_sscb_tx tx,
                            lws_sscb_state state) {
  if (!h || !h->stream) return;
  // Only the callbacks given change; the handle is the stream's handlers.
  if (rx) h->rx_cb = rx;
  if (tx) h->tx_cb = tx;
  if (state) h->state_cb = state;
}

int lws_ss_add_peer_tx_credit(struct lws_ss_handle* h, int32_t add) {
  if (!h || !h->stream) return 1;
  h->stream->add_peer_tx_credit(add);
  if (SS_PLANTED("capi-credit-twice")) h->stream->add_peer_tx_credit(add);  // planted
  return 0;
}

int lws_ss_get_est_peer_tx_credit(struct lws_ss_handle* h) {
  return h && h->stream ? h->stream->get_est_peer_tx_credit() : 0;
}

int64_t ss_context_now_us(struct lws_context* context) {
  return context ? context->backend->loop().now() : 0;
}

// --- system state (lws_state_*) ---------------------------------------------

void lws_state_reg_notifier(lws_state_manager_t* mgr, lws_state_notify_link_t* nl) {
  if (!mgr || !nl || nl->list.owner) return;
  nl->list.prev = mgr->notify_list.tail;
  nl->list.next = nullptr;
  nl->list.owner = &mgr->notify_list;
  if (mgr->notify_list.tail) {
    mgr->notify_list.tail->next = &nl->list;
  } else {
    mgr->notify_list.head = &nl->list;
  }
  mgr->notify_list.tail = &nl->list;
  mgr->notify_list.count++;
}

void lws_state_reg_deregister(lws_state_notify_link_t* nl) {
  if (!nl || !nl->list.owner) return;
  lws_dll2_owner* o = nl->list.owner;
  if (nl->list.prev) {
    nl->list.prev->next = nl->list.next;
  } else {
    o->head = nl->list.next;
  }
  if (nl->list.next) {
    nl->list.next->prev = nl->list.prev;
  } else {
    o->tail = nl->list.prev;
  }
  o->count--;
  nl->list = lws_dll2_t{};
}

void lws_state_reg_notifier_list(lws_state_manager_t* mgr, lws_state_notify_link_t* const* nl) {
  if (!nl) return;
  for (; *nl; ++nl) lws_state_reg_notifier(mgr, *nl);
}

int lws_state_transition_steps(lws_state_manager_t* mgr, int target) {
  if (!mgr) return 0;
  // `<`, not `!=`: a notifier may itself have moved the state further.
  while (mgr->state < target && transition_once(mgr, mgr->state + 1)) {
  }
  return 0;
}

int lws_state_transition(lws_state_manager_t* mgr, int target) {
  if (mgr && mgr->state != target) transition_once(mgr, target);
  return 0;
}

lws_state_manager_t* lws_system_get_state_manager(struct lws_context* context) {
  return context ? &context->mgr_system : nullptr;
}

struct lws_context* lws_system_context_from_system_mgr(lws_state_manager_t* mgr) {
  return mgr ? mgr->context : nullptr;
}

// --- system blobs (runtime/stream/system_blobs.h) ---------------------------

lws_system_blob_t* lws_system_get_blob(struct lws_context* context, lws_system_blob_item_t type,
                                       int idx) {
  if (!context || !context->engine) return nullptr;
  const int slot = ss::stream::SystemBlobs::slot(static_cast<ss::stream::BlobType>(type), idx);
  return slot < 0 ? nullptr : &context->blobs[static_cast<std::size_t>(slot)];
}

void lws_system_blob_direct_set(lws_system_blob_t* b, const uint8_t* ptr, size_t len) {
  if (!b || !b->engine) return;
  if (!b->engine->blobs().set(b->slot, std::span<const std::uint8_t>(ptr, ptr ? len : 0)))
    c_log(LLL_ERR, "lws_system_blob_direct_set: more than the 64 KiB a blob may hold");
}

void lws_system_blob_heap_empty(lws_system_blob_t* b) {
  if (b && b->engine) b->engine->blobs().clear(b->slot);
}

int lws_system_blob_heap_append(lws_system_blob_t* b, const uint8_t* ptr, size_t len) {
  if (!b || !b->engine || (!ptr && len)) return -1;
  return b->engine->blobs().append(b->slot, std::span<const std::uint8_t>(ptr, len)) ? 0 : -1;
}

size_t lws_system_blob_get_size(lws_system_blob_t* b) {
  if (!b || !b->engine) return 0;
  auto v = b->engine->blobs().get(b->slot);
  return v ? v->size() : 0;
}

int lws_system_blob_get_single_ptr(lws_system_blob_t* b, const uint8_t** ptr) {
  if (!b || !b->engine || !ptr) return -1;
  auto v = b->engine->blobs().get(b->slot);
  if (!v) return -1;
  *ptr = v->data();
  return 0;
}

int lws_system_blob_get(lws_system_blob_t* b, uint8_t* ptr, size_t* len, size_t ofs) {
  if (!b || !b->engine || !len) return -1;
  auto v = b->engine->blobs().get(b->slot);
  if (!v || ofs > v->size()) return -1;
  const size_t n = std::min(*len, v->size() - ofs);
  if (n && !ptr) return -1;
  if (n) std::memcpy(ptr, v->data() + ofs, n);
  *len = n;
  return 0;
}

void lws_system_blob_destroy(lws_system_blob_t* b) { lws_system_blob_heap_empty(b); }

}  // extern "C"

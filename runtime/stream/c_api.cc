// The C API of libwebsockets.h over the stream engine.
#include "runtime/stream/c_api.h"

#include <ss/backend_c.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/policy/parse.h"
#include "runtime/proto/h1/h1_binding.h"
#include "runtime/proto/raw/raw_binding.h"
#include "runtime/proto/ws/ws_binding.h"
#include "runtime/stream/context.h"
#include "runtime/stream/stream.h"

using ss::stream::Backend;
using ss::stream::Ret;
using ss::stream::Stream;

// One handle per system blob slot, so lws_system_get_blob can hand out a
// stable pointer.
struct lws_system_blob {
  ss::stream::Context* engine = nullptr;
  int slot = -1;
};

struct lws_context {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<ss::stream::Context> engine;
  std::atomic<bool> cancel_pending{false};
  std::array<lws_system_blob, ss::stream::kBlobSlots> blobs;
};

struct lws_sequencer {
  ss::stream::Sequencer* seq = nullptr;
};

struct lws_ss_handle {
  Stream* stream = nullptr;
  lws_context* context = nullptr;
  lws_ss_info_t info{};
  void* user = nullptr;  // user_alloc bytes, zeroed
  lws_sequencer sequencer;
  ~lws_ss_handle() { std::free(user); }
};

namespace {

// Log level and emitter. Process-wide like lws's own; only the emitter
// choice lives here, nothing that affects stream behaviour.
int g_log_level = LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_USER;
lws_log_emit_t g_log_emit = nullptr;

Ret to_ret(lws_ss_state_return_t r) { return static_cast<Ret>(static_cast<int>(r)); }
lws_ss_state_return_t from_ret(Ret r) {
  return static_cast<lws_ss_state_return_t>(static_cast<int>(r));
}

}  // namespace

namespace ss::stream {

void c_log(int level, const std::string& line) {
  if (!(g_log_level & level)) return;
  if (g_log_emit) {
    g_log_emit(level, line.c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

}  // namespace ss::stream

namespace {

using ss::stream::c_log;

ss::stream::Callbacks callbacks_for(lws_ss_handle* h) {
  ss::stream::Callbacks cb;
  if (h->info.rx) {
    cb.rx = [h](std::span<const std::uint8_t> buf, std::uint32_t flags) {
      return to_ret(h->info.rx(h->user, buf.data(), buf.size(), static_cast<int>(flags)));
    };
  }
  if (h->info.tx) {
    cb.tx = [h](std::uint32_t ord, std::span<std::uint8_t> buf, std::size_t& len,
                std::uint32_t& flags) {
      int f = 0;
      std::size_t l = len;
      Ret r = to_ret(h->info.tx(h->user, ord, buf.data(), &l, &f));
      len = l;
      flags = static_cast<std::uint32_t>(f);
      return r;
    };
  }
  if (h->info.state) {
    cb.state = [h](int state, std::uint32_t ack) {
      return to_ret(h->info.state(h->user, nullptr, static_cast<lws_ss_constate_t>(state), ack));
    };
  }
  return cb;
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

void register_builtin_bindings(Context& ctx) {
  proto::raw::register_raw_binding(ctx);
  proto::h1::register_h1_binding(ctx);
  proto::ws::register_ws_binding(ctx);
}

void Backend::setup(Context& ctx) { register_builtin_bindings(ctx); }

lws_context* create_c_context(const lws_context_creation_info* info,
                              std::unique_ptr<Backend> backend) {
  if (!info || !backend) return nullptr;
  auto pol = backend->load_policy(info->pss_policies_json ? info->pss_policies_json : "");
  if (!pol) {
    c_log(LLL_ERR, "lws_create_context: policy: " + pol.error().message());
    return nullptr;
  }
  auto* cx = new lws_context;
  cx->backend = std::move(backend);
  Context::Config cfg;
  cfg.loop = &cx->backend->loop();
  cfg.net = &cx->backend->net();
  cfg.tls = cx->backend->tls();
  cfg.seed = info->ss_seed ? info->ss_seed : cx->backend->seed();
  cfg.policy = *pol;
  cfg.hooks = cx->backend->hooks();
  if (!cfg.hooks.log) cfg.hooks.log = [](std::string_view t) { c_log(LLL_WARN, std::string(t)); };
  cx->engine = std::make_unique<Context>(std::move(cfg));
  for (int i = 0; i < ss::stream::kBlobSlots; ++i) cx->blobs[static_cast<std::size_t>(i)] = {cx->engine.get(), i};
  cx->backend->setup(*cx->engine);
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
  }
  return nullptr;
}

void lws_cmdline_option_handle_builtin(int argc, const char** argv,
                                       struct lws_context_creation_info* info) {
  (void)info;
  if (const char* d = lws_cmdline_option(argc, argv, "-d")) lws_set_log_level(std::atoi(d), g_log_emit);
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
  if (context->engine && context->engine->busy()) {
    c_log(LLL_ERR,
          "lws_context_destroy: called from inside a stream callback; refused (call it after "
          "lws_service returns)");
    return;
  }
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
  auto h = std::make_shared<lws_ss_handle>();
  h->context = context;
  h->info = *ssi;
  h->user = std::calloc(1, ssi->user_alloc ? ssi->user_alloc : 1);
  if (!h->user) return 1;
  lws_ss_handle* raw = h.get();
  if (ssi->user_alloc) {
    std::memcpy(static_cast<char*>(raw->user) + ssi->handle_offset, &raw, sizeof raw);
    std::memcpy(static_cast<char*>(raw->user) + ssi->opaque_user_data_offset, &opaque_user_data,
                sizeof opaque_user_data);
  }
  ss::stream::StreamInfo info;
  info.streamtype = ssi->streamtype;
  info.callbacks = callbacks_for(raw);
  info.manual_initial_tx_credit = ssi->manual_initial_tx_credit;
  info.flags = ssi->flags;
  info.user = raw->user;
  info.user_storage = h;
  info.on_bind = [raw, ppss](Stream* s) {
    raw->stream = s;
    raw->sequencer.seq = &s->sequencer();
    if (ppss) *ppss = raw;  // visible to callbacks raised during creation
  };
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
  return seq && seq->seq ? seq->seq->states().size() : 0;
}

int lws_seq_state_at(struct lws_sequencer* seq, size_t index) {
  if (!seq || !seq->seq || index >= seq->seq->states().size()) return -1;
  return seq->seq->states()[index];
}

int lws_ss_proxy_create(struct lws_context* context, const char* bind, int port) {
  (void)context;
  (void)bind;
  (void)port;
  c_log(LLL_ERR, "lws_ss_proxy_create: not available in this build (see tools/ss-proxy)");
  return 1;
}

const char* lws_ss_state_name(lws_ss_constate_t state) {
  return ss::stream::state_name(static_cast<int>(state));
}

struct lws_context* lws_ss_get_context(struct lws_ss_handle* h) {
  return h ? h->context : nullptr;
}

void lws_ss_start_timeout(struct lws_ss_handle* h, unsigned int timeout_ms) {
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
  return h && h->stream ? h->stream->streamtype().name.c_str() : "(null)";
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
  *value = v->data();
  *len = v->size();
  return 0;
}

void lws_ss_server_ack(struct lws_ss_handle* h, int nack) {
  if (h && h->stream) h->stream->server_ack(nack);
}

void lws_ss_server_foreach_client(struct lws_ss_handle* h, lws_sssfec_cb cb, void* arg) {
  // Server streams come later; a client stream has no accepted clients.
  (void)h;
  (void)cb;
  (void)arg;
}

void lws_ss_change_handlers(struct lws_ss_handle* h, lws_sscb_rx rx, lws_sscb_tx tx,
                            lws_sscb_state state) {
  if (!h || !h->stream) return;
  if (rx) h->info.rx = rx;
  if (tx) h->info.tx = tx;
  if (state) h->info.state = state;
  h->stream->change_handlers(callbacks_for(h));
}

int lws_ss_add_peer_tx_credit(struct lws_ss_handle* h, int32_t add) {
  if (!h || !h->stream) return 1;
  h->stream->add_peer_tx_credit(add);
  return 0;
}

int lws_ss_get_est_peer_tx_credit(struct lws_ss_handle* h) {
  return h && h->stream ? h->stream->get_est_peer_tx_credit() : 0;
}

int64_t ss_context_now_us(struct lws_context* context) {
  return context ? context->backend->loop().now() : 0;
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

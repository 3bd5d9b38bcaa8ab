// The lws_sspc_* half of the C API (runtime/include/libwebsockets.h): each
// handle is a ProxyClient (runtime/proxy/proxy_client.h), one link to an SS
// proxy, driven by the context's loop and network like any other stream.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "runtime/capi/c_api.h"
#include "runtime/core/planted.h"
#include "runtime/proxy/proxy_client.h"

struct lws_sspc_handle {
  std::uint64_t id = 0;
  lws_context* context = nullptr;
  lws_ss_info_t info{};
  void* user = nullptr;  // user_alloc bytes, zeroed
  std::unique_ptr<ss::proxy::ProxyClient> client;
  std::string metadata_value;  // what lws_sspc_get_metadata last pointed at
  ~lws_sspc_handle() {
    client.reset();
    std::free(user);
  }
};

namespace ss::stream {

std::uint32_t Backend::process_id() const { return static_cast<std::uint32_t>(getpid()); }

Result<Endpoint> sspc_proxy_endpoint(const lws_context_creation_info& info) {
  if (info.ss_proxy_port) {
    const char* host = info.ss_proxy_address && *info.ss_proxy_address ? info.ss_proxy_address : "127.0.0.1";
    return Endpoint::tcp(host, info.ss_proxy_port);
  }
  if (!info.ss_proxy_bind || !*info.ss_proxy_bind) return Endpoint::unix_abstract("proxy.ss.lws");
  std::string text = info.ss_proxy_bind;
  if (text[0] != '+') text = "+" + text;  // "@name" and "/path" mean the same here
  auto ep = parse_endpoint(text, 0);
  if (!ep) return make_error(ErrorCode::kInvalidArgument, "ss_proxy_bind '" + std::string(info.ss_proxy_bind) +
                                                              "': " + ep.error().message());
  return ep;
}

void destroy_sspc_handles(lws_context* context) {
  // Each hears DESTROYING; then the objects go (their loop is about to).
  for (auto& [id, h] : context->sspc_handles) h->client->destroy();
  context->sspc_handles.clear();
}

}  // namespace ss::stream

namespace {

using ss::stream::Ret;

Ret to_ret(lws_ss_state_return_t r) {
  if (r == LWSSSSRET_DISCONNECT_ME && SS_PLANTED("capi-sspc-disconnect-as-ok")) return Ret::kOk;  // planted
  return static_cast<Ret>(static_cast<int>(r));
}

// Frees a handle from the loop once it is destroyed (never under its own
// callbacks).
void reap_later(lws_sspc_handle* h) {
  lws_context* cx = h->context;
  const std::uint64_t id = h->id;
  cx->backend->loop().post([cx, id] { cx->sspc_handles.erase(id); });
}

ss::proxy::ProxyClientCallbacks callbacks_for(lws_sspc_handle* h) {
  ss::proxy::ProxyClientCallbacks cb;
  cb.state = [h](ss::stream::State state, std::uint32_t ack) {
    Ret r = Ret::kOk;
    if (h->info.state)
      r = to_ret(h->info.state(h->user, nullptr, static_cast<lws_ss_constate_t>(state), ack));
    if (state == ss::stream::State::kDestroying) reap_later(h);
    return r;
  };
  cb.rx = [h](std::span<const std::uint8_t> buf, std::uint32_t flags) {
    static const std::uint8_t kEmpty[1] = {0};  // never hand C code a NULL buffer
    if (!h->info.rx) return Ret::kOk;
    return to_ret(h->info.rx(h->user, buf.empty() ? kEmpty : buf.data(), buf.size(), static_cast<int>(flags)));
  };
  cb.tx = [h](std::uint32_t ord, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (!h->info.tx) return Ret::kTxDontSend;
    std::size_t l = buf.size();
    int f = 0;
    Ret r = to_ret(h->info.tx(h->user, ord, buf.data(), &l, &f));
    len = l;
    flags = static_cast<std::uint32_t>(f);
    return r;
  };
  return cb;
}

bool usable(const lws_sspc_handle* h) { return h && h->client && !h->client->destroyed(); }

}  // namespace

extern "C" {

int lws_sspc_create(struct lws_context* context, int tsi, const lws_ss_info_t* ssi, void* opaque_user_data,
                    struct lws_sspc_handle** ppss, void* reserved, const char** ppayload_fmt) {
  (void)tsi;
  (void)reserved;
  if (ppss) *ppss = nullptr;
  if (ppayload_fmt) *ppayload_fmt = nullptr;  // the proxy has the policy, not us
  if (!context || !ssi || !ssi->streamtype || !*ssi->streamtype) return 1;
  if (ssi->user_alloc && (ssi->handle_offset + sizeof(void*) > ssi->user_alloc ||
                          ssi->opaque_user_data_offset + sizeof(void*) > ssi->user_alloc)) {
    ss::stream::c_log(LLL_ERR, "lws_sspc_create: handle/opaque offsets lie outside user_alloc");
    return 1;
  }
  auto h = std::make_shared<lws_sspc_handle>();
  h->id = context->next_sspc_id++;
  h->context = context;
  h->info = *ssi;
  h->user = std::calloc(1, ssi->user_alloc ? ssi->user_alloc : 1);
  if (!h->user) return 1;
  lws_sspc_handle* raw = h.get();
  if (ssi->user_alloc) {
    std::memcpy(static_cast<char*>(raw->user) + ssi->handle_offset, &raw, sizeof raw);
    std::memcpy(static_cast<char*>(raw->user) + ssi->opaque_user_data_offset, &opaque_user_data,
                sizeof opaque_user_data);
  }
  ss::proxy::ProxyClientOptions o;
  o.proxy = context->sspc_proxy;
  o.link.streamtype = ssi->streamtype;
  o.link.client_pid = context->backend->process_id();
  o.link.initial_tx_credit = ssi->manual_initial_tx_credit;
  raw->client = std::make_unique<ss::proxy::ProxyClient>(context->backend->loop(), context->backend->net(),
                                                         std::move(o), callbacks_for(raw));
  context->sspc_handles.emplace(raw->id, std::move(h));
  if (ppss) *ppss = raw;
  raw->client->start();  // CREATING comes once the proxy has answered
  return 0;
}

void lws_sspc_destroy(struct lws_sspc_handle** ppss) {
  if (!ppss || !*ppss) return;
  lws_sspc_handle* h = *ppss;
  *ppss = nullptr;
  if (usable(h)) h->client->destroy();  // DESTROYING, then freed from the loop
}

lws_ss_state_return_t lws_sspc_request_tx(struct lws_sspc_handle* h) {
  if (usable(h)) h->client->request_tx();
  return LWSSSSRET_OK;
}

lws_ss_state_return_t lws_sspc_request_tx_len(struct lws_sspc_handle* h, unsigned long len) {
  if (usable(h)) h->client->request_tx_len(static_cast<std::uint32_t>(len));
  return LWSSSSRET_OK;
}

lws_ss_state_return_t lws_sspc_client_connect(struct lws_sspc_handle* h) {
  if (usable(h)) h->client->client_connect();
  return LWSSSSRET_OK;
}

struct lws_sequencer* lws_sspc_get_sequencer(struct lws_sspc_handle*) { return nullptr; }

int lws_sspc_proxy_create(struct lws_context*, const char*, int) {
  ss::stream::c_log(LLL_ERR, "lws_sspc_proxy_create: a proxy client does not serve a proxy; run tools/ss-proxy");
  return 1;
}

struct lws_context* lws_sspc_get_context(struct lws_sspc_handle* h) { return h ? h->context : nullptr; }

const char* lws_sspc_rideshare(struct lws_sspc_handle* h) {
  if (!h) return nullptr;
  return h->client ? h->client->rideshare().c_str() : h->info.streamtype;
}

int lws_sspc_set_metadata(struct lws_sspc_handle* h, const char* name, const void* value, size_t len) {
  if (!usable(h) || !name || (!value && len)) return 1;
  h->client->set_metadata(name, std::string(static_cast<const char*>(value), len));
  return 0;
}

int lws_sspc_get_metadata(struct lws_sspc_handle* h, const char* name, const void** value, size_t* len) {
  if (!h || !h->client || !name || !value || !len) return 1;
  auto v = h->client->get_metadata(name);
  if (!v) return 1;
  h->metadata_value.assign(v->data(), v->size());
  if (!h->metadata_value.empty() && SS_PLANTED("capi-sspc-md-short")) h->metadata_value.pop_back();  // planted
  *value = h->metadata_value.data();
  *len = h->metadata_value.size();
  return 0;
}

int lws_sspc_add_peer_tx_credit(struct lws_sspc_handle* h, int32_t add) {
  if (usable(h)) h->client->add_peer_tx_credit(add);
  return 0;
}

int lws_sspc_get_est_peer_tx_credit(struct lws_sspc_handle* h) {
  return h && h->client ? static_cast<int>(h->client->est_peer_tx_credit()) : 0;
}

void lws_sspc_start_timeout(struct lws_sspc_handle* h, unsigned int timeout_ms) {
  if (usable(h)) h->client->start_timeout(timeout_ms);
}

void lws_sspc_cancel_timeout(struct lws_sspc_handle* h) {
  if (usable(h)) h->client->cancel_timeout();
}

void* lws_sspc_to_user_object(struct lws_sspc_handle* h) { return h ? h->user : nullptr; }

void lws_sspc_change_handlers(struct lws_sspc_handle* h, lws_sscb_rx rx, lws_sscb_tx tx, lws_sscb_state state) {
  if (!h) return;
  if (rx) h->info.rx = rx;
  if (tx) h->info.tx = tx;
  if (state) h->info.state = state;
}

void lws_sspc_server_ack(struct lws_sspc_handle*, int) {}

const char* lws_sspc_last_error(struct lws_sspc_handle* h) {
  if (!h) return nullptr;
  return h->client ? h->client->last_error().c_str() : "";
}

const char* lws_sspc_tag(struct lws_sspc_handle* h) { return h && h->info.streamtype ? h->info.streamtype : "sspc"; }

}  // extern "C"

// Internals of the C API (runtime/include/libwebsockets.h) for backends and
// for the compatibility helpers in runtime/capi/lws_compat.cc.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <libwebsockets.h>

#include "runtime/capi/backend.h"
#include "runtime/core/loop.h"
#include "runtime/stream/context.h"
#include "runtime/stream/system_blobs.h"

// One handle per system blob slot, so lws_system_get_blob can hand out a
// stable pointer.
struct lws_system_blob {
  ss::stream::Context* engine = nullptr;
  int slot = -1;
};

struct lws_sspc_handle;  // runtime/capi/c_api_sspc.cc

namespace ss::stream {
struct CProxy;  // lws_ss_proxy_create: runtime/capi/c_api_proxy.cc
struct CProxyDeleter {
  void operator()(CProxy* p) const;
};
}  // namespace ss::stream

struct lws_context {
  std::unique_ptr<ss::stream::Backend> backend;
  std::unique_ptr<ss::stream::Context> engine;
  std::atomic<bool> cancel_pending{false};
  std::array<lws_system_blob, ss::stream::kBlobSlots> blobs;

  // System state (lws_state_*): walked to OPERATIONAL from the first
  // lws_service(). `in_callback` > 0 while a notifier or a sul callback
  // runs: lws_context_destroy is refused then.
  lws_state_manager_t mgr_system{};
  bool system_walk_started = false;
  int in_callback = 0;
  // lws_default_loop_exit() was called (from any thread or a signal
  // handler, hence atomic; lock-free, so async-signal-safe).
  std::atomic<bool> interrupted{false};
  // Scheduled lws_sorted_usec_list_t timers (pointer order only decides
  // teardown order, which has no visible effect).
  std::map<lws_sorted_usec_list_t*, ss::TimerId> suls;

  // lws_sspc_* streams: where the proxy listens (from ss_proxy_*), and the
  // live handles by creation order (destroyed with the context).
  ss::Endpoint sspc_proxy = ss::Endpoint::unix_abstract("proxy.ss.lws");
  std::map<std::uint64_t, std::shared_ptr<lws_sspc_handle>> sspc_handles;
  std::uint64_t next_sspc_id = 1;

  // SS proxies served by this context (lws_ss_proxy_create), in creation
  // order; destroyed with the context, before its engine.
  std::vector<std::unique_ptr<ss::stream::CProxy, ss::stream::CProxyDeleter>> ss_proxies;
};

namespace ss::stream {

// Creates an lws_context running on `backend`. Returns nullptr (with an
// lwsl_err line saying why) if the policy does not load.
lws_context* create_c_context(const lws_context_creation_info* info,
                              std::unique_ptr<Backend> backend);

Backend* backend_of(lws_context* context);
// Logs through lws_set_log_level's emitter/level (LLL_* `level`).
void c_log(int level, const std::string& line);
// True if lines of `level` are emitted.
bool c_log_visible(int level);
Context* engine_of(lws_context* context);
// The SS proxy endpoint named by a context's ss_proxy_* settings.
Result<Endpoint> sspc_proxy_endpoint(const lws_context_creation_info& info);
// Destroys every lws_sspc_* handle of the context (each hears DESTROYING).
void destroy_sspc_handles(lws_context* context);
// Where lws_ss_proxy_create(context, bind, port) listens: port 0 = unix
// socket `bind` ("@name" abstract or a path; NULL = "@proxy.ss.lws"),
// else TCP `port` on address `bind` (NULL = every interface).
Result<Endpoint> ss_proxy_listen_endpoint(const char* bind, int port);
// Closes every proxy of lws_ss_proxy_create (links and onward streams).
void destroy_ss_proxies(lws_context* context);

}  // namespace ss::stream

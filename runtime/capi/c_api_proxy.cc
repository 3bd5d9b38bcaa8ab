// lws_ss_proxy_create (runtime/include/libwebsockets.h): an SS proxy served
// by the application's own context, as libwebsockets does (docs/proxy.md,
// "In-process proxy: lws_ss_proxy_create"). A ProxyServer
// (runtime/proxy/server.h) on the context's loop and network; the onward
// streams run on the context's engine, under its policy
// (runtime/proxy/engine_onward.h). The context owns it.
#include <memory>
#include <string>

#include "runtime/capi/c_api.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"

namespace ss::stream {

struct CProxy {
  CProxy(lws_context* cx, proxy::ProxyServerOptions options)
      : onward(*cx->engine),
        server(cx->backend->loop(), cx->backend->net(), onward, std::move(options)) {}
  proxy::EngineOnwardFactory onward;
  proxy::ProxyServer server;  // after `onward`: destroyed first
};

void CProxyDeleter::operator()(CProxy* p) const { delete p; }

Result<Endpoint> ss_proxy_listen_endpoint(const char* bind, int port) {
  const std::string text = bind ? bind : "";
  if (port < 0 || port > 65535)
    return make_error(ErrorCode::kInvalidArgument, "port " + std::to_string(port) + " is not 0..65535");
  if (port) {
    // TCP on that port, on every interface or on the address `bind`.
    if (text.empty()) return Endpoint::tcp("0.0.0.0", static_cast<std::uint16_t>(port));
    if (text[0] == '+' || text[0] == '@' || text[0] == '/')
      return make_error(ErrorCode::kInvalidArgument,
                        "bind '" + text + "' is a unix socket, but port " + std::to_string(port) +
                            " asks for TCP (use port 0 for a unix socket)");
    return parse_endpoint(text, static_cast<std::uint16_t>(port));
  }
  // A unix socket: "@name" (abstract) or a path; "+" prefixed as in
  // ss_proxy_bind is accepted too.
  if (!bind) return Endpoint::unix_abstract("proxy.ss.lws");
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "bind is empty");
  return parse_endpoint(text[0] == '+' ? text : "+" + text, 0);
}

void destroy_ss_proxies(lws_context* context) { context->ss_proxies.clear(); }

}  // namespace ss::stream

extern "C" int lws_ss_proxy_create(struct lws_context* context, const char* bind, int port) {
  using ss::stream::c_log;
  if (!context || !context->engine) {
    c_log(LLL_ERR, "lws_ss_proxy_create: no context");
    return 1;
  }
  auto at = ss::stream::ss_proxy_listen_endpoint(bind, port);
  if (!at) {
    c_log(LLL_ERR, "lws_ss_proxy_create: " + at.error().message());
    return 1;
  }
  ss::proxy::ProxyServerOptions options;
  options.listen = *at;
  options.on_link_closed = [](std::uint64_t id, const std::string& reason) {
    if (ss::stream::c_log_visible(LLL_INFO))
      c_log(LLL_INFO, "ss proxy: link " + std::to_string(id) + " closed: " + reason);
  };
  std::unique_ptr<ss::stream::CProxy, ss::stream::CProxyDeleter> p(
      new ss::stream::CProxy(context, std::move(options)));
  if (ss::Error e = p->server.start()) {
    c_log(LLL_ERR, "lws_ss_proxy_create: cannot listen on " + ss::to_string(*at) + ": " + e.message());
    return 1;
  }
  c_log(LLL_NOTICE, "lws_ss_proxy_create: SS proxy listening on " + ss::to_string(p->server.local()) +
                        " (" + std::to_string(context->engine->policy().streamtypes.size()) +
                        " streamtypes)");
  context->ss_proxies.push_back(std::move(p));
  return 0;
}

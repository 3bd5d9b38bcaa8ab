// lws_create_context(): the C API on the production posix backend
// (runtime/posix: EpollLoop + PosixNet), with OpenSSL TLS for streamtypes
// with "tls": true from make_tls_provider() (runtime/proto/tls: linked in,
// or a plugin loaded on the first TLS stream in the packaged library).
#include <libwebsockets.h>

#include <memory>

#include "runtime/bind/tls/tls_transport.h"
#include "runtime/capi/c_api.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/proto/tls/make_provider.h"

namespace {

class PosixBackend final : public ss::stream::Backend {
 public:
  ss::Loop& loop() override { return loop_; }
  ss::Net& net() override { return net_; }
  ss::TlsProvider* tls() override { return tls_.get(); }
  void setup(ss::stream::Context& ctx) override {
    Backend::setup(ctx);
    ctx.set_tls_transport(ss::stream::make_tls_transport());
    ctx.set_tls_accept(ss::stream::make_tls_accept());  // TLS server streamtypes
  }

  // lws_service(ctx, 0) blocks until something happens (a timer, I/O or
  // lws_cancel_service); a positive timeout bounds the wait.
  int service(int timeout_ms) override {
    loop_.run_once(timeout_ms > 0 ? ss::millis(timeout_ms) : -1);
    return 0;
  }
  void wake() override { loop_.wake(); }

 private:
  ss::posix::EpollLoop loop_;
  ss::posix::PosixNet net_{loop_};
  std::unique_ptr<ss::TlsProvider> tls_ = ss::proto::make_tls_provider();
};

}  // namespace

extern "C" struct lws_context* lws_create_context(const struct lws_context_creation_info* info) {
  return ss::stream::create_c_context(info, std::make_unique<PosixBackend>());
}

#include "runtime/bind/tls/tls_transport.h"

#include "runtime/proto/tls/tls_connection.h"

namespace ss::stream {

TlsTransportFactory make_tls_transport() {
  return [](Net& net, TlsProvider* provider, const Endpoint& to, const ConnectOptions& options,
            const TlsClientConfig& config,
            ConnectionHandler* handler) -> Result<std::unique_ptr<Connection>> {
    if (!provider) {
      return make_error(ErrorCode::kTls, "the context has no TLS provider");
    }
    std::unique_ptr<Connection> conn = proto::connect_tls(net, *provider, to, options, config, handler);
    return conn;
  };
}

}  // namespace ss::stream

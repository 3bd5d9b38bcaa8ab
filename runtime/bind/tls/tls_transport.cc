#include "runtime/bind/tls/tls_transport.h"

#include <string>

#include "runtime/proto/tls/tls_connection.h"

namespace ss::stream {

Result<TlsClientConfig> tls_client_config(const TlsTarget& target) {
  const policy::Streamtype& st = target.streamtype;
  const policy::Policy& pol = target.policy;
  TlsClientConfig cfg;
  cfg.server_name = target.to.host;
  cfg.alpn = target.alpn;
  if (st.trust_store && *st.trust_store < pol.trust_stores.size()) {
    for (std::size_t ci : pol.trust_stores[*st.trust_store].certs) {
      if (ci < pol.certs.size()) cfg.trust_anchors_der.push_back(pol.certs[ci].der);
    }
  } else {
    cfg.use_system_trust = true;
  }
  if (st.client_cert > 0) {
    auto cert = target.blobs.get(SystemBlobs::slot(BlobType::kClientCertDer, st.client_cert - 1));
    auto key = target.blobs.get(SystemBlobs::slot(BlobType::kClientKeyDer, st.client_cert - 1));
    if (!cert || !key) {
      return make_error(ErrorCode::kNotFound, "client_cert " + std::to_string(st.client_cert - 1) +
                                                  ": no client certificate/key in the system blobs");
    }
    cfg.client_cert_der.assign(cert->begin(), cert->end());
    cfg.client_key_der.assign(key->begin(), key->end());
  }
  return cfg;
}

TlsTransportFactory make_tls_transport() {
  return [](Net& net, TlsProvider* provider, const TlsTarget& target, const ConnectOptions& options,
            ConnectionHandler* handler) -> Result<std::unique_ptr<Connection>> {
    auto config = tls_client_config(target);
    if (!config) return config.error();
    if (!provider) {
      return make_error(ErrorCode::kTls, "TLS: the context has no TLS provider");
    }
    std::unique_ptr<Connection> conn = proto::connect_tls(net, *provider, target.to, options, *config, handler);
    return conn;
  };
}

TlsAcceptFactory make_tls_accept() {
  return [](TlsProvider& provider, const policy::Policy& pol, const policy::Streamtype& st,
            std::unique_ptr<Connection> accepted) -> Result<std::unique_ptr<Connection>> {
    if (!st.server_cert || !st.server_key || *st.server_cert >= pol.certs.size() ||
        *st.server_key >= pol.certs.size()) {
      return make_error(ErrorCode::kInvalidArgument, "no server_cert / server_key in the policy");
    }
    TlsServerConfig cfg;
    cfg.cert_der = pol.certs[*st.server_cert].der;
    cfg.key_der = pol.certs[*st.server_key].der;
    if (st.protocol == policy::Protocol::kH1) cfg.alpn = {"http/1.1"};
    auto tls = proto::accept_tls(std::move(accepted), provider, cfg);
    if (!tls) return tls.error();
    return std::unique_ptr<Connection>(std::move(*tls));
  };
}

}  // namespace ss::stream

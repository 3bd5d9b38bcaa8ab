#include "runtime/bind/http/request_headers.h"

#include "runtime/core/planted.h"

namespace ss::proto::http {

std::string header_name(std::string_view mapping) {
  if (!mapping.empty() && mapping.back() == ':') mapping.remove_suffix(1);
  return std::string(mapping);
}

std::vector<std::pair<std::string, std::string>> system_blob_headers(const stream::BindingHost& host) {
  const auto& st = host.streamtype();
  int auth_index = 0;
  if (st.use_auth && *st.use_auth < host.policy().auths.size()) auth_index = host.policy().auths[*st.use_auth].blob;
  const struct {
    const std::string& header;
    stream::BlobType type;
    int index;
    std::string_view prefix;
  } items[] = {
      {st.http_auth_header, stream::BlobType::kAuth, auth_index, st.http_auth_preamble},
      {st.http_dsn_header, stream::BlobType::kDeviceSerial, 0, {}},
      {st.http_fwv_header, stream::BlobType::kDeviceFwVersion, 0, {}},
      {st.http_devtype_header, stream::BlobType::kDeviceType, 0, {}},
  };
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& it : items) {
    if (it.header.empty()) continue;
    if (it.type == stream::BlobType::kAuth && (it.index < 0 || it.index > 1)) continue;  // two auth slots
    auto v = host.system_blob(it.type, it.index);
    if (!v || v->empty()) continue;
    // Planted: the preamble ("Bearer ") left out.
    out.emplace_back(header_name(it.header),
                     (SS_PLANTED("blob-header-preamble-lost") ? std::string() : std::string(it.prefix)) + std::string(*v));
  }
  return out;
}

}  // namespace ss::proto::http

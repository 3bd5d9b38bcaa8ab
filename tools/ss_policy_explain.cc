#include "tools/ss_policy_explain.h"

#include <sstream>

#include "runtime/policy/retry.h"

namespace ss::policy {
namespace {

std::string range(const RetryPolicy* r, std::uint32_t try_index) {
  const std::uint32_t lo = retry_base_ms(r, try_index), hi = retry_max_delay_ms(r, try_index);
  return lo == hi ? std::to_string(lo) + " ms" : std::to_string(lo) + ".." + std::to_string(hi) + " ms";
}

std::string yes(bool b) { return b ? "yes" : "no"; }

}  // namespace

std::string explain_retry(const RetryPolicy* r) {
  std::ostringstream o;
  if (!r) {
    o << "  no retry policy: the first failed connection attempt reports ALL_RETRIES_FAILED;\n"
         "  nothing is retried automatically.\n";
    return o.str();
  }
  o << "  retry policy \"" << r->name << "\": backoff [";
  for (std::size_t i = 0; i < r->backoff_ms.size(); ++i) o << (i ? ", " : "") << r->backoff_ms[i];
  o << "] ms" << (r->backoff_ms.empty() ? " (empty: 3000 ms every time)" : "")
    << ", jitter +0.." << int(r->effective_jitter_percent()) << " %"
    << (r->jitter_percent ? "" : " (jitterpc 0 means 30)") << ", conceal "
    << (r->conceal == RetryPolicy::kConcealForever ? std::string("65535 (forever)")
                                                   : std::to_string(r->conceal))
    << "\n";
  const bool forever = r->conceal == RetryPolicy::kConcealForever;
  // The table's last entry repeats; list one line per distinct step.
  const std::uint32_t table = static_cast<std::uint32_t>(std::max<std::size_t>(r->backoff_ms.size(), 1));
  const std::uint32_t listed = forever ? table : std::min<std::uint32_t>(r->conceal, table);
  std::uint64_t lo_total = 0, hi_total = 0;
  for (std::uint32_t f = 1; f <= listed; ++f) {
    o << "    failure " << f << ": hidden from the app, retry after " << range(r, f - 1) << "\n";
    lo_total += retry_base_ms(r, f - 1);
    hi_total += retry_max_delay_ms(r, f - 1);
  }
  if (forever) {
    o << "    failure " << listed + 1 << " and every later one: hidden, retry after "
      << range(r, listed) << "; it never gives up (no ALL_RETRIES_FAILED)\n";
    return o.str();
  }
  if (r->conceal > listed) {
    const std::uint32_t more = r->conceal - listed;
    o << "    failures " << listed + 1 << ".." << r->conceal << ": hidden, retry after "
      << range(r, listed) << " each\n";
    lo_total += std::uint64_t{more} * retry_base_ms(r, listed);
    hi_total += std::uint64_t{more} * retry_max_delay_ms(r, listed);
  }
  o << "    failure " << std::uint32_t{r->conceal} + 1
    << ": ALL_RETRIES_FAILED is reported and it stops retrying\n";
  o << "  time spent waiting between attempts before giving up: " << lo_total << ".." << hi_total
    << " ms (plus the time each attempt takes to fail)\n";
  return o.str();
}

std::string explain_streamtype(const Policy& p, const Streamtype& st) {
  std::ostringstream o;
  o << "streamtype \"" << st.name << "\"\n";
  const std::string proto = protocol_name(st.protocol);
  if (st.local_sink) {
    o << "  served inside this process by a registered sink (local_sink); no network\n";
  } else if (st.server) {
    o << "  a server: listens on " << (st.endpoint.empty() ? "all interfaces" : st.endpoint)
      << " port " << st.port << ", " << proto << (st.tls ? " over TLS" : " without TLS") << "\n";
  } else {
    o << "  connects to " << (st.endpoint.empty() ? "(no endpoint)" : st.endpoint) << " port "
      << st.port << ", " << proto << (st.tls ? " over TLS" : " without TLS") << "\n";
    if (!st.endpoint.empty() && st.endpoint[0] == '+') {
      o << "    (a '+' endpoint is a Unix domain socket, '+@' an abstract one)\n";
    }
  }
  if (st.tls) {
    o << "  TLS trust: "
      << (st.trust_store ? "trust store \"" + p.trust_stores[*st.trust_store].name + "\""
                         : std::string("the operating system's CA store"))
      << "\n";
  }
  if (st.protocol == Protocol::kH1 || st.protocol == Protocol::kH2 || st.protocol == Protocol::kH3) {
    o << "  request: " << (st.http_method.empty() ? "(no method)" : st.http_method) << " /" << st.http_url
      << (st.http_expect ? ", success = status " + std::to_string(st.http_expect) : ", success = any 2xx")
      << "\n";
  } else if (st.protocol == Protocol::kWs) {
    o << "  websocket: GET /" << st.http_url << ", subprotocol \"" << st.ws_subprotocol << "\", "
      << (st.ws_binary ? "binary" : "text") << " frames\n";
  } else if (st.protocol == Protocol::kMqtt) {
    o << "  mqtt: publish to \"" << st.mqtt_topic << "\", subscribe to \"" << st.mqtt_subscribe
      << "\", qos " << st.mqtt_qos << ", keep-alive " << st.mqtt_keep_alive << " s\n";
  }
  for (const auto& m : st.metadata) {
    o << "  metadata \"" << m.name << "\""
      << (m.header.empty() ? " (a variable for ${" + m.name + "})" : " <-> header " + m.header) << "\n";
  }
  if (st.nailed_up) {
    o << "  connects as soon as the stream is created and reconnects whenever the connection drops\n";
  } else if (st.opportunistic) {
    o << "  connects when the app asks; after the connection closes it is not reconnected\n";
  } else {
    o << "  connects when the app asks (request_tx / client_connect)\n";
  }
  if (st.timeout_ms) {
    o << "  start_timeout(0) arms " << st.timeout_ms << " ms (not armed automatically)\n";
  }
  if (st.rideshare) o << "  the transaction continues with streamtype \"" << p.streamtypes[*st.rideshare].name << "\" (rideshare)\n";
  const RetryPolicy* r = p.retry_of(st);
  o << explain_retry(r);
  if (r && (r->secs_since_valid_ping || r->secs_since_valid_hangup)) {
    o << "  connection validity: ping after " << r->secs_since_valid_ping
      << " s without proof of life, hang up after " << r->secs_since_valid_hangup << " s\n";
  } else {
    o << "  connection validity: the context default (ping after 5 min, hang up after 5 min 10 s)\n";
  }
  o << "  buffers: proxy " << (st.proxy_buflen ? st.proxy_buflen : 32768) << " bytes, client "
    << (st.client_buflen ? st.client_buflen : 32768) << " bytes; flags 0x" << std::hex
    << st.flags() << std::dec << "; tls " << yes(st.tls) << "\n";
  return o.str();
}

}  // namespace ss::policy

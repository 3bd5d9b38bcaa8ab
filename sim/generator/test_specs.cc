#include "sim/generator/test_specs.h"

#include <limits>
#include <string>

#include "runtime/core/rng.h"

namespace ss::sim::gen::testing {
namespace {

std::string word(Rng& rng, const char* prefix) {
  std::string s = prefix;
  const auto n = rng.below(6);
  for (std::uint64_t i = 0; i < n; ++i) s += static_cast<char>('a' + rng.below(26));
  // Characters JSON must escape, sometimes.
  if (rng.chance(1, 5)) s += "\"\\\n\t/\x01";
  if (rng.chance(1, 5)) s += "\xc3\xa9";  // UTF-8 e-acute
  return s;
}

// Small or extreme, so both the common and the range-edge paths run.
template <typename T>
T number(Rng& rng) {
  using L = std::numeric_limits<T>;
  switch (rng.below(6)) {
    case 0: return 0;
    case 1: return L::max();
    case 2: return L::min();
    default: return static_cast<T>(rng.below(100000));
  }
}

Micros time(Rng& rng) { return rng.chance(1, 8) ? std::numeric_limits<Micros>::max() : static_cast<Micros>(rng.below(5'000'000)); }

Endpoint endpoint(Rng& rng) {
  switch (rng.below(3)) {
    case 0: return Endpoint::tcp(word(rng, "h"), number<std::uint16_t>(rng));
    case 1: return Endpoint::unix_path("/tmp/" + word(rng, "p"));
    default: return Endpoint::unix_abstract(word(rng, "a"));
  }
}

FaultAction fault(Rng& rng) {
  FaultAction a;
  a.at = time(rng);
  a.kind = static_cast<FaultKind>(rng.below(11));
  a.host = word(rng, "srv-");
  a.peer_host = rng.chance(1, 2) ? word(rng, "client-") : "";
  a.endpoint = endpoint(rng);
  a.name = rng.chance(1, 2) ? word(rng, "n") : "";
  a.duration = number<Micros>(rng);
  return a;
}

}  // namespace

WorldSpec random_spec(std::uint64_t seed) {
  Rng rng(seed);
  WorldSpec w;
  w.seed = rng.chance(1, 4) ? std::numeric_limits<std::uint64_t>::max() : rng.next_u64();
  w.latency = time(rng);
  w.max_segment = number<std::size_t>(rng);
  w.buggify = rng.chance(1, 2);
  for (auto n = rng.below(4); n > 0; --n) w.swarm.push_back(static_cast<FaultKind>(rng.below(11)));
  for (auto n = rng.below(5); n > 0; --n) w.faults.actions.push_back(fault(rng));
  for (auto n = rng.below(3); n > 0; --n) {
    RetrySpec r;
    for (auto k = 1 + rng.below(8); k > 0; --k) r.backoff_ms.push_back(number<std::uint32_t>(rng));
    r.conceal = number<std::uint16_t>(rng);
    r.jitter_percent = static_cast<std::uint8_t>(rng.below(101));
    w.retries.push_back(std::move(r));
  }
  for (auto n = 1 + rng.below(3); n > 0; --n) {
    ServerSpec s;
    s.host = word(rng, "srv-");
    s.port = static_cast<std::uint16_t>(1 + rng.below(65535));
    s.kind = static_cast<ServerKind>(rng.below(3));
    s.tls = rng.chance(1, 2);
    s.trouble = static_cast<ServerTrouble>(rng.below(5));
    s.trouble_bytes = number<std::size_t>(rng);
    w.servers.push_back(std::move(s));
  }
  for (auto n = 1 + rng.below(3); n > 0; --n) {
    StreamtypeSpec st;
    st.name = word(rng, "st-");
    st.proto = static_cast<Proto>(rng.below(3));
    st.server = rng.below(w.servers.size());
    st.tls = w.servers[st.server].tls;
    if (!w.retries.empty() && rng.chance(1, 2)) st.retry = rng.below(w.retries.size());
    st.timeout_ms = number<std::uint32_t>(rng);
    st.nailed_up = rng.chance(1, 2);
    st.opportunistic = rng.chance(1, 2);
    for (auto k = rng.below(3); k > 0; --k) {
      MetadataSpec m;
      m.name = word(rng, "md");
      m.use = static_cast<MetadataSpec::Use>(rng.below(3));
      if (m.use == MetadataSpec::Use::kHeader) m.header = "x-" + word(rng, "h") + ":";
      st.metadata.push_back(std::move(m));
    }
    st.http_method = rng.chance(1, 2) ? "GET" : "POST";
    st.url = word(rng, "u/${md}");
    st.manual_initial_tx_credit = static_cast<std::int32_t>(rng.below(70000));
    st.client_buflen = number<std::uint32_t>(rng);
    if (rng.chance(1, 2)) {
      st.rxflow_on_above = 1 + static_cast<std::uint32_t>(rng.below(1u << 30));
      st.rxflow_off_below = static_cast<std::uint32_t>(rng.below(st.rxflow_on_above));
    }
    w.streamtypes.push_back(std::move(st));
  }
  w.proxy = rng.chance(1, 2);
  for (auto n = rng.below(6); n > 0; --n) {
    StreamSpec s;
    s.streamtype = rng.below(w.streamtypes.size());
    s.via_proxy = w.proxy && rng.chance(1, 2);
    s.start_at = static_cast<Micros>(rng.below(1'000'000));
    s.end_at = rng.chance(1, 2) ? 0 : s.start_at + static_cast<Micros>(rng.below(1'000'000));
    s.tx_mode = static_cast<TxMode>(rng.below(2));
    for (auto k = rng.below(4); k > 0; --k) s.messages.push_back(number<std::size_t>(rng));
    s.download = number<std::size_t>(rng);
    for (auto k = rng.below(3); k > 0; --k) s.metadata.push_back({time(rng), word(rng, "md"), word(rng, "v")});
    s.reader.kind = static_cast<ReaderSpec::Kind>(rng.below(4));
    s.reader.read_for = time(rng);
    s.reader.pause_for = time(rng);
    s.reader.stall_at = time(rng);
    s.reader.stall_for = time(rng);
    s.reader.credit_step = number<std::int32_t>(rng);
    s.answers.disconnect_from = static_cast<AnswerSpec::From>(rng.below(4));
    s.answers.disconnect_state = number<int>(rng);
    s.answers.disconnect_every = number<int>(rng);
    s.answers.destroy_from = static_cast<AnswerSpec::From>(rng.below(4));
    s.answers.destroy_state = number<int>(rng);
    s.answers.destroy_at = number<int>(rng);
    s.timeout.arm_at = time(rng);
    s.timeout.ms = number<std::uint32_t>(rng);
    s.timeout.rearm_after = time(rng);
    s.timeout.cancel_after = time(rng);
    s.again_after_arf = time(rng);
    w.streams.push_back(std::move(s));
  }
  return w;
}

WorldSpec every_enum_spec() {
  WorldSpec w;
  w.seed = 42;
  for (int k = 0; k < 11; ++k) {
    const auto kind = static_cast<FaultKind>(k);
    w.swarm.push_back(kind);
    FaultAction a;
    a.at = millis(k);
    a.kind = kind;
    a.host = "srv-1";
    a.peer_host = "client-1";
    a.endpoint = k % 3 == 0 ? Endpoint::tcp("10.0.0.2", 80)
                 : k % 3 == 1 ? Endpoint::unix_path("/run/x.sock")
                              : Endpoint::unix_abstract("proxy");
    a.name = "srv-1";
    a.duration = millis(100);
    w.faults.actions.push_back(a);
  }
  w.retries.push_back(RetrySpec{{100, 200}, 3, 30});
  const ServerKind kinds[] = {ServerKind::kEcho, ServerKind::kHttp, ServerKind::kWsEcho};
  const ServerTrouble troubles[] = {ServerTrouble::kNone, ServerTrouble::kRefuse, ServerTrouble::kBlackhole,
                                    ServerTrouble::kCloseEarly, ServerTrouble::kSlow};
  for (int i = 0; i < 5; ++i) {
    ServerSpec s;
    s.host = "srv-" + std::to_string(i + 1);
    s.port = static_cast<std::uint16_t>(8000 + i);
    s.kind = kinds[i % 3];
    s.tls = i % 2 == 1;
    s.trouble = troubles[i];
    s.trouble_bytes = static_cast<std::size_t>(i) * 100;
    w.servers.push_back(s);
  }
  const Proto protos[] = {Proto::kRaw, Proto::kH1, Proto::kWs};
  const MetadataSpec::Use uses[] = {MetadataSpec::Use::kUrl, MetadataSpec::Use::kHeader, MetadataSpec::Use::kNone};
  for (int i = 0; i < 3; ++i) {
    StreamtypeSpec st;
    st.name = "st-" + std::to_string(i + 1);
    st.proto = protos[i];
    st.server = static_cast<std::size_t>(i);
    st.tls = w.servers[st.server].tls;
    if (i == 1) st.retry = 0;
    st.metadata.push_back(MetadataSpec{"md", uses[i], i == 1 ? "x-tag:" : ""});
    st.http_method = i == 1 ? "POST" : "";
    st.url = i == 0 ? "" : "path/${md}";
    w.streamtypes.push_back(st);
  }
  w.proxy = true;
  const ReaderSpec::Kind readers[] = {ReaderSpec::Kind::kFast, ReaderSpec::Kind::kSlow, ReaderSpec::Kind::kStall,
                                      ReaderSpec::Kind::kStop};
  const AnswerSpec::From froms[] = {AnswerSpec::From::kNone, AnswerSpec::From::kRx, AnswerSpec::From::kTx,
                                    AnswerSpec::From::kState};
  for (int i = 0; i < 4; ++i) {
    StreamSpec s;
    s.streamtype = static_cast<std::size_t>(i % 3);
    s.via_proxy = i % 2 == 0;
    s.tx_mode = i % 2 == 0 ? TxMode::kRequestTx : TxMode::kRequestTxLen;
    s.messages = {10, 0, 70000};
    s.reader.kind = readers[i];
    s.answers.disconnect_from = froms[i];
    s.answers.destroy_from = froms[3 - i];
    w.streams.push_back(s);
  }
  return w;
}

}  // namespace ss::sim::gen::testing

#include "runtime/bind/h2/h2_binding.h"

#include <array>

#include "runtime/bind/h2/h2_connection.h"
#include "runtime/bind/http/request_headers.h"
#include "runtime/core/planted.h"
#include "runtime/proto/http/http_date.h"
#include "runtime/proto/http/http_message.h"
#include "runtime/stream/context.h"
#include "runtime/stream/target.h"

namespace ss::proto::h2 {
namespace {

using stream::HostVerdict;
using stream::TxPull;

constexpr std::size_t kTxChunk = 16 * 1024;        // one DATA frame's worth
constexpr std::size_t kQueuedBodyLimit = 64 * 1024;  // pull no more tx while this much waits for window

bool method_has_body(std::string_view m) {
  return h1::iequals(m, "POST") || h1::iequals(m, "PUT") || h1::iequals(m, "PATCH");
}

using http::header_name;

std::optional<std::string_view> find(const std::vector<Header>& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (h1::iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

class H2Binding final : public stream::Binding, public Member {
 public:
  H2Binding(stream::BindingHost& host, const std::shared_ptr<H2Registry>& registry) : host_(host), registry_(registry) {
    const stream::Target t{host.endpoint(), host.transport_tls(), std::string(host.url_path_override())};
    const std::string key = stream::pool_key(t, host.streamtype(), alpn());
    conn_ = registry->find(key);
    opener_ = !conn_;
    if (opener_) {
      conn_ = std::make_shared<H2Connection>(host.loop(), key, registry, host.policy().retry_of(host.streamtype()));
      registry->add(conn_);
    }
    conn_->join(this);
  }
  ~H2Binding() override { leave(EndReason::kClosedLocally); }

  const char* name() const override { return "h2"; }
  // Over TLS, h1 too: a server that does not pick h2 gets HTTP/1.1 on the
  // same connection, as lws does (docs/protocols.md "Getting to h2").
  std::vector<std::string> alpn() const override {
    if (host_.transport_tls()) return {"h2", "http/1.1"};
    return {"h2"};
  }
  bool shares_connection() const override { return !opener_; }

  void on_transport_connected() override {
    if (opener_ && host_.transport_tls() && host_.negotiated_alpn() != "h2") return fall_back_to_h1();
    transport_up_ = true;
    if (conn_->over()) return host_.end_shared(conn_->end_reason());
    if (opener_) {
      auto link = host_.take_connection();
      if (!link) return host_.close_connection("h2: no connection to take over");
      conn_->adopt(std::move(*link));  // on_wire_up() for every member, us included
      return;
    }
    if (conn_->wire_up()) on_wire_up();
  }
  // Without h1 fallback the wire is the H2Connection's: nothing comes here.
  void on_transport_data(std::span<const std::uint8_t> bytes) override {
    if (h1_) h1_->on_transport_data(bytes);
  }
  void on_transport_writable() override {
    if (h1_) h1_->on_transport_writable();
  }
  void on_tx_requested() override {
    if (h1_) return h1_->on_tx_requested();
    pump_body();
  }
  void on_peer_tx_credit(std::int32_t added) override {
    if (h1_) return h1_->on_peer_tx_credit(added);
    if (id_ <= 0 || ended_ || added <= 0) return;
    // Planted: every second grant never becomes a WINDOW_UPDATE.
    if (SS_PLANTED("h2-grant-lost") && (++grants_ % 2) == 0) return;
    Error e = conn_->core().grant(id_, added);
    if (e) host_.trace("h2.credit", e.message());
    conn_->flush();
  }
  EndInfo on_transport_end(EndReason reason) override {
    if (h1_) return h1_->on_transport_end(reason);
    leave(reason);
    EndInfo info;
    info.txn_ok = txn_done_;
    return info;
  }

  // Member
  void on_wire_up() override {
    if (!transport_up_ || id_ != 0 || stopped_) return;
    host_.guarded([this] { start_stream(); });
  }
  void on_stream_event(Event e) override {
    if (stopped_) return;
    host_.guarded([this, &e] { handle(e); });
  }
  void on_wire_room() override {
    if (stopped_ || id_ <= 0) return;
    host_.guarded([this] { pump_body(); });
  }
  void on_wire_end(EndReason reason, const std::string& error) override {
    left_ = true;
    if (stopped_) return;
    stopped_ = true;
    if (!error.empty()) return host_.close_connection(error);
    if (transport_up_ || !opener_) host_.end_shared(reason);
    // The opener still connecting: its own transport's end follows.
  }

 private:
  // The TLS server picked http/1.1 (or nothing) by ALPN: this attempt
  // speaks h1 on the connection it has. The h2 entry it opened goes: the
  // members waiting for it end as refused and retry by their policy, each
  // on a connection of its own (they fall back the same way).
  void fall_back_to_h1() {
    host_.trace("h2.fallback", "ALPN '" + host_.negotiated_alpn() + "': HTTP/1.1 on this connection");
    leave(EndReason::kRefused);
    if (registry_->h1_fallback) h1_ = registry_->h1_fallback(host_);
    if (!h1_) return fail("h2: the TLS server did not pick h2 by ALPN and no h1 binding is registered");
    h1_->on_transport_connected();
  }

  // Out of the connection. An opener that goes before its wire was up
  // takes the connection with it: the members waiting for that wire end
  // with `reason` (and retry by their policy).
  void leave(EndReason reason) {
    if (left_) return;
    left_ = true;
    conn_->leave(this);
    if (opener_ && !conn_->wire_up()) conn_->opener_failed(reason);
  }

  void fail(const std::string& why) {
    stopped_ = true;
    host_.close_connection(why);
  }

  void start_stream() {
    const auto& st = host_.streamtype();
    Request r;
    r.method = st.http_method.empty() ? "GET" : st.http_method;
    r.scheme = host_.transport_tls() ? "https" : "http";
    std::string_view override_path = host_.url_path_override();
    if (!override_path.empty()) {
      r.path = std::string(override_path);
    } else {
      auto url = host_.expand(st.http_url);
      if (!url.ok()) return fail("h2: http_url: " + url.error().message());
      std::string_view u = *url;
      if (!u.empty() && u.front() == '/') u.remove_prefix(1);  // as h1: lws adds one
      r.path = "/" + std::string(u);
    }
    const Endpoint& ep = host_.endpoint();
    r.authority = ep.kind == Endpoint::Kind::kTcp ? ep.host : "localhost";
    const bool default_port = ep.port == 0 || ep.port == (host_.transport_tls() ? 443 : 80);
    if (ep.kind == Endpoint::Kind::kTcp && !default_port) r.authority += ":" + std::to_string(ep.port);
    for (const auto& md : st.metadata) {
      if (md.header.empty()) continue;
      if (auto v = host_.metadata(md.name)) r.headers.push_back({header_name(md.header), std::string(*v)});
    }
    add_blob_headers(r);
    r.has_body = method_has_body(r.method);
    has_body_ = r.has_body;
    StreamOptions o;
    if (auto credit = host_.manual_rx_credit()) {
      o.manual_window = true;
      o.initial_window = std::max<std::int32_t>(*credit, 0);
    }
    auto id = conn_->core().open_stream(r, o);
    if (!id.ok()) {
      // The connection stopped taking streams (GOAWAY) after we joined.
      stopped_ = true;
      host_.trace("h2.refused", id.error().message());
      return host_.end_shared(EndReason::kReset);
    }
    id_ = *id;
    conn_->bind_stream(id_, this);
    conn_->flush();
    // A proxy's onward stream with a body says CONNECTED now, as h1 does
    // (lws): its proxied client sends the body only once CONNECTED.
    if (has_body_ && host_.proxied() && host_.connected() == HostVerdict::kStop) {
      stopped_ = true;
      return;
    }
    pump_body();
  }

  void add_blob_headers(Request& r) {
    for (auto& [name, value] : http::system_blob_headers(host_)) r.headers.push_back({std::move(name), std::move(value)});
  }

  // Request body from the user's tx(), as far as the stream's window and
  // the wire let it go (kQueuedBodyLimit waiting at most).
  void pump_body() {
    while (has_body_ && !body_done_ && !stopped_ && id_ > 0) {
      if (!host_.tx_wanted() && !mid_message_) return;
      if (conn_->core().queued_body(id_) >= kQueuedBodyLimit || !conn_->wire_has_room()) return;
      std::array<std::uint8_t, kTxChunk> buf{};
      TxPull p = host_.pull_tx(buf);
      if (p.kind == TxPull::Kind::kStop) {
        stopped_ = true;
        return;
      }
      if (p.kind == TxPull::Kind::kDontSend) return;
      const bool eom = (p.flags & stream::kFlagEom) != 0;
      mid_message_ = !eom;
      if (Error e = conn_->core().send_body(id_, std::span(buf).first(p.len), eom)) return fail(e.message());
      body_done_ = eom;
      conn_->flush();
    }
  }

  void handle(const Event& e) {
    if (auto* h = std::get_if<HeadEvent>(&e)) return on_head(*h);
    if (auto* d = std::get_if<DataEvent>(&e)) {
      const std::uint32_t flags = som_sent_ ? 0u : std::uint32_t{stream::kFlagSom};
      std::span<const std::uint8_t> bytes(d->bytes);
      // Planted: the first byte of every later DATA piece is lost.
      if (SS_PLANTED("h2-data-byte") && som_sent_ && bytes.size() > 1) bytes = bytes.subspan(1);
      som_sent_ = true;
      if (host_.rx(bytes, flags) == HostVerdict::kStop) stopped_ = true;
      return;
    }
    if (std::holds_alternative<EndEvent>(e)) return on_end();
    if (auto* c = std::get_if<ClosedEvent>(&e)) {
      id_ = -1;  // gone from the connection
      if (ended_) return;
      stopped_ = true;
      // RST_STREAM, or a GOAWAY that refused the stream: the stream's
      // attempt ends as a reset one, and the engine's retry rules apply.
      host_.trace("h2.reset", error_code_text(c->error_code));
      return host_.end_shared(EndReason::kReset);
    }
  }

  void on_head(const HeadEvent& h) {
    const auto& st = host_.streamtype();
    status_ = h.status;
    host_.trace("h2.status", std::to_string(status_));
    if (status_ == 503 || status_ == 429) {
      if (auto ra = find(h.headers, "retry-after")) retry_after_ms_ = http::retry_after_ms(*ra, find(h.headers, "date"));
    }
    for (const auto& md : st.metadata) {
      if (md.header.empty()) continue;
      if (auto v = find(h.headers, header_name(md.header))) host_.set_rx_metadata(md.name, *v);
    }
    if (st.long_poll && has_body_ && !body_done_) {
      // Long poll: from the head on the stream only receives.
      body_done_ = true;
      (void)conn_->core().send_body(id_, {}, true);
      conn_->flush();
    }
    if (host_.connected() == HostVerdict::kStop) {
      stopped_ = true;
      return;
    }
    for (const auto& [status, state] : st.http_resp_map) {
      if (status == status_) {
        if (host_.user_state(state) == HostVerdict::kStop) stopped_ = true;
        break;
      }
    }
  }

  void on_end() {
    const auto& st = host_.streamtype();
    ended_ = true;
    if (host_.rx({}, stream::kFlagEom) == HostVerdict::kStop) {
      stopped_ = true;
      return;
    }
    const bool ok = st.http_expect ? status_ == st.http_expect : (status_ >= 200 && status_ < 300);
    txn_done_ = true;
    const bool come_back_later = status_ == 503 || status_ == 429;
    stopped_ = true;
    if (host_.transaction_complete({ok, retry_after_ms_, come_back_later}) == HostVerdict::kStop) return;
    host_.close_connection("");  // the stream is over; the connection stays for the others
  }

  stream::BindingHost& host_;
  std::shared_ptr<H2Registry> registry_;
  std::unique_ptr<stream::Binding> h1_;  // the h1 binding after an ALPN fallback
  std::shared_ptr<H2Connection> conn_;
  bool opener_ = false;
  bool transport_up_ = false;  // on_transport_connected came (our turn to open a stream)
  bool left_ = false;          // no longer a member
  std::int32_t id_ = 0;        // our h2 stream (0: not opened; -1: closed)
  bool has_body_ = false;
  bool body_done_ = false;
  bool mid_message_ = false;
  bool som_sent_ = false;
  bool ended_ = false;  // END_STREAM from the server
  bool txn_done_ = false;
  bool stopped_ = false;
  int status_ = 0;
  std::optional<std::uint32_t> retry_after_ms_;
  unsigned grants_ = 0;  // for the planted bug h2-grant-lost
};

}  // namespace

std::unique_ptr<stream::Binding> make_h2_binding(stream::BindingHost& host,
                                                 const std::shared_ptr<H2Registry>& registry) {
  return std::make_unique<H2Binding>(host, registry);
}

void register_h2_binding(stream::Context& ctx) {
  auto registry = std::make_shared<H2Registry>();
  // Looked up when needed: h1 may be registered after h2.
  registry->h1_fallback = [&ctx](stream::BindingHost& host) -> std::unique_ptr<stream::Binding> {
    const stream::BindingFactory* h1 = ctx.binding_for(policy::Protocol::kH1);
    return h1 ? (*h1)(host) : nullptr;
  };
  ctx.register_binding(policy::Protocol::kH2,
                       [registry](stream::BindingHost& host) { return make_h2_binding(host, registry); });
}

}  // namespace ss::proto::h2

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/h1/h1_server_binding.h"

#include "runtime/core/planted.h"

#include <array>
#include <map>

#include "runtime/bind/http/request_headers.h"
#include "runtime/proto/h1/h1_client.h"
#include "runtime/proto/http/cookie_jar.h"
#include "runtime/proto/http/http_date.h"
#include "runtime/proto/http/multipart_splitter.h"
#include "runtime/stream/context.h"

namespace ss::proto::h1 {
namespace {

using stream::HostVerdict;
using stream::TxPull;

constexpr std::size_t kTxChunk = 1540;

bool method_has_body(std::string_view m) {
  return iequals(m, "POST") || iequals(m, "PUT") || iequals(m, "PATCH");
}

bool is_credential_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "proxy-authorization") || iequals(name, "cookie");
}

using http::header_name;

// What the h1 bindings of one context share: the http_cookies jar and the
// clock it runs on. The runtime has no wall clock (determinism), so "now"
// for a host's cookies is loop time shifted by that host's last Date header
// (plain loop seconds until it sent one).
struct H1Shared {
  http::CookieJar jar;
  // Per host, so one server's Date cannot age another host's cookies.
  std::map<std::string, std::int64_t, std::less<>> server_minus_loop_s;
  std::int64_t now_s(const Loop& loop, std::string_view host) const {
    auto it = server_minus_loop_s.find(host);
    return loop.now() / kMicrosPerSecond + (it == server_minus_loop_s.end() ? 0 : it->second);
  }
};

class H1Binding final : public stream::Binding {
 public:
  H1Binding(stream::BindingHost& host, std::shared_ptr<H1Shared> shared)
      : host_(host), shared_(std::move(shared)) {}

  const char* name() const override { return "h1"; }
  std::vector<std::string> alpn() const override { return {"http/1.1"}; }

  void on_transport_connected() override { start_request(); }

  void on_transport_data(std::span<const std::uint8_t> bytes) override {
    client_.receive_data(bytes);
    process();
  }

  void on_transport_writable() override {
    blocked_ = false;
    pump_body();
  }

  void on_tx_requested() override { pump_body(); }

  EndInfo on_transport_end(EndReason reason) override {
    // A body delimited by the close completes here, but only on an orderly
    // close: a reset (or any other failure) mid-body is a truncated
    // response, never a complete one (found by the stream-h1 scenario).
    ending_ = true;
    if (!stopped_ && in_exchange_ && reason == EndReason::kClosedByPeer) {
      client_.receive_data({});
      process();
    }
    EndInfo info;
    info.txn_ok = txn_done_;
    info.reusable = reason == EndReason::kClosedLocally && txn_done_ && !in_exchange_ && reusable_now();
    return info;
  }

 private:
  // While the connection ends (ending_) this only logs `why`.
  void fail(const std::string& why) {
    stopped_ = true;
    host_.close_connection(why);
  }

  void start_request() {
    const auto& st = host_.streamtype();
    Request r;
    r.method = st.http_method.empty() ? "GET" : st.http_method;
    std::string_view override_path = host_.url_path_override();
    if (!override_path.empty()) {
      r.target = std::string(override_path);
    } else {
      auto url = host_.expand(st.http_url);
      if (!url.ok()) return fail("h1: http_url: " + url.error().message());
      std::string_view u = *url;
      if (!u.empty() && u.front() == '/') u.remove_prefix(1);  // lws strips one
      r.target = "/" + std::string(u);
    }
    const Endpoint& ep = host_.endpoint();
    r.host = ep.kind == Endpoint::Kind::kTcp ? ep.host : "localhost";
    bool default_port = ep.port == 0 || ep.port == (st.tls ? 443 : 80);
    if (ep.kind == Endpoint::Kind::kTcp && !default_port) r.host += ":" + std::to_string(ep.port);
    for (const auto& md : st.metadata) {
      if (md.header.empty()) continue;
      auto v = host_.metadata(md.name);
      if (!v) continue;
      std::string name = header_name(md.header);
      if (iequals(name, "content-length") || iequals(name, "host") || iequals(name, "transfer-encoding")) continue;
      // The body framing below sets Content-Type itself for these.
      if (iequals(name, "content-type") && method_has_body(r.method) &&
          (st.http_multipart() || st.http_www_form_urlencoded))
        continue;
      // Credentials stay with the origin they were meant for (as curl and
      // browsers do on a redirect to another host).
      if (host_.redirect_cross_origin() && is_credential_header(name)) continue;
      r.headers.push_back({name, std::string(*v)});
    }
    if (!host_.redirect_cross_origin()) add_blob_headers(r);
    if (st.http_cookies && ep.kind == Endpoint::Kind::kTcp) {
      std::string c = shared_->jar.header_for(ep.host, r.target, host_.transport_tls(),
                                              shared_->now_s(host_.loop(), ep.host));
      if (!c.empty()) r.headers.push_back({"Cookie", std::move(c)});
    }
    has_body_ = method_has_body(r.method);
    multipart_.reset();
    if (has_body_ && st.http_multipart()) {
      std::array<std::uint8_t, 12> raw{};
      host_.rng().fill(raw);
      static constexpr char kHex[] = "0123456789abcdef";
      boundary_ = "ss-boundary-";
      for (auto b : raw) {
        boundary_ += kHex[b >> 4];
        boundary_ += kHex[b & 15];
      }
      multipart_ = part_framing(st);
      r.headers.push_back({"Content-Type", multipart_->content_type_header()});
    } else if (has_body_ && st.http_www_form_urlencoded) {
      r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    }
    if (has_body_) {
      auto len = host_.announced_tx_len();
      if (len && !st.http_no_content_length) {
        r.framing = BodyFraming::kContentLength;
        r.content_length = *len + framing_size();
      } else {
        r.framing = BodyFraming::kChunked;  // length unknown (or not to be sent)
      }
    }
    target_ = r.target;
    auto head = client_.send_request(r);
    if (!head.ok()) return fail(head.error().message());
    in_exchange_ = true;
    head_seen_ = false;
    som_sent_ = false;
    write(*head);
    if (has_body_ && multipart_) {
      auto pre = client_.send_body(multipart_->preamble());
      if (pre.ok()) write(*pre);
    }
    // A proxy's onward stream with a body says CONNECTED once the request
    // head is out, as lws does: the proxied client sends its payload only
    // after CONNECTED, and the body must go before the response (the
    // response head's CONNECTED is then a duplicate). docs/proxy.md.
    if (has_body_ && host_.proxied() && host_.connected() == HostVerdict::kStop) return stop();
    pump_body();
  }

  // The multipart framing of one part of the body: the primary streamtype's
  // or, for a rideshare part, that streamtype's name, filename and type.
  Multipart part_framing(const policy::Streamtype& part) const {
    Multipart m;
    m.boundary = boundary_;
    m.name = part.http_multipart_name;
    m.filename = part.http_multipart_filename;
    m.content_type = part.http_mime_content_type;
    return m;
  }

  // Bytes the multipart framing adds to the user's payload: each part of
  // the rideshare chain opens with its preamble, the last one closes.
  std::size_t framing_size() const {
    if (!multipart_) return 0;
    const auto chain = host_.policy().rideshare_chain(host_.streamtype());
    std::size_t n = multipart_->preamble().size() + multipart_->epilogue().size();
    for (std::size_t i = 1; i < chain.size(); ++i) n += part_framing(*chain[i]).next_preamble().size();
    return n;
  }

  // http_multipart_ss_in (docs/secure-streams.md §2.4): each part of a multipart response is
  // one SOM..EOM message; the first part's SOM also carries RELATED_START
  // and the last part's EOM RELATED_END. A part's EOM is an empty rx, held
  // until we know whether another part follows.
  HostVerdict pump_parts() {
    using stream::kFlagEom, stream::kFlagSom, stream::kFlagRelatedStart, stream::kFlagRelatedEnd;
    while (!parts_done_) {
      http::MultipartEvent e = parts_->next_event();
      if (std::holds_alternative<http::NeedData>(e)) return HostVerdict::kContinue;
      if (auto* err = std::get_if<http::ErrorEvent>(&e)) {
        fail("h1: http_multipart_ss_in: " + err->message);
        return HostVerdict::kStop;
      }
      std::optional<std::pair<std::span<const std::uint8_t>, std::uint32_t>> out;
      if (std::holds_alternative<http::PartBegin>(e)) {
        if (part_eom_pending_) out.emplace(std::span<const std::uint8_t>{}, part_eom_pending_);
        part_eom_pending_ = 0;
        part_som_ = kFlagSom | (first_part_ ? kFlagRelatedStart : 0u);
        first_part_ = false;
      } else if (auto* d = std::get_if<http::PartData>(&e)) {
        out.emplace(d->data, part_som_);
        part_som_ = 0;
      } else if (std::holds_alternative<http::PartEnd>(e)) {
        part_eom_pending_ = kFlagEom | part_som_;  // an empty part still opens
        part_som_ = 0;
      } else if (std::holds_alternative<http::Done>(e)) {
        std::uint32_t f = part_eom_pending_ ? part_eom_pending_ : (kFlagSom | kFlagEom | kFlagRelatedStart);
        part_eom_pending_ = 0;
        parts_done_ = true;  // Done is sticky; the epilogue is ignored
        if (host_.rx({}, f | kFlagRelatedEnd) == HostVerdict::kStop) return stop(), HostVerdict::kStop;
        return HostVerdict::kContinue;
      }
      if (out && host_.rx(out->first, out->second) == HostVerdict::kStop) return stop(), HostVerdict::kStop;
    }
    return HostVerdict::kContinue;
  }

  // http_cookies: Set-Cookie headers into the context's jar (the Date header
  // first sets the jar's clock).
  void take_cookies(const Head& head, std::optional<std::string_view> date) {
    const Endpoint& ep = host_.endpoint();
    if (ep.kind != Endpoint::Kind::kTcp) return;
    if (date) {
      if (auto server_s = http::parse_http_date(*date))
        shared_->server_minus_loop_s[ep.host] = *server_s - host_.loop().now() / kMicrosPerSecond;
    }
    const std::int64_t now = shared_->now_s(host_.loop(), ep.host);
    for (const auto& h : head.headers) {
      if (iequals(h.name, "set-cookie")) shared_->jar.store(ep.host, target_, host_.transport_tls(), h.value, now);
    }
  }

  void add_blob_headers(Request& r) {
    for (auto& [name, value] : http::system_blob_headers(host_)) r.headers.push_back({std::move(name), std::move(value)});
  }

  void write(std::string_view bytes) {
    if (bytes.empty()) return;
    if (!host_.write(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())))
      blocked_ = true;
  }

  void pump_body() {
    std::array<std::uint8_t, kTxChunk> buf;
    while (!stopped_ && has_body_ && !blocked_ && client_.phase_sending() && host_.tx_wanted()) {
      const policy::Streamtype* part = &host_.tx_part();
      TxPull p = host_.pull_tx(buf);
      if (p.kind == TxPull::Kind::kStop) return;
      if (p.kind != TxPull::Kind::kData) return;
      auto piece = client_.send_body(std::span<const std::uint8_t>(buf.data(), p.len));
      if (!piece.ok()) return fail(piece.error().message());
      write(*piece);
      if (p.flags & stream::kFlagEom) {
        // The end of a rideshare part: the body goes on with the next
        // streamtype of the chain (docs/protocols.md "Rideshare").
        if (const policy::Streamtype& next = host_.tx_part(); &next != part) {
          if (multipart_) {
            auto sep = client_.send_body(part_framing(next).next_preamble());
            if (!sep.ok()) return fail(sep.error().message());
            write(*sep);
          }
          continue;
        }
        if (multipart_) {
          auto epi = client_.send_body(multipart_->epilogue());
          if (!epi.ok()) return fail(epi.error().message());
          write(*epi);
        }
        auto end = client_.end_body();
        if (!end.ok()) return fail(end.error().message());
        write(*end);
      }
    }
  }

  void process() {
    for (;;) {
      if (stopped_) return;
      Event e = client_.next_event();
      if (std::holds_alternative<NeedData>(e)) return;
      if (auto* h = std::get_if<HeadEvent>(&e)) {
        if (on_head(h->head) == HostVerdict::kStop) return;
      } else if (auto* b = std::get_if<BodyEvent>(&e)) {
        if (!follow_target_.empty()) continue;  // body of a redirect we follow
        if (parts_) {
          parts_->receive_data(b->data);
          if (pump_parts() == HostVerdict::kStop) return;
          continue;
        }
        std::uint32_t flags = som_sent_ ? 0u : std::uint32_t{stream::kFlagSom};
        std::span<const std::uint8_t> data(b->data);
        // Planted: the first byte of every later body piece is lost.
        if (SS_PLANTED("h1-body-byte") && som_sent_ && data.size() > 1) data = data.subspan(1);
        som_sent_ = true;
        if (host_.rx(data, flags) == HostVerdict::kStop) return stop();
      } else if (std::holds_alternative<CompleteEvent>(e)) {
        if (!follow_target_.empty()) {
          follow_redirect();
          return;
        }
        if (on_complete() == HostVerdict::kStop) return;
      } else if (auto* err = std::get_if<ErrorEvent>(&e)) {
        return fail(err->message);
      }
      // ClosedEvent: the transport end follows.
    }
  }

  void stop() { stopped_ = true; }

  HostVerdict on_head(const Head& head) {
    const auto& st = host_.streamtype();
    head_seen_ = true;
    status_ = head.status;
    host_.trace("h1.status", std::to_string(status_));
    retry_after_ms_.reset();
    const auto date = find_header(head.headers, "date");
    if (status_ == 503 || status_ == 429)
      // planted: Retry-After ignored (the retry comes after the policy's backoff only)
      if (auto ra = find_header(head.headers, "retry-after"); ra && !SS_PLANTED("retry-after-ignored")) retry_after_ms_ = http::retry_after_ms(*ra, date);
    if (st.http_cookies) take_cookies(head, date);
    if (st.http_multipart_ss_in && !redirect_location(head)) {
      auto ct = find_header(head.headers, "content-type");
      if (ct && ct->size() >= 10 && iequals(ct->substr(0, 10), "multipart/")) {
        auto boundary = http::MultipartSplitter::boundary_from_content_type(*ct);
        if (!boundary) return fail("h1: http_multipart_ss_in: " + boundary.error().message()), HostVerdict::kStop;
        parts_.emplace(std::move(*boundary));
        parts_done_ = false;
        first_part_ = true;
        part_eom_pending_ = 0;
      }
    }
    if (auto loc = redirect_location(head)) {
      // Only bodiless requests: a sent body cannot be pulled from tx() again.
      if (st.allow_redirects && !st.http_fail_redirect && !has_body_) {
        std::string target = resolve_location(*loc);
        if (Error why = host_.check_redirect(target); why.ok()) {
          follow_target_ = std::move(target);  // no CONNECTED for the redirect itself
          return HostVerdict::kContinue;
        } else {
          not_followed_ = why.message();
        }
      }
      // Not followed: CONNECTED, NACK the transaction and close.
      redirected_ = true;
    }
    // Response headers into metadata before any rx (docs/secure-streams.md §4.1); a 3xx we
    // follow leaves none behind (the final response's are what counts).
    for (const auto& md : st.metadata) {
      if (md.header.empty()) continue;
      if (auto v = find_header(head.headers, header_name(md.header))) {
        if (SS_PLANTED("rx-md-cut") && !v->empty()) v = v->substr(0, v->size() - 1);  // planted: last byte lost
        host_.set_rx_metadata(md.name, *v);
      }
    }
    if (host_.connected() == HostVerdict::kStop) return stop(), HostVerdict::kStop;
    for (const auto& [status, state] : st.http_resp_map) {
      if (status == status_) {
        if (host_.user_state(state) == HostVerdict::kStop) return stop(), HostVerdict::kStop;
        break;
      }
    }
    if (redirected_) {
      txn_done_ = true;
      if (host_.transaction_complete({false, std::nullopt}) == HostVerdict::kStop) return stop(), HostVerdict::kStop;
      fail("h1: redirect to " + *redirect_location(head) + " not followed" +
           (not_followed_.empty() ? std::string() : ": " + not_followed_));
      return HostVerdict::kStop;
    }
    return HostVerdict::kContinue;
  }

  void follow_redirect() {
    in_exchange_ = false;
    stopped_ = true;
    host_.follow_redirect(follow_target_, reusable_now());
  }

  // True when this connection can carry another request: keep-alive, both
  // directions done, and nothing beyond the response was received.
  bool reusable_now() {
    if (!client_.can_reuse() && !SS_PLANTED("pool-reuse-closing")) return false;
    Event more = client_.next_event();
    return std::holds_alternative<NeedData>(more) && client_.parser().idle();
  }

  // A Location as the engine takes it: an absolute URL or an absolute path.
  // "//host/x" takes our scheme; a relative reference is resolved against
  // the directory of the request target (RFC 3986 §5.2, without dot
  // segments: servers that need them get them verbatim).
  std::string resolve_location(std::string_view loc) const {
    if (loc.size() >= 2 && loc[0] == '/' && loc[1] == '/') {
      return std::string(host_.transport_tls() ? "https:" : "http:") + std::string(loc);
    }
    if (!loc.empty() && loc.front() == '/') return std::string(loc);
    if (loc.find("://") != std::string_view::npos) return std::string(loc);
    std::string base = target_.substr(0, target_.find('?'));
    base = base.substr(0, base.rfind('/') + 1);
    if (base.empty()) base = "/";
    return base + std::string(loc);
  }

  HostVerdict on_complete() {
    const auto& st = host_.streamtype();
    in_exchange_ = false;
    if (parts_) {
      parts_->receive_end();
      if (pump_parts() == HostVerdict::kStop) return HostVerdict::kStop;
    } else if (host_.rx({}, stream::kFlagEom) == HostVerdict::kStop) {
      return stop(), HostVerdict::kStop;
    }
    bool ok = st.http_expect && !SS_PLANTED("http-expect-ignored") ? status_ == st.http_expect : (status_ >= 200 && status_ < 300);
    txn_done_ = true;
    const bool come_back_later = status_ == 503 || status_ == 429;
    if (host_.transaction_complete({ok, retry_after_ms_, come_back_later}) == HostVerdict::kStop)
      return stop(), HostVerdict::kStop;
    // Keep-alive: the wire goes back to the context's pool for the next
    // attempt to this place; the stream itself sees DISCONNECTED as always.
    stopped_ = true;
    if (reusable_now()) {
      host_.release_connection();
    } else {
      host_.close_connection("");
    }
    return HostVerdict::kStop;
  }

  stream::BindingHost& host_;
  std::shared_ptr<H1Shared> shared_;
  Client client_;
  std::optional<http::MultipartSplitter> parts_;  // http_multipart_ss_in body
  bool parts_done_ = false;
  bool first_part_ = true;
  std::uint32_t part_som_ = 0;          // flags for the current part's first rx
  std::uint32_t part_eom_pending_ = 0;  // a finished part's EOM, not yet delivered
  std::optional<Multipart> multipart_;  // the first part's framing
  std::string boundary_;                 // of this request's multipart body
  bool has_body_ = false;
  bool blocked_ = false;
  bool stopped_ = false;
  bool in_exchange_ = false;
  bool head_seen_ = false;
  bool som_sent_ = false;
  bool txn_done_ = false;
  bool redirected_ = false;
  std::string follow_target_;  // set while reading a redirect we follow
  std::string not_followed_;   // why the engine refused a redirect
  std::string target_;         // request target of the current request
  bool ending_ = false;  // inside on_transport_end: no close_connection
  int status_ = 0;
  std::optional<std::uint32_t> retry_after_ms_;
};

}  // namespace

void register_h1_binding(stream::Context& ctx) {
  auto shared = std::make_shared<H1Shared>();
  ctx.register_binding(policy::Protocol::kH1, [shared](stream::BindingHost& host) -> std::unique_ptr<stream::Binding> {
    return std::make_unique<H1Binding>(host, shared);
  });
  ctx.register_binding(
      policy::Protocol::kH1, [](stream::BindingHost& host) { return make_h1_server_binding(host); },
      stream::Role::kServer);
}

}  // namespace ss::proto::h1

#include "runtime/bind/h1/h1_server_binding.h"

#include <array>
#include <string>

#include "runtime/core/planted.h"
#include "runtime/bind/http/request_headers.h"
#include "runtime/proto/h1/h1_parser.h"
#include "runtime/proto/http/http_message.h"

namespace ss::proto::h1 {
namespace {

using stream::HostVerdict;
using stream::TxPull;

constexpr std::size_t kTxChunk = 1540;
// Bytes a client may send ahead (pipelined requests) while its current
// response is not written yet; beyond that it is closed.
constexpr std::size_t kMaxPipelined = 64 * 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

using http::header_name;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of a URL argument ('+' is a
// space; a malformed %xx is kept as it is).
std::string form_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool safe_header_value(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

class H1ServerBinding final : public stream::Binding {
 public:
  H1ServerBinding(stream::BindingHost& host, UpgradeTaker take_upgrade)
      : host_(host), take_upgrade_(std::move(take_upgrade)), parser_(MessageParser::Kind::kRequest) {}
  ~H1ServerBinding() override { cancel_timers(); }

  const char* name() const override { return "h1-server"; }
  std::vector<std::string> alpn() const override { return {"http/1.1"}; }

  void on_transport_connected() override {
    arm_head_timer();
    touch();
    if (host_.connected() == HostVerdict::kStop) return stop();
  }

  void on_transport_data(std::span<const std::uint8_t> bytes) override {
    if (stopped_) return;
    touch();
    if (in_txn_ && request_done_) {
      // Pipelined: waits in the parser until this response is written.
      ahead_ += bytes.size();
      if (ahead_ > kMaxPipelined) {
        return close("h1 server: the client sent " + std::to_string(ahead_) +
                     " bytes ahead while its response was not written (limit " + std::to_string(kMaxPipelined) + ")");
      }
    }
    parser_.receive_data(bytes);
    process();
  }

  void on_transport_writable() override {
    blocked_ = false;
    touch();
    pump();
  }

  void on_tx_requested() override { pump(); }

  EndInfo on_transport_end(EndReason) override {
    stopped_ = true;
    cancel_timers();
    EndInfo info;
    info.txn_ok = answered_ > 0;
    return info;
  }

 private:
  void stop() {
    stopped_ = true;
    cancel_timers();
  }
  void close(const std::string& why) {
    stop();
    host_.close_connection(why);
  }

  // --- requests ----------------------------------------------------------

  void process() {
    while (!stopped_) {
      if (in_txn_ && request_done_) {
        // The next request waits for this response, past the read buffer
        // its body events point into.
        parser_.own_queued_body();
        return;
      }
      Event e = parser_.next_event();
      if (std::holds_alternative<NeedData>(e)) return;
      if (auto* h = std::get_if<HeadEvent>(&e)) {
        on_head(h->head);
      } else if (auto* b = std::get_if<BodyEvent>(&e)) {
        on_body(b->data);
      } else if (auto* c = std::get_if<CompleteEvent>(&e)) {
        on_request_complete(c->keep_alive);
      } else if (std::holds_alternative<ClosedEvent>(e)) {
        return close("");  // the client closed between requests
      } else if (auto* err = std::get_if<ErrorEvent>(&e)) {
        const int status = err->code == ErrorCode::kLimit ? 431 : 400;
        return refuse(status, "h1 server: bad request: " + err->message);
      }
    }
  }

  void on_head(const Head& head) {
    cancel_head_timer();
    if (parser_.upgraded() || head.upgrade) return on_upgrade(head);
    in_txn_ = true;
    request_done_ = false;
    response_started_ = false;
    response_done_ = false;
    som_sent_ = false;
    body_bytes_ = 0;
    ahead_ = 0;
    head_method_ = iequals(head.method, "HEAD");
    http10_ = head.http_major == 1 && head.http_minor == 0;
    keep_alive_ = head.keep_alive;
    store_request(head);
    host_.trace("h1.request", head.method + " " + head.target);
    if (host_.server_txn() == HostVerdict::kStop) return stop();
  }

  // 501 unless a taker serves upgrades; it may refuse (a bad handshake) or
  // take the connection, after which this binding is done with it.
  void on_upgrade(const Head& head) {
    const std::string upgrade(find_header(head.headers, "upgrade").value_or(""));
    if (!take_upgrade_) {
      return refuse(501, "h1 server: protocol upgrade requested (" + upgrade + "), not served");
    }
    store_request(head);
    host_.trace("h1.request", head.method + " " + head.target + " upgrade " + upgrade);
    auto refusal = take_upgrade_(head, parser_.take_upgrade_bytes());
    if (refusal) return refuse(refusal->status, refusal->why, refusal->headers);
    stop();  // the taker's connection now
  }

  // The request's metadata (a new transaction's: the last one's forgotten).
  void store_request(const Head& head) {
    host_.begin_server_txn();
    const std::string_view target = head.target;
    const std::size_t q = target.find('?');
    store("path", target.substr(0, q));
    store("method", head.method);
    const auto& st = host_.streamtype();
    for (const auto& md : st.metadata) {
      if (md.header.empty()) continue;
      if (auto v = find_header(head.headers, header_name(md.header))) store(md.name, *v);
    }
    if (q != std::string_view::npos) store_url_args(target.substr(q + 1));
  }

  // A value for a declared name; names the streamtype does not declare are
  // not stored (lws: only declared metadata exist).
  void store(std::string_view name, std::string_view value) {
    if (host_.streamtype().metadata_index(name)) (void)host_.set_rx_metadata(name, value);
  }

  void store_url_args(std::string_view query) {
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      std::string_view arg = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      const std::size_t eq = arg.find('=');
      const std::string name = form_decode(arg.substr(0, eq));
      if (name == "path" || name == "method") continue;  // the request's own, not an argument's
      store(name, eq == std::string_view::npos ? std::string_view() : std::string_view(form_decode(arg.substr(eq + 1))));
    }
  }

  void on_body(std::span<const std::uint8_t> data) {
    if (!in_txn_) return;
    body_bytes_ += data.size();
    const auto& limits = host_.server_limits();
    if (body_bytes_ > limits.max_body) {
      return refuse(413, "h1 server: request body of more than " + std::to_string(limits.max_body) +
                             " bytes (ServerLimits::max_body)");
    }
    const std::uint32_t flags = som_sent_ ? 0u : std::uint32_t{stream::kFlagSom};
    som_sent_ = true;
    if (host_.rx(data, flags) == HostVerdict::kStop) return stop();
  }

  void on_request_complete(bool keep_alive) {
    if (!in_txn_) return;
    keep_alive_ = keep_alive_ && keep_alive;
    request_done_ = true;
    if (som_sent_ && host_.rx({}, stream::kFlagEom) == HostVerdict::kStop) return stop();
    finish_if_done();
  }

  // An answer of our own (the request was bad or too big), then close.
  void refuse(int status, const std::string& why, const Headers& extra = {}) {
    if (stopped_) return;
    if (!response_started_) {
      Headers h{{"Content-Length", "0"}, {"Connection", "close"}};
      h.insert(h.end(), extra.begin(), extra.end());
      write(serialize_response_head(status, reason_phrase(status), h));
      host_.trace("h1.status", std::to_string(status));
    }
    host_.shutdown_write();
    close(why);
  }

  // --- responses ---------------------------------------------------------

  void pump() {
    std::array<std::uint8_t, kTxChunk> buf;
    while (!stopped_ && in_txn_ && !response_done_ && !blocked_ && host_.tx_wanted()) {
      // Read before the pull: an EOM in this chunk forgets the length.
      const std::optional<std::size_t> announced = host_.announced_tx_len();
      TxPull p = host_.pull_tx(buf);
      if (p.kind != TxPull::Kind::kData) return;
      touch();
      if (!response_started_) start_response(announced);
      if (stopped_) return;
      send_body(std::span<const std::uint8_t>(buf.data(), p.len));
      if (p.flags & stream::kFlagEom) end_response();
    }
  }

  void start_response(std::optional<std::size_t> len) {
    response_started_ = true;
    const std::optional<int> ack = host_.server_ack();
    // planted: a request the user never acked is answered 200, not 404
    int status = !ack ? (SS_PLANTED("server-unacked-200") ? 200 : 404) : (*ack == 0 ? 200 : *ack);
    if (status < 200 || status > 599) {
      host_.trace("h1.server", "server_ack " + std::to_string(status) + " is no final HTTP status; 500");
      status = 500;
    }
    Headers headers;
    for (const auto& md : host_.streamtype().metadata) {
      if (md.header.empty()) continue;
      auto v = host_.response_metadata(md.name);
      if (!v) continue;
      const std::string name = header_name(md.header);
      if (iequals(name, "content-length") || iequals(name, "transfer-encoding") || iequals(name, "connection"))
        continue;  // framing is ours
      if (!safe_header_value(*v)) {
        host_.trace("h1.server", "metadata " + md.name + " holds CR, LF or NUL: header left out");
        continue;
      }
      headers.push_back({name, std::string(*v)});
    }
    if (len) {
      framing_ = BodyFraming::kContentLength;
      headers.push_back({"Content-Length", std::to_string(*len)});
    } else if (http10_) {
      framing_ = BodyFraming::kUntilClose;
      keep_alive_ = false;
    } else {
      framing_ = BodyFraming::kChunked;
      headers.push_back({"Transfer-Encoding", "chunked"});
    }
    if (!keep_alive_) headers.push_back({"Connection", "close"});
    write(serialize_response_head(status, reason_phrase(status), headers));
    host_.trace("h1.status", std::to_string(status));
  }

  void send_body(std::span<const std::uint8_t> bytes) {
    if (bytes.empty() || head_method_) return;
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    write(framing_ == BodyFraming::kChunked ? encode_chunk(text) : std::string(text));
  }

  void end_response() {
    if (framing_ == BodyFraming::kChunked && !head_method_) write(std::string(kLastChunk));
    response_done_ = true;
    ++answered_;
    finish_if_done();
  }

  // Both halves of the transaction are over: the next request, or the end.
  void finish_if_done() {
    if (stopped_ || !response_done_) return;
    if (!request_done_ || !keep_alive_) {
      // A response before the whole request (or one that closes): done.
      host_.shutdown_write();
      arm_head_timer();  // the client gets as long to close as to send a head
      in_txn_ = true;
      request_done_ = true;  // read nothing more
      return;
    }
    in_txn_ = false;
    ahead_ = 0;
    arm_head_timer();
    if (!SS_PLANTED("server-pipelined-lost")) process();  // a pipelined request may be waiting
  }

  void write(const std::string& bytes) {
    if (bytes.empty()) return;
    if (!host_.write(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())))
      blocked_ = true;
  }

  // --- deadlines ---------------------------------------------------------

  void arm_head_timer() {
    cancel_head_timer();
    const Micros limit = host_.server_limits().head_timeout;
    if (limit <= 0) return;
    head_timer_ = host_.loop().after(limit, [this, limit] {
      head_timer_ = {};
      close("h1 server: no complete request head within " + std::to_string(limit / kMicrosPerMilli) +
            " ms (ServerLimits::head_timeout)");
    }, {"ss", host_.stream_id(), "h1 head deadline"});
  }
  void cancel_head_timer() {
    if (head_timer_) host_.loop().cancel(head_timer_);
    head_timer_ = {};
  }
  // Something moved: the idle deadline starts again.
  void touch() {
    if (idle_timer_) host_.loop().cancel(idle_timer_);
    idle_timer_ = {};
    const Micros limit = host_.server_limits().idle_timeout;
    if (limit <= 0 || stopped_) return;
    idle_timer_ = host_.loop().after(limit, [this, limit] {
      idle_timer_ = {};
      close("h1 server: no byte in or out for " + std::to_string(limit / kMicrosPerMilli) +
            " ms (ServerLimits::idle_timeout)");
    }, {"ss", host_.stream_id(), "h1 idle deadline"});
  }
  void cancel_timers() {
    cancel_head_timer();
    if (idle_timer_) host_.loop().cancel(idle_timer_);
    idle_timer_ = {};
  }

  stream::BindingHost& host_;
  UpgradeTaker take_upgrade_;
  MessageParser parser_;
  TimerId head_timer_;
  TimerId idle_timer_;
  bool stopped_ = false;
  bool blocked_ = false;
  // The current transaction: a request head was seen and its response is
  // not complete yet.
  bool in_txn_ = false;
  bool request_done_ = false;
  bool response_started_ = false;
  bool response_done_ = false;
  bool som_sent_ = false;
  bool head_method_ = false;
  bool http10_ = false;
  bool keep_alive_ = false;
  BodyFraming framing_ = BodyFraming::kChunked;
  std::uint64_t body_bytes_ = 0;
  std::size_t ahead_ = 0;
  std::uint32_t answered_ = 0;
};

}  // namespace

std::unique_ptr<stream::Binding> make_h1_server_binding(stream::BindingHost& host, UpgradeTaker take_upgrade) {
  return std::make_unique<H1ServerBinding>(host, std::move(take_upgrade));
}

}  // namespace ss::proto::h1

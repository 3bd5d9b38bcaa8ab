#include "runtime/proto/h1/h1_parser.h"

#include <algorithm>
#include <climits>
#include <utility>

namespace ss::proto::h1 {

// The http_parser callbacks, with access to the parser's private state.
struct ParserCallbacks {
  static MessageParser& self(http_parser* p) { return *static_cast<MessageParser*>(p->data); }

  static int on_message_begin(http_parser* p) {
    auto& s = self(p);
    s.in_message_ = true;
    s.informational_ = false;
    s.head_ = Head{};
    s.header_bytes_ = 0;
    s.last_was_value_ = false;
    s.body_started_ = false;
    s.body_bytes_ = 0;
    s.declared_length_.reset();
    return 0;
  }
  static int on_url(http_parser* p, const char* at, std::size_t n) {
    auto& s = self(p);
    s.head_.target.append(at, n);
    return s.add_header_bytes(at, n);
  }
  static int on_status(http_parser* p, const char* at, std::size_t n) {
    return self(p).add_header_bytes(at, n);
  }
  static int on_header_field(http_parser* p, const char* at, std::size_t n) {
    auto& s = self(p);
    if (s.head_.headers.empty() || s.last_was_value_) {
      s.head_.headers.push_back({});
    }
    s.last_was_value_ = false;
    s.head_.headers.back().name.append(at, n);
    return s.add_header_bytes(at, n);
  }
  static int on_header_value(http_parser* p, const char* at, std::size_t n) {
    auto& s = self(p);
    s.last_was_value_ = true;
    if (s.head_.headers.empty()) s.head_.headers.push_back({});
    s.head_.headers.back().value.append(at, n);
    return s.add_header_bytes(at, n);
  }
  static int on_headers_complete(http_parser* p) {
    auto& s = self(p);
    if (s.head_.headers.size() > kMaxHeaderCount) {
      s.limit_error_ = std::to_string(s.head_.headers.size()) + " header fields, limit " +
                       std::to_string(kMaxHeaderCount);
      return -1;
    }
    if (s.header_bytes_ > kMaxHeaderBytes) {
      s.limit_error_ = "header section of " + std::to_string(s.header_bytes_) + " bytes, limit " +
                       std::to_string(kMaxHeaderBytes);
      return -1;
    }
    s.head_.http_major = p->http_major;
    s.head_.http_minor = p->http_minor;
    if (s.kind_ == MessageParser::Kind::kResponse) {
      s.head_.status = static_cast<int>(p->status_code);
      if (s.head_.status < 100 || s.head_.status > 999) {
        // http_parser takes 1-3 digit codes; HTTP says exactly three.
        s.cb_error_ = "status code " + std::to_string(s.head_.status) + " is not three digits";
        return -1;
      }
      // 1xx other than 101 are interim: skipped, the real response follows.
      s.informational_ = s.head_.status >= 100 && s.head_.status < 200 && s.head_.status != 101;
    } else {
      s.head_.method = http_method_str(static_cast<http_method>(p->method));
    }
    s.head_.upgrade = p->upgrade != 0;
    s.head_.keep_alive = http_should_keep_alive(p) != 0;
    if (s.informational_) return 1;  // a 1xx has no body, whatever its headers say (RFC 9110 §15.2)
    s.body_started_ = true;
    if (!(p->flags & F_CHUNKED) && p->content_length != ULLONG_MAX) s.declared_length_ = p->content_length;
    s.events_.push_back(HeadEvent{s.head_});
    if (s.kind_ == MessageParser::Kind::kResponse && s.no_body_next_) {
      s.no_body_next_ = false;
      return 1;  // skip body (HEAD)
    }
    return 0;
  }
  static int on_body(http_parser* p, const char* at, std::size_t n) {
    if (n == 0) return 0;
    auto& s = self(p);
    auto* b = reinterpret_cast<const std::uint8_t*>(at);
    s.body_bytes_ += n;
    s.events_.push_back(BodyEvent{std::span<const std::uint8_t>(b, n)});  // borrowed, not copied
    return 0;
  }
  static int on_message_complete(http_parser* p) {
    auto& s = self(p);
    s.in_message_ = false;
    if (s.informational_) {
      s.informational_ = false;
      return 0;
    }
    s.events_.push_back(CompleteEvent{http_should_keep_alive(p) != 0});
    return 0;
  }

  static http_parser_settings make() {
    http_parser_settings st;
    http_parser_settings_init(&st);
    st.on_message_begin = on_message_begin;
    st.on_url = on_url;
    st.on_status = on_status;
    st.on_header_field = on_header_field;
    st.on_header_value = on_header_value;
    st.on_headers_complete = on_headers_complete;
    st.on_body = on_body;
    st.on_message_complete = on_message_complete;
    return st;
  }
};

namespace {
const http_parser_settings& settings() {
  static const http_parser_settings kSettings = ParserCallbacks::make();  // immutable
  return kSettings;
}
}  // namespace

MessageParser::MessageParser(Kind kind) : kind_(kind) {
  http_parser_init(&parser_, kind == Kind::kResponse ? HTTP_RESPONSE : HTTP_REQUEST);
}

// Only counts. The limits are checked once the head is complete: a check
// inside a data callback would fire at a point that depends on how the
// input was split (http_parser flushes partial tokens at buffer ends), and
// the event sequence must not. Memory meanwhile is bounded by http_parser's
// own HTTP_MAX_HEADER_SIZE (80 KiB, HPE_HEADER_OVERFLOW).
int MessageParser::add_header_bytes(const char*, std::size_t n) {
  header_bytes_ += n;
  return 0;
}

void MessageParser::fail(ErrorCode code, std::string what, std::uint64_t at) {
  state_ = State::kError;
  events_.push_back(ErrorEvent{code, "h1: " + what + " at byte offset " + std::to_string(at), at});
}

// "... (truncated after 1000 of 100000 body bytes)": how much of the body
// came, and of how much when the head announced a Content-Length.
std::string MessageParser::truncated() const {
  std::string what = "connection closed mid-message (truncated";
  if (body_started_) {
    what += " after " + std::to_string(body_bytes_);
    if (declared_length_) what += " of " + std::to_string(*declared_length_);
    what += " body bytes";
  } else {
    what += " in the head";
  }
  return what + ")";
}

void MessageParser::receive_data(std::span<const std::uint8_t> bytes) {
  handed_out_.clear();  // popped events' copies lived until now
  switch (state_) {
    case State::kClosed:
    case State::kError:
      return;
    case State::kUpgraded:
      upgrade_bytes_.insert(upgrade_bytes_.end(), bytes.begin(), bytes.end());
      return;
    case State::kParsing:
      break;
  }
  parser_.data = this;
  const bool eof = bytes.empty();
  const char* data = reinterpret_cast<const char*>(bytes.data());
  chunk_start_ = data;
  std::size_t used = http_parser_execute(&parser_, &settings(), eof ? nullptr : data, bytes.size());
  auto err = static_cast<http_errno>(parser_.http_errno);
  if (err != HPE_OK) {
    std::uint64_t at = offset_ + used;
    if (!limit_error_.empty()) {
      fail(ErrorCode::kLimit, limit_error_, at);
    } else if (!cb_error_.empty()) {
      fail(ErrorCode::kParse, cb_error_, at);
    } else if (err == HPE_INVALID_EOF_STATE) {
      fail(ErrorCode::kParse, truncated(), at);
    } else {
      fail(ErrorCode::kParse, std::string(http_errno_name(err)) + " (" + http_errno_description(err) + ")", at);
    }
    return;
  }
  offset_ += used;
  if (eof) {
    if (in_message_) {
      fail(ErrorCode::kParse, truncated(), offset_);
    } else {
      state_ = State::kClosed;
      events_.push_back(ClosedEvent{});
    }
    return;
  }
  if (parser_.upgrade && !in_message_) {
    // The parser stopped after an upgrade message; the rest is not HTTP.
    // (http_parser sets `upgrade` at the head but reads a body the head
    // announces first, so check that the message is over.)
    state_ = State::kUpgraded;
    in_message_ = false;
    upgrade_bytes_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end());
  }
}

Event MessageParser::next_event() {
  if (events_.empty()) return NeedData{};
  Event e = std::move(events_.front());
  events_.pop_front();
  if (std::holds_alternative<BodyEvent>(e) && !owned_bodies_.empty()) {
    // The oldest queued BodyEvent is the oldest copy's: keep the copy as long
    // as a borrowed piece would have lived.
    handed_out_.push_back(std::move(owned_bodies_.front()));
    owned_bodies_.pop_front();
  }
  return e;
}

void MessageParser::own_queued_body() {
  std::size_t already = owned_bodies_.size();  // the oldest queued pieces are copies already
  for (Event& e : events_) {
    auto* b = std::get_if<BodyEvent>(&e);
    if (b == nullptr) continue;
    if (already > 0) {
      --already;
      continue;
    }
    b->data = owned_bodies_.emplace_back(b->data.begin(), b->data.end());
  }
}

std::vector<std::uint8_t> MessageParser::take_upgrade_bytes() { return std::exchange(upgrade_bytes_, {}); }

std::string describe(const Event& event) {
  struct V {
    std::string operator()(const NeedData&) const { return "need-data"; }
    std::string operator()(const HeadEvent& e) const {
      return "head " + (e.head.status ? std::to_string(e.head.status) : e.head.method + " " + e.head.target) +
             " headers=" + std::to_string(e.head.headers.size());
    }
    std::string operator()(const BodyEvent& e) const { return "body " + std::to_string(e.data.size()); }
    std::string operator()(const CompleteEvent& e) const {
      return std::string("complete keep_alive=") + (e.keep_alive ? "1" : "0");
    }
    std::string operator()(const ClosedEvent&) const { return "closed"; }
    std::string operator()(const ErrorEvent& e) const { return "error " + e.message; }
  };
  return std::visit(V{}, event);
}

bool BodyEvent::operator==(const BodyEvent& other) const { return std::ranges::equal(data, other.data); }

void MergedEvents::add(const Event& e) {
  if (std::holds_alternative<NeedData>(e)) return;
  auto* piece = std::get_if<BodyEvent>(&e);
  if (piece == nullptr) {
    events_.push_back(e);
    return;
  }
  auto* last = events_.empty() ? nullptr : std::get_if<BodyEvent>(&events_.back());
  if (last == nullptr) {
    events_.push_back(BodyEvent{});
    last = &std::get<BodyEvent>(events_.back());
    bodies_.emplace_back();
  }
  std::vector<std::uint8_t>& joined = bodies_.back();  // the last event's body
  joined.insert(joined.end(), piece->data.begin(), piece->data.end());
  last->data = joined;  // the insert may have moved the bytes
}

MergedEvents merge_body_events(const std::vector<Event>& events) {
  MergedEvents out;
  for (const Event& e : events) out.add(e);
  return out;
}

}  // namespace ss::proto::h1

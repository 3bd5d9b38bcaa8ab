#include "runtime/proto/http/multipart_splitter.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "runtime/proto/http/merge_events.h"

namespace ss::proto::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// RFC 2046 §5.1.1 bchars (space allowed, but not last).
bool is_bchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != '\0' && std::strchr("'()+_,-./:=? ", c) != nullptr;
}

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Error check_boundary(std::string_view b) {
  if (b.empty()) return make_error(ErrorCode::kParse, "multipart boundary: empty (expected 1..70 chars)");
  if (b.size() > kMaxBoundaryLength)
    return make_error(ErrorCode::kLimit, "multipart boundary: " + std::to_string(b.size()) +
                                             " chars, at most " + std::to_string(kMaxBoundaryLength));
  for (std::size_t i = 0; i < b.size(); ++i)
    if (!is_bchar(b[i]))
      return make_error(ErrorCode::kParse, "multipart boundary: character '" + printable(b.substr(i, 1)) +
                                               "' at index " + std::to_string(i) + " is not allowed");
  if (b.back() == ' ') return make_error(ErrorCode::kParse, "multipart boundary: must not end with a space");
  return Error::ok_value();
}

bool ilower_equals(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_b[i]) return false;
  }
  return true;
}

}  // namespace

Result<std::string> MultipartSplitter::boundary_from_content_type(std::string_view ct) {
  auto err = [&](ErrorCode code, std::string what, std::size_t at) {
    return make_error(code, "Content-Type: " + what + " at offset " + std::to_string(at));
  };
  std::size_t i = 0;
  auto skip_ows = [&] {
    while (i < ct.size() && is_wsp(ct[i])) ++i;
  };
  auto token = [&] {
    std::size_t start = i;
    while (i < ct.size() && is_tchar(ct[i])) ++i;
    return ct.substr(start, i - start);
  };
  skip_ows();
  std::size_t type_at = i;
  std::string_view type = token();
  if (i >= ct.size() || ct[i] != '/') return err(ErrorCode::kParse, "expected type/subtype", i);
  ++i;
  std::string_view subtype = token();
  if (type.empty() || subtype.empty()) return err(ErrorCode::kParse, "expected type/subtype", type_at);
  if (!ilower_equals(type, "multipart"))
    return err(ErrorCode::kParse,
               "expected multipart/*, got '" + printable(ct.substr(type_at, i - type_at)) + "'", type_at);
  std::optional<std::string> boundary;
  for (;;) {
    skip_ows();
    if (i >= ct.size()) break;
    if (ct[i] != ';') return err(ErrorCode::kParse, "expected ';' before a parameter", i);
    ++i;
    skip_ows();
    if (i >= ct.size()) break;  // a trailing ';' is harmless
    std::size_t name_at = i;
    std::string_view name = token();
    if (name.empty()) return err(ErrorCode::kParse, "expected a parameter name", name_at);
    if (i >= ct.size() || ct[i] != '=') return err(ErrorCode::kParse, "expected '=' after parameter name", i);
    ++i;
    std::string value;
    if (i < ct.size() && ct[i] == '"') {
      std::size_t open = i++;
      bool closed = false;
      while (i < ct.size()) {
        char c = ct[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i >= ct.size()) break;
          c = ct[i++];
        }
        value += c;
      }
      if (!closed) return err(ErrorCode::kParse, "unterminated quoted string", open);
    } else {
      std::size_t value_at = i;
      value = std::string(token());
      if (value.empty()) return err(ErrorCode::kParse, "expected a parameter value", value_at);
    }
    if (ilower_equals(name, "boundary")) {
      if (boundary) return err(ErrorCode::kParse, "second boundary parameter", name_at);
      boundary = std::move(value);
    }
  }
  if (!boundary) return make_error(ErrorCode::kParse, "Content-Type: no boundary parameter");
  if (Error e = check_boundary(*boundary)) return e;
  return *std::move(boundary);
}

MultipartSplitter::MultipartSplitter(std::string boundary) : delimiter_("\r\n--" + boundary) {
  // A virtual CRLF before the body lets "--boundary" at offset 0 match the
  // same delimiter as every later one; it is part of the skipped preamble.
  buf_ = std::string(kCrlf);
  if (Error e = check_boundary(boundary)) {
    state_ = State::kError;
    error_ = ErrorEvent{e.code(), e.message(), 0};
  }
}

void MultipartSplitter::receive_data(std::span<const std::uint8_t> bytes) {
  receive_data(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void MultipartSplitter::receive_data(std::string_view bytes) {
  if (state_ == State::kDone || state_ == State::kError || finished_) return;
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

void MultipartSplitter::receive_end() { finished_ = true; }

std::string_view MultipartSplitter::avail() const { return std::string_view(buf_).substr(pos_); }

void MultipartSplitter::consume(std::size_t n) {
  pos_ += n;
  consumed_ += n;
}

std::uint64_t MultipartSplitter::offset_of(std::size_t i) const {
  std::uint64_t at = consumed_ + i;
  return at >= kCrlf.size() ? at - kCrlf.size() : 0;  // minus the virtual CRLF
}

MultipartEvent MultipartSplitter::fail(ErrorCode code, std::string what, std::uint64_t at) {
  state_ = State::kError;
  error_ = ErrorEvent{code, "multipart: " + what + " at offset " + std::to_string(at), at};
  buf_.clear();
  buf_.shrink_to_fit();
  pos_ = 0;
  return error_;
}

std::size_t MultipartSplitter::find_delimiter(std::size_t& keep) const {
  std::string_view a = avail();
  std::size_t at = a.find(delimiter_);
  keep = a.size();
  if (at != std::string_view::npos) return at;
  // The delimiter holds one CR, at its start, so only a tail starting at the
  // last CR can be a delimiter's beginning.
  std::size_t cr = a.rfind('\r');
  if (cr != std::string_view::npos && a.size() - cr < delimiter_.size() &&
      std::string_view(delimiter_).substr(0, a.size() - cr) == a.substr(cr))
    keep = cr;
  return std::string_view::npos;
}

std::optional<MultipartEvent> MultipartSplitter::after_delimiter() {
  // Directly after "--boundary": "--" closes; else padding, then CRLF.
  std::string_view a = avail();
  if (!padding_seen_ && !a.empty() && a[0] == '-') {
    if (a.size() < 2) {
      if (finished_) return fail(ErrorCode::kParse, "body ended after a boundary delimiter", offset_of(1));
      return NeedData{};
    }
    if (a[1] != '-') return fail(ErrorCode::kParse, "expected CRLF or \"--\" after the boundary", offset_of(0));
    consume(2);
    state_ = State::kDone;
    buf_.clear();  // the epilogue is ignored
    pos_ = 0;
    if (in_part_) {
      in_part_ = false;
      return PartEnd{};
    }
    return Done{};
  }
  std::size_t pad = 0;
  while (pad < a.size() && is_wsp(a[pad])) ++pad;
  if (pad > 0) {
    padding_seen_ = true;
    consume(pad);  // transport padding is dropped as it comes: no buffering
    a = avail();
  }
  if (a.size() < 2) {
    if (!a.empty() && a[0] != '\r')
      return fail(ErrorCode::kParse, "expected CRLF or \"--\" after the boundary", offset_of(0));
    if (finished_) return fail(ErrorCode::kParse, "body ended after a boundary delimiter", offset_of(a.size()));
    return NeedData{};
  }
  if (a[0] != '\r' || a[1] != '\n')
    return fail(ErrorCode::kParse, "expected CRLF or \"--\" after the boundary",
                offset_of(a[0] == '\r' ? 1 : 0));
  consume(2);
  state_ = State::kHeaders;
  headers_start_ = offset_of(0);
  header_bytes_ = 0;
  headers_.clear();
  if (in_part_) {
    in_part_ = false;
    return PartEnd{};
  }
  return std::nullopt;  // no event yet: next_event() goes on with the headers
}

std::optional<MultipartEvent> MultipartSplitter::header_line() {
  std::string_view a = avail();
  std::size_t eol = a.find(kCrlf);
  std::size_t line_len = eol == std::string_view::npos ? a.size() : eol + kCrlf.size();
  // A partial line already over the budget will be over it when complete,
  // so the error does not depend on how the input was split.
  if (header_bytes_ + line_len > kMaxPartHeaderBytes)
    return fail(ErrorCode::kLimit, "part headers over " + std::to_string(kMaxPartHeaderBytes) + " bytes",
                headers_start_);
  if (eol == std::string_view::npos) {
    if (finished_) return fail(ErrorCode::kParse, "body ended inside part headers", offset_of(a.size()));
    return NeedData{};
  }
  header_bytes_ += line_len;
  std::string_view line = a.substr(0, eol);
  if (line.empty()) {
    consume(line_len);
    state_ = State::kData;
    in_part_ = true;
    return PartBegin{std::move(headers_)};
  }
  if (is_wsp(line[0])) return fail(ErrorCode::kParse, "obsolete line folding in part headers", offset_of(0));
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return fail(ErrorCode::kParse, "part header line without ':'", offset_of(0));
  for (std::size_t i = 0; i < colon; ++i)
    if (!is_tchar(line[i])) return fail(ErrorCode::kParse, "part header name is not a token", offset_of(i));
  if (colon == 0) return fail(ErrorCode::kParse, "empty part header name", offset_of(0));
  std::string_view value = line.substr(colon + 1);
  std::size_t lead = 0;
  while (lead < value.size() && is_wsp(value[lead])) ++lead;
  value.remove_prefix(lead);
  while (!value.empty() && is_wsp(value.back())) value.remove_suffix(1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return fail(ErrorCode::kParse, "control character in part header value",
                  offset_of(colon + 1 + lead + i));
  }
  if (headers_.size() >= kMaxPartHeaderFields)
    return fail(ErrorCode::kLimit, "more than " + std::to_string(kMaxPartHeaderFields) + " part header fields",
                offset_of(0));
  headers_.push_back({std::string(line.substr(0, colon)), std::string(value)});
  consume(line_len);
  return std::nullopt;  // no event yet: next_event() goes on with the next line
}

MultipartEvent MultipartSplitter::next_event() {
  for (;;) {
    switch (state_) {
      case State::kError:
        return error_;
      case State::kDone:
        return Done{};
      case State::kPreamble: {
        std::size_t keep = 0;
        std::size_t at = find_delimiter(keep);
        if (at == std::string_view::npos) {
          consume(keep);  // the preamble is dropped as it comes
          if (finished_) return fail(ErrorCode::kParse, "no boundary delimiter in the body", offset_of(avail().size()));
          return NeedData{};
        }
        consume(at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        padding_seen_ = false;
        continue;
      }
      case State::kAfterDelimiter:
        if (auto e = after_delimiter()) return *std::move(e);
        continue;
      case State::kHeaders:
        if (auto e = header_line()) return *std::move(e);
        continue;
      case State::kData: {
        std::size_t keep = 0;
        std::size_t at = find_delimiter(keep);
        std::size_t n = at == std::string_view::npos ? keep : at;
        if (n > 0) {
          std::string_view a = avail();
          PartData d{std::vector<std::uint8_t>(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n))};
          consume(n);
          return d;
        }
        if (at == std::string_view::npos) {
          if (finished_)
            return fail(ErrorCode::kParse, "body ended inside a part (no close delimiter)",
                        offset_of(avail().size()));
          return NeedData{};
        }
        consume(delimiter_.size());
        state_ = State::kAfterDelimiter;
        padding_seen_ = false;
        continue;
      }
    }
  }
}

std::string describe(const MultipartEvent& event) {
  struct V {
    std::string operator()(const PartBegin& e) const {
      return "part-begin " + std::to_string(e.headers.size()) + " headers";
    }
    std::string operator()(const PartData& e) const { return "data " + std::to_string(e.data.size()); }
    std::string operator()(const PartEnd&) const { return "part-end"; }
    std::string operator()(const Done&) const { return "done"; }
    std::string operator()(const NeedData&) const { return "need-data"; }
    std::string operator()(const ErrorEvent& e) const { return "error: " + e.message; }
  };
  return std::visit(V{}, event);
}

std::vector<MultipartEvent> merge_part_data(const std::vector<MultipartEvent>& events) {
  return merge_data_events<PartData, NeedData>(events);
}

Result<std::vector<WholePart>> split_multipart(std::string_view content_type, std::string_view body) {
  auto boundary = MultipartSplitter::boundary_from_content_type(content_type);
  if (!boundary) return boundary.error();
  MultipartSplitter splitter(std::move(*boundary));
  splitter.receive_data(body);
  splitter.receive_end();
  std::vector<WholePart> parts;
  for (;;) {
    MultipartEvent e = splitter.next_event();
    if (auto* begin = std::get_if<PartBegin>(&e)) {
      parts.push_back({std::move(begin->headers), {}});
    } else if (auto* d = std::get_if<PartData>(&e)) {
      parts.back().data.append(d->data.begin(), d->data.end());
    } else if (auto* err = std::get_if<ErrorEvent>(&e)) {
      return make_error(err->code, err->message);
    } else if (std::holds_alternative<Done>(e)) {
      return parts;
    } else if (std::holds_alternative<NeedData>(e)) {
      return make_error(ErrorCode::kParse, "multipart body ends before its close delimiter");
    }
  }
}

}  // namespace ss::proto::http

#include "runtime/stream/metadata.h"

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"

namespace ss::stream {

Metadata::Metadata(const policy::Streamtype& st) : st_(st), values_(st.metadata.size()) {}

std::optional<std::size_t> Metadata::index_of(std::string_view name) const {
  // Linear: at most 255 names, looked up rarely. Avoids depending on the
  // policy library's out-of-line helpers.
  for (std::size_t i = 0; i < st_.metadata.size(); ++i) {
    if (st_.metadata[i].name == name) return i;
  }
  return std::nullopt;
}

Error Metadata::set(std::string_view name, std::string_view value) {
  if (value.size() > kMaxValue) {
    return make_error(ErrorCode::kLimit, "metadata " + quote_text(name) + ": value of " +
                                             std::to_string(value.size()) +
                                             " bytes exceeds the limit of 65535");
  }
  if (auto i = index_of(name)) {
    if (SS_PLANTED("metadata-sticky") && values_[*i].has_value()) return {};  // planted: first value wins
    values_[*i] = std::string(value);
    return {};
  }
  if (st_.direct_proto_str) {
    if (!instant_) instant_ = std::make_unique<InstantMap>();
    auto it = instant_->find(name);
    if (it == instant_->end() && instant_->size() >= kMaxInstant) {
      return make_error(ErrorCode::kLimit, "metadata " + quote_text(name) +
                                               ": more than 32 instant (undeclared) names");
    }
    (*instant_)[std::string(name)] = std::string(value);
    return {};
  }
  return make_error(ErrorCode::kNotFound, "metadata " + quote_text(name) +
                                              " is not declared by streamtype " + quote_text(st_.name));
}

void Metadata::clear() {
  for (auto& v : values_) v.reset();
  instant_.reset();
}

Result<std::string_view> Metadata::get(std::string_view name) const {
  if (auto i = index_of(name)) {
    if (values_[*i]) return std::string_view(*values_[*i]);
    return std::string_view();
  }
  if (instant_)
    if (auto it = instant_->find(name); it != instant_->end()) return std::string_view(it->second);
  return make_error(ErrorCode::kNotFound, "metadata " + quote_text(name) +
                                              " is not declared by streamtype " + quote_text(st_.name));
}

std::optional<std::string_view> Metadata::find(std::string_view name) const {
  if (auto i = index_of(name)) {
    if (values_[*i]) return std::string_view(*values_[*i]);
    return std::nullopt;
  }
  if (instant_)
    if (auto it = instant_->find(name); it != instant_->end()) return std::string_view(it->second);
  return std::nullopt;
}

Result<std::string> Metadata::expand(std::string_view text) const {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find("${", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    std::size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) {
      return make_error(ErrorCode::kParse, quote_text(text) + ": unterminated ${ at offset " +
                                               std::to_string(open));
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    auto i = index_of(name);
    if (!i) {
      return make_error(ErrorCode::kNotFound,
                        quote_text(text) + ": ${" + escape_text(name) + "} at offset " +
                            std::to_string(open) + " is not a metadata name declared by " +
                            quote_text(st_.name));
    }
    // planted: a value expanded into a URL or header cut at 10 bytes
    if (values_[*i]) out.append(SS_PLANTED("md-expand-cut") ? values_[*i]->substr(0, 10) : *values_[*i]);
    if (out.size() > kMaxExpanded) {
      return make_error(ErrorCode::kLimit, quote_text(text) +
                                               ": expansion exceeds 8192 bytes");
    }
    pos = close + 1;
  }
  if (out.size() > kMaxExpanded) {
    return make_error(ErrorCode::kLimit, quote_text(text) + ": expansion exceeds 8192 bytes");
  }
  return out;
}

}  // namespace ss::stream

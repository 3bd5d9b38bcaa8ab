// The pipelining half of the "server" scenario (server_scenario.cc): a raw
// client stream that speaks HTTP/1.1 itself to the "web" server streamtype
// and pipelines (RFC 9112 §9.3.2): at its first CONNECTED it sends all its
// GET /ok/<n> requests at once, in tx pieces of a drawn size, and reads
// the responses with the h1 core's response parser. The server must answer
// them in order on the one connection: the k-th response is 200 with
// ok_body(n_k). Our own h1 client never pipelines, so without this no
// request ever waits in the server's parser behind a response.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/proto/h1/h1_parser.h"
#include "runtime/stream/stream.h"
#include "sim/world.h"

namespace ss::sim::server_h1 {

class Pipeliner {
 public:
  // `body(n)`: the body the server makes for /ok/<n>.
  Pipeliner(World& world, std::string name, std::vector<std::size_t> sizes, std::size_t piece,
            std::function<std::string(std::size_t)> body)
      : world_(world), name_(std::move(name)), sizes_(std::move(sizes)), piece_(piece), body_(std::move(body)) {}

  stream::Stream* s = nullptr;
  std::vector<stream::State> states;

  const std::string& name() const { return name_; }
  std::size_t asked() const { return sizes_.size(); }
  std::size_t answered() const { return answered_; }

  stream::Ret on_state(stream::State st) {
    states.push_back(st);
    if (st == stream::State::kConnected && !sent_) {
      sent_ = true;
      for (std::size_t n : sizes_) out_ += "GET /ok/" + std::to_string(n) + " HTTP/1.1\r\nHost: server\r\n\r\n";
      s->request_tx();
    }
    return stream::Ret::kOk;
  }

  stream::Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len) {
    len = std::min({buf.size(), piece_, out_.size()});
    std::copy_n(out_.begin(), len, buf.begin());
    out_.erase(0, len);
    if (!out_.empty()) s->request_tx();
    return len ? stream::Ret::kOk : stream::Ret::kTxDontSend;
  }

  void on_rx(std::span<const std::uint8_t> bytes) {
    parser_.receive_data(bytes);
    for (;;) {
      proto::h1::Event e = parser_.next_event();
      if (std::holds_alternative<proto::h1::NeedData>(e)) return;
      if (auto* h = std::get_if<proto::h1::HeadEvent>(&e)) {
        status_ = h->head.status;
        got_.clear();
      } else if (auto* b = std::get_if<proto::h1::BodyEvent>(&e)) {
        got_.append(b->data.begin(), b->data.end());
      } else if (std::holds_alternative<proto::h1::CompleteEvent>(e)) {
        check_response();
      } else if (auto* err = std::get_if<proto::h1::ErrorEvent>(&e)) {
        return world_.violation(name_ + ": unreadable response: " + err->message);
      }
    }
  }

 private:
  void check_response() {
    if (answered_ >= sizes_.size()) {
      world_.violation(name_ + ": a response to a request it never sent");
      return;
    }
    const std::size_t n = sizes_[answered_++];
    if (status_ != 200 || got_ != body_(n))
      world_.violation(name_ + ": pipelined request " + std::to_string(answered_) + " (/ok/" + std::to_string(n) +
                       ") answered " + std::to_string(status_) + " with " + std::to_string(got_.size()) +
                       " bytes, not 200 with its " + std::to_string(n));
  }

  World& world_;
  std::string name_;
  std::vector<std::size_t> sizes_;
  std::size_t piece_;
  std::function<std::string(std::size_t)> body_;
  std::string out_;  // request bytes not yet handed to tx
  bool sent_ = false;
  proto::h1::MessageParser parser_{proto::h1::MessageParser::Kind::kResponse};
  int status_ = 0;
  std::string got_;
  std::size_t answered_ = 0;
};

}  // namespace ss::sim::server_h1

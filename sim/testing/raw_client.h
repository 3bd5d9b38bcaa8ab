// RawClient: a hand-written client on the raw binding for the server
// streams' tests (runtime/bind/h1, runtime/bind/ws): it writes the bytes it
// is given as they are (a request line, an upgrade, a broken frame), keeps
// every byte that comes back and the states it saw. The policy names its
// streamtype ("rawc" unless told otherwise); the raw binding must be
// registered on the context.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/stream/context.h"
#include "runtime/stream/states.h"
#include "runtime/stream/stream.h"

namespace ss::sim::testing {

struct RawClient {
  std::string rx;
  std::string to_send;  // written as the stream can take it
  std::vector<stream::State> states;
  stream::Stream* s = nullptr;

  // Creates the stream and asks to send what to_send holds.
  void start(stream::Context& ctx, std::string streamtype = "rawc") {
    stream::StreamInfo info;
    info.streamtype = std::move(streamtype);
    info.callbacks.state = [this](stream::State st, std::uint32_t) {
      states.push_back(st);
      return stream::Ret::kOk;
    };
    info.callbacks.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      rx.append(b.begin(), b.end());
      return stream::Ret::kOk;
    };
    info.callbacks.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t&) {
      len = std::min(buf.size(), to_send.size());
      std::copy_n(to_send.begin(), len, buf.begin());
      to_send.erase(0, len);
      if (!to_send.empty()) s->request_tx();
      return len ? stream::Ret::kOk : stream::Ret::kTxDontSend;
    };
    auto r = ctx.create(std::move(info));
    ASSERT_TRUE(r.ok());
    s = *r;
    s->request_tx();
  }

  // Sends `bytes` after what is still queued.
  void send(const std::string& bytes) {
    to_send += bytes;
    s->request_tx();
  }

  // Whether the connection ended (the server closed it).
  bool closed() const { return std::count(states.begin(), states.end(), stream::State::kDisconnected) > 0; }
};

}  // namespace ss::sim::testing

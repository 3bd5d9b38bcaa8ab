// PeerListener: the accept/serve skeleton the simulated servers share
// (HttpServer, WsEchoServer, BulkSource): where to listen, the listener, and
// delayed tasks that do nothing once the server is gone. Each server keeps
// only its protocol and its own connections.
//
// Lifespan: a member of its server. Destroying it (with the server) stops
// listening and turns every pending later() task into a no-op (posted tasks
// and timers cannot be cancelled one by one, so they hold a weak token).
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"

namespace ss::sim::peers {

class PeerListener {
 public:
  // `owner`: the timer label's owner for later() (a string literal).
  PeerListener(Loop& loop, Net& net, Endpoint at, const char* owner)
      : loop_(loop), net_(net), at_(std::move(at)), owner_(owner) {}
  PeerListener(const PeerListener&) = delete;
  PeerListener& operator=(const PeerListener&) = delete;

  // Listens on the endpoint given at construction; `on_accept` gets every
  // accepted connection.
  Error start(AcceptCallback on_accept) {
    auto l = net_.listen(at_, std::move(on_accept));
    if (!l.ok()) return l.error();
    listener_ = std::move(l.value());
    return Error();
  }
  void stop() { listener_.reset(); }
  Endpoint local() const { return listener_ ? listener_->local() : at_; }

  // Runs `task` after `delay` (a timer labelled "<owner> delay") unless this
  // listener is gone by then.
  void later(Micros delay, std::function<void()> task) {
    std::weak_ptr<int> alive = alive_;
    loop_.after(delay, [alive, task = std::move(task)] {
      if (alive.lock()) task();
    }, {owner_, 0, "delay"});
  }

  Loop& loop() const { return loop_; }

 private:
  Loop& loop_;
  Net& net_;
  Endpoint at_;
  const char* owner_;
  std::unique_ptr<Listener> listener_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace ss::sim::peers

// Server: the listening side of a server stream (a streamtype with
// "server": true, docs/secure-streams.md §2.4 "server", docs/api.md
// "Serving").
//
// The server stream owns one. It listens through Net::listen on the
// policy's endpoint and port; each accepted connection becomes a new
// Stream flagged kInfoAccepted, made from the server's StreamInfo (its
// make_accepted, else a copy: same callbacks and user pointer), which
// adopts the connection (Stream::adopt). The server keeps the accepted
// streams in accept order for foreach_client; a stream leaves the list
// when it is destroyed (its connection closed). Destroying the server
// stream stops listening and destroys its accepted streams.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "runtime/core/net.h"
#include "runtime/core/result.h"

namespace ss::stream {

class Stream;

class Server {
 public:
  explicit Server(Stream& owner) : owner_(owner) {}
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on the streamtype's endpoint and port. The error
  // names the streamtype and the address ("address in use").
  Error listen();
  Endpoint local() const;

  // One accepted connection: a new accepted stream, or closed (logged)
  // when max_clients are live already.
  void accept(std::unique_ptr<Connection> conn);

  // Calls `fn` once for each accepted stream live when the walk starts, in
  // accept order. Safe when `fn` destroys the stream it is given (or any
  // other: a destroyed one is skipped) and when clients arrive meanwhile
  // (they are not visited).
  void foreach_client(const std::function<void(Stream*)>& fn);
  std::size_t client_count();

  // Stops listening and destroys every accepted stream.
  void close();

 private:
  void prune();

  Stream& owner_;
  std::unique_ptr<Listener> listener_;
  std::vector<std::weak_ptr<Stream*>> clients_;  // accept order
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ss::stream

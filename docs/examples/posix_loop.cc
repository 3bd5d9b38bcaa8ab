// docs/posix.md, "Using it": the production Loop and Net.
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"

int main() {
  ss::posix::EpollLoop loop;
  ss::posix::PosixNet net(loop);           // loop outlives net; net outlives its connections
  ss::Rng rng = ss::posix::make_os_rng();  // seed from getrandom(2)
  loop.after(ss::millis(1), [&] { loop.stop(); });  // docs: "// ... build streams on loop/net ..."
  loop.run();                               // until loop.stop()
  return rng.between(1, 1) == 1 ? 0 : 1;
}

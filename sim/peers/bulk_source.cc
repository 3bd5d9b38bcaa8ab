#include "sim/peers/bulk_source.h"

#include <algorithm>

namespace ss::sim::peers {

std::string bulk_pattern(std::size_t size, std::uint32_t salt) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size, '\0');
  char block[8];
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint32_t v = static_cast<std::uint32_t>((i / 8 + salt * 0x9e37u) & 0x0fffffffu);
    for (int d = 6; d >= 0; --d, v >>= 4) block[d] = kHex[v & 0xf];  // 7 hex digits, then '\n'
    block[7] = '\n';
    std::copy_n(block, std::min<std::size_t>(8, size - i), out.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out;
}

// One accepted client: writes the body in 16 KiB pieces while the
// connection takes them, then closes once everything is queued.
struct BulkSource::Peer final : ConnectionHandler {
  Peer(BulkSource& owner, std::uint64_t id, std::unique_ptr<Connection> c)
      : owner(owner), id(id), conn(std::move(c)) {}
  void start() {
    conn->set_handler(this);
    pump();
  }
  void on_data(std::span<const std::uint8_t>) override {}
  void on_writable() override { pump(); }
  void on_end(EndReason) override { done(); }

  void pump() {
    constexpr std::size_t kPiece = 16 * 1024;
    const std::string& body = owner.body_;
    while (sent < body.size()) {
      const std::size_t n = std::min(kPiece, body.size() - sent);
      const bool more = conn->write(std::string_view(body).substr(sent, n));
      sent += n;
      if (!more) return;  // on_writable() goes on
    }
    conn->shutdown_write();
  }
  void done() {
    // Never destroy a connection inside its own callback: erase from the loop.
    BulkSource* o = &owner;
    std::weak_ptr<bool> alive = owner.alive_;
    const std::uint64_t key = id;
    owner.listen_.loop().post([o, alive, key] {
      if (alive.lock()) o->peers_.erase(key);
    });
  }

  BulkSource& owner;
  std::uint64_t id;
  std::unique_ptr<Connection> conn;
  std::size_t sent = 0;
};

BulkSource::BulkSource(Loop& loop, Net& net, Endpoint at, std::string body)
    : listen_(loop, net, std::move(at), "bulk_source"), body_(std::move(body)) {}

BulkSource::~BulkSource() {
  *alive_ = false;
  listen_.stop();
  peers_.clear();
}

Error BulkSource::start() {
  return listen_.start([this](std::unique_ptr<Connection> c) { accept(std::move(c)); });
}

void BulkSource::accept(std::unique_ptr<Connection> conn) {
  ++accepted_;
  const std::uint64_t id = next_id_++;
  auto peer = std::make_unique<Peer>(*this, id, std::move(conn));
  Peer* p = peer.get();
  peers_.emplace(id, std::move(peer));
  p->start();
}

}  // namespace ss::sim::peers

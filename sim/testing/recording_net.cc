#include "sim/testing/recording_net.h"

namespace ss::sim::testing {

class RecordingNet::Conn final : public Connection, public ConnectionHandler {
 public:
  Conn(RecordingNet& net, ConnectionHandler* handler) : net_(net), handler_(handler) { ++net_.live_; }
  ~Conn() override {
    inner_.reset();
    gone();
  }
  void attach(std::unique_ptr<Connection> inner) { inner_ = std::move(inner); }

  // Connection
  void set_handler(ConnectionHandler* handler) override {
    handler_ = handler;
    inner_->set_handler(this);
  }
  bool write(std::span<const std::uint8_t> bytes) override {
    if (!bytes.empty()) {
      auto& w = net_.written[inner_->id()];
      w.insert(w.end(), bytes.begin(), bytes.end());
    }
    return inner_->write(bytes);
  }
  std::size_t buffered() const override { return inner_->buffered(); }
  void set_write_watermarks(std::size_t high, std::size_t low) override {
    inner_->set_write_watermarks(high, low);
  }
  void shutdown_write() override { inner_->shutdown_write(); }
  void pause_reading(bool paused) override { inner_->pause_reading(paused); }
  void close() override {
    inner_->close();
    gone();
  }
  Endpoint peer() const override { return inner_->peer(); }
  std::string peer_identity() const override { return inner_->peer_identity(); }
  std::uint64_t id() const override { return inner_->id(); }
  std::string end_detail() const override { return inner_->end_detail(); }

  // ConnectionHandler
  void on_connected() override { handler_->on_connected(); }
  void on_data(std::span<const std::uint8_t> bytes) override {
    net_.delivered.insert(net_.delivered.end(), bytes.begin(), bytes.end());
    handler_->on_data(bytes);
  }
  void on_writable() override { handler_->on_writable(); }
  void on_read_closed() override { handler_->on_read_closed(); }
  void on_end(EndReason reason) override {
    net_.end_times.push_back(net_.loop_.now());
    gone();
    handler_->on_end(reason);
  }

 private:
  void gone() {
    if (!live_) return;
    live_ = false;
    --net_.live_;
  }

  RecordingNet& net_;
  ConnectionHandler* handler_;
  std::unique_ptr<Connection> inner_;
  bool live_ = true;
};

std::unique_ptr<Connection> RecordingNet::connect(const Endpoint& to, const ConnectOptions& options,
                                                  ConnectionHandler* handler) {
  connect_times.push_back(loop_.now());
  auto conn = std::make_unique<Conn>(*this, handler);
  conn->attach(inner_.connect(to, options, conn.get()));
  return conn;
}

}  // namespace ss::sim::testing

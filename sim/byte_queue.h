// ByteQueue: a FIFO of bytes for the simulated network's send queues and
// receive inboxes. Taking from the front moves a cursor instead of the
// bytes behind it (a multi-MiB queue drained in small reads would otherwise
// cost its whole length per read); the storage is compacted once the taken
// part is at least half of it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ss::sim {

class ByteQueue {
 public:
  bool empty() const { return head_ == data_.size(); }
  std::size_t size() const { return data_.size() - head_; }
  void append(std::string_view bytes) { data_.append(bytes); }
  ByteQueue& operator+=(std::string_view bytes) {
    append(bytes);
    return *this;
  }
  // Removes and returns the first `n` bytes (n <= size()).
  std::string take(std::size_t n) {
    std::string out = data_.substr(head_, n);
    head_ += out.size();
    if (head_ == data_.size()) {
      data_.clear();
      head_ = 0;
    } else if (head_ >= data_.size() / 2) {
      data_.erase(0, head_);
      head_ = 0;
    }
    return out;
  }
  void clear() {
    data_.clear();
    head_ = 0;
  }

 private:
  std::string data_;
  std::size_t head_ = 0;
};

}  // namespace ss::sim

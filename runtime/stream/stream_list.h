// StreamList: a context's live streams in id order, linked through the
// streams themselves.
//
// Ids only grow, so appending keeps the order. The links are two pointers
// in each Stream instead of a tree node per stream (a std::set took 48
// bytes of heap per stream: docs/benchmarks.md, "Heap per idle raw
// stream"); finding a stream's place is O(1) from the stream itself.
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/stream/stream.h"

namespace ss::stream {

class StreamList {
 public:
  StreamList() = default;
  ~StreamList();
  StreamList(const StreamList&) = delete;
  StreamList& operator=(const StreamList&) = delete;

  // Takes `s`, whose id is above every listed one.
  void push_back(std::unique_ptr<Stream> s);
  // Gives back a listed stream.
  std::unique_ptr<Stream> remove(Stream* s);
  bool contains(const Stream* s) const { return s->listed_; }
  Stream* front() const { return first_; }
  bool empty() const { return first_ == nullptr; }
  std::size_t size() const { return size_; }
  // `fn` on each stream, in id order; `fn` must not add or remove streams.
  template <typename F>
  void for_each(F fn) const {
    for (Stream* s = first_; s; s = s->next_) fn(s);
  }

 private:
  Stream* first_ = nullptr;
  Stream* last_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace ss::stream

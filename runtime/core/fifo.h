// Fifo<T>: a first-in first-out queue that holds no heap while it has never
// been used, for the event queues every stream and connection carries.
//
// Why not std::deque: an empty libstdc++ deque allocates its map and a
// 512-byte node when it is constructed (~600 B), and idle streams are many
// (docs/benchmarks.md "heap per idle stream"). Fifo is a vector and the
// index of its first live element: push_back appends, pop_front moves the
// index, and the storage is reused from the start once the queue drains
// (or compacted once the dead prefix outgrows the live part), so push and
// pop are amortised O(1) and the memory is bounded by the most elements
// ever queued at once.
//
// Like std::vector, push_back may move the elements: references to queued
// elements are valid only until the next push_back.
#pragma once

#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>
#include <vector>

namespace ss {

template <typename T>
class Fifo {
 public:
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }

  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return items_.back(); }
  const T& back() const { return items_.back(); }
  T& operator[](std::size_t i) { return items_[head_ + i]; }
  const T& operator[](std::size_t i) const { return items_[head_ + i]; }

  iterator begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  const_iterator end() const { return items_.end(); }

  void push_back(T item) {
    compact();
    items_.push_back(std::move(item));
  }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    compact();
    return items_.emplace_back(std::forward<Args>(args)...);
  }

  // The front element, moved out.
  T take_front() {
    T item = std::move(items_[head_]);
    pop_front();
    return item;
  }
  void pop_front() {
    // Release what the element holds now, not at the next compaction.
    if constexpr (std::is_default_constructible_v<T>) items_[head_] = T();
    if (++head_ == items_.size()) clear();
  }
  // Elements the storage has room for: 0 until the first push.
  std::size_t capacity() const { return items_.capacity(); }

  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  // Drops the popped prefix once it is at least as long as the live part,
  // so a queue that never drains stays within twice its peak length.
  void compact() {
    if (head_ == 0 || head_ < items_.size() - head_) return;
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }

  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace ss

#include "runtime/stream/sequencer.h"

namespace ss::stream {

std::vector<State> Sequencer::states() const {
  std::vector<State> all;
  all.reserve(count_);
  for (std::size_t i = 0; i < count_; ++i) all.push_back(at(i));
  return all;
}

void Sequencer::deliver(State state) {
  if (count_ >= kMaxKept) return;
  if (count_ < kInline) {
    first_[count_] = state;
  } else {
    if (!rest_) rest_ = std::make_unique<std::vector<State>>();
    rest_->push_back(state);
  }
  ++count_;
}

}  // namespace ss::stream

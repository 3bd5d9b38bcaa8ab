#include "runtime/stream/stream_list.h"

#include <cassert>

namespace ss::stream {

StreamList::~StreamList() {
  while (first_) remove(first_);  // the unique_ptr frees each
}

void StreamList::push_back(std::unique_ptr<Stream> owned) {
  Stream* s = owned.release();
  assert(!s->listed_ && (!last_ || last_->id() < s->id()));
  s->prev_ = last_;
  s->next_ = nullptr;
  s->listed_ = true;
  if (last_) {
    last_->next_ = s;
  } else {
    first_ = s;
  }
  last_ = s;
  ++size_;
}

std::unique_ptr<Stream> StreamList::remove(Stream* s) {
  assert(s->listed_);
  if (s->prev_) {
    s->prev_->next_ = s->next_;
  } else {
    first_ = s->next_;
  }
  if (s->next_) {
    s->next_->prev_ = s->prev_;
  } else {
    last_ = s->prev_;
  }
  s->prev_ = s->next_ = nullptr;
  s->listed_ = false;
  --size_;
  return std::unique_ptr<Stream>(s);
}

}  // namespace ss::stream

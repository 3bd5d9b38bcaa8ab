// Events with the `Skip` ones (NeedData) dropped and each run of `Data`
// events merged into one: a parser may split a body anywhere, so tests and
// fuzzers compare event streams in this form (multipart's
// merge_part_data()). `Data` has a byte vector `data`. (h1's BodyEvent
// borrows its bytes, so h1 has its own MergedEvents, h1_parser.h.)
#pragma once

#include <variant>
#include <vector>

namespace ss::proto::http {

template <typename Data, typename Skip, typename Event>
std::vector<Event> merge_data_events(const std::vector<Event>& events) {
  std::vector<Event> out;
  for (const auto& e : events) {
    if (std::holds_alternative<Skip>(e)) continue;
    if (auto* d = std::get_if<Data>(&e); d && !out.empty()) {
      if (auto* last = std::get_if<Data>(&out.back())) {
        last->data.insert(last->data.end(), d->data.begin(), d->data.end());
        continue;
      }
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace ss::proto::http

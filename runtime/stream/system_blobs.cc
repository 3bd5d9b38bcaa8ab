#include "runtime/stream/system_blobs.h"

namespace ss::stream {

bool SystemBlobs::set(int slot, std::span<const std::uint8_t> bytes) {
  if (slot < 0 || slot >= kBlobSlots || bytes.size() > kMaxBlobBytes) return false;
  slots_[static_cast<std::size_t>(slot)] = std::vector<std::uint8_t>(bytes.begin(), bytes.end());
  return true;
}

bool SystemBlobs::append(int slot, std::span<const std::uint8_t> bytes) {
  if (slot < 0 || slot >= kBlobSlots) return false;
  auto& v = slots_[static_cast<std::size_t>(slot)];
  const std::size_t have = v ? v->size() : 0;
  if (bytes.size() > kMaxBlobBytes - have) return false;
  if (!v) v.emplace();
  v->insert(v->end(), bytes.begin(), bytes.end());
  return true;
}

void SystemBlobs::clear(int slot) {
  if (slot >= 0 && slot < kBlobSlots) slots_[static_cast<std::size_t>(slot)].reset();
}

std::optional<std::span<const std::uint8_t>> SystemBlobs::get(int slot) const {
  if (slot < 0 || slot >= kBlobSlots) return std::nullopt;
  const auto& v = slots_[static_cast<std::size_t>(slot)];
  if (!v) return std::nullopt;
  return std::span<const std::uint8_t>(v->data(), v->size());
}

std::optional<std::string_view> SystemBlobs::text(int slot) const {
  auto b = get(slot);
  if (!b) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(b->data()), b->size());
}

}  // namespace ss::stream

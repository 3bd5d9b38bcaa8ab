// SystemBlobs: the context's small store of device facts and secrets that
// policies refer to by kind ("system blobs" in lws): the auth token behind
// http_auth_header, the device serial / firmware version / type behind
// http_dsn_header / http_fwv_header / http_devtype_header, and the client
// certificate and key a streamtype's `client_cert` selects.
//
// Slots are numbered as lws numbers them (lws_system_blob_item_t), so the C
// API's lws_system_get_blob(ctx, type, index) addresses slot type + index.
// Values are copied in (lws's direct_set keeps a pointer; copying means the
// caller's buffer need not outlive the context). At most kMaxBlobBytes per
// slot.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ss::stream {

enum class BlobType : int {
  kAuth = 0,  // two slots: auth 0 and auth 1
  kClientCertDer = 2,
  kClientKeyDer = 3,
  kDeviceSerial = 4,
  kDeviceFwVersion = 5,
  kDeviceType = 6,
  kNtpServer = 7,
  kMqttClientId = 8,
  kMqttUsername = 9,
  kMqttPassword = 10,
};
inline constexpr int kBlobSlots = 11;
inline constexpr std::size_t kMaxBlobBytes = 64 * 1024;

class SystemBlobs {
 public:
  // Slot of (type, index), or -1 when out of range.
  static int slot(BlobType type, int index) {
    const int s = static_cast<int>(type) + index;
    return index >= 0 && s >= 0 && s < kBlobSlots ? s : -1;
  }
  // Replace / extend / clear a slot. set and append return false (and change
  // nothing) beyond kMaxBlobBytes or for a bad slot.
  bool set(int slot, std::span<const std::uint8_t> bytes);
  bool append(int slot, std::span<const std::uint8_t> bytes);
  void clear(int slot);
  // The slot's bytes; nullopt when never set (an empty value is a value).
  std::optional<std::span<const std::uint8_t>> get(int slot) const;
  std::optional<std::string_view> text(int slot) const;

 private:
  std::array<std::optional<std::vector<std::uint8_t>>, kBlobSlots> slots_;
};

}  // namespace ss::stream

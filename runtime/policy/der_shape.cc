#include "runtime/policy/der_shape.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace ss::policy {
namespace {

// ASN.1 tags (universal, or context-specific [n]) without the constructed
// bit: shapes are matched on class and number only, because OpenSSL reads
// some values (a Name, say) whatever that bit says.
constexpr std::uint8_t kInteger = 0x02, kBitString = 0x03, kOctetString = 0x04, kSequence = 0x10;
constexpr std::uint8_t kConstructed = 0x20;
constexpr std::uint8_t kContext0 = 0x80, kContext1 = 0x81, kContext2 = 0x82, kContext3 = 0x83;
constexpr int kMaxDepth = 32;

struct Tlv {
  std::uint8_t tag;  // the first identifier byte
  std::span<const std::uint8_t> value;
  std::uint8_t kind() const { return tag & ~kConstructed; }
};

// One TLV from the front of `in` (advanced past it); nullopt when the
// header is malformed or the value runs past the end. Definite lengths of
// up to 4 bytes only (a policy cert is at most 16 KiB; indefinite lengths
// are BER, not DER).
std::optional<Tlv> next_tlv(std::span<const std::uint8_t>& in) {
  std::size_t at = 1;
  if (in.empty()) return std::nullopt;
  const std::uint8_t tag = in[0];
  if ((tag & 0x1f) == 0x1f) {  // high tag number: base-128 digits follow
    while (at < in.size() && at <= 4 && (in[at] & 0x80)) ++at;
    if (at >= in.size() || at > 4) return std::nullopt;
    ++at;
  }
  if (at >= in.size()) return std::nullopt;
  std::size_t len = in[at++];
  if (len & 0x80) {
    const std::size_t n = len & 0x7f;
    if (n == 0 || n > 4 || in.size() < at + n) return std::nullopt;  // 0: indefinite (BER only)
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[at + i];
    at += n;
  }
  if (in.size() - at < len) return std::nullopt;
  Tlv t{tag, in.subspan(at, len)};
  in = in.subspan(at + len);
  return t;
}

// Every constructed value inside `in` parses as a sequence of TLVs that
// exactly fills it, down to primitives.
bool well_formed(std::span<const std::uint8_t> in, int depth) {
  if (depth > kMaxDepth) return false;
  while (!in.empty()) {
    auto t = next_tlv(in);
    if (!t) return false;
    if ((t->tag & kConstructed) && !well_formed(t->value, depth + 1)) return false;
  }
  return true;
}

// The TLVs of one constructed value, or nullopt if it is not well formed.
std::optional<std::vector<Tlv>> children(std::span<const std::uint8_t> in) {
  if (!well_formed(in, 1)) return std::nullopt;
  std::vector<Tlv> out;
  while (!in.empty()) out.push_back(*next_tlv(in));
  return out;
}

// The single top-level SEQUENCE filling `der`, split into its elements.
std::optional<std::vector<Tlv>> top_sequence(std::span<const std::uint8_t> der) {
  auto t = next_tlv(der);
  if (!t || t->kind() != kSequence || !der.empty()) return std::nullopt;
  return children(t->value);
}

bool tags_are(const std::vector<Tlv>& v, std::size_t from, std::initializer_list<std::uint8_t> tags) {
  if (v.size() < from + tags.size()) return false;
  std::size_t i = from;
  for (std::uint8_t tag : tags) {
    if (v[i++].kind() != tag) return false;
  }
  return true;
}

// RFC 5280 4.1: Certificate and TBSCertificate.
bool is_certificate(const std::vector<Tlv>& top) {
  if (top.size() != 3 || !tags_are(top, 0, {kSequence, kSequence, kBitString})) return false;
  auto tbs = children(top[0].value);
  if (!tbs) return false;
  const std::size_t f = !tbs->empty() && (*tbs)[0].kind() == kContext0 ? 1 : 0;  // version, v1 omits it
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  if (!tags_are(*tbs, f, {kInteger, kSequence, kSequence, kSequence, kSequence, kSequence})) return false;
  std::uint8_t last = 0;  // then issuerUniqueID [1], subjectUniqueID [2], extensions [3], in order
  for (std::size_t i = f + 6; i < tbs->size(); ++i) {
    const std::uint8_t tag = (*tbs)[i].kind();
    if ((tag != kContext1 && tag != kContext2 && tag != kContext3) || tag <= last) return false;
    last = tag;
  }
  return true;
}

bool all_integers(const std::vector<Tlv>& v, std::size_t count) {
  if (v.size() < count) return false;
  for (std::size_t i = 0; i < count; ++i) {
    if (v[i].kind() != kInteger) return false;
  }
  return true;
}

// RFC 5208 PrivateKeyInfo (and RFC 5958's optional publicKey), RFC 8017
// RSAPrivateKey, RFC 5915 ECPrivateKey, and the OpenSSL DSA key (six
// INTEGERs): the forms OpenSSL's d2i_AutoPrivateKey reads.
bool is_private_key(const std::vector<Tlv>& v) {
  const bool pkcs8 = v.size() >= 3 && v.size() <= 5 && tags_are(v, 0, {kInteger, kSequence, kOctetString}) &&
                     (v.size() < 4 || v[3].kind() == kContext0 || v[3].kind() == kContext1) &&
                     (v.size() < 5 || (v[3].kind() == kContext0 && v[4].kind() == kContext1));
  const bool rsa = (v.size() == 9 || (v.size() == 10 && v[9].kind() == kSequence)) && all_integers(v, 9);
  const bool ec = v.size() >= 2 && v.size() <= 4 && tags_are(v, 0, {kInteger, kOctetString}) &&
                  (v.size() < 3 || v[2].kind() == kContext0 || v[2].kind() == kContext1) &&
                  (v.size() < 4 || (v[2].kind() == kContext0 && v[3].kind() == kContext1));
  const bool dsa = v.size() == 6 && all_integers(v, 6);
  return pkcs8 || rsa || ec || dsa;
}

}  // namespace

DerKind classify_der(std::span<const std::uint8_t> der) {
  auto top = top_sequence(der);
  if (!top) return DerKind::kInvalid;
  if (is_certificate(*top)) return DerKind::kCertificate;
  if (is_private_key(*top)) return DerKind::kPrivateKey;
  return DerKind::kInvalid;
}

}  // namespace ss::policy

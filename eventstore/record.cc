#include "eventstore/record.h"

#include <openssl/evp.h>

#include <array>
#include <cctype>

#include "eventstore/internal/bytes.h"

namespace ecab::es {
namespace {

using internal::ByteReader;
using internal::PutBigEndian;
using internal::PutStr;
using internal::PutU8;

constexpr std::string_view kMagic = "ECEV";
constexpr std::uint8_t kFormat = 1;

std::string_view AsView(const auto& array) {
  return {reinterpret_cast<const char*>(array.data()), array.size()};
}

}  // namespace

Hash Sha256(std::string_view bytes) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Hash out{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, md, nullptr);
  return out;
}

std::string EncodeHashedPart(const StoredRecord& r) {
  std::string out;
  out.reserve(256 + r.payload.ciphertext.size() + r.stream.size() + r.type.size());
  out.append(kMagic);
  PutU8(out, kFormat);
  PutBigEndian<std::uint64_t>(out, r.position);
  PutStr(out, r.body);
  PutStr(out, r.stream);
  PutBigEndian<std::uint64_t>(out, r.version);
  PutStr(out, r.type);
  PutBigEndian<std::uint16_t>(out, r.schema_version);
  PutBigEndian<std::int64_t>(out, r.recorded_at_us);
  PutStr(out, r.actor.id);
  PutStr(out, r.actor.role);
  PutStr(out, r.actor.on_behalf_of);
  PutStr(out, r.command_id);
  PutStr(out, r.correlation_id);
  PutStr(out, r.causation_id);
  PutStr(out, r.payload.key_id);
  out.append(AsView(r.payload.nonce));
  PutStr(out, r.payload.ciphertext);
  out.append(AsView(r.payload.tag));
  if (r.signature) {
    PutU8(out, 1);
    PutStr(out, r.signature->algorithm);
    PutStr(out, r.signature->value);
    PutStr(out, r.signature->certificate_ref);
  } else {
    PutU8(out, 0);
  }
  out.append(AsView(r.prev_hash));
  return out;
}

std::string SealRecord(StoredRecord& record) {
  std::string bytes = EncodeHashedPart(record);
  record.hash = Sha256(bytes);
  bytes.append(AsView(record.hash));
  return bytes;
}

Result<StoredRecord> ParseRecord(std::string_view bytes) {
  StoredRecord r;
  ByteReader in(bytes);
  std::uint8_t format = 0;
  if (!in.Literal(kMagic))
    return MakeError(ErrorCode::kCorruption, "record does not start with ECEV");
  if (!in.U8(format) || format != kFormat) {
    return MakeError(ErrorCode::kCorruption, "unknown record format " + std::to_string(format));
  }
  std::uint8_t has_signature = 0;
  in.BigEndian(r.position);
  in.Str(r.body);
  in.Str(r.stream);
  in.BigEndian(r.version);
  in.Str(r.type);
  in.BigEndian(r.schema_version);
  in.BigEndian(r.recorded_at_us);
  in.Str(r.actor.id);
  in.Str(r.actor.role);
  in.Str(r.actor.on_behalf_of);
  in.Str(r.command_id);
  in.Str(r.correlation_id);
  in.Str(r.causation_id);
  in.Str(r.payload.key_id);
  in.Fixed(r.payload.nonce);
  in.Str(r.payload.ciphertext);
  in.Fixed(r.payload.tag);
  in.U8(has_signature);
  if (has_signature == 1) {
    Signature s;
    in.Str(s.algorithm);
    in.Str(s.value);
    in.Str(s.certificate_ref);
    r.signature = std::move(s);
  } else if (has_signature != 0) {
    return MakeError(ErrorCode::kCorruption, "bad signature marker");
  }
  in.Fixed(r.prev_hash);
  in.Fixed(r.hash);
  if (in.failed()) return MakeError(ErrorCode::kCorruption, "record is truncated");
  if (in.remaining() != 0) return MakeError(ErrorCode::kCorruption, "trailing bytes after record");
  return r;
}

std::string PayloadAad(const StoredRecord& r) {
  std::string aad = "ECEV-AAD1";
  PutBigEndian<std::uint64_t>(aad, r.position);
  PutStr(aad, r.body);
  PutStr(aad, r.stream);
  PutBigEndian<std::uint64_t>(aad, r.version);
  PutStr(aad, r.type);
  PutBigEndian<std::uint16_t>(aad, r.schema_version);
  return aad;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string ToHex(const Hash& hash) { return ToHex(AsView(hash)); }

std::optional<Hash> HashFromHex(std::string_view hex) {
  Hash h{};
  if (hex.size() != 2 * h.size()) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < h.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return h;
}

std::string ToBase64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=')
      return std::nullopt;
  }
  std::string out(3 * (text.size() / 4), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --size;  // EVP_DecodeBlock counts padding as zero bytes
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace ecab::es

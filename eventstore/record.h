// eventstore/record.h — the stored form of one event and its hash.
//
// The grammar, integers big-endian (docs/formats/event-record.md):
//   record      = hashed-part hash
//   hashed-part = magic format position body stream version type schema recorded-at
//                 actor role on-behalf-of command-id correlation-id causation-id
//                 payload signature prev-hash
//   magic       = "ECEV"          ; 4 bytes
//   format      = u8              ; 1
//   position, version            = u64
//   schema      = u16
//   recorded-at = i64             ; microseconds since 1970-01-01T00:00:00Z
//   body … causation-id          = str
//   payload     = str(key-id) nonce blob(ciphertext) tag
//   nonce       = 12 bytes        ; AES-256-GCM IV
//   tag         = 16 bytes        ; AES-256-GCM tag
//   signature   = %x00 / %x01 str(algorithm) blob(value) str(certificate-ref)
//   prev-hash   = 32 bytes        ; hash of the record at position-1, zeros at 1
//   hash        = 32 bytes        ; SHA-256(hashed-part)
//   str, blob   = u32 length, then that many bytes
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "domain/base/result.h"
#include "eventstore/envelope.h"

namespace ecab::es {

// A payload as stored: AES-256-GCM ciphertext and what is needed to open it.
struct SealedPayload {
  std::string key_id;
  std::array<std::uint8_t, 12> nonce{};
  std::string ciphertext;
  std::array<std::uint8_t, 16> tag{};
  friend bool operator==(const SealedPayload&, const SealedPayload&) = default;
};

// Every stored field of one event.
struct StoredRecord {
  std::uint64_t position = 0;
  std::string body;
  std::string stream;
  std::uint64_t version = 0;
  std::string type;
  std::uint16_t schema_version = 0;
  std::int64_t recorded_at_us = 0;
  Actor actor;
  std::string command_id;
  std::string correlation_id;
  std::string causation_id;
  SealedPayload payload;
  std::optional<Signature> signature;
  Hash prev_hash{};
  Hash hash{};
};

// SHA-256 of `bytes`.
Hash Sha256(std::string_view bytes);

// The hashed part of `record` per the grammar above (everything but `hash`).
std::string EncodeHashedPart(const StoredRecord& record);

// Sets record.hash from the hashed part and returns the full stored bytes.
std::string SealRecord(StoredRecord& record);

// Parses stored bytes. kCorruption names what was malformed; the hash is read,
// not checked (the verifier does that).
Result<StoredRecord> ParseRecord(std::string_view bytes);

// Lower-case hex, for messages and JSON.
std::string ToHex(std::string_view bytes);
std::string ToHex(const Hash& hash);
// The inverse for a hash: 64 lower-case hex digits, or nullopt.
std::optional<Hash> HashFromHex(std::string_view hex);
// Standard base64 (RFC 4648 §4, with padding), and back: nullopt unless the
// text is whole groups of the alphabet with at most two '=' at the end.
std::string ToBase64(std::string_view bytes);
std::optional<std::string> FromBase64(std::string_view text);

}  // namespace ecab::es

namespace ecab::es {

// Additional authenticated data for a payload's AES-256-GCM seal: binds the
// ciphertext to its place in the log, so it cannot be moved to another record.
//   aad = "ECEV-AAD1" u64(position) str(body) str(stream) u64(version) str(type) u16(schema)
std::string PayloadAad(const StoredRecord& record);

}  // namespace ecab::es

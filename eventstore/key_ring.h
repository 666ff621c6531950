// eventstore/key_ring.h — the operator's keys for encryption at rest.
//
// Key file format (docs/formats/key-file.md): UTF-8 text, one key per line,
//   <key-id> <64 hex digits = 32-byte AES-256 key>
// blank lines and lines starting with '#' ignored. The LAST key listed is the
// active one: new events are sealed with it; every listed key can open old
// events. Rotate by appending a line; never remove a key still in use.
// The file must not be readable by group or others (like ssh keys).
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "domain/base/result.h"
#include "eventstore/record.h"

namespace ecab::es {

using AesKey = std::array<std::uint8_t, 32>;

class KeyRing {
 public:
  // Reads a key file. kKeyUnavailable when it is missing, malformed, empty,
  // lists an id twice, or is readable by group or others.
  static Result<std::shared_ptr<const KeyRing>> Load(const std::filesystem::path& path);
  // The key file grammar alone (docs/formats/key-file.md): `text` as read
  // from the file `name` (for messages). kKeyUnavailable when malformed,
  // empty, or listing an id twice.
  static Result<std::shared_ptr<const KeyRing>> Parse(std::string_view text, std::string_view name);

  // Builds a ring from keys in order; the last is active. Requires at least
  // one key and distinct, well-formed ids.
  static Result<std::shared_ptr<const KeyRing>> FromKeys(
      const std::vector<std::pair<std::string, AesKey>>& keys);

  // Writes a new key file holding one random key named `key_id`, mode 0600.
  // kIoError if the file exists or cannot be written.
  static Status CreateKeyFile(const std::filesystem::path& path, std::string_view key_id);

  const std::string& active_id() const { return active_id_; }
  bool Has(std::string_view key_id) const { return keys_.contains(std::string(key_id)); }

  // AES-256-GCM with the active key, a fresh nonce, and `aad` bound in. The
  // nonce is RFC 5116 §3.2's: a 64-bit random field drawn by this ring
  // (again every 2^32 seals) followed by a 32-bit counter, so no two seals of
  // one ring share a nonce and rings collide only if two 64-bit draws do.
  Result<SealedPayload> Seal(std::string_view plaintext, std::string_view aad) const;

  // Opens a sealed payload. kKeyUnavailable if its key is not in the ring,
  // kDecryptionFailed if the key is wrong or the bytes or aad were altered.
  Result<std::string> Open(const SealedPayload& sealed, std::string_view aad) const;

 private:
  KeyRing() = default;
  std::map<std::string, AesKey> keys_;
  std::string active_id_;
  mutable std::mutex nonce_mu_;
  mutable std::array<std::uint8_t, 8> nonce_field_{};
  mutable std::uint64_t nonce_counter_ = 1ull << 32;  // past the last: the first seal draws a field
};

}  // namespace ecab::es

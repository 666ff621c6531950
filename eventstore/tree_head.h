// eventstore/tree_head.h — signed tree heads: the server's signature over
// (size, root hash, time) of the log's Merkle tree (docs/formats/merkle.md),
// with its own Ed25519 key. Anyone with the public key checks a head with
// `openssl pkeyutl -verify -rawin` over the text payload below.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "domain/base/result.h"
#include "domain/base/time.h"
#include "eventstore/envelope.h"

namespace ecab::es {

class EventStore;

struct TreeHead {
  std::uint64_t size = 0;
  Hash root{};
  Timestamp time;
  std::string key_id;     // "sha256:<hex of the public key, DER>"
  std::string signature;  // Ed25519 over TreeHeadPayload
  friend bool operator==(const TreeHead&, const TreeHead&) = default;
};

// The signed text, exactly:
//   "e-Cabinet tree head v1\nsize <decimal>\nroot <64 hex>\ntime <RFC 3339>\n"
std::string TreeHeadPayload(std::uint64_t size, const Hash& root, Timestamp time);

class TreeHeadSigner {
 public:
  // Loads an Ed25519 private key (PEM); creates one (mode 0600) if the file is missing.
  static Result<std::unique_ptr<TreeHeadSigner>> LoadOrCreate(const std::filesystem::path& pem);
  ~TreeHeadSigner();
  Result<TreeHead> Sign(std::uint64_t size, const Hash& root, Timestamp time) const;
  const std::string& public_pem() const { return public_pem_; }
  const std::string& key_id() const { return key_id_; }

 private:
  TreeHeadSigner() = default;
  struct Key;
  std::unique_ptr<Key> key_;
  std::string public_pem_;
  std::string key_id_;
};

// Ok when `head` is signed by the key in `public_pem`; kBadSignature otherwise.
Status VerifyTreeHead(const TreeHead& head, std::string_view public_pem);

// The Merkle root of the first `size` events of `store`.
Result<Hash> LogRoot(const EventStore& store, std::uint64_t size);

// All leaf hashes (MerkleLeaf of each event hash) of the first `size` events.
Result<std::vector<Hash>> LogLeaves(const EventStore& store, std::uint64_t size);

}  // namespace ecab::es

// eventstore/merkle.h — the log as a Merkle tree in the style of RFC 6962 /
// RFC 9162 (Certificate Transparency), over the events' hashes in position
// order (docs/formats/merkle.md):
//   leaf(i)      = SHA-256(0x00 || hash of the event at position i+1)
//   node(l, r)   = SHA-256(0x01 || l || r)
//   MTH({})      = SHA-256("")
//   MTH(D[n])    = leaf(d0) for n = 1, else node(MTH(D[0:k]), MTH(D[k:n]))
//                  with k the largest power of two smaller than n.
// Pure functions: proofs are computed from the leaf hashes and checked
// against a root without them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "domain/base/result.h"
#include "eventstore/envelope.h"

namespace ecab::es {

// SHA-256(0x00 || entry). The log's entries are event hashes; any bytes work.
Hash MerkleLeaf(std::string_view entry);
inline Hash MerkleLeaf(const Hash& entry) {
  return MerkleLeaf(std::string_view(reinterpret_cast<const char*>(entry.data()), entry.size()));
}
// SHA-256(0x01 || left || right).
Hash MerkleNode(const Hash& left, const Hash& right);

// MTH of the given leaf hashes (already MerkleLeaf'd).
Hash MerkleRoot(std::span<const Hash> leaves);

// PATH(index, D[n]) of RFC 6962 §2.1.1: the audit path proving that leaf
// `index` is in the tree of the first `size` leaves. kInvalidArgument unless
// index < size <= leaves.size().
Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaves, std::uint64_t index,
                                         std::uint64_t size);

// PROOF(m, D[n]) of RFC 6962 §2.1.2: proves that the tree of the first
// `old_size` leaves is a prefix of the tree of the first `new_size`.
// kInvalidArgument unless 0 < old_size <= new_size <= leaves.size(); empty
// when old_size == new_size.
Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaves, std::uint64_t old_size,
                                           std::uint64_t new_size);

// RFC 9162 §2.1.3.2: true when `proof` shows `leaf` at `index` in a tree of
// `size` leaves whose root is `root`.
bool VerifyInclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                     std::span<const Hash> proof, const Hash& root);

// RFC 9162 §2.1.4.2: true when `proof` shows the tree (old_size, old_root)
// is a prefix of the tree (new_size, new_root).
bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, std::span<const Hash> proof);

}  // namespace ecab::es

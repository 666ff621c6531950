#include "eventstore/merkle.h"

#include <array>
#include <bit>
#include <cstring>
#include <string>

#include "eventstore/record.h"

namespace ecab::es {
namespace {

// The largest power of two smaller than n (n >= 2).
std::uint64_t Split(std::uint64_t n) { return std::bit_floor(n - 1); }

Hash Root(std::span<const Hash> leaves) {
  if (leaves.empty()) return Sha256("");
  if (leaves.size() == 1) return leaves[0];
  const std::uint64_t k = Split(leaves.size());
  return MerkleNode(Root(leaves.subspan(0, k)), Root(leaves.subspan(k)));
}

void Path(std::span<const Hash> leaves, std::uint64_t m, std::vector<Hash>& out) {
  const std::uint64_t n = leaves.size();
  if (n <= 1) return;
  const std::uint64_t k = Split(n);
  if (m < k) {
    Path(leaves.subspan(0, k), m, out);
    out.push_back(Root(leaves.subspan(k)));
  } else {
    Path(leaves.subspan(k), m - k, out);
    out.push_back(Root(leaves.subspan(0, k)));
  }
}

// SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2.
void Subproof(std::uint64_t m, std::span<const Hash> leaves, bool whole, std::vector<Hash>& out) {
  const std::uint64_t n = leaves.size();
  if (m == n) {
    if (!whole) out.push_back(Root(leaves));
    return;
  }
  const std::uint64_t k = Split(n);
  if (m <= k) {
    Subproof(m, leaves.subspan(0, k), whole, out);
    out.push_back(Root(leaves.subspan(k)));
  } else {
    Subproof(m - k, leaves.subspan(k), false, out);
    out.push_back(Root(leaves.subspan(0, k)));
  }
}

}  // namespace

Hash MerkleLeaf(std::string_view entry) {
  return Sha256(std::string(1, '\x00') + std::string(entry));
}

Hash MerkleNode(const Hash& left, const Hash& right) {
  std::array<char, 65> buf;
  buf[0] = '\x01';
  std::memcpy(buf.data() + 1, left.data(), 32);
  std::memcpy(buf.data() + 33, right.data(), 32);
  return Sha256(std::string_view(buf.data(), buf.size()));
}

Hash MerkleRoot(std::span<const Hash> leaves) { return Root(leaves); }

Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaves, std::uint64_t index,
                                         std::uint64_t size) {
  if (size > leaves.size() || index >= size) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "no leaf " + std::to_string(index) + " in a tree of " + std::to_string(size) + " leaves");
  }
  std::vector<Hash> out;
  Path(leaves.subspan(0, size), index, out);
  return out;
}

Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaves, std::uint64_t old_size,
                                           std::uint64_t new_size) {
  if (old_size == 0 || old_size > new_size || new_size > leaves.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "no consistency proof from " +
                                                      std::to_string(old_size) + " to " +
                                                      std::to_string(new_size) + " leaves");
  }
  std::vector<Hash> out;
  if (old_size < new_size) Subproof(old_size, leaves.subspan(0, new_size), true, out);
  return out;
}

bool VerifyInclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                     std::span<const Hash> proof, const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = MerkleNode(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNode(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, std::span<const Hash> proof) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  std::vector<Hash> path(proof.begin(), proof.end());
  // If old_size is a power of two, the old root is the first node of the path.
  if (std::has_single_bit(old_size)) path.insert(path.begin(), old_root);
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = MerkleNode(c, fr);
      sr = MerkleNode(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = MerkleNode(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

}  // namespace ecab::es

// RFC 6962 / 9162 Merkle trees: the known test vectors, then every tree size
// from 1 to 1,000 against an independent root computation, with inclusion
// and consistency proofs checked, tampered and misused.
#include "eventstore/merkle.h"

#include <gtest/gtest.h>

#include <bit>

#include "eventstore/record.h"

namespace ecab::es {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::vector<Hash> Leaves(std::uint64_t n) {
  std::vector<Hash> out;
  for (std::uint64_t i = 0; i < n; ++i)
    out.push_back(MerkleLeaf(Sha256("event " + std::to_string(i))));
  return out;
}

// An independent root: the iterative stack algorithm of RFC 9162 §2.1.1's
// reference implementations (merge equal-height subtrees, then fold right).
Hash StackRoot(const std::vector<Hash>& leaves) {
  std::vector<std::pair<Hash, int>> stack;  // (hash, height)
  for (const Hash& leaf : leaves) {
    stack.emplace_back(leaf, 0);
    while (stack.size() >= 2 && stack[stack.size() - 1].second == stack[stack.size() - 2].second) {
      const auto right = stack.back();
      stack.pop_back();
      stack.back() = {MerkleNode(stack.back().first, right.first), right.second + 1};
    }
  }
  Hash root = stack.back().first;
  for (std::size_t i = stack.size() - 1; i-- > 0;) root = MerkleNode(stack[i].first, root);
  return root;
}

TEST(Merkle, TheCertificateTransparencyTestVectors) {
  const std::vector<std::string> data = {"",
                                         "00",
                                         "10",
                                         "2021",
                                         "3031",
                                         "40414243",
                                         "5051525354555657",
                                         "606162636465666768696a6b6c6d6e6f"};
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < data.size(); ++i) {
    leaves.push_back(MerkleLeaf(Unhex(data[i])));
    EXPECT_EQ(ToHex(MerkleRoot(leaves)), roots[i]) << "size " << i + 1;
  }
  EXPECT_EQ(ToHex(MerkleRoot({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Merkle, EverySizeFromOneToAThousandAgreesWithTheStackAlgorithm) {
  std::vector<Hash> leaves;
  const std::vector<Hash> all = Leaves(1000);
  for (std::uint64_t n = 1; n <= 1000; ++n) {
    leaves.push_back(all[n - 1]);
    ASSERT_EQ(MerkleRoot(leaves), StackRoot(leaves)) << "size " << n;
  }
}

// Leaf indexes worth proving in a tree of n: the edges, the middle, and
// both sides of the largest power of two below n (where the tree splits).
std::vector<std::uint64_t> Interesting(std::uint64_t n) {
  std::vector<std::uint64_t> out = {0, n - 1, n / 2};
  if (n > 1) {
    const std::uint64_t k = std::bit_floor(n - 1);
    out.push_back(k - 1);
    out.push_back(k);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  while (!out.empty() && out.back() >= n) out.pop_back();
  return out;
}

TEST(Merkle, InclusionProofsVerifyAndAnyTamperingFails) {
  const std::vector<Hash> leaves = Leaves(1000);
  for (std::uint64_t n = 1; n <= 1000; ++n) {
    const Hash root = MerkleRoot(std::span(leaves).subspan(0, n));
    const auto indexes = n <= 64 ? [n] {
      std::vector<std::uint64_t> all(n);
      for (std::uint64_t i = 0; i < n; ++i) all[i] = i;
      return all;
    }() : Interesting(n);
    for (std::uint64_t i : indexes) {
      auto proof = InclusionProof(leaves, i, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyInclusion(leaves[i], i, n, *proof, root)) << "leaf " << i << " of " << n;
      if (n == 1) {
        EXPECT_TRUE(proof->empty()) << "a one-leaf tree needs no path";
        continue;
      }
      EXPECT_FALSE(VerifyInclusion(leaves[(i + 1) % n], i, n, *proof, root)) << "another leaf";
      EXPECT_FALSE(VerifyInclusion(leaves[i], (i + 1) % n, n, *proof, root)) << "another index";
      // (A proof cannot tell which size a root belongs to: a signed tree
      // head binds the two. Against the bigger tree's own root it fails.)
      if (n < 1000) {
        EXPECT_FALSE(VerifyInclusion(leaves[i], i, n + 1, *proof,
                                     MerkleRoot(std::span(leaves).subspan(0, n + 1))))
            << "the root of another size";
      }
      EXPECT_FALSE(VerifyInclusion(leaves[i], i, i, *proof, root)) << "index not below size";
      auto flipped = *proof;
      flipped[flipped.size() / 2][0] ^= 1;
      EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, flipped, root)) << "a flipped byte";
      auto shorter = *proof;
      shorter.pop_back();
      EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, shorter, root)) << "a truncated proof";
      auto longer = *proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, longer, root)) << "an extended proof";
    }
  }
  EXPECT_FALSE(InclusionProof(leaves, 5, 5).ok());
  EXPECT_FALSE(InclusionProof(leaves, 0, 1001).ok());
  EXPECT_FALSE(InclusionProof(leaves, 0, 0).ok());
}

TEST(Merkle, ConsistencyProofsVerifyAndAnyTamperingFails) {
  const std::vector<Hash> leaves = Leaves(1000);
  std::vector<Hash> roots(1001);
  for (std::uint64_t n = 1; n <= 1000; ++n) roots[n] = MerkleRoot(std::span(leaves).subspan(0, n));
  for (std::uint64_t n = 1; n <= 1000; ++n) {
    std::vector<std::uint64_t> olds;
    if (n <= 64) {
      for (std::uint64_t m = 1; m <= n; ++m) olds.push_back(m);
    } else {
      for (std::uint64_t i : Interesting(n)) olds.push_back(i + 1);
    }
    for (std::uint64_t m : olds) {
      auto proof = ConsistencyProof(leaves, m, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], *proof)) << m << " -> " << n;
      if (m == n) {
        EXPECT_TRUE(proof->empty()) << "the same tree needs no proof";
        const std::vector<Hash> extra = {roots[1]};
        EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], extra))
            << "a proof where none is due";
        continue;
      }
      EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], std::vector<Hash>{}))
          << "an empty proof";
      EXPECT_FALSE(VerifyConsistency(m, n, roots[n], roots[m], *proof)) << "roots swapped";
      if (m > 1) {
        EXPECT_FALSE(VerifyConsistency(m - 1, n, roots[m - 1], roots[n], *proof))
            << "another old size";
      }
      auto flipped = *proof;
      flipped.back()[31] ^= 1;
      EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], flipped)) << "a flipped byte";
      auto longer = *proof;
      longer.push_back(roots[n]);
      EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], longer)) << "an extended proof";
    }
  }
  EXPECT_FALSE(ConsistencyProof(leaves, 0, 5).ok());
  EXPECT_FALSE(ConsistencyProof(leaves, 6, 5).ok());
  EXPECT_FALSE(ConsistencyProof(leaves, 5, 1001).ok());
  EXPECT_FALSE(VerifyConsistency(0, 5, roots[1], roots[5], std::vector<Hash>{}));
  EXPECT_FALSE(VerifyConsistency(6, 5, roots[5], roots[5], std::vector<Hash>{}));
}

}  // namespace
}  // namespace ecab::es

#include "eventstore/chain_checker.h"

#include <gtest/gtest.h>

#include "eventstore/record.h"

namespace ecab::es {
namespace {

// A well-formed chain of `n` records, positions 1..n.
std::vector<std::string> Chain(int n) {
  std::vector<std::string> out;
  Hash prev{};
  for (int i = 1; i <= n; ++i) {
    StoredRecord r;
    r.position = static_cast<std::uint64_t>(i);
    r.body = "gov-vn";
    r.stream = "s";
    r.version = r.position;
    r.type = "t";
    r.schema_version = 1;
    r.payload.key_id = "k1";
    r.payload.ciphertext = "event " + std::to_string(i);
    r.prev_hash = prev;
    out.push_back(SealRecord(r));
    prev = r.hash;
  }
  return out;
}

Hash HashOf(const std::string& bytes) {
  Hash h;
  std::copy(bytes.end() - 32, bytes.end(), reinterpret_cast<char*>(h.data()));
  return h;
}

std::vector<std::uint64_t> FaultPositions(
    const std::vector<std::pair<std::uint64_t, std::string>>& records, std::uint64_t head,
    const Hash& head_hash) {
  ChainChecker checker(1, Hash{});
  for (const auto& [pos, bytes] : records) checker.Add(pos, bytes);
  checker.Finish(head, head_hash);
  std::vector<std::uint64_t> out;
  for (const auto& f : checker.report().faults) out.push_back(f.position);
  return out;
}

std::vector<std::pair<std::uint64_t, std::string>> Keyed(const std::vector<std::string>& chain) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  for (std::size_t i = 0; i < chain.size(); ++i) out.emplace_back(i + 1, chain[i]);
  return out;
}

TEST(ChainChecker, IntactChainHasNoFault) {
  auto chain = Chain(10);
  EXPECT_TRUE(FaultPositions(Keyed(chain), 10, HashOf(chain.back())).empty());
}

TEST(ChainChecker, EveryFlippedByteIsReportedAtExactlyItsPosition) {
  const auto chain = Chain(5);
  for (std::size_t byte = 0; byte < chain[2].size(); ++byte) {
    auto records = Keyed(chain);
    records[2].second[byte] ^= 0x01;
    EXPECT_EQ(FaultPositions(records, 5, HashOf(chain.back())), std::vector<std::uint64_t>{3})
        << "flipped byte " << byte;
  }
}

TEST(ChainChecker, RemovedEventIsReportedAsMissing) {
  auto records = Keyed(Chain(6));
  records.erase(records.begin() + 3);  // position 4
  EXPECT_EQ(FaultPositions(records, 6, HashOf(records.back().second)),
            std::vector<std::uint64_t>{4});
}

TEST(ChainChecker, SwappedPairIsReportedAtBothPositions) {
  auto chain = Chain(6);
  auto records = Keyed(chain);
  std::swap(records[1].second, records[2].second);  // positions 2 and 3 swapped
  EXPECT_EQ(FaultPositions(records, 6, HashOf(chain.back())), (std::vector<std::uint64_t>{2, 3}));
}

TEST(ChainChecker, TruncatedTailIsReported) {
  auto chain = Chain(6);
  auto records = Keyed(chain);
  records.pop_back();
  records.pop_back();
  const auto faults = FaultPositions(records, 6, HashOf(chain.back()));
  EXPECT_EQ(faults, std::vector<std::uint64_t>{5});
}

TEST(ChainChecker, RewrittenTailWithAForgedHeadIsCaughtByTheHeadHash) {
  auto chain = Chain(4);
  auto records = Keyed(chain);
  EXPECT_EQ(FaultPositions(records, 4, Hash{}), std::vector<std::uint64_t>{4});
}

}  // namespace
}  // namespace ecab::es

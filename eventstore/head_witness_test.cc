// The witness file: its lines, what it claims, and what it tolerates.
#include "eventstore/head_witness.h"

#include <gtest/gtest.h>

#include <fstream>

#include "eventstore/testing.h"

namespace ecab::es {
namespace {

using testing::TempDir;

TreeHead Head(std::uint64_t size, std::uint8_t fill) {
  TreeHead h;
  h.size = size;
  h.root.fill(fill);
  h.time = FromMicros(1'561'334'400'000'000 + static_cast<std::int64_t>(size));
  h.key_id = "sha256:ab";
  h.signature = std::string("\x01\x02\x00\xff sig", 8);
  return h;
}

Hash Filled(std::uint8_t fill) {
  Hash h;
  h.fill(fill);
  return h;
}

void Write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::app) << text;
}

TEST(HeadWitness, AHeadRoundTripsThroughTheApiShape) {
  const TreeHead head = Head(306, 7);
  auto parsed = ParseTreeHeadJson(TreeHeadJson(head));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, head);
}

TEST(HeadWitness, AMalformedHeadNamesTheField) {
  auto parsed = ParseTreeHeadJson(R"({"size":3,"root":"zz","time":"2019-06-24T00:00:00Z"})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("'root'"), std::string::npos);
  EXPECT_FALSE(ParseTreeHeadJson("[1,2]").ok());
}

TEST(HeadWitness, AMissingFileClaimsNothing) {
  TempDir tmp;
  auto claim = ReadWitness(tmp.path() / "none.jsonl");
  ASSERT_TRUE(claim.ok());
  EXPECT_FALSE(claim->has_value());
}

TEST(HeadWitness, TheLargestHeadIsTheClaim) {
  TempDir tmp;
  const auto w = tmp.path() / "w.jsonl";
  ASSERT_TRUE(AppendWitnessHead(w, Head(10, 1), Filled(1)).ok());
  ASSERT_TRUE(AppendWitnessHead(w, Head(306, 2), Filled(2)).ok());
  ASSERT_TRUE(AppendWitnessHead(w, Head(200, 3), Filled(3)).ok());
  auto claim = ReadWitness(w);
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->size, 306u);
  EXPECT_EQ((*claim)->last_hash, Filled(2));
  EXPECT_EQ((*claim)->line, 2u);
}

TEST(HeadWitness, ASalvageLineReplacesEarlierClaims) {
  TempDir tmp;
  const auto w = tmp.path() / "w.jsonl";
  ASSERT_TRUE(AppendWitnessHead(w, Head(306, 2), Filled(2)).ok());
  ASSERT_TRUE(
      AppendWitnessSalvage(w, SalvageNote{150, Filled(9), 306, "WAL cut"}, FromMicros(0)).ok());
  auto claim = ReadWitness(w);
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->size, 150u);
  EXPECT_EQ((*claim)->last_hash, Filled(9));
  ASSERT_TRUE(AppendWitnessHead(w, Head(160, 4), Filled(4)).ok());
  EXPECT_EQ((*ReadWitness(w))->size, 160u);
}

TEST(HeadWitness, ALastLineCutShortByACrashIsIgnored) {
  TempDir tmp;
  const auto w = tmp.path() / "w.jsonl";
  ASSERT_TRUE(AppendWitnessHead(w, Head(10, 1), Filled(1)).ok());
  Write(w, R"({"size":99,"root":")");
  auto claim = ReadWitness(w);
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ((*claim)->size, 10u);
}

TEST(HeadWitness, AMalformedCompleteLineIsCorruptionNamingTheLine) {
  TempDir tmp;
  const auto w = tmp.path() / "w.jsonl";
  ASSERT_TRUE(AppendWitnessHead(w, Head(10, 1), Filled(1)).ok());
  Write(w, "{\"size\":\"many\"}\n");
  auto claim = ReadWitness(w);
  ASSERT_FALSE(claim.ok());
  EXPECT_EQ(claim.error().code, ErrorCode::kCorruption);
  EXPECT_NE(claim.error().message.find("line 2"), std::string::npos) << claim.error().message;
}

}  // namespace
}  // namespace ecab::es

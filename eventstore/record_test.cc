#include "eventstore/record.h"

#include <gtest/gtest.h>

namespace ecab::es {
namespace {

StoredRecord Sample() {
  StoredRecord r;
  r.position = 42;
  r.body = "gov-vn";
  r.stream = "meeting-2019-06-24";
  r.version = 7;
  r.type = "meeting.ballot_cast";
  r.schema_version = 1;
  r.recorded_at_us = 1561363200000000;
  r.actor = {"min-ict", "member", ""};
  r.command_id = "cmd-1";
  r.correlation_id = "corr-1";
  r.causation_id = "cause-1";
  r.payload.key_id = "k1";
  r.payload.nonce.fill(9);
  r.payload.ciphertext = "ciphertext";
  r.payload.tag.fill(7);
  r.signature = Signature{"ed25519", std::string(64, 's'), "sha256:abcd"};
  r.prev_hash.fill(3);
  return r;
}

TEST(Record, SealedBytesParseBackToTheSameFieldsAndHash) {
  StoredRecord r = Sample();
  const std::string bytes = SealRecord(r);
  auto parsed = ParseRecord(bytes);
  ASSERT_TRUE(parsed.ok()) << ToString(parsed.error());
  EXPECT_EQ(EncodeHashedPart(*parsed), EncodeHashedPart(r));
  EXPECT_EQ(parsed->hash, r.hash);
  EXPECT_EQ(parsed->hash, Sha256(bytes.substr(0, bytes.size() - 32)));
  EXPECT_EQ(parsed->signature, r.signature);
}

TEST(Record, LayoutFollowsTheDocumentedGrammar) {
  StoredRecord r = Sample();
  const std::string bytes = SealRecord(r);
  EXPECT_EQ(bytes.substr(0, 4), "ECEV");
  EXPECT_EQ(bytes[4], '\x01');
  EXPECT_EQ(bytes.substr(5, 8), std::string("\0\0\0\0\0\0\0\x2a", 8));  // position 42
  EXPECT_EQ(bytes.substr(13, 10), std::string("\0\0\0\x06gov-vn", 10));
}

TEST(Record, EveryTruncationIsCorruptionNotACrash) {
  StoredRecord r = Sample();
  const std::string bytes = SealRecord(r);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto parsed = ParseRecord(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(parsed.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(parsed.error().code, ErrorCode::kCorruption);
  }
}

TEST(Record, UnsignedRecordRoundTrips) {
  StoredRecord r = Sample();
  r.signature.reset();
  auto parsed = ParseRecord(SealRecord(r));
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->signature.has_value());
}

TEST(Record, Sha256MatchesTheKnownVector) {
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ecab::es

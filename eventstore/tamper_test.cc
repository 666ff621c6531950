// Tampering with the database behind the store's back, with RocksDB itself.
#include "eventstore/tamper.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "eventstore/internal/bytes.h"
#include "eventstore/record.h"
#include "eventstore/testing.h"

namespace ecab::es {
namespace {

using testing::OpenOrDie;
using testing::Request;
using testing::Ring;
using testing::TempDir;

void Fill(const std::filesystem::path& dir, int n) {
  auto store = OpenOrDie(dir);
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(store->Append(Request("s" + std::to_string(i % 3), "c" + std::to_string(i))).ok());
  }
}

std::vector<std::uint64_t> FaultPositions(const EventStore& store) {
  auto report = store.Verify();
  EXPECT_TRUE(report.ok());
  std::vector<std::uint64_t> out;
  for (const auto& f : report->faults) out.push_back(f.position);
  return out;
}

std::unique_ptr<EventStore> OpenWithTailCheck(const std::filesystem::path& dir,
                                              std::uint64_t tail) {
  StoreOptions o{dir, Ring(), nullptr};
  o.tail_check = tail;
  return OpenOrDie(o);
}

TEST(Tamper, OneFlippedByteInTheMiddleIsReportedAtExactlyThatPosition) {
  TempDir dir;
  Fill(dir.path(), 50);
  testing::FlipByte(dir.path(), 17,
                    static_cast<long>(testing::RawRecord(dir.path(), 17).size() / 2));
  auto store = OpenWithTailCheck(dir.path(), 10);  // the tail is intact: it opens
  EXPECT_EQ(FaultPositions(*store), std::vector<std::uint64_t>{17});
}

TEST(Tamper, ABrokenTailRefusesToOpenAndNamesThePosition) {
  TempDir dir;
  Fill(dir.path(), 20);
  testing::FlipByte(dir.path(), 19, 30);
  auto store = EventStore::Open(StoreOptions{dir.path(), Ring(), nullptr});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kCorruption);
  EXPECT_NE(store.error().message.find("broken at position 19"), std::string::npos)
      << store.error().message;
}

TEST(Tamper, ATruncatedLogRefusesToOpen) {
  TempDir dir;
  Fill(dir.path(), 12);
  testing::RemoveRecord(dir.path(), 12);
  testing::RemoveRecord(dir.path(), 11);
  auto store = EventStore::Open(StoreOptions{dir.path(), Ring(), nullptr});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("broken at position 11"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find("truncated"), std::string::npos);
}

TEST(Tamper, ARemovedEventAndASwappedPairAreReported) {
  TempDir dir;
  Fill(dir.path(), 40);
  testing::RemoveRecord(dir.path(), 5);
  testing::SwapRecords(dir.path(), 20, 21);
  auto store = OpenWithTailCheck(dir.path(), 5);
  EXPECT_EQ(FaultPositions(*store), (std::vector<std::uint64_t>{5, 20, 21}));
}

TEST(Tamper, AnUntouchedStoreVerifies) {
  TempDir dir;
  Fill(dir.path(), 30);
  auto store = OpenOrDie(dir.path());
  auto report = store->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->checked, 30u);
  EXPECT_EQ(report->head, 30u);
}

TEST(Tamper, PayloadsAreNotStoredInTheClear) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(
        store->Append(Request("s", "c", ExpectedVersion::Any(), 1, "TOP-SECRET-DRAFT")).ok());
  }
  EXPECT_FALSE(testing::AnyStoredValueContains(dir.path(), "TOP-SECRET-DRAFT"));
}

TEST(Tamper, AnAlteredCiphertextFailsToDecryptAndBreaksTheChain) {
  TempDir dir;
  Fill(dir.path(), 3);
  // The ciphertext sits before the 16-byte tag, the signature marker, prev-hash and hash.
  testing::FlipByte(dir.path(), 2, -(32 + 32 + 1 + 16 + 1));
  auto store = OpenWithTailCheck(dir.path(), 1);
  auto events = store->ReadAll(2, 1);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.error().code, ErrorCode::kDecryptionFailed);
  EXPECT_EQ(FaultPositions(*store), std::vector<std::uint64_t>{2});
}

TEST(Tamper, StoredHashesRecomputeWithTheOpensslCommandAlone) {
  // docs/formats/event-record.md: hash = SHA-256(record minus its last 32
  // bytes), and prev-hash = the 32 bytes before those. Checked here with
  // the openssl command line, independently of our code.
  TempDir dir;
  Fill(dir.path(), 2);
  const std::string first = testing::RawRecord(dir.path(), 1);
  const std::string second = testing::RawRecord(dir.path(), 2);
  const auto part = dir.path() / "hashed-part.bin";
  std::ofstream(part, std::ios::binary) << second.substr(0, second.size() - 32);
  const std::string command = "openssl dgst -sha256 -r " + part.string();
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), &::pclose);
  ASSERT_NE(pipe, nullptr);
  char out[65] = {};
  ASSERT_EQ(std::fread(out, 1, 64, pipe.get()), 64u);
  EXPECT_EQ(std::string(out), ToHex(std::string_view(second).substr(second.size() - 32)));
  EXPECT_EQ(second.substr(second.size() - 64, 32), first.substr(first.size() - 32))
      << "prev-hash of position 2 is the hash of position 1";
}

}  // namespace
}  // namespace ecab::es

// Tampering with the database behind the store's back, with RocksDB itself.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

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

// Direct access to the "events" column family of a closed store.
class RawEvents {
 public:
  explicit RawEvents(const std::filesystem::path& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "streams", "heads", "commands"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(rocksdb::Options(), dir.string(), families, &handles_, &db);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    db_.reset(db);
  }
  ~RawEvents() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  }
  std::string Get(std::uint64_t position) {
    std::string v;
    EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), handles_[1], internal::U64Key(position), &v).ok());
    return v;
  }
  void Put(std::uint64_t position, const std::string& bytes) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), handles_[1], internal::U64Key(position), bytes).ok());
  }
  void Delete(std::uint64_t position) {
    ASSERT_TRUE(db_->Delete(rocksdb::WriteOptions(), handles_[1], internal::U64Key(position)).ok());
  }
  // True when `needle` appears in any stored value of any column family.
  bool AnyValueContains(const std::string& needle) {
    for (auto* h : handles_) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), h));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (it->value().ToString().find(needle) != std::string::npos) return true;
      }
    }
    return false;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

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

std::unique_ptr<EventStore> OpenWithTailCheck(const std::filesystem::path& dir, std::uint64_t tail) {
  StoreOptions o{dir, Ring(), nullptr};
  o.tail_check = tail;
  return OpenOrDie(o);
}

TEST(Tamper, OneFlippedByteInTheMiddleIsReportedAtExactlyThatPosition) {
  TempDir dir;
  Fill(dir.path(), 50);
  {
    RawEvents raw(dir.path());
    std::string bytes = raw.Get(17);
    bytes[bytes.size() / 2] ^= 0x20;
    raw.Put(17, bytes);
  }
  auto store = OpenWithTailCheck(dir.path(), 10);  // the tail is intact: it opens
  EXPECT_EQ(FaultPositions(*store), std::vector<std::uint64_t>{17});
}

TEST(Tamper, ABrokenTailRefusesToOpenAndNamesThePosition) {
  TempDir dir;
  Fill(dir.path(), 20);
  {
    RawEvents raw(dir.path());
    std::string bytes = raw.Get(19);
    bytes[30] ^= 0x01;
    raw.Put(19, bytes);
  }
  auto store = EventStore::Open(StoreOptions{dir.path(), Ring(), nullptr});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kCorruption);
  EXPECT_NE(store.error().message.find("broken at position 19"), std::string::npos)
      << store.error().message;
}

TEST(Tamper, ATruncatedLogRefusesToOpen) {
  TempDir dir;
  Fill(dir.path(), 12);
  {
    RawEvents raw(dir.path());
    raw.Delete(12);
    raw.Delete(11);
  }
  auto store = EventStore::Open(StoreOptions{dir.path(), Ring(), nullptr});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("broken at position 11"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find("truncated"), std::string::npos);
}

TEST(Tamper, ARemovedEventAndASwappedPairAreReported) {
  TempDir dir;
  Fill(dir.path(), 40);
  {
    RawEvents raw(dir.path());
    raw.Delete(5);
    const std::string a = raw.Get(20);
    const std::string b = raw.Get(21);
    raw.Put(20, b);
    raw.Put(21, a);
  }
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
    ASSERT_TRUE(store->Append(Request("s", "c", ExpectedVersion::Any(), 1, "TOP-SECRET-DRAFT")).ok());
  }
  RawEvents raw(dir.path());
  EXPECT_FALSE(raw.AnyValueContains("TOP-SECRET-DRAFT"));
}

TEST(Tamper, AnAlteredCiphertextFailsToDecryptAndBreaksTheChain) {
  TempDir dir;
  Fill(dir.path(), 3);
  {
    RawEvents raw(dir.path());
    std::string bytes = raw.Get(2);
    // The ciphertext sits before the 16-byte tag, the signature marker, prev-hash and hash.
    bytes[bytes.size() - 32 - 32 - 1 - 16 - 1] ^= 0x01;
    raw.Put(2, bytes);
  }
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
  RawEvents raw(dir.path());
  const std::string first = raw.Get(1);
  const std::string second = raw.Get(2);
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

// A damaged disk: the write-ahead log flipped, cut or deleted, a table file
// deleted, the whole store rolled back or replaced. Each is refused at open,
// naming what was lost, unless the operator salvages on purpose.
#include <gtest/gtest.h>

#include <fstream>

#include "eventstore/head_witness.h"
#include "eventstore/tamper.h"
#include "eventstore/testing.h"
#include "eventstore/tree_head.h"

namespace ecab::es {
namespace {

using testing::OpenOrDie;
using testing::Request;
using testing::Ring;
using testing::StoreFiles;
using testing::TempDir;

void Fill(EventStore& store, int from, int n, const std::string& tag = "c") {
  for (int i = from; i < from + n; ++i) {
    ASSERT_TRUE(store.Append(Request("s" + std::to_string(i % 5), tag + std::to_string(i))).ok());
  }
}

StoreOptions Options(const std::filesystem::path& dir, const std::filesystem::path& witness = {}) {
  StoreOptions o;
  o.dir = dir;
  o.keys = Ring();
  o.witness = witness;
  return o;
}

// Signs the tree of the whole log and appends it to the witness, as the server does.
void Witness(const EventStore& store, const std::filesystem::path& witness,
             const TreeHeadSigner& signer) {
  const std::uint64_t size = store.head_position();
  auto root = LogRoot(store, size);
  ASSERT_TRUE(root.ok());
  auto head = signer.Sign(size, *root, SystemClock().Now());
  ASSERT_TRUE(head.ok());
  auto last = store.ReadHashes(size, 1);
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(AppendWitnessHead(witness, *head, last->front()).ok());
}

std::string Refusal(StoreOptions options) {
  auto store = EventStore::Open(std::move(options));
  if (store.ok()) return "opened with " + std::to_string((*store)->head_position()) + " events";
  EXPECT_EQ(store.error().code, ErrorCode::kCorruption) << store.error().message;
  return store.error().message;
}

class DamagedStore : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signer = TreeHeadSigner::LoadOrCreate(tmp_.path() / "log-key.pem");
    ASSERT_TRUE(signer.ok());
    signer_ = std::move(signer).value();
    auto store = OpenOrDie(Options(dir_, witness_));
    Fill(*store, 0, 307);
    Witness(*store, witness_, *signer_);
  }
  std::filesystem::path BiggestWal() {
    auto wals = StoreFiles(dir_, ".log");
    EXPECT_FALSE(wals.empty());
    std::filesystem::path biggest = wals.front();
    for (const auto& w : wals) {
      if (std::filesystem::file_size(w) > std::filesystem::file_size(biggest)) biggest = w;
    }
    return biggest;
  }

  TempDir tmp_;
  std::filesystem::path dir_ = tmp_.path() / "store";
  std::filesystem::path witness_ = tmp_.path() / "tree-heads.jsonl";
  std::unique_ptr<TreeHeadSigner> signer_;
};

TEST_F(DamagedStore, AFlippedByteInTheWriteAheadLogRefusesToOpenNamingTheLogFile) {
  const auto wal = BiggestWal();
  std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(std::filesystem::file_size(wal) / 2);
  f.seekg(middle);
  char c = 0;
  f.get(c);
  f.seekp(middle);
  f.put(static_cast<char>(c ^ 0x20));
  f.close();
  const std::string why = Refusal(Options(dir_, witness_));
  EXPECT_NE(why.find("refusing to open"), std::string::npos) << why;
  EXPECT_NE(why.find(wal.filename().string()), std::string::npos) << why;
  EXPECT_NE(why.find("--salvage"), std::string::npos) << why;
  // Without the witness too: RocksDB itself refuses.
  EXPECT_NE(Refusal(Options(dir_)).find("refusing to open"), std::string::npos);
}

TEST_F(DamagedStore, AWriteAheadLogCutTo70PercentRefusesToOpenNamingWhatTheWitnessSaw) {
  const auto wal = BiggestWal();
  std::filesystem::resize_file(wal, std::filesystem::file_size(wal) * 7 / 10);
  // A cut at the end looks to RocksDB like the unacknowledged tail a crash
  // leaves; the witness of the head signed over all 307 events tells.
  const std::string why = Refusal(Options(dir_, witness_));
  EXPECT_NE(why.find("refusing to open"), std::string::npos) << why;
  EXPECT_NE(why.find("size 307"), std::string::npos) << why;
  EXPECT_NE(why.find("are lost"), std::string::npos) << why;
}

TEST_F(DamagedStore, ADeletedWriteAheadLogRefusesToOpen) {
  for (const auto& wal : StoreFiles(dir_, ".log")) std::filesystem::remove(wal);
  const std::string why = Refusal(Options(dir_, witness_));
  EXPECT_NE(why.find("refusing to open"), std::string::npos) << why;
}

TEST_F(DamagedStore, ADeletedNewestTableFileRefusesToOpen) {
  testing::FlushAll(dir_);
  {
    auto store = OpenOrDie(Options(dir_, witness_));
    Fill(*store, 307, 50, "d");
    Witness(*store, witness_, *signer_);
  }
  testing::FlushAll(dir_);
  auto tables = StoreFiles(dir_, ".sst");
  ASSERT_GE(tables.size(), 2u);
  std::filesystem::remove(tables.back());
  const std::string why = Refusal(Options(dir_, witness_));
  EXPECT_NE(why.find("refusing to open"), std::string::npos) << why;
  // RocksDB names the file by its number (it may spell the old ".ldb" suffix).
  EXPECT_NE(why.find(tables.back().stem().string()), std::string::npos) << why;
}

TEST_F(DamagedStore, ALogShorterThanItsWitnessRefusesToOpenNamingBothSizes) {
  // The disk rolled back to an older copy: RocksDB sees a consistent, shorter store.
  TempDir old;
  const auto copy = old.path() / "store";
  {
    auto store = OpenOrDie(Options(copy));
    Fill(*store, 0, 150);
  }
  const std::string why = Refusal(Options(copy, witness_));
  EXPECT_NE(why.find("holds 150 events"), std::string::npos) << why;
  EXPECT_NE(why.find("size 307"), std::string::npos) << why;
  EXPECT_NE(why.find("151..307"), std::string::npos) << why;
}

TEST_F(DamagedStore, ALogThatDivergesFromItsWitnessRefusesToOpen) {
  TempDir other;
  const auto copy = other.path() / "store";
  {
    auto store = OpenOrDie(Options(copy));
    Fill(*store, 0, 400, "other");  // as long, but other events
  }
  const std::string why = Refusal(Options(copy, witness_));
  EXPECT_NE(why.find("diverges from the tree head of size 307"), std::string::npos) << why;
}

TEST_F(DamagedStore, SalvageKeepsTheIntactPrefixAndSaysWhatWasLost) {
  const auto wal = BiggestWal();
  std::filesystem::resize_file(wal, std::filesystem::file_size(wal) / 2);
  auto o = Options(dir_, witness_);
  o.recovery = StoreOptions::Recovery::kSalvagePrefix;
  auto store = OpenOrDie(o);
  ASSERT_TRUE(store->salvage().has_value());
  const SalvageNote note = *store->salvage();
  EXPECT_LT(note.kept, 307u);
  EXPECT_EQ(note.kept, store->head_position());
  EXPECT_EQ(note.witnessed, 307u);
  EXPECT_NE(note.reason.find("lost"), std::string::npos) << note.reason;
  auto report = store->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  // The salvage, once in the witness, lets the store open again and go on.
  ASSERT_TRUE(AppendWitnessSalvage(witness_, note, SystemClock().Now()).ok());
  ASSERT_TRUE(store->Append(Request("after", "after-salvage")).ok());
  store.reset();
  auto reopened = OpenOrDie(Options(dir_, witness_));
  EXPECT_EQ(reopened->head_position(), note.kept + 1);
  EXPECT_FALSE(reopened->salvage().has_value());
}

TEST(ReadOnlyStore, SeesALiveStoreWithoutDisturbingItAndRefusesAppends) {
  TempDir tmp;
  auto writer = OpenOrDie(Options(tmp.path()));
  Fill(*writer, 0, 20);
  auto o = Options(tmp.path());
  o.read_only = true;
  auto reader = OpenOrDie(o);
  EXPECT_EQ(reader->head_position(), 20u);
  auto events = reader->ReadAll(1, 100);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 20u);
  auto refused = reader->Append(Request("s0", "from-the-reader"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("read-only"), std::string::npos);
  Fill(*writer, 20, 5);  // the writer goes on undisturbed
  EXPECT_EQ(writer->head_position(), 25u);
  EXPECT_EQ(reader->head_position(), 20u);  // the reader sees the log as it stood at open
}

TEST(ReadOnlyStore, ADirectoryWithoutAStoreIsNotFound) {
  TempDir tmp;
  auto o = Options(tmp.path() / "nothing");
  o.read_only = true;
  auto store = EventStore::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "nothing"));
}

}  // namespace
}  // namespace ecab::es

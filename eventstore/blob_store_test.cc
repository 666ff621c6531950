#include "eventstore/blob_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "eventstore/record.h"
#include "eventstore/testing.h"

namespace ecab::es {
namespace {

namespace fs = std::filesystem;
using testing::FilledKey;
using testing::Ring;
using testing::TempDir;

std::string Bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

std::unique_ptr<BlobStore> OpenStore(const fs::path& dir,
                                     std::shared_ptr<const KeyRing> keys = Ring()) {
  auto store = BlobStore::Open(dir, std::move(keys));
  if (!store.ok()) throw std::runtime_error(ToString(store.error()));
  return std::move(store).value();
}

// Appends `content` in pieces of uneven sizes, as a network would deliver it.
BlobInfo Store(BlobStore& store, std::string_view content) {
  auto w = store.Begin();
  if (!w.ok()) throw std::runtime_error(ToString(w.error()));
  std::size_t piece = 1;
  while (!content.empty()) {
    const std::size_t n = std::min(content.size(), piece);
    EXPECT_TRUE((*w)->Append(content.substr(0, n)).ok());
    content.remove_prefix(n);
    piece = piece * 7 % 100'003 + 1;
  }
  auto info = (*w)->Finish();
  if (!info.ok()) throw std::runtime_error(ToString(info.error()));
  return *info;
}

std::string ReadAll(BlobStore& store, const std::string& hash) {
  auto r = store.Read(hash);
  if (!r.ok()) throw std::runtime_error(ToString(r.error()));
  std::string out;
  for (;;) {
    auto part = (*r)->Read(out.size(), 100'000);
    if (!part.ok()) throw std::runtime_error(ToString(part.error()));
    if (part->empty()) return out;
    out += *part;
  }
}

std::string FileBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(BlobStore, ContentComesBackWholeAndByRangesAndIsNamedByItsHash) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::string content = Bytes(std::size_t{3} * BlobStore::kChunkBytes + 12'345, 1);
  const BlobInfo info = Store(*store, content);
  EXPECT_EQ(info.sha256, ToHex(Sha256(content)));
  EXPECT_EQ(info.size, content.size());
  EXPECT_FALSE(info.deduplicated);
  EXPECT_EQ(ReadAll(*store, info.sha256), content);
  auto reader = store->Read(info.sha256);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->size(), content.size());
  for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{BlobStore::kChunkBytes - 3},
                               std::uint64_t{content.size() - 10}}) {
    auto part = (*reader)->Read(offset, 7);
    ASSERT_TRUE(part.ok());
    EXPECT_EQ(*part, content.substr(offset, 7)) << offset;
  }
  EXPECT_TRUE((*reader)->Read(content.size(), 10)->empty());
  EXPECT_EQ(store->List(), std::vector<std::string>{info.sha256});
  EXPECT_TRUE(fs::is_empty(dir.path() / "tmp")) << "the spool is gone once the blob is in place";
}

TEST(BlobStore, TheFileOnDiskHoldsNoPlaintext) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  std::string content;
  for (int i = 0; i < 5000; ++i) content += "Tờ trình về dự án Luật Đất đai (sửa đổi). ";
  const BlobInfo info = Store(*store, content);
  const std::string disk = FileBytes(store->PathOf(info.sha256));
  EXPECT_EQ(disk.find("Tờ trình"), std::string::npos);
  EXPECT_EQ(disk.find("Luật"), std::string::npos);
}

TEST(BlobStore, TheSameContentTwiceIsStoredOnce) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::string content = Bytes(500'000, 2);
  const BlobInfo first = Store(*store, content);
  const BlobInfo second = Store(*store, content);
  EXPECT_EQ(first.sha256, second.sha256);
  EXPECT_FALSE(first.deduplicated);
  EXPECT_TRUE(second.deduplicated);
  EXPECT_EQ(store->List().size(), 1u);
}

TEST(BlobStore, AnUploadNeverFinishedLeavesNothingBehind) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  {
    auto w = store->Begin();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(Bytes(700'000, 3)).ok());
    EXPECT_FALSE(fs::is_empty(dir.path() / "tmp"));
  }
  EXPECT_TRUE(fs::is_empty(dir.path() / "tmp"));
  EXPECT_TRUE(store->List().empty());
}

TEST(BlobStore, SpoolsOfAStoppedProcessAreRemovedWhenTheStoreOpens) {
  TempDir dir;
  { auto store = OpenStore(dir.path()); }
  WriteFile(dir.path() / "tmp" / "left-by-a-crash.spool", Bytes(1000, 4));
  auto store = OpenStore(dir.path());
  EXPECT_TRUE(fs::is_empty(dir.path() / "tmp"));
}

TEST(BlobStore, CheckNamesAMissingATruncatedAndAnAlteredBlob) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::string content = Bytes(std::size_t{2} * BlobStore::kChunkBytes + 99, 5);
  const BlobInfo a = Store(*store, content);
  EXPECT_EQ(store->Check(a.sha256, a.size), BlobState::kIntact);
  EXPECT_EQ(store->Check(a.sha256, a.size + 1), BlobState::kAltered)
      << "not the size the event says";
  const fs::path p = store->PathOf(a.sha256);
  const std::string original = FileBytes(p);

  std::string flipped = original;
  flipped[original.size() / 2] ^= 0x01;
  WriteFile(p, flipped);
  EXPECT_EQ(store->Check(a.sha256, a.size), BlobState::kAltered);
  EXPECT_FALSE(store->Read(a.sha256).value()->Read(BlobStore::kChunkBytes, 10).ok())
      << "an altered chunk is never served";

  WriteFile(p, original.substr(0, original.size() - 100));
  EXPECT_EQ(store->Check(a.sha256, a.size), BlobState::kTruncated);

  fs::remove(p);
  EXPECT_EQ(store->Check(a.sha256, a.size), BlobState::kMissing);
  EXPECT_EQ(store->Read(a.sha256).error().code, ErrorCode::kNotFound);
}

TEST(BlobStore, SwappedChunksDoNotOpen) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::string content = Bytes(std::size_t{2} * BlobStore::kChunkBytes, 6);
  const BlobInfo a = Store(*store, content);
  const fs::path p = store->PathOf(a.sha256);
  std::string bytes = FileBytes(p);
  const std::size_t chunk = BlobStore::kChunkBytes + 28;
  const std::size_t header = bytes.size() - std::size_t{2} * chunk;
  const std::string first = bytes.substr(header, chunk);
  bytes.replace(header, chunk, bytes.substr(header + chunk, chunk));
  bytes.replace(header + chunk, chunk, first);
  WriteFile(p, bytes);
  EXPECT_EQ(store->Check(a.sha256, a.size), BlobState::kAltered);
}

TEST(BlobStore, CollectRemovesOnlyOldBlobsNoEventRefersTo) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const BlobInfo kept = Store(*store, Bytes(1000, 7));
  const BlobInfo orphan = Store(*store, Bytes(1000, 8));
  const auto later = fs::file_time_type::clock::now() + std::chrono::seconds(1);
  const BlobInfo young = Store(*store, Bytes(1000, 9));
  fs::last_write_time(store->PathOf(young.sha256), later + std::chrono::seconds(5));
  auto removed = store->Collect({kept.sha256}, later);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_TRUE(store->Has(kept.sha256));
  EXPECT_FALSE(store->Has(orphan.sha256));
  EXPECT_TRUE(store->Has(young.sha256)) << "an upload whose event may still come is kept";
}

TEST(BlobStore, FindingAnOrphanAgainSavesItFromCollection) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::string content = Bytes(1000, 10);
  const BlobInfo orphan = Store(*store, content);
  fs::last_write_time(store->PathOf(orphan.sha256),
                      fs::file_time_type::clock::now() - std::chrono::hours(1));
  const auto started = fs::file_time_type::clock::now() - std::chrono::seconds(1);
  EXPECT_TRUE(Store(*store, content).deduplicated);
  ASSERT_TRUE(store->Collect({}, started).ok());
  EXPECT_TRUE(store->Has(orphan.sha256));
}

TEST(BlobStore, ResealMovesABlobToTheActiveKeyAndTheOldKeyIsNoLongerNeeded) {
  TempDir dir;
  const std::string content = Bytes(BlobStore::kChunkBytes + 5, 11);
  std::string hash;
  {
    auto store = OpenStore(dir.path(), Ring({{"k1", FilledKey(1)}}));
    hash = Store(*store, content).sha256;
  }
  {
    auto store = OpenStore(dir.path(), Ring({{"k1", FilledKey(1)}, {"k2", FilledKey(2)}}));
    auto first = store->Reseal(hash);
    ASSERT_TRUE(first.ok()) << ToString(first.error());
    EXPECT_TRUE(*first);
    EXPECT_FALSE(store->Reseal(hash).value()) << "already under the active key";
  }
  auto only_k2 = OpenStore(dir.path(), Ring({{"k2", FilledKey(2)}}));
  EXPECT_EQ(only_k2->Check(hash, content.size()), BlobState::kIntact);
  EXPECT_EQ(ReadAll(*only_k2, hash), content);
  auto only_k1 = OpenStore(dir.path(), Ring({{"k1", FilledKey(1)}}));
  EXPECT_EQ(only_k1->Check(hash, content.size()), BlobState::kKeyUnavailable);
}

TEST(BlobStore, EmptyContentIsABlobToo) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const BlobInfo info = Store(*store, "");
  EXPECT_EQ(info.sha256, ToHex(Sha256("")));
  EXPECT_EQ(ReadAll(*store, info.sha256), "");
  EXPECT_EQ(store->Check(info.sha256, 0), BlobState::kIntact);
}

}  // namespace
}  // namespace ecab::es

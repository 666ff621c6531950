#include "eventstore/tamper.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>

#include "eventstore/internal/bytes.h"

namespace ecab::es::testing {
namespace {

class Raw {
 public:
  explicit Raw(const std::filesystem::path& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "streams", "heads", "commands"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(rocksdb::Options(), dir.string(), families, &handles_, &db);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    db_.reset(db);
  }
  ~Raw() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  }
  std::string Get(std::uint64_t p) {
    std::string v;
    if (!db_->Get(rocksdb::ReadOptions(), handles_[1], internal::U64Key(p), &v).ok())
      throw std::runtime_error("no record");
    return v;
  }
  void Put(std::uint64_t p, const std::string& v) {
    if (!db_->Put(rocksdb::WriteOptions(), handles_[1], internal::U64Key(p), v).ok())
      throw std::runtime_error("put");
  }
  bool AnyValueContains(const std::string& needle) {
    for (auto* h : handles_) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), h));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (it->value().ToString().find(needle) != std::string::npos) return true;
      }
    }
    return false;
  }
  void Flush() {
    for (auto* h : handles_) {
      if (!db_->Flush(rocksdb::FlushOptions(), h).ok()) throw std::runtime_error("flush");
    }
  }
  void Delete(std::uint64_t p) {
    if (!db_->Delete(rocksdb::WriteOptions(), handles_[1], internal::U64Key(p)).ok())
      throw std::runtime_error("delete");
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace

void FlushAll(const std::filesystem::path& dir) { Raw(dir).Flush(); }

std::vector<std::filesystem::path> StoreFiles(const std::filesystem::path& dir,
                                              const std::string& extension) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == extension) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());  // RocksDB numbers files with fixed-width decimals
  return out;
}

void FlipByte(const std::filesystem::path& dir, std::uint64_t position, long offset) {
  Raw raw(dir);
  std::string v = raw.Get(position);
  const std::size_t at =
      offset < 0 ? v.size() - static_cast<std::size_t>(-offset) : static_cast<std::size_t>(offset);
  v.at(at) ^= 0x01;
  raw.Put(position, v);
}

void RemoveRecord(const std::filesystem::path& dir, std::uint64_t position) {
  Raw(dir).Delete(position);
}

void SwapRecords(const std::filesystem::path& dir, std::uint64_t a, std::uint64_t b) {
  Raw raw(dir);
  const std::string va = raw.Get(a);
  const std::string vb = raw.Get(b);
  raw.Put(a, vb);
  raw.Put(b, va);
}

std::string RawRecord(const std::filesystem::path& dir, std::uint64_t position) {
  return Raw(dir).Get(position);
}

bool AnyStoredValueContains(const std::filesystem::path& dir, const std::string& needle) {
  return Raw(dir).AnyValueContains(needle);
}

}  // namespace ecab::es::testing

#include "eventstore/view_store.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "eventstore/internal/bytes.h"

namespace ecab::es {
namespace {

Error FromRocks(const rocksdb::Status& s) { return MakeError(ErrorCode::kIoError, s.ToString()); }

// value = str(key-id) nonce(12) blob(ciphertext) tag(16)
std::string EncodeSealed(const SealedPayload& p) {
  std::string out;
  internal::PutStr(out, p.key_id);
  out.append(reinterpret_cast<const char*>(p.nonce.data()), p.nonce.size());
  internal::PutStr(out, p.ciphertext);
  out.append(reinterpret_cast<const char*>(p.tag.data()), p.tag.size());
  return out;
}

Result<SealedPayload> DecodeSealed(std::string_view bytes) {
  SealedPayload p;
  internal::ByteReader in(bytes);
  in.Str(p.key_id);
  in.Fixed(p.nonce);
  in.Str(p.ciphertext);
  in.Fixed(p.tag);
  if (in.failed() || in.remaining() != 0)
    return MakeError(ErrorCode::kCorruption, "malformed view value");
  return p;
}

std::string Aad(std::string_view key) { return "ECVW-AAD1" + std::string(key); }

}  // namespace

struct ViewStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::shared_ptr<const KeyRing> keys;

  Result<std::string> Open(std::string_view key, std::string_view stored) const {
    ECAB_TRY_LET(sealed, DecodeSealed(stored));
    return keys->Open(*sealed, Aad(key));
  }
};

ViewStore::ViewStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ViewStore::~ViewStore() {
  if (impl_ && impl_->db)
    impl_->db->Close().PermitUncheckedError();  // closing: nothing left to report to
}

Result<std::unique_ptr<ViewStore>> ViewStore::Open(const std::filesystem::path& dir,
                                                   std::shared_ptr<const KeyRing> keys) {
  if (!keys) return MakeError(ErrorCode::kKeyUnavailable, "no key ring given");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(options, dir.string(), &raw);
  if (!s.ok()) return FromRocks(s);
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->keys = std::move(keys);
  return std::unique_ptr<ViewStore>(new ViewStore(std::move(impl)));
}

Result<std::optional<std::string>> ViewStore::Get(std::string_view key) const {
  std::string value;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  ECAB_TRY_LET(plain, impl_->Open(key, value));
  return std::optional<std::string>(std::move(plain).value());
}

Result<std::vector<std::pair<std::string, std::string>>> ViewStore::Scan(
    std::string_view prefix, std::size_t limit, std::string_view start_after) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  if (start_after.empty()) {
    it->Seek(prefix);
  } else {
    it->Seek(start_after);
    if (it->Valid() && it->key() == start_after) it->Next();
  }
  for (; it->Valid() && it->key().starts_with(prefix) && out.size() < limit; it->Next()) {
    ECAB_TRY_LET(plain, impl_->Open(it->key().ToStringView(), it->value().ToStringView()));
    out.emplace_back(it->key().ToString(), std::move(plain).value());
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return out;
}

Result<std::optional<std::pair<std::string, std::string>>> ViewStore::Floor(
    std::string_view prefix, std::string_view key) const {
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(key);
  if (!it->status().ok()) return FromRocks(it->status());
  if (!it->Valid() || !it->key().starts_with(prefix))
    return std::optional<std::pair<std::string, std::string>>();
  ECAB_TRY_LET(plain, impl_->Open(it->key().ToStringView(), it->value().ToStringView()));
  return std::optional<std::pair<std::string, std::string>>(
      std::pair{it->key().ToString(), std::move(plain).value()});
}

Status ViewStore::Write(const ViewBatch& batch, bool sync) {
  rocksdb::WriteBatch wb;
  for (const auto& [key, value] : batch.ops()) {
    if (!value) {
      wb.Delete(key);
      continue;
    }
    ECAB_TRY_LET(sealed, impl_->keys->Seal(*value, Aad(key)));
    wb.Put(key, EncodeSealed(*sealed));
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  auto s = impl_->db->Write(wo, &wb);
  return s.ok() ? Status(Ok{}) : Status(FromRocks(s));
}

Status ViewStore::Checkpoint(const std::filesystem::path& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(impl_->db.get(), &raw);
  if (!s.ok()) return FromRocks(s);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  s = checkpoint->CreateCheckpoint(dir.string());
  return s.ok() ? Status(Ok{}) : Status(FromRocks(s));
}

Status ViewStore::Clear() {
  rocksdb::WriteBatch wb;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) wb.Delete(it->key());
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto s = impl_->db->Write(wo, &wb);
  return s.ok() ? Status(Ok{}) : Status(FromRocks(s));
}

}  // namespace ecab::es

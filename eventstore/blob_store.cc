#include "eventstore/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>

#include "eventstore/internal/blob_file.h"
#include "eventstore/record.h"

namespace ecab::es {
namespace fs = std::filesystem;
using blobfile::BlobAad, blobfile::EncodeChunk, blobfile::Fd, blobfile::FinalHex, blobfile::MdCtx,
    blobfile::Header, blobfile::IoError, blobfile::NewSha256, blobfile::OpenChunk,
    blobfile::RandomName, blobfile::ReadHeader, blobfile::SealInto, blobfile::SpoolAad,
    blobfile::SyncDir, blobfile::WriteAll;

std::string_view BlobStateName(BlobState s) {
  switch (s) {
    case BlobState::kIntact:
      return "intact";
    case BlobState::kMissing:
      return "missing";
    case BlobState::kTruncated:
      return "truncated";
    case BlobState::kAltered:
      return "altered";
    case BlobState::kKeyUnavailable:
      return "key unavailable";
  }
  return "unknown";
}

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::unique_ptr<BlobStore>> BlobStore::Open(fs::path dir,
                                                   std::shared_ptr<const KeyRing> keys) {
  if (!keys) return MakeError(ErrorCode::kKeyUnavailable, "the document store needs the key ring");
  std::error_code ec;
  fs::create_directories(dir / "tmp", ec);
  if (ec)
    return MakeError(ErrorCode::kIoError, "cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  // Spools and half-built blobs of a process that stopped: unreadable now
  // (their key was in its memory) and never referred to.
  for (const auto& entry : fs::directory_iterator(dir / "tmp", ec)) fs::remove(entry.path(), ec);
  return std::unique_ptr<BlobStore>(new BlobStore(std::move(dir), std::move(keys)));
}

Result<std::unique_ptr<BlobStore>> BlobStore::OpenReadOnly(fs::path dir,
                                                           std::shared_ptr<const KeyRing> keys) {
  if (!keys) return MakeError(ErrorCode::kKeyUnavailable, "the document store needs the key ring");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kNotFound, "no document store at " + dir.string());
  }
  return std::unique_ptr<BlobStore>(new BlobStore(std::move(dir), std::move(keys)));
}

fs::path BlobStore::PathOf(std::string_view sha256) const {
  return dir_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

// Spools an upload: hashed as it comes, sealed chunk by chunk under a key
// that exists only in this object.
class BlobWriterImpl final : public BlobStore::Writer {
 public:
  BlobWriterImpl(BlobStore& store, fs::path path, Fd fd, std::shared_ptr<const KeyRing> key)
      : store_(store), path_(std::move(path)), fd_(std::move(fd)), key_(std::move(key)) {}
  ~BlobWriterImpl() override {
    std::error_code ignored;
    fd_ = Fd();
    fs::remove(path_, ignored);
  }

  Status Append(std::string_view bytes) override {
    if (finished_) return MakeError(ErrorCode::kInvalidArgument, "the upload is finished");
    EVP_DigestUpdate(hash_.get(), bytes.data(), bytes.size());
    size_ += bytes.size();
    while (!bytes.empty()) {
      const std::size_t take = std::min(bytes.size(), BlobStore::kChunkBytes - pending_.size());
      pending_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (pending_.size() == BlobStore::kChunkBytes) ECAB_TRY(Flush());
    }
    return Ok{};
  }
  std::uint64_t size() const override { return size_; }

  Result<BlobInfo> Finish() override {
    if (finished_) return MakeError(ErrorCode::kInvalidArgument, "the upload is finished");
    finished_ = true;
    if (!pending_.empty()) ECAB_TRY(Flush());
    return store_.Install(path_, *key_, FinalHex(hash_.get()), size_);
  }

 private:
  Status Flush() {
    ECAB_TRY_LET(sealed, key_->Seal(pending_, SpoolAad(chunks_++)));
    pending_.clear();
    return WriteAll(fd_.get(), EncodeChunk(*sealed), path_);
  }

  BlobStore& store_;
  fs::path path_;
  Fd fd_;
  std::shared_ptr<const KeyRing> key_;
  MdCtx hash_ = NewSha256();
  std::string pending_;
  std::uint64_t size_ = 0;
  std::uint64_t chunks_ = 0;
  bool finished_ = false;
};

Result<std::unique_ptr<BlobStore::Writer>> BlobStore::Begin() {
  AesKey key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    return MakeError(ErrorCode::kIoError, "no random bytes for the upload's key");
  }
  ECAB_TRY_LET(ring, KeyRing::FromKeys({{"spool", key}}));
  OPENSSL_cleanse(key.data(), key.size());
  const fs::path path = dir_ / "tmp" / (RandomName() + ".spool");
  Fd fd(::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
  if (!fd.ok()) return IoError("cannot create", path);
  // The spool has a blob's layout (its size stays 0 in the header): Install reads it back as one.
  ECAB_TRY(WriteAll(fd.get(), Header{kChunkBytes, 0, "spool"}.Encode(), path));
  return std::unique_ptr<Writer>(
      std::make_unique<BlobWriterImpl>(*this, path, std::move(fd), std::move(*ring)));
}

Result<BlobInfo> BlobStore::Install(const fs::path& spooled, const KeyRing& spool_key,
                                    const std::string& sha256, std::uint64_t size) {
  const fs::path final_path = PathOf(sha256);
  auto found_again = [&]() -> bool {
    // Under install_mu_: touched, so a Collect begun earlier keeps it.
    std::error_code ec;
    if (!fs::exists(final_path, ec)) return false;
    fs::last_write_time(final_path, fs::file_time_type::clock::now(), ec);
    return true;
  };
  {
    std::lock_guard lock(install_mu_);
    if (found_again()) return BlobInfo{sha256, size, true};
  }
  Fd in(::open(spooled.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) return IoError("cannot read", spooled);
  const Header spool_header{kChunkBytes, size, "spool"};
  ECAB_TRY_LET(built, SealInto(dir_ / "tmp", in.get(), spool_header, spool_key, SpoolAad, *keys_,
                               sha256, spooled));
  std::lock_guard lock(install_mu_);
  std::error_code ec;
  if (found_again()) {
    fs::remove(*built, ec);
    return BlobInfo{sha256, size, true};
  }
  const fs::path shard = final_path.parent_path();
  if (!fs::exists(shard, ec)) {
    fs::create_directory(shard, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "cannot create " + shard.string());
    ECAB_TRY(SyncDir(dir_));
  }
  if (::rename(built->c_str(), final_path.c_str()) != 0)
    return IoError("cannot install", final_path);
  ECAB_TRY(SyncDir(shard));
  return BlobInfo{sha256, size, false};
}

namespace {

class BlobReaderImpl final : public BlobStore::Reader {
 public:
  BlobReaderImpl(fs::path path, Fd fd, Header header, std::string sha256,
                 std::shared_ptr<const KeyRing> keys)
      : path_(std::move(path)),
        fd_(std::move(fd)),
        header_(std::move(header)),
        sha256_(std::move(sha256)),
        keys_(std::move(keys)) {}
  std::uint64_t size() const override { return header_.size; }
  Result<std::string> Read(std::uint64_t offset, std::size_t max) override {
    std::string out;
    while (out.size() < max && offset < header_.size) {
      const std::uint64_t i = offset / header_.chunk;
      if (i != cached_index_) {
        ECAB_TRY_LET(plain, OpenChunk(fd_.get(), header_, i, *keys_,
                                      BlobAad(sha256_, header_.size, i), path_, sealed_));
        cached_ = std::move(*plain);
        cached_index_ = i;
      }
      const auto from = static_cast<std::size_t>(offset - i * header_.chunk);
      const std::size_t n = std::min(max - out.size(), cached_.size() - from);
      out.append(cached_, from, n);
      offset += n;
    }
    return out;
  }

 private:
  fs::path path_;
  Fd fd_;
  Header header_;
  std::string sha256_;
  std::shared_ptr<const KeyRing> keys_;
  std::string cached_;
  std::string sealed_;  // the chunk as read, reused
  std::uint64_t cached_index_ = UINT64_MAX;
};

}  // namespace

Result<std::unique_ptr<BlobStore::Reader>> BlobStore::Read(std::string_view sha256) const {
  if (!IsSha256Hex(sha256)) return MakeError(ErrorCode::kInvalidArgument, "not a SHA-256");
  const fs::path p = PathOf(sha256);
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.ok()) {
    if (errno == ENOENT)
      return MakeError(ErrorCode::kNotFound, "no stored content " + std::string(sha256));
    return IoError("cannot open", p);
  }
  ECAB_TRY_LET(header, ReadHeader(fd.get(), p));
  return std::unique_ptr<Reader>(std::make_unique<BlobReaderImpl>(
      p, std::move(fd), std::move(*header), std::string(sha256), keys_));
}

bool BlobStore::Has(std::string_view sha256) const {
  std::error_code ec;
  return IsSha256Hex(sha256) && fs::exists(PathOf(sha256), ec);
}

BlobState BlobStore::Check(std::string_view sha256, std::uint64_t expected_size) const {
  if (!IsSha256Hex(sha256)) return BlobState::kAltered;
  const fs::path p = PathOf(sha256);
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.ok()) return BlobState::kMissing;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return BlobState::kMissing;
  auto header = ReadHeader(fd.get(), p);
  if (!header.ok()) return st.st_size < 64 ? BlobState::kTruncated : BlobState::kAltered;
  if (expected_size != 0 && header->size != expected_size) return BlobState::kAltered;
  const auto actual = static_cast<std::uint64_t>(st.st_size);
  if (actual < header->file_size()) return BlobState::kTruncated;
  if (actual > header->file_size()) return BlobState::kAltered;
  if (!keys_->Has(header->key_id)) return BlobState::kKeyUnavailable;
  auto hash = NewSha256();
  std::string scratch;
  for (std::uint64_t i = 0; i < header->chunks(); ++i) {
    auto plain =
        OpenChunk(fd.get(), *header, i, *keys_, BlobAad(sha256, header->size, i), p, scratch);
    if (!plain.ok()) return BlobState::kAltered;
    EVP_DigestUpdate(hash.get(), plain->data(), plain->size());
  }
  return FinalHex(hash.get()) == sha256 ? BlobState::kIntact : BlobState::kAltered;
}

std::vector<std::string> BlobStore::List() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& shard : fs::directory_iterator(dir_, ec)) {
    const std::string name = shard.path().filename().string();
    if (name.size() != 2 || !shard.is_directory(ec)) continue;
    for (const auto& f : fs::directory_iterator(shard.path(), ec)) {
      const std::string hash = f.path().filename().string();
      if (IsSha256Hex(hash) && hash.starts_with(name)) out.push_back(hash);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::size_t> BlobStore::Collect(const std::set<std::string>& referenced,
                                       fs::file_time_type before) {
  std::size_t removed = 0;
  for (const std::string& hash : List()) {
    if (referenced.contains(hash)) continue;
    std::lock_guard lock(install_mu_);
    std::error_code ec;
    const auto written = fs::last_write_time(PathOf(hash), ec);
    if (ec || written >= before) continue;
    if (fs::remove(PathOf(hash), ec)) ++removed;
    if (ec) return MakeError(ErrorCode::kIoError, "cannot remove " + PathOf(hash).string());
  }
  if (removed > 0) {
    for (const auto& shard : fs::directory_iterator(dir_)) {
      if (shard.path().filename() != "tmp") ECAB_TRY(SyncDir(shard.path()));
    }
  }
  return removed;
}

Result<bool> BlobStore::Reseal(std::string_view sha256) {
  const fs::path p = PathOf(sha256);
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.ok()) return MakeError(ErrorCode::kNotFound, "no stored content " + std::string(sha256));
  ECAB_TRY_LET(header, ReadHeader(fd.get(), p));
  if (header->key_id == keys_->active_id()) return false;
  const std::string hash(sha256);
  const std::uint64_t size = header->size;
  ECAB_TRY_LET(built,
               SealInto(
                   dir_ / "tmp", fd.get(), *header, *keys_,
                   [&](std::uint64_t i) { return BlobAad(hash, size, i); }, *keys_, hash, p));
  std::lock_guard lock(install_mu_);
  if (::rename(built->c_str(), p.c_str()) != 0) return IoError("cannot replace", p);
  ECAB_TRY(SyncDir(p.parent_path()));
  return true;
}

}  // namespace ecab::es

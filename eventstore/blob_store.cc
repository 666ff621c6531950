#include "eventstore/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>

#include "eventstore/record.h"

namespace ecab::es {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kMagic = "ECABBLOB";
constexpr std::uint32_t kFormat = 1;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kSealOverhead = kNonceBytes + kTagBytes;

Error IoError(const std::string& what, const fs::path& p) {
  return MakeError(ErrorCode::kIoError, what + " " + p.string() + ": " + std::strerror(errno));
}

// An open file descriptor, closed at scope end.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view bytes, const fs::path& p) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("cannot write", p);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok{};
}

// Reads exactly `n` bytes at `offset` into `out` (reused: no allocation once
// it is large enough); fewer only at the end of the file.
Status ReadInto(int fd, std::uint64_t offset, std::size_t n, const fs::path& p, std::string& out) {
  if (out.size() < n) out.resize(n);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, out.data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return IoError("cannot read", p);
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  out.resize(got);
  return Ok{};
}

Result<std::string> ReadAt(int fd, std::uint64_t offset, std::size_t n, const fs::path& p) {
  std::string out;
  ECAB_TRY(ReadInto(fd, offset, n, p, out));
  return out;
}

Status SyncDir(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.ok() || ::fsync(fd.get()) != 0) return IoError("cannot sync directory", dir);
  return Ok{};
}

std::string RandomName() {
  std::array<unsigned char, 16> r{};
  RAND_bytes(r.data(), static_cast<int>(r.size()));
  return ToHex(std::string_view(reinterpret_cast<const char*>(r.data()), r.size()));
}

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t GetBE(std::string_view bytes) {
  std::uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// The sealed blob's header (docs/formats/blob-file.md).
struct Header {
  std::uint32_t chunk = BlobStore::kChunkBytes;
  std::uint64_t size = 0;
  std::string key_id;
  std::size_t length() const { return kMagic.size() + 4 + 4 + 8 + 2 + key_id.size(); }
  std::uint64_t chunks() const { return (size + chunk - 1) / chunk; }
  std::uint64_t file_size() const { return length() + size + chunks() * kSealOverhead; }
  std::uint64_t chunk_offset(std::uint64_t i) const {
    return length() + i * (std::uint64_t{chunk} + kSealOverhead);
  }
  std::size_t chunk_size(std::uint64_t i) const {
    return static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - i * chunk));
  }
  std::string Encode() const {
    std::string out(kMagic);
    PutU32(out, kFormat);
    PutU32(out, chunk);
    PutU64(out, size);
    out.push_back(static_cast<char>(key_id.size() >> 8));
    out.push_back(static_cast<char>(key_id.size() & 0xff));
    return out + key_id;
  }
};

Result<Header> ReadHeader(int fd, const fs::path& p) {
  constexpr std::size_t kFixed = kMagic.size() + 4 + 4 + 8 + 2;
  ECAB_TRY_LET(fixed, ReadAt(fd, 0, kFixed, p));
  if (fixed->size() < kFixed || fixed->substr(0, kMagic.size()) != kMagic ||
      GetBE(std::string_view(*fixed).substr(8, 4)) != kFormat) {
    return MakeError(ErrorCode::kCorruption, p.string() + " is not a blob file");
  }
  Header h;
  h.chunk = static_cast<std::uint32_t>(GetBE(std::string_view(*fixed).substr(12, 4)));
  h.size = GetBE(std::string_view(*fixed).substr(16, 8));
  const auto id_len = static_cast<std::size_t>(GetBE(std::string_view(*fixed).substr(24, 2)));
  ECAB_TRY_LET(id, ReadAt(fd, kFixed, id_len, p));
  if (h.chunk == 0 || id->size() != id_len) {
    return MakeError(ErrorCode::kCorruption, p.string() + " has a damaged header");
  }
  h.key_id = std::move(*id);
  return h;
}

// A final chunk is bound to the content it belongs to and to its place in it.
std::string BlobAad(std::string_view sha256, std::uint64_t size, std::uint64_t index) {
  std::string aad = "ecab-blob";
  aad.push_back('\0');
  aad.append(sha256);
  aad.push_back('\0');
  aad += std::to_string(size);
  aad.push_back('\0');
  return aad + std::to_string(index);
}
std::string SpoolAad(std::uint64_t index) { return "ecab-spool:" + std::to_string(index); }

std::string EncodeChunk(const SealedPayload& s) {
  std::string out(reinterpret_cast<const char*>(s.nonce.data()), s.nonce.size());
  out += s.ciphertext;
  out.append(reinterpret_cast<const char*>(s.tag.data()), s.tag.size());
  return out;
}
SealedPayload DecodeChunk(std::string_view bytes, const std::string& key_id) {
  SealedPayload s;
  s.key_id = key_id;
  std::memcpy(s.nonce.data(), bytes.data(), kNonceBytes);
  s.ciphertext = std::string(bytes.substr(kNonceBytes, bytes.size() - kSealOverhead));
  std::memcpy(s.tag.data(), bytes.data() + bytes.size() - kTagBytes, kTagBytes);
  return s;
}

// Reads chunk `i` of a blob or spool file and opens it (`scratch` holds the
// sealed bytes between calls).
Result<std::string> OpenChunk(int fd, const Header& h, std::uint64_t i, const KeyRing& ring,
                              const std::string& aad, const fs::path& p, std::string& scratch) {
  const std::size_t want = h.chunk_size(i) + kSealOverhead;
  ECAB_TRY(ReadInto(fd, h.chunk_offset(i), want, p, scratch));
  if (scratch.size() != want) {
    return MakeError(ErrorCode::kCorruption,
                     p.string() + " is truncated at chunk " + std::to_string(i));
  }
  return ring.Open(DecodeChunk(scratch, h.key_id), aad);
}

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
MdCtx NewSha256() {
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  return ctx;
}
std::string FinalHex(EVP_MD_CTX* ctx) {
  std::array<unsigned char, 32> digest{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, digest.data(), &n);
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest.data()), n));
}

// Seals the content of an open file (under `from`, by `from_aad`) into a new
// file under `to`'s active key, synced; returns its path in tmp/.
Result<fs::path> SealInto(const fs::path& tmp, int from_fd, const Header& from_header,
                          const KeyRing& from,
                          const std::function<std::string(std::uint64_t)>& from_aad,
                          const KeyRing& to, const std::string& sha256, const fs::path& source) {
  const fs::path out_path = tmp / (RandomName() + ".blob");
  Fd out(::open(out_path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
  if (!out.ok()) return IoError("cannot create", out_path);
  Header h{from_header.chunk, from_header.size, to.active_id()};
  auto fail = [&](Error e) -> Result<fs::path> {
    std::error_code ignored;
    fs::remove(out_path, ignored);
    return e;
  };
  if (auto s = WriteAll(out.get(), h.Encode(), out_path); !s.ok()) return fail(s.error());
  auto hash = NewSha256();
  std::string scratch;
  for (std::uint64_t i = 0; i < h.chunks(); ++i) {
    auto plain = OpenChunk(from_fd, from_header, i, from, from_aad(i), source, scratch);
    if (!plain.ok()) return fail(plain.error());
    EVP_DigestUpdate(hash.get(), plain->data(), plain->size());
    auto sealed = to.Seal(*plain, BlobAad(sha256, h.size, i));
    if (!sealed.ok()) return fail(sealed.error());
    if (auto s = WriteAll(out.get(), EncodeChunk(*sealed), out_path); !s.ok())
      return fail(s.error());
  }
  if (FinalHex(hash.get()) != sha256) {
    return fail(MakeError(ErrorCode::kCorruption,
                          source.string() + " does not hold the content " + sha256));
  }
  if (::fsync(out.get()) != 0) return fail(IoError("cannot sync", out_path));
  return out_path;
}

}  // namespace

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

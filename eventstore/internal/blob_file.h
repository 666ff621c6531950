// eventstore/internal/blob_file.h — the document store's files
// (docs/formats/blob-file.md): the header, sealed chunks bound by their AAD,
// and the file I/O the store, its writer and its readers share. Private to
// eventstore/blob_store.cc; depends on the key ring only.
#pragma once

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "domain/base/result.h"
#include "eventstore/blob_store.h"
#include "eventstore/key_ring.h"

namespace ecab::es::blobfile {

inline constexpr std::string_view kMagic = "ECABBLOB";
inline constexpr std::uint32_t kFormat = 1;
inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kSealOverhead = kNonceBytes + kTagBytes;

// kIoError naming `what`, the path and errno's text.
Error IoError(const std::string& what, const std::filesystem::path& p);

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

Status WriteAll(int fd, std::string_view bytes, const std::filesystem::path& p);
// Reads exactly `n` bytes at `offset` into `out` (reused: no allocation once
// it is large enough); fewer only at the end of the file.
Status ReadInto(int fd, std::uint64_t offset, std::size_t n, const std::filesystem::path& p,
                std::string& out);
Result<std::string> ReadAt(int fd, std::uint64_t offset, std::size_t n,
                           const std::filesystem::path& p);
Status SyncDir(const std::filesystem::path& dir);
// 32 random hex digits, for names in tmp/.
std::string RandomName();

void PutU32(std::string& out, std::uint32_t v);
void PutU64(std::string& out, std::uint64_t v);

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
  std::string Encode() const;
};

Result<Header> ReadHeader(int fd, const std::filesystem::path& p);

// A final chunk is bound to the content it belongs to and to its place in it.
std::string BlobAad(std::string_view sha256, std::uint64_t size, std::uint64_t index);
// A spooled chunk is bound to its place only (its key lives in one process).
std::string SpoolAad(std::uint64_t index);

std::string EncodeChunk(const SealedPayload& s);
SealedPayload DecodeChunk(std::string_view bytes, const std::string& key_id);

// Reads chunk `i` of a blob or spool file and opens it (`scratch` holds the
// sealed bytes between calls).
Result<std::string> OpenChunk(int fd, const Header& h, std::uint64_t i, const KeyRing& ring,
                              const std::string& aad, const std::filesystem::path& p,
                              std::string& scratch);

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
MdCtx NewSha256();
std::string FinalHex(EVP_MD_CTX* ctx);

// Seals the content of an open file (under `from`, by `from_aad`) into a new
// file under `to`'s active key, synced; returns its path in `tmp`.
Result<std::filesystem::path> SealInto(const std::filesystem::path& tmp, int from_fd,
                                       const Header& from_header, const KeyRing& from,
                                       const std::function<std::string(std::uint64_t)>& from_aad,
                                       const KeyRing& to, const std::string& sha256,
                                       const std::filesystem::path& source);

}  // namespace ecab::es::blobfile

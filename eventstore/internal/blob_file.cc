#include "eventstore/internal/blob_file.h"

#include <fcntl.h>
#include <openssl/rand.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "eventstore/record.h"

namespace ecab::es::blobfile {
namespace fs = std::filesystem;

Error IoError(const std::string& what, const fs::path& p) {
  return MakeError(ErrorCode::kIoError, what + " " + p.string() + ": " + std::strerror(errno));
}

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
namespace {

std::uint64_t GetBE(std::string_view bytes) {
  std::uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

}  // namespace

std::string Header::Encode() const {
  std::string out(kMagic);
  PutU32(out, kFormat);
  PutU32(out, chunk);
  PutU64(out, size);
  out.push_back(static_cast<char>(key_id.size() >> 8));
  out.push_back(static_cast<char>(key_id.size() & 0xff));
  return out + key_id;
}

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

}  // namespace ecab::es::blobfile

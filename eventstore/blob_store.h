// eventstore/blob_store.h — the document store: files' bytes, encrypted at
// rest, content-addressed by their SHA-256, each stored once.
//
// Layout under the store's directory (docs/formats/blob-file.md):
//   <aa>/<sha256 hex>   one sealed blob per content ("aa" = its first two hex digits)
//   tmp/                uploads in progress, sealed with a key that lives only in memory
// A blob file is a header (magic, format, chunk size, plaintext size, key id)
// and fixed-size chunks, each AES-256-GCM with the key ring's key, its own
// nonce, and AAD binding the content hash, the size and the chunk's index:
// no chunk can be moved, dropped or swapped without opening failing.
//
// Writing streams: a Writer takes the bytes as they arrive (hashing them and
// spooling them sealed under a one-time key), and Finish seals them under the
// ring's active key into the final file, fsyncs it, renames it into place and
// fsyncs the directory — so a blob is durable before anything refers to it.
// Nothing readable is left behind by an upload that stops, and a blob no
// event refers to is removed by Collect.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/result.h"
#include "eventstore/key_ring.h"

namespace ecab::es {

struct BlobInfo {
  std::string sha256;  // 64 lower-case hex digits
  std::uint64_t size = 0;
  bool deduplicated = false;  // the same content was stored already
};

// What a check of one blob found.
enum class BlobState : std::uint8_t {
  kIntact,
  kMissing,         // no file for that hash
  kTruncated,       // shorter than its header says (or than the size expected)
  kAltered,         // a chunk does not open, or the content's hash is not its name
  kKeyUnavailable,  // sealed with a key the ring does not hold
};
std::string_view BlobStateName(BlobState s);

class BlobStore {
 public:
  static constexpr std::uint32_t kChunkBytes = 256 * 1024;

  // Opens (creating) the store in `dir`. Uploads left in tmp/ by a process
  // that stopped are removed: their key died with it.
  static Result<std::unique_ptr<BlobStore>> Open(std::filesystem::path dir,
                                                 std::shared_ptr<const KeyRing> keys);
  // For readers beside a running node (ecab-audit): creates and removes
  // nothing; kNotFound when `dir` does not exist.
  static Result<std::unique_ptr<BlobStore>> OpenReadOnly(std::filesystem::path dir,
                                                         std::shared_ptr<const KeyRing> keys);

  class Writer {
   public:
    virtual ~Writer() = default;  // without Finish: the spooled bytes are removed
    virtual Status Append(std::string_view bytes) = 0;
    virtual std::uint64_t size() const = 0;
    // Seals the content into its final place (or finds it there) and syncs.
    virtual Result<BlobInfo> Finish() = 0;
  };
  Result<std::unique_ptr<Writer>> Begin();

  class Reader {
   public:
    virtual ~Reader() = default;
    virtual std::uint64_t size() const = 0;
    // Up to `max` bytes from `offset` (fewer only at the end; empty past
    // it). kDecryptionFailed or kCorruption when the stored bytes were altered.
    virtual Result<std::string> Read(std::uint64_t offset, std::size_t max) = 0;
  };
  // kNotFound when no blob has that hash.
  Result<std::unique_ptr<Reader>> Read(std::string_view sha256) const;

  bool Has(std::string_view sha256) const;
  // Opens every chunk and hashes the content; `expected_size` (when nonzero)
  // must match the header.
  BlobState Check(std::string_view sha256, std::uint64_t expected_size = 0) const;
  // The hashes of every stored blob, sorted.
  std::vector<std::string> List() const;
  // Removes the blobs not in `referenced` that were stored before `before`
  // (so an upload under way, whose event is not appended yet, is kept).
  // Returns how many were removed.
  Result<std::size_t> Collect(const std::set<std::string>& referenced,
                              std::filesystem::file_time_type before);
  // Seals the blob again under the ring's active key (after a rotation);
  // false when it already was.
  Result<bool> Reseal(std::string_view sha256);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path PathOf(std::string_view sha256) const;

 private:
  BlobStore(std::filesystem::path dir, std::shared_ptr<const KeyRing> keys)
      : dir_(std::move(dir)), keys_(std::move(keys)) {}
  friend class BlobWriterImpl;
  Result<BlobInfo> Install(const std::filesystem::path& spooled, const KeyRing& spool_key,
                           const std::string& sha256, std::uint64_t size);
  std::filesystem::path dir_;
  std::shared_ptr<const KeyRing> keys_;
  // Held while a blob is installed or deduplicated, and while Collect
  // decides on one and removes it: a blob just found again is never removed.
  mutable std::mutex install_mu_;
};

// True for 64 lower-case hex digits.
bool IsSha256Hex(std::string_view s);

}  // namespace ecab::es

// eventstore/view_store.h — a key-value store for read models, on its own
// RocksDB database beside the log. Values are sealed with the operator's keys
// (AES-256-GCM, the key bound in as associated data) like event payloads.
// Writes are atomic batches, so a projection stores its data and its
// checkpoint together.
//
// Thread-safe. Projections use this, never RocksDB directly.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/base/result.h"
#include "eventstore/key_ring.h"

namespace ecab::es {

// Puts and deletes applied together or not at all.
class ViewBatch {
 public:
  void Put(std::string key, std::string value) {
    ops_.emplace_back(std::move(key), std::move(value));
  }
  void Delete(std::string key) { ops_.emplace_back(std::move(key), std::nullopt); }
  bool empty() const { return ops_.empty(); }
  std::size_t size() const { return ops_.size(); }
  const std::vector<std::pair<std::string, std::optional<std::string>>>& ops() const {
    return ops_;
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> ops_;
};

class ViewStore {
 public:
  // Opens or creates the database in `dir`.
  static Result<std::unique_ptr<ViewStore>> Open(const std::filesystem::path& dir,
                                                 std::shared_ptr<const KeyRing> keys);
  ~ViewStore();
  ViewStore(const ViewStore&) = delete;
  ViewStore& operator=(const ViewStore&) = delete;

  // The value under `key`, or nullopt when there is none.
  Result<std::optional<std::string>> Get(std::string_view key) const;

  // Entries whose key starts with `prefix`, in key order, from `start_after`
  // (exclusive; empty: the first), at most `limit`.
  Result<std::vector<std::pair<std::string, std::string>>> Scan(
      std::string_view prefix, std::size_t limit, std::string_view start_after = {}) const;

  // The last entry whose key starts with `prefix` and is <= `key`, if any.
  Result<std::optional<std::pair<std::string, std::string>>> Floor(std::string_view prefix,
                                                                   std::string_view key) const;

  // Applies `batch` atomically. With `sync`, durable before it returns;
  // without, it survives a process crash but maybe not a machine crash.
  Status Write(const ViewBatch& batch, bool sync = false);

  // Writes a consistent copy of the whole store to `dir` (which must not
  // exist), cheaply: immutable table files are hard-linked, not copied.
  Status Checkpoint(const std::filesystem::path& dir) const;

  // Removes every entry (for a rebuild from position 0).
  Status Clear();

 private:
  struct Impl;
  explicit ViewStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecab::es

// eventstore/internal/store_impl.h — the state behind EventStore. Private.
//
// RocksDB column families (keys big-endian so they sort):
//   default   meta: "format" -> "1", "store_id" -> hex, "head" -> u64 position + 32-byte hash,
//             "keycheck/<key-id>" -> a sealed known plaintext, to catch a wrong key at open
//   events    u64 position -> record bytes (eventstore/record.h)
//   streams   stream 0x00 u64 version -> u64 position
//   heads     stream -> u64 version
//   commands  command id -> 32-byte fingerprint, u64 first, u64 last, u64 stream version
#pragma once

#include <rocksdb/db.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/record.h"

namespace ecab::es {

// One append waiting for the writer.
struct PendingAppend {
  AppendRequest request;
  Hash fingerprint{};
  std::promise<Result<AppendResult>> done;
};

struct EventStore::Impl {
  StoreOptions options;
  std::string store_id;
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* heads = nullptr;
  rocksdb::ColumnFamilyHandle* commands = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  // Writer-owned: only the writer thread touches these after Open.
  std::uint64_t head = 0;
  Hash head_hash{};
  std::int64_t last_recorded_us = 0;

  // The queue between Append callers and the writer.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<PendingAppend*> queue;
  bool stopping = false;
  std::thread writer;

  // What readers may see: the last acknowledged position.
  mutable std::mutex commit_mu;
  mutable std::condition_variable commit_cv;
  std::uint64_t committed = 0;  // guarded by commit_mu
  bool closed = false;          // guarded by commit_mu

  // A read-only open's temporary secondary directory, removed on close.
  bool owned_secondary_dir = false;
  // Set by Open when it salvaged a damaged log.
  std::optional<SalvageNote> salvage;

  ~Impl();

  // Why appends are refused once `stopping` is set.
  std::string ClosedReason() const {
    return options.read_only ? "the event store is open read-only" : "the event store is closing";
  }

  // The writer thread's body: drain the queue in batches until stopping.
  void WriterLoop();
  // Decides and commits one batch with one synced write; fulfils every promise.
  void CommitBatch(std::vector<PendingAppend*>& batch);
  // Decodes stored bytes into an event with its payload decrypted.
  Result<RecordedEvent> Decode(std::string_view bytes) const;
  // Reads and decodes the events at `positions`, in that order.
  Result<std::vector<RecordedEvent>> LoadPositions(
      const std::vector<std::uint64_t>& positions) const;
};

// Checks an append request's shape before it is queued.
Status ValidateAppend(const AppendRequest& request);
// What a command id binds: the request's own fingerprint when the caller
// gave one, else SHA-256 over a canonical encoding of everything the append
// asks for.
Hash Fingerprint(const AppendRequest& request);
// A `commands` value back into its record; nullopt when malformed.
std::optional<CommandRecord> DecodeCommand(std::string_view bytes);

}  // namespace ecab::es

// eventstore/event_store.h — the durable, append-only, hash-chained event log.
//
// Streams (one per aggregate) have versions 1, 2, …; all events share one
// global order, positions 1, 2, …. Appends from many threads meet in one
// queue; a single writer checks expected versions and command ids, assigns
// positions, seals payloads (AES-256-GCM), chains hashes, and commits a whole
// batch with one synced RocksDB write (group commit). An append returns only
// after its events are on disk.
//
// Thread-safe. Subscriptions and readers must not outlive the store.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/result.h"
#include "eventstore/chain_checker.h"
#include "eventstore/clock.h"
#include "eventstore/envelope.h"
#include "eventstore/head_witness.h"
#include "eventstore/key_ring.h"
#include "eventstore/subscription.h"

namespace ecab::es {

struct StoreOptions {
  // Directory of the RocksDB database; created if missing. Required.
  std::filesystem::path dir;
  // At-rest keys. Required.
  std::shared_ptr<const KeyRing> keys;
  // Source of recorded-at. Default: SystemClock.
  std::shared_ptr<Clock> clock;
  // Records at the tail whose hashes and links Open checks. Default: 1000.
  // 0 skips the check: only for audit tools that must open a damaged store
  // to report on it (they run Verify).
  std::uint64_t tail_check = 1000;
  // Most appends the writer commits with one sync. Default: 1024.
  std::size_t max_batch = 1024;
  // What Open does when RocksDB finds its write-ahead log or a table file
  // damaged (a flipped byte, a cut or missing WAL, a missing SST), or the
  // witness claims more than the log holds. kRefuse: Open fails with
  // kCorruption naming the file and what to do (docs/OPERATIONS.md).
  // kSalvagePrefix: keep the intact prefix (RocksDB point-in-time recovery)
  // and report it in salvage(); only on an operator's explicit decision, and
  // the caller records the salvage as an event. Default: kRefuse.
  enum class Recovery { kRefuse, kSalvagePrefix };
  Recovery recovery = Recovery::kRefuse;
  // The append-only file of signed tree heads beside the store
  // (eventstore/head_witness.h). Open refuses (kCorruption, naming both sizes)
  // a log shorter than the witness's last head, or whose event at that size
  // has another hash. Empty: no witness. Default: empty.
  std::filesystem::path witness{};
  // Open a store that another process may be writing, without disturbing it:
  // a RocksDB secondary instance (its own files under `secondary_dir`, a
  // fresh temporary directory when empty) that sees the log as it stood at
  // Open. Appends answer kInvalidArgument. For audit tools. Default: false.
  bool read_only = false;
  std::filesystem::path secondary_dir{};
};

enum class Direction { kForward, kBackward };

inline constexpr std::uint64_t kEnd = std::numeric_limits<std::uint64_t>::max();

class EventStore {
 public:
  // Opens or creates a store. Refuses (kCorruption) when the chain at the
  // tail is broken or truncated, naming the position; when RocksDB finds its
  // WAL or a table file damaged or missing, naming the file; when the log is
  // shorter than its witness or diverges from it, naming both sizes (unless
  // options.recovery salvages). kKeyUnavailable when a listed key is not the
  // key this store was written with. kNotFound for a read-only open of a
  // directory that holds no store.
  static Result<std::unique_ptr<EventStore>> Open(StoreOptions options);

  // Stops accepting appends, commits what was queued, and closes.
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends all of request.events to request.stream, or nothing. Errors:
  // kWrongExpectedVersion (nothing written), kIdempotencyMismatch (the
  // command id was stored with other content), kInvalidArgument, kIoError,
  // kShutDown. A command id already stored with the same content returns the
  // original result and writes nothing.
  Result<AppendResult> Append(AppendRequest request);

  // Several appends queued together, in order, so they commit in the same
  // group (and may chain expected versions of one stream: request i+1 can
  // expect the version request i leaves). One result per request, each with
  // the same meaning as Append's.
  std::vector<Result<AppendResult>> AppendMany(std::vector<AppendRequest> requests);

  // What the append under `command_id` was bound to and returned, if one is
  // stored: lets a caller answer a retried command without deciding it again.
  Result<std::optional<CommandRecord>> FindCommand(std::string_view command_id) const;

  // Events of `stream` from version `from` (inclusive) in `direction`, at
  // most `max`. kBackward with from = kEnd starts at the newest. An unknown
  // stream reads as empty.
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, std::uint64_t from,
                                                Direction direction, std::size_t max) const;

  // Events of the global log with position >= from, in order, at most `max`.
  Result<std::vector<RecordedEvent>> ReadAll(std::uint64_t from, std::size_t max) const;

  // Catch up from `from`, then follow live appends.
  std::unique_ptr<Subscription> Subscribe(std::uint64_t from) const;

  // The stored bytes of the record at `position` (docs/formats/event-record.md),
  // for exports that let others recompute its hash. kNotFound past the head.
  Result<std::string> ReadRecord(std::uint64_t position) const;

  // The stored hashes of the events at positions from..from+max-1 (fewer at
  // the head), without decrypting anything: the Merkle tree's entries.
  Result<std::vector<Hash>> ReadHashes(std::uint64_t from, std::size_t max) const;

  // The last position recorded at or before `t` (0 when none): recorded-at
  // never decreases along the log, so this is a binary search.
  Result<std::uint64_t> PositionAt(Timestamp t) const;

  // The last acknowledged position (0 when empty).
  std::uint64_t head_position() const;
  // Waits until head_position() >= position or the deadline; returns the head.
  std::uint64_t WaitForPosition(std::uint64_t position,
                                std::chrono::steady_clock::time_point deadline) const;

  // Checks the hash chain over positions [from, to] without decrypting
  // anything; with to >= head it also checks the recorded head.
  Result<VerifyReport> Verify(std::uint64_t from = 1, std::uint64_t to = kEnd) const;

  // A random id fixed when the store was created.
  const std::string& store_id() const;

  // A consistent copy of the log as of now in the new directory `dir` (a
  // RocksDB checkpoint: hard links where it can), while appends go on.
  Status Checkpoint(const std::filesystem::path& dir) const;

  // Set when Open salvaged a damaged log (Recovery::kSalvagePrefix): what
  // was kept, what the witness had claimed, and why. nullopt otherwise.
  const std::optional<SalvageNote>& salvage() const;

  struct Impl;

 private:
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecab::es

// eventstore/internal/open.h — opening the RocksDB database behind a store,
// and the checks EventStore::Open runs, in this order, before its writer
// starts. Private to eventstore.
#pragma once

#include <rocksdb/status.h>

#include <memory>

#include "eventstore/internal/store_impl.h"

namespace ecab::es::internal {

inline Error FromRocks(const rocksdb::Status& s) {
  return MakeError(ErrorCode::kIoError, s.ToString());
}

// Opens the database (a secondary instance when options.read_only) with
// strict recovery: a damaged WAL record, a missing or short WAL or table
// file is kCorruption naming them. With Recovery::kSalvagePrefix, a damaged
// store is opened again keeping its intact prefix, and impl->salvage says why.
Result<std::unique_ptr<EventStore::Impl>> OpenOrSalvage(StoreOptions options);

// Format version and store id: written once, checked on every open.
Status InitMeta(EventStore::Impl& impl);

// Each key that ever sealed events left a sealed known text under its id; a
// listed key that cannot open its own check is the wrong key.
Status CheckKeys(EventStore::Impl& impl);

// The tail of the log must be intact before anything is appended after it;
// sets the head.
Status CheckTail(EventStore::Impl& impl);

// The log must hold at least what the witness saw signed, and the same.
Status CheckWitness(EventStore::Impl& impl);

// After a salvage: what was kept, for the caller's event and the witness.
Status NoteKept(EventStore::Impl& impl);

// The chain over positions [from, to], without decrypting anything.
Result<VerifyReport> CheckRange(const EventStore::Impl& impl, std::uint64_t from, std::uint64_t to);

}  // namespace ecab::es::internal

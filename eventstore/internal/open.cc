#include "eventstore/internal/open.h"

#include <openssl/rand.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cstdlib>

#include "eventstore/internal/bytes.h"

namespace ecab::es::internal {
namespace {

constexpr std::string_view kFormatVersion = "1";
constexpr std::string_view kKeyCheckPlaintext = "e-Cabinet key check";

rocksdb::ColumnFamilyOptions PointLookupFamily() {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

// The WAL files in `dir`, by name, for messages that must name them.
std::string WalFiles(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".log") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// How RocksDB recovers: strictly (any damage refuses), or a salvage mode.
enum class Mode { kStrict, kPointInTime, kBestEfforts };

rocksdb::DBOptions DatabaseOptions(const StoreOptions& options, Mode mode) {
  rocksdb::DBOptions db;
  db.create_if_missing = !options.read_only;
  db.create_missing_column_families = !options.read_only;
  db.IncreaseParallelism(2);
  db.paranoid_checks = true;
  // A damaged record anywhere in the WAL refuses to open instead of silently
  // dropping everything after it (the default, point-in-time recovery). Only
  // an incomplete last record is accepted: a crash (even SIGKILL: one
  // write(2) can be cut short) leaves one, and it was never acknowledged,
  // since an append returns only after its sync. A WAL cut short on purpose
  // looks the same to RocksDB; the witness (tree heads signed outside
  // RocksDB) is what catches that. kAbsoluteConsistency would refuse every
  // restart after a crash.
  db.wal_recovery_mode = mode == Mode::kStrict
                             ? rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords
                             : rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // The MANIFEST records each synced WAL: a deleted or shortened one is seen.
  db.track_and_verify_wals_in_manifest = mode == Mode::kStrict;
  db.best_efforts_recovery = mode == Mode::kBestEfforts;
  if (options.read_only) db.max_open_files = -1;  // required of a secondary instance
  return db;
}

Result<std::unique_ptr<EventStore::Impl>> OpenDatabase(StoreOptions& options, Mode mode) {
  auto impl = std::make_unique<EventStore::Impl>();
  const rocksdb::DBOptions db_options = DatabaseOptions(options, mode);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, PointLookupFamily()},
      {"events", rocksdb::ColumnFamilyOptions()},
      {"streams", rocksdb::ColumnFamilyOptions()},
      {"heads", PointLookupFamily()},
      {"commands", PointLookupFamily()},
  };
  std::error_code ec;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    if (!std::filesystem::exists(options.dir / "CURRENT", ec)) {
      return MakeError(ErrorCode::kNotFound, "no store at " + options.dir.string());
    }
    if (options.secondary_dir.empty()) {
      char pattern[] = "/tmp/ecab-secondary-XXXXXX";
      if (::mkdtemp(pattern) == nullptr)
        return MakeError(ErrorCode::kIoError, "cannot make a temporary directory");
      options.secondary_dir = pattern;
      impl->owned_secondary_dir = true;
    }
    s = rocksdb::DB::OpenAsSecondary(db_options, options.dir.string(),
                                     options.secondary_dir.string(), families, &impl->handles,
                                     &raw);
  } else {
    std::filesystem::create_directories(options.dir, ec);
    s = rocksdb::DB::Open(db_options, options.dir.string(), families, &impl->handles, &raw);
  }
  if (!s.ok()) {
    if (impl->owned_secondary_dir) std::filesystem::remove_all(options.secondary_dir, ec);
    const bool damaged = s.IsCorruption() || s.IsIOError() || s.IsPathNotFound();
    if (!damaged) return FromRocks(s);
    return MakeError(
        ErrorCode::kCorruption,
        "refusing to open " + options.dir.string() + ": RocksDB reports the store damaged (" +
            s.ToString() + "; write-ahead log files: " + WalFiles(options.dir) +
            "). Restore the data directory from a backup, or, to go on with the intact "
            "prefix of the log on purpose, start once with --salvage (docs/OPERATIONS.md)");
  }
  impl->db.reset(raw);
  impl->meta = impl->handles[0];
  impl->events = impl->handles[1];
  impl->streams = impl->handles[2];
  impl->heads = impl->handles[3];
  impl->commands = impl->handles[4];
  impl->options = options;
  return impl;
}

// Reads the head marker; (0, zeros) for a store with no events.
Result<std::pair<std::uint64_t, Hash>> ReadHeadMarker(const EventStore::Impl& impl) {
  std::string value;
  auto s = impl.db->Get(rocksdb::ReadOptions(), impl.meta, "head", &value);
  if (s.IsNotFound()) return std::pair<std::uint64_t, Hash>{0, Hash{}};
  if (!s.ok()) return FromRocks(s);
  internal::ByteReader in(value);
  std::pair<std::uint64_t, Hash> head;
  in.BigEndian(head.first);
  in.Fixed(head.second);
  if (in.failed() || in.remaining() != 0)
    return MakeError(ErrorCode::kCorruption, "malformed head marker");
  return head;
}

// The stored hash of the event at `position`.
Result<Hash> StoredHash(const EventStore::Impl& impl, std::uint64_t position) {
  std::string bytes;
  auto s = impl.db->Get(rocksdb::ReadOptions(), impl.events, U64Key(position), &bytes);
  if (s.IsNotFound()) {
    return MakeError(ErrorCode::kCorruption,
                     "the event at position " + std::to_string(position) + " is missing");
  }
  if (!s.ok()) return FromRocks(s);
  ECAB_TRY_LET(rec, ParseRecord(bytes));
  return rec->hash;
}

}  // namespace

// Opens strictly; when that finds damage and the operator asked for a
// salvage, opens again keeping what can be kept, and says why.
Result<std::unique_ptr<EventStore::Impl>> OpenOrSalvage(StoreOptions options) {
  auto strict = OpenDatabase(options, Mode::kStrict);
  if (strict.ok() || options.recovery != StoreOptions::Recovery::kSalvagePrefix ||
      strict.error().code != ErrorCode::kCorruption) {
    return strict;
  }
  for (Mode mode : {Mode::kPointInTime, Mode::kBestEfforts}) {
    auto salvaged = OpenDatabase(options, mode);
    if (!salvaged.ok()) continue;
    (*salvaged)->salvage = SalvageNote{0, Hash{}, 0, strict.error().message};
    return salvaged;
  }
  return strict;
}

// Format version and store id: written once, checked on every open.
Status InitMeta(EventStore::Impl& impl) {
  std::string value;
  auto s = impl.db->Get(rocksdb::ReadOptions(), impl.meta, "format", &value);
  if (s.IsNotFound() && impl.options.read_only) {
    return MakeError(ErrorCode::kNotFound, "no store at " + impl.options.dir.string());
  }
  if (s.ok() && value != kFormatVersion) {
    return MakeError(ErrorCode::kCorruption, "store format '" + value + "' is not supported");
  }
  if (s.IsNotFound()) {
    unsigned char id[16];
    if (RAND_bytes(id, sizeof id) != 1) return MakeError(ErrorCode::kIoError, "no randomness");
    rocksdb::WriteBatch wb;
    wb.Put(impl.meta, "format", kFormatVersion);
    wb.Put(impl.meta, "store_id", ToHex(std::string_view(reinterpret_cast<char*>(id), sizeof id)));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (auto w = impl.db->Write(wo, &wb); !w.ok()) return FromRocks(w);
  } else if (!s.ok()) {
    return FromRocks(s);
  }
  s = impl.db->Get(rocksdb::ReadOptions(), impl.meta, "store_id", &impl.store_id);
  return s.ok() ? Status(Ok{}) : Status(FromRocks(s));
}

// Each key that ever sealed events left a sealed known text under its id; a
// listed key that cannot open its own check is the wrong key.
Status CheckKeys(EventStore::Impl& impl) {
  const KeyRing& keys = *impl.options.keys;
  auto iterator =
      std::unique_ptr<rocksdb::Iterator>(impl.db->NewIterator(rocksdb::ReadOptions(), impl.meta));
  for (iterator->Seek("keycheck/"); iterator->Valid() && iterator->key().starts_with("keycheck/");
       iterator->Next()) {
    StoredRecord probe;
    auto parsed = ParseRecord(iterator->value().ToStringView());
    if (!parsed.ok()) return MakeError(ErrorCode::kCorruption, "malformed key check entry");
    if (!keys.Has(parsed->payload.key_id))
      continue;  // older key not listed: its events fail on read
    auto opened = keys.Open(parsed->payload, "keycheck");
    if (!opened.ok() || *opened != kKeyCheckPlaintext) {
      return MakeError(ErrorCode::kKeyUnavailable,
                       "key '" + parsed->payload.key_id +
                           "' in the key file is not the key this store "
                           "was written with");
    }
  }
  if (auto st = iterator->status(); !st.ok()) return FromRocks(st);
  const std::string check_key = "keycheck/" + keys.active_id();
  std::string existing;
  auto s = impl.db->Get(rocksdb::ReadOptions(), impl.meta, check_key, &existing);
  if (s.ok() || (s.IsNotFound() && impl.options.read_only)) return Ok{};
  if (!s.IsNotFound()) return FromRocks(s);
  StoredRecord check;
  ECAB_TRY_LET(sealed, keys.Seal(kKeyCheckPlaintext, "keycheck"));
  check.payload = std::move(sealed).value();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  s = impl.db->Put(wo, impl.meta, check_key, SealRecord(check));
  return s.ok() ? Status(Ok{}) : Status(FromRocks(s));
}

Result<VerifyReport> CheckRange(const EventStore::Impl& impl, std::uint64_t from,
                                std::uint64_t to) {
  ECAB_TRY_LET(head, ReadHeadMarker(impl));
  from = std::max<std::uint64_t>(from, 1);
  std::optional<Hash> prev;
  if (from == 1) {
    prev = Hash{};
  } else {
    std::string bytes;
    if (impl.db->Get(rocksdb::ReadOptions(), impl.events, U64Key(from - 1), &bytes).ok()) {
      if (auto r = ParseRecord(bytes); r.ok()) prev = r->hash;
    }
  }
  ChainChecker checker(from, prev);
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(rocksdb::ReadOptions(), impl.events));
  for (it->Seek(U64Key(from)); it->Valid(); it->Next()) {
    const std::uint64_t position = internal::ParseU64Key(it->key().ToStringView());
    if (position > to) break;
    checker.Add(position, it->value().ToStringView());
  }
  if (!it->status().ok()) return FromRocks(it->status());
  if (to >= head->first) checker.Finish(head->first, head->second);
  VerifyReport report = checker.report();
  report.head = head->first;
  return report;
}

// The tail of the log must be intact before anything is appended after it.
Status CheckTail(EventStore::Impl& impl) {
  ECAB_TRY_LET(head, ReadHeadMarker(impl));
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(rocksdb::ReadOptions(), impl.events));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status());
  const std::uint64_t last = it->Valid() ? internal::ParseU64Key(it->key().ToStringView()) : 0;
  const std::uint64_t tail = std::max(last, head->first);
  const std::uint64_t from =
      tail > impl.options.tail_check ? tail - impl.options.tail_check + 1 : 1;
  ECAB_TRY_LET(report, CheckRange(impl, from, kEnd));
  if (impl.options.tail_check > 0 && !report->ok()) {
    const ChainFault& f = report->faults.front();
    return MakeError(ErrorCode::kCorruption, "refusing to open " + impl.options.dir.string() +
                                                 ": the event chain is broken at position " +
                                                 std::to_string(f.position) + " (" + f.reason +
                                                 ")");
  }
  impl.head = head->first;
  impl.head_hash = head->second;
  impl.committed = head->first;
  if (head->first > 0) {
    std::string bytes;
    if (auto s = impl.db->Get(rocksdb::ReadOptions(), impl.events, U64Key(head->first), &bytes);
        !s.ok()) {
      return FromRocks(s);
    }
    ECAB_TRY_LET(rec, ParseRecord(bytes));
    impl.last_recorded_us = rec->recorded_at_us;
  }
  return Ok{};
}

// The log must hold at least what the witness saw signed, and the same.
Status CheckWitness(EventStore::Impl& impl) {
  if (impl.options.witness.empty()) return Ok{};
  ECAB_TRY_LET(claim, ReadWitness(impl.options.witness));
  if (!claim->has_value() || (*claim)->size == 0) return Ok{};
  const WitnessClaim& w = **claim;
  const std::string where = "the witness " + impl.options.witness.string() + " (line " +
                            std::to_string(w.line) + ", signed " + FormatRfc3339(w.time) + ")";
  const bool salvaging = impl.options.recovery == StoreOptions::Recovery::kSalvagePrefix;
  if (impl.head < w.size) {
    const std::string lost = "the log holds " + std::to_string(impl.head) + " events but " + where +
                             " says a tree head of size " + std::to_string(w.size) +
                             " was signed: events " + std::to_string(impl.head + 1) + ".." +
                             std::to_string(w.size) + " are lost";
    if (salvaging) {
      if (!impl.salvage) impl.salvage = SalvageNote{};
      impl.salvage->witnessed = w.size;
      impl.salvage->reason += (impl.salvage->reason.empty() ? "" : "; ") + lost;
      return Ok{};
    }
    return MakeError(
        ErrorCode::kCorruption,
        "refusing to open " + impl.options.dir.string() + ": " + lost +
            ". Restore the data directory from a backup, or start once with --salvage to go on "
            "with the " +
            std::to_string(impl.head) + " events on purpose (docs/OPERATIONS.md)");
  }
  ECAB_TRY_LET(hash, StoredHash(impl, w.size));
  if (*hash != w.last_hash) {
    return MakeError(ErrorCode::kCorruption,
                     "refusing to open " + impl.options.dir.string() + ": the log of " +
                         std::to_string(impl.head) +
                         " events diverges from the tree head of size " + std::to_string(w.size) +
                         " in " + where + ": the event at position " + std::to_string(w.size) +
                         " has hash " + ToHex(*hash) + ", the witness recorded " +
                         ToHex(w.last_hash));
  }
  return Ok{};
}

// After a salvage: what was kept, for the caller's event and the witness.
Status NoteKept(EventStore::Impl& impl) {
  if (!impl.salvage) return Ok{};
  impl.salvage->kept = impl.head;
  if (impl.head == 0) return Ok{};
  ECAB_TRY_LET(hash, StoredHash(impl, impl.head));
  impl.salvage->kept_hash = *hash;
  return Ok{};
}

}  // namespace ecab::es::internal

#include "eventstore/event_store.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include "eventstore/internal/bytes.h"
#include "eventstore/internal/store_impl.h"

namespace ecab::es {
namespace {

using internal::U64Key;

constexpr std::string_view kFormatVersion = "1";
constexpr std::string_view kKeyCheckPlaintext = "e-Cabinet key check";

Error FromRocks(const rocksdb::Status& s) { return MakeError(ErrorCode::kIoError, s.ToString()); }

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
  db.wal_recovery_mode = mode == Mode::kStrict ? rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords
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
      if (::mkdtemp(pattern) == nullptr) return MakeError(ErrorCode::kIoError, "cannot make a temporary directory");
      options.secondary_dir = pattern;
      impl->owned_secondary_dir = true;
    }
    s = rocksdb::DB::OpenAsSecondary(db_options, options.dir.string(), options.secondary_dir.string(), families,
                                     &impl->handles, &raw);
  } else {
    std::filesystem::create_directories(options.dir, ec);
    s = rocksdb::DB::Open(db_options, options.dir.string(), families, &impl->handles, &raw);
  }
  if (!s.ok()) {
    if (impl->owned_secondary_dir) std::filesystem::remove_all(options.secondary_dir, ec);
    const bool damaged = s.IsCorruption() || s.IsIOError() || s.IsPathNotFound();
    if (!damaged) return FromRocks(s);
    return MakeError(ErrorCode::kCorruption,
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
  auto iterator = std::unique_ptr<rocksdb::Iterator>(impl.db->NewIterator(rocksdb::ReadOptions(), impl.meta));
  for (iterator->Seek("keycheck/"); iterator->Valid() && iterator->key().starts_with("keycheck/"); iterator->Next()) {
    StoredRecord probe;
    auto parsed = ParseRecord(iterator->value().ToStringView());
    if (!parsed.ok()) return MakeError(ErrorCode::kCorruption, "malformed key check entry");
    if (!keys.Has(parsed->payload.key_id)) continue;  // older key not listed: its events fail on read
    auto opened = keys.Open(parsed->payload, "keycheck");
    if (!opened.ok() || *opened != kKeyCheckPlaintext) {
      return MakeError(ErrorCode::kKeyUnavailable, "key '" + parsed->payload.key_id +
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
  auto sealed = keys.Seal(kKeyCheckPlaintext, "keycheck");
  if (!sealed.ok()) return sealed.error();
  check.payload = std::move(sealed).value();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  s = impl.db->Put(wo, impl.meta, check_key, SealRecord(check));
  return s.ok() ? Status(Ok{}) : Status(FromRocks(s));
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
  if (in.failed() || in.remaining() != 0) return MakeError(ErrorCode::kCorruption, "malformed head marker");
  return head;
}

Result<VerifyReport> CheckRange(const EventStore::Impl& impl, std::uint64_t from, std::uint64_t to) {
  auto head = ReadHeadMarker(impl);
  if (!head.ok()) return head.error();
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
  auto head = ReadHeadMarker(impl);
  if (!head.ok()) return head.error();
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(rocksdb::ReadOptions(), impl.events));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status());
  const std::uint64_t last = it->Valid() ? internal::ParseU64Key(it->key().ToStringView()) : 0;
  const std::uint64_t tail = std::max(last, head->first);
  const std::uint64_t from = tail > impl.options.tail_check ? tail - impl.options.tail_check + 1 : 1;
  auto report = CheckRange(impl, from, kEnd);
  if (!report.ok()) return report.error();
  if (impl.options.tail_check > 0 && !report->ok()) {
    const ChainFault& f = report->faults.front();
    return MakeError(ErrorCode::kCorruption,
                     "refusing to open " + impl.options.dir.string() + ": the event chain is broken at position " +
                         std::to_string(f.position) + " (" + f.reason + ")");
  }
  impl.head = head->first;
  impl.head_hash = head->second;
  impl.committed = head->first;
  if (head->first > 0) {
    std::string bytes;
    if (auto s = impl.db->Get(rocksdb::ReadOptions(), impl.events, U64Key(head->first), &bytes); !s.ok()) {
      return FromRocks(s);
    }
    auto rec = ParseRecord(bytes);
    if (!rec.ok()) return rec.error();
    impl.last_recorded_us = rec->recorded_at_us;
  }
  return Ok{};
}

// The stored hash of the event at `position`.
Result<Hash> StoredHash(const EventStore::Impl& impl, std::uint64_t position) {
  std::string bytes;
  auto s = impl.db->Get(rocksdb::ReadOptions(), impl.events, U64Key(position), &bytes);
  if (s.IsNotFound()) {
    return MakeError(ErrorCode::kCorruption, "the event at position " + std::to_string(position) + " is missing");
  }
  if (!s.ok()) return FromRocks(s);
  auto rec = ParseRecord(bytes);
  if (!rec.ok()) return rec.error();
  return rec->hash;
}

// The log must hold at least what the witness saw signed, and the same.
Status CheckWitness(EventStore::Impl& impl) {
  if (impl.options.witness.empty()) return Ok{};
  auto claim = ReadWitness(impl.options.witness);
  if (!claim.ok()) return claim.error();
  if (!claim->has_value() || (*claim)->size == 0) return Ok{};
  const WitnessClaim& w = **claim;
  const std::string where = "the witness " + impl.options.witness.string() + " (line " + std::to_string(w.line) +
                            ", signed " + FormatRfc3339(w.time) + ")";
  const bool salvaging = impl.options.recovery == StoreOptions::Recovery::kSalvagePrefix;
  if (impl.head < w.size) {
    const std::string lost = "the log holds " + std::to_string(impl.head) + " events but " + where +
                             " says a tree head of size " + std::to_string(w.size) + " was signed: events " +
                             std::to_string(impl.head + 1) + ".." + std::to_string(w.size) + " are lost";
    if (salvaging) {
      if (!impl.salvage) impl.salvage = SalvageNote{};
      impl.salvage->witnessed = w.size;
      impl.salvage->reason += (impl.salvage->reason.empty() ? "" : "; ") + lost;
      return Ok{};
    }
    return MakeError(ErrorCode::kCorruption,
                     "refusing to open " + impl.options.dir.string() + ": " + lost +
                         ". Restore the data directory from a backup, or start once with --salvage to go on "
                         "with the " + std::to_string(impl.head) + " events on purpose (docs/OPERATIONS.md)");
  }
  auto hash = StoredHash(impl, w.size);
  if (!hash.ok()) return hash.error();
  if (*hash != w.last_hash) {
    return MakeError(ErrorCode::kCorruption,
                     "refusing to open " + impl.options.dir.string() + ": the log of " + std::to_string(impl.head) +
                         " events diverges from the tree head of size " + std::to_string(w.size) + " in " + where +
                         ": the event at position " + std::to_string(w.size) + " has hash " + ToHex(*hash) +
                         ", the witness recorded " + ToHex(w.last_hash));
  }
  return Ok{};
}

// After a salvage: what was kept, for the caller's event and the witness.
Status NoteKept(EventStore::Impl& impl) {
  if (!impl.salvage) return Ok{};
  impl.salvage->kept = impl.head;
  if (impl.head == 0) return Ok{};
  auto hash = StoredHash(impl, impl.head);
  if (!hash.ok()) return hash.error();
  impl.salvage->kept_hash = *hash;
  return Ok{};
}

class LocalSubscription final : public Subscription {
 public:
  LocalSubscription(const EventStore& store, std::uint64_t from)
      : store_(store), next_(std::max<std::uint64_t>(from, 1)) {}

  Result<std::vector<RecordedEvent>> Next(std::size_t max, std::chrono::milliseconds wait) override {
    if (store_.head_position() < next_) {
      store_.WaitForPosition(next_, std::chrono::steady_clock::now() + wait);
    }
    auto events = store_.ReadAll(next_, max);
    if (events.ok() && !events->empty()) next_ = events->back().position + 1;
    return events;
  }

  std::uint64_t next_position() const override { return next_; }

 private:
  const EventStore& store_;
  std::uint64_t next_;
};

}  // namespace

EventStore::Impl::~Impl() {
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  if (db) db->Close().PermitUncheckedError();  // closing: nothing left to report to
  db.reset();
  std::error_code ec;
  if (owned_secondary_dir) std::filesystem::remove_all(options.secondary_dir, ec);
}

Result<std::unique_ptr<EventStore>> EventStore::Open(StoreOptions options) {
  if (options.dir.empty()) return MakeError(ErrorCode::kInvalidArgument, "store directory is required");
  if (!options.keys) return MakeError(ErrorCode::kKeyUnavailable, "no key ring given");
  if (!options.clock) options.clock = std::make_shared<SystemClock>();
  if (options.max_batch == 0) options.max_batch = 1;
  if (options.read_only) options.recovery = StoreOptions::Recovery::kRefuse;
  auto impl = OpenOrSalvage(std::move(options));
  if (!impl.ok()) return impl.error();
  for (auto step : {&InitMeta, &CheckKeys, &CheckTail, &CheckWitness, &NoteKept}) {
    if (auto s = step(**impl); !s.ok()) return s.error();
  }
  Impl* raw = impl->get();
  if (raw->options.read_only) {
    raw->stopping = true;  // no writer: appends are refused
  } else {
    raw->writer = std::thread([raw] { raw->WriterLoop(); });
  }
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl).value()));
}

EventStore::EventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EventStore::~EventStore() {
  {
    std::lock_guard g(impl_->queue_mu);
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
  {
    std::lock_guard g(impl_->commit_mu);
    impl_->closed = true;
  }
  impl_->commit_cv.notify_all();
}

const std::string& EventStore::store_id() const { return impl_->store_id; }

const std::optional<SalvageNote>& EventStore::salvage() const { return impl_->salvage; }

Result<std::optional<CommandRecord>> EventStore::FindCommand(std::string_view command_id) const {
  std::string value;
  const rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->commands, command_id, &value);
  if (s.IsNotFound()) return std::optional<CommandRecord>{};
  if (!s.ok()) return MakeError(ErrorCode::kIoError, "reading command '" + std::string(command_id) + "': " + s.ToString());
  auto record = DecodeCommand(value);
  if (!record) return MakeError(ErrorCode::kCorruption, "command record '" + std::string(command_id) + "' is malformed");
  return record;
}

std::uint64_t EventStore::head_position() const {
  std::lock_guard g(impl_->commit_mu);
  return impl_->committed;
}

std::uint64_t EventStore::WaitForPosition(std::uint64_t position,
                                          std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(impl_->commit_mu);
  impl_->commit_cv.wait_until(lock, deadline,
                              [&] { return impl_->committed >= position || impl_->closed; });
  return impl_->committed;
}

std::unique_ptr<Subscription> EventStore::Subscribe(std::uint64_t from) const {
  return std::make_unique<LocalSubscription>(*this, from);
}

Result<std::string> EventStore::ReadRecord(std::uint64_t position) const {
  if (position == 0 || position > head_position()) {
    return MakeError(ErrorCode::kNotFound, "no event at position " + std::to_string(position));
  }
  std::string bytes;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), impl_->events, U64Key(position), &bytes);
  if (s.IsNotFound()) return MakeError(ErrorCode::kCorruption, "event at position " + std::to_string(position) + " is missing");
  if (!s.ok()) return FromRocks(s);
  return bytes;
}

Result<std::vector<Hash>> EventStore::ReadHashes(std::uint64_t from, std::size_t max) const {
  from = std::max<std::uint64_t>(from, 1);
  const std::uint64_t head = head_position();
  std::vector<Hash> out;
  if (from > head) return out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(max, head - from + 1)));
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->events));
  std::uint64_t expected = from;
  for (it->Seek(U64Key(from)); it->Valid() && out.size() < max && expected <= head; it->Next(), ++expected) {
    if (internal::ParseU64Key(it->key().ToStringView()) != expected) {
      return MakeError(ErrorCode::kCorruption, "event at position " + std::to_string(expected) + " is missing");
    }
    const auto value = it->value().ToStringView();
    if (value.size() < 32) return MakeError(ErrorCode::kCorruption, "record " + std::to_string(expected) + " is truncated");
    Hash h;
    std::memcpy(h.data(), value.data() + value.size() - 32, 32);
    out.push_back(h);
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return out;
}

Result<std::uint64_t> EventStore::PositionAt(Timestamp t) const {
  std::uint64_t lo = 0, hi = head_position();  // answer in [lo, hi]
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo + 1) / 2;
    std::string bytes;
    auto s = impl_->db->Get(rocksdb::ReadOptions(), impl_->events, U64Key(mid), &bytes);
    if (!s.ok()) return FromRocks(s);
    auto rec = ParseRecord(bytes);  // the envelope is in the clear: no decryption needed
    if (!rec.ok()) return rec.error();
    if (rec->recorded_at_us <= ToMicros(t)) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

Result<VerifyReport> EventStore::Verify(std::uint64_t from, std::uint64_t to) const {
  return CheckRange(*impl_, from, to);
}

Result<RecordedEvent> EventStore::Impl::Decode(std::string_view bytes) const {
  auto rec = ParseRecord(bytes);
  if (!rec.ok()) return rec.error();
  auto plain = options.keys->Open(rec->payload, PayloadAad(*rec));
  if (!plain.ok()) {
    return MakeError(plain.error().code,
                     "event at position " + std::to_string(rec->position) + ": " + plain.error().message);
  }
  RecordedEvent e;
  e.position = rec->position;
  e.body = std::move(rec->body);
  e.stream = std::move(rec->stream);
  e.version = rec->version;
  e.type = std::move(rec->type);
  e.schema_version = rec->schema_version;
  e.recorded_at = FromMicros(rec->recorded_at_us);
  e.actor = std::move(rec->actor);
  e.command_id = std::move(rec->command_id);
  e.correlation_id = std::move(rec->correlation_id);
  e.causation_id = std::move(rec->causation_id);
  e.payload = std::move(plain).value();
  e.signature = std::move(rec->signature);
  e.key_id = std::move(rec->payload.key_id);
  e.prev_hash = rec->prev_hash;
  e.hash = rec->hash;
  return e;
}

Result<std::vector<RecordedEvent>> EventStore::ReadAll(std::uint64_t from, std::size_t max) const {
  from = std::max<std::uint64_t>(from, 1);
  const std::uint64_t head = head_position();
  std::vector<RecordedEvent> out;
  if (from > head || max == 0) return out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(max, head - from + 1)));
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->events));
  std::uint64_t expected = from;
  for (it->Seek(U64Key(from)); it->Valid() && out.size() < max && expected <= head; it->Next()) {
    const std::uint64_t position = internal::ParseU64Key(it->key().ToStringView());
    if (position != expected) {
      return MakeError(ErrorCode::kCorruption, "event at position " + std::to_string(expected) + " is missing");
    }
    auto e = impl_->Decode(it->value().ToStringView());
    if (!e.ok()) return e.error();
    out.push_back(std::move(e).value());
    ++expected;
  }
  if (!it->status().ok()) return FromRocks(it->status());
  if (out.size() < max && expected <= head) {
    return MakeError(ErrorCode::kCorruption, "event at position " + std::to_string(expected) + " is missing");
  }
  return out;
}

Result<std::vector<RecordedEvent>> EventStore::Impl::LoadPositions(
    const std::vector<std::uint64_t>& positions) const {
  std::vector<std::string> keys;
  keys.reserve(positions.size());
  for (auto p : positions) keys.push_back(U64Key(p));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<std::string> values;
  std::vector<rocksdb::ColumnFamilyHandle*> families(keys.size(), events);
  const auto statuses = db->MultiGet(rocksdb::ReadOptions(), families, slices, &values);
  std::vector<RecordedEvent> out;
  out.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return MakeError(ErrorCode::kCorruption,
                       "stream index names position " + std::to_string(positions[i]) + ", which is missing");
    }
    if (!statuses[i].ok()) return FromRocks(statuses[i]);
    auto e = Decode(values[i]);
    if (!e.ok()) return e.error();
    out.push_back(std::move(e).value());
  }
  return out;
}

Result<std::vector<RecordedEvent>> EventStore::ReadStream(std::string_view stream, std::uint64_t from,
                                                          Direction direction, std::size_t max) const {
  std::string prefix(stream);
  prefix.push_back('\0');
  std::string start = prefix;
  internal::PutBigEndian<std::uint64_t>(start, from);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->streams));
  std::vector<std::uint64_t> positions;
  const std::uint64_t head = head_position();
  auto take = [&] {
    if (!it->Valid() || !it->key().starts_with(prefix) || positions.size() >= max) return false;
    const std::uint64_t p = internal::ParseU64Key(it->value().ToStringView());
    if (p <= head) positions.push_back(p);
    return true;
  };
  if (direction == Direction::kForward) {
    for (it->Seek(start); take(); it->Next()) {}
  } else {
    for (it->SeekForPrev(start); take(); it->Prev()) {}
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return impl_->LoadPositions(positions);
}

}  // namespace ecab::es

#include "eventstore/event_store.h"

#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "eventstore/internal/bytes.h"
#include "eventstore/internal/open.h"
#include "eventstore/internal/store_impl.h"

namespace ecab::es {
namespace {
using internal::CheckRange;
using internal::FromRocks;
using internal::U64Key;

class LocalSubscription final : public Subscription {
 public:
  LocalSubscription(const EventStore& store, std::uint64_t from)
      : store_(store), next_(std::max<std::uint64_t>(from, 1)) {}

  Result<std::vector<RecordedEvent>> Next(std::size_t max,
                                          std::chrono::milliseconds wait) override {
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
  if (options.dir.empty())
    return MakeError(ErrorCode::kInvalidArgument, "store directory is required");
  if (!options.keys) return MakeError(ErrorCode::kKeyUnavailable, "no key ring given");
  if (!options.clock) options.clock = std::make_shared<SystemClock>();
  if (options.max_batch == 0) options.max_batch = 1;
  if (options.read_only) options.recovery = StoreOptions::Recovery::kRefuse;
  ECAB_TRY_LET(impl, internal::OpenOrSalvage(std::move(options)));
  for (auto step : {&internal::InitMeta, &internal::CheckKeys, &internal::CheckTail,
                    &internal::CheckWitness, &internal::NoteKept}) {
    ECAB_TRY(step(**impl));
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

Status EventStore::Checkpoint(const std::filesystem::path& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(impl_->db.get(), &raw);
  if (!s.ok()) return internal::FromRocks(s);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  s = checkpoint->CreateCheckpoint(dir.string());
  return s.ok() ? Status(Ok{}) : Status(internal::FromRocks(s));
}

const std::optional<SalvageNote>& EventStore::salvage() const { return impl_->salvage; }

Result<std::optional<CommandRecord>> EventStore::FindCommand(std::string_view command_id) const {
  std::string value;
  const rocksdb::Status s =
      impl_->db->Get(rocksdb::ReadOptions(), impl_->commands, command_id, &value);
  if (s.IsNotFound()) return std::optional<CommandRecord>{};
  if (!s.ok())
    return MakeError(ErrorCode::kIoError,
                     "reading command '" + std::string(command_id) + "': " + s.ToString());
  auto record = DecodeCommand(value);
  if (!record)
    return MakeError(ErrorCode::kCorruption,
                     "command record '" + std::string(command_id) + "' is malformed");
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
  if (s.IsNotFound())
    return MakeError(ErrorCode::kCorruption,
                     "event at position " + std::to_string(position) + " is missing");
  if (!s.ok()) return FromRocks(s);
  return bytes;
}

Result<std::vector<Hash>> EventStore::ReadHashes(std::uint64_t from, std::size_t max) const {
  from = std::max<std::uint64_t>(from, 1);
  const std::uint64_t head = head_position();
  std::vector<Hash> out;
  if (from > head) return out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(max, head - from + 1)));
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->events));
  std::uint64_t expected = from;
  for (it->Seek(U64Key(from)); it->Valid() && out.size() < max && expected <= head;
       it->Next(), ++expected) {
    if (internal::ParseU64Key(it->key().ToStringView()) != expected) {
      return MakeError(ErrorCode::kCorruption,
                       "event at position " + std::to_string(expected) + " is missing");
    }
    const auto value = it->value().ToStringView();
    if (value.size() < 32)
      return MakeError(ErrorCode::kCorruption,
                       "record " + std::to_string(expected) + " is truncated");
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
  ECAB_TRY_LET(rec, ParseRecord(bytes));
  auto plain = options.keys->Open(rec->payload, PayloadAad(*rec));
  if (!plain.ok()) {
    return MakeError(plain.error().code, "event at position " + std::to_string(rec->position) +
                                             ": " + plain.error().message);
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
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->events));
  std::uint64_t expected = from;
  for (it->Seek(U64Key(from)); it->Valid() && out.size() < max && expected <= head; it->Next()) {
    const std::uint64_t position = internal::ParseU64Key(it->key().ToStringView());
    if (position != expected) {
      return MakeError(ErrorCode::kCorruption,
                       "event at position " + std::to_string(expected) + " is missing");
    }
    ECAB_TRY_LET(e, impl_->Decode(it->value().ToStringView()));
    out.push_back(std::move(e).value());
    ++expected;
  }
  if (!it->status().ok()) return FromRocks(it->status());
  if (out.size() < max && expected <= head) {
    return MakeError(ErrorCode::kCorruption,
                     "event at position " + std::to_string(expected) + " is missing");
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
      return MakeError(
          ErrorCode::kCorruption,
          "stream index names position " + std::to_string(positions[i]) + ", which is missing");
    }
    if (!statuses[i].ok()) return FromRocks(statuses[i]);
    ECAB_TRY_LET(e, Decode(values[i]));
    out.push_back(std::move(e).value());
  }
  return out;
}

Result<std::vector<RecordedEvent>> EventStore::ReadStream(std::string_view stream,
                                                          std::uint64_t from, Direction direction,
                                                          std::size_t max) const {
  std::string prefix(stream);
  prefix.push_back('\0');
  std::string start = prefix;
  internal::PutBigEndian<std::uint64_t>(start, from);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->streams));
  std::vector<std::uint64_t> positions;
  const std::uint64_t head = head_position();
  auto take = [&] {
    if (!it->Valid() || !it->key().starts_with(prefix) || positions.size() >= max) return false;
    const std::uint64_t p = internal::ParseU64Key(it->value().ToStringView());
    if (p <= head) positions.push_back(p);
    return true;
  };
  if (direction == Direction::kForward) {
    for (it->Seek(start); take(); it->Next()) {
    }
  } else {
    for (it->SeekForPrev(start); take(); it->Prev()) {
    }
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return impl_->LoadPositions(positions);
}

}  // namespace ecab::es

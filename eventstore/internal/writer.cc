// The append path: validation and fingerprint in the caller's thread, then
// the single writer: idempotency, expected versions, positions, sealing,
// hash chaining, one synced write per batch.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <unordered_map>

#include "eventstore/internal/bytes.h"
#include "eventstore/internal/store_impl.h"

namespace ecab::es {
namespace {

using internal::ByteReader;
using internal::PutBigEndian;
using internal::PutStr;
using internal::U64Key;

constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxEventsPerAppend = 10'000;
constexpr std::size_t kMaxAppendBytes = 64u << 20;

Status CheckId(std::string_view what, std::string_view id, bool required) {
  if (id.empty()) {
    if (!required) return Ok{};
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is required");
  }
  if (id.size() > kMaxIdBytes) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is longer than " +
                                                      std::to_string(kMaxIdBytes) + " bytes");
  }
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7F) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string(what) + " contains a control character");
    }
  }
  return Ok{};
}

std::string EncodeCommand(const CommandRecord& c) {
  std::string out(reinterpret_cast<const char*>(c.fingerprint.data()), c.fingerprint.size());
  PutBigEndian<std::uint64_t>(out, c.result.first_position);
  PutBigEndian<std::uint64_t>(out, c.result.last_position);
  PutBigEndian<std::uint64_t>(out, c.result.stream_version);
  return out;
}

Status CheckExpected(const AppendRequest& r, std::uint64_t current) {
  const ExpectedVersion& e = r.expected;
  if (e.kind == ExpectedVersion::Kind::kAny) return Ok{};
  const std::uint64_t want = e.kind == ExpectedVersion::Kind::kNoStream ? 0 : e.version;
  if (current == want) return Ok{};
  return MakeError(ErrorCode::kWrongExpectedVersion,
                   "stream '" + r.stream + "' is at version " + std::to_string(current) +
                       (want == 0 ? ", expected no stream" : ", expected " + std::to_string(want)));
}

}  // namespace

std::optional<CommandRecord> DecodeCommand(std::string_view bytes) {
  CommandRecord c;
  ByteReader in(bytes);
  in.Fixed(c.fingerprint);
  in.BigEndian(c.result.first_position);
  in.BigEndian(c.result.last_position);
  in.BigEndian(c.result.stream_version);
  if (in.failed() || in.remaining() != 0) return std::nullopt;
  return c;
}

Status ValidateAppend(const AppendRequest& r) {
  for (const auto& [what, id, required] : {std::tuple{"body", std::string_view(r.body), true},
                                           {"stream", r.stream, true},
                                           {"command id", r.command_id, true},
                                           {"correlation id", r.correlation_id, false},
                                           {"causation id", r.causation_id, false},
                                           {"actor id", r.actor.id, true},
                                           {"actor role", r.actor.role, true},
                                           {"on-behalf-of", r.actor.on_behalf_of, false}}) {
    if (auto s = CheckId(what, id, required); !s.ok()) return s;
  }
  if (r.events.empty())
    return MakeError(ErrorCode::kInvalidArgument, "an append needs at least one event");
  if (r.events.size() > kMaxEventsPerAppend) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "more than " + std::to_string(kMaxEventsPerAppend) + " events in one append");
  }
  std::size_t bytes = 0;
  for (const ProposedEvent& e : r.events) {
    if (auto s = CheckId("event type", e.type, true); !s.ok()) return s;
    if (e.schema_version == 0)
      return MakeError(ErrorCode::kInvalidArgument, "schema version 0 is not valid");
    bytes += e.payload.size() + (e.signature ? e.signature->value.size() : 0);
  }
  if (bytes > kMaxAppendBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "append is larger than 64 MiB");
  }
  return Ok{};
}

Hash Fingerprint(const AppendRequest& r) {
  if (r.request_fingerprint) return *r.request_fingerprint;
  std::string c = "ECAB-FP1";
  for (std::string_view s :
       {std::string_view(r.body), std::string_view(r.stream), std::string_view(r.command_id),
        std::string_view(r.correlation_id), std::string_view(r.causation_id),
        std::string_view(r.actor.id), std::string_view(r.actor.role),
        std::string_view(r.actor.on_behalf_of)}) {
    PutStr(c, s);
  }
  c.push_back(static_cast<char>(r.expected.kind));
  PutBigEndian<std::uint64_t>(c, r.expected.version);
  for (const ProposedEvent& e : r.events) {
    PutStr(c, e.type);
    PutBigEndian<std::uint16_t>(c, e.schema_version);
    PutStr(c, e.payload);
    c.push_back(e.signature ? 1 : 0);
    if (e.signature) {
      PutStr(c, e.signature->algorithm);
      PutStr(c, e.signature->value);
      PutStr(c, e.signature->certificate_ref);
    }
  }
  return Sha256(c);
}

void EventStore::Impl::WriterLoop() {
  std::vector<PendingAppend*> batch;
  std::unique_lock lock(queue_mu);
  for (;;) {
    queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
    if (queue.empty()) break;  // stopping, and everything queued is committed
    const std::size_t n = std::min(queue.size(), options.max_batch);
    batch.assign(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    CommitBatch(batch);
    lock.lock();
  }
}

void EventStore::Impl::CommitBatch(std::vector<PendingAppend*>& batch) {
  rocksdb::WriteBatch wb;
  std::uint64_t pos = head;
  Hash prev = head_hash;
  const std::int64_t now = std::max(ToMicros(options.clock->Now()), last_recorded_us);
  std::unordered_map<std::string, std::uint64_t> stream_heads;
  std::unordered_map<std::string, CommandRecord> batch_commands;
  std::vector<std::optional<Result<AppendResult>>> results(batch.size());
  std::vector<bool> in_batch(batch.size(), false);

  for (std::size_t i = 0; i < batch.size(); ++i) {
    const AppendRequest& r = batch[i]->request;
    // Idempotency: a command id seen before returns its first result.
    std::optional<CommandRecord> prior;
    if (auto it = batch_commands.find(r.command_id); it != batch_commands.end()) {
      prior = it->second;
      in_batch[i] = true;  // stands or falls with this batch's write
    } else {
      std::string value;
      auto s = db->Get(rocksdb::ReadOptions(), commands, r.command_id, &value);
      if (s.ok()) {
        prior = DecodeCommand(value);
        if (!prior) {
          results[i] = MakeError(ErrorCode::kCorruption, "stored command record is malformed");
          continue;
        }
      } else if (!s.IsNotFound()) {
        results[i] = MakeError(ErrorCode::kIoError, s.ToString());
        continue;
      }
    }
    if (prior) {
      if (prior->fingerprint == batch[i]->fingerprint) {
        results[i] = prior->result;
      } else {
        results[i] =
            MakeError(ErrorCode::kIdempotencyMismatch,
                      "command id '" + r.command_id + "' was already used for another request");
      }
      continue;
    }
    // Expected version against the stream head, including this batch's appends.
    std::uint64_t version = 0;
    if (auto it = stream_heads.find(r.stream); it != stream_heads.end()) {
      version = it->second;
    } else {
      std::string value;
      auto s = db->Get(rocksdb::ReadOptions(), heads, r.stream, &value);
      if (s.ok()) {
        version = internal::ParseU64Key(value);
      } else if (!s.IsNotFound()) {
        results[i] = MakeError(ErrorCode::kIoError, s.ToString());
        continue;
      }
    }
    if (auto s = CheckExpected(r, version); !s.ok()) {
      results[i] = s.error();
      continue;
    }
    // Seal, chain and stage every event; undo this request alone on failure.
    wb.SetSavePoint();
    const std::uint64_t pos0 = pos;
    const Hash prev0 = prev;
    std::optional<Error> failure;
    for (const ProposedEvent& e : r.events) {
      StoredRecord rec;
      rec.position = ++pos;
      rec.body = r.body;
      rec.stream = r.stream;
      rec.version = ++version;
      rec.type = e.type;
      rec.schema_version = e.schema_version;
      rec.recorded_at_us = now;
      rec.actor = r.actor;
      rec.command_id = r.command_id;
      rec.correlation_id = r.correlation_id;
      rec.causation_id = r.causation_id;
      rec.signature = e.signature;
      rec.prev_hash = prev;
      auto sealed = options.keys->Seal(e.payload, PayloadAad(rec));
      if (!sealed.ok()) {
        failure = sealed.error();
        break;
      }
      rec.payload = std::move(sealed).value();
      const std::string bytes = SealRecord(rec);
      prev = rec.hash;
      std::string stream_key = r.stream;
      stream_key.push_back('\0');
      PutBigEndian<std::uint64_t>(stream_key, rec.version);
      wb.Put(events, U64Key(rec.position), bytes);
      wb.Put(streams, stream_key, U64Key(rec.position));
    }
    if (failure) {
      wb.RollbackToSavePoint();
      pos = pos0;
      prev = prev0;
      results[i] = *failure;
      continue;
    }
    wb.PopSavePoint();
    const CommandRecord cmd{batch[i]->fingerprint, AppendResult{pos0 + 1, pos, version}};
    wb.Put(heads, r.stream, U64Key(version));
    wb.Put(commands, r.command_id, EncodeCommand(cmd));
    stream_heads[r.stream] = version;
    batch_commands[r.command_id] = cmd;
    results[i] = cmd.result;
    in_batch[i] = true;
  }

  if (pos != head) {
    std::string marker = U64Key(pos);
    marker.append(reinterpret_cast<const char*>(prev.data()), prev.size());
    wb.Put(meta, "head", marker);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    const rocksdb::Status s = db->Write(wo, &wb);
    if (s.ok()) {
      head = pos;
      head_hash = prev;
      last_recorded_us = now;
      {
        std::lock_guard g(commit_mu);
        committed = pos;
      }
      commit_cv.notify_all();
    } else {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        // Everything staged in this batch is lost, including repeats of a
        // command first seen in this batch.
        if (in_batch[i])
          results[i] = MakeError(ErrorCode::kIoError, "commit failed: " + s.ToString());
      }
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i]->done.set_value(std::move(*results[i]));
  }
}

Result<AppendResult> EventStore::Append(AppendRequest request) {
  ECAB_TRY(ValidateAppend(request));
  PendingAppend pending;
  pending.fingerprint = Fingerprint(request);
  pending.request = std::move(request);
  auto future = pending.done.get_future();
  {
    std::lock_guard g(impl_->queue_mu);
    if (impl_->stopping) return MakeError(ErrorCode::kShutDown, impl_->ClosedReason());
    impl_->queue.push_back(&pending);
  }
  impl_->queue_cv.notify_one();
  return future.get();
}

std::vector<Result<AppendResult>> EventStore::AppendMany(std::vector<AppendRequest> requests) {
  std::vector<Result<AppendResult>> results(requests.size(), Result<AppendResult>(AppendResult{}));
  std::vector<std::unique_ptr<PendingAppend>> pending;
  std::vector<std::size_t> index;  // pending[k] answers requests[index[k]]
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (auto s = ValidateAppend(requests[i]); !s.ok()) {
      results[i] = s.error();
      continue;
    }
    auto p = std::make_unique<PendingAppend>();
    p->fingerprint = Fingerprint(requests[i]);
    p->request = std::move(requests[i]);
    pending.push_back(std::move(p));
    index.push_back(i);
  }
  std::vector<std::future<Result<AppendResult>>> futures;
  for (auto& p : pending) futures.push_back(p->done.get_future());
  {
    std::lock_guard g(impl_->queue_mu);
    if (impl_->stopping) {
      for (std::size_t k = 0; k < pending.size(); ++k) {
        results[index[k]] = MakeError(ErrorCode::kShutDown, impl_->ClosedReason());
      }
      return results;
    }
    for (auto& p : pending) impl_->queue.push_back(p.get());
  }
  impl_->queue_cv.notify_one();
  for (std::size_t k = 0; k < futures.size(); ++k) results[index[k]] = futures[k].get();
  return results;
}

}  // namespace ecab::es

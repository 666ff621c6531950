#include "replay/tree_heads.h"

#include <cstring>

#include "domain/log/events.h"

namespace ecab::replay {

Result<std::vector<RecordedTreeHead>> RecordedTreeHeads(const es::EventStore& store) {
  std::vector<RecordedTreeHead> out;
  for (std::uint64_t from = 1;;) {
    ECAB_TRY_LET(events, store.ReadStream(log::kStream, from, es::Direction::kForward, 1000));
    for (const auto& e : *events) {
      ECAB_TRY_LET(decoded, log::LogDecoder().Decode(e.type, e.schema_version, e.payload));
      if (!std::holds_alternative<log::TreeHeadSigned>(*decoded)) continue;
      const auto& t = std::get<log::TreeHeadSigned>(*decoded);
      es::TreeHead head{t.size, {}, t.time, t.key_id, t.signature};
      if (t.root.size() != head.root.size())
        return MakeError(ErrorCode::kCorruption, "malformed tree head");
      std::memcpy(head.root.data(), t.root.data(), head.root.size());
      out.push_back({e.position, std::move(head)});
    }
    if (events->size() < 1000) return out;
    from = events->back().version + 1;
  }
}

Result<std::optional<es::TreeHead>> LatestHeadCovering(const es::EventStore& store,
                                                       std::uint64_t position) {
  ECAB_TRY_LET(heads, RecordedTreeHeads(store));
  std::optional<es::TreeHead> best;
  for (const auto& h : *heads) {
    if (h.head.size >= position) best = h.head;
  }
  return best;
}

Result<std::optional<es::TreeHead>> RecordTreeHead(es::EventStore& store,
                                                   const es::TreeHeadSigner& signer, Timestamp now,
                                                   const std::filesystem::path& witness) {
  ECAB_TRY_LET(heads, RecordedTreeHeads(store));
  const std::uint64_t size = store.head_position();
  if (!witness.empty()) {
    ECAB_TRY_LET(claim, es::ReadWitness(witness));
    if (claim->has_value() && (*claim)->size > size) {
      return MakeError(ErrorCode::kCorruption, "will not sign a tree head of size " +
                                                   std::to_string(size) + ": the witness " +
                                                   witness.string() + " holds one of size " +
                                                   std::to_string((*claim)->size));
    }
  }
  // The last head's own record is the one event it cannot cover.
  if (size == 0 || (!heads->empty() && heads->back().head.size + 1 >= size))
    return std::optional<es::TreeHead>();
  ECAB_TRY_LET(root, es::LogRoot(store, size));
  ECAB_TRY_LET(head, signer.Sign(size, *root, now));
  if (!witness.empty()) {
    ECAB_TRY_LET(last, store.ReadHashes(size, 1));
    if (last->empty())
      return MakeError(ErrorCode::kCorruption, "no event at position " + std::to_string(size));
    ECAB_TRY(es::AppendWitnessHead(witness, *head, last->front()));
  }
  const log::TreeHeadSigned event{size,
                                  std::string(reinterpret_cast<const char*>(head->root.data()), 32),
                                  head->time, head->key_id, head->signature};
  const EncodedEvent encoded = Encode(event);
  es::AppendRequest r;
  r.body = std::string(log::kBody);
  r.stream = std::string(log::kStream);
  r.command_id = "tree-head:" + std::to_string(size);
  r.actor = {"log", "admin", ""};
  r.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
  ECAB_TRY_LET(appended, store.Append(std::move(r)));
  return std::optional<es::TreeHead>(*head);
}

Status RecordSalvage(es::EventStore& store, const std::filesystem::path& witness, Timestamp now) {
  if (!store.salvage()) return Ok{};
  const es::SalvageNote& note = *store.salvage();
  const EncodedEvent encoded = Encode(log::LogSalvaged{note.kept, note.witnessed, note.reason});
  es::AppendRequest r;
  r.body = std::string(log::kBody);
  r.stream = std::string(log::kSalvageStream);
  r.command_id = "salvage:" + std::to_string(note.kept) + ":" + std::to_string(ToMicros(now));
  r.actor = {"log", "admin", ""};
  r.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
  ECAB_TRY_LET(appended, store.Append(std::move(r)));
  if (witness.empty()) return Ok{};
  return es::AppendWitnessSalvage(witness, note, now);
}

}  // namespace ecab::replay

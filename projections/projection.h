// projections/projection.h — a read model fed by the log. A projection folds
// events into in-memory state and, on Flush, writes what changed; the runner
// commits that together with its checkpoint in one atomic write, so after a
// crash it resumes exactly where the stored views are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/base/result.h"
#include "domain/codec/codec.h"
#include "eventstore/envelope.h"
#include "eventstore/view_store.h"

namespace ecab::proj {

// A position as 16 lower-case hex digits, so keys sort by position.
inline std::string PositionKey(std::uint64_t position) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, position >>= 4)
    out[static_cast<std::size_t>(i)] = kDigits[position & 0xF];
  return out;
}

// Decodes an event's payload for `projection`; a failure names both.
template <class Variant>
Result<Variant> DecodeEvent(const EventDecoder<Variant>& decoder, const es::RecordedEvent& e,
                            std::string_view projection) {
  auto decoded = decoder.Decode(e.type, e.schema_version, e.payload);
  if (!decoded.ok()) {
    return MakeError(decoded.error().code, std::string(projection) + " at position " +
                                               std::to_string(e.position) + ": " +
                                               decoded.error().message);
  }
  return decoded;
}

class Projection {
 public:
  virtual ~Projection() = default;

  // Unique; prefixes every key the projection writes.
  virtual std::string_view name() const = 0;

  // Folds one event in (events of other kinds are skipped). Deterministic:
  // the same events give the same views, byte for byte.
  [[nodiscard]] virtual Status Apply(const es::RecordedEvent& event) = 0;

  // Puts every view changed since the last flush into `batch`.
  [[nodiscard]] virtual Status Flush(es::ViewBatch& batch) = 0;

  // Drops in-memory state that was not flushed (after a failed commit, the
  // views on disk are the truth again).
  virtual void Discard() = 0;
};

}  // namespace ecab::proj

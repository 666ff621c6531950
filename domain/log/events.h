// domain/log/events.h — facts about the log itself: the server's signed tree
// heads (docs/formats/merkle.md) in stream "log-tree-heads", and salvages of
// a damaged log in "log-salvages"; body "_log".
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"

namespace ecab::log {

inline constexpr std::string_view kStream = "log-tree-heads";
inline constexpr std::string_view kBody = "_log";
inline constexpr std::string_view kSalvageStream = "log-salvages";

struct TreeHeadSigned {
  static constexpr std::string_view kType = "log.tree_head_signed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint64_t size = 0;
  std::string root;  // 32 bytes
  Timestamp time;
  std::string key_id;     // "sha256:<hex>" of the log's public key
  std::string signature;  // Ed25519 over the tree-head payload
  template <class A>
  void serialize(A& ar) {
    ar(size, root, time, key_id, signature);
  }
  friend bool operator==(const TreeHeadSigned&, const TreeHeadSigned&) = default;
};

// The operator went on with the intact prefix of a damaged log
// (`ecabinetd --salvage`, docs/OPERATIONS.md). Recorded as the first event
// after the kept prefix, so the log itself says that events were lost.
struct LogSalvaged {
  static constexpr std::string_view kType = "log.salvaged";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint64_t kept = 0;       // events kept: positions 1..kept
  std::uint64_t witnessed = 0;  // the size of the last tree head signed before (0: none known)
  std::string reason;           // what the storage engine and the witness reported
  template <class A>
  void serialize(A& ar) {
    ar(kept, witnessed, reason);
  }
  friend bool operator==(const LogSalvaged&, const LogSalvaged&) = default;
};

using LogEvent = std::variant<TreeHeadSigned, LogSalvaged>;

inline const EventDecoder<LogEvent>& LogDecoder() {
  static const EventDecoder<LogEvent> decoder = [] {
    EventDecoder<LogEvent> d;
    d.Add<TreeHeadSigned>();
    d.Add<LogSalvaged>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::log

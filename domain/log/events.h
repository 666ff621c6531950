// domain/log/events.h — facts about the log itself: the server's signed tree
// heads (docs/formats/merkle.md). Stream: "log-tree-heads", body "_log".
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"

namespace ecab::log {

inline constexpr std::string_view kStream = "log-tree-heads";
inline constexpr std::string_view kBody = "_log";

struct TreeHeadSigned {
  static constexpr std::string_view kType = "log.tree_head_signed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint64_t size = 0;
  std::string root;       // 32 bytes
  Timestamp time;
  std::string key_id;     // "sha256:<hex>" of the log's public key
  std::string signature;  // Ed25519 over the tree-head payload
  template <class A> void serialize(A& ar) { ar(size, root, time, key_id, signature); }
  friend bool operator==(const TreeHeadSigned&, const TreeHeadSigned&) = default;
};

using LogEvent = std::variant<TreeHeadSigned>;

inline const EventDecoder<LogEvent>& LogDecoder() {
  static const EventDecoder<LogEvent> decoder = [] {
    EventDecoder<LogEvent> d;
    d.Add<TreeHeadSigned>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::log

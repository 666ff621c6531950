// replay/tree_heads.h — recording the server's signed tree heads in the log,
// and finding them again.
#pragma once

#include <optional>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/tree_head.h"

namespace ecab::replay {

// Signs the tree of the whole log as it stands and records the head in
// "log-tree-heads" (the record itself becomes the next leaf). Does nothing
// and returns nullopt when the last recorded head already covers the log.
Result<std::optional<es::TreeHead>> RecordTreeHead(es::EventStore& store, const es::TreeHeadSigner& signer,
                                                   Timestamp now);

struct RecordedTreeHead {
  std::uint64_t position = 0;  // of the event that records it
  es::TreeHead head;
};

// Every recorded tree head, oldest first.
Result<std::vector<RecordedTreeHead>> RecordedTreeHeads(const es::EventStore& store);

// The latest recorded tree head whose tree includes `position`, if any.
Result<std::optional<es::TreeHead>> LatestHeadCovering(const es::EventStore& store, std::uint64_t position);

}  // namespace ecab::replay

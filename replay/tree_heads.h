// replay/tree_heads.h — recording the server's signed tree heads in the log,
// and finding them again.
#pragma once

#include <optional>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/tree_head.h"

namespace ecab::replay {

// Signs the tree of the whole log as it stands, appends it (fsynced) to the
// witness file when one is given, then records the head in
// "log-tree-heads" (the record itself becomes the next leaf). Does nothing
// and returns nullopt when the last recorded head already covers the log.
// Never signs a head shorter than one already witnessed: kCorruption naming
// both sizes.
Result<std::optional<es::TreeHead>> RecordTreeHead(es::EventStore& store,
                                                   const es::TreeHeadSigner& signer, Timestamp now,
                                                   const std::filesystem::path& witness = {});

// After Open salvaged a damaged log (store.salvage()): records a
// log.salvaged event in "log-salvages" and a salvage line in the witness,
// so the log and the witness both say what was lost. Does nothing when the
// store was not salvaged.
Status RecordSalvage(es::EventStore& store, const std::filesystem::path& witness, Timestamp now);

struct RecordedTreeHead {
  std::uint64_t position = 0;  // of the event that records it
  es::TreeHead head;
};

// Every recorded tree head, oldest first.
Result<std::vector<RecordedTreeHead>> RecordedTreeHeads(const es::EventStore& store);

// The latest recorded tree head whose tree includes `position`, if any.
Result<std::optional<es::TreeHead>> LatestHeadCovering(const es::EventStore& store,
                                                       std::uint64_t position);

}  // namespace ecab::replay

// replay/document_check.h — the auditor's check of the document store
// against the log: every stored version's blob is there, whole, opens under
// the key ring and hashes to the SHA-256 its event names; blobs no event
// refers to are listed (an upload cut off or refused, a crash before its
// event: the node collects them at its next start).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "domain/documents/document.h"
#include "eventstore/blob_store.h"
#include "eventstore/event_store.h"
#include "replay/verifier.h"

namespace ecab::replay {

// Calls `visit` with every document event of the log in order: the record,
// the document's id and the decoded event. An event that does not decode
// goes to `undecodable` (nullptr: the scan stops with its error). When
// `stop` is given and becomes true, the scan ends early with kShutDown.
using DocumentVisitor = std::function<void(const es::RecordedEvent&, const std::string& document,
                                           const documents::DocumentEvent&)>;
Status ForEachDocumentEvent(
    const es::EventStore& store, const DocumentVisitor& visit,
    const std::function<void(const es::RecordedEvent&, const Error&)>& undecodable = {},
    const std::atomic<bool>* stop = nullptr);

struct DocumentReport {
  std::uint64_t stored_versions = 0;      // version events whose content the store holds
  std::vector<Finding> findings;          // check "document": missing, truncated, altered
  std::vector<std::string> unreferenced;  // blob hashes no event names
};

Result<DocumentReport> CheckDocuments(const es::EventStore& store, const es::BlobStore& blobs);

}  // namespace ecab::replay

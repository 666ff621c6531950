#include "replay/document_check.h"

#include <set>

#include "domain/base/streams.h"
#include "domain/documents/document.h"

namespace ecab::replay {

Status ForEachDocumentEvent(
    const es::EventStore& store, const DocumentVisitor& visit,
    const std::function<void(const es::RecordedEvent&, const Error&)>& undecodable,
    const std::atomic<bool>* stop) {
  const std::string prefix = StreamOf(ObjectKind::kDocument, "");
  for (std::uint64_t from = 1;;) {
    if (stop != nullptr && stop->load()) {
      return MakeError(ErrorCode::kShutDown, "the scan of document events was stopped");
    }
    ECAB_TRY_LET(batch, store.ReadAll(from, 1000));
    if (batch->empty()) return Ok{};
    for (const auto& e : *batch) {
      from = e.position + 1;
      if (!e.stream.starts_with(prefix) || !e.type.starts_with("document.")) continue;
      auto event = documents::DocumentDecoder().Decode(e.type, e.schema_version, e.payload);
      if (!event.ok()) {
        if (!undecodable) return event.error();
        undecodable(e, event.error());
        continue;
      }
      visit(e, e.stream.substr(prefix.size()), *event);
    }
  }
}

Result<DocumentReport> CheckDocuments(const es::EventStore& store, const es::BlobStore& blobs) {
  DocumentReport report;
  std::set<std::string> referenced;
  ECAB_TRY(ForEachDocumentEvent(
      store,
      [&](const es::RecordedEvent& e, const std::string& document,
          const documents::DocumentEvent& event) {
        const auto* v = std::get_if<documents::DocumentVersionAdded>(&event);
        if (v == nullptr) return;
        referenced.insert(v->sha256);
        if (!v->stored) return;  // recorded without its file (before the store held files)
        ++report.stored_versions;
        const es::BlobState state = blobs.Check(v->sha256, v->size);
        if (state != es::BlobState::kIntact) {
          report.findings.push_back({e.position, "document",
                                     "document '" + document + "' version " +
                                         std::to_string(v->version) + ": its content " + v->sha256 +
                                         " is " + std::string(es::BlobStateName(state))});
        }
      },
      [&](const es::RecordedEvent& e, const Error& error) {
        report.findings.push_back({e.position, "document", ToString(error)});
      }));
  for (const std::string& hash : blobs.List()) {
    if (!referenced.contains(hash)) report.unreferenced.push_back(hash);
  }
  return report;
}

}  // namespace ecab::replay

#include "replay/document_check.h"

#include <set>

#include "domain/documents/document.h"

namespace ecab::replay {

Result<DocumentReport> CheckDocuments(const es::EventStore& store, const es::BlobStore& blobs) {
  DocumentReport report;
  std::set<std::string> referenced;
  constexpr std::string_view kPrefix = "document-";
  for (std::uint64_t from = 1;;) {
    ECAB_TRY_LET(batch, store.ReadAll(from, 1000));
    if (batch->empty()) break;
    for (const auto& e : *batch) {
      from = e.position + 1;
      if (e.type != documents::DocumentVersionAdded::kType || !e.stream.starts_with(kPrefix))
        continue;
      auto event = documents::DocumentDecoder().Decode(e.type, e.schema_version, e.payload);
      if (!event.ok()) {
        report.findings.push_back({e.position, "document", ToString(event.error())});
        continue;
      }
      const auto& v = std::get<documents::DocumentVersionAdded>(*event);
      referenced.insert(v.sha256);
      if (!v.stored) continue;  // recorded without its file (before the store held files)
      ++report.stored_versions;
      const es::BlobState state = blobs.Check(v.sha256, v.size);
      if (state != es::BlobState::kIntact) {
        report.findings.push_back({e.position, "document",
                                   "document '" + e.stream.substr(kPrefix.size()) + "' version " +
                                       std::to_string(v.version) + ": its content " + v.sha256 +
                                       " is " + std::string(es::BlobStateName(state))});
      }
    }
  }
  for (const std::string& hash : blobs.List()) {
    if (!referenced.contains(hash)) report.unreferenced.push_back(hash);
  }
  return report;
}

}  // namespace ecab::replay

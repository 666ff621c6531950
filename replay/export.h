// replay/export.h — the complete record of one meeting as a BagIt bag
// (RFC 8493), as a directory or a single .tar, that checks itself with
// sha256sum and openssl alone (docs/ARCHIVE.md).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "eventstore/blob_store.h"
#include "eventstore/event_store.h"

namespace ecab::replay {

struct ExportRequest {
  std::string meeting;         // the meeting id
  std::string requester;       // who asks; must be allowed to see all of it
  std::filesystem::path out;   // a directory to create, or a file ending in ".tar"
  std::string log_public_pem;  // the log's tree-head key, included for checkers
  // Called now and then with (work done, work in all); may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // The top folder inside a .tar (an id; default: the stem of `out`).
  std::string root{};
  // The document store: every stored version of the agenda's documents goes
  // into the bag under data/documents/<document>/v<n>.<ext>. nullptr: none.
  const es::BlobStore* blobs = nullptr;
};

struct ExportSummary {
  std::uint64_t events = 0;
  std::uint64_t signed_acts = 0;
  std::uint64_t tree_size = 0;
  std::uint64_t files = 0;
};

// Refuses (kForbidden) unless the requester is, in the meeting's body, an
// archivist, an auditor or a participant of the meeting; kNotFound for an
// unknown meeting and, naming nothing, when an agenda document is classified
// and the requester may not read it (as the document is to them); kRuleViolation
// when no recorded tree head covers the record yet. Every file of the bag is
// named from ids of the id grammar (domain/base/ids.h), positions and hex
// fingerprints only: a record holding anything else (an old log with an id
// such as "../x") is refused with kInvalidArgument naming it, and nothing is
// written outside `out`.
Result<ExportSummary> ExportMeeting(const es::EventStore& store, const ExportRequest& request);

}  // namespace ecab::replay

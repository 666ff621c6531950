// replay/verifier.h — the auditor's full check of a store: the hash chain and
// head, and every signed act re-verified against the body as it stood at the
// act (certificate chain, validity then, revocation known then, key usage,
// signer = actor), on every core.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "eventstore/event_store.h"

namespace ecab::replay {

struct Finding {
  std::uint64_t position = 0;
  std::string check;   // "chain", "read", "signature" or "tree_head"
  std::string reason;
};

struct AuditReport {
  std::uint64_t events = 0;
  std::uint64_t signed_acts = 0;
  std::uint64_t tree_heads = 0;
  std::vector<Finding> findings;  // in position order
  bool ok() const { return findings.empty(); }
};

// Called now and then with (events done, events in all).
using Progress = std::function<void(std::uint64_t, std::uint64_t)>;

// Verifies everything; `threads` 0 means one per core. Recorded tree heads
// are checked against the log's own Merkle roots and, when `log_public_pem`
// is given, against the log's signing key.
Result<AuditReport> VerifyLog(const es::EventStore& store, unsigned threads = 0, const Progress& progress = {},
                              std::string_view log_public_pem = {});

}  // namespace ecab::replay

// replay/verifier.h — the auditor's full check of a store: the hash chain and
// head, and every signed act re-verified against the body as it stood at the
// act (certificate chain, validity then, revocation known then, key usage,
// signer = actor), on every core.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/tree_head.h"

namespace ecab::replay {

struct Finding {
  std::uint64_t position = 0;
  std::string check;  // "chain", "read", "signature", "tree_head", "witness" or "salvage"
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
// is given, against the log's signing key. With a `witness` file
// (eventstore/head_witness.h), a log shorter than its claim or diverging
// from it is a finding naming both sizes. Every recorded salvage of a
// damaged log is a finding: the record is known to be incomplete.
Result<AuditReport> VerifyLog(const es::EventStore& store, unsigned threads = 0,
                              const Progress& progress = {}, std::string_view log_public_pem = {},
                              const std::filesystem::path& witness = {});

// The answer to "is today's log consistent with this head published
// earlier?" (RFC 9162 §2.1.4).
struct HeadCheck {
  bool ok = false;
  std::uint64_t old_size = 0;  // the head's
  std::uint64_t new_size = 0;  // the log's now
  es::Hash old_root{};
  es::Hash new_root{};
  std::vector<es::Hash> proof;  // consistency proof old -> new (empty when not computable)
  std::string reason;           // why not, naming the sizes; empty when ok
};

// Checks `head`'s signature with `log_public_pem`, then proves the current
// log an extension of it. Not ok, with the reason, when the signature fails,
// the log is shorter than the head, or its first head.size events have
// another root. Errors only when the log cannot be read.
Result<HeadCheck> CheckAgainstHead(const es::EventStore& store, const es::TreeHead& head,
                                   std::string_view log_public_pem);

}  // namespace ecab::replay

#include "replay/verifier.h"

#include <algorithm>
#include <thread>

#include "domain/log/events.h"
#include "eventstore/head_witness.h"
#include "eventstore/merkle.h"
#include "eventstore/tree_head.h"
#include "replay/signed_acts.h"
#include "replay/tree_heads.h"

namespace ecab::replay {
namespace {

constexpr std::size_t kChunk = 8192;

// Checks `checks` on `threads` threads; appends failures to `findings`.
void CheckAll(const std::vector<ActCheck>& checks, unsigned threads, FactsCache& cache,
              std::vector<Finding>& findings) {
  std::vector<std::vector<Finding>> found(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < checks.size(); i += threads) {
        if (auto s = Check(checks[i], &cache); !s.ok()) {
          found[t].push_back({checks[i].position, "signature", s.error().message});
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& f : found) findings.insert(findings.end(), f.begin(), f.end());
}

// Each recorded tree head: its root is the log's root at its size, and its
// signature holds (when the key is known).
void CheckTreeHeads(const es::EventStore& store, std::string_view public_pem, AuditReport& report) {
  auto heads = RecordedTreeHeads(store);
  if (!heads.ok()) {
    report.findings.push_back({0, "tree_head", heads.error().message});
    return;
  }
  report.tree_heads = heads->size();
  if (heads->empty()) return;
  std::uint64_t largest = 0;
  for (const auto& h : *heads) largest = std::max(largest, h.head.size);
  auto leaves = es::LogLeaves(store, std::min(largest, store.head_position()));
  if (!leaves.ok()) {
    report.findings.push_back(
        {0, "tree_head", "cannot read the log's hashes: " + leaves.error().message});
    return;
  }
  for (const auto& h : *heads) {
    if (h.head.size > leaves->size() ||
        es::MerkleRoot(std::span(*leaves).subspan(0, h.head.size)) != h.head.root) {
      report.findings.push_back({h.position, "tree_head",
                                 "the signed root of size " + std::to_string(h.head.size) +
                                     " is not the log's root at that size"});
    } else if (!public_pem.empty()) {
      if (auto s = es::VerifyTreeHead(h.head, public_pem); !s.ok()) {
        report.findings.push_back({h.position, "tree_head", s.error().message});
      }
    }
  }
}

// The log must hold what its witness saw signed.
void CheckWitness(const es::EventStore& store, const std::filesystem::path& witness,
                  AuditReport& report) {
  if (witness.empty()) return;
  auto claim = es::ReadWitness(witness);
  if (!claim.ok()) {
    report.findings.push_back({0, "witness", claim.error().message});
    return;
  }
  if (!claim->has_value()) return;
  const es::WitnessClaim& w = **claim;
  const std::uint64_t head = store.head_position();
  if (head < w.size) {
    report.findings.push_back(
        {head + 1, "witness",
         "the log holds " + std::to_string(head) + " events but the witness " + witness.string() +
             " says a tree head of size " + std::to_string(w.size) + " was signed: events " +
             std::to_string(head + 1) + ".." + std::to_string(w.size) + " are lost"});
    return;
  }
  if (w.size == 0) return;
  auto hashes = store.ReadHashes(w.size, 1);
  if (!hashes.ok() || hashes->empty() || hashes->front() != w.last_hash) {
    report.findings.push_back({w.size, "witness",
                               "the log diverges from the tree head of size " +
                                   std::to_string(w.size) + " in the witness " + witness.string() +
                                   " (line " + std::to_string(w.line) + ")"});
  }
}

// Every salvage the log records: events after `kept` were lost.
void ReportSalvages(const es::EventStore& store, AuditReport& report) {
  auto events = store.ReadStream(log::kSalvageStream, 1, es::Direction::kForward, 10'000);
  if (!events.ok()) {
    report.findings.push_back({0, "salvage", events.error().message});
    return;
  }
  for (const auto& e : *events) {
    auto decoded = log::LogDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok() || !std::holds_alternative<log::LogSalvaged>(*decoded)) {
      report.findings.push_back({e.position, "salvage", "a salvage record that cannot be read"});
      continue;
    }
    const auto& s = std::get<log::LogSalvaged>(*decoded);
    std::string what = "the log was salvaged on " + FormatRfc3339(e.recorded_at) +
                       " keeping events 1.." + std::to_string(s.kept);
    if (s.witnessed > s.kept) {
      what += "; events " + std::to_string(s.kept + 1) + ".." + std::to_string(s.witnessed) +
              " had been covered by a signed tree head and are lost";
    }
    report.findings.push_back({e.position, "salvage", what + " (" + s.reason + ")"});
  }
}

}  // namespace

Result<HeadCheck> CheckAgainstHead(const es::EventStore& store, const es::TreeHead& head,
                                   std::string_view log_public_pem) {
  HeadCheck out;
  out.old_size = head.size;
  out.old_root = head.root;
  out.new_size = store.head_position();
  if (auto s = es::VerifyTreeHead(head, log_public_pem); !s.ok()) {
    out.reason = s.error().message;
    return out;
  }
  if (head.size == 0) {
    out.reason = "a tree head of size 0 proves nothing";
    return out;
  }
  if (out.new_size < head.size) {
    out.reason = "the log holds " + std::to_string(out.new_size) + " events, fewer than the " +
                 std::to_string(head.size) + " of the tree head signed " +
                 FormatRfc3339(head.time) + ": events " + std::to_string(out.new_size + 1) + ".." +
                 std::to_string(head.size) + " are lost";
    return out;
  }
  ECAB_TRY_LET(leaves, es::LogLeaves(store, out.new_size));
  out.new_root = es::MerkleRoot(*leaves);
  ECAB_TRY_LET(proof, es::ConsistencyProof(*leaves, head.size, out.new_size));
  out.proof = std::move(proof).value();
  if (!es::VerifyConsistency(head.size, out.new_size, head.root, out.new_root, out.proof)) {
    out.reason = "the log diverges from the tree head of size " + std::to_string(head.size) +
                 " signed " + FormatRfc3339(head.time) + ": its first " +
                 std::to_string(head.size) + " events have root " +
                 es::ToHex(es::MerkleRoot(std::span(*leaves).subspan(0, head.size))) +
                 ", the head says " + es::ToHex(head.root);
    return out;
  }
  out.ok = true;
  return out;
}

Result<AuditReport> VerifyLog(const es::EventStore& store, unsigned threads,
                              const Progress& progress, std::string_view log_public_pem,
                              const std::filesystem::path& witness) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  AuditReport report;
  ECAB_TRY_LET(chain, store.Verify());
  for (const auto& f : chain->faults) report.findings.push_back({f.position, "chain", f.reason});
  const std::uint64_t head = store.head_position();
  ActCollector collector;
  FactsCache cache;
  std::vector<ActCheck> checks;
  for (std::uint64_t next = 1; next <= head;) {
    auto events = store.ReadAll(next, kChunk);
    if (!events.ok()) {
      // Read one by one to name the event that cannot be read, and go on after it.
      auto one = store.ReadAll(next, 1);
      if (!one.ok()) {
        report.findings.push_back({next, "read", one.error().message});
        ++next;
        continue;
      }
      events = std::move(one);
    }
    if (events->empty()) break;
    for (const auto& e : *events) {
      ++report.events;
      auto check = collector.Feed(e);
      if (!check.ok()) {
        report.findings.push_back({e.position, "read", check.error().message});
      } else if (check->has_value()) {
        checks.push_back(std::move(**check));
      }
    }
    next = events->back().position + 1;
    if (checks.size() >= kChunk || next > head) {
      report.signed_acts += checks.size();
      CheckAll(checks, threads, cache, report.findings);
      checks.clear();
    }
    if (progress) progress(next - 1, head);
  }
  CheckTreeHeads(store, log_public_pem, report);
  CheckWitness(store, witness, report);
  ReportSalvages(store, report);
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.position < b.position; });
  return report;
}

}  // namespace ecab::replay

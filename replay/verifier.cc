#include "replay/verifier.h"

#include <algorithm>
#include <thread>

#include "eventstore/merkle.h"
#include "eventstore/tree_head.h"
#include "replay/signed_acts.h"
#include "replay/tree_heads.h"

namespace ecab::replay {
namespace {

constexpr std::size_t kChunk = 8192;

// Checks `checks` on `threads` threads; appends failures to `findings`.
void CheckAll(const std::vector<ActCheck>& checks, unsigned threads, FactsCache& cache, std::vector<Finding>& findings) {
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
    report.findings.push_back({0, "tree_head", "cannot read the log's hashes: " + leaves.error().message});
    return;
  }
  for (const auto& h : *heads) {
    if (h.head.size > leaves->size() || es::MerkleRoot(std::span(*leaves).subspan(0, h.head.size)) != h.head.root) {
      report.findings.push_back({h.position, "tree_head", "the signed root of size " + std::to_string(h.head.size) +
                                                              " is not the log's root at that size"});
    } else if (!public_pem.empty()) {
      if (auto s = es::VerifyTreeHead(h.head, public_pem); !s.ok()) {
        report.findings.push_back({h.position, "tree_head", s.error().message});
      }
    }
  }
}

}  // namespace

Result<AuditReport> VerifyLog(const es::EventStore& store, unsigned threads, const Progress& progress,
                              std::string_view log_public_pem) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  AuditReport report;
  auto chain = store.Verify();
  if (!chain.ok()) return chain.error();
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
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.position < b.position; });
  return report;
}

}  // namespace ecab::replay

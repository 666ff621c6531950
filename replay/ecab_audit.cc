// ecab-audit — the auditor's and archivist's tool, on a store directory.
//   ecab-audit verify  [--log-public-key F] [--against-head F] [--witness F] [--threads N] [--json]
//   [--quiet] ecab-audit explain (--resolution ID | --vote MEETING/VOTE | --form ID) [--json]
//   ecab-audit export  --meeting ID --as PERSON --out DIR|FILE.tar [--log-public-key F]
//   ecab-audit prove   --position P [--tree-size N]
//   ecab-audit consistency --from N --to M
//   ecab-audit sign-tree-head --log-key F
//   ecab-audit replay  (--to-position P | --to-time RFC3339) --out DIR [--show KEY]
// Common: [--data-dir D] [--key-file K]. Every command but sign-tree-head
// opens the store read-only (a RocksDB secondary instance), so it may run
// beside a live ecabinetd. Exit codes: 0 all held / done, 1 findings or a
// proof that fails, 2 the tool could not run (a store that refuses to open
// is named with the reason).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "eventstore/merkle.h"
#include "eventstore/tree_head.h"
#include "projections/audit.h"
#include "projections/dashboard.h"
#include "projections/runner.h"
#include "projections/search.h"
#include "projections/tasks.h"
#include "projections/views.h"
#include "replay/document_check.h"
#include "replay/explain.h"
#include "replay/export.h"
#include "replay/tree_heads.h"
#include "replay/verifier.h"

namespace {

using namespace ecab;

struct Common {
  std::filesystem::path data_dir = "var/ecabinet";
  std::filesystem::path key_file;
  std::filesystem::path witness;  // default: <data-dir>/tree-heads.jsonl
  bool json = false;
  bool quiet = false;
};

int Fail(const Error& e);

// Read-only unless the command writes (sign-tree-head); a writing open
// checks the witness like the server does.
Result<std::unique_ptr<es::EventStore>> OpenStore(const Common& c, bool writes) {
  ECAB_TRY_LET(keys, es::KeyRing::Load(c.key_file.empty() ? c.data_dir / "keys" : c.key_file));
  es::StoreOptions options;
  options.dir = c.data_dir / "store";
  options.keys = *keys;
  options.tail_check = 0;  // open a damaged chain too: verify reports on it
  options.read_only = !writes;
  if (writes) options.witness = c.witness;
  if (!std::filesystem::exists(options.dir)) {
    return MakeError(ErrorCode::kNotFound, "no store at " + options.dir.string());
  }
  return es::EventStore::Open(options);
}

// The log's public key: the file given, else the one of <data-dir>/log-key.pem.
Result<std::string> LogPublicKey(const Common& c, const std::filesystem::path& given) {
  if (!given.empty()) {
    if (!std::filesystem::exists(given))
      return MakeError(ErrorCode::kNotFound, "no file " + given.string());
    std::ifstream in(given);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  const auto own = c.data_dir / "log-key.pem";
  if (!std::filesystem::exists(own)) {
    return MakeError(ErrorCode::kNotFound, "give the log's public key with --log-public-key");
  }
  ECAB_TRY_LET(signer, es::TreeHeadSigner::LoadOrCreate(own));
  return (*signer)->public_pem();
}

// verify --against-head: today's log is an extension of a head published earlier.
int AgainstHead(const es::EventStore& store, const std::filesystem::path& file,
                const std::string& pem, bool json) {
  std::ifstream in(file);
  if (!in) return Fail(MakeError(ErrorCode::kNotFound, "cannot read " + file.string()));
  std::stringstream text;
  text << in.rdbuf();
  auto head = es::ParseTreeHeadJson(text.str());
  if (!head.ok())
    return Fail(MakeError(head.error().code, file.string() + ": " + head.error().message));
  auto check = replay::CheckAgainstHead(store, *head, pem);
  if (!check.ok()) return Fail(check.error());
  if (json) {
    nlohmann::json out = {{"ok", check->ok},
                          {"old_size", check->old_size},
                          {"new_size", check->new_size},
                          {"old_root", es::ToHex(check->old_root)},
                          {"new_root", es::ToHex(check->new_root)},
                          {"proof", nlohmann::json::array()},
                          {"reason", check->reason}};
    for (const auto& h : check->proof) out["proof"].push_back(es::ToHex(h));
    std::cout << out.dump(2) << "\n";
  } else if (check->ok) {
    std::cout << "the log of " << check->new_size
              << " events is consistent with the tree head of size " << check->old_size
              << " (RFC 9162 consistency proof of " << check->proof.size() << " hashes holds)\n";
  } else {
    std::cout << "NOT consistent: " << check->reason << "\n";
  }
  return check->ok ? 0 : 1;
}

// A progress line on a terminal: bar, rate, time left.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}
  void operator()(std::uint64_t done, std::uint64_t total) {
    if (!enabled_ || total == 0) return;
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = secs > 0 ? done / secs : 0;
    const int width = 30;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %llu/%llu events  %.0f ev/s  ETA %.0fs ", filled,
                 "##############################", width - filled, "",
                 static_cast<int>(100 * done / total), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), rate,
                 rate > 0 ? (total - done) / rate : 0.0);
    if (done >= total) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

int Fail(const Error& e) {
  std::cerr << "ecab-audit: " << ToString(e) << "\n";
  return 2;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Prove(const es::EventStore& store, std::uint64_t position, std::uint64_t size) {
  std::optional<es::TreeHead> head;
  if (size == 0) {
    auto covering = replay::LatestHeadCovering(store, position);
    if (!covering.ok()) return Fail(covering.error());
    head = *covering;
    if (!head)
      return Fail(MakeError(ErrorCode::kNotFound,
                            "no signed tree head covers position " + std::to_string(position)));
    size = head->size;
  }
  auto leaves = es::LogLeaves(store, size);
  if (!leaves.ok()) return Fail(leaves.error());
  auto path = es::InclusionProof(*leaves, position - 1, size);
  if (!path.ok()) return Fail(path.error());
  const es::Hash root = head ? head->root : es::MerkleRoot(*leaves);
  nlohmann::json out = {{"position", position},
                        {"leaf_index", position - 1},
                        {"tree_size", size},
                        {"root", es::ToHex(root)},
                        {"signed_tree_head", head.has_value()},
                        {"path", nlohmann::json::array()}};
  for (const auto& h : *path) out["path"].push_back(es::ToHex(h));
  const bool ok = es::VerifyInclusion((*leaves)[position - 1], position - 1, size, *path, root);
  out["verified"] = ok;
  std::cout << out.dump(2) << "\n";
  return ok ? 0 : 1;
}

int Consistency(const es::EventStore& store, std::uint64_t from, std::uint64_t to) {
  auto leaves = es::LogLeaves(store, to);
  if (!leaves.ok()) return Fail(leaves.error());
  auto proof = es::ConsistencyProof(*leaves, from, to);
  if (!proof.ok()) return Fail(proof.error());
  const es::Hash old_root = es::MerkleRoot(std::span(*leaves).subspan(0, from));
  const es::Hash new_root = es::MerkleRoot(*leaves);
  nlohmann::json out = {{"old_size", from},
                        {"new_size", to},
                        {"old_root", es::ToHex(old_root)},
                        {"new_root", es::ToHex(new_root)},
                        {"proof", nlohmann::json::array()}};
  for (const auto& h : *proof) out["proof"].push_back(es::ToHex(h));
  const bool ok = es::VerifyConsistency(from, to, old_root, new_root, *proof);
  out["verified"] = ok;
  std::cout << out.dump(2) << "\n";
  return ok ? 0 : 1;
}

// Rebuilds every read model up to `position` into `out` and shows one.
int Replay(const es::EventStore& store, std::shared_ptr<const es::KeyRing> keys,
           std::uint64_t position, const std::filesystem::path& out, const std::string& show,
           ProgressBar& bar) {
  if (std::filesystem::exists(out))
    return Fail(MakeError(ErrorCode::kAlreadyExists, out.string() + " already exists"));
  auto views = es::ViewStore::Open(out, std::move(keys));
  if (!views.ok()) return Fail(views.error());
  proj::AggregateViews aggregates(**views);
  proj::TasksProjection tasks(**views);
  proj::SearchProjection search(**views);
  proj::DashboardProjection dashboard(**views);
  proj::AuditProjection audit;
  auto all = aggregates.all();
  for (proj::Projection* p :
       std::initializer_list<proj::Projection*>{&tasks, &search, &dashboard, &audit})
    all.push_back(p);
  proj::Runner runner("replay", **views, all);
  auto source = store.Subscribe(1);
  while (runner.position() < position) {
    auto applied =
        runner.Step(*source, std::min<std::uint64_t>(10'000, position - runner.position()),
                    std::chrono::milliseconds(0));
    if (!applied.ok()) return Fail(applied.error());
    if (*applied == 0) break;
    bar(runner.position(), position);
  }
  std::cout << "read models as of position " << runner.position() << " written to " << out.string()
            << "\n";
  if (!show.empty()) {
    auto value = (*views)->Get(show);
    if (!value.ok()) return Fail(value.error());
    if (!value->has_value()) return Fail(MakeError(ErrorCode::kNotFound, "no view '" + show + "'"));
    std::cout << **value << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"e-Cabinet audit tool: verify the log, explain how decisions were made"};
  app.require_subcommand(1);
  Common c;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--data-dir", c.data_dir, "directory holding store/ and keys")
        ->capture_default_str();
    sub->add_option("--key-file", c.key_file, "at-rest key file (default: <data-dir>/keys)");
    sub->add_flag("--json", c.json, "print JSON");
    sub->add_flag("--quiet", c.quiet, "no progress bar");
  };
  unsigned threads = 0;
  auto* verify = app.add_subcommand("verify", "check the hash chain and every signed act");
  add_common(verify);
  verify->add_option("--threads", threads, "signature-checking threads (default: one per core)");
  std::string resolution, vote, form;
  auto* explain =
      app.add_subcommand("explain", "tell how a resolution, vote or opinion form came about");
  add_common(explain);
  auto* group = explain->add_option_group("what")->require_option(1);
  group->add_option("--resolution", resolution, "resolution id");
  group->add_option("--vote", vote, "<meeting>/<vote>");
  group->add_option("--form", form, "opinion form id");
  std::filesystem::path log_public_key;
  verify->add_option("--log-public-key", log_public_key,
                     "the log's tree-head public key (PEM; default: from <data-dir>/log-key.pem)");
  std::filesystem::path against_head;
  verify->add_option(
      "--against-head", against_head,
      "a tree head published earlier (JSON with its signature): prove the log consistent with it");
  verify->add_option("--witness", c.witness,
                     "the tree-head witness file (default: <data-dir>/tree-heads.jsonl)");
  std::string meeting, as;
  std::filesystem::path out;
  auto* exp = app.add_subcommand("export", "write a meeting's complete record as a BagIt bag");
  add_common(exp);
  exp->add_option("--meeting", meeting, "meeting id")->required();
  exp->add_option("--as", as, "the person asking; they must be allowed to see it all")->required();
  exp->add_option("--out", out, "a directory to create, or a file ending in .tar")->required();
  exp->add_option("--log-public-key", log_public_key,
                  "the log's tree-head public key (PEM), included in the bag");
  std::uint64_t position = 0, tree_size = 0, from = 0, to = 0;
  auto* prove = app.add_subcommand("prove", "an inclusion proof of one event against a tree head");
  add_common(prove);
  prove->add_option("--position", position, "the event's position")->required();
  prove->add_option("--tree-size", tree_size,
                    "the tree size (default: the latest signed head covering it)");
  auto* consistency =
      app.add_subcommand("consistency", "a consistency proof between two tree sizes");
  add_common(consistency);
  consistency->add_option("--from", from, "the older size")->required();
  consistency->add_option("--to", to, "the newer size")->required();
  std::filesystem::path log_key;
  auto* sign = app.add_subcommand("sign-tree-head",
                                  "sign the log's tree head now and record it (operators)");
  add_common(sign);
  sign->add_option("--log-key", log_key, "the log's Ed25519 private key (PEM); created if missing")
      ->required();
  std::string to_time, show;
  auto* rep = app.add_subcommand("replay", "rebuild every read model up to a position or a time");
  add_common(rep);
  auto* until = rep->add_option_group("until")->require_option(1);
  until->add_option("--to-position", position, "the last position to include");
  until->add_option("--to-time", to_time, "the last time to include, e.g. 2019-06-24T12:00:00Z");
  rep->add_option("--out", out, "a new directory for the read models")->required();
  rep->add_option("--show", show, "print this view, e.g. meeting/view/meeting-1");
  CLI11_PARSE(app, argc, argv);

  if (c.witness.empty()) c.witness = c.data_dir / "tree-heads.jsonl";
  auto store = OpenStore(c, sign->parsed());
  if (!store.ok()) return Fail(store.error());
  if (exp->parsed()) {
    const std::string pem = log_public_key.empty() ? "" : ReadFile(log_public_key);
    ProgressBar bar(!c.quiet && !c.json);
    auto keys = es::KeyRing::Load(c.key_file.empty() ? c.data_dir / "keys" : c.key_file);
    if (!keys.ok()) return Fail(keys.error());
    auto blobs = es::BlobStore::OpenReadOnly(c.data_dir / "documents", *keys);
    if (!blobs.ok() && blobs.error().code != ErrorCode::kNotFound) return Fail(blobs.error());
    auto summary = replay::ExportMeeting(
        **store, replay::ExportRequest{meeting, as, out, pem,
                                       [&](std::uint64_t d, std::uint64_t t) { bar(d, t); }, "",
                                       blobs.ok() ? blobs->get() : nullptr});
    if (!summary.ok()) return Fail(summary.error());
    std::cout << "exported " << summary->events << " events (" << summary->signed_acts
              << " signed acts) against the "
              << "tree head of size " << summary->tree_size << " to " << out.string() << "\n";
    return 0;
  }
  if (prove->parsed()) return Prove(**store, position, tree_size);
  if (consistency->parsed()) return Consistency(**store, from, to);
  if (sign->parsed()) {
    auto signer = es::TreeHeadSigner::LoadOrCreate(log_key);
    if (!signer.ok()) return Fail(signer.error());
    auto head = replay::RecordTreeHead(**store, **signer, es::SystemClock().Now(), c.witness);
    if (!head.ok()) return Fail(head.error());
    std::cout << (head->has_value()
                      ? "signed the tree head of size " + std::to_string((*head)->size)
                      : std::string("the last signed tree head already covers the log"))
              << "\n";
    return 0;
  }
  if (rep->parsed()) {
    if (!to_time.empty()) {
      auto t = ParseRfc3339(to_time);
      if (!t.ok()) return Fail(t.error());
      auto at = (*store)->PositionAt(*t);
      if (!at.ok()) return Fail(at.error());
      position = *at;
    }
    auto keys = es::KeyRing::Load(c.key_file.empty() ? c.data_dir / "keys" : c.key_file);
    if (!keys.ok()) return Fail(keys.error());
    ProgressBar bar(!c.quiet && !c.json);
    return Replay(**store, *keys, position, out, show, bar);
  }
  if (verify->parsed() && !against_head.empty()) {
    auto pem = LogPublicKey(c, log_public_key);
    if (!pem.ok()) return Fail(pem.error());
    return AgainstHead(**store, against_head, *pem, c.json);
  }
  if (verify->parsed()) {
    ProgressBar bar(!c.quiet && !c.json);
    const auto start = std::chrono::steady_clock::now();
    const std::string pem = log_public_key.empty() ? "" : ReadFile(log_public_key);
    auto report = replay::VerifyLog(
        **store, threads, [&](std::uint64_t d, std::uint64_t t) { bar(d, t); }, pem, c.witness);
    if (!report.ok()) return Fail(report.error());
    // The document store beside the log: every stored version's blob, whole.
    replay::DocumentReport documents;
    auto keys = es::KeyRing::Load(c.key_file.empty() ? c.data_dir / "keys" : c.key_file);
    if (!keys.ok()) return Fail(keys.error());
    auto blobs = es::BlobStore::OpenReadOnly(c.data_dir / "documents", *keys);
    if (blobs.ok()) {
      auto checked = replay::CheckDocuments(**store, **blobs);
      if (!checked.ok()) return Fail(checked.error());
      documents = std::move(checked).value();
      report->findings.insert(report->findings.end(), documents.findings.begin(),
                              documents.findings.end());
      std::stable_sort(report->findings.begin(), report->findings.end(),
                       [](const auto& x, const auto& y) { return x.position < y.position; });
    } else if (blobs.error().code != ErrorCode::kNotFound) {
      return Fail(blobs.error());
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (c.json) {
      nlohmann::json result = {{"events", report->events},
                               {"signed_acts", report->signed_acts},
                               {"tree_heads", report->tree_heads},
                               {"ok", report->ok()},
                               {"seconds", secs},
                               {"stored_documents", documents.stored_versions},
                               {"unreferenced_blobs", documents.unreferenced},
                               {"findings", nlohmann::json::array()}};
      for (const auto& f : report->findings) {
        result["findings"].push_back(
            {{"position", f.position}, {"check", f.check}, {"reason", f.reason}});
      }
      std::cout << result.dump(2) << "\n";
    } else {
      for (const auto& f : report->findings) {
        std::cout << "position " << f.position << ": " << f.check << ": " << f.reason << "\n";
      }
      for (const auto& hash : documents.unreferenced) {
        std::cout << "stored content " << hash
                  << " is referred to by no event (collected at the node's next start)\n";
      }
      std::cout << report->events << " events, " << report->signed_acts << " signed acts, "
                << report->tree_heads << " tree heads, " << documents.stored_versions
                << " stored document versions checked in " << secs << " s: "
                << (report->ok() ? "all hold"
                                 : std::to_string(report->findings.size()) + " findings")
                << "\n";
    }
    return report->ok() ? 0 : 1;
  }
  const std::string what = !resolution.empty() ? "resolution" : !vote.empty() ? "vote" : "form";
  const std::string id = !resolution.empty() ? resolution : !vote.empty() ? vote : form;
  auto story = replay::Explain(**store, what, id);
  if (!story.ok()) return Fail(story.error());
  std::cout << (c.json ? replay::StoryJson(*story).dump(2) + "\n" : replay::ExplainText(*story));
  return replay::Findings(*story).empty() ? 0 : 1;
}

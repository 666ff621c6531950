// The log against what was published about it: the witness file, heads
// published earlier (verify --against-head), salvages, and the auditor's
// tool on a store the server is still writing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "domain/log/events.h"
#include "eventstore/head_witness.h"
#include "eventstore/tamper.h"
#include "projections/testing.h"
#include "replay/tree_heads.h"
#include "replay/verifier.h"

namespace ecab::replay {
namespace {

using es::testing::OpenOrDie;
using es::testing::Request;
using es::testing::TempDir;

// Runs `command`; its exit code and what it printed on stdout.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  const int status = ::pclose(pipe);
  return {WEXITSTATUS(status), out};
}

class Integrity : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signer = es::TreeHeadSigner::LoadOrCreate(dir.path() / "log-key.pem");
    ASSERT_TRUE(signer.ok());
    log_key = std::move(signer).value();
    std::string hex;  // es::testing::Ring() is key "k1", 32 bytes of 0x01
    for (int i = 0; i < 32; ++i) hex += "01";
    std::ofstream(dir.path() / "keys") << "k1 " << hex << "\n";
    ::chmod((dir.path() / "keys").c_str(), 0600);
  }
  es::StoreOptions Options(const std::filesystem::path& dir_of_store) {
    es::StoreOptions o;
    o.dir = dir_of_store;
    o.keys = es::testing::Ring();
    o.witness = witness;
    return o;
  }
  // The 24 June session, with a tree head signed and witnessed at its end.
  es::TreeHead RecordSession() {
    auto store = OpenOrDie(Options(store_dir));
    proj::testing::RecordJune24(*store);
    auto head = RecordTreeHead(*store, *log_key, ecab::testing::June24(), witness);
    EXPECT_TRUE(head.ok() && head->has_value());
    return head.ok() && head->has_value() ? **head : es::TreeHead{};
  }
  std::string Tool(const std::string& args) const {
    return std::string(ECAB_AUDIT_TOOL) + " " + args + " --quiet --data-dir " + dir.path().string();
  }

  TempDir dir;
  std::filesystem::path store_dir = dir.path() / "store";
  std::filesystem::path witness = dir.path() / "tree-heads.jsonl";
  std::unique_ptr<es::TreeHeadSigner> log_key;
};

TEST_F(Integrity, TheLogIsProvedConsistentWithAHeadPublishedEarlier) {
  const es::TreeHead head = RecordSession();
  auto store = OpenOrDie(Options(store_dir));
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(store->Append(Request("later", "later-" + std::to_string(i))).ok());
  auto check = CheckAgainstHead(*store, head, log_key->public_pem());
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->reason;
  EXPECT_EQ(check->old_size, head.size);
  EXPECT_EQ(check->new_size, head.size + 11);  // its own record and ten more
  EXPECT_FALSE(check->proof.empty());
}

TEST_F(Integrity, AShorterOrDivergingLogOrAForgedHeadIsNotConsistent) {
  const es::TreeHead head = RecordSession();
  TempDir other;
  {
    auto shorter = OpenOrDie(other.path() / "short");
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(shorter->Append(Request("s", "c" + std::to_string(i))).ok());
    auto check = CheckAgainstHead(*shorter, head, log_key->public_pem());
    ASSERT_TRUE(check.ok());
    EXPECT_FALSE(check->ok);
    EXPECT_NE(check->reason.find("holds 5 events, fewer than the " + std::to_string(head.size)),
              std::string::npos)
        << check->reason;
  }
  auto diverging = OpenOrDie(other.path() / "long");
  for (std::uint64_t i = 0; i < head.size + 3; ++i) {
    ASSERT_TRUE(diverging->Append(Request("s", "c" + std::to_string(i))).ok());
  }
  auto check = CheckAgainstHead(*diverging, head, log_key->public_pem());
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_NE(check->reason.find("diverges from the tree head of size " + std::to_string(head.size)),
            std::string::npos);
  auto stranger = es::TreeHeadSigner::LoadOrCreate(other.path() / "stranger.pem");
  auto forged = (*stranger)->Sign(head.size, head.root, head.time);
  auto store = OpenOrDie(Options(store_dir));
  auto refused = CheckAgainstHead(*store, *forged, log_key->public_pem());
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->ok);
  EXPECT_NE(refused->reason.find("not signed by the log's key"), std::string::npos);
}

TEST_F(Integrity, NoHeadShorterThanAWitnessedOneIsEverSigned) {
  RecordSession();
  TempDir old;
  auto rolled_back =
      OpenOrDie(old.path() / "store");  // opened without the witness, as a stale copy would be
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(rolled_back->Append(Request("s", "c" + std::to_string(i))).ok());
  auto refused = RecordTreeHead(*rolled_back, *log_key, ecab::testing::June24(), witness);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("will not sign a tree head of size 20"),
            std::string::npos);
  auto heads = RecordedTreeHeads(*rolled_back);
  ASSERT_TRUE(heads.ok());
  EXPECT_TRUE(heads->empty());
}

TEST_F(Integrity, ASalvagedLogSaysSoInTheLogTheWitnessAndEveryVerify) {
  const es::TreeHead head = RecordSession();
  const auto wal = es::testing::StoreFiles(store_dir, ".log");
  ASSERT_FALSE(wal.empty());
  for (const auto& w : wal) std::filesystem::resize_file(w, std::filesystem::file_size(w) / 2);
  auto o = Options(store_dir);
  EXPECT_EQ(es::EventStore::Open(o).error().code, ErrorCode::kCorruption);
  o.recovery = es::StoreOptions::Recovery::kSalvagePrefix;
  std::uint64_t kept = 0;
  {
    auto store = OpenOrDie(o);
    ASSERT_TRUE(store->salvage().has_value());
    kept = store->salvage()->kept;
    ASSERT_LT(kept, head.size);
    ASSERT_TRUE(RecordSalvage(*store, witness, ecab::testing::June24()).ok());
  }
  auto store = OpenOrDie(Options(store_dir));  // the salvage is the witness's new baseline
  EXPECT_EQ(store->head_position(), kept + 1);
  auto report = VerifyLog(*store, 2, {}, log_key->public_pem(), witness);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  const Finding& salvage = report->findings.back();
  EXPECT_EQ(salvage.check, "salvage");
  EXPECT_EQ(salvage.position, kept + 1);
  EXPECT_NE(
      salvage.reason.find("events " + std::to_string(kept + 1) + ".." + std::to_string(head.size)),
      std::string::npos)
      << salvage.reason;
}

TEST_F(Integrity, TheCommandLineChecksAHeadFileAndTheWitness) {
  const es::TreeHead head = RecordSession();
  std::ofstream(dir.path() / "head.json") << es::TreeHeadJson(head);
  auto [ok, said] = Shell(Tool("verify --against-head " + (dir.path() / "head.json").string()));
  EXPECT_EQ(ok, 0) << said;
  EXPECT_NE(said.find("consistent with the tree head of size " + std::to_string(head.size)),
            std::string::npos);
  // A witness that claims more than the log holds: verify names both sizes.
  es::TreeHead bigger = head;
  bigger.size = head.size + 50;
  ASSERT_TRUE(es::AppendWitnessHead(witness, bigger, es::Hash{}).ok());
  auto [lost, report] = Shell(Tool("verify"));
  EXPECT_EQ(lost, 1) << report;
  EXPECT_NE(report.find("holds " + std::to_string(head.size + 1) + " events"), std::string::npos)
      << report;
  EXPECT_NE(report.find("size " + std::to_string(head.size + 50)), std::string::npos) << report;
  // A head from a longer history than this log has.
  std::ofstream(dir.path() / "bigger.json")
      << es::TreeHeadJson(*log_key->Sign(bigger.size, head.root, head.time));
  auto [refused, why] =
      Shell(Tool("verify --against-head " + (dir.path() / "bigger.json").string()));
  EXPECT_EQ(refused, 1) << why;
  EXPECT_NE(why.find("fewer than the " + std::to_string(head.size + 50)), std::string::npos) << why;
}

TEST_F(Integrity, TheAuditToolReadsAStoreTheServerIsStillWriting) {
  RecordSession();
  auto live = OpenOrDie(Options(store_dir));  // holds RocksDB's lock, as ecabinetd does
  auto [code, said] = Shell(Tool("verify"));
  EXPECT_EQ(code, 0) << said;
  EXPECT_NE(said.find("all hold"), std::string::npos) << said;
  auto [explained, story] = Shell(Tool("explain --resolution nq-eid"));
  EXPECT_EQ(explained, 0) << story;
  ASSERT_TRUE(live->Append(Request("s", "still-writing")).ok());  // the writer was not disturbed
}

}  // namespace
}  // namespace ecab::replay

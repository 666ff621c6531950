// The auditor's tools on the 24 June 2019 log: verify finds every kind of
// tampering and passes an untouched store; explain tells how it passed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <set>

#include "domain/log/events.h"
#include "eventstore/merkle.h"
#include "eventstore/record.h"
#include "eventstore/tamper.h"
#include "eventstore/tree_head.h"
#include "projections/testing.h"
#include "replay/explain.h"
#include "replay/export.h"
#include "replay/tree_heads.h"
#include "replay/verifier.h"

namespace ecab::replay {
namespace {

using es::testing::TempDir;

class Audit : public ::testing::Test {
 protected:
  std::filesystem::path StoreDir() const { return dir.path() / "store"; }

  void Record(const proj::testing::Tamper& tamper = {}) {
    auto store = es::testing::OpenOrDie(StoreDir());
    proj::testing::RecordJune24(*store, tamper);
    head = store->head_position();
    auto all = store->ReadAll(1, 10'000);
    for (const auto& e : *all) {
      if (e.type == "meeting.ballot_cast") ballots.push_back(e.position);
    }
  }

  AuditReport Verify() {
    es::StoreOptions o{StoreDir(), es::testing::Ring(), nullptr};
    o.tail_check = 0;
    auto store = es::testing::OpenOrDie(o);
    auto report = VerifyLog(*store, 2);
    EXPECT_TRUE(report.ok()) << ToString(report.error());
    return report.ok() ? *report : AuditReport{};
  }

  static std::set<std::uint64_t> Positions(const AuditReport& r) {
    std::set<std::uint64_t> out;
    for (const auto& f : r.findings) out.insert(f.position);
    return out;
  }

  TempDir dir;
  std::uint64_t head = 0;
  std::vector<std::uint64_t> ballots;
};

TEST_F(Audit, AnUntouchedStoreVerifiesWithEverySignedActChecked) {
  Record();
  const AuditReport r = Verify();
  EXPECT_TRUE(r.ok()) << r.findings.front().reason;
  EXPECT_EQ(r.events, head);
  EXPECT_EQ(r.signed_acts, 26u) << "25 ballots and the Prime Minister's signature";
}

TEST_F(Audit, AFlippedByteIsFoundAtItsPosition) {
  Record();
  es::testing::FlipByte(StoreDir(), ballots[3], -40);  // inside the prev-hash
  const AuditReport r = Verify();
  EXPECT_EQ(Positions(r), std::set<std::uint64_t>{ballots[3]});
}

TEST_F(Audit, ARemovedEventIsFound) {
  Record();
  es::testing::RemoveRecord(StoreDir(), ballots[5]);
  const AuditReport r = Verify();
  EXPECT_EQ(Positions(r), std::set<std::uint64_t>{ballots[5]});
}

TEST_F(Audit, ASwappedPairIsFoundAtBothPositions) {
  Record();
  es::testing::SwapRecords(StoreDir(), ballots[7], ballots[8]);
  const AuditReport r = Verify();
  EXPECT_EQ(Positions(r), (std::set<std::uint64_t>{ballots[7], ballots[8]}));
}

TEST_F(Audit, AForgedSignatureIsFound) {
  Record([](testing::World&, std::vector<meeting::MeetingEvent>& log) {
    for (auto& e : log) {
      if (auto* b = std::get_if<meeting::BallotCast>(&e); b && b->voter == "min-ict")
        b->signature.value[0] ^= 1;
    }
  });
  const AuditReport r = Verify();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].check, "signature");
  EXPECT_NE(r.findings[0].reason.find("does not match the signed payload"), std::string::npos);
}

TEST_F(Audit, ABallotSignedWithACertificateRevokedBeforeTheActIsFound) {
  Record([](testing::World& w, std::vector<meeting::MeetingEvent>&) {
    const Timestamp before = testing::June24() - std::chrono::hours(24);
    w.Admin(directory::PublishRevocationList{w.ca.Crl({{w.certs.at("min-ict").serial, before}},
                                                      before)},
            testing::June24() - std::chrono::hours(1));
  });
  const AuditReport r = Verify();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].reason.find("was revoked at"), std::string::npos) << r.findings[0].reason;
}

TEST_F(Audit, ExplainTellsHowThe24June2019ResolutionPassed) {
  Record();
  auto store = es::testing::OpenOrDie(StoreDir());
  auto story = Explain(*store, "resolution", "nq-eid");
  ASSERT_TRUE(story.ok()) << ToString(story.error());
  const nlohmann::json told = StoryJson(*story);
  const auto& vote = told["vote"];
  EXPECT_EQ(vote["tally"]["for"], 25);
  EXPECT_EQ(vote["tally"]["for_in_room"], 21);
  EXPECT_EQ(vote["tally"]["for_remote"], 4);
  EXPECT_EQ(vote["rule"], "more than half of all 27 members");
  EXPECT_EQ(vote["quorum_at_opening"]["reasoning"],
            "21 of 27 present; at least 18 needed; quorum met");
  EXPECT_EQ(vote["ballots"].size(), 25u);
  for (const auto& b : vote["ballots"]) EXPECT_EQ(b["signature"], "verified") << b["voter"];
  EXPECT_EQ(told["signature"]["signer"], "pm");
  EXPECT_EQ(told["signature"]["status"], "verified");
  EXPECT_EQ(told["promulgated"]["number"], "1/NQ-CP");
  const std::string text = ExplainText(*story);
  EXPECT_NE(text.find("25 in favour (21 in the room, 4 remote)"), std::string::npos) << text;
  EXPECT_NE(text.find("rule: more than half of all 27 members"), std::string::npos) << text;
  EXPECT_NE(text.find("promulgated as 1/NQ-CP"), std::string::npos);
  EXPECT_EQ(Explain(*store, "resolution", "nothing").error().code, ErrorCode::kNotFound);
  auto by_vote = Explain(*store, "vote", "meeting-1/vote-1");
  ASSERT_TRUE(by_vote.ok()) << ToString(by_vote.error());
  EXPECT_EQ(StoryJson(*by_vote)["tally"]["for"], 25);
}

int ExitCode(const std::string& command) {
  return WEXITSTATUS(std::system((command + " >/dev/null 2>&1").c_str()));
}

TEST_F(Audit, TheCommandLineToolExitsByWhetherEverythingHeld) {
  Record();
  const auto key_file = dir.path() / "keys";
  // es::testing::Ring() is key "k1", 32 bytes of 0x01.
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "01";
  std::ofstream(key_file, std::ios::trunc) << "k1 " << hex << "\n";
  ::chmod(key_file.c_str(), 0600);
  const std::string base =
      std::string(ECAB_AUDIT_TOOL) + " verify --quiet --data-dir " + dir.path().string();
  EXPECT_EQ(ExitCode(base), 0);
  EXPECT_EQ(ExitCode(std::string(ECAB_AUDIT_TOOL) + " explain --resolution nq-eid --data-dir " +
                     dir.path().string()),
            0);
  es::testing::FlipByte(StoreDir(), ballots[0], -40);
  EXPECT_EQ(ExitCode(base), 1);
  EXPECT_EQ(ExitCode(base + "/nowhere"), 2);
}

class Archive : public Audit {
 protected:
  void SetUp() override {
    Record();
    auto signer = es::TreeHeadSigner::LoadOrCreate(dir.path() / "log-key.pem");
    ASSERT_TRUE(signer.ok());
    log_key = std::move(signer).value();
  }

  Result<ExportSummary> Export(const std::string& requester, const std::filesystem::path& out,
                               bool sign_head = true) {
    auto store = es::testing::OpenOrDie(StoreDir());
    if (sign_head) {
      auto signed_head =
          RecordTreeHead(*store, *log_key, testing::June24() + std::chrono::hours(12));
      EXPECT_TRUE(signed_head.ok());
    }
    return ExportMeeting(*store,
                         ExportRequest{"meeting-1", requester, out, log_key->public_pem(), {}});
  }

  static int In(const std::filesystem::path& dir, const std::string& command) {
    return ExitCode("cd " + dir.string() + " && " + command);
  }

  std::unique_ptr<es::TreeHeadSigner> log_key;
};

TEST_F(Archive, ABagChecksItselfWithSha256sumAndOpensslAndCatchesAnyChangedByte) {
  const auto bag = dir.path() / "bag";
  auto summary = Export("min-ict", bag);
  ASSERT_TRUE(summary.ok()) << ToString(summary.error());
  EXPECT_EQ(summary->signed_acts, 26u);
  EXPECT_EQ(In(bag, "sha256sum -c --quiet manifest-sha256.txt"), 0);
  EXPECT_EQ(In(bag, "sha256sum -c --quiet tagmanifest-sha256.txt"), 0);
  EXPECT_EQ(In(bag,
               "openssl pkeyutl -verify -pubin -inkey data/log-public-key.pem -rawin -in "
               "data/tree-head.txt "
               "-sigfile data/tree-head.sig"),
            0);

  // Every exported event: its hash recomputes from the stored record, and its
  // inclusion proof holds against the signed root.
  std::ifstream head_in(bag / "data/tree-head.json");
  const auto tree_head = nlohmann::json::parse(head_in);
  es::Hash root;
  const std::string root_bytes = [&] {
    std::string out;
    const std::string hex = tree_head["root"];
    for (std::size_t i = 0; i < hex.size(); i += 2)
      out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
  }();
  std::memcpy(root.data(), root_bytes.data(), 32);
  auto unhex = [](const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2)
      out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
  };
  std::ifstream events_in(bag / "data/events.jsonl"), proofs_in(bag / "data/proofs.jsonl");
  std::string event_line, proof_line;
  int checked = 0;
  std::uint64_t ballot_position = 0;
  while (std::getline(events_in, event_line) && std::getline(proofs_in, proof_line)) {
    const auto e = nlohmann::json::parse(event_line);
    const auto p = nlohmann::json::parse(proof_line);
    const std::string record = unhex(e["record_hex"]);
    ASSERT_EQ(es::ToHex(es::Sha256(std::string_view(record).substr(0, record.size() - 32))),
              e["hash"]);
    es::Hash hash;
    std::memcpy(hash.data(), unhex(e["hash"]).data(), 32);
    std::vector<es::Hash> path;
    for (const auto& h : p["path"]) {
      es::Hash x;
      std::memcpy(x.data(), unhex(h).data(), 32);
      path.push_back(x);
    }
    ASSERT_TRUE(
        es::VerifyInclusion(es::MerkleLeaf(hash), p["leaf_index"], p["tree_size"], path, root))
        << "position " << e["position"];
    if (e["type"] == "meeting.ballot_cast") ballot_position = e["position"];
    ++checked;
  }
  EXPECT_GT(checked, 100);

  // A ballot's signature, with openssl and the certificate in the bag.
  std::ifstream ev(bag / "data/events.jsonl");
  std::string fingerprint;
  while (std::getline(ev, event_line)) {
    const auto e = nlohmann::json::parse(event_line);
    if (e["position"] == ballot_position)
      fingerprint = e["signed_act"]["certificate"].get<std::string>().substr(7);
  }
  const std::string sig = "data/signatures/" + std::to_string(ballot_position);
  EXPECT_EQ(In(bag, "openssl x509 -in data/certificates/" + fingerprint +
                        ".pem -pubkey -noout > ballot-key.pem && "
                        "openssl pkeyutl -verify -pubin -inkey ballot-key.pem -rawin -in " +
                        sig + ".payload -sigfile " + sig + ".sig"),
            0);
  EXPECT_EQ(In(bag, "openssl verify -CAfile data/certificates/trust-anchor.pem data/certificates/" +
                        fingerprint + ".pem"),
            0);

  // Any changed byte in a data file is caught.
  for (const char* file : {"data/minutes.html", "data/events.jsonl", "data/proofs.jsonl"}) {
    std::filesystem::remove_all(dir.path() / "changed");
    std::filesystem::copy(bag, dir.path() / "changed", std::filesystem::copy_options::recursive);
    std::fstream f(dir.path() / "changed" / file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(10);
    char c = 0;
    f.get(c);
    f.seekp(10);
    f.put(static_cast<char>(c ^ 0x01));
    f.close();
    EXPECT_NE(In(dir.path() / "changed", "sha256sum -c --quiet manifest-sha256.txt"), 0) << file;
  }
}

TEST_F(Archive, ATarBagUnpacksAndChecksAndOutsidersAreRefused) {
  const auto tar = dir.path() / "meeting-1-record.tar";
  auto summary = Export("records-office", tar);
  ASSERT_FALSE(summary.ok()) << "not enrolled: refused";
  EXPECT_EQ(summary.error().code, ErrorCode::kForbidden);
  auto store_ok = Export("min-ict", tar, false);
  ASSERT_TRUE(store_ok.ok()) << ToString(store_ok.error());
  EXPECT_EQ(In(dir.path(), "tar -xf " + tar.string()), 0);
  EXPECT_EQ(In(dir.path() / "meeting-1-record",
               "sha256sum -c --quiet manifest-sha256.txt && sha256sum -c --quiet "
               "tagmanifest-sha256.txt"),
            0);
  auto unknown = es::testing::OpenOrDie(StoreDir());
  EXPECT_EQ(ExportMeeting(*unknown, ExportRequest{"no-such", "min-ict", dir.path() / "x", "", {}})
                .error()
                .code,
            ErrorCode::kNotFound);
}

TEST_F(Archive, VerifyChecksEverySignedTreeHeadAgainstTheLogAndItsKey) {
  auto store = es::testing::OpenOrDie(StoreDir());
  ASSERT_TRUE(RecordTreeHead(*store, *log_key, testing::June24()).ok());
  auto report = VerifyLog(*store, 2, {}, log_key->public_pem());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->tree_heads, 1u);
  // A head signed by another key, after one more event.
  ASSERT_TRUE(store->Append(es::testing::Request("s", "one-more")).ok());
  auto other = es::TreeHeadSigner::LoadOrCreate(dir.path() / "other.pem");
  ASSERT_TRUE(RecordTreeHead(*store, **other, testing::June24()).ok());
  // And a head whose root is not the log's.
  ASSERT_TRUE(store->Append(es::testing::Request("s", "two-more")).ok());
  auto wrong = log_key->Sign(store->head_position(), es::Sha256("not the root"), testing::June24());
  const log::TreeHeadSigned forged{
      wrong->size, std::string(reinterpret_cast<const char*>(wrong->root.data()), 32), wrong->time,
      wrong->key_id, wrong->signature};
  const EncodedEvent encoded = Encode(forged);
  es::AppendRequest r;
  r.body = std::string(log::kBody);
  r.stream = std::string(log::kStream);
  r.command_id = "forged";
  r.actor = {"log", "admin", ""};
  r.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
  ASSERT_TRUE(store->Append(std::move(r)).ok());
  report = VerifyLog(*store, 2, {}, log_key->public_pem());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->findings.size(), 2u);
  EXPECT_NE(report->findings[0].reason.find("not signed by the log's key"), std::string::npos);
  EXPECT_NE(report->findings[1].reason.find("is not the log's root"), std::string::npos);
}

TEST_F(Archive, TheCommandLineProvesReplaysAndExports) {
  {
    auto store = es::testing::OpenOrDie(StoreDir());
    ASSERT_TRUE(RecordTreeHead(*store, *log_key, testing::June24()).ok());
  }
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "01";
  std::ofstream(dir.path() / "keys") << "k1 " << hex << "\n";
  ::chmod((dir.path() / "keys").c_str(), 0600);
  std::ofstream(dir.path() / "log.pub") << log_key->public_pem();
  const std::string tool = std::string(ECAB_AUDIT_TOOL) + " ";
  const std::string data = " --data-dir " + dir.path().string();
  EXPECT_EQ(ExitCode(tool + "verify --quiet --log-public-key " + (dir.path() / "log.pub").string() +
                     data),
            0);
  EXPECT_EQ(ExitCode(tool + "prove --position " + std::to_string(ballots[0]) + data), 0);
  EXPECT_EQ(ExitCode(tool + "consistency --from 10 --to " + std::to_string(head) + data), 0);
  EXPECT_EQ(ExitCode(tool + "consistency --from 0 --to 5" + data), 2) << "a bad request is refused";
  EXPECT_EQ(ExitCode(tool + "replay --to-position " + std::to_string(ballots[9]) + " --out " +
                     (dir.path() / "past").string() + " --show meeting/view/meeting-1" + data),
            0);
  EXPECT_EQ(ExitCode(tool + "replay --to-time 2000-01-01T00:00:00Z --out " +
                     (dir.path() / "empty").string() + data),
            0);
  EXPECT_EQ(ExitCode(tool + "export --meeting meeting-1 --as min-ict --out " +
                     (dir.path() / "bag").string() + " --log-public-key " +
                     (dir.path() / "log.pub").string() + data),
            0);
  EXPECT_EQ(In(dir.path() / "bag", "sha256sum -c --quiet manifest-sha256.txt"), 0);
  EXPECT_EQ(ExitCode(tool + "export --meeting meeting-1 --as nobody --out " +
                     (dir.path() / "bag2").string() + data),
            2);
  EXPECT_EQ(
      ExitCode(tool + "sign-tree-head --log-key " + (dir.path() / "log-key.pem").string() + data),
      0);
}

TEST(ArchiveWithoutTreeHead, ExportWaitsForASignedTreeHead) {
  TempDir dir;
  auto store = es::testing::OpenOrDie(dir.path() / "store");
  proj::testing::RecordJune24(*store);
  auto refused =
      ExportMeeting(*store, ExportRequest{"meeting-1", "min-ict", dir.path() / "bag", "", {}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kRuleViolation);
}

}  // namespace
}  // namespace ecab::replay

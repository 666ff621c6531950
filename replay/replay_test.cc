// The auditor's tools on the 24 June 2019 log: verify finds every kind of
// tampering and passes an untouched store; explain tells how it passed.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sys/stat.h>

#include "eventstore/tamper.h"
#include "projections/testing.h"
#include "replay/explain.h"
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
      if (auto* b = std::get_if<meeting::BallotCast>(&e); b && b->voter == "min-ict") b->signature.value[0] ^= 1;
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
    w.Admin(directory::PublishRevocationList{w.ca.Crl({{w.certs.at("min-ict").serial, before}}, before)},
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
  const auto& vote = (*story)["vote"];
  EXPECT_EQ(vote["tally"]["for"], 25);
  EXPECT_EQ(vote["tally"]["for_in_room"], 21);
  EXPECT_EQ(vote["tally"]["for_remote"], 4);
  EXPECT_EQ(vote["rule"], "more than half of all 27 members");
  EXPECT_EQ(vote["quorum_at_opening"]["reasoning"], "21 of 27 present; at least 18 needed; quorum met");
  EXPECT_EQ(vote["ballots"].size(), 25u);
  for (const auto& b : vote["ballots"]) EXPECT_EQ(b["signature"], "verified") << b["voter"];
  EXPECT_EQ((*story)["signature"]["signer"], "pm");
  EXPECT_EQ((*story)["signature"]["status"], "verified");
  EXPECT_EQ((*story)["promulgated"]["number"], "1/NQ-CP");
  const std::string text = ExplainText(*story);
  EXPECT_NE(text.find("25 in favour (21 in the room, 4 remote)"), std::string::npos) << text;
  EXPECT_NE(text.find("rule: more than half of all 27 members"), std::string::npos) << text;
  EXPECT_NE(text.find("promulgated as 1/NQ-CP"), std::string::npos);
  EXPECT_EQ(Explain(*store, "resolution", "nothing").error().code, ErrorCode::kNotFound);
  auto by_vote = Explain(*store, "vote", "meeting-1/vote-1");
  ASSERT_TRUE(by_vote.ok()) << ToString(by_vote.error());
  EXPECT_EQ((*by_vote)["tally"]["for"], 25);
}

int ExitCode(const std::string& command) { return WEXITSTATUS(std::system((command + " >/dev/null 2>&1").c_str())); }

TEST_F(Audit, TheCommandLineToolExitsByWhetherEverythingHeld) {
  Record();
  const auto key_file = dir.path() / "keys";
  // es::testing::Ring() is key "k1", 32 bytes of 0x01.
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "01";
  std::ofstream(key_file, std::ios::trunc) << "k1 " << hex << "\n";
  ::chmod(key_file.c_str(), 0600);
  const std::string base = std::string(ECAB_AUDIT_TOOL) + " verify --quiet --data-dir " + dir.path().string();
  EXPECT_EQ(ExitCode(base), 0);
  EXPECT_EQ(ExitCode(std::string(ECAB_AUDIT_TOOL) + " explain --resolution nq-eid --data-dir " + dir.path().string()), 0);
  es::testing::FlipByte(StoreDir(), ballots[0], -40);
  EXPECT_EQ(ExitCode(base), 1);
  EXPECT_EQ(ExitCode(base + "/nowhere"), 2);
}

}  // namespace
}  // namespace ecab::replay

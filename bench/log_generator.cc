#include "bench/log_generator.h"

#include <string>
#include <vector>

#include "domain/documents/document.h"
#include "domain/forms/events.h"
#include "domain/meeting/events.h"
#include "domain/resolution/resolution.h"

namespace ecab::bench {
namespace {

constexpr int kMembers = 27;
const Timestamp kStart = FromMicros(1561363200000000);

std::string Member(int i) { return i == 0 ? "pm" : "m" + std::to_string(i + 1); }

// Collects events per stream and appends them in chunks.
class Writer {
 public:
  explicit Writer(es::EventStore& store) : store_(store) {}

  template <class E>
  void Add(const std::string& stream, const E& event) {
    EncodedEvent encoded = Encode(event);
    auto& pending = pending_[stream];
    pending.push_back(
        {std::move(encoded.type), encoded.schema_version, std::move(encoded.bytes), std::nullopt});
    ++count_;
    if (pending.size() >= 512) Flush(stream);
  }

  void Flush(const std::string& stream) {
    auto& pending = pending_[stream];
    if (pending.empty()) return;
    es::AppendRequest r;
    r.body = "gov-vn";
    r.stream = stream;
    r.command_id = "gen-" + std::to_string(++appends_);
    r.actor = {"generator", "secretariat", ""};
    r.events = std::move(pending);
    pending.clear();
    auto result = store_.Append(std::move(r));
    if (!result.ok()) throw std::runtime_error(ToString(result.error()));
  }

  void FlushAll() {
    for (auto& [stream, events] : pending_) Flush(stream);
  }

  std::uint64_t count() const { return count_; }

 private:
  es::EventStore& store_;
  std::map<std::string, std::vector<es::ProposedEvent>> pending_;
  std::uint64_t count_ = 0;
  std::uint64_t appends_ = 0;
};

SignedAct FakeSignature(Timestamp t) {
  return SignedAct{"ed25519", std::string(64, 's'), "sha256:" + std::string(64, 'c'), t};
}

void Meeting(Writer& w, std::uint64_t n, bool signed_acts) {
  using namespace meeting;
  const std::string s = "meeting-" + std::to_string(n);
  const Timestamp t = kStart + std::chrono::hours(n);
  w.Add(s, MeetingScheduled{s, "Regular session " + std::to_string(n), t, t + std::chrono::hours(8),
                            "Hà Nội", ""});
  for (int i = 0; i < 5; ++i)
    w.Add(s, AgendaItemAdded{"item-" + std::to_string(i), "Item", {"doc-" + std::to_string(n)}});
  for (int m = 0; m < kMembers; ++m) w.Add(s, ParticipantInvited{Member(m), false});
  for (int m = 0; m < kMembers; ++m)
    w.Add(s, RsvpGiven{Member(m), m < 23 ? RsvpResponse::kInRoom : RsvpResponse::kRemote, "", ""});
  std::vector<std::string> members;
  for (int m = 0; m < kMembers; ++m) members.push_back(Member(m));
  w.Add(s, SessionOpened{"pm", members, Policy{}});
  for (int m = 0; m < kMembers; ++m)
    w.Add(s, CheckedIn{Member(m), m < 21 ? Attendance::kInRoom : Attendance::kAbsent, "", "staff"});
  for (int i = 0; i < 5; ++i) {
    const std::string item = "item-" + std::to_string(i);
    w.Add(s, ItemTakenUp{item});
    for (int c = 0; c < 10; ++c)
      w.Add(s, CommentPosted{item, Member(c), "", "Ý kiến về dự thảo, điều " + std::to_string(c)});
    for (int f = 0; f < 5; ++f) {
      w.Add(s, FloorRequested{item, Member(f + 3), ""});
      w.Add(s, FloorGranted{Member(f + 3)});
      w.Add(s, FloorEnded{Member(f + 3)});
    }
    const std::string vote = "vote-" + std::to_string(i);
    w.Add(s, VoteOpened{vote, item, "Adopt?", "pm", members, 21, Policy{}});
    for (int m = 0; signed_acts && m < kMembers - 2; ++m) {
      w.Add(s, BallotCast{vote, Member(m), Member(m), m % 9 == 8 ? Choice::kAgainst : Choice::kFor,
                          m < 21 ? Attendance::kInRoom : Attendance::kRemote, FakeSignature(t)});
    }
    w.Add(s, VoteClosed{vote, VoteOutcome{27, 21, 23, 2, 0, 2, 19, 4, 0, 27, false, true, "rule",
                                          "reasoning"}});
    w.Add(s, ItemClosed{item});
  }
  w.Add(s, SessionClosed{"pm"});
}

void Form(Writer& w, std::uint64_t n, bool signed_acts) {
  using namespace forms;
  const std::string s = "form-" + std::to_string(n);
  std::vector<std::string> members;
  for (int m = 0; m < kMembers; ++m) members.push_back(Member(m));
  const Timestamp deadline = kStart + std::chrono::hours(n + 72);
  w.Add(s, FormDrafted{s, FormContent{"Lấy ý kiến " + std::to_string(n),
                                      "Đồng ý?",
                                      {},
                                      members,
                                      deadline,
                                      Urgency::kUrgent}});
  w.Add(s, FormSubmitted{1});
  if (signed_acts) w.Add(s, FormApproved{"pm", 1, FakeSignature(kStart)});
  w.Add(s, FormIssued{members, deadline, Urgency::kUrgent, Silence::kNotCounted, Fraction{1, 2}});
  for (int m = 0; signed_acts && m < kMembers - 3; ++m)
    w.Add(s, AnswerGiven{Member(m), m % 5 == 4 ? Answer::kDisagree : Answer::kAgree, "", 1,
                         FakeSignature(kStart)});
  w.Add(s, FormClosed{"deadline", FormResult{}});
  w.Add(s, FormResultSubmitted{"staff"});
  w.Add(s, FormDecisionRecorded{"pm", true, "Agreed"});
}

void Resolution(Writer& w, std::uint64_t n, bool signed_acts) {
  using namespace resolution;
  const std::string s = "resolution-" + std::to_string(n);
  w.Add(s, ResolutionDrafted{s, "Nghị quyết " + std::to_string(n), std::string(400, 'x'), "", "",
                             "staff"});
  for (std::uint32_t v = 2; v <= 4; ++v)
    w.Add(s, ResolutionRevised{v, std::string(400, static_cast<char>('a' + v)), "staff"});
  w.Add(s, ResolutionCirculated{"form-" + std::to_string(n), 4});
  w.Add(s, ResolutionSubmitted{4});
  if (signed_acts) w.Add(s, ResolutionSigned{"pm", 4, FakeSignature(kStart)});
  w.Add(s, ResolutionPromulgated{std::to_string(n + 1) + "/NQ-CP", 2019, kStart});
  w.Add(s, ResolutionDistributed{{"ministries", "provinces"}});
}

void Document(Writer& w, std::uint64_t n) {
  using namespace documents;
  const std::string s = "document-" + std::to_string(n);
  w.Add(s, DocumentRegistered{s, "Tài liệu " + std::to_string(n), Classification::kNormal,
                              Urgency::kNormal});
  w.Add(s, DocumentVersionAdded{1, std::string(64, 'a'), 1000, "application/pdf", "v1.pdf", "staff",
                                "Nội dung"});
  w.Add(s, DocumentVersionAdded{2, std::string(64, 'b'), 1200, "application/pdf", "v2.pdf", "staff",
                                "Nội dung mới"});
}

}  // namespace

GeneratedLog GenerateLog(es::EventStore& store, std::uint64_t target, bool signed_acts) {
  Writer w(store);
  GeneratedLog log;
  // Per round: 1 meeting (~395 events), 3 forms (~32 each), 2 resolutions (9), 2 documents (3).
  while (w.count() < target) {
    Meeting(w, log.meetings++, signed_acts);
    for (int i = 0; i < 3; ++i) Form(w, log.forms++, signed_acts);
    for (int i = 0; i < 2; ++i) Resolution(w, log.resolutions++, signed_acts);
    for (int i = 0; i < 2; ++i) Document(w, log.documents++);
    if (log.meetings % 8 == 0) w.FlushAll();  // a few streams at a time, interleaved in the log
  }
  w.FlushAll();
  log.events = w.count();
  return log;
}

}  // namespace ecab::bench

// Every event type: encodes and decodes back to itself, and its golden bytes
// (tests/golden/<type>.v<schema>.bin, as first written) still decode to the
// same value. ECAB_WRITE_GOLDEN=1 writes the file of a new type; it never
// overwrites one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "domain/directory/events.h"
#include "domain/documents/document.h"
#include "domain/forms/events.h"
#include "domain/log/events.h"
#include "domain/meeting/events.h"
#include "domain/platform/platform.h"
#include "domain/reminders/reminders.h"
#include "domain/resolution/resolution.h"

namespace ecab {
namespace {

const Timestamp kT = FromMicros(1561363200123456);
const SignedAct kSig{"ed25519", std::string("\x01\x02\xff", 3), "sha256:ab12", kT};

template <class Variant, class E>
void ExpectRoundTripAndGolden(const EventDecoder<Variant>& decoder, const E& event) {
  const EncodedEvent encoded = Encode(event);
  auto decoded = decoder.Decode(encoded);
  ASSERT_TRUE(decoded.ok()) << E::kType << ": " << ToString(decoded.error());
  ASSERT_TRUE(std::holds_alternative<E>(*decoded)) << E::kType;
  EXPECT_EQ(std::get<E>(*decoded), event) << E::kType;

  const auto path = std::filesystem::path(ECAB_GOLDEN_DIR) /
                    (std::string(E::kType) + ".v" + std::to_string(E::kSchemaVersion) + ".bin");
  if (std::getenv("ECAB_WRITE_GOLDEN") != nullptr && !std::filesystem::exists(path)) {
    std::ofstream(path, std::ios::binary) << encoded.bytes;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path;
  const std::string golden{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto from_golden = decoder.Decode(std::string(E::kType), E::kSchemaVersion, golden);
  ASSERT_TRUE(from_golden.ok()) << E::kType << ": " << ToString(from_golden.error());
  EXPECT_EQ(std::get<E>(*from_golden), event) << E::kType << " golden bytes decode differently";
}

TEST(RoundTrip, DirectoryEvents) {
  using namespace directory;
  const auto& d = DirectoryDecoder();
  Policy p;
  p.silence = Silence::kConsent;
  p.max_classification = Classification::kSecret;
  ExpectRoundTripAndGolden(d,
                           BodyCreated{"gov-vn", "Government of the Socialist Republic of Vietnam",
                                       "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam", "NQ-CP",
                                       BodyKind::kCabinet});
  ExpectRoundTripAndGolden(d,
                           MemberEnrolled{"pm", "Prime Minister", "Thủ tướng", Role::kChair, kT});
  ExpectRoundTripAndGolden(d, MemberLeft{"min-ict", kT});
  ExpectRoundTripAndGolden(d,
                           CertificateEnrolled{"pm", "sha256:00", std::string("\x30\x82\x00", 3)});
  ExpectRoundTripAndGolden(d, PolicySet{p, true, ReadReceipts::kOnRequest});
  {  // Schema 2 (before read receipts were a policy) is upcast as "on request".
    std::ifstream in2(std::filesystem::path(ECAB_GOLDEN_DIR) / "body.policy_set.v2.bin",
                      std::ios::binary);
    const std::string v2{std::istreambuf_iterator<char>(in2), std::istreambuf_iterator<char>()};
    auto from_v2 = d.Decode("body.policy_set", 2, v2);
    ASSERT_TRUE(from_v2.ok()) << ToString(from_v2.error());
    EXPECT_EQ(std::get<PolicySet>(*from_v2), (PolicySet{p, true, ReadReceipts::kOnRequest}));
    EXPECT_EQ(Encode(PolicySetV2{p, true}).bytes, v2) << "encoding of body.policy_set v2 changed";
  }
  ExpectRoundTripAndGolden(d, TrustAnchorSet{std::string("\x30\x01", 2)});
  ExpectRoundTripAndGolden(d, RevocationListPublished{std::string("\x30\x02", 2)});
  ExpectRoundTripAndGolden(d, ApproverDelegated{"dpm-standing", true});
  ExpectRoundTripAndGolden(d, ResolutionNumberAssigned{"nq-1", 2019, 12, "12/NQ-CP"});
  ExpectRoundTripAndGolden(d, CertificateRequested{"req-1", "min-ict", "iPad phòng họp",
                                                   std::string("\x30\x03", 2), "", kT});
  ExpectRoundTripAndGolden(d, CertificateRequestDecided{"req-1", false, "unknown device"});
  ExpectRoundTripAndGolden(d, CertificateIssued{"req-1", "min-ict", "sha256:01"});
  ExpectRoundTripAndGolden(d, CertificateRevoked{"min-ict", "sha256:01", "device lost", kT});
  ExpectRoundTripAndGolden(d, ContactSet{"min-ict",
                                         "bo.truong@mic.gov.vn",
                                         "+84912345678",
                                         "vi",
                                         {"email", "sms"},
                                         22 * 60,
                                         6 * 60,
                                         true});
}

TEST(RoundTrip, FormEvents) {
  using namespace forms;
  const auto& d = FormDecoder();
  const FormContent c{"Title", "Question?", {"doc-1"}, {"pm", "m02"}, kT, Urgency::kVeryUrgent};
  ExpectRoundTripAndGolden(d, FormDrafted{"form-1", c});
  ExpectRoundTripAndGolden(d, FormRevised{2, c});
  ExpectRoundTripAndGolden(d, FormSubmitted{2});
  ExpectRoundTripAndGolden(d, FormReturned{"pm", "Add the assessment"});
  ExpectRoundTripAndGolden(d, FormApproved{"pm", 2, kSig});
  ExpectRoundTripAndGolden(
      d, FormIssued{{"pm", "m02"}, kT, Urgency::kExpress, Silence::kAbstention, Fraction{1, 2}});
  ExpectRoundTripAndGolden(d, AnswerGiven{"m02", Answer::kAgreeWithComments, "Điều 3", 2, kSig});
  ExpectRoundTripAndGolden(
      d, FormClosed{"deadline", FormResult{27, 12, 3, 4, 0, 8, 15, 27, true, "15 of 27"}});
  ExpectRoundTripAndGolden(d, FormResultSubmitted{"staff"});
  ExpectRoundTripAndGolden(d, FormDecisionRecorded{"pm", true, "Agreed"});
}

TEST(RoundTrip, MeetingEvents) {
  using namespace meeting;
  const auto& d = MeetingDecoder();
  ExpectRoundTripAndGolden(
      d, MeetingScheduled{"m1", "Session", kT, kT + std::chrono::hours(8), "Hà Nội", "https://x"});
  ExpectRoundTripAndGolden(d, AgendaItemAdded{"i1", "Decree", {"doc-1", "doc-2"}});
  ExpectRoundTripAndGolden(d, AgendaReordered{{"i2", "i1"}});
  ExpectRoundTripAndGolden(d, ParticipantInvited{"expert", true});
  ExpectRoundTripAndGolden(d, RsvpGiven{"m04", RsvpResponse::kSubstitute, "mission", "deputy-4"});
  ExpectRoundTripAndGolden(d, ItemOpinionGiven{"i1", "deputy-4", "m04", "Ý kiến"});
  ExpectRoundTripAndGolden(d, SpeakerPreRegistered{"i1", "m02", ""});
  ExpectRoundTripAndGolden(d, DocumentStudied{"doc-1", "m02"});
  ExpectRoundTripAndGolden(d, SessionOpened{"pm", {"m02", "pm"}, Policy{}});
  ExpectRoundTripAndGolden(d, CheckedIn{"deputy-4", Attendance::kSubstitute, "m04", "staff"});
  ExpectRoundTripAndGolden(d, ItemTakenUp{"i1"});
  ExpectRoundTripAndGolden(d, ItemClosed{"i1"});
  ExpectRoundTripAndGolden(d, CommentPosted{"i1", "m02", "", "Agree"});
  ExpectRoundTripAndGolden(d, FloorRequested{"i1", "m02", ""});
  ExpectRoundTripAndGolden(d, FloorRequestWithdrawn{"m02"});
  ExpectRoundTripAndGolden(d, FloorGranted{"m02"});
  ExpectRoundTripAndGolden(d, FloorEnded{"m02"});
  ExpectRoundTripAndGolden(d, VoteOpened{"v1", "i1", "Adopt?", "pm", {"m02", "pm"}, 21, Policy{}});
  ExpectRoundTripAndGolden(d,
                           BallotCast{"v1", "m02", "m02", Choice::kFor, Attendance::kRemote, kSig});
  ExpectRoundTripAndGolden(d, VoteClosed{"v1", VoteOutcome{27, 21, 25, 0, 0, 2, 21, 4, 0, 27, false,
                                                           true, "rule", "why"}});
  ExpectRoundTripAndGolden(d, SessionClosed{"pm"});
}

TEST(RoundTrip, ResolutionAndDocumentEvents) {
  using namespace resolution;
  const auto& d = ResolutionDecoder();
  ExpectRoundTripAndGolden(d, ResolutionDrafted{"r1", "Nghị quyết", "text", "m1", "v1", "staff"});
  ExpectRoundTripAndGolden(d, ResolutionRevised{2, "text 2", "staff"});
  ExpectRoundTripAndGolden(d, ResolutionCirculated{"form-r1", 2});
  ExpectRoundTripAndGolden(d, ResolutionSubmitted{2});
  ExpectRoundTripAndGolden(d, ResolutionSigned{"pm", 2, kSig});
  ExpectRoundTripAndGolden(d, ResolutionPromulgated{"12/NQ-CP", 2019, kT});
  ExpectRoundTripAndGolden(d, ResolutionDistributed{{"ministries"}});
  const auto& docs = documents::DocumentDecoder();
  ExpectRoundTripAndGolden(
      docs, documents::DocumentRegistered{"doc-1", "Draft", Classification::kConfidential,
                                          Urgency::kUrgent});
  ExpectRoundTripAndGolden(
      docs, documents::DocumentVersionAdded{1, std::string(64, 'a'), 1200, "application/pdf",
                                            "draft.pdf", "staff", "", true});
  ExpectRoundTripAndGolden(docs, documents::DocumentAccessGranted{"min-ict"});
  ExpectRoundTripAndGolden(docs, documents::DocumentTextExtracted{1, "Nghị định", ""});
  // Schema 2 (text, no stored content) is upcast as not stored.
  {
    std::ifstream v2in(std::filesystem::path(ECAB_GOLDEN_DIR) / "document.version_added.v2.bin",
                       std::ios::binary);
    const std::string v2{std::istreambuf_iterator<char>(v2in), std::istreambuf_iterator<char>()};
    auto from_v2 = docs.Decode("document.version_added", 2, v2);
    ASSERT_TRUE(from_v2.ok()) << ToString(from_v2.error());
    EXPECT_EQ(std::get<documents::DocumentVersionAdded>(*from_v2),
              (documents::DocumentVersionAdded{1, std::string(64, 'a'), 1200, "application/pdf",
                                               "draft.pdf", "staff", "Nghị định", false}));
  }
  // Schema 1 (as first written, without text) is upcast with empty text.
  std::ifstream in(std::filesystem::path(ECAB_GOLDEN_DIR) / "document.version_added.v1.bin",
                   std::ios::binary);
  const std::string v1{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto upcast = docs.Decode("document.version_added", 1, v1);
  ASSERT_TRUE(upcast.ok()) << ToString(upcast.error());
  EXPECT_EQ(std::get<documents::DocumentVersionAdded>(*upcast),
            (documents::DocumentVersionAdded{1, std::string(64, 'a'), 1200, "application/pdf",
                                             "draft.pdf", "staff", "", false}));
  ExpectRoundTripAndGolden(reminders::ReminderDecoder(),
                           reminders::ReminderRecorded{reminders::TaskKind::kAnswerForm,
                                                       "form-1",
                                                       "m02",
                                                       "overdue",
                                                       0,
                                                       kT,
                                                       kT,
                                                       {"m02", "staff"}});
  ExpectRoundTripAndGolden(reminders::ReminderDecoder(),
                           reminders::NotificationRequested{"m02",
                                                            {"email", "sms"},
                                                            "Overdue",
                                                            "Please",
                                                            "form-1",
                                                            "overdue",
                                                            {{"title", "Báo cáo"}},
                                                            true,
                                                            0});
  {  // Schema 1 (fixed English text) is upcast with no kind, so it is delivered as written.
    std::ifstream in1(std::filesystem::path(ECAB_GOLDEN_DIR) / "notification.requested.v1.bin",
                      std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in1), std::istreambuf_iterator<char>()};
    auto old = reminders::ReminderDecoder().Decode("notification.requested", 1, bytes);
    ASSERT_TRUE(old.ok()) << ToString(old.error());
    EXPECT_EQ(std::get<reminders::NotificationRequested>(*old),
              (reminders::NotificationRequested{
                  "m02", {"email", "sms"}, "Overdue", "Please", "form-1", "", {}, false, 0}));
  }
  ExpectRoundTripAndGolden(
      reminders::ReminderDecoder(),
      reminders::NotificationDelivered{42, "m02", "email", "<n42.email@ecabinet>", 2, kT});
  ExpectRoundTripAndGolden(
      reminders::ReminderDecoder(),
      reminders::NotificationFailed{42, "m02", "sms", 5, "gateway answered 503", true, kT});
}

TEST(RoundTrip, PlatformEvents) {
  ExpectRoundTripAndGolden(platform::PlatformDecoder(), platform::AdminAppointed{"platform-admin"});
}

TEST(RoundTrip, LogEvents) {
  ExpectRoundTripAndGolden(
      log::LogDecoder(),
      log::TreeHeadSigned{306, std::string(32, '\x07'), kT, "sha256:ab", std::string(64, '\x01')});
  ExpectRoundTripAndGolden(
      log::LogDecoder(), log::LogSalvaged{150, 306, "Corruption: checksum mismatch in 000034.log"});
}

}  // namespace
}  // namespace ecab

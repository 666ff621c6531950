// Given/when/then for the body's commands, membership over time, and the
// authorization table.
#include "domain/directory/body.h"

#include <gtest/gtest.h>

#include "domain/authz/authorization.h"
#include "domain/directory/expect_refused.h"
#include "domain/directory/testing.h"

namespace ecab::directory {
namespace {

using testing::As;
using testing::ExpectRefused;
using testing::June24;
using testing::World;

TEST(Body, CreatingABodyMakesItsCreatorTheFirstAdminAndOnlyOnce) {
  Body empty;
  auto created = Decide(empty, CreateBody{"gov-vn", "Government", "Chính phủ", "NQ-CP"},
                        CommandContext{June24(), "root", Role::kAdmin, "", "c1"});
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->size(), 2u);
  Body b = testing::FoldAll(Body{}, *created, Evolve);
  EXPECT_TRUE(b.exists);
  EXPECT_EQ(b.RoleAt("root", June24()), Role::kAdmin);
  auto again = Decide(b, CreateBody{"gov-vn", "x", "", "NQ"},
                      CommandContext{June24(), "root", Role::kAdmin, "", "c2"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  auto by_member = Decide(Body{}, CreateBody{"b", "B", "", "NQ"},
                          CommandContext{June24(), "x", Role::kMember, "", "c"});
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.error().code, ErrorCode::kForbidden);
}

TEST(Body, ReadReceiptsAreOnDownloadUnlessTheBodySaysOnRequest) {
  const CommandContext ctx{June24(), "root", Role::kAdmin, "", "c1"};
  auto plain = Decide(Body{}, CreateBody{"a", "A", "", "NQ"}, ctx);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size(), 2u) << "no rules given: no policy event, the defaults hold";
  EXPECT_EQ(testing::FoldAll(Body{}, *plain, Evolve).read_receipts, ReadReceipts::kOnDownload);

  CreateBody on_request{"b", "B", "", "NQ"};
  on_request.read_receipts = ReadReceipts::kOnRequest;
  auto created = Decide(Body{}, on_request, ctx);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->size(), 3u) << "the flag alone is recorded, with the default rules";
  const Body b = testing::FoldAll(Body{}, *created, Evolve);
  EXPECT_EQ(b.read_receipts, ReadReceipts::kOnRequest);
  EXPECT_EQ(b.policy, Policy{});

  World w = World::WithMembers(3);
  w.Admin(SetPolicy{Policy{}, false, ReadReceipts::kOnRequest}, June24());
  EXPECT_EQ(w.body.read_receipts, ReadReceipts::kOnRequest);
  ExpectRefused(
      As(w, SetPolicy{Policy{}, false, static_cast<ReadReceipts>(9)}, "admin", Role::kAdmin),
      ErrorCode::kInvalidArgument, "read_receipts");
  EXPECT_EQ(w.body.read_receipts, ReadReceipts::kOnRequest) << "a refusal changes nothing";
}

TEST(Body, MembershipIsEvaluatedAtEachMoment) {
  World w = World::WithMembers(5);
  const Timestamp before = June24() - std::chrono::days(31);
  EXPECT_TRUE(w.body.MembersAt(before).empty());
  EXPECT_EQ(w.body.MembersAt(June24()).size(), 5u);
  w.Admin(RemovePerson{"m05"}, June24());
  EXPECT_EQ(w.body.MembersAt(June24()).size(), 4u);
  EXPECT_EQ(w.body.MembersAt(June24() - std::chrono::seconds(1)).size(), 5u)
      << "the past is unchanged";
  w.Admin(EnrollPerson{"m06", "New minister", "", Role::kMember}, June24() + std::chrono::days(1));
  EXPECT_EQ(w.body.MembersAt(June24()).size(), 4u);
  EXPECT_EQ(w.body.MembersAt(June24() + std::chrono::days(2)).size(), 5u);
  ExpectRefused(As(w, RemovePerson{"m05"}, "admin", Role::kAdmin), ErrorCode::kNotFound,
                "not a current member");
}

TEST(Body, EnrolmentRules) {
  World w = World::WithMembers(3);
  ExpectRefused(As(w, EnrollPerson{"m02", "x", "", Role::kMember}, "admin", Role::kAdmin),
                ErrorCode::kAlreadyExists, "already member");
  ExpectRefused(As(w, EnrollPerson{"m09", "x", "", Role::kChair}, "admin", Role::kAdmin),
                ErrorCode::kRuleViolation, "'pm' already chairs");
  ExpectRefused(As(w, EnrollPerson{"", "x", "", Role::kMember}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "needs an id");
  ExpectRefused(As(w, EnrollPerson{"m09", "x", "", Role::kMember}, "pm", Role::kChair),
                ErrorCode::kForbidden, "a chair may not enroll_person");
  // A change of role ends the old tenure and starts a new one.
  auto change =
      As(w, EnrollPerson{"m03", "Minister", "", Role::kSecretariat}, "admin", Role::kAdmin);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->size(), 2u);
  EXPECT_TRUE(std::holds_alternative<MemberLeft>((*change)[0]));
}

TEST(Body, SubstitutesArePeopleOfTheBodyWhoDoNotVote) {
  World w = World::WithMembers(3);
  w.EnrollSubstitute("deputy-3", June24() - std::chrono::days(1));
  EXPECT_EQ(w.body.RoleAt("deputy-3", June24()), Role::kSubstitute);
  EXPECT_EQ(w.body.MembersAt(June24()).size(), 3u) << "a substitute is not a member";
  EXPECT_TRUE(
      w.body.people.at("deputy-3").certificates.contains(w.certs.at("deputy-3").fingerprint()));
}

TEST(Body, ACertificateIsCheckedAtEnrolmentLikeEveryActSignedWithIt) {
  World w = World::WithMembers(3);
  const Timestamp t = June24();
  w.Admin(EnrollPerson{"m04", "Minister", "", Role::kMember}, t - std::chrono::days(2));
  auto issued = [&](const std::string& subject, bool usage = true,
                    Timestamp from = June24() - std::chrono::days(1),
                    Timestamp to = June24() + std::chrono::days(30)) {
    return w.ca.Issue(subject, testing::KeyType::kEd25519, from, to, usage).der;
  };
  ExpectRefused(As(w, EnrollCertificate{"nobody", issued("nobody")}, "admin", Role::kAdmin),
                ErrorCode::kNotFound, "not a person of body");
  testing::TestCa stranger("Stranger CA", t - std::chrono::days(10), t + std::chrono::days(10));
  ExpectRefused(
      As(w,
         EnrollCertificate{"m04", stranger
                                      .Issue("m04", testing::KeyType::kEd25519,
                                             t - std::chrono::days(1), t + std::chrono::days(1))
                                      .der},
         "admin", Role::kAdmin),
      ErrorCode::kInvalidArgument, "does not chain to the body's trust anchor");
  ExpectRefused(As(w, EnrollCertificate{"m04", stranger.der()}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "does not chain");
  ExpectRefused(As(w, EnrollCertificate{"m04", issued("m04", false)}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "digitalSignature");
  ExpectRefused(As(w,
                   EnrollCertificate{"m04", issued("m04", true, t - std::chrono::days(9),
                                                   t - std::chrono::days(2))},
                   "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "not valid now");
  ExpectRefused(As(w, EnrollCertificate{"m04", issued("m02")}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "(CN=m02) does not name 'm04'");
  ExpectRefused(As(w, EnrollCertificate{"m04", "not DER"}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "not valid DER");
  EXPECT_TRUE(As(w, EnrollCertificate{"m04", issued("m04")}, "admin", Role::kAdmin).ok());
}

TEST(Body, CertificatesAnchorsAndRevocationLists) {
  World w = World::WithMembers(2);
  ExpectRefused(As(w, EnrollCertificate{"m02", w.certs.at("m02").der}, "admin", Role::kAdmin),
                ErrorCode::kAlreadyExists, "already enrolled for 'm02'");
  ExpectRefused(As(w, EnrollCertificate{"m02", ""}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "empty");
  ExpectRefused(As(w, SetTrustAnchor{""}, "admin", Role::kAdmin), ErrorCode::kInvalidArgument,
                "empty");
  ExpectRefused(As(w, PublishRevocationList{""}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "empty");
  auto crl = As(w, PublishRevocationList{w.ca.Crl({}, June24())}, "admin", Role::kAdmin);
  ASSERT_TRUE(crl.ok());
  EXPECT_TRUE(std::holds_alternative<RevocationListPublished>((*crl)[0]));
  ExpectRefused(As(w, SetTrustAnchor{w.ca.der()}, "m02", Role::kMember), ErrorCode::kForbidden,
                "may not set_trust_anchor");
}

TEST(Body, PolicyIsValidated) {
  World w = World::WithMembers(2);
  Policy bad;
  bad.quorum = {3, 2};
  ExpectRefused(As(w, SetPolicy{bad}, "admin", Role::kAdmin), ErrorCode::kInvalidArgument,
                "quorum");
  bad = Policy{};
  bad.majority = {1, 1};
  ExpectRefused(As(w, SetPolicy{bad}, "admin", Role::kAdmin), ErrorCode::kInvalidArgument,
                "majority");
  bad = Policy{};
  bad.basis = static_cast<MajorityBasis>(7);
  ExpectRefused(As(w, SetPolicy{bad}, "admin", Role::kAdmin), ErrorCode::kInvalidArgument, "basis");
  Policy good;
  good.silence = Silence::kConsent;
  w.Admin(SetPolicy{good}, June24());
  EXPECT_EQ(w.body.policy.silence, Silence::kConsent);
}

TEST(Body, TheChairDelegatesAndWithdrawsApprovalOfForms) {
  World w = World::WithMembers(3);
  ExpectRefused(As(w, DelegateApprover{"m02", true}, "m03", Role::kMember), ErrorCode::kForbidden,
                "may not delegate_approver");
  auto granted = As(w, DelegateApprover{"m02", true}, "pm", Role::kChair);
  ASSERT_TRUE(granted.ok());
  w.body = testing::FoldAll(w.body, *granted, Evolve);
  EXPECT_TRUE(w.body.approvers.contains("m02"));
  ExpectRefused(As(w, DelegateApprover{"m02", true}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "already approves");
  ExpectRefused(As(w, DelegateApprover{"ghost", true}, "pm", Role::kChair), ErrorCode::kNotFound,
                "ghost");
}

TEST(Body, ResolutionNumbersAreUniquePerBodyAndYear) {
  World w = World::WithMembers(2);
  auto first = As(w, AssignResolutionNumber{"r1", 2019}, "staff", Role::kSecretariat);
  ASSERT_TRUE(first.ok());
  w.body = testing::FoldAll(w.body, *first, Evolve);
  auto second = As(w, AssignResolutionNumber{"r2", 2019}, "staff", Role::kSecretariat);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(std::get<ResolutionNumberAssigned>((*second)[0]).number, "2/NQ-CP");
  w.body = testing::FoldAll(w.body, *second, Evolve);
  ExpectRefused(As(w, AssignResolutionNumber{"r1", 2019}, "staff", Role::kSecretariat),
                ErrorCode::kAlreadyExists, "already number 1/NQ-CP");
  ExpectRefused(As(w, AssignResolutionNumber{"r3", 2020}, "staff", Role::kSecretariat),
                ErrorCode::kRuleViolation, "current year 2019");
  auto next_year = As(w, AssignResolutionNumber{"r3", 2020}, "staff", Role::kSecretariat,
                      June24() + std::chrono::days(200));
  ASSERT_TRUE(next_year.ok());
  EXPECT_EQ(std::get<ResolutionNumberAssigned>((*next_year)[0]).number, "1/NQ-CP")
      << "numbering restarts each year";
}

TEST(Authorization, EveryActionIsInTheTableAndReadOnlyRolesMayDoNothing) {
  for (int a = static_cast<int>(Action::kCreateBody);
       a <= static_cast<int>(Action::kGrantDocumentAccess); ++a) {
    const auto action = static_cast<Action>(a);
    EXPECT_NE(ActionName(action), "unknown") << a;
    EXPECT_FALSE(AllowedRoles(action).empty()) << ActionName(action);
    for (Role r : AllowedRoles(action)) {
      EXPECT_NE(r, Role::kAuditor) << ActionName(action);
      EXPECT_NE(r, Role::kArchivist) << ActionName(action);
    }
  }
}

TEST(Authorization, AClaimedRoleMustBeHeldNow) {
  World w = World::WithMembers(3);
  const auto ctx = w.Ctx("m02", Role::kChair, June24());
  auto s = Authorize(w.body, ctx, Action::kOpenVote);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "'m02' acts as member in body 'gov-vn', not as chair");
  auto before = Authorize(w.body, w.Ctx("m02", Role::kMember, June24() - std::chrono::days(60)),
                          Action::kRsvp);
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.error().message.find("not a member of body 'gov-vn' at this time"),
            std::string::npos);
}

}  // namespace
}  // namespace ecab::directory

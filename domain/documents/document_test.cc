// Given/when/then for documents: versions, classification, urgency.
#include "domain/documents/document.h"

#include <gtest/gtest.h>

#include "domain/directory/testing.h"

namespace ecab::documents {
namespace {

using testing::June24;
using testing::World;

const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

TEST(Document, ADocumentAboveTheBodysClassificationLimitNeverEnters) {
  World w = World::WithMembers(2);
  const auto ctx = w.Ctx("staff", Role::kSecretariat, June24());
  auto refused = Decide(
      Document{},
      RegisterDocument{"doc-1", "Security annex", Classification::kConfidential, Urgency::kExpress},
      ctx, w.body);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kClassificationRefused);
  EXPECT_EQ(refused.error().message,
            "document 'doc-1' is classified confidential; body 'gov-vn' accepts documents up to "
            "normal, so it "
            "cannot enter the system");
  Policy p;
  p.max_classification = Classification::kConfidential;
  w.Admin(directory::SetPolicy{p}, June24());
  auto accepted = Decide(
      Document{},
      RegisterDocument{"doc-1", "Security annex", Classification::kConfidential, Urgency::kExpress},
      ctx, w.body);
  ASSERT_TRUE(accepted.ok());
}

TEST(Document, VersionsAreNumberedAndEachKeepsItsHashAndAuthor) {
  World w = World::WithMembers(2);
  const auto ctx = w.Ctx("staff", Role::kSecretariat, June24());
  Document d;
  auto step = [&](const DocumentCommand& c) {
    auto events = Decide(d, c, ctx, w.body);
    EXPECT_TRUE(events.ok()) << ToString(events.error());
    if (events.ok()) d = testing::FoldAll(std::move(d), *events, Evolve);
  };
  auto missing =
      Decide(d, AddDocumentVersion{kHashA, 10, "application/pdf", "a.pdf", ""}, ctx, w.body);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  step(RegisterDocument{"doc-1", "Draft decree", Classification::kNormal, Urgency::kUrgent});
  step(AddDocumentVersion{kHashA, 1200, "application/pdf", "draft-v1.pdf", ""});
  step(AddDocumentVersion{kHashB, 1300, "application/pdf", "draft-v2.pdf", ""});
  ASSERT_EQ(d.versions.size(), 2u);
  EXPECT_EQ(d.versions[1].version, 2u);
  EXPECT_EQ(d.versions[1].author, "staff");
  for (const auto& [cmd, fragment] : std::vector<std::pair<DocumentCommand, std::string>>{
           {AddDocumentVersion{kHashB, 1300, "application/pdf", "same.pdf", ""}, "identical"},
           {AddDocumentVersion{"XYZ", 10, "", "", ""}, "64 lower-case hex"},
           {AddDocumentVersion{kHashA, 0, "", "", ""}, "empty"},
           {RegisterDocument{"doc-1", "again", Classification::kNormal, Urgency::kNormal},
            "exists"}}) {
    auto r = Decide(d, cmd, ctx, w.body);
    ASSERT_FALSE(r.ok()) << fragment;
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
  }
  auto by_member = Decide(d, AddDocumentVersion{kHashA, 5, "", "", ""},
                          w.Ctx("m02", Role::kMember, June24()), w.body);
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.error().code, ErrorCode::kForbidden);
}

TEST(Document, OnlyTheExtractorRecordsTextAndOnlyOnceForAStoredVersion) {
  World w = World::WithMembers(2);
  const auto staff = w.Ctx("staff", Role::kSecretariat, June24());
  const auto extractor = w.Ctx(std::string(kExtractorActor), Role::kSecretariat, June24());
  Document d;
  auto apply = [&](const DocumentCommand& c, const CommandContext& ctx) {
    auto events = Decide(d, c, ctx, w.body);
    if (events.ok()) d = testing::FoldAll(std::move(d), *events, Evolve);
    return events.ok() ? Status(Ok{}) : Status(events.error());
  };
  ASSERT_TRUE(
      apply(RegisterDocument{"doc-1", "Draft", Classification::kNormal, Urgency::kNormal}, staff)
          .ok());
  ASSERT_TRUE(apply(AddDocumentVersion{kHashA, 10, "application/pdf", "a.pdf", ""}, staff).ok());
  EXPECT_EQ(apply(RecordDocumentText{1, "Nghị định", ""}, extractor).error().code,
            ErrorCode::kNotFound)
      << "a version recorded without its content has no file to read";
  ASSERT_TRUE(
      apply(AddDocumentVersion{kHashB, 10, "application/pdf", "b.pdf", "", true}, staff).ok());
  EXPECT_TRUE(d.versions[1].stored);
  EXPECT_EQ(apply(RecordDocumentText{2, "Nghị định", ""}, staff).error().code,
            ErrorCode::kForbidden);
  ASSERT_TRUE(apply(RecordDocumentText{2, "Nghị định", ""}, extractor).ok());
  EXPECT_EQ(d.extracted.at(2).text, "Nghị định");
  EXPECT_EQ(apply(RecordDocumentText{2, "again", ""}, extractor).error().code,
            ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace ecab::documents

namespace ecab::documents {
namespace {

TEST(Document, AClassifiedDocumentIsReadOnlyByThoseGrantedAccess) {
  World w = World::WithMembers(3);
  Policy p;
  p.max_classification = Classification::kSecret;
  w.Admin(directory::SetPolicy{p}, June24());
  const auto ctx = w.Ctx("staff", Role::kSecretariat, June24());
  Document d;
  auto registered =
      Decide(d, RegisterDocument{"doc-9", "Annex", Classification::kConfidential, Urgency::kNormal},
             ctx, w.body);
  ASSERT_TRUE(registered.ok());
  d = testing::FoldAll(std::move(d), *registered, Evolve);
  EXPECT_TRUE(MayRead(d, "staff")) << "the registering staff member";
  EXPECT_FALSE(MayRead(d, "m02"));
  auto granted = Decide(d, GrantDocumentAccess{"m02"}, ctx, w.body);
  ASSERT_TRUE(granted.ok());
  d = testing::FoldAll(std::move(d), *granted, Evolve);
  EXPECT_TRUE(MayRead(d, "m02"));
  EXPECT_FALSE(MayRead(d, "m03"));
  auto again = Decide(d, GrantDocumentAccess{"m02"}, ctx, w.body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  auto stranger = Decide(d, GrantDocumentAccess{"nobody"}, ctx, w.body);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kNotFound);

  Document open;
  auto normal =
      Decide(open, RegisterDocument{"doc-1", "Draft", Classification::kNormal, Urgency::kNormal},
             ctx, w.body);
  ASSERT_TRUE(normal.ok());
  open = testing::FoldAll(std::move(open), *normal, Evolve);
  EXPECT_TRUE(MayRead(open, "m03"));
  auto pointless = Decide(open, GrantDocumentAccess{"m02"}, ctx, w.body);
  ASSERT_FALSE(pointless.ok());
  EXPECT_EQ(pointless.error().code, ErrorCode::kRuleViolation);
}

}  // namespace
}  // namespace ecab::documents

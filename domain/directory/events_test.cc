// Golden bytes: version-1 payloads as first written. They must decode forever;
// if an Encode change alters them, old stores become unreadable.
#include "domain/directory/events.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace ecab::directory {
namespace {

std::string ReadGolden(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(ECAB_GOLDEN_DIR) / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing golden file " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(DirectoryGolden, BodyCreatedV1IsUpcastToV2OfKindOther) {
  const std::string golden = ReadGolden("body.created.v1.bin");
  ASSERT_FALSE(golden.empty());
  const BodyCreatedV1 v1{"gov-vn", "Government of the Socialist Republic of Vietnam",
                         "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam", "NQ-CP"};
  EXPECT_EQ(Encode(v1).bytes, golden) << "encoding of body.created v1 changed";
  auto decoded = DirectoryDecoder().Decode("body.created", 1, golden);
  ASSERT_TRUE(decoded.ok()) << ToString(decoded.error());
  EXPECT_EQ(std::get<BodyCreated>(*decoded),
            (BodyCreated{v1.body, v1.name, v1.name_vi, v1.resolution_suffix, BodyKind::kOther}));
}

TEST(DirectoryGolden, PolicySetV1IsUpcastWithoutLateSubstitution) {
  const std::string golden = ReadGolden("body.policy_set.v1.bin");
  ASSERT_FALSE(golden.empty());
  auto decoded = DirectoryDecoder().Decode("body.policy_set", 1, golden);
  ASSERT_TRUE(decoded.ok()) << ToString(decoded.error());
  const auto& set = std::get<PolicySet>(*decoded);
  EXPECT_FALSE(set.late_substitution);
  EXPECT_EQ(set.read_receipts, ReadReceipts::kOnRequest) << "what the body had when it was set";
  EXPECT_EQ(Encode(PolicySetV1{set.policy}).bytes, golden)
      << "encoding of body.policy_set v1 changed";
}

TEST(DirectoryGolden, MemberEnrolledV1IsUpcastToV2SinceTheEpoch) {
  const std::string golden = ReadGolden("body.member_enrolled.v1.bin");
  ASSERT_FALSE(golden.empty());
  const MemberEnrolledV1 v1{"pm", "Prime Minister", "Thủ tướng Chính phủ", Role::kChair};
  EXPECT_EQ(Encode(v1).bytes, golden) << "encoding of body.member_enrolled v1 changed";
  auto decoded = DirectoryDecoder().Decode("body.member_enrolled", 1, golden);
  ASSERT_TRUE(decoded.ok()) << ToString(decoded.error());
  EXPECT_EQ(
      std::get<MemberEnrolled>(*decoded),
      (MemberEnrolled{"pm", "Prime Minister", "Thủ tướng Chính phủ", Role::kChair, Timestamp{}}));
}

TEST(Roles, NamesRoundTripAndUnknownIsRefused) {
  for (Role r : {Role::kMember, Role::kChair, Role::kSecretariat, Role::kSubstitute, Role::kAuditor,
                 Role::kArchivist, Role::kAdmin}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  auto bad = ParseRole("president");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecab::directory

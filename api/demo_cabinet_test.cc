#include "api/demo_cabinet.h"

#include <gtest/gtest.h>

#include <fstream>

#include "api/platform.h"
#include "eventstore/testing.h"

namespace ecab::api {
namespace {

using es::testing::OpenOrDie;
using es::testing::TempDir;

const std::filesystem::path kFixture =
    std::filesystem::path(ECAB_FIXTURES_DIR) / "cabinet-2019.json";

TEST(DemoCabinet, The2019CabinetLoadsWith27MembersOneChairAndTheSecretariat) {
  auto cabinet = LoadCabinetFixture(kFixture);
  ASSERT_TRUE(cabinet.ok()) << ToString(cabinet.error());
  EXPECT_EQ(cabinet->body.body, "gov-vn");
  EXPECT_EQ(cabinet->body.resolution_suffix, "NQ-CP");
  int members = 0, chairs = 0, secretariat = 0;
  for (const auto& p : cabinet->people) {
    members += p.role == directory::Role::kMember || p.role == directory::Role::kChair;
    chairs += p.role == directory::Role::kChair;
    secretariat += p.role == directory::Role::kSecretariat;
  }
  EXPECT_EQ(members, 27);
  EXPECT_EQ(chairs, 1);
  EXPECT_EQ(secretariat, 1);
}

TEST(DemoCabinet, SeedingTwiceRecordsTheCabinetOnceAndItDecodes) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "store");
  auto cabinet = LoadCabinetFixture(kFixture);
  ASSERT_TRUE(cabinet.ok());
  CommandService commands(*store);
  // Only a platform administrator founds a body: the demo is no side door.
  auto refused = SeedCabinet(commands, *cabinet, DemoCabinetSince(), "platform-admin");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(store->head_position(), 0u);
  ASSERT_TRUE(EnsurePlatformAdmin(commands, "platform-admin", DemoCabinetSince()).ok());
  auto first = SeedCabinet(commands, *cabinet, DemoCabinetSince(), "platform-admin");
  ASSERT_TRUE(first.ok()) << ToString(first.error());
  auto second = SeedCabinet(commands, *cabinet, DemoCabinetSince(), "platform-admin");
  ASSERT_TRUE(second.ok()) << ToString(second.error());
  EXPECT_EQ(*first, *second);
  // The platform admin's appointment; body.created, the bootstrap admin, then every person.
  EXPECT_EQ(store->head_position(), 1 + 2 + cabinet->people.size());

  auto events = store->ReadStream(BodyStream("gov-vn"), 0, es::Direction::kForward, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2 + cabinet->people.size());
  directory::Body body;
  for (const auto& e : *events) {
    auto decoded = directory::DirectoryDecoder().Decode(e.type, e.schema_version, e.payload);
    ASSERT_TRUE(decoded.ok()) << ToString(decoded.error());
    body = directory::Evolve(std::move(body), *decoded);
  }
  EXPECT_EQ(body.MembersAt(FromMicros(1561363200000000)).size(), 27u)
      << "27 members on 24 June 2019";
  EXPECT_EQ(body.ChairAt(FromMicros(1561363200000000)), "pm");
  auto pm = directory::DirectoryDecoder().Decode((*events)[2].type, (*events)[2].schema_version,
                                                 (*events)[2].payload);
  ASSERT_TRUE(pm.ok()) << ToString(pm.error());
  EXPECT_EQ(std::get<directory::MemberEnrolled>(*pm).person, "pm");
  EXPECT_EQ(std::get<directory::MemberEnrolled>(*pm).office_vi, "Thủ tướng Chính phủ");
}

TEST(DemoCabinet, AFixtureWithABadRoleOrMissingFieldIsRefusedWithItsPlace) {
  TempDir dir;
  const auto path = dir.path() / "bad.json";
  std::ofstream(path)
      << R"({"body":{"id":"b","name":"B","name_vi":"B","resolution_number_suffix":"NQ"},
    "members":[{"id":"x","office":"O","office_vi":"O","role":"king"}]})";
  auto bad_role = LoadCabinetFixture(path);
  ASSERT_FALSE(bad_role.ok());
  EXPECT_EQ(bad_role.error().message, "members[0]: unknown role 'king'");
  std::ofstream(path, std::ios::trunc) << R"({"body":{"id":"b"}})";
  auto missing = LoadCabinetFixture(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "body: missing text field 'name'");
  std::ofstream(path, std::ios::trunc) << "not json";
  EXPECT_EQ(LoadCabinetFixture(path).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecab::api

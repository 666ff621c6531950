// Typed request bodies: one declaration gives the schema the parser checks
// and the struct the handler receives.
#include "api/typed_request.h"

#include <gtest/gtest.h>

#include "domain/meeting/meeting.h"

namespace ecab::api {
namespace {

using nlohmann::json;

struct Sample {
  std::string id, text = "default";
  std::vector<std::string> ids;
  Timestamp at;
  bool flag = true;
  std::int32_t small = -1;
  std::uint64_t big = 0;
  meeting::Choice choice = meeting::Choice::kAbstain;
  std::string bytes;
};

Fields<Sample> SampleFields() {
  return {IdField("id", &Sample::id),
          TextField("text", &Sample::text, kOptional),
          IdsField("ids", &Sample::ids, kOptional),
          TimeField("at", &Sample::at, kOptional),
          FlagField("flag", &Sample::flag, kOptional),
          CountField("small", &Sample::small, kOptional),
          CountField("big", &Sample::big, kOptional),
          EnumField("choice", &Sample::choice, Choices(), kOptional),
          BytesField("bytes", &Sample::bytes, kOptional)};
}

TEST(TypedRequest, TheSchemaListsEachFieldOnceInOrderWithWhetherItIsRequired) {
  const Schema schema = SchemaOf(SampleFields());
  ASSERT_EQ(schema.size(), 9u);
  EXPECT_EQ(schema[0].name, "id");
  EXPECT_TRUE(schema[0].required);
  EXPECT_EQ(schema[7].type, FieldType::kEnum);
  EXPECT_EQ(schema[7].values, Choices().names());
  EXPECT_FALSE(schema[8].required);
}

TEST(TypedRequest, PresentFieldsFillTheStructAndAbsentOrNullOnesKeepItsDefaults) {
  const json body = {
      {"id", "m1"},    {"text", nullptr}, {"ids", {"a", "b"}}, {"at", "2019-06-24T08:00:00Z"},
      {"flag", false}, {"choice", "for"}, {"bytes", "AAEC"}};
  auto parsed = ParseStrict(body.dump(), SchemaOf(SampleFields()));
  ASSERT_TRUE(std::holds_alternative<json>(parsed));
  auto read = ReadBody(std::get<json>(parsed), SampleFields());
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->id, "m1");
  EXPECT_EQ(read->text, "default");
  EXPECT_EQ(read->ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read->at, *ParseRfc3339("2019-06-24T08:00:00Z"));
  EXPECT_FALSE(read->flag);
  EXPECT_EQ(read->small, -1);
  EXPECT_EQ(read->choice, meeting::Choice::kFor);
  EXPECT_EQ(read->bytes, std::string("\x00\x01\x02", 3));
}

TEST(TypedRequest, AnIntegerBeyondItsMemberIsHeldAtTheLargestValue) {
  auto read = ReadBody(json{{"id", "m1"}, {"small", 5'000'000'000LL}, {"big", 7}}, SampleFields());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->small, std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(read->big, 7u);
}

TEST(TypedRequest, AValueThatDoesNotFitIsAnErrorNamingTheFieldNeverACrash) {
  // ReadBody on a body the parser did not check (a handler's misuse) still refuses.
  for (const json& body : {json{{"choice", "maybe"}}, json{{"bytes", "not base64!"}},
                           json{{"at", "tomorrow"}}, json{{"small", -3}}, json{{"ids", {1, 2}}}}) {
    auto read = ReadBody(body, SampleFields());
    ASSERT_FALSE(read.ok()) << body.dump();
    EXPECT_EQ(read.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(read.error().message.find("field '" + body.begin().key() + "'"), std::string::npos)
        << read.error().message;
  }
}

TEST(TypedRequest, FieldsOfAMemberStructAreDeclaredOnTheStructThatHoldsIt) {
  struct Outer {
    Sample inner;
    bool late = false;
  };
  const Fields<Outer> fields =
      Join(Inside(&Outer::inner, SampleFields()), Fields<Outer>{FlagField("late", &Outer::late)});
  EXPECT_EQ(SchemaOf(fields).size(), 10u);
  auto read = ReadBody(json{{"id", "x"}, {"late", true}}, fields);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->inner.id, "x");
  EXPECT_TRUE(read->late);
}

}  // namespace
}  // namespace ecab::api

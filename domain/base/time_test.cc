#include "domain/base/time.h"

#include <gtest/gtest.h>

namespace ecab {
namespace {

TEST(Time, Rfc3339RoundTripsAndRejectsWhatIsNotUtc) {
  const Timestamp t = FromMicros(1561363200123456);
  EXPECT_EQ(FormatRfc3339(t), "2019-06-24T08:00:00.123456Z");
  EXPECT_EQ(*ParseRfc3339("2019-06-24T08:00:00.123456Z"), t);
  EXPECT_EQ(*ParseRfc3339("2019-06-24T08:00:00Z"), FromMicros(1561363200000000));
  EXPECT_EQ(*ParseRfc3339("2019-06-24T08:00:00.5Z"), FromMicros(1561363200500000));
  for (const char* bad : {"2019-06-24", "2019-06-24T08:00:00", "2019-06-24T08:00:00+07:00",
                          "2019-02-30T00:00:00Z", "tomorrow", "2019-06-24T25:00:00Z"}) {
    auto parsed = ParseRfc3339(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(Time, Rfc3339FieldsAreExactlyTheirDigits) {
  EXPECT_EQ(*ParseRfc3339("2019-06-24T08:00:00.123456789Z"), FromMicros(1561363200123456));
  for (const char* bad :
       {"2019-06-24T08:00:-1Z", "2019-06-24T08:00: 1Z", "2019-6-24T08:00:00Z",
        "+2019-06-24T08:00:00Z", "2019-06-24T08:00:00.Z", "2019-06-24T08:00:00.1234567891Z",
        "2019-06-24T08:00:00Zjunk", "2019-06-24t08:00:00z", ""}) {
    auto parsed = ParseRfc3339(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace ecab

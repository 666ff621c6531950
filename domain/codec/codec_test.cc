#include "domain/codec/codec.h"

#include <gtest/gtest.h>

#include <variant>

namespace ecab {
namespace {

// A test-only event with two schema versions, to exercise upcasting.
struct NoteV1 {
  static constexpr std::string_view kType = "test.note";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string text;
  template <class A>
  void serialize(A& ar) {
    ar(text);
  }
};
struct Note {
  static constexpr std::string_view kType = "test.note";
  static constexpr std::uint16_t kSchemaVersion = 2;
  std::string text;
  std::string language;  // added in v2; v1 notes were Vietnamese
  std::uint32_t pages = 0;
  template <class A>
  void serialize(A& ar) {
    ar(text, language, pages);
  }
  friend bool operator==(const Note&, const Note&) = default;
};
struct Flag {
  static constexpr std::string_view kType = "test.flag";
  static constexpr std::uint16_t kSchemaVersion = 1;
  bool on = false;
  template <class A>
  void serialize(A& ar) {
    ar(on);
  }
  friend bool operator==(const Flag&, const Flag&) = default;
};
struct Ping {
  static constexpr std::string_view kType = "test.ping";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint64_t n = 0;
  template <class A>
  void serialize(A& ar) {
    ar(n);
  }
  friend bool operator==(const Ping&, const Ping&) = default;
};
using TestEvent = std::variant<Note, Ping>;

EventDecoder<TestEvent> MakeDecoder() {
  EventDecoder<TestEvent> d;
  d.Add<Note>().Add<Ping>().AddUpcaster<NoteV1>([](NoteV1 old) {
    return Note{std::move(old.text), "vi", 0};
  });
  return d;
}

TEST(Codec, CurrentVersionRoundTrips) {
  const Note note{"Nghị quyết", "vi", 3};
  const EncodedEvent encoded = Encode(note);
  EXPECT_EQ(encoded.type, "test.note");
  EXPECT_EQ(encoded.schema_version, 2);
  auto decoded = MakeDecoder().Decode(encoded);
  ASSERT_TRUE(decoded.ok()) << ToString(decoded.error());
  EXPECT_EQ(std::get<Note>(*decoded), note);
}

TEST(Codec, OldSchemaIsUpcastWhenRead) {
  const EncodedEvent old = Encode(NoteV1{"định danh"});
  EXPECT_EQ(old.schema_version, 1);
  auto decoded = MakeDecoder().Decode(old);
  ASSERT_TRUE(decoded.ok()) << ToString(decoded.error());
  EXPECT_EQ(std::get<Note>(*decoded), (Note{"định danh", "vi", 0}));
}

TEST(Codec, PortableArchiveIsLittleEndianWithSizePrefixedStrings) {
  const EncodedEvent e = Encode(Ping{0x0102030405060708ULL});
  // cereal's portable archive starts with one byte naming the writer's
  // endianness (1 = little), then the integer in little-endian order.
  const std::string expected("\x01\x08\x07\x06\x05\x04\x03\x02\x01", 9);
  EXPECT_EQ(e.bytes, expected);
}

TEST(Codec, TruncatedPayloadIsCorruptionNotACrash) {
  EncodedEvent e = Encode(Note{"một hai ba", "vi", 7});
  e.bytes.resize(e.bytes.size() - 3);
  auto decoded = MakeDecoder().Decode(e);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kCorruption);
}

TEST(Codec, AFlagOtherThanZeroOrOneIsCorruption) {
  EventDecoder<std::variant<Flag>> d;
  d.Add<Flag>();
  EncodedEvent e = Encode(Flag{true});
  ASSERT_EQ(e.bytes, std::string("\x01\x01", 2));
  auto on = d.Decode(e);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(std::get<Flag>(*on).on);
  e.bytes[1] = '1';  // 49: not a bool
  auto decoded = d.Decode(e);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kCorruption);
  EXPECT_NE(decoded.error().message.find("flag holds 49"), std::string::npos)
      << decoded.error().message;
}

TEST(Codec, TrailingBytesAreCorruption) {
  EncodedEvent e = Encode(Ping{7});
  e.bytes += "x";
  auto decoded = MakeDecoder().Decode(e);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kCorruption);
}

TEST(Codec, UnknownTypeOrVersionIsUnsupportedSchema) {
  const auto decoder = MakeDecoder();
  auto unknown_type = decoder.Decode("test.nothing", 1, "");
  ASSERT_FALSE(unknown_type.ok());
  EXPECT_EQ(unknown_type.error().code, ErrorCode::kUnsupportedSchema);
  auto future_version = decoder.Decode("test.note", 9, Encode(Note{}).bytes);
  ASSERT_FALSE(future_version.ok());
  EXPECT_EQ(future_version.error().code, ErrorCode::kUnsupportedSchema);
  EXPECT_TRUE(decoder.Knows("test.ping"));
  EXPECT_FALSE(decoder.Knows("test.pin"));
}

}  // namespace
}  // namespace ecab

#include "eventstore/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <set>

#include "eventstore/testing.h"

namespace ecab::es {
namespace {

using testing::FilledKey;
using testing::Ring;
using testing::TempDir;

TEST(KeyRing, SealThenOpenGivesThePlaintextBack) {
  auto ring = Ring();
  auto sealed = ring->Seal("Nghị quyết số 1", "aad");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->key_id, "k1");
  EXPECT_NE(sealed->ciphertext, "Nghị quyết số 1");
  auto opened = ring->Open(*sealed, "aad");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "Nghị quyết số 1");
}

TEST(KeyRing, TwoSealsOfTheSameTextDiffer) {
  auto ring = Ring();
  auto a = ring->Seal("same", "aad");
  auto b = ring->Seal("same", "aad");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->nonce, b->nonce);
  EXPECT_NE(a->ciphertext, b->ciphertext);
}

TEST(KeyRing, NoNonceRepeatsWithinARingOrAcrossRingsOfTheSameKey) {
  auto first = Ring();
  auto second = Ring();  // the same key, as after a restart
  std::set<std::array<std::uint8_t, 12>> seen;
  for (int i = 0; i < 10'000; ++i) {
    for (const auto* ring : {first.get(), second.get()}) {
      auto sealed = ring->Seal("ballot", "aad");
      ASSERT_TRUE(sealed.ok());
      EXPECT_TRUE(seen.insert(sealed->nonce).second) << "nonce repeated at seal " << i;
    }
  }
  EXPECT_EQ(seen.size(), 20'000u);
}

TEST(KeyRing, WrongKeyAlteredBytesOrOtherAadFailToOpen) {
  auto sealed = Ring()->Seal("secret", "aad");
  ASSERT_TRUE(sealed.ok());
  auto wrong = Ring({{"k1", FilledKey(2)}})->Open(*sealed, "aad");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kDecryptionFailed);
  EXPECT_NE(wrong.error().message.find("wrong key"), std::string::npos);

  SealedPayload altered = *sealed;
  altered.ciphertext[0] ^= 1;
  EXPECT_EQ(Ring()->Open(altered, "aad").error().code, ErrorCode::kDecryptionFailed);
  EXPECT_EQ(Ring()->Open(*sealed, "other").error().code, ErrorCode::kDecryptionFailed);
}

TEST(KeyRing, UnknownKeyIdIsKeyUnavailable) {
  auto sealed = Ring()->Seal("secret", "aad");
  ASSERT_TRUE(sealed.ok());
  auto opened = Ring({{"k2", FilledKey(1)}})->Open(*sealed, "aad");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kKeyUnavailable);
  EXPECT_NE(opened.error().message.find("'k1'"), std::string::npos);
}

TEST(KeyRing, LastKeyInTheFileIsActiveAndAllOpen) {
  TempDir dir;
  const auto path = dir.path() / "keys";
  {
    std::ofstream out(path);
    out << "# operator keys\n\nk1 " << std::string(64, 'a') << "\n"
        << "k2 " << std::string(64, 'B') << "\n";
  }
  ::chmod(path.c_str(), 0600);
  auto ring = KeyRing::Load(path);
  ASSERT_TRUE(ring.ok()) << ToString(ring.error());
  EXPECT_EQ((*ring)->active_id(), "k2");
  EXPECT_TRUE((*ring)->Has("k1"));
}

TEST(KeyRing, KeyFileReadableByOthersIsRefused) {
  TempDir dir;
  const auto path = dir.path() / "keys";
  std::ofstream(path) << "k1 " << std::string(64, 'a') << "\n";
  ::chmod(path.c_str(), 0644);
  auto ring = KeyRing::Load(path);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code, ErrorCode::kKeyUnavailable);
  EXPECT_NE(ring.error().message.find("chmod 600"), std::string::npos);
}

TEST(KeyRing, MalformedOrDuplicateOrMissingKeysAreRefusedWithTheLine) {
  TempDir dir;
  const auto path = dir.path() / "keys";
  for (const std::string& text : std::vector<std::string>{
           "k1 abc\n", "k1 " + std::string(64, 'g') + "\n",
           "k1 " + std::string(64, 'a') + " extra\n",
           "k1 " + std::string(64, 'a') + "\nk1 " + std::string(64, 'b') + "\n",
           std::string("# nothing\n")}) {
    std::ofstream(path, std::ios::trunc) << text;
    ::chmod(path.c_str(), 0600);
    auto ring = KeyRing::Load(path);
    ASSERT_FALSE(ring.ok()) << text;
    EXPECT_EQ(ring.error().code, ErrorCode::kKeyUnavailable) << text;
  }
  EXPECT_FALSE(KeyRing::Load(dir.path() / "absent").ok());
}

TEST(KeyRing, CreateKeyFileWritesAPrivateLoadableFileOnce) {
  TempDir dir;
  const auto path = dir.path() / "keys";
  ASSERT_TRUE(KeyRing::CreateKeyFile(path, "k2026").ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto ring = KeyRing::Load(path);
  ASSERT_TRUE(ring.ok()) << ToString(ring.error());
  EXPECT_EQ((*ring)->active_id(), "k2026");
  EXPECT_FALSE(KeyRing::CreateKeyFile(path, "k2027").ok()) << "must not overwrite a key file";
  EXPECT_EQ((*KeyRing::Load(path))->active_id(), "k2026");
}

}  // namespace
}  // namespace ecab::es

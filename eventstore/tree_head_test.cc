#include "eventstore/tree_head.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "eventstore/merkle.h"
#include "eventstore/testing.h"

namespace ecab::es {
namespace {

using testing::TempDir;

TEST(TreeHead, SignedHeadsVerifyWithThePublicKeyAndNothingElse) {
  TempDir dir;
  auto signer = TreeHeadSigner::LoadOrCreate(dir.path() / "log-key.pem");
  ASSERT_TRUE(signer.ok()) << ToString(signer.error());
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "log-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const Hash root = Sha256("root");
  auto head = (*signer)->Sign(42, root, FromMicros(1561363200000000));
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(VerifyTreeHead(*head, (*signer)->public_pem()).ok());
  TreeHead other = *head;
  other.size = 43;
  EXPECT_EQ(VerifyTreeHead(other, (*signer)->public_pem()).error().code, ErrorCode::kBadSignature);
  other = *head;
  other.root[0] ^= 1;
  EXPECT_FALSE(VerifyTreeHead(other, (*signer)->public_pem()).ok());
  auto again = TreeHeadSigner::LoadOrCreate(dir.path() / "log-key.pem");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->key_id(), (*signer)->key_id()) << "the same key is loaded back";
  auto stranger = TreeHeadSigner::LoadOrCreate(dir.path() / "other.pem");
  EXPECT_FALSE(VerifyTreeHead(*head, (*stranger)->public_pem()).ok());
  EXPECT_EQ(TreeHeadPayload(42, root, FromMicros(1561363200000000)),
            "e-Cabinet tree head v1\nsize 42\nroot " + ToHex(root) +
                "\ntime 2019-06-24T08:00:00.000000Z\n");
}

TEST(TreeHead, TheLogRootCoversTheStoredEventHashesInOrder) {
  TempDir dir;
  auto store = testing::OpenOrDie(dir.path());
  for (int i = 0; i < 9; ++i)
    ASSERT_TRUE(store->Append(testing::Request("s", "c" + std::to_string(i))).ok());
  auto events = store->ReadAll(1, 100);
  std::vector<Hash> leaves;
  for (const auto& e : *events) leaves.push_back(MerkleLeaf(e.hash));
  EXPECT_EQ(*LogRoot(*store, 9), MerkleRoot(leaves));
  EXPECT_EQ(*LogRoot(*store, 4), MerkleRoot(std::span(leaves).subspan(0, 4)));
  EXPECT_FALSE(LogRoot(*store, 10).ok());
}

}  // namespace
}  // namespace ecab::es

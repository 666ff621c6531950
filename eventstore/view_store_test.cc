#include "eventstore/view_store.h"

#include <gtest/gtest.h>

#include "eventstore/testing.h"

namespace ecab::es {
namespace {

using testing::FilledKey;
using testing::Ring;
using testing::TempDir;

TEST(ViewStore, ABatchIsAppliedWholeAndReadsBack) {
  TempDir dir;
  auto views = ViewStore::Open(dir.path(), Ring());
  ASSERT_TRUE(views.ok()) << ToString(views.error());
  ViewBatch batch;
  batch.Put("meeting/view/a", "{\"a\":1}");
  batch.Put("meeting/view/b", "{\"b\":2}");
  batch.Put("form/view/c", "c");
  batch.Put("checkpoint/x", "3");
  ASSERT_TRUE((*views)->Write(batch, true).ok());
  EXPECT_EQ((*views)->Get("meeting/view/a")->value(), "{\"a\":1}");
  EXPECT_FALSE((*views)->Get("meeting/view/zzz")->has_value());
  auto scanned = (*views)->Scan("meeting/view/", 10);
  ASSERT_TRUE(scanned.ok());
  ASSERT_EQ(scanned->size(), 2u);
  EXPECT_EQ((*scanned)[1].first, "meeting/view/b");
  auto page = (*views)->Scan("meeting/view/", 10, "meeting/view/a");
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].first, "meeting/view/b");
  auto floor = (*views)->Floor("meeting/view/", "meeting/view/az");
  ASSERT_TRUE(floor.ok() && floor->has_value());
  EXPECT_EQ((*floor)->first, "meeting/view/a");
  EXPECT_FALSE((*views)->Floor("meeting/view/", "meeting/view/")->has_value());
  EXPECT_FALSE((*views)->Floor("zzz/", "zzz/9")->has_value())
      << "an entry of another prefix is not returned";
  ViewBatch del;
  del.Delete("meeting/view/a");
  ASSERT_TRUE((*views)->Write(del).ok());
  EXPECT_FALSE((*views)->Get("meeting/view/a")->has_value());
  ASSERT_TRUE((*views)->Clear().ok());
  EXPECT_TRUE((*views)->Scan("", 10)->empty());
}

TEST(ViewStore, ValuesAreSealedAndAWrongKeyCannotReadThem) {
  TempDir dir;
  {
    auto views = ViewStore::Open(dir.path(), Ring({{"k1", FilledKey(1)}}));
    ViewBatch batch;
    batch.Put("meeting/view/a", "secret agenda");
    ASSERT_TRUE((*views)->Write(batch, true).ok());
  }
  auto wrong = ViewStore::Open(dir.path(), Ring({{"k1", FilledKey(2)}}));
  ASSERT_TRUE(wrong.ok());
  auto read = (*wrong)->Get("meeting/view/a");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kDecryptionFailed);
}

}  // namespace
}  // namespace ecab::es

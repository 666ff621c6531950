#include "projections/search.h"

#include <gtest/gtest.h>

#include "domain/documents/document.h"
#include "domain/forms/events.h"
#include "domain/resolution/resolution.h"
#include "eventstore/testing.h"
#include "projections/runner.h"

namespace ecab::proj {
namespace {

using es::testing::OpenOrDie;
using es::testing::Ring;
using es::testing::TempDir;
using namespace std::chrono_literals;

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = OpenOrDie(dir.path() / "store");
    auto opened = es::ViewStore::Open(dir.path() / "views", Ring());
    ASSERT_TRUE(opened.ok());
    views = std::move(opened).value();
  }

  template <class Event>
  void Append(const std::string& stream, const Event& event) {
    const EncodedEvent encoded = Encode(event);
    es::AppendRequest r;
    r.body = "gov-vn";
    r.stream = stream;
    r.command_id = stream + "#" + std::to_string(++seq);
    r.actor = {"staff", "secretariat", ""};
    r.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
    ASSERT_TRUE(store->Append(std::move(r)).ok());
  }

  void Index() {
    SearchProjection search(*views);
    Runner runner("search", *views, {&search});
    auto source = store->Subscribe(runner.position() + 1);
    while (runner.position() < store->head_position())
      ASSERT_TRUE(runner.Step(*source, 100, 10ms).ok());
  }

  std::vector<std::string> Find(std::string_view query, std::string_view person = "m02") {
    auto hits = Search(*views, query, person);
    EXPECT_TRUE(hits.ok()) << ToString(hits.error());
    std::vector<std::string> objects;
    for (const auto& h : *hits) objects.push_back(h.object);
    return objects;
  }

  TempDir dir;
  std::unique_ptr<es::EventStore> store;
  std::unique_ptr<es::ViewStore> views;
  int seq = 0;
};

TEST_F(SearchTest, VietnameseFoldingFindsTextWrittenWithDiacritics) {
  Append(
      "resolution-eid",
      resolution::ResolutionDrafted{
          "eid", "Nghị quyết về đề nghị xây dựng Nghị định quy định định danh và xác thực điện tử",
          "Chính phủ quyết nghị ...", "", "", "staff"});
  Append("document-budget",
         documents::DocumentRegistered{"budget", "Báo cáo ngân sách", Classification::kNormal,
                                       Urgency::kNormal});
  Append("document-budget",
         documents::DocumentVersionAdded{1, std::string(64, 'a'), 10, "application/pdf", "b.pdf",
                                         "staff", "Tổng thu ngân sách nhà nước năm 2019"});
  Append("form-eid", forms::FormDrafted{"eid", forms::FormContent{"Lấy ý kiến về định danh điện tử",
                                                                  "Đồng ý với dự thảo Nghị định?",
                                                                  {},
                                                                  {"m02"},
                                                                  {},
                                                                  Urgency::kUrgent}});
  Index();
  EXPECT_EQ(Find("nghi quyet dinh danh"), std::vector<std::string>{"resolution-eid"});
  EXPECT_EQ(Find("NGHỊ QUYẾT định danh"), std::vector<std::string>{"resolution-eid"});
  EXPECT_EQ(Find("ngan sach 2019"), std::vector<std::string>{"document-budget"})
      << "title and text";
  // Ranked: the resolution's title says "định" three times, the form's once.
  EXPECT_EQ(Find("dinh danh dien tu"), (std::vector<std::string>{"resolution-eid", "form-eid"}));
  auto hits = Search(*views, "dinh danh dien tu", "m02");
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ((*hits)[0].score, 3u * 3 + 3 + 3 + 3);
  EXPECT_EQ((*hits)[1].score, 3u * 4 + 1) << "four title words, and \"định\" once in the question";
  EXPECT_TRUE(Find("quyet dinh ngan sach").empty()) << "every word must match";
  EXPECT_TRUE(Find("  ").empty());
}

TEST_F(SearchTest, AConfidentialDocumentIsInvisibleToAPersonWithoutAccess) {
  Append("document-annex",
         documents::DocumentRegistered{"annex", "Phụ lục mật về định danh",
                                       Classification::kConfidential, Urgency::kNormal});
  Append("document-annex", documents::DocumentAccessGranted{"staff"});
  Append("document-annex", documents::DocumentAccessGranted{"min-security"});
  Index();
  EXPECT_TRUE(Find("phu luc dinh danh", "m02").empty()) << "not even its title";
  EXPECT_EQ(Find("phu luc dinh danh", "min-security"), std::vector<std::string>{"document-annex"});
  Append("document-annex", documents::DocumentAccessGranted{"m02"});
  Index();
  EXPECT_EQ(Find("phu luc dinh danh", "m02"), std::vector<std::string>{"document-annex"});
}

TEST_F(SearchTest, ARevisedTextIsFoundByItsNewWordsOnly) {
  Append("resolution-r",
         resolution::ResolutionDrafted{"r", "Nghị quyết", "về thuế", "", "", "staff"});
  Index();
  EXPECT_EQ(Find("thue"), std::vector<std::string>{"resolution-r"});
  Append("resolution-r", resolution::ResolutionRevised{2, "về hải quan", "staff"});
  Index();
  EXPECT_TRUE(Find("thue").empty());
  EXPECT_EQ(Find("hai quan"), std::vector<std::string>{"resolution-r"});
}

}  // namespace
}  // namespace ecab::proj

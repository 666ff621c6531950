// Confidentiality (issue 13): every route, feed and the raw log give a caller
// only what the visibility rules let them see (api/visibility.h), judged now
// and at the time asked, and what they may not see answers like what does
// not exist.
#include <gtest/gtest.h>

#include "api/testing.h"
#include "domain/forms/form.h"
#include "eventstore/record.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

const std::string b = "/v1/bodies/gov-vn";

void Ok(const http::Response& r) { ASSERT_LT(r.status, 300) << r.body; }

// A secret document "secret-1", titled with a word found nowhere else,
// granted to min-home only.
void SecretDocument(Node& node) {
  Ok(node.Call("PUT", b + "/policy", testing::PolicyJson().dump(), "bootstrap"));
  Ok(node.Call("POST", b + "/documents",
               R"({"document":"secret-1","title":"Hồ sơ quasar","classification":"secret"})",
               "gov-office-staff-1"));
  Ok(node.Call("POST", b + "/documents/secret-1/grants", R"({"person":"min-home"})",
               "gov-office-staff-1"));
}

// A form "f1" drafted by the office for min-trade; returns the position of the draft.
std::uint64_t DraftForm(Node& node, const std::string& words) {
  const auto drafted =
      node.Call("POST", b + "/forms",
                json{{"form", "f1"},
                     {"title", "Phương án " + words},
                     {"question", "Đồng ý " + words + "?"},
                     {"addressees", {"min-trade"}},
                     {"deadline", FormatRfc3339(testing::Now() + std::chrono::hours(48))}}
                    .dump(),
                "gov-office-staff-1");
  EXPECT_EQ(drafted.status, 201) << drafted.body;
  return Parse(drafted.body).value("last_position", std::uint64_t{0});
}

// Submits, approves (signed by the chair) and issues "f1"; returns the issue's position.
std::uint64_t IssueForm(Node& node) {
  Ok(node.Call("POST", b + "/forms/f1/submission", "", "gov-office-staff-1"));
  auto form = node.app->commands().Form("f1");
  EXPECT_TRUE(form.ok());
  const auto approval =
      forms::ApprovalPayload("gov-vn", form->state, "pm", "api:pm:approve-f1", testing::Now());
  Ok(node.Call("POST", b + "/forms/f1/approval",
               json{{"signature", node.SignJson("pm", approval)}}.dump(), "pm",
               {{"idempotency-key", "approve-f1"}}));
  const auto issued = node.Call("POST", b + "/forms/f1/issue", "", "gov-office-staff-1");
  EXPECT_EQ(issued.status, 201) << issued.body;
  return Parse(issued.body).value("last_position", std::uint64_t{0});
}

// Every message a body feed opened by `person` sends from the start of the log.
std::vector<json> BodyFeed(Node& node, const std::string& person) {
  http::Request r;
  r.method = "GET";
  r.target = b + "/feed?from=0";
  EXPECT_TRUE(http::ParseTarget(r.target, r.path, r.query));
  r.headers.emplace_back("authorization", "Bearer " + node.Token(person));
  auto opened = node.app->OpenFeed(r);
  auto* feed = std::get_if<std::unique_ptr<http::FeedSource>>(&opened);
  if (feed == nullptr) {
    ADD_FAILURE() << "the feed was refused: " << std::get<http::Response>(opened).body;
    return {};
  }
  std::vector<json> messages;
  for (int quiet = 0; quiet < 3;) {  // until three polls in a row bring nothing
    auto batch = (*feed)->Next(std::chrono::milliseconds(50));
    EXPECT_FALSE(batch.end) << batch.reason;
    quiet = batch.messages.empty() ? quiet + 1 : 0;
    for (const auto& m : batch.messages) messages.push_back(json::parse(*m));
  }
  return messages;
}

TEST(Confidentiality, TheRawLogSealsWhatTheAuditorMayNotReadAndTheChainStillVerifies) {
  Node node;
  SecretDocument(node);
  auto page = node.Call("GET", b + "/log?limit=1000", "", "auditor-1");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body.find("quasar"), std::string::npos) << "the secret title reached the auditor";
  const json events = Parse(page.body)["events"];
  ASSERT_EQ(events.size(), node.store->head_position());
  std::size_t sealed = 0, full = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const json& e = events[i];
    if (i > 0) {
      EXPECT_EQ(e["prev_hash"], events[i - 1]["hash"]) << "the chain breaks at " << e["position"];
    }
    if (e.value("stream", "") == "document-secret-1") {
      ++sealed;
      EXPECT_FALSE(e.contains("payload_base64")) << e.dump();
      EXPECT_EQ(e.value("redacted", false), true);
      // The stored record is given instead, and its hash recomputes.
      auto record = es::FromBase64(e.value("record_base64", ""));
      ASSERT_TRUE(record.has_value());
      ASSERT_GT(record->size(), 32u);
      const std::string hashed = record->substr(0, record->size() - 32);
      EXPECT_EQ(es::ToHex(es::Sha256(hashed)), e["hash"]);
      EXPECT_EQ(record->find("quasar"), std::string::npos) << "the stored record is sealed";
    } else if (e.value("body", "") == "gov-vn") {
      ++full;
      EXPECT_TRUE(e.contains("payload_base64")) << e.dump();
    }
  }
  auto stream = node.store->ReadStream("document-secret-1", 1, es::Direction::kForward, 100);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(sealed, stream->size()) << "every event of the document is sealed";
  EXPECT_GE(sealed, 2u) << "registered and granted at least";
  EXPECT_GT(full, 10u);
  // Granted the document, the auditor reads its events in full.
  Ok(node.Call("POST", b + "/documents/secret-1/grants", R"({"person":"auditor-1"})",
               "gov-office-staff-1"));
  page = node.Call("GET", b + "/log?limit=1000", "", "auditor-1");
  const json granted = Parse(page.body);
  for (const json& e : granted["events"]) {
    if (e.value("stream", "") == "document-secret-1") {
      EXPECT_TRUE(e.contains("payload_base64")) << e.dump();
    }
  }
}

TEST(Confidentiality, ADraftFormIsInvisibleToMembersInSearchAndInTheBodyFeed) {
  Node node;
  DraftForm(node, "plugh");
  ASSERT_TRUE(node.app->WaitForViews(node.store->head_position()));
  auto hits = [&](const std::string& person) {
    const auto r = node.Call("GET", b + "/search?q=plugh", "", person);
    EXPECT_EQ(r.status, 200) << r.body;
    return Parse(r.body)["hits"].size();
  };
  EXPECT_EQ(hits("min-trade"), 0u) << "the addressee found the draft";
  EXPECT_EQ(hits("min-finance"), 0u) << "another member found the draft";
  EXPECT_EQ(hits("gov-office-staff-1"), 1u) << "the office finds its own draft";
  auto streams = [&](const std::string& person) {
    std::set<std::string> seen;
    for (const json& m : BodyFeed(node, person)) seen.insert(m.value("stream", ""));
    return seen;
  };
  const auto member = streams("min-trade");
  EXPECT_TRUE(member.contains("body-gov-vn")) << "the feed sends what the member may see";
  EXPECT_FALSE(member.contains("form-f1")) << "the feed named the draft";
  EXPECT_TRUE(streams("gov-office-staff-1").contains("form-f1"));
  // Issued, the form is the addressee's from then on: in the feed from its issue, in search.
  IssueForm(node);
  ASSERT_TRUE(node.app->WaitForViews(node.store->head_position()));
  EXPECT_EQ(hits("min-trade"), 1u);
  EXPECT_EQ(hits("min-finance"), 0u);
  std::vector<std::string> types;
  for (const json& m : BodyFeed(node, "min-trade")) {
    if (m.value("stream", "") == "form-f1") types.push_back(m.value("type", ""));
  }
  EXPECT_EQ(types, std::vector<std::string>{"form.issued"}) << "earlier events are the draft's";
}

TEST(Confidentiality, AnAddresseeCannotReadTheDraftsOfAnIssuedFormByTravellingInTime) {
  Node node;
  const std::uint64_t draft = DraftForm(node, "xyzzy");
  const std::uint64_t issue = IssueForm(node);
  ASSERT_GT(draft, 0u);
  ASSERT_GT(issue, draft);
  ASSERT_TRUE(node.app->WaitForViews(node.store->head_position()));
  const auto travelled =
      node.Call("GET", b + "/forms/f1?as_of=" + std::to_string(draft), "", "min-trade");
  EXPECT_EQ(travelled.status, 404) << travelled.body;
  EXPECT_EQ(Parse(travelled.body)["detail"], "no form 'f1' in this body");
  EXPECT_EQ(travelled.body.find("xyzzy"), std::string::npos);
  EXPECT_EQ(
      node.Call("GET", b + "/forms/f1?as_of=" + std::to_string(issue), "", "min-trade").status,
      200);
  EXPECT_EQ(node.Call("GET", b + "/forms/f1", "", "min-trade").status, 200);
  EXPECT_EQ(
      node.Call("GET", b + "/forms/f1?as_of=" + std::to_string(draft), "", "gov-office-staff-1")
          .status,
      200)
      << "the office reads its drafts";
  EXPECT_EQ(
      node.Call("GET", b + "/forms/f1?as_of=" + std::to_string(issue), "", "min-finance").status,
      404)
      << "a member it was not issued to";
}

TEST(Confidentiality, WhatACallerMayNotSeeIsAnsweredExactlyLikeWhatDoesNotExist) {
  Node node;
  DraftForm(node, "frotz");
  SecretDocument(node);
  Ok(node.Call("POST", b + "/meetings",
               json{{"meeting", "m1"},
                    {"title", "S"},
                    {"place", "Hà Nội"},
                    {"starts_at", FormatRfc3339(testing::Now() + std::chrono::hours(24))},
                    {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(26))}}
                   .dump(),
               "gov-office-staff-1"));
  Ok(node.Call("POST", b + "/resolutions", R"({"resolution":"r1","title":"R","text":"T"})",
               "gov-office-staff-1"));
  auto same = [&](const std::string& existing, const std::string& missing,
                  const std::string& person) {
    const auto a = node.Call("GET", existing, "", person),
               z = node.Call("GET", missing, "", person);
    EXPECT_EQ(a.status, z.status) << person << ": " << existing << " vs " << missing;
    EXPECT_NE(a.status, 200);
    json da = Parse(a.body), dz = Parse(z.body);
    EXPECT_EQ(da["type"], dz["type"]);
    return std::pair{da.value("detail", ""), dz.value("detail", "")};
  };
  // Not in the body (known to the server, or a member of another body): the
  // same answer for what exists and what does not, the body included.
  for (const std::string person : {"outsider", "other-member"}) {
    for (const auto& [existing, missing] : std::vector<std::pair<std::string, std::string>>{
             {b + "/meetings/m1", b + "/meetings/no-such"},
             {b + "/forms/f1", b + "/forms/no-such"},
             {b + "/documents/secret-1", b + "/documents/no-such"},
             {b + "/resolutions/r1", b + "/resolutions/no-such"}}) {
      const auto [da, dz] = same(existing, missing, person);
      EXPECT_EQ(da, dz) << person;
    }
    const auto [da, dz] = same(b + "/meetings/m1", "/v1/bodies/no-such/meetings/m1", person);
    EXPECT_EQ(da, "'" + person + "' has no role in body 'gov-vn'");
    EXPECT_EQ(dz, "'" + person + "' has no role in body 'no-such'");
  }
  // A member: a draft and a document they may not read are as absent as unknown ones.
  auto [df, dn] = same(b + "/forms/f1", b + "/forms/nothing", "min-finance");
  EXPECT_EQ(df, "no form 'f1' in this body");
  EXPECT_EQ(dn, "no form 'nothing' in this body");
  auto [dd, dm] = same(b + "/documents/secret-1", b + "/documents/nothing", "min-finance");
  EXPECT_EQ(dd, "no document 'secret-1' in this body");
  // The platform administrator learns which bodies exist.
  EXPECT_EQ(node.Call("GET", "/v1/bodies/no-such", "", "platform-admin").status, 404);
}

}  // namespace
}  // namespace ecab::api

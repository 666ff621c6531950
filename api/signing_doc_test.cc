// docs/formats/signing.md is the contract client writers follow: its worked
// example, read from the document itself, is signed and sent to the server,
// which must accept it; the bare Idempotency-Key as command id is refused.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "api/testing.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

// The text of the first ``` block of `language` after `marker`.
std::string Block(const std::string& doc, const std::string& marker, const std::string& language,
                  int skip = 0) {
  std::size_t at = doc.find(marker);
  EXPECT_NE(at, std::string::npos) << marker;
  for (int i = 0; i <= skip && at != std::string::npos; ++i) {
    at = doc.find("```" + language + "\n", at);
    if (at != std::string::npos && i < skip) at += 3;
  }
  if (at == std::string::npos) return "";
  const std::size_t start = at + 4 + language.size();
  return doc.substr(start, doc.find("```", start) - start);
}

class SigningDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(std::string(ECAB_DOCS_DIR) + "/formats/signing.md");
    std::stringstream text;
    text << in.rdbuf();
    doc = text.str();
    request = Block(doc, "Example (a ballot", "http");
    payload_text = Block(doc, "Example (a ballot", "json");
    while (!payload_text.empty() && payload_text.back() == '\n') payload_text.pop_back();
    payload = json::parse(payload_text, nullptr, false);
    ASSERT_TRUE(payload.is_object()) << payload_text;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(request, m, std::regex("POST (\\S+)\\nIdempotency-Key: (\\S+)")))
        << request;
    path = m[1];
    key = m[2];
    OpenTheVote();
  }

  // meeting-1 in session, min-ict in the room, vote-1 open: what the example assumes.
  void OpenTheVote() {
    const std::string b = "/v1/bodies/" + payload.value("body", "");
    const std::string m = b + "/meetings/meeting-1";
    const auto now = FormatRfc3339(testing::Now());
    auto ok = [&](const http::Response& r) {
      EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    };
    ok(node.Call("POST", b + "/meetings",
                 json{{"meeting", "meeting-1"},
                      {"title", "Regular meeting"},
                      {"starts_at", now},
                      {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(8))},
                      {"place", "Hà Nội"}}
                     .dump(),
                 "gov-office-staff-1"));
    ok(node.Call("POST", m + "/agenda", json{{"item", "item-1"}, {"title", "A decree"}}.dump(),
                 "gov-office-staff-1"));
    for (const auto& id : node.members) {
      ok(node.Call("POST", m + "/invitations", json{{"person", id}}.dump(), "gov-office-staff-1"));
    }
    ok(node.Call("POST", m + "/session", "", "pm"));
    for (const auto& id : node.members) {
      ok(node.Call("POST", m + "/check-ins", json{{"person", id}, {"attendance", "in_room"}}.dump(),
                   "gov-office-staff-1"));
    }
    ok(node.Call("POST", m + "/items/item-1/take-up", "", "pm"));
    ok(node.Call("POST", m + "/votes", json{{"vote", "vote-1"}, {"question", "Adopt?"}}.dump(),
                 "pm"));
  }

  // Signs `bytes` as the example's signer and sends the example's request.
  http::Response Send(const std::string& bytes, const std::string& time) {
    const std::string signer = payload.value("signer", "");
    const SignedAct act = ecab::testing::Sign(node.certs.at(signer), bytes, *ParseRfc3339(time));
    const json body = {{"choice", payload.value("choice", "")},
                       {"signature",
                        {{"algorithm", act.algorithm},
                         {"value", Base64Encode(act.value)},
                         {"certificate", act.certificate},
                         {"signed_at", time}}}};
    return node.Call("POST", path, body.dump(), signer, {{"idempotency-key", key}});
  }

  Node node;
  std::string doc, request, payload_text, path, key;
  json payload;
};

TEST_F(SigningDoc, TheWorkedExampleIsCanonicalAndNamesTheCommandIdTheServerRecords) {
  EXPECT_EQ(payload.dump(), payload_text) << "the example is not in RFC 8785 form";
  EXPECT_EQ(payload.value("command_id", ""), "api:" + payload.value("signer", "") + ":" + key);
  const std::string object = payload.value("object", "");  // "<meeting>/<vote>"
  const std::string meeting = object.substr(0, object.find('/')),
                    vote = object.substr(object.find('/') + 1);
  EXPECT_NE(path.find("/meetings/" + meeting + "/votes/" + vote + "/ballots"), std::string::npos)
      << path;
}

TEST_F(SigningDoc, TheServerAcceptsTheWorkedExampleSignedAsTheDocumentSays) {
  json signed_payload = payload;
  const std::string time = FormatRfc3339(testing::Now());
  signed_payload["time"] = time;
  const auto r = Send(signed_payload.dump(), time);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto tally = node.Call("GET",
                               "/v1/bodies/gov-vn/meetings/meeting-1/votes/vote-1?min_position=" +
                                   std::to_string(Parse(r.body).value("last_position", 0ull)),
                               "", "pm");
  EXPECT_EQ(Parse(tally.body)["tally"]["for"], 1) << tally.body;
}

TEST_F(SigningDoc, SigningTheBareIdempotencyKeyIsRefused) {
  json wrong = payload;
  const std::string time = FormatRfc3339(testing::Now());
  wrong["time"] = time;
  wrong["command_id"] = key;
  const auto r = Send(wrong.dump(), time);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(testing::Slug(r.body), "bad-signature") << r.body;
}

}  // namespace
}  // namespace ecab::api

// The application behind the server, driven in process: the OpenAPI
// contract, the authorization matrix, bad input on every command route,
// idempotency, authentication, and what a caller may not see.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "api/testing.h"
#include "domain/authz/authorization.h"
#include "domain/forms/form.h"
#include "eventstore/merkle.h"
#include "eventstore/tree_head.h"
#include "replay/tree_heads.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

std::string Slug(const http::Response& r) { return testing::Slug(r.body); }

// The action of each command route, from the domain's authorization table.
const std::map<std::string, Action>& CommandActions() {
  static const std::map<std::string, Action> table = {
      {"POST /people", Action::kEnrollPerson},
      {"POST /people/{person}/removal", Action::kRemovePerson},
      {"POST /people/{person}/certificates", Action::kEnrollCertificate},
      {"PUT /trust-anchor", Action::kSetTrustAnchor},
      {"PUT /revocation-list", Action::kPublishRevocationList},
      {"POST /approvers", Action::kDelegateApprover},
      {"PUT /policy", Action::kSetPolicy},
      {"POST /resolution-numbers", Action::kAssignResolutionNumber},
      {"POST /documents", Action::kRegisterDocument},
      {"POST /documents/{document}/versions", Action::kAddDocumentVersion},
      {"POST /documents/{document}/grants", Action::kGrantDocumentAccess},
      {"POST /forms", Action::kDraftForm},
      {"PUT /forms/{form}/content", Action::kReviseForm},
      {"POST /forms/{form}/submission", Action::kSubmitForm},
      {"POST /forms/{form}/approval", Action::kApproveForm},
      {"POST /forms/{form}/return", Action::kReturnForm},
      {"POST /forms/{form}/issue", Action::kIssueForm},
      {"POST /forms/{form}/answers", Action::kAnswerForm},
      {"POST /forms/{form}/close", Action::kCloseForm},
      {"POST /forms/{form}/result", Action::kSubmitFormResult},
      {"POST /forms/{form}/decision", Action::kRecordFormDecision},
      {"POST /meetings", Action::kScheduleMeeting},
      {"POST /meetings/{meeting}/agenda", Action::kAddAgendaItem},
      {"PUT /meetings/{meeting}/agenda/order", Action::kReorderAgenda},
      {"POST /meetings/{meeting}/invitations", Action::kInvite},
      {"POST /meetings/{meeting}/rsvp", Action::kRsvp},
      {"POST /meetings/{meeting}/items/{item}/opinions", Action::kGiveItemOpinion},
      {"POST /meetings/{meeting}/items/{item}/speakers", Action::kPreRegisterToSpeak},
      {"POST /meetings/{meeting}/documents/{document}/studied", Action::kMarkDocumentStudied},
      {"POST /meetings/{meeting}/session", Action::kOpenSession},
      {"POST /meetings/{meeting}/check-ins", Action::kCheckIn},
      {"POST /meetings/{meeting}/items/{item}/take-up", Action::kTakeUpItem},
      {"POST /meetings/{meeting}/current-item/close", Action::kCloseItem},
      {"POST /meetings/{meeting}/comments", Action::kComment},
      {"POST /meetings/{meeting}/floor-requests", Action::kRequestFloor},
      {"POST /meetings/{meeting}/floor-requests/withdrawal", Action::kWithdrawFloorRequest},
      {"POST /meetings/{meeting}/floor", Action::kGrantFloor},
      {"POST /meetings/{meeting}/floor/end", Action::kEndFloor},
      {"POST /meetings/{meeting}/votes", Action::kOpenVote},
      {"POST /meetings/{meeting}/votes/{vote}/ballots", Action::kCastBallot},
      {"POST /meetings/{meeting}/votes/{vote}/close", Action::kCloseVote},
      {"POST /meetings/{meeting}/session/close", Action::kCloseSession},
      {"POST /resolutions", Action::kDraftResolution},
      {"POST /resolutions/{resolution}/revisions", Action::kReviseResolution},
      {"POST /resolutions/{resolution}/circulation", Action::kCirculateResolution},
      {"POST /resolutions/{resolution}/submission", Action::kSubmitResolution},
      {"POST /resolutions/{resolution}/signature", Action::kSignResolution},
      {"POST /resolutions/{resolution}/promulgation", Action::kPromulgateResolution},
      {"POST /resolutions/{resolution}/distribution", Action::kDistributeResolution},
  };
  return table;
}

std::string Key(const Route& r) {
  const std::string prefix = "/v1/bodies/{body}";
  return r.method + " " + (r.pattern.starts_with(prefix) ? r.pattern.substr(prefix.size()) : r.pattern);
}

// A concrete path for a pattern: gov-vn, and ids that exist in MatrixNode.
std::string Concrete(const std::string& pattern, const std::string& body = "gov-vn") {
  const std::map<std::string, std::string> values = {
      {"body", body},         {"meeting", "m1"}, {"vote", "v1"},           {"item", "i1"},
      {"form", "f1"},         {"resolution", "r1"}, {"document", "d1"},    {"person", "min-justice"}};
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      const std::size_t end = pattern.find('}', i);
      out += values.at(pattern.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

// A body that passes the route's schema.
json Sample(const Schema& schema) {
  json body = json::object();
  const std::string now = FormatRfc3339(testing::Now());
  for (const Field& f : schema) {
    switch (f.type) {
      case FieldType::kId: body[f.name] = "x1"; break;
      case FieldType::kName: body[f.name] = "Tờ trình.pdf"; break;
      case FieldType::kText: body[f.name] = "some text"; break;
      case FieldType::kInteger: body[f.name] = 2019; break;
      case FieldType::kBoolean: body[f.name] = true; break;
      case FieldType::kIds: body[f.name] = json::array({"i1"}); break;
      case FieldType::kTimestamp: body[f.name] = now; break;
      case FieldType::kEnum: body[f.name] = f.values.front(); break;
      case FieldType::kBase64: body[f.name] = Base64Encode("not a certificate"); break;
      case FieldType::kSignature:
        body[f.name] = {{"algorithm", "ed25519"}, {"value", Base64Encode(std::string(64, '\0'))},
                        {"certificate", "sha256:00"}, {"signed_at", now}};
        break;
    }
  }
  return body;
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedOperationIsServed) {
  Node node;
  const json doc = node.app->OpenApi();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::size_t operations = 0;
  for (const Route& r : node.app->routes()) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(doc["paths"].contains(r.pattern)) << r.pattern;
    ASSERT_TRUE(doc["paths"][r.pattern].contains(method)) << r.method << " " << r.pattern;
    const json& op = doc["paths"][r.pattern][method];
    EXPECT_FALSE(op.value("summary", "").empty()) << r.pattern;
    for (const Field& f : r.schema) {
      EXPECT_TRUE(op["requestBody"]["content"]["application/json"]["schema"]["properties"].contains(f.name))
          << r.pattern << " " << f.name;
    }
  }
  // Every documented operation reaches a route (not the router's 404/405),
  // and its documented schema is the one enforced: an undocumented field is refused.
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      ++operations;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      const auto r = node.Call(upper, Concrete(path), "", "");
      EXPECT_NE(Slug(r), "not-found") << upper << " " << path << " " << r.body;
      EXPECT_NE(r.status, 405) << upper << " " << path;
      if (op.contains("requestBody")) {
        const json& schema = op["requestBody"]["content"]["application/json"]["schema"];
        EXPECT_EQ(schema["additionalProperties"], false) << path;
        if (op.value("security", json::array()).empty()) continue;
        json body = Sample([&] {
          for (const Route& route : node.app->routes()) {
            if (route.pattern == path && route.method == upper) return route.schema;
          }
          return Schema{};
        }());
        body["undocumented"] = 1;
        const auto refused = node.Call(upper, Concrete(path), body.dump(), "bootstrap");
        EXPECT_EQ(refused.status, 422) << upper << " " << path << " " << refused.body;
        EXPECT_EQ(Slug(refused), "unknown-field") << path;
      }
    }
  }
  EXPECT_EQ(operations, node.app->routes().size());
  // The document itself is served, and docs/openapi.json is that document
  // (ECAB_WRITE_GOLDEN=1 rewrites it after a change to the routes).
  const auto served = node.Call("GET", "/openapi.json");
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(Parse(served.body), doc);
  const std::filesystem::path committed = std::filesystem::path(ECAB_DOCS_DIR) / "openapi.json";
  if (const char* write = std::getenv("ECAB_WRITE_GOLDEN"); write && std::string(write) == "1") {
    std::ofstream(committed) << doc.dump(2) << "\n";
  }
  std::ifstream in(committed);
  ASSERT_TRUE(in) << committed << " is missing: run with ECAB_WRITE_GOLDEN=1";
  EXPECT_EQ(json::parse(in), doc) << committed << " is stale: run with ECAB_WRITE_GOLDEN=1";
}

TEST(Errors, EveryCommandRouteRefusesBadInputWithItsProblemTypeAndAppendsNothing) {
  Node node;
  std::size_t checked = 0;
  for (const Route& r : node.app->routes()) {
    if (!r.command) continue;
    const std::string path = Concrete(r.pattern);
    const std::uint64_t head = node.store->head_position();
    struct Case {
      std::string what, body, type;
      int status;
    };
    std::vector<Case> cases = {
        {"truncated JSON", R"({"a": )", "malformed-json", 400},
        {"not an object", R"([1, 2])", "wrong-type", 422},
        {"invalid UTF-8", std::string("{\"text\": \"\xC3\x28\"}"), "malformed-json", 400},
        {"unknown field", R"({"no_such_field": true})", "unknown-field", 422},
    };
    const json sample = Sample(r.schema);
    for (const Field& f : r.schema) {
      json wrong = sample;
      wrong[f.name] = f.type == FieldType::kText || f.type == FieldType::kId || f.type == FieldType::kName ||
                              f.type == FieldType::kEnum ||
                              f.type == FieldType::kTimestamp || f.type == FieldType::kBase64
                          ? json(12)
                          : json("a string");
      cases.push_back({"wrong type of " + f.name, wrong.dump(), "wrong-type", 422});
      if (f.required) {
        json missing = sample;
        missing.erase(f.name);
        cases.push_back({"missing " + f.name, missing.dump(), "missing-field", 422});
      }
      if (f.type == FieldType::kEnum) {
        json unknown = sample;
        unknown[f.name] = "no-such-value";
        cases.push_back({"unknown value of " + f.name, unknown.dump(), "invalid-value", 422});
      }
      if (f.type == FieldType::kTimestamp) {
        json bad = sample;
        bad[f.name] = "24 June 2019";
        cases.push_back({"bad time in " + f.name, bad.dump(), "invalid-value", 422});
      }
      if (f.type == FieldType::kId || f.type == FieldType::kName) {
        json huge = sample;
        huge[f.name] = std::string(300, 'x');
        cases.push_back({"oversized " + f.name, huge.dump(), "invalid-value", 422});
      }
      if (f.type == FieldType::kId || f.type == FieldType::kIds) {
        // Ids name files and URL parts: nothing path-like, quoted or upper-case gets in.
        for (const std::string hostile : {"../../../x", "a/b", "Evil", "q\"uote", "a..b", ".hidden", "tab\there"}) {
          json bad = sample;
          bad[f.name] = f.type == FieldType::kId ? json(hostile) : json::array({hostile});
          cases.push_back({"id " + hostile + " in " + f.name, bad.dump(), "invalid-value", 422});
        }
      }
    }
    for (const auto& c : cases) {
      const auto response = node.Call(r.method, path, c.body, "bootstrap", {{"idempotency-key", "bad-" + std::to_string(checked)}});
      EXPECT_EQ(response.status, c.status) << r.method << " " << r.pattern << ": " << c.what << ": " << response.body;
      EXPECT_EQ(Slug(response), c.type) << r.method << " " << r.pattern << ": " << c.what;
      EXPECT_EQ(response.content_type, "application/problem+json");
      ++checked;
    }
    // Not JSON at all.
    const auto text = node.Call(r.method, path, "hello", "bootstrap", {{"content-type", "text/plain"}});
    EXPECT_EQ(text.status, 415) << r.pattern;
    EXPECT_EQ(node.store->head_position(), head) << "something was appended by " << r.pattern;
  }
  EXPECT_GT(checked, 300u);
}

// Who may call each route: the command routes by the domain's table (a role
// outside it gets 403; inside it the request passes authorization and fails,
// if at all, for another reason), the query routes by their own rules.
class Matrix : public ::testing::Test {
 protected:
  void SetUp() override {
    // Objects for the paths to name: meeting m1 (vote v1 open on item i1,
    // "min-justice" named "deputy-justice" as substitute), form f1 (issued to
    // two members), resolution r1, document d1.
    auto ok = [&](const http::Response& r) { ASSERT_LT(r.status, 300) << r.body; };
    const std::string b = "/v1/bodies/gov-vn";
    ok(node.Call("POST", b + "/documents", R"({"document":"d1","title":"Agenda paper"})", "gov-office-staff-1"));
    ok(node.Call("POST", b + "/meetings",
                 json{{"meeting", "m1"}, {"title", "Session"}, {"place", "Hà Nội"}, {"starts_at", FormatRfc3339(testing::Now())},
                      {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(4))}}
                     .dump(),
                 "gov-office-staff-1"));
    ok(node.Call("POST", b + "/meetings/m1/agenda", R"({"item":"i1","title":"Item","documents":["d1"]})",
                 "gov-office-staff-1"));
    for (const auto& m : node.members) {
      ok(node.Call("POST", b + "/meetings/m1/invitations", json{{"person", m}}.dump(), "gov-office-staff-1"));
    }
    ok(node.Call("POST", b + "/people", R"({"person":"deputy-justice","office":"Deputy Minister","role":"substitute"})",
                 "bootstrap"));
    ok(node.Call("POST", b + "/meetings/m1/rsvp", R"({"response":"substitute","substitute":"deputy-justice"})",
                 "min-justice"));
    node.SetPassword("deputy-justice");
    ok(node.Call("POST", b + "/meetings/m1/session", "", "pm"));
    for (std::size_t i = 0; i < 20; ++i) {
      ok(node.Call("POST", b + "/meetings/m1/check-ins", json{{"person", node.members[i]}, {"attendance", "in_room"}}.dump(),
                   "gov-office-staff-1"));
    }
    ok(node.Call("POST", b + "/meetings/m1/items/i1/take-up", "", "pm"));
    ok(node.Call("POST", b + "/meetings/m1/votes", R"({"vote":"v1","question":"Adopt?"})", "pm"));
    ok(node.Call("POST", b + "/forms",
                 json{{"form", "f1"}, {"title", "Opinion"}, {"question", "Agree?"},
                      {"addressees", {"min-finance", "min-trade"}},
                      {"deadline", FormatRfc3339(testing::Now() + std::chrono::hours(48))}}
                     .dump(),
                 "gov-office-staff-1"));
    ok(node.Call("POST", b + "/resolutions", R"({"resolution":"r1","title":"R","text":"T"})", "gov-office-staff-1"));
  }

  struct Principal {
    std::string name, person, on_behalf_of;
    std::optional<Role> role;  // what the table sees
  };
  std::vector<Principal> principals() const {
    return {{"member", "min-finance", "", Role::kMember},
            {"chair", "pm", "", Role::kChair},
            {"secretariat", "gov-office-staff-1", "", Role::kSecretariat},
            {"substitute", "deputy-justice", "min-justice", Role::kSubstitute},
            {"auditor", "auditor-1", "", Role::kAuditor},
            {"archivist", "archivist-1", "", Role::kArchivist},
            {"admin", "bootstrap", "", Role::kAdmin},
            {"outsider", "outsider", "", std::nullopt},
            {"wrong body", "other-member", "", std::nullopt}};
  }

  http::Response As(const Principal& p, const Route& r) {
    std::map<std::string, std::string> headers;
    if (!p.on_behalf_of.empty()) headers["x-on-behalf-of"] = p.on_behalf_of;
    const std::string body = r.method == "GET" ? "" : Sample(r.schema).dump();
    if (r.command) headers["idempotency-key"] = "matrix-" + std::to_string(++sequence_);
    return node.Call(r.method, Concrete(r.pattern), body, p.person, headers);
  }

  Node node;
  int sequence_ = 0;
};

TEST_F(Matrix, CommandRoutesRefuseExactlyTheRolesTheTableRefuses) {
  std::size_t cells = 0;
  for (const Route& r : node.app->routes()) {
    // The platform's routes are for platform administrators (api/platform_test.cc).
    if (!r.command || !r.pattern.starts_with("/v1/bodies/{body}")) continue;
    auto action = CommandActions().find(Key(r));
    ASSERT_NE(action, CommandActions().end()) << "no action for " << Key(r) << ": add it to the matrix";
    const auto allowed = AllowedRoles(action->second);
    for (const auto& p : principals()) {
      const std::uint64_t head = node.store->head_position();
      const auto response = As(p, r);
      const bool listed = p.role && std::find(allowed.begin(), allowed.end(), *p.role) != allowed.end();
      const std::string table_refusal =
          p.role ? "a " + std::string(RoleName(*p.role)) + " may not " + std::string(ActionName(action->second)) : "";
      if (listed) {
        EXPECT_NE(response.status, 401) << Key(r) << " as " << p.name;
        // Allowed by the table; a 403 can only come from a per-object rule.
        if (response.status == 403) {
          EXPECT_NE(Parse(response.body).value("detail", ""), table_refusal) << Key(r) << " as " << p.name;
        }
      } else {
        if (p.role) {
          EXPECT_EQ(Parse(response.body).value("detail", ""), table_refusal) << Key(r) << " as " << p.name;
        }
        EXPECT_EQ(response.status, 403) << Key(r) << " as " << p.name << ": " << response.body;
        EXPECT_EQ(Slug(response), "forbidden");
        EXPECT_FALSE(Parse(response.body).value("detail", "").empty());
        EXPECT_EQ(node.store->head_position(), head) << Key(r) << " as " << p.name << " appended";
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, CommandActions().size() * principals().size());
}

TEST_F(Matrix, QueryRoutesFollowTheirReadRules) {
  using R = Role;
  const std::vector<R> everyone = {R::kMember, R::kChair, R::kSecretariat, R::kAuditor, R::kArchivist, R::kAdmin};
  const std::vector<R> oversight = {R::kChair, R::kSecretariat, R::kAuditor, R::kArchivist, R::kAdmin};
  const std::vector<R> auditors = {R::kAuditor, R::kArchivist};
  // Route -> roles that get 200. Substitutes see the meeting they stand in.
  const std::map<std::string, std::vector<R>> readers = {
      {"GET ", everyone},
      {"GET /meetings/{meeting}", everyone},
      {"GET /meetings/{meeting}/votes/{vote}", everyone},
      {"GET /forms/{form}", oversight},
      {"GET /resolutions/{resolution}", everyone},
      {"GET /documents/{document}", everyone},
      {"GET /dashboard", oversight},
      {"GET /search", everyone},
      {"GET /log", auditors},
      {"GET /log/tree-heads", auditors},
      {"GET /log/proofs/inclusion", auditors},
      {"GET /log/proofs/consistency", auditors},
      {"GET /resolutions/{resolution}/explanation", auditors},
      {"GET /meetings/{meeting}/votes/{vote}/explanation", auditors},
      {"GET /forms/{form}/explanation", auditors},
  };
  ASSERT_TRUE(node.app->WaitForViews(node.store->head_position()));
  std::size_t cells = 0;
  for (const Route& r : node.app->routes()) {
    auto rule = readers.find(Key(r));
    if (rule == readers.end() || !r.pattern.starts_with("/v1/bodies/")) continue;
    for (const auto& p : principals()) {
      Route concrete = r;
      if (Key(r) == "GET /search") concrete.pattern += "?q=agenda";
      if (Key(r) == "GET /log/proofs/inclusion") concrete.pattern += "?position=1";
      if (Key(r) == "GET /log/proofs/consistency") concrete.pattern += "?first=1";
      const auto response = As(p, concrete);
      const bool reads = p.role && std::find(rule->second.begin(), rule->second.end(), *p.role) != rule->second.end();
      const bool substitute_sees_meeting =
          p.name == "substitute" && Key(r).starts_with("GET /meetings/") && !Key(r).ends_with("/explanation");
      if (reads || substitute_sees_meeting) {
        EXPECT_EQ(response.status, 200) << Key(r) << " as " << p.name << ": " << response.body;
      } else if (p.role && *p.role != R::kSubstitute &&
                 (Key(r) == "GET /documents/{document}" || Key(r) == "GET /forms/{form}")) {
        // An object a person of the body may not see does not exist for them.
        EXPECT_EQ(response.status, 404) << Key(r) << " as " << p.name << ": " << response.body;
      } else {
        EXPECT_EQ(response.status, 403) << Key(r) << " as " << p.name << ": " << response.body;
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, readers.size() * principals().size());
}

TEST_F(Matrix, AMemberAnsweringAFormNotAddressedToThemIsRefusedAndNothingIsAppended) {
  const std::string b = "/v1/bodies/gov-vn/forms/f1";
  ASSERT_EQ(node.Call("POST", b + "/submission", "", "gov-office-staff-1").status, 201);
  auto form = node.app->commands().Form("f1");
  ASSERT_TRUE(form.ok());
  const std::string approve_key = "approve-f1";
  const auto now = testing::Now();
  const auto approval = forms::ApprovalPayload("gov-vn", form->state, "pm", "api:pm:" + approve_key, now);
  ASSERT_EQ(node.Call("POST", b + "/approval", json{{"signature", node.SignJson("pm", approval)}}.dump(), "pm",
                      {{"idempotency-key", approve_key}})
                .status,
            201);
  EXPECT_EQ(node.Call("GET", b, "", "min-trade").status, 404) << "a draft is not shown to its addressees";
  const auto issued = node.Call("POST", b + "/issue", "", "gov-office-staff-1");
  ASSERT_EQ(issued.status, 201);
  const std::string at = std::to_string(Parse(issued.body)["last_position"].get<std::uint64_t>());
  EXPECT_EQ(node.Call("GET", b + "?min_position=" + at, "", "min-trade").status, 200)
      << "an addressee reads the issued form";
  EXPECT_EQ(node.Call("GET", b, "", "min-justice").status, 404) << "another member does not";
  form = node.app->commands().Form("f1");
  const std::uint64_t head = node.store->head_position();
  const std::string key = "answer-1";
  const auto payload = forms::AnswerPayload("gov-vn", form->state, "min-justice", forms::Answer::kAgree, "",
                                            "api:min-justice:" + key, now);
  const auto refused = node.Call("POST", b + "/answers",
                                 json{{"answer", "agree"}, {"signature", node.SignJson("min-justice", payload)}}.dump(),
                                 "min-justice", {{"idempotency-key", key}});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(Parse(refused.body).value("detail", "").find("not addressed"), std::string::npos) << refused.body;
  EXPECT_EQ(node.store->head_position(), head);
  // The addressee's own signed answer goes through.
  const std::string key2 = "answer-2";
  const auto mine = forms::AnswerPayload("gov-vn", form->state, "min-trade", forms::Answer::kAgree, "",
                                         "api:min-trade:" + key2, now);
  EXPECT_EQ(node.Call("POST", b + "/answers", json{{"answer", "agree"}, {"signature", node.SignJson("min-trade", mine)}}.dump(),
                      "min-trade", {{"idempotency-key", key2}})
                .status,
            201);
}

TEST(Idempotency, ARetryReturnsTheFirstResultAndAnotherRequestUnderTheSameKeyIsRefused) {
  Node node;
  const std::string path = "/v1/bodies/gov-vn/documents";
  const std::string body = R"({"document":"d9","title":"Paper"})";
  const auto first = node.Call("POST", path, body, "gov-office-staff-1", {{"idempotency-key", "k-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const std::uint64_t head = node.store->head_position();
  const auto retry = node.Call("POST", path, body, "gov-office-staff-1", {{"idempotency-key", "k-1"}});
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(Parse(retry.body)["positions"], Parse(first.body)["positions"]);
  EXPECT_TRUE(Parse(retry.body)["replayed"].get<bool>());
  const auto other = node.Call("POST", path, R"({"document":"d9","title":"Other"})", "gov-office-staff-1",
                               {{"idempotency-key", "k-1"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(Slug(other), "idempotency-mismatch");
  EXPECT_EQ(node.store->head_position(), head);
  // Without a key a repeat is a new command, refused by the domain.
  const auto again = node.Call("POST", path, body, "gov-office-staff-1");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Slug(again), "already-exists");
  // A refused request recorded nothing and binds nothing: its key stays free.
  const auto refused = node.Call("POST", path, body, "gov-office-staff-1", {{"idempotency-key", "k-2"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  const auto fresh = node.Call("POST", path, R"({"document":"d10","title":"Paper"})", "gov-office-staff-1",
                               {{"idempotency-key", "k-2"}});
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  // A key bound on one route refuses a request on another.
  const auto elsewhere =
      node.Call("POST", path + "/d10/versions",
                R"({"sha256":"ab12","size":10,"media_type":"application/pdf","filename":"paper.pdf"})",
                "gov-office-staff-1", {{"idempotency-key", "k-1"}});
  EXPECT_EQ(elsewhere.status, 422) << elsewhere.body;
  EXPECT_EQ(Slug(elsewhere), "idempotency-mismatch");
}

TEST(Authentication, MissingBadExpiredOrRevokedTokensGet401AndTokensInUrlsAreNotAccepted) {
  Node node;
  const std::string path = "/v1/bodies/gov-vn";
  const auto none = node.Call("GET", path);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Slug(none), "unauthenticated");
  bool challenge = false;
  for (const auto& [k, v] : none.headers) challenge = challenge || (k == "WWW-Authenticate" && v.starts_with("Bearer"));
  EXPECT_TRUE(challenge);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Bearer ecab_not-a-token"}}).status, 401);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Basic cG06cGFzcw=="}}).status, 401);
  const std::string token = node.Token("pm");
  EXPECT_EQ(node.Call("GET", path + "?access_token=" + token).status, 401);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Bearer " + token}}).status, 200);
  EXPECT_EQ(node.Call("POST", "/v1/logout", "", "", {{"authorization", "Bearer " + token}}).status, 200);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Bearer " + token}}).status, 401);
}

TEST(Authentication, WrongPasswordsAreRefusedAndThrottledWith429) {
  Node node;
  const auto wrong = json{{"person", "pm"}, {"password", "not the password"}}.dump();
  for (int i = 0; i < 5; ++i) {
    const auto r = node.Call("POST", "/v1/login", wrong);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(Slug(r), "login-failed");
  }
  const auto throttled = node.Call("POST", "/v1/login", wrong);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(Slug(throttled), "login-throttled");
  // Even the right password waits out the minute.
  const auto right = node.Call("POST", "/v1/login", json{{"person", "pm"}, {"password", testing::kPassword}}.dump());
  EXPECT_EQ(right.status, 429);
}

TEST(Visibility, AConfidentialDocumentAndItsTitleStayHiddenFromThoseWithoutAccess) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  const json policy = {{"quorum_numerator", 2}, {"quorum_denominator", 3}, {"majority_numerator", 1},
                       {"majority_denominator", 2}, {"majority_basis", "all_members"}, {"tie", "chair_decides"},
                       {"silence", "not_counted"}, {"remote_counts_for_quorum", false},
                       {"substitutes_may_vote", false}, {"substitutes_count_for_quorum", false},
                       {"max_classification", "confidential"}};
  ASSERT_EQ(node.Call("PUT", b + "/policy", policy.dump(), "bootstrap").status, 201);
  ASSERT_EQ(node.Call("POST", b + "/documents",
                      R"({"document":"secret-1","title":"Phương án nhân sự mật","classification":"confidential"})",
                      "gov-office-staff-1")
                .status,
            201);
  ASSERT_EQ(node.Call("POST", b + "/documents/secret-1/versions",
                      json{{"sha256", std::string(64, 'a')}, {"size", 10}, {"media_type", "text/plain"},
                           {"filename", "a.txt"}, {"text", "nhân sự"}}
                          .dump(),
                      "gov-office-staff-1")
                .status,
            201);
  const auto granted = node.Call("POST", b + "/documents/secret-1/grants", R"({"person":"min-home"})", "gov-office-staff-1");
  ASSERT_EQ(granted.status, 201) << granted.body;
  const std::string at = std::to_string(Parse(granted.body)["last_position"].get<std::uint64_t>());
  const auto hidden = node.Call("GET", b + "/documents/secret-1", "", "min-finance");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body.find("nhân sự mật"), std::string::npos);
  const auto search = node.Call("GET", b + "/search?q=nhan+su&min_position=" + at, "", "min-finance");
  EXPECT_EQ(search.status, 200);
  EXPECT_EQ(search.body.find("secret-1"), std::string::npos) << search.body;
  const auto reader = node.Call("GET", b + "/documents/secret-1", "", "min-home");
  EXPECT_EQ(reader.status, 200);
  EXPECT_EQ(Parse(reader.body)["title"], "Phương án nhân sự mật");
  const auto found = node.Call("GET", b + "/search?q=nhan+su&min_position=" + at, "", "min-home");
  EXPECT_NE(found.body.find("document-secret-1"), std::string::npos) << found.body;
}

TEST(Queries, MinPositionGivesReadYourWritesAndAsOfTravelsInTime) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn/meetings";
  const auto scheduled = node.Call("POST", b,
                                   json{{"meeting", "t1"}, {"title", "First title"}, {"place", "Hà Nội"},
                                        {"starts_at", FormatRfc3339(testing::Now())},
                                        {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))}}
                                       .dump(),
                                   "gov-office-staff-1");
  ASSERT_EQ(scheduled.status, 201);
  const auto before = Parse(scheduled.body)["last_position"].get<std::uint64_t>();
  const auto item = node.Call("POST", b + "/t1/agenda", R"({"item":"x","title":"Budget"})", "gov-office-staff-1");
  ASSERT_EQ(item.status, 201);
  const auto after = Parse(item.body)["last_position"].get<std::uint64_t>();
  const auto now = node.Call("GET", b + "/t1?min_position=" + std::to_string(after), "", "min-finance");
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(Parse(now.body)["agenda"].size(), 1u);
  const auto then = node.Call("GET", b + "/t1?as_of=" + std::to_string(before), "", "min-finance");
  ASSERT_EQ(then.status, 200) << then.body;
  EXPECT_EQ(Parse(then.body)["agenda"].size(), 0u);
  EXPECT_EQ(Parse(then.body)["as_of_position"], before);
  EXPECT_EQ(node.Call("GET", b + "/t1?as_of=yesterday", "", "min-finance").status, 422);
  EXPECT_EQ(node.Call("GET", b + "/t1?min_position=-1", "", "min-finance").status, 422);
  EXPECT_EQ(node.Call("GET", b + "/t1?colour=blue", "", "min-finance").status, 422);
  EXPECT_EQ(node.Call("GET", b + "/nope", "", "min-finance").status, 404);
  EXPECT_EQ(node.Call("DELETE", b + "/t1", "", "min-finance").status, 405);
}

es::Hash FromHex(const std::string& hex) {
  es::Hash h{};
  for (std::size_t i = 0; i < h.size() && 2 * i + 1 < hex.size(); ++i) {
    h[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return h;
}

TEST(Audit, AuditorsReadTheLogProveInclusionAndConsistencyAndArchivistsDownloadTheBag) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  const auto ok = [](const http::Response& r) { return r.status < 300; };
  ASSERT_TRUE(ok(node.Call("POST", b + "/meetings",
                           json{{"meeting", "a1"}, {"title", "Audit"}, {"place", "HN"},
                                {"starts_at", FormatRfc3339(testing::Now())},
                                {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))}}
                               .dump(),
                           "gov-office-staff-1")));
  ASSERT_TRUE(ok(node.Call("POST", b + "/meetings/a1/agenda", R"({"item":"i","title":"I"})", "gov-office-staff-1")));
  const std::uint64_t first_size = node.store->head_position();
  ASSERT_TRUE(ok(node.Call("POST", b + "/meetings/a1/invitations", R"({"person":"min-trade"})", "gov-office-staff-1")));
  auto signer = es::TreeHeadSigner::LoadOrCreate(node.dir.path() / "log-key.pem");
  ASSERT_TRUE(signer.ok());
  auto head = replay::RecordTreeHead(*node.store, **signer, testing::Now());
  ASSERT_TRUE(head.ok() && head->has_value());

  // The raw log, paged: this body's events in full.
  const auto page = node.Call("GET", b + "/log?from=1&limit=10", "", "auditor-1");
  ASSERT_EQ(page.status, 200) << page.body;
  const json log = Parse(page.body);
  ASSERT_EQ(log["events"].size(), 10u);
  EXPECT_EQ(log["next_from"], 11);
  // Position 1 is the platform's appointment of its administrator: another
  // "body" (_platform), so position and hashes only.
  EXPECT_FALSE(log["events"][0].contains("payload_base64")) << log["events"][0].dump();
  EXPECT_EQ(log["events"][1]["stream"], "body-gov-vn");
  EXPECT_FALSE(log["events"][1]["payload_base64"].get<std::string>().empty());
  EXPECT_EQ(log["events"][1]["prev_hash"], log["events"][0]["hash"]);
  EXPECT_EQ(log["events"][2]["prev_hash"], log["events"][1]["hash"]);

  // The signed tree heads, and an inclusion proof that verifies against the signed root.
  const json heads = Parse(node.Call("GET", b + "/log/tree-heads", "", "auditor-1").body);
  ASSERT_EQ(heads["tree_heads"].size(), 1u);
  const json& signed_head = heads["tree_heads"][0];
  const std::uint64_t size = signed_head["size"];
  const auto inclusion = node.Call("GET", b + "/log/proofs/inclusion?position=" + std::to_string(first_size) +
                                              "&size=" + std::to_string(size), "", "auditor-1");
  ASSERT_EQ(inclusion.status, 200) << inclusion.body;
  const json proof = Parse(inclusion.body);
  EXPECT_EQ(proof["root"], signed_head["root"]);
  std::vector<es::Hash> path;
  for (const auto& h : proof["proof"]) path.push_back(FromHex(h));
  EXPECT_TRUE(es::VerifyInclusion(es::MerkleLeaf(FromHex(proof["event_hash"])), first_size - 1, size, path,
                                  FromHex(signed_head["root"])));
  path.front()[0] ^= 1;
  EXPECT_FALSE(es::VerifyInclusion(es::MerkleLeaf(FromHex(proof["event_hash"])), first_size - 1, size, path,
                                   FromHex(signed_head["root"])));
  const json consistency = Parse(node.Call("GET", b + "/log/proofs/consistency?first=" + std::to_string(first_size) +
                                                     "&second=" + std::to_string(size), "", "auditor-1").body);
  std::vector<es::Hash> steps;
  for (const auto& h : consistency["proof"]) steps.push_back(FromHex(h));
  EXPECT_TRUE(es::VerifyConsistency(first_size, size, FromHex(consistency["first_root"]),
                                    FromHex(signed_head["root"]), steps));
  EXPECT_EQ(node.Call("GET", b + "/log/proofs/inclusion?position=0", "", "auditor-1").status, 422);
  EXPECT_EQ(node.Call("GET", b + "/log/proofs/inclusion?position=1&size=999999", "", "auditor-1").status, 422);

  // The meeting's record as a BagIt tar, for the archivist; refused to a member who did not take part.
  const auto bag = node.Call("GET", b + "/meetings/a1/export", "", "archivist-1");
  ASSERT_EQ(bag.status, 200) << bag.body;
  EXPECT_EQ(bag.content_type, "application/x-tar");
  EXPECT_NE(bag.body.find("bagit.txt"), std::string::npos);
  EXPECT_NE(bag.body.find("manifest-sha256.txt"), std::string::npos);
  EXPECT_NE(bag.body.find("ustar"), std::string::npos);
  const auto disposition = std::find_if(bag.headers.begin(), bag.headers.end(),
                                        [](const auto& h) { return h.first == "Content-Disposition"; });
  ASSERT_NE(disposition, bag.headers.end());
  EXPECT_EQ(disposition->second, "attachment; filename=\"meeting-a1.tar\"; filename*=UTF-8''meeting-a1.tar");
  EXPECT_EQ(node.Call("GET", b + "/meetings/a1/export", "", "min-finance").status, 403);
}

}  // namespace
}  // namespace ecab::api

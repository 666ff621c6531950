// The OpenAPI contract of the route table, and bad input on every command
// route (each refused with its problem type, nothing appended).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "api/route_samples.h"
#include "api/testing.h"
#include "domain/authz/authorization.h"
#include "domain/forms/form.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

std::string Slug(const http::Response& r) { return testing::Slug(r.body); }
using testing::CommandActions;
using testing::Concrete;
using testing::Key;
using testing::Sample;

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
      EXPECT_TRUE(
          op["requestBody"]["content"]["application/json"]["schema"]["properties"].contains(f.name))
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
      if (op.contains("requestBody") &&
          !op["requestBody"]["content"].contains("application/json")) {
        // A file streamed as it is (PUT …/content): bytes, not a JSON schema.
        EXPECT_TRUE(op["requestBody"]["content"].contains("application/octet-stream")) << path;
        continue;
      }
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
      wrong[f.name] = f.type == FieldType::kText || f.type == FieldType::kId ||
                              f.type == FieldType::kName || f.type == FieldType::kEnum ||
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
        for (const std::string hostile :
             {"../../../x", "a/b", "Evil", "q\"uote", "a..b", ".hidden", "tab\there"}) {
          json bad = sample;
          bad[f.name] = f.type == FieldType::kId ? json(hostile) : json::array({hostile});
          cases.push_back({"id " + hostile + " in " + f.name, bad.dump(), "invalid-value", 422});
        }
      }
    }
    for (const auto& c : cases) {
      const auto response = node.Call(r.method, path, c.body, "bootstrap",
                                      {{"idempotency-key", "bad-" + std::to_string(checked)}});
      EXPECT_EQ(response.status, c.status)
          << r.method << " " << r.pattern << ": " << c.what << ": " << response.body;
      EXPECT_EQ(Slug(response), c.type) << r.method << " " << r.pattern << ": " << c.what;
      EXPECT_EQ(response.content_type, "application/problem+json");
      ++checked;
    }
    // Not JSON at all.
    const auto text =
        node.Call(r.method, path, "hello", "bootstrap", {{"content-type", "text/plain"}});
    EXPECT_EQ(text.status, 415) << r.pattern;
    EXPECT_EQ(node.store->head_position(), head) << "something was appended by " << r.pattern;
  }
  EXPECT_GT(checked, 300u);
}

}  // namespace
}  // namespace ecab::api

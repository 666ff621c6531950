// The web app's side of the server: the browser session cookie (HttpOnly,
// refused from other origins) and the built assets (caching, precompression,
// the Content-Security-Policy). The browser itself is driven by
// web/tests/browser.mjs.
#include <fstream>

#include "api/request_checks.h"
#include "api/testing.h"
#include "api/web_assets.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

const std::string* HeaderOf(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return &v;
  }
  return nullptr;
}

// The cookie a cookie login sets, as "name=value" for a Cookie header.
std::string CookieFrom(const http::Response& r) {
  const std::string* set = HeaderOf(r, "Set-Cookie");
  if (!set) return "";
  return set->substr(0, set->find(';'));
}

const std::map<std::string, std::string> kSameOrigin = {{"origin", "https://cabinet.example:8443"},
                                                        {"host", "cabinet.example:8443"}};

TEST(WebSession, ACookieLoginSetsAnHttpOnlyCookieAndAnswersWithoutTheToken) {
  Node node;
  auto login =
      node.Call("POST", "/v1/login",
                json{{"person", "pm"}, {"password", testing::kPassword}, {"cookie", true}}.dump(),
                "", kSameOrigin);
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_FALSE(Parse(login.body).contains("token"))
      << "no script ever sees the token: " << login.body;
  EXPECT_EQ(Parse(login.body)["token_type"], "Cookie");
  const std::string* set = HeaderOf(login, "Set-Cookie");
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(set->starts_with("__Host-ecab_session=ecab_")) << *set;
  for (const char* attribute :
       {"; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age="}) {
    EXPECT_NE(set->find(attribute), std::string::npos) << attribute << " in " << *set;
  }

  auto me = node.Call("GET", "/v1/me", "", "",
                      {{"cookie", "lang=vi; " + CookieFrom(login) + "; other=1"}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Parse(me.body)["person"], "pm");
}

TEST(WebSession, ACommandWithTheCookieFromAnotherOriginIsRefusedAndRecordsNothing) {
  Node node;
  auto login = node.Call(
      "POST", "/v1/login",
      json{{"person", "gov-office-staff-1"}, {"password", testing::kPassword}, {"cookie", true}}
          .dump(),
      "", kSameOrigin);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string cookie = CookieFrom(login);
  const json meeting = {{"meeting", "web-m"},
                        {"title", "t"},
                        {"starts_at", FormatRfc3339(testing::Now())},
                        {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))},
                        {"place", "p"},
                        {"online_link", ""}};
  const auto head = node.store->head_position();
  for (const auto& origin : std::vector<std::map<std::string, std::string>>{
           {{"cookie", cookie},
            {"origin", "https://evil.example"},
            {"host", "cabinet.example:8443"}},
           {{"cookie", cookie}, {"host", "cabinet.example:8443"}},  // no Origin at all
           {{"cookie", cookie},
            {"origin", "http://cabinet.example:8443"},
            {"host", "cabinet.example:8443"}}}) {
    auto r = node.Call("POST", "/v1/bodies/gov-vn/meetings", meeting.dump(), "", origin);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(testing::Slug(r.body), "cross-origin");
  }
  EXPECT_EQ(node.store->head_position(), head) << "nothing was recorded";

  auto headers = kSameOrigin;
  headers["cookie"] = cookie;
  auto same = node.Call("POST", "/v1/bodies/gov-vn/meetings", meeting.dump(), "", headers);
  EXPECT_EQ(same.status, 201) << same.body;
  // Reads with the cookie need no Origin (a link, a download).
  const auto written = Parse(same.body).value("last_position", std::uint64_t{0});
  auto read =
      node.Call("GET", "/v1/bodies/gov-vn/meetings/web-m?min_position=" + std::to_string(written),
                "", "", {{"cookie", cookie}});
  EXPECT_EQ(read.status, 200) << read.body;
}

TEST(WebSession, ACookieLoginFromAnotherOriginIsRefusedAndLogoutClearsTheCookie) {
  Node node;
  auto forged =
      node.Call("POST", "/v1/login",
                json{{"person", "pm"}, {"password", testing::kPassword}, {"cookie", true}}.dump(),
                "", {{"origin", "https://evil.example"}, {"host", "cabinet.example:8443"}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(HeaderOf(forged, "Set-Cookie"), nullptr);

  auto login =
      node.Call("POST", "/v1/login",
                json{{"person", "pm"}, {"password", testing::kPassword}, {"cookie", true}}.dump(),
                "", kSameOrigin);
  auto headers = kSameOrigin;
  headers["cookie"] = CookieFrom(login);
  auto out = node.Call("POST", "/v1/logout", "", "", headers);
  ASSERT_EQ(out.status, 200) << out.body;
  const std::string* cleared = HeaderOf(out, "Set-Cookie");
  ASSERT_NE(cleared, nullptr);
  EXPECT_TRUE(cleared->starts_with("__Host-ecab_session=;")) << *cleared;
  EXPECT_NE(cleared->find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(node.Call("GET", "/v1/me", "", "", {{"cookie", CookieFrom(login)}}).status, 401)
      << "the token behind the cookie is revoked";
}

TEST(WebSession, OnlyTheSessionCookieIsTakenFromTheCookieHeader) {
  http::Request r;
  r.headers = {{"cookie", "x__Host-ecab_session=nope; __Host-ecab_sessionx=nope"}};
  EXPECT_FALSE(SessionCookie(r).has_value());
  r.headers = {{"cookie", "a=1"}, {"cookie", "__Host-ecab_session=ecab_abc"}};
  EXPECT_EQ(SessionCookie(r).value_or(""), "ecab_abc");
  r.headers = {{"cookie", "__Host-ecab_session=" + std::string(201, 'a')}};
  EXPECT_FALSE(SessionCookie(r).has_value()) << "longer than any token";
}

class Assets : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir.path() / "assets");
    Write("index.html",
          "<!doctype html><script type=module src=/assets/main-ABCD1234.js></script>");
    Write("assets/main-ABCD1234.js", "console.log(1)");
    Write("assets/main-ABCD1234.js.br", "BROTLI");
    Write("assets/main-ABCD1234.js.gz", "GZIP");
    Write("favicon.svg", "<svg/>");
  }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir.path() / name) << bytes;
  }
  http::Request Get(const std::string& path,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request r;
    r.method = "GET";
    r.target = r.path = path;
    r.headers = std::move(headers);
    return r;
  }
  es::testing::TempDir dir;
};

TEST_F(Assets, TheShellIsRevalidatedHashedFilesAreImmutableAndEveryAnswerCarriesTheCsp) {
  auto assets = WebAssets::Load(dir.path());
  ASSERT_TRUE(assets.ok()) << ToString(assets.error());
  auto page = assets->Serve(Get("/"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(*HeaderOf(*page, "Cache-Control"), "no-cache");
  EXPECT_EQ(*HeaderOf(*page, "Content-Security-Policy"), kContentSecurityPolicy);
  EXPECT_NE(std::string(kContentSecurityPolicy).find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(*HeaderOf(*page, "X-Content-Type-Options"), "nosniff");
  auto script = assets->Serve(Get("/assets/main-ABCD1234.js"));
  ASSERT_TRUE(script);
  EXPECT_EQ(*HeaderOf(*script, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(script->body, "console.log(1)") << "no Accept-Encoding: the bytes as built";
  EXPECT_EQ(*HeaderOf(*assets->Serve(Get("/favicon.svg")), "Cache-Control"), "no-cache")
      << "no hash in the name";
}

TEST_F(Assets, ThePrecompressedTwinIsSentWhenAcceptedBrotliFirst) {
  auto assets = WebAssets::Load(dir.path());
  ASSERT_TRUE(assets.ok());
  auto br =
      assets->Serve(Get("/assets/main-ABCD1234.js", {{"accept-encoding", "gzip, deflate, br"}}));
  EXPECT_EQ(br->body, "BROTLI");
  EXPECT_EQ(*HeaderOf(*br, "Content-Encoding"), "br");
  EXPECT_EQ(*HeaderOf(*br, "Vary"), "Accept-Encoding");
  auto gz = assets->Serve(Get("/assets/main-ABCD1234.js", {{"accept-encoding", "gzip, br;q=0"}}));
  EXPECT_EQ(gz->body, "GZIP");
  auto plain = assets->Serve(Get("/assets/main-ABCD1234.js", {{"accept-encoding", "identity"}}));
  EXPECT_EQ(plain->body, "console.log(1)");
  EXPECT_EQ(HeaderOf(*plain, "Content-Encoding"), nullptr);
}

TEST_F(Assets, ARevalidationWithTheEtagIsAnswered304AndAppRoutesGetTheShell) {
  auto assets = WebAssets::Load(dir.path());
  ASSERT_TRUE(assets.ok());
  auto first = assets->Serve(Get("/assets/main-ABCD1234.js"));
  auto again = assets->Serve(
      Get("/assets/main-ABCD1234.js", {{"if-none-match", *HeaderOf(*first, "ETag")}}));
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  auto route = assets->Serve(Get("/room/demo-1"));
  ASSERT_TRUE(route) << "a path without an extension is the app's own route";
  EXPECT_EQ(route->content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(assets->Serve(Get("/assets/missing-ABCD1234.js")))
      << "a missing file is not the shell";
  EXPECT_FALSE(assets->Serve(Get("/assets/main-ABCD1234.js.br"))) << "twins are not served by name";
}

TEST_F(Assets, AWebRootWithoutIndexIsRefusedAtStart) {
  std::filesystem::remove(dir.path() / "index.html");
  auto assets = WebAssets::Load(dir.path());
  ASSERT_FALSE(assets.ok());
  EXPECT_NE(assets.error().message.find("no index.html"), std::string::npos)
      << assets.error().message;
}

}  // namespace
}  // namespace ecab::api

#include "api/route_support.h"

namespace ecab::api {

using nlohmann::json;

std::string Hex(const es::Hash& h) { return es::ToHex(h); }

http::Response NoRole(const Call& c) { return NoRoleProblem(c.ctx.actor, c.body_state->id); }

bool HasRole(const Call& c, std::initializer_list<Role> roles) {
  if (!c.role) return false;
  return std::find(roles.begin(), roles.end(), *c.role) != roles.end();
}

std::optional<std::uint64_t> Number(const Call& c, const std::string& name, std::uint64_t fallback,
                                    http::Response& error) {
  auto it = c.request.query.find(name);
  if (it == c.request.query.end()) return fallback;
  if (auto v = ParseCount(it->second)) return v;
  error = ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                          "'" + name + "' must be a non-negative integer", {{"parameter", name}});
  return std::nullopt;
}

std::optional<std::uint64_t> AsOf(App& app, const Call& c, http::Response& error, bool& bad) {
  bad = false;
  auto it = c.request.query.find("as_of");
  if (it == c.request.query.end()) return std::nullopt;
  if (auto t = ParseRfc3339(it->second); t.ok()) {
    auto p = app.store().PositionAt(*t);
    if (p.ok()) return *p;
    error = FromError(p.error());
    bad = true;
    return std::nullopt;
  }
  auto n = Number(c, "as_of", 0, error);
  if (!n) {
    error = ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                            "'as_of' must be a log position or an RFC 3339 time",
                            {{"parameter", "as_of"}});
    bad = true;
    return std::nullopt;
  }
  return std::min(*n, app.store().head_position());
}

void AddGet(App& app, std::string pattern, std::string tag, std::string summary,
            std::vector<std::string> query, std::function<http::Response(Call&)> handle) {
  app.Add(Route{.method = "GET",
                .pattern = std::move(pattern),
                .tag = std::move(tag),
                .summary = std::move(summary),
                .query = std::move(query),
                .handle = std::move(handle)});
}

}  // namespace ecab::api

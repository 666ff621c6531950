// api/route_support.h — what the route files share: role checks, query
// parameters (counts, as_of), routes whose body fills a typed request, and an
// aggregate's view, live or as of a position, after the visibility check.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "api/app.h"
#include "api/problems.h"
#include "api/typed_request.h"
#include "api/visibility.h"
#include "eventstore/merkle.h"

namespace ecab::api {

std::string Hex(const es::Hash& h);
// 403: the caller has no role in the path's body.
http::Response NoRole(const Call& c);
// Does the caller hold one of `roles` in the path's body now?
bool HasRole(const Call& c, std::initializer_list<Role> roles);

constexpr std::initializer_list<Role> kEveryRole = {Role::kMember,      Role::kChair,
                                                    Role::kSecretariat, Role::kAuditor,
                                                    Role::kArchivist,   Role::kAdmin};
constexpr std::initializer_list<Role> kOversight = {Role::kChair, Role::kSecretariat,
                                                    Role::kAuditor, Role::kArchivist, Role::kAdmin};

// A non-negative integer query parameter, `fallback` when absent; nullopt
// with `error` set (422) when malformed.
std::optional<std::uint64_t> Number(const Call& c, const std::string& name, std::uint64_t fallback,
                                    http::Response& error);
// as_of: a log position or an RFC 3339 time (clamped to the head); nullopt
// when absent, or with `bad` and `error` set when malformed.
std::optional<std::uint64_t> AsOf(App& app, const Call& c, http::Response& error, bool& bad);
// `route` with the body schema of `fields` and a handler that gets the T they
// fill from the body and the path (a body that does not fill it: the problem
// naming the field).
template <class T>
Route TypedRoute(Route route, Fields<T> fields, std::function<http::Response(Call&, T&)> handle) {
  route.schema = SchemaOf(fields);
  route.handle = [fields = std::move(fields),
                  handle = std::move(handle)](Call& c) -> http::Response {
    auto request = ReadRequest(c.body, c.params, fields);
    if (!request.ok()) return FromError(request.error());
    return handle(c, *request);
  };
  return route;
}

// A GET route of the API under `pattern`, authenticated, without a body.
void AddGet(App& app, std::string pattern, std::string tag, std::string summary,
            std::vector<std::string> query, std::function<http::Response(Call&)> handle);

// An aggregate view, live (the projection's stored view) or as of a position,
// after the visibility check: the object as it stands and as it stood then.
template <class Projection>
http::Response View(App& app, const Call& c, Projection& projection, ObjectKind kind,
                    const std::string& id) {
  http::Response error;
  bool bad = false;
  auto as_of = AsOf(app, c, error, bad);
  if (bad) return error;
  if (auto hidden = Hidden(app, c, kind, id, as_of.value_or(es::kEnd))) return *hidden;
  const std::string stream = StreamOf(kind, id);
  if (as_of) {
    auto view = projection.AsOf(app.store(), stream, *as_of);
    if (!view.ok()) return FromError(view.error());
    return Json(200, *view);
  }
  auto stored = app.views().Get(std::string(KindName(kind)) + "/view/" + stream);
  if (!stored.ok()) return FromError(stored.error());
  if (!stored->has_value()) {
    return ProblemResponse(404, "not-found", "Not found",
                           "'" + stream + "' is not in the read models yet");
  }
  http::Response r;
  r.body = std::move(**stored);
  return r;
}

}  // namespace ecab::api

// The query routes (read models, with as_of time travel), the WebSocket
// feeds, the auditors' routes (raw log, tree heads, proofs, export), and the
// OpenAPI document built from the route table.
#include <fstream>

#include "api/app.h"
#include "api/feeds.h"
#include "api/random.h"
#include "api/service.h"
#include "api/visibility.h"
#include "eventstore/merkle.h"
#include "eventstore/tree_head.h"
#include "projections/views.h"
#include "replay/export.h"
#include "replay/tree_heads.h"

namespace ecab::api {
namespace {

using nlohmann::json;

std::string Hex(const es::Hash& h) { return es::ToHex(h); }

http::Response NoRole(const Call& c) {
  return ProblemResponse(403, "forbidden", "Forbidden",
                         "'" + c.ctx.actor + "' has no role in body '" + c.body_state->id + "'");
}

bool HasRole(const Call& c, std::initializer_list<Role> roles) {
  if (!c.role) return false;
  return std::find(roles.begin(), roles.end(), *c.role) != roles.end();
}

constexpr std::initializer_list<Role> kEveryRole = {Role::kMember,  Role::kChair,     Role::kSecretariat,
                                                    Role::kAuditor, Role::kArchivist, Role::kAdmin};
constexpr std::initializer_list<Role> kOversight = {Role::kChair, Role::kSecretariat, Role::kAuditor,
                                                    Role::kArchivist, Role::kAdmin};

// A non-negative integer query parameter, `fallback` when absent.
std::optional<std::uint64_t> Number(const Call& c, const std::string& name, std::uint64_t fallback,
                                    http::Response& error) {
  auto it = c.request.query.find(name);
  if (it == c.request.query.end()) return fallback;
  if (auto v = ParseCount(it->second)) return v;
  error = ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                          "'" + name + "' must be a non-negative integer", {{"parameter", name}});
  return std::nullopt;
}

// as_of: a log position or an RFC 3339 time; nullopt when absent.
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
                            "'as_of' must be a log position or an RFC 3339 time", {{"parameter", "as_of"}});
    bad = true;
    return std::nullopt;
  }
  return std::min(*n, app.store().head_position());
}

// An aggregate view, live (the projection's stored view) or as of a position,
// after the visibility check: the object as it stands and as it stood then.
template <class Projection>
http::Response View(App& app, const Call& c, Projection& projection, ObjectKind kind, const std::string& id) {
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
    return ProblemResponse(404, "not-found", "Not found", "'" + stream + "' is not in the read models yet");
  }
  http::Response r;
  r.body = std::move(**stored);
  return r;
}

// How much of an event a raw-log reader gets.
enum class Disclosure {
  kChain,   // another body's event: position and hashes, what the chain needs
  kSealed,  // an object the reader may not see: its envelope and stored (encrypted) record, no payload
  kFull,    // everything, the decrypted payload included
};

Result<json> Envelope(const es::EventStore& store, const es::RecordedEvent& e, Disclosure disclosure) {
  json out = {{"position", e.position}, {"hash", Hex(e.hash)}, {"prev_hash", Hex(e.prev_hash)}};
  if (disclosure == Disclosure::kChain) return out;
  out["body"] = e.body;
  out["stream"] = e.stream;
  out["version"] = e.version;
  out["type"] = e.type;
  out["schema_version"] = e.schema_version;
  out["recorded_at"] = FormatRfc3339(e.recorded_at);
  out["actor"] = {{"id", e.actor.id}, {"role", e.actor.role}, {"on_behalf_of", e.actor.on_behalf_of}};
  out["command_id"] = e.command_id;
  out["key_id"] = e.key_id;
  if (disclosure == Disclosure::kFull) {
    out["payload_base64"] = Base64Encode(e.payload);
    return out;
  }
  auto record = store.ReadRecord(e.position);
  if (!record.ok()) return record.error();
  out["redacted"] = true;
  out["record_base64"] = Base64Encode(*record);
  return out;
}

// Two log positions from the query, `low` (required) and `high` (default:
// the head), with 1 <= low <= high <= head.
std::optional<std::pair<std::uint64_t, std::uint64_t>> Positions(App& app, const Call& c, const std::string& low,
                                                                  const std::string& high, http::Response& error) {
  const std::uint64_t head = app.store().head_position();
  auto lo = Number(c, low, 0, error);
  if (!lo) return std::nullopt;
  auto hi = Number(c, high, head, error);
  if (!hi) return std::nullopt;
  if (*lo == 0 || *lo > *hi || *hi > head) {
    error = ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                            "need 1 <= " + low + " <= " + high + " <= the log's head");
    return std::nullopt;
  }
  return std::pair{*lo, *hi};
}

json HashList(const std::vector<es::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(Hex(h));
  return out;
}

}  // namespace

void RegisterQueryRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  auto add = [&app](std::string pattern, std::string tag, std::string summary, std::vector<std::string> query,
                    std::function<http::Response(Call&)> handle) {
    app.Add(Route{"GET", std::move(pattern), std::move(tag), std::move(summary), {}, std::move(query), true, false,
                  false, std::move(handle)});
  };

  add(b, "directory", "The body: names, people and their current roles.", {}, [](Call& c) {
    if (!HasRole(c, kEveryRole)) return NoRole(c);
    json people = json::array();
    for (const auto& [id, p] : c.body_state->people) {
      auto role = c.body_state->RoleAt(id, c.ctx.now);
      people.push_back({{"person", id}, {"office", p.office}, {"office_vi", p.office_vi},
                        {"role", role ? std::string(RoleName(*role)) : ""}, {"certificates", p.certificates.size()}});
    }
    return Json(200, {{"body", c.body_state->id}, {"name", c.body_state->name}, {"name_vi", c.body_state->name_vi},
                      {"people", people}, {"your_role", c.role ? std::string(RoleName(*c.role)) : ""}});
  });

  add(b + "/meetings/{meeting}", "meetings",
      "A meeting: agenda, attendance, live quorum, floor, votes with tallies. as_of travels in time.", {"as_of"},
      [&app](Call& c) {
        return View(app, c, app.projections().aggregates().meetings, ObjectKind::kMeeting, c.params["meeting"]);
      });

  add(b + "/meetings/{meeting}/votes/{vote}", "meetings", "One vote: its tally, rule, outcome and ballots.",
      {"as_of"}, [&app](Call& c) {
        http::Response view =
            View(app, c, app.projections().aggregates().meetings, ObjectKind::kMeeting, c.params["meeting"]);
        if (view.status != 200) return view;
        const json doc = json::parse(view.body);
        for (const auto& v : doc.value("votes", json::array())) {
          if (v.value("vote", "") == c.params["vote"]) {
            json out = v;
            out["meeting"] = c.params["meeting"];
            out["position"] = doc.value("position", 0);
            return Json(200, out);
          }
        }
        return ProblemResponse(404, "not-found", "Not found", "no vote '" + c.params["vote"] + "' in this meeting");
      });

  // Members see a form once it is issued to them; drafts stay with the office and the chair.
  add(b + "/forms/{form}", "forms", "An opinion form: content, status, answers and result.", {"as_of"},
      [&app](Call& c) { return View(app, c, app.projections().aggregates().forms, ObjectKind::kForm, c.params["form"]); });

  add(b + "/resolutions/{resolution}", "resolutions", "A resolution: text versions, signature, number.", {"as_of"},
      [&app](Call& c) {
        return View(app, c, app.projections().aggregates().resolutions, ObjectKind::kResolution,
                    c.params["resolution"]);
      });

  add(b + "/documents/{document}", "documents",
      "A document's header and versions (a classified one only to its readers; to others it does not exist).", {},
      [&app](Call& c) {
        if (auto hidden = Hidden(app, c, ObjectKind::kDocument, c.params["document"])) return *hidden;
        auto d = app.latest().Latest<documents::Document>(StreamOf(ObjectKind::kDocument, c.params["document"]));
        if (!d.ok()) return FromError(d.error());
        json versions = json::array();
        for (const auto& v : d->state.versions) {
          versions.push_back({{"version", v.version}, {"sha256", v.sha256}, {"size", v.size},
                              {"media_type", v.media_type}, {"filename", v.filename}});
        }
        const auto& h = d->state.header;
        return Json(200, {{"document", h.document}, {"title", h.title},
                          {"classification", ClassificationName(h.classification)},
                          {"urgency", UrgencyName(h.urgency)}, {"versions", versions}});
      });

  add(b + "/inbox", "people", "The caller's pending tasks: forms to answer, invitations, open votes.", {},
      [&app](Call& c) {
        if (!c.principal) return NoRole(c);
        auto entries = app.views().Scan("inbox/" + c.ctx.actor + "/", 1000);
        if (!entries.ok()) return FromError(entries.error());
        json tasks = json::array();
        for (const auto& [key, value] : *entries) {
          json task = json::parse(value, nullptr, false);
          if (!task.is_discarded() && task.value("body", c.body_state->id) == c.body_state->id) tasks.push_back(task);
        }
        return Json(200, {{"person", c.ctx.actor}, {"tasks", tasks}});
      });

  add(b + "/dashboard", "dashboards", "The secretariat's dashboard: open, overdue and this year's work.", {"as_of"},
      [&app](Call& c) {
        if (!HasRole(c, kOversight)) {
          return ProblemResponse(403, "forbidden", "Forbidden", "the dashboard is for the chair, staff and auditors");
        }
        http::Response error;
        bool bad = false;
        auto as_of = AsOf(app, c, error, bad);
        if (bad) return error;
        auto view = as_of ? proj::DashboardAsOf(app.store(), app.views(), c.body_state->id, *as_of, c.ctx.now)
                          : proj::Dashboard(app.views(), c.body_state->id, c.ctx.now);
        if (!view.ok()) return FromError(view.error());
        return Json(200, *view);
      });

  add(b + "/audit", "audit", "An audit trail by actor or by object, paged, optionally up to a position.",
      {"actor", "object", "after", "limit", "up_to"}, [&app](Call& c) {
        const auto& q = c.request.query;
        const bool by_actor = q.contains("actor"), by_object = q.contains("object");
        if (by_actor == by_object) {
          return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                                 "give exactly one of 'actor' or 'object'");
        }
        const std::string id = by_actor ? q.at("actor") : q.at("object");
        const bool own = by_actor && id == c.ctx.actor;
        if (!own && !HasRole(c, {Role::kAuditor, Role::kArchivist, Role::kAdmin})) {
          return ProblemResponse(403, "forbidden", "Forbidden", "audit trails are for auditors, archivists and admins");
        }
        http::Response error;
        auto after = Number(c, "after", 0, error);
        if (!after) return error;
        auto limit = Number(c, "limit", 100, error);
        if (!limit) return error;
        auto up_to = Number(c, "up_to", UINT64_MAX, error);
        if (!up_to) return error;
        auto trail = proj::AuditTrail(app.views(), by_actor ? "actor" : "object", id, *after,
                                      std::min<std::uint64_t>(*limit, 1000), *up_to);
        if (!trail.ok()) return FromError(trail.error());
        json entries = json::array();
        for (auto& e : *trail) {
          if (e.value("body", c.body_state->id) == c.body_state->id) entries.push_back(std::move(e));
        }
        return Json(200, {{"trail", by_actor ? "actor" : "object"}, {"id", id}, {"entries", entries}});
      });

  add(b + "/search", "search", "Full-text search (Vietnamese folding); classified documents only for readers.",
      {"q", "limit"}, [&app](Call& c) {
        if (!HasRole(c, kEveryRole)) return NoRole(c);
        auto q = c.request.query.find("q");
        if (q == c.request.query.end() || q->second.empty()) {
          return ProblemResponse(422, "invalid-parameter", "Invalid query parameter", "'q' is required");
        }
        http::Response error;
        auto limit = Number(c, "limit", 20, error);
        if (!limit) return error;
        Sight sight(app.latest(), ViewerOf(c));
        auto hits = proj::Search(app.views(), q->second, c.ctx.actor, std::min<std::uint64_t>(*limit, 200),
                                 [&](const std::string& object) { return sight.MaySeeNow(c.body_state->id, object); });
        if (!hits.ok()) return FromError(hits.error());
        json out = json::array();
        for (const auto& h : *hits) {
          out.push_back({{"object", h.object}, {"kind", h.kind}, {"title", h.title}, {"score", h.score}});
        }
        return Json(200, {{"query", q->second}, {"hits", out}});
      });

  // ---- feeds ----
  app.Add(Route{"GET", b + "/meetings/{meeting}/feed", "feeds",
                "WebSocket: the meeting's view as of position 'from', then each change after it as a JSON Patch "
                "(RFC 6902), in order; reconnect with the last position seen to resume.",
                {}, {"from"}, true, false, true, nullptr,
                [&app](Call& c, http::Response& refusal) -> std::unique_ptr<http::FeedSource> {
                  if (auto hidden = Hidden(app, c, ObjectKind::kMeeting, c.params["meeting"])) {
                    refusal = std::move(*hidden);
                    return nullptr;
                  }
                  auto from = Number(c, "from", 0, refusal);
                  if (!from) return nullptr;
                  auto feed = OpenMeetingFeed(app.store(), app.feeds(), StreamOf(ObjectKind::kMeeting, c.params["meeting"]),
                                              *from);
                  if (!feed.ok()) {
                    refusal = FromError(feed.error());
                    return nullptr;
                  }
                  return std::move(*feed);
                }});
  app.Add(Route{"GET", b + "/feed", "feeds",
                "WebSocket: every event of the body the caller may see after position 'from', in order.", {},
                {"from"}, true, false, true, nullptr,
                [&app](Call& c, http::Response& refusal) -> std::unique_ptr<http::FeedSource> {
                  if (!HasBodyRole(c.role)) {
                    refusal = NoRole(c);
                    return nullptr;
                  }
                  auto from = Number(c, "from", 0, refusal);
                  if (!from) return nullptr;
                  return OpenBodyFeed(app.store(), app.latest(), c.body_state->id, ViewerOf(c), *from);
                }});
}

void RegisterAuditRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  auto add = [&app](std::string pattern, std::string summary, std::vector<std::string> query,
                    std::function<http::Response(Call&)> handle) {
    app.Add(Route{"GET", std::move(pattern), "audit", std::move(summary), {}, std::move(query), true, false, false,
                  [handle = std::move(handle)](Call& c) {
                    if (!HasRole(c, {Role::kAuditor, Role::kArchivist})) {
                      return ProblemResponse(403, "forbidden", "Forbidden", "for the body's auditors and archivists");
                    }
                    return handle(c);
                  }});
  };

  add(b + "/log", "The raw log, paged: this body's events the caller may see in full, the rest of the body's as envelope and "
      "stored (encrypted) record, other bodies' as position and hashes.",
      {"from", "limit"}, [&app](Call& c) {
        http::Response error;
        auto from = Number(c, "from", 1, error);
        if (!from) return error;
        auto limit = Number(c, "limit", 100, error);
        if (!limit) return error;
        auto events = app.store().ReadAll(std::max<std::uint64_t>(*from, 1), std::min<std::uint64_t>(*limit, 1000));
        if (!events.ok()) return FromError(events.error());
        json out = json::array();
        Sight sight(app.latest(), ViewerOf(c));
        for (const auto& e : *events) {
          Disclosure disclosure = Disclosure::kChain;
          if (e.body == c.body_state->id) {
            auto visible = sight.MaySeeAt(e.body, e.stream, e.position);
            if (!visible.ok()) return FromError(visible.error());
            disclosure = *visible ? Disclosure::kFull : Disclosure::kSealed;
          }
          auto envelope = Envelope(app.store(), e, disclosure);
          if (!envelope.ok()) return FromError(envelope.error());
          out.push_back(std::move(envelope).value());
        }
        const std::uint64_t next = events->empty() ? *from : events->back().position + 1;
        return Json(200, {{"events", out}, {"next_from", next}, {"head_position", app.store().head_position()}});
      });

  add(b + "/log/tree-heads", "The signed tree heads recorded in the log, and the key that signs them.", {},
      [&app](Call&) {
        auto heads = replay::RecordedTreeHeads(app.store());
        if (!heads.ok()) return FromError(heads.error());
        json out = json::array();
        for (const auto& h : *heads) {
          out.push_back({{"recorded_at_position", h.position}, {"size", h.head.size}, {"root", Hex(h.head.root)},
                         {"time", FormatRfc3339(h.head.time)}, {"key_id", h.head.key_id},
                         {"signature_base64", Base64Encode(h.head.signature)},
                         {"signed_text", es::TreeHeadPayload(h.head.size, h.head.root, h.head.time)}});
        }
        return Json(200, {{"tree_heads", out}, {"public_key_pem", app.options().public_key_pem}});
      });

  add(b + "/log/proofs/inclusion", "An RFC 9162 inclusion proof of a position in the tree of a given size.",
      {"position", "size"}, [&app](Call& c) {
        http::Response error;
        auto range = Positions(app, c, "position", "size", error);
        if (!range) return error;
        const auto [position, size] = *range;
        auto leaves = es::LogLeaves(app.store(), size);
        if (!leaves.ok()) return FromError(leaves.error());
        auto proof = es::InclusionProof(*leaves, position - 1, size);
        if (!proof.ok()) return FromError(proof.error());
        auto event_hash = app.store().ReadHashes(position, 1);
        if (!event_hash.ok() || event_hash->empty()) {
          return FromError(event_hash.ok() ? Error{ErrorCode::kNotFound, "no event there"} : event_hash.error());
        }
        return Json(200, {{"position", position}, {"size", size}, {"leaf_index", position - 1},
                          {"event_hash", Hex(event_hash->front())}, {"leaf_hash", Hex((*leaves)[position - 1])},
                          {"root", Hex(es::MerkleRoot(*leaves))}, {"proof", HashList(*proof)}});
      });

  add(b + "/log/proofs/consistency", "An RFC 9162 consistency proof between two tree sizes.", {"first", "second"},
      [&app](Call& c) {
        http::Response error;
        auto range = Positions(app, c, "first", "second", error);
        if (!range) return error;
        const auto [first, second] = *range;
        auto leaves = es::LogLeaves(app.store(), second);
        if (!leaves.ok()) return FromError(leaves.error());
        auto proof = es::ConsistencyProof(*leaves, first, second);
        if (!proof.ok()) return FromError(proof.error());
        const std::span<const es::Hash> old_leaves(leaves->data(), first);
        return Json(200, {{"first", first}, {"second", second}, {"first_root", Hex(es::MerkleRoot(old_leaves))},
                          {"second_root", Hex(es::MerkleRoot(*leaves))}, {"proof", HashList(*proof)}});
      });

  // The export route admits participants too (the exporter checks who may).
  app.Add(Route{"GET", b + "/meetings/{meeting}/export", "audit",
                "A meeting's complete record as a BagIt bag (tar): events, signatures, certificates, proofs, "
                "tree head, minutes.",
                {}, {}, true, false, false, [&app](Call& c) {
                  // A private name for the work file; the bag's folder is named after the meeting.
                  const auto tmp = std::filesystem::temp_directory_path() /
                                   ("ecab-export-" + es::ToHex(RandomBytes(16)) + ".tar");
                  const std::string name = "meeting-" + c.params["meeting"];
                  auto summary = replay::ExportMeeting(
                      app.store(), replay::ExportRequest{c.params["meeting"], c.ctx.actor, tmp,
                                                         app.options().public_key_pem, nullptr, name});
                  if (!summary.ok()) {
                    std::error_code ignored;
                    std::filesystem::remove(tmp, ignored);
                    return FromError(summary.error());
                  }
                  std::ifstream in(tmp, std::ios::binary);
                  http::Response r;
                  r.content_type = "application/x-tar";
                  r.body.assign(std::istreambuf_iterator<char>(in), {});
                  std::error_code ignored;
                  std::filesystem::remove(tmp, ignored);
                  // RFC 6266: the id is of the id grammar (checked at the edge), so the
                  // plain form needs no quoting; filename* is given too.
                  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name +
                                                                    ".tar\"; filename*=UTF-8''" + name + ".tar");
                  return r;
                }});
}

json App::OpenApi() const {
  json paths = json::object();
  const std::vector<int> problems = {400, 401, 403, 404, 409, 413, 415, 422, 429};
  for (const Route& r : routes_) {
    json op = {{"summary", r.summary}, {"tags", {r.tag}}};
    std::string id = r.method;
    for (char ch : r.pattern) id.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
    op["operationId"] = id;
    json parameters = json::array();
    for (std::size_t open = r.pattern.find('{'); open != std::string::npos; open = r.pattern.find('{', open + 1)) {
      const std::string name = r.pattern.substr(open + 1, r.pattern.find('}', open) - open - 1);
      parameters.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    for (const auto& q : r.query) {
      parameters.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    }
    if (r.method == "GET" && r.authenticated && !r.websocket) {
      parameters.push_back({{"name", "min_position"}, {"in", "query"}, {"required", false},
                            {"description", "wait until the read models include this log position"},
                            {"schema", {{"type", "integer"}, {"minimum", 0}}}});
    }
    if (r.command) {
      parameters.push_back({{"name", "Idempotency-Key"}, {"in", "header"}, {"required", false},
                            {"description", "becomes the command id; a retry returns the first result"},
                            {"schema", {{"type", "string"}, {"maxLength", 200}}}});
      parameters.push_back({{"name", "X-On-Behalf-Of"}, {"in", "header"}, {"required", false},
                            {"description", "a substitute names the member they stand in for"},
                            {"schema", {{"type", "string"}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (r.method != "GET" && r.method != "DELETE") {
      op["requestBody"] = {{"required", !r.schema.empty()},
                           {"content", {{"application/json", {{"schema", JsonSchemaOf(r.schema)}}}}}};
    }
    json responses = json::object();
    if (r.websocket) {
      responses["101"] = {{"description", "switching to the WebSocket protocol; text messages, one JSON object each"}};
    } else if (r.command) {
      responses["201"] = {{"description", "the events were appended"},
                          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/CommandResult"}}}}}}}};
      responses["200"] = {{"description", "a retry under the same Idempotency-Key: the first result"},
                          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/CommandResult"}}}}}}}};
    } else {
      responses["200"] = {{"description", "OK"}, {"content", {{r.pattern.ends_with("/export") ? "application/x-tar"
                                                               : r.pattern == "/metrics"       ? "text/plain"
                                                                                               : "application/json",
                                                              json::object()}}}};
    }
    for (int status : problems) {
      responses[std::to_string(status)] = {{"$ref", "#/components/responses/Problem"}};
    }
    op["responses"] = responses;
    op["security"] = r.authenticated ? json::array({{{"bearer", json::array()}}}) : json::array();
    std::string lower = r.method;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    paths[r.pattern][lower] = op;
  }
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "e-Cabinet API"},
        {"version", "1"},
        {"description",
         "Commands and queries of the e-Cabinet backend. Errors are RFC 9457 problem documents whose 'type' is "
         "stable per error."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"responses",
         {{"Problem",
           {{"description", "an RFC 9457 problem"},
            {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}}}}},
        {"schemas",
         {{"Problem",
           {{"type", "object"},
            {"required", {"type", "title", "status", "detail"}},
            {"properties",
             {{"type", {{"type", "string"}, {"format", "uri"}}},
              {"title", {{"type", "string"}}},
              {"status", {{"type", "integer"}}},
              {"detail", {{"type", "string"}}},
              {"field", {{"type", "string"}}}}}}},
          {"Signature",
           {{"type", "object"},
            {"additionalProperties", false},
            {"required", {"algorithm", "value", "certificate", "signed_at"}},
            {"properties",
             {{"algorithm", {{"type", "string"}, {"enum", {"ed25519", "ecdsa-p256-sha256", "rsa-pkcs1-sha256", "rsa-pss-sha256"}}}},
              {"value", {{"type", "string"}, {"contentEncoding", "base64"}}},
              {"certificate", {{"type", "string"}, {"description", "sha256:<hex> of the enrolled certificate"}}},
              {"signed_at", {{"type", "string"}, {"format", "date-time"}}}}}}},
          {"CommandResult",
           {{"type", "object"},
            {"properties",
             {{"command_id", {{"type", "string"}}},
              {"stream", {{"type", "string"}}},
              {"stream_version", {{"type", "integer"}}},
              {"positions", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
              {"first_position", {{"type", "integer"}}},
              {"last_position", {{"type", "integer"}}},
              {"replayed", {{"type", "boolean"}}}}}}}}}}}};
}

}  // namespace ecab::api

// The auditors' routes: the raw log (sealed where the reader may not see),
// signed tree heads, inclusion and consistency proofs, the server's own
// verification of the log, and the meeting export.
#include <fstream>
#include <mutex>

#include "api/command/command_service.h"
#include "api/random.h"
#include "api/route_support.h"
#include "eventstore/clock.h"
#include "eventstore/tree_head.h"
#include "replay/export.h"
#include "replay/tree_heads.h"
#include "replay/verifier.h"

namespace ecab::api {
namespace {

using nlohmann::json;

// How much of an event a raw-log reader gets.
enum class Disclosure {
  kChain,   // another body's event: position and hashes, what the chain needs
  kSealed,  // an object the reader may not see: its envelope and stored (encrypted) record, no
            // payload
  kFull,    // everything, the decrypted payload included
};

Result<json> Envelope(const es::EventStore& store, const es::RecordedEvent& e,
                      Disclosure disclosure) {
  json out = {{"position", e.position}, {"hash", Hex(e.hash)}, {"prev_hash", Hex(e.prev_hash)}};
  if (disclosure == Disclosure::kChain) return out;
  out["body"] = e.body;
  out["stream"] = e.stream;
  out["version"] = e.version;
  out["type"] = e.type;
  out["schema_version"] = e.schema_version;
  out["recorded_at"] = FormatRfc3339(e.recorded_at);
  out["actor"] = {
      {"id", e.actor.id}, {"role", e.actor.role}, {"on_behalf_of", e.actor.on_behalf_of}};
  out["command_id"] = e.command_id;
  out["key_id"] = e.key_id;
  if (disclosure == Disclosure::kFull) {
    out["payload_base64"] = Base64Encode(e.payload);
    return out;
  }
  ECAB_TRY_LET(record, store.ReadRecord(e.position));
  out["redacted"] = true;
  out["record_base64"] = Base64Encode(*record);
  return out;
}

// Two log positions from the query, `low` (required) and `high` (default:
// the head), with 1 <= low <= high <= head.
std::optional<std::pair<std::uint64_t, std::uint64_t>> Positions(App& app, const Call& c,
                                                                 const std::string& low,
                                                                 const std::string& high,
                                                                 http::Response& error) {
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

// A GET route for the body's auditors and archivists only.
void AddAuditorRoute(App& app, std::string pattern, std::string summary,
                     std::vector<std::string> query, std::function<http::Response(Call&)> handle) {
  app.Add(Route{.method = "GET",
                .pattern = std::move(pattern),
                .tag = "audit",
                .summary = std::move(summary),
                .query = std::move(query),
                .handle = [handle = std::move(handle)](Call& c) {
                  if (!HasRole(c, {Role::kAuditor, Role::kArchivist})) {
                    return ProblemResponse(403, "forbidden", "Forbidden",
                                           "for the body's auditors and archivists");
                  }
                  return handle(c);
                }});
}

// The server's own verification of the log, kept current: the hash chain is
// checked incrementally (each request checks what was appended since the
// last), the latest signed tree head is checked against the log each time.
class ChainWatch {
 public:
  Result<json> Report(App& app) {
    std::lock_guard lock(mu_);
    const std::uint64_t head = app.store().head_position();
    std::uint64_t checked_now = 0;
    if (head > verified_to_) {
      ECAB_TRY_LET(report, app.store().Verify(verified_to_ + 1, head));
      checked_now = report->checked;
      for (const auto& f : report->faults)
        faults_.push_back({{"position", f.position}, {"reason", f.reason}});
      verified_to_ = head;
    }
    json out = {{"chain",
                 {{"ok", faults_.empty()},
                  {"checked_up_to", verified_to_},
                  {"checked_now", checked_now},
                  {"faults", faults_}}},
                {"checked_at", FormatRfc3339(es::SystemClock().Now())}};
    ECAB_TRY_LET(heads, replay::RecordedTreeHeads(app.store()));
    if (heads->empty()) {
      out["tree_head"] = nullptr;
    } else {
      ECAB_TRY_LET(check, replay::CheckAgainstHead(app.store(), heads->back().head,
                                                   app.options().public_key_pem));
      out["tree_head"] = {{"size", check->old_size},
                          {"log_size", check->new_size},
                          {"ok", check->ok},
                          {"reason", check->reason},
                          {"time", FormatRfc3339(heads->back().head.time)}};
    }
    out["ok"] =
        faults_.empty() && (out["tree_head"].is_null() || out["tree_head"]["ok"].get<bool>());
    return out;
  }

 private:
  std::mutex mu_;
  std::uint64_t verified_to_ = 0;
  json faults_ = json::array();
};

void AddVerificationRoute(App& app) {
  auto watch = std::make_shared<ChainWatch>();
  AddAuditorRoute(app, "/v1/bodies/{body}/log/verification",
                  "The server's verification of the log: the hash chain up to the head (checked "
                  "incrementally) and "
                  "the latest signed tree head against the log.",
                  {}, [&app, watch](Call&) {
                    auto report = watch->Report(app);
                    if (!report.ok()) return FromError(report.error());
                    return Json(200, *report);
                  });
}

// GET …/log: the raw log, paged, each event disclosed as far as the caller may see it.
http::Response RawLog(App& app, Call& c) {
  http::Response error;
  auto from = Number(c, "from", 1, error);
  if (!from) return error;
  auto limit = Number(c, "limit", 100, error);
  if (!limit) return error;
  auto events =
      app.store().ReadAll(std::max<std::uint64_t>(*from, 1), std::min<std::uint64_t>(*limit, 1000));
  if (!events.ok()) return FromError(events.error());
  json out = json::array();
  Sight sight(app.latest(), ViewerOf(c));
  for (const auto& e : *events) {
    Disclosure disclosure = Disclosure::kChain;
    if (e.body == c.body_state->id) {
      auto visible = sight.MaySeeAt(e.body, e.stream, e.position);
      if (!visible.ok()) return FromError(visible.error());
      // A person's contact details are personal data: sealed for every reader of the log.
      disclosure = *visible && e.type != directory::ContactSet::kType ? Disclosure::kFull
                                                                      : Disclosure::kSealed;
    }
    auto envelope = Envelope(app.store(), e, disclosure);
    if (!envelope.ok()) return FromError(envelope.error());
    out.push_back(std::move(envelope).value());
  }
  const std::uint64_t next = events->empty() ? *from : events->back().position + 1;
  return Json(
      200, {{"events", out}, {"next_from", next}, {"head_position", app.store().head_position()}});
}

// GET …/log/proofs/inclusion: the proof of one position in a tree of a given size.
http::Response InclusionProofOf(App& app, Call& c) {
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
    return FromError(event_hash.ok() ? Error{ErrorCode::kNotFound, "no event there"}
                                     : event_hash.error());
  }
  return Json(200, {{"position", position},
                    {"size", size},
                    {"leaf_index", position - 1},
                    {"event_hash", Hex(event_hash->front())},
                    {"leaf_hash", Hex((*leaves)[position - 1])},
                    {"root", Hex(es::MerkleRoot(*leaves))},
                    {"proof", HashList(*proof)}});
}

// The auditors' and archivists' routes: the raw log, tree heads, proofs.
void AddLogRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  auto add = [&app](std::string pattern, std::string summary, std::vector<std::string> query,
                    std::function<http::Response(Call&)> handle) {
    AddAuditorRoute(app, std::move(pattern), std::move(summary), std::move(query),
                    std::move(handle));
  };

  add(b + "/log",
      "The raw log, paged: this body's events the caller may see in full, the rest of the body's "
      "as envelope and "
      "stored (encrypted) record, other bodies' as position and hashes.",
      {"from", "limit"}, [&app](Call& c) { return RawLog(app, c); });

  add(b + "/log/tree-heads",
      "The signed tree heads recorded in the log, and the key that signs them.", {}, [&app](Call&) {
        auto heads = replay::RecordedTreeHeads(app.store());
        if (!heads.ok()) return FromError(heads.error());
        json out = json::array();
        for (const auto& h : *heads) {
          out.push_back(
              {{"recorded_at_position", h.position},
               {"size", h.head.size},
               {"root", Hex(h.head.root)},
               {"time", FormatRfc3339(h.head.time)},
               {"key_id", h.head.key_id},
               {"signature_base64", Base64Encode(h.head.signature)},
               {"signed_text", es::TreeHeadPayload(h.head.size, h.head.root, h.head.time)}});
        }
        return Json(200, {{"tree_heads", out}, {"public_key_pem", app.options().public_key_pem}});
      });

  add(b + "/log/proofs/inclusion",
      "An RFC 9162 inclusion proof of a position in the tree of a given size.",
      {"position", "size"}, [&app](Call& c) { return InclusionProofOf(app, c); });

  add(b + "/log/proofs/consistency", "An RFC 9162 consistency proof between two tree sizes.",
      {"first", "second"}, [&app](Call& c) {
        http::Response error;
        auto range = Positions(app, c, "first", "second", error);
        if (!range) return error;
        const auto [first, second] = *range;
        auto leaves = es::LogLeaves(app.store(), second);
        if (!leaves.ok()) return FromError(leaves.error());
        auto proof = es::ConsistencyProof(*leaves, first, second);
        if (!proof.ok()) return FromError(proof.error());
        const std::span<const es::Hash> old_leaves(leaves->data(), first);
        return Json(200, {{"first", first},
                          {"second", second},
                          {"first_root", Hex(es::MerkleRoot(old_leaves))},
                          {"second_root", Hex(es::MerkleRoot(*leaves))},
                          {"proof", HashList(*proof)}});
      });
}

// The export route admits participants too (the exporter checks who may).
void AddExportRoute(App& app) {
  const std::string b = "/v1/bodies/{body}";
  app.Add(Route{.method = "GET",
                .pattern = b + "/meetings/{meeting}/export",
                .tag = "audit",
                .summary = "A meeting's complete record as a BagIt bag (tar): events, signatures, "
                           "certificates, proofs, "
                           "tree head, minutes.",
                .handle = [&app](Call& c) {
                  // A private name for the work file; the bag's folder is named after the meeting.
                  const auto tmp = std::filesystem::temp_directory_path() /
                                   ("ecab-export-" + es::ToHex(RandomBytes(16)) + ".tar");
                  const std::string name = "meeting-" + c.params["meeting"];
                  auto summary = replay::ExportMeeting(
                      app.store(), replay::ExportRequest{c.params["meeting"], c.ctx.actor, tmp,
                                                         app.options().public_key_pem, nullptr,
                                                         name, &app.blobs()});
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
                                                                    ".tar\"; filename*=UTF-8''" +
                                                                    name + ".tar");
                  return r;
                }});
}

}  // namespace

void RegisterAuditRoutes(App& app) {
  AddLogRoutes(app);
  AddVerificationRoute(app);
  AddExportRoute(app);
}

}  // namespace ecab::api

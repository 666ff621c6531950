#include "projections/audit.h"

#include "domain/forms/events.h"
#include "domain/meeting/events.h"
#include "domain/resolution/resolution.h"

namespace ecab::proj {
namespace {

// The signed act inside a domain event of a signed type, if any.
std::optional<SignedAct> SignedActOf(const es::RecordedEvent& e) {
  auto from = [&](const auto& decoder) -> std::optional<SignedAct> {
    auto decoded = decoder.Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) return std::nullopt;
    return std::visit(
        [](const auto& ev) -> std::optional<SignedAct> {
          if constexpr (requires { ev.signature.algorithm; }) {
            return ev.signature;
          } else {
            return std::nullopt;
          }
        },
        *decoded);
  };
  if (e.type == meeting::BallotCast::kType) return from(meeting::MeetingDecoder());
  if (e.type == forms::AnswerGiven::kType || e.type == forms::FormApproved::kType)
    return from(forms::FormDecoder());
  if (e.type == resolution::ResolutionSigned::kType) return from(resolution::ResolutionDecoder());
  return std::nullopt;
}

}  // namespace

Status AuditProjection::Apply(const es::RecordedEvent& e) {
  nlohmann::json signature = {{"status", "unsigned"}};
  if (auto act = SignedActOf(e)) {
    // Bad signatures are refused on arrival and never reach the log; replay re-checks.
    signature = {{"status", "verified on arrival"},
                 {"algorithm", act->algorithm},
                 {"certificate", act->certificate},
                 {"signed_at", FormatRfc3339(act->signed_at)}};
  } else if (e.signature) {
    signature = {{"status", "verified on arrival"},
                 {"algorithm", e.signature->algorithm},
                 {"certificate", e.signature->certificate_ref}};
  }
  const nlohmann::json entry = {{"position", e.position},
                                {"recorded_at", FormatRfc3339(e.recorded_at)},
                                {"body", e.body},
                                {"stream", e.stream},
                                {"version", e.version},
                                {"type", e.type},
                                {"actor", e.actor.id},
                                {"role", e.actor.role},
                                {"on_behalf_of", e.actor.on_behalf_of},
                                {"command_id", e.command_id},
                                {"signature", signature}};
  const std::string value = entry.dump();
  const std::string pos = PositionKey(e.position);
  pending_.emplace_back("audit/actor/" + e.actor.id + "/" + pos, value);
  pending_.emplace_back("audit/object/" + e.stream + "/" + pos, value);
  return Ok{};
}

Status AuditProjection::Flush(es::ViewBatch& batch) {
  for (auto& [key, value] : pending_) batch.Put(std::move(key), std::move(value));
  pending_.clear();
  return Ok{};
}

Result<std::vector<nlohmann::json>> AuditTrail(const es::ViewStore& views, std::string_view trail,
                                               std::string_view id, std::uint64_t after,
                                               std::size_t limit, std::uint64_t up_to) {
  if (trail != "actor" && trail != "object") {
    return MakeError(ErrorCode::kInvalidArgument, "a trail is by 'actor' or by 'object'");
  }
  const std::string prefix = "audit/" + std::string(trail) + "/" + std::string(id) + "/";
  ECAB_TRY_LET(entries,
               views.Scan(prefix, limit, after == 0 ? std::string() : prefix + PositionKey(after)));
  std::vector<nlohmann::json> out;
  for (const auto& [key, value] : *entries) {
    nlohmann::json entry = nlohmann::json::parse(value);
    if (entry["position"].get<std::uint64_t>() > up_to) break;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace ecab::proj

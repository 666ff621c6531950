#include "replay/signed_acts.h"

#include "domain/base/streams.h"
#include "domain/meeting/meeting.h"
#include "domain/signing/verify.h"

namespace ecab::replay {
namespace {

template <class Variant>
Result<Variant> Decoded(const EventDecoder<Variant>& decoder, const es::RecordedEvent& e) {
  auto d = decoder.Decode(e.type, e.schema_version, e.payload);
  if (!d.ok())
    return MakeError(d.error().code,
                     "position " + std::to_string(e.position) + ": " + d.error().message);
  return d;
}

}  // namespace

Result<std::shared_ptr<const CertificateFacts>> FactsCache::Get(
    const std::shared_ptr<const directory::Body>& body, const std::string& fingerprint,
    const std::string& der) {
  auto key = std::make_pair(body.get(), fingerprint);
  {
    std::lock_guard g(mu_);
    if (auto it = facts_.find(key); it != facts_.end()) return it->second.facts;
  }
  ECAB_TRY_LET(facts, InspectCertificate(der, body->anchor_der, body->crl_der));
  auto shared = std::make_shared<const CertificateFacts>(std::move(facts).value());
  std::lock_guard g(mu_);
  return facts_.emplace(std::move(key), Entry{body, std::move(shared)}).first->second.facts;
}

Status Check(const ActCheck& c, FactsCache* cache) {
  if (c.signer != c.actor) {
    return MakeError(ErrorCode::kBadSignature,
                     "the act is signed by '" + c.signer + "' but was sent by '" + c.actor + "'");
  }
  if (!c.body) return MakeError(ErrorCode::kBadSignature, "no body is recorded before the act");
  if (cache == nullptr) return c.body->VerifyAct(c.signer, c.act, c.payload);
  const std::string* der = c.body->CertificateDer(c.signer, c.act.certificate);
  if (der == nullptr) {
    return MakeError(ErrorCode::kBadSignature, "certificate " + c.act.certificate +
                                                   " is not enrolled for '" + c.signer + "'");
  }
  ECAB_TRY_LET(facts, cache->Get(c.body, c.act.certificate, *der));
  return VerifyWithFacts(**facts, c.act, c.payload);
}

std::shared_ptr<const directory::Body> ActCollector::body(const std::string& id) const {
  auto it = bodies_.find(id);
  return it == bodies_.end() ? nullptr : it->second;
}

Result<std::optional<ActCheck>> ActCollector::Feed(const es::RecordedEvent& e) {
  ActCheck check;
  check.position = e.position;
  check.stream = e.stream;
  check.type = e.type;
  check.actor = e.actor.id;
  check.body = body(e.body);
  const std::string_view s = e.stream;
  std::optional<ActCheck> out;
  if (KindOfStream(s) == ObjectKind::kBody) {
    ECAB_TRY_LET(event, Decoded(directory::DirectoryDecoder(), e));
    // Copy on write: acts already collected keep the body they were signed under.
    auto next = std::make_shared<directory::Body>(check.body ? *check.body : directory::Body{});
    *next = directory::Evolve(std::move(*next), *event);
    bodies_[e.body] = std::move(next);
  } else if (KindOfStream(s) == ObjectKind::kForm) {
    ECAB_TRY_LET(event, Decoded(forms::FormDecoder(), e));
    forms::Form& form = forms_[e.stream];
    if (const auto* a = std::get_if<forms::AnswerGiven>(&*event)) {
      check.signer = a->member;
      check.act = a->signature;
      check.payload = CanonicalJson(forms::AnswerPayload(
          e.body, form, a->member, a->answer, a->text, e.command_id, a->signature.signed_at));
      out = std::move(check);
    } else if (const auto* ap = std::get_if<forms::FormApproved>(&*event)) {
      check.signer = ap->by;
      check.act = ap->signature;
      check.payload = CanonicalJson(
          forms::ApprovalPayload(e.body, form, ap->by, e.command_id, ap->signature.signed_at));
      out = std::move(check);
    }
    form = forms::Evolve(std::move(form), *event);
  } else if (KindOfStream(s) == ObjectKind::kResolution) {
    ECAB_TRY_LET(event, Decoded(resolution::ResolutionDecoder(), e));
    resolution::Resolution& r = resolutions_[e.stream];
    if (const auto* signed_ = std::get_if<resolution::ResolutionSigned>(&*event)) {
      check.signer = signed_->signer;
      check.act = signed_->signature;
      check.payload = CanonicalJson(resolution::SignaturePayload(
          e.body, r, signed_->signer, e.command_id, signed_->signature.signed_at));
      out = std::move(check);
    }
    r = resolution::Evolve(std::move(r), *event);
  } else if (KindOfStream(s) == ObjectKind::kMeeting) {
    ECAB_TRY_LET(event, Decoded(meeting::MeetingDecoder(), e));
    if (const auto* sch = std::get_if<meeting::MeetingScheduled>(&*event))
      meeting_ids_[e.stream] = sch->meeting;
    if (const auto* b = std::get_if<meeting::BallotCast>(&*event)) {
      check.signer = b->cast_by;
      check.act = b->signature;
      check.payload = CanonicalJson(meeting::BallotPayload(
          e.body, meeting_ids_[e.stream], b->vote, b->cast_by,
          b->cast_by == b->voter ? "" : b->voter, b->choice, e.command_id, b->signature.signed_at));
      out = std::move(check);
    }
  }
  return out;
}

}  // namespace ecab::replay

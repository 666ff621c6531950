#include "domain/resolution/resolution.h"

#include "domain/authz/authorization.h"
#include "domain/signing/verify.h"

namespace ecab::resolution {

std::string StatusName(ResolutionStatus s) {
  static constexpr const char* kNames[] = {"not drafted", "a draft",     "circulated", "submitted",
                                           "signed",      "promulgated", "distributed"};
  return kNames[static_cast<int>(s)];
}

namespace {

using Events = std::vector<ResolutionEvent>;

Error WrongState(const Resolution& r, std::string_view what) {
  return Refuse(ErrorCode::kRuleViolation, "resolution '" + r.id + "' is " + StatusName(r.status) +
                                               "; cannot " + std::string(what));
}

bool Editable(const Resolution& r) {
  return r.status == ResolutionStatus::kDraft || r.status == ResolutionStatus::kCirculated;
}

Result<Events> DecideSign(const Resolution& r, const SignResolution& c, const CommandContext& ctx,
                          const directory::Body& body, const meeting::VoteOutcome* outcome) {
  if (r.status != ResolutionStatus::kSubmitted) return WrongState(r, "sign it");
  if (!r.vote.empty() && (outcome == nullptr || !outcome->passed)) {
    return Refuse(ErrorCode::kRuleViolation,
                  "vote '" + r.vote + "' of meeting '" + r.meeting +
                      "' has not passed; the resolution cannot be signed");
  }
  ECAB_TRY(CheckSigningTime(c.signature, ctx.now));
  const auto payload =
      SignaturePayload(body.id, r, ctx.actor, ctx.command_id, c.signature.signed_at);
  ECAB_TRY(body.VerifyAct(ctx.actor, c.signature, CanonicalJson(payload)));
  return Events{ResolutionSigned{ctx.actor, r.current().version, c.signature}};
}

}  // namespace

SigningPayload SignaturePayload(std::string_view body, const Resolution& r, std::string_view signer,
                                std::string_view command_id, Timestamp time) {
  SigningPayload p;
  p.body = body;
  p.kind = "resolution_signature";
  p.object = r.id;
  p.version = r.versions.empty() ? 0 : r.current().version;
  p.signer = signer;
  p.text_sha256 = Sha256Hex(r.versions.empty() ? "" : r.current().text);
  p.command_id = command_id;
  p.time = time;
  return p;
}

Result<Events> Decide(const Resolution& r, const ResolutionCommand& command,
                      const CommandContext& ctx, const directory::Body& body,
                      const meeting::VoteOutcome* vote_outcome) {
  ECAB_TRY(Authorize(body, ctx, ActionOf(command)));
  if (r.status == ResolutionStatus::kNone && !std::holds_alternative<DraftResolution>(command)) {
    return Refuse(ErrorCode::kNotFound, "the resolution does not exist");
  }
  return std::visit(
      [&](const auto& c) -> Result<Events> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, DraftResolution>) {
          if (r.status != ResolutionStatus::kNone)
            return Refuse(ErrorCode::kAlreadyExists, "the resolution exists");
          if (c.resolution.empty() || c.title.empty() || c.text.empty()) {
            return Refuse(ErrorCode::kInvalidArgument,
                          "a resolution needs an id, a title and a text");
          }
          if (c.vote.empty() != c.meeting.empty()) {
            return Refuse(ErrorCode::kInvalidArgument,
                          "name both the meeting and the vote, or neither");
          }
          return Events{
              ResolutionDrafted{c.resolution, c.title, c.text, c.meeting, c.vote, ctx.actor}};
        } else if constexpr (std::is_same_v<C, ReviseResolution>) {
          if (!Editable(r)) return WrongState(r, "revise it");
          if (c.text.empty()) return Refuse(ErrorCode::kInvalidArgument, "the text is empty");
          if (c.text == r.current().text)
            return Refuse(ErrorCode::kInvalidArgument, "the text did not change");
          return Events{ResolutionRevised{r.current().version + 1, c.text, ctx.actor}};
        } else if constexpr (std::is_same_v<C, CirculateResolution>) {
          if (!Editable(r)) return WrongState(r, "circulate it");
          if (c.form.empty()) return Refuse(ErrorCode::kInvalidArgument, "name the opinion form");
          return Events{ResolutionCirculated{c.form, r.current().version}};
        } else if constexpr (std::is_same_v<C, SubmitResolution>) {
          if (!Editable(r)) return WrongState(r, "submit it");
          return Events{ResolutionSubmitted{r.current().version}};
        } else if constexpr (std::is_same_v<C, SignResolution>) {
          return DecideSign(r, c, ctx, body, vote_outcome);
        } else if constexpr (std::is_same_v<C, PromulgateResolution>) {
          if (r.status != ResolutionStatus::kSigned) return WrongState(r, "promulgate it");
          auto n = body.numbers.find(r.id);
          if (n == body.numbers.end()) {
            return Refuse(ErrorCode::kRuleViolation,
                          "resolution '" + r.id + "' has no number yet; assign one first");
          }
          return Events{ResolutionPromulgated{n->second.number, n->second.year, ctx.now}};
        } else {
          if (r.status != ResolutionStatus::kPromulgated) return WrongState(r, "distribute it");
          if (c.recipients.empty())
            return Refuse(ErrorCode::kInvalidArgument, "name the recipients");
          return Events{ResolutionDistributed{c.recipients}};
        }
      },
      command);
}

Resolution Evolve(Resolution r, const ResolutionEvent& event) {
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, ResolutionDrafted>) {
          r.status = ResolutionStatus::kDraft;
          r.id = e.resolution;
          r.title = e.title;
          r.meeting = e.meeting;
          r.vote = e.vote;
          r.versions = {TextVersion{1, e.text, e.author}};
        } else if constexpr (std::is_same_v<E, ResolutionRevised>) {
          r.versions.push_back(TextVersion{e.version, e.text, e.author});
        } else if constexpr (std::is_same_v<E, ResolutionCirculated>) {
          r.status = ResolutionStatus::kCirculated;
          r.circulated_forms.push_back(e.form);
        } else if constexpr (std::is_same_v<E, ResolutionSubmitted>) {
          r.status = ResolutionStatus::kSubmitted;
        } else if constexpr (std::is_same_v<E, ResolutionSigned>) {
          r.status = ResolutionStatus::kSigned;
          r.signature = e;
        } else if constexpr (std::is_same_v<E, ResolutionPromulgated>) {
          r.status = ResolutionStatus::kPromulgated;
          r.number = e.number;
        } else {
          r.status = ResolutionStatus::kDistributed;
          r.recipients = e.recipients;
        }
      },
      event);
  return r;
}

const EventDecoder<ResolutionEvent>& ResolutionDecoder() {
  static const EventDecoder<ResolutionEvent> decoder = [] {
    EventDecoder<ResolutionEvent> d;
    d.Add<ResolutionDrafted>()
        .Add<ResolutionRevised>()
        .Add<ResolutionCirculated>()
        .Add<ResolutionSubmitted>();
    d.Add<ResolutionSigned>().Add<ResolutionPromulgated>().Add<ResolutionDistributed>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::resolution

#include "api/visibility.h"

#include <algorithm>

#include "api/app.h"

namespace ecab::api {

bool IsOversight(std::optional<Role> role) {
  return role == Role::kChair || role == Role::kSecretariat || role == Role::kAuditor ||
         role == Role::kArchivist || role == Role::kAdmin;
}

bool HasBodyRole(std::optional<Role> role) { return role == Role::kMember || IsOversight(role); }

bool MaySee(const Viewer& v, const directory::Body&) { return HasBodyRole(v.role); }

bool MaySee(const Viewer& v, const meeting::Meeting& m) {
  return HasBodyRole(v.role) || m.invited.contains(v.person) || m.substitutes.contains(v.person);
}

bool MaySee(const Viewer& v, const forms::Form& f) {
  if (IsOversight(v.role)) return true;
  return HasBodyRole(v.role) && f.issued &&
         std::find(f.issued->addressees.begin(), f.issued->addressees.end(), v.person) !=
             f.issued->addressees.end();
}

bool MaySee(const Viewer& v, const resolution::Resolution&) { return HasBodyRole(v.role); }

bool MaySee(const Viewer& v, const documents::Document& d) {
  return HasBodyRole(v.role) && documents::MayRead(d, v.person);
}

Result<Sight::Tracked*> Sight::Track(const std::string& stream) {
  if (auto it = streams_.find(stream); it != streams_.end()) return &it->second;
  auto kind = KindOfStream(stream);
  if (!kind) return nullptr;
  AnyState empty;
  switch (*kind) {
    case ObjectKind::kBody:
      empty = Folded<directory::Body>{};
      break;
    case ObjectKind::kMeeting:
      empty = Folded<meeting::Meeting>{};
      break;
    case ObjectKind::kForm:
      empty = Folded<forms::Form>{};
      break;
    case ObjectKind::kResolution:
      empty = Folded<resolution::Resolution>{};
      break;
    case ObjectKind::kDocument:
      empty = Folded<documents::Document>{};
      break;
  }
  Tracked tracked{empty, empty};
  auto folded = std::visit(
      [&](auto& now) -> Status {
        using F = std::decay_t<decltype(now)>;
        ECAB_TRY_LET(latest, latest_.Latest<decltype(F::state)>(stream));
        now = std::move(latest).value();
        return Ok{};
      },
      tracked.now);
  if (!folded.ok()) return folded.error();
  if (streams_.size() >= 256) streams_.clear();
  return &streams_.emplace(stream, std::move(tracked)).first->second;
}

Result<bool> Sight::MaySeeAt(const std::string& body, const std::string& stream,
                             std::uint64_t position) {
  ECAB_TRY_LET(tracked, Track(stream));
  if (*tracked == nullptr) return false;
  Tracked& t = **tracked;
  return std::visit(
      [&](auto& at) -> Result<bool> {
        using F = std::decay_t<decltype(at)>;
        F& now = std::get<F>(t.now);
        if (position < at.position) at = F{};  // asked about an earlier time: fold again
        ECAB_TRY(FoldUpTo(latest_.store(), stream, position, at));
        if (at.version > now.version) now = at;  // the log grew since it was first read
        if (at.version == 0 || now.body != body) return false;  // not there then, or another body's
        if (!MaySee(viewer_, now.state)) return false;
        // A form is also judged as it stood then: its drafts stay hidden from
        // an addressee. Access to the other kinds is what the caller has now
        // (a document granted later is readable with its history).
        if constexpr (std::is_same_v<F, Folded<forms::Form>>) return MaySee(viewer_, at.state);
        return true;
      },
      t.at);
}

Viewer ViewerOf(const Call& c) { return Viewer{c.ctx.actor, c.role}; }

http::Response HiddenAnswer(const Call& c, ObjectKind kind, const std::string& id) {
  if (!HasBodyRole(c.role)) {
    return NoRoleProblem(c.ctx.actor, c.body_state->id);
  }
  return ProblemResponse(404, "not-found", "Not found",
                         "no " + std::string(KindName(kind)) + " '" + id + "' in this body");
}

std::optional<http::Response> Hidden(App& app, const Call& c, ObjectKind kind,
                                     const std::string& id, std::uint64_t at) {
  Sight sight(app.latest(), ViewerOf(c));
  auto visible = sight.MaySeeAt(c.body_state->id, StreamOf(kind, id), at);
  if (!visible.ok()) return FromError(visible.error());
  if (*visible) return std::nullopt;
  return HiddenAnswer(c, kind, id);
}

}  // namespace ecab::api

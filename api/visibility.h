// api/visibility.h — what a caller may see: one rule per object kind, used by
// every query route, time travel, search, feed, raw-log page and export.
//
// The rules (docs/API.md, "Who sees what"):
//   body        anyone with a role in it
//   meeting     a role in the body, an invitation, or a substitute's nomination
//   form        the chair, staff, auditors, archivists and admins; a member
//               once the form is issued to them (drafts never)
//   resolution  anyone with a role in the body
//   document    anyone with a role in the body who may read it (a classified
//               document only to those granted it)
// Time travel, feeds and the log judge an object as it stands now, and a form
// also as it stood at the position asked: an addressee of an issued form
// never sees its drafts. (Access to the other kinds only grows or is fixed:
// a document granted later is readable with its history.)
// What a caller may not see is answered exactly like what does not exist.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "api/command/fold.h"
#include "api/http/http.h"
#include "domain/base/context.h"
#include "domain/base/streams.h"

namespace ecab::api {

struct Viewer {
  std::string person;
  std::optional<Role> role;  // in the body now; nullopt: none
};

// The chair, staff, auditors, archivists and admins.
bool IsOversight(std::optional<Role> role);
// Any role but a substitute's (substitutes see the meetings they stand in).
bool HasBodyRole(std::optional<Role> role);

bool MaySee(const Viewer& v, const directory::Body& b);
bool MaySee(const Viewer& v, const meeting::Meeting& m);
bool MaySee(const Viewer& v, const forms::Form& f);
bool MaySee(const Viewer& v, const resolution::Resolution& r);
bool MaySee(const Viewer& v, const documents::Document& d);

// States folded to the head, shared by the requests of one App: a lookup
// copies the cached state and folds only the events appended since (one short
// read when there are none). Thread-safe; holds at most `capacity` streams.
class FoldCache {
 public:
  explicit FoldCache(const es::EventStore& store, std::size_t capacity = 2048)
      : store_(store), capacity_(capacity) {}

  template <class State>
  Result<Folded<State>> Latest(const std::string& stream) {
    Folded<State> folded;
    {
      std::lock_guard g(mu_);
      if (auto it = cache_.find(stream); it != cache_.end())
        folded = *std::static_pointer_cast<Folded<State>>(it->second);
    }
    const std::uint64_t cached = folded.version;
    ECAB_TRY(FoldUpTo(store_, stream, es::kEnd, folded));
    if (folded.version != cached) {
      std::lock_guard g(mu_);
      if (cache_.size() >= capacity_) cache_.clear();
      cache_[stream] = std::make_shared<Folded<State>>(folded);
    }
    return folded;
  }

  const es::EventStore& store() const { return store_; }

 private:
  const es::EventStore& store_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<void>> cache_;
};

// The streams of one body as one viewer may see them, folded as needed: for a
// raw-log page, a feed or a search, which fold each stream once and judge
// each event or hit against the state at its position and the latest state
// seen. Not thread-safe; one per request or feed. Holds at most 256 streams
// (it re-reads one dropped when asked again).
class Sight {
 public:
  Sight(FoldCache& latest, Viewer viewer) : latest_(latest), viewer_(std::move(viewer)) {}

  // May the viewer see `stream` (of body `body`) at `position`: did it
  // exist then, may they see it now, and (a form) as it stood then? Streams of other bodies, and of
  // kinds without a rule, are never visible. Errors: reading or decoding the stream.
  Result<bool> MaySeeAt(const std::string& body, const std::string& stream, std::uint64_t position);
  // The same, now only.
  Result<bool> MaySeeNow(const std::string& body, const std::string& stream) {
    return MaySeeAt(body, stream, es::kEnd);
  }

  const Viewer& viewer() const { return viewer_; }

 private:
  using AnyState =
      std::variant<Folded<directory::Body>, Folded<meeting::Meeting>, Folded<forms::Form>,
                   Folded<resolution::Resolution>, Folded<documents::Document>>;
  struct Tracked {
    AnyState at;   // folded up to the last position asked
    AnyState now;  // folded to the head when first asked, then kept up
  };
  Result<Tracked*> Track(const std::string& stream);

  FoldCache& latest_;
  Viewer viewer_;
  std::map<std::string, Tracked> streams_;
};

class App;
struct Call;

// The caller of a route under /v1/bodies/{body}, as a Viewer.
Viewer ViewerOf(const Call& c);

// nullopt when the caller may see object `id` of `kind` in the path's body
// (now, and as it stood at position `at`); otherwise the answer to give,
// which is the same as for an object that does not exist: 404 "no <kind>
// '<id>' in this body" to a caller with a role in the body, 403 "no role" to
// one without (who gets that for anything in the body, existing or not).
std::optional<http::Response> Hidden(App& app, const Call& c, ObjectKind kind,
                                     const std::string& id, std::uint64_t at = es::kEnd);
// The answer for something the caller may not see, without looking it up.
http::Response HiddenAnswer(const Call& c, ObjectKind kind, const std::string& id);

}  // namespace ecab::api

// projections/search.h — full-text search over documents (title and text),
// opinion forms (title and question) and resolutions (title and text),
// diacritic-insensitive (domain/text/fold.h), ranked, and restricted to what
// the asking person may read.
//
// Keys: "search/doc/<object>"           the indexed record (state)
//       "search/term/<word>/<object>"   the word's weight in that object
#pragma once

#include <cereal/types/map.hpp>
#include <cereal/types/set.hpp>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/directory/policy.h"
#include "projections/projection.h"
#include "projections/state_cache.h"

namespace ecab::proj {

struct SearchDoc {
  std::string kind;  // "document", "form", "resolution"
  std::string body;
  std::string title;
  std::string text;
  Classification classification = Classification::kNormal;
  std::set<std::string> readers;                 // for a classified document
  std::map<std::string, std::uint32_t> indexed;  // word -> weight, as last written
  template <class A>
  void serialize(A& ar) {
    ar(kind, body, title, text, classification, readers, indexed);
  }
};

struct SearchHit {
  std::string object;
  std::string kind;
  std::string title;
  std::uint32_t score = 0;
  friend bool operator==(const SearchHit&, const SearchHit&) = default;
};

class SearchProjection final : public Projection {
 public:
  explicit SearchProjection(const es::ViewStore& views) : docs_(views, "search/doc/") {}
  std::string_view name() const override { return "search"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override;

 private:
  StateCache<SearchDoc> docs_;
  std::set<std::string> dirty_;
};

// Objects containing every word of `query` (folded), that `person` may read
// and, when given, `visible` admits (it is asked for each candidate, with its
// stream, before the limit applies), best first (a word in the title weighs
// 3, in the text 1), at most `limit`. `visible` may fail; its error is returned.
using SearchFilter = std::function<Result<bool>(const std::string& object)>;
Result<std::vector<SearchHit>> Search(const es::ViewStore& views, std::string_view query,
                                      std::string_view person, std::size_t limit = 20,
                                      const SearchFilter& visible = {});

}  // namespace ecab::proj

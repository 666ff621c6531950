#include "projections/search.h"

#include <algorithm>

#include "domain/base/streams.h"
#include "domain/documents/document.h"
#include "domain/forms/events.h"
#include "domain/resolution/resolution.h"
#include "domain/text/fold.h"

namespace ecab::proj {
namespace {

std::map<std::string, std::uint32_t> Weights(const SearchDoc& d) {
  std::map<std::string, std::uint32_t> w;
  for (const auto& word : text::Words(d.title)) w[word] += 3;
  for (const auto& word : text::Words(d.text)) w[word] += 1;
  return w;
}

bool MayRead(const SearchDoc& d, std::string_view person) {
  return d.classification == Classification::kNormal || d.readers.contains(std::string(person));
}

}  // namespace

Status SearchProjection::Apply(const es::RecordedEvent& e) {
  const bool document = KindOfStream(e.stream) == ObjectKind::kDocument;
  const bool form = KindOfStream(e.stream) == ObjectKind::kForm;
  const bool resolution = KindOfStream(e.stream) == ObjectKind::kResolution;
  if (!document && !form && !resolution) return Ok{};
  ECAB_TRY_LET(doc, docs_.Get(e.stream));
  SearchDoc& d = **doc;
  d.body = e.body;
  if (document) {
    ECAB_TRY_LET(event, DecodeEvent(documents::DocumentDecoder(), e, name()));
    d.kind = "document";
    if (const auto* r = std::get_if<documents::DocumentRegistered>(&*event)) {
      d.title = r->title;
      d.classification = r->classification;
    } else if (const auto* v = std::get_if<documents::DocumentVersionAdded>(&*event)) {
      d.text = v->text;  // a stored file's text follows as document.text_extracted
    } else if (const auto* t = std::get_if<documents::DocumentTextExtracted>(&*event)) {
      d.text = t->text;
    } else {
      d.readers.insert(std::get<documents::DocumentAccessGranted>(*event).person);
    }
  } else if (form) {
    ECAB_TRY_LET(event, DecodeEvent(forms::FormDecoder(), e, name()));
    d.kind = "form";
    const forms::FormContent* content = nullptr;
    if (const auto* f = std::get_if<forms::FormDrafted>(&*event)) content = &f->content;
    if (const auto* f = std::get_if<forms::FormRevised>(&*event)) content = &f->content;
    if (content == nullptr) return Ok{};
    d.title = content->title;
    d.text = content->question;
  } else {
    ECAB_TRY_LET(event, DecodeEvent(resolution::ResolutionDecoder(), e, name()));
    d.kind = "resolution";
    if (const auto* r = std::get_if<resolution::ResolutionDrafted>(&*event)) {
      d.title = r->title;
      d.text = r->text;
    } else if (const auto* revised = std::get_if<resolution::ResolutionRevised>(&*event)) {
      d.text = revised->text;
    } else {
      return Ok{};
    }
  }
  dirty_.insert(e.stream);
  return Ok{};
}

Status SearchProjection::Flush(es::ViewBatch& batch) {
  for (const std::string& object : dirty_) {
    auto doc = docs_.Get(object);  // cached: Apply put it there
    if (!doc.ok()) return doc.error();
    SearchDoc& d = **doc;
    const auto weights = Weights(d);
    for (const auto& [word, weight] : d.indexed) {
      if (!weights.contains(word)) batch.Delete("search/term/" + word + "/" + object);
    }
    for (const auto& [word, weight] : weights) {
      auto old = d.indexed.find(word);
      if (old == d.indexed.end() || old->second != weight) {
        batch.Put("search/term/" + word + "/" + object, std::to_string(weight));
      }
    }
    d.indexed = weights;
    docs_.Write(batch, object);
  }
  dirty_.clear();
  docs_.Trim();
  return Ok{};
}

void SearchProjection::Discard() {
  docs_.Clear();
  dirty_.clear();
}

Result<std::vector<SearchHit>> Search(const es::ViewStore& views, std::string_view query,
                                      std::string_view person, std::size_t limit,
                                      const SearchFilter& visible) {
  std::vector<std::string> words = text::Words(query);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (words.empty()) return std::vector<SearchHit>{};
  std::map<std::string, std::uint32_t>
      scores;  // object -> score, over objects holding every word so far
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string prefix = "search/term/" + words[i] + "/";
    std::map<std::string, std::uint32_t> found;
    std::string after;
    for (;;) {
      ECAB_TRY_LET(postings, views.Scan(prefix, 1024, after));
      for (const auto& [key, weight] : *postings) {
        const std::string object = key.substr(prefix.size());
        if (i == 0 || scores.contains(object))
          found[object] = (i == 0 ? 0 : scores[object]) + std::stoul(weight);
      }
      if (postings->size() < 1024) break;
      after = postings->back().first;
    }
    scores = std::move(found);
    if (scores.empty()) break;
  }
  std::vector<SearchHit> hits;
  for (const auto& [object, score] : scores) {
    ECAB_TRY_LET(stored, views.Get("search/doc/" + object));
    if (!stored->has_value()) continue;
    ECAB_TRY_LET(doc, DecodeState<SearchDoc>(**stored));
    if (!MayRead(*doc, person)) continue;  // invisible, title included
    if (visible) {
      ECAB_TRY_LET(admitted, visible(object));
      if (!*admitted) continue;
    }
    hits.push_back({object, doc->kind, doc->title, score});
  }
  std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
    return a.score != b.score ? a.score > b.score : a.object < b.object;
  });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace ecab::proj

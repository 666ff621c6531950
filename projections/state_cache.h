// projections/state_cache.h — a projection's per-key states: kept in memory
// while in use, loaded on first use from the view store (cereal bytes under
// "<prefix><key>"), written back by the projection's Flush in the same batch
// as its views and the checkpoint.
#pragma once

#include <map>
#include <string>

#include "domain/codec/codec.h"
#include "eventstore/view_store.h"

namespace ecab::proj {

template <class T>
class StateCache {
 public:
  StateCache(const es::ViewStore& views, std::string prefix)
      : views_(views), prefix_(std::move(prefix)) {}

  // The state under `key`: cached, else stored, else `fresh`.
  Result<T*> Get(const std::string& key, T fresh = T{}) {
    if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
    ECAB_TRY_LET(stored, views_.Get(prefix_ + key));
    if (stored->has_value()) {
      ECAB_TRY_LET(decoded, DecodeState<T>(**stored));
      fresh = std::move(decoded).value();
    }
    return &cache_.emplace(key, std::move(fresh)).first->second;
  }

  const T& at(const std::string& key) const { return cache_.at(key); }

  // Stages the state under `key` for writing.
  void Write(es::ViewBatch& batch, const std::string& key) const {
    batch.Put(prefix_ + key, EncodeState(cache_.at(key)));
  }

  // Forgets everything: after a failed commit (the store is the truth again).
  void Clear() { cache_.clear(); }

  // After a flush everything is stored: forget it all when the cache is large.
  void Trim() {
    if (cache_.size() > kMaxCached) cache_.clear();
  }

 private:
  static constexpr std::size_t kMaxCached = 4096;
  const es::ViewStore& views_;
  std::string prefix_;
  std::map<std::string, T> cache_;
};

}  // namespace ecab::proj

// projections/time_machine.h — any read model as of any position.
//
// Every `every` positions the live view store is checkpointed (a consistent
// copy with hard-linked table files; its own runner checkpoint says which
// position it holds). To answer "as of P", the nearest checkpoint at or
// before P is copied the same cheap way into a scratch directory and the
// projections replay the log from there up to P exactly. Queries then run on
// that scratch store as on the live one.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/view_store.h"
#include "projections/projection.h"

namespace ecab::proj {

// A view store as of a past position; its scratch directory is removed with it.
class PastViews {
 public:
  PastViews(std::filesystem::path dir, std::unique_ptr<es::ViewStore> views, std::uint64_t position,
            std::uint64_t replayed);
  ~PastViews();
  PastViews(const PastViews&) = delete;
  PastViews& operator=(const PastViews&) = delete;

  const es::ViewStore& views() const { return *views_; }
  std::uint64_t position() const { return position_; }
  // Events replayed on top of the checkpoint.
  std::uint64_t replayed() const { return replayed_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<es::ViewStore> views_;
  std::uint64_t position_;
  std::uint64_t replayed_;
};

class TimeMachine {
 public:
  // Builds the projections a runner named `runner` feeds, over a given store.
  using Factory = std::function<std::vector<std::unique_ptr<Projection>>(const es::ViewStore&)>;

  // Checkpoints live under `dir`.
  TimeMachine(std::filesystem::path dir, std::shared_ptr<const es::KeyRing> keys,
              std::string runner, Factory factory, std::uint64_t every = 50'000);

  // Checkpoints `live` (whose views stand at `position`) if `every` positions
  // have passed since the last checkpoint.
  Status MaybeCheckpoint(const es::ViewStore& live, std::uint64_t position);

  // The views as of `position` (<= the store's head).
  Result<std::unique_ptr<PastViews>> At(const es::EventStore& store, std::uint64_t position) const;

 private:
  std::filesystem::path dir_;
  std::shared_ptr<const es::KeyRing> keys_;
  std::string runner_;
  Factory factory_;
  std::uint64_t every_;
  std::uint64_t last_ = 0;
};

}  // namespace ecab::proj

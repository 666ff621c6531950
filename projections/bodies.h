// projections/bodies.h — the bodies hosted here, for the platform's listing.
//
// Key: "bodies/<body>" -> {"body","name","name_vi","kind","resolution_suffix","created_at"}
#pragma once

#include <map>
#include <string>

#include "projections/projection.h"

namespace ecab::proj {

class BodiesProjection final : public Projection {
 public:
  std::string_view name() const override { return "bodies"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override { pending_.clear(); }

 private:
  std::map<std::string, std::string> pending_;  // key -> JSON
};

// The key prefix to scan for every body.
inline constexpr std::string_view kBodiesPrefix = "bodies/";

}  // namespace ecab::proj

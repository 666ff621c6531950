// projections/audit.h — audit trails: per actor and per object, every act in
// log order with its time, role, on-behalf-of, signature status and position.
//
// Keys: "audit/actor/<actor>/<position, 16 hex digits>"
//       "audit/object/<stream>/<position, 16 hex digits>"
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "projections/projection.h"

namespace ecab::proj {

class AuditProjection final : public Projection {
 public:
  std::string_view name() const override { return "audit"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override { pending_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> pending_;
};

// The trail of `id` ("actor" or "object" trail): entries after position
// `after` (0: from the start) and at or before `up_to` (as of that position),
// at most `limit`.
Result<std::vector<nlohmann::json>> AuditTrail(const es::ViewStore& views, std::string_view trail,
                                               std::string_view id, std::uint64_t after = 0,
                                               std::size_t limit = 100,
                                               std::uint64_t up_to = UINT64_MAX);

}  // namespace ecab::proj

#include "projections/bodies.h"

#include <nlohmann/json.hpp>

#include "domain/directory/events.h"

namespace ecab::proj {

Status BodiesProjection::Apply(const es::RecordedEvent& event) {
  if (event.type != directory::BodyCreated::kType) return Ok{};
  ECAB_TRY_LET(decoded, DecodeEvent(directory::DirectoryDecoder(), event, name()));
  const auto& created = std::get<directory::BodyCreated>(*decoded);
  pending_[std::string(kBodiesPrefix) + created.body] = nlohmann::json{
      {"body", created.body},
      {"name", created.name},
      {"name_vi", created.name_vi},
      {"kind", directory::BodyKindName(created.kind)},
      {"resolution_suffix", created.resolution_suffix},
      {"created_at", FormatRfc3339(event.recorded_at)}}.dump();
  return Ok{};
}

Status BodiesProjection::Flush(es::ViewBatch& batch) {
  for (auto& [key, value] : pending_) batch.Put(key, std::move(value));
  pending_.clear();
  return Ok{};
}

}  // namespace ecab::proj

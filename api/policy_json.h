// api/policy_json.h — the body's policy on the wire: one list of fields for
// PUT /v1/bodies/{body}/policy and POST /v1/bodies, one reader.
#pragma once

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "api/enums.h"
#include "api/schema.h"
#include "domain/directory/policy.h"

namespace ecab::api {

// The policy's fields (without late_substitution), each required or not.
inline std::vector<Field> PolicyFields(bool required) {
  return {{"quorum_numerator", FieldType::kInteger, required},
          {"quorum_denominator", FieldType::kInteger, required},
          {"majority_numerator", FieldType::kInteger, required},
          {"majority_denominator", FieldType::kInteger, required},
          {"majority_basis", FieldType::kEnum, required, MajorityBases().names()},
          {"tie", FieldType::kEnum, required, TieRules().names()},
          {"silence", FieldType::kEnum, required, Silences().names()},
          {"remote_counts_for_quorum", FieldType::kBoolean, required},
          {"substitutes_may_vote", FieldType::kBoolean, required},
          {"substitutes_count_for_quorum", FieldType::kBoolean, required},
          {"max_classification", FieldType::kEnum, required, Classifications().names()}};
}

// The policy in `body`, whose fields ParseStrict checked and which holds
// every one of PolicyFields (fractions saturate at 2^32 - 1; PolicyProblem
// judges them).
inline Policy PolicyFromJson(const nlohmann::json& body) {
  auto u32 = [&](const char* name) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(body[name].get<std::uint64_t>(), UINT32_MAX));
  };
  Policy p;
  p.quorum = Fraction{u32("quorum_numerator"), u32("quorum_denominator")};
  p.majority = Fraction{u32("majority_numerator"), u32("majority_denominator")};
  p.basis = MajorityBases().Parse(body["majority_basis"]);
  p.tie = TieRules().Parse(body["tie"]);
  p.silence = Silences().Parse(body["silence"]);
  p.remote_counts_for_quorum = body["remote_counts_for_quorum"].get<bool>();
  p.substitutes_may_vote = body["substitutes_may_vote"].get<bool>();
  p.substitutes_count_for_quorum = body["substitutes_count_for_quorum"].get<bool>();
  p.max_classification = Classifications().Parse(body["max_classification"]);
  return p;
}

}  // namespace ecab::api

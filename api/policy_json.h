// api/policy_json.h — the body's policy on the wire: one list of fields for
// PUT /v1/bodies/{body}/policy and POST /v1/bodies (api/typed_request.h), and
// the rules as GET /v1/bodies/{body} shows them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "api/enums.h"
#include "api/typed_request.h"
#include "domain/directory/body.h"
#include "domain/directory/policy.h"

namespace ecab::api {

// The policy's fields (without late_substitution), each required or not;
// fractions above 2^32 - 1 are held there (PolicyProblem judges them).
inline Fields<Policy> PolicyFields(bool required) {
  return Join(
      Join(Inside(&Policy::quorum,
                  Fields<Fraction>{CountField("quorum_numerator", &Fraction::num, required),
                                   CountField("quorum_denominator", &Fraction::den, required)}),
           Inside(&Policy::majority,
                  Fields<Fraction>{CountField("majority_numerator", &Fraction::num, required),
                                   CountField("majority_denominator", &Fraction::den, required)})),
      Fields<Policy>{
          EnumField("majority_basis", &Policy::basis, MajorityBases(), required),
          EnumField("tie", &Policy::tie, TieRules(), required),
          EnumField("silence", &Policy::silence, Silences(), required),
          FlagField("remote_counts_for_quorum", &Policy::remote_counts_for_quorum, required),
          FlagField("substitutes_may_vote", &Policy::substitutes_may_vote, required),
          FlagField("substitutes_count_for_quorum", &Policy::substitutes_count_for_quorum,
                    required),
          EnumField("max_classification", &Policy::max_classification, Classifications(),
                    required)});
}

// The body's rules as PUT …/policy takes them (GET …/bodies/{body} shows them).
inline nlohmann::json PolicyJson(const directory::Body& body) {
  const Policy& p = body.policy;
  return {{"quorum_numerator", p.quorum.num},
          {"quorum_denominator", p.quorum.den},
          {"majority_numerator", p.majority.num},
          {"majority_denominator", p.majority.den},
          {"majority_basis", MajorityBases().Name(p.basis)},
          {"tie", TieRules().Name(p.tie)},
          {"silence", Silences().Name(p.silence)},
          {"remote_counts_for_quorum", p.remote_counts_for_quorum},
          {"substitutes_may_vote", p.substitutes_may_vote},
          {"substitutes_count_for_quorum", p.substitutes_count_for_quorum},
          {"max_classification", Classifications().Name(p.max_classification)},
          {"late_substitution", body.late_substitution},
          {"read_receipts", ReadReceiptModes().Name(body.read_receipts)}};
}

}  // namespace ecab::api

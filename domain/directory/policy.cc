#include "domain/directory/policy.h"

namespace ecab {

std::string ClassificationName(Classification c) {
  switch (c) {
    case Classification::kNormal:
      return "normal";
    case Classification::kConfidential:
      return "confidential";
    case Classification::kSecret:
      return "secret";
    case Classification::kTopSecret:
      return "top secret";
  }
  return "unknown";
}

std::string UrgencyName(Urgency u) {
  switch (u) {
    case Urgency::kNormal:
      return "normal";
    case Urgency::kUrgent:
      return "urgent";
    case Urgency::kVeryUrgent:
      return "very urgent";
    case Urgency::kExpress:
      return "express";
  }
  return "unknown";
}

std::string PolicyProblem(const Policy& p) {
  auto bad_fraction = [](const Fraction& f) { return f.den == 0 || f.num == 0 || f.num > f.den; };
  if (bad_fraction(p.quorum)) return "quorum must be a fraction in (0, 1]";
  if (bad_fraction(p.majority) || p.majority.num == p.majority.den) {
    return "majority must be a fraction in (0, 1)";
  }
  if (!IsValid(p.basis)) return "unknown majority basis";
  if (!IsValid(p.tie)) return "unknown tie rule";
  if (!IsValid(p.silence)) return "unknown silence rule";
  if (!IsValid(p.max_classification)) return "unknown classification";
  return "";
}

}  // namespace ecab

namespace ecab {

std::string FormatShare(const Fraction& share, std::uint32_t base) {
  if (share.den == 0) return "?";
  const std::uint64_t scaled =
      static_cast<std::uint64_t>(share.num) * base * 100 / share.den;  // 2 decimals
  std::string out = std::to_string(scaled / 100);
  const std::uint64_t cents = scaled % 100;
  if (cents != 0) {
    out += "." + std::to_string(cents / 10);
    if (cents % 10 != 0) out += std::to_string(cents % 10);
  }
  return out;
}

}  // namespace ecab

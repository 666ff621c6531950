#include "domain/directory/events.h"

namespace ecab::directory {

std::string BodyKindName(BodyKind kind) {
  switch (kind) {
    case BodyKind::kCabinet:
      return "cabinet";
    case BodyKind::kMinistryBoard:
      return "ministry_board";
    case BodyKind::kPeoplesCommittee:
      return "peoples_committee";
    case BodyKind::kCouncil:
      return "council";
    case BodyKind::kOther:
      break;
  }
  return "other";
}

const EventDecoder<DirectoryEvent>& DirectoryDecoder() {
  static const EventDecoder<DirectoryEvent> decoder = [] {
    EventDecoder<DirectoryEvent> d;
    d.Add<BodyCreated>()
        .Add<MemberEnrolled>()
        .Add<MemberLeft>()
        .Add<CertificateEnrolled>()
        .Add<PolicySet>()
        .Add<TrustAnchorSet>()
        .Add<RevocationListPublished>()
        .Add<ApproverDelegated>()
        .Add<ResolutionNumberAssigned>()
        .Add<CertificateRequested>()
        .Add<CertificateRequestDecided>()
        .Add<CertificateIssued>()
        .Add<CertificateRevoked>()
        .Add<ContactSet>()
        .AddUpcaster<BodyCreatedV1>([](BodyCreatedV1 v1) {
          return BodyCreated{std::move(v1.body), std::move(v1.name), std::move(v1.name_vi),
                             std::move(v1.resolution_suffix), BodyKind::kOther};
        })
        .AddUpcaster<PolicySetV1>([](PolicySetV1 v1) {
          return PolicySet{v1.policy, false, ReadReceipts::kOnRequest};
        })
        .AddUpcaster<PolicySetV2>([](PolicySetV2 v2) {
          return PolicySet{v2.policy, v2.late_substitution, ReadReceipts::kOnRequest};
        })
        .AddUpcaster<MemberEnrolledV1>([](MemberEnrolledV1 v1) {
          // Schema 1 had no start: the member counts as enrolled since the epoch.
          return MemberEnrolled{std::move(v1.person), std::move(v1.office), std::move(v1.office_vi),
                                v1.role, Timestamp{}};
        });
    return d;
  }();
  return decoder;
}

}  // namespace ecab::directory

#include "domain/directory/events.h"

namespace ecab::directory {

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
        .AddUpcaster<PolicySetV1>([](PolicySetV1 v1) { return PolicySet{v1.policy, false}; })
        .AddUpcaster<MemberEnrolledV1>([](MemberEnrolledV1 v1) {
          // Schema 1 had no start: the member counts as enrolled since the epoch.
          return MemberEnrolled{std::move(v1.person), std::move(v1.office),
                                std::move(v1.office_vi), v1.role, Timestamp{}};
        });
    return d;
  }();
  return decoder;
}

}  // namespace ecab::directory

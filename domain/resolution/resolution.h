// domain/resolution/resolution.h — process 5: a resolution drafted with
// versioned text (every edit kept, with its author), circulated for opinions
// (as an opinion form), submitted, signed by the chair, promulgated with a
// number unique per body and year, and distributed. Stream: "resolution-<id>".
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "domain/authz/action.h"
#include "domain/base/context.h"
#include "domain/directory/body.h"
#include "domain/meeting/events.h"

namespace ecab::resolution {

struct ResolutionDrafted {
  static constexpr std::string_view kType = "resolution.drafted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string resolution;
  std::string title;
  std::string text;     // version 1
  std::string meeting;  // the meeting and vote it implements, or empty
  std::string vote;
  std::string author;
  template <class A>
  void serialize(A& ar) {
    ar(resolution, title, text, meeting, vote, author);
  }
  friend bool operator==(const ResolutionDrafted&, const ResolutionDrafted&) = default;
};

struct ResolutionRevised {
  static constexpr std::string_view kType = "resolution.revised";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint32_t version = 0;
  std::string text;
  std::string author;
  template <class A>
  void serialize(A& ar) {
    ar(version, text, author);
  }
  friend bool operator==(const ResolutionRevised&, const ResolutionRevised&) = default;
};

struct ResolutionCirculated {
  static constexpr std::string_view kType = "resolution.circulated";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string form;  // the opinion form carrying the draft
  std::uint32_t version = 0;
  template <class A>
  void serialize(A& ar) {
    ar(form, version);
  }
  friend bool operator==(const ResolutionCirculated&, const ResolutionCirculated&) = default;
};

struct ResolutionSubmitted {
  static constexpr std::string_view kType = "resolution.submitted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint32_t version = 0;
  template <class A>
  void serialize(A& ar) {
    ar(version);
  }
  friend bool operator==(const ResolutionSubmitted&, const ResolutionSubmitted&) = default;
};

// Signed: kind "resolution_signature", object = resolution, version = text
// version, text_sha256 = SHA-256 of that text.
struct ResolutionSigned {
  static constexpr std::string_view kType = "resolution.signed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string signer;
  std::uint32_t version = 0;
  SignedAct signature;
  template <class A>
  void serialize(A& ar) {
    ar(signer, version, signature);
  }
  friend bool operator==(const ResolutionSigned&, const ResolutionSigned&) = default;
};

struct ResolutionPromulgated {
  static constexpr std::string_view kType = "resolution.promulgated";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string number;  // "12/NQ-CP"
  std::int32_t year = 0;
  Timestamp at;
  template <class A>
  void serialize(A& ar) {
    ar(number, year, at);
  }
  friend bool operator==(const ResolutionPromulgated&, const ResolutionPromulgated&) = default;
};

struct ResolutionDistributed {
  static constexpr std::string_view kType = "resolution.distributed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::vector<std::string> recipients;
  template <class A>
  void serialize(A& ar) {
    ar(recipients);
  }
  friend bool operator==(const ResolutionDistributed&, const ResolutionDistributed&) = default;
};

using ResolutionEvent =
    std::variant<ResolutionDrafted, ResolutionRevised, ResolutionCirculated, ResolutionSubmitted,
                 ResolutionSigned, ResolutionPromulgated, ResolutionDistributed>;
const EventDecoder<ResolutionEvent>& ResolutionDecoder();

enum class ResolutionStatus : std::uint8_t {
  kNone,
  kDraft,
  kCirculated,
  kSubmitted,
  kSigned,
  kPromulgated,
  kDistributed
};

// The status in words, for messages: "not drafted", "a draft", "signed", …
std::string StatusName(ResolutionStatus s);

struct TextVersion {
  std::uint32_t version = 0;
  std::string text;
  std::string author;
  template <class A>
  void serialize(A& ar) {
    ar(version, text, author);
  }
};

struct Resolution {
  ResolutionStatus status = ResolutionStatus::kNone;
  std::string id, title, meeting, vote;
  std::vector<TextVersion> versions;  // every edit, in order
  std::vector<std::string> circulated_forms;
  std::optional<ResolutionSigned> signature;
  std::string number;
  std::vector<std::string> recipients;

  const TextVersion& current() const { return versions.back(); }
  // The whole state, for projections that keep it between runs.
  template <class A>
  void serialize(A& ar) {
    ar(status, id, title, meeting, vote, versions, circulated_forms, signature, number, recipients);
  }
};

struct DraftResolution {
  static constexpr Action kAction = Action::kDraftResolution;
  std::string resolution, title, text, meeting, vote;
};
struct ReviseResolution {
  static constexpr Action kAction = Action::kReviseResolution;
  std::string text;
};
struct CirculateResolution {
  static constexpr Action kAction = Action::kCirculateResolution;
  std::string form;
};
struct SubmitResolution {
  static constexpr Action kAction = Action::kSubmitResolution;
};
struct SignResolution {
  static constexpr Action kAction = Action::kSignResolution;
  SignedAct signature;
};
struct PromulgateResolution {
  static constexpr Action kAction = Action::kPromulgateResolution;
};
struct DistributeResolution {
  static constexpr Action kAction = Action::kDistributeResolution;
  std::vector<std::string> recipients;
};
using ResolutionCommand =
    std::variant<DraftResolution, ReviseResolution, CirculateResolution, SubmitResolution,
                 SignResolution, PromulgateResolution, DistributeResolution>;

// The payload the chair signs (docs/formats/signing.md).
SigningPayload SignaturePayload(std::string_view body, const Resolution& r, std::string_view signer,
                                std::string_view command_id, Timestamp time);

// `vote_outcome`: the closed outcome of the vote the resolution implements
// (r.meeting / r.vote), or nullptr when it has none or it is not closed.
[[nodiscard]] Result<std::vector<ResolutionEvent>> Decide(
    const Resolution& state, const ResolutionCommand& command, const CommandContext& ctx,
    const directory::Body& body, const meeting::VoteOutcome* vote_outcome = nullptr);
Resolution Evolve(Resolution state, const ResolutionEvent& event);

}  // namespace ecab::resolution

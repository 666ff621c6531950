#include <algorithm>

#include "domain/meeting/meeting.h"

namespace ecab::meeting {

Meeting Evolve(Meeting m, const MeetingEvent& event) {
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, MeetingScheduled>) {
          m.status = MeetingStatus::kScheduled;
          m.schedule = e;
        } else if constexpr (std::is_same_v<E, AgendaItemAdded>) {
          m.agenda.push_back(Item{e.item, e.title, e.documents, false});
        } else if constexpr (std::is_same_v<E, AgendaReordered>) {
          std::vector<Item> reordered;
          for (const auto& id : e.order) {
            if (const Item* i = m.FindItem(id)) reordered.push_back(*i);
          }
          m.agenda = std::move(reordered);
        } else if constexpr (std::is_same_v<E, ParticipantInvited>) {
          m.invited[e.person].guest = e.guest;
        } else if constexpr (std::is_same_v<E, RsvpGiven>) {
          std::erase_if(m.substitutes, [&](const auto& s) { return s.second == e.person; });
          if (e.response == RsvpResponse::kSubstitute) m.substitutes[e.substitute] = e.person;
          m.invited[e.person].rsvp = e;
        } else if constexpr (std::is_same_v<E, ItemOpinionGiven>) {
          m.opinions.push_back(e);
        } else if constexpr (std::is_same_v<E, SpeakerPreRegistered>) {
          m.pre_registered.push_back(e);
        } else if constexpr (std::is_same_v<E, DocumentStudied>) {
          m.studied.insert({e.document, e.person});
        } else if constexpr (std::is_same_v<E, SessionOpened>) {
          m.status = MeetingStatus::kOpen;
          m.session = e;
        } else if constexpr (std::is_same_v<E, CheckedIn>) {
          m.presence[e.person] = Presence{e.attendance, e.for_member};
        } else if constexpr (std::is_same_v<E, ItemTakenUp>) {
          m.current_item = e.item;
        } else if constexpr (std::is_same_v<E, ItemClosed>) {
          for (Item& i : m.agenda) {
            if (i.id == e.item) i.closed = true;
          }
          if (m.current_item == e.item) m.current_item.clear();
          m.floor_queue.clear();
          m.speaker.clear();
        } else if constexpr (std::is_same_v<E, CommentPosted>) {
          m.comments.push_back(e);
        } else if constexpr (std::is_same_v<E, FloorRequested>) {
          m.floor_queue.push_back(FloorRequest{e.person, e.on_behalf_of, e.item});
        } else if constexpr (std::is_same_v<E, FloorRequestWithdrawn> ||
                             std::is_same_v<E, FloorGranted>) {
          std::erase_if(m.floor_queue, [&](const FloorRequest& r) { return r.person == e.person; });
          if constexpr (std::is_same_v<E, FloorGranted>) m.speaker = e.person;
        } else if constexpr (std::is_same_v<E, FloorEnded>) {
          if (m.speaker == e.person) m.speaker.clear();
        } else if constexpr (std::is_same_v<E, VoteOpened>) {
          m.votes[e.vote].opened = e;
          m.open_vote = e.vote;
        } else if constexpr (std::is_same_v<E, BallotCast>) {
          Vote& v = m.votes[e.vote];
          auto [it, first] = v.ballots.try_emplace(e.voter);
          if (!first) ++it->second.changes;
          it->second.choice = e.choice;
          it->second.mode = e.mode;
          it->second.cast_by = e.cast_by;
        } else if constexpr (std::is_same_v<E, VoteClosed>) {
          m.votes[e.vote].outcome = e.outcome;
          if (m.open_vote == e.vote) m.open_vote.clear();
        } else {
          m.status = MeetingStatus::kClosed;
          m.current_item.clear();
        }
      },
      event);
  return m;
}

const EventDecoder<MeetingEvent>& MeetingDecoder() {
  static const EventDecoder<MeetingEvent> decoder = [] {
    EventDecoder<MeetingEvent> d;
    d.Add<MeetingScheduled>()
        .Add<AgendaItemAdded>()
        .Add<AgendaReordered>()
        .Add<ParticipantInvited>();
    d.Add<RsvpGiven>().Add<ItemOpinionGiven>().Add<SpeakerPreRegistered>().Add<DocumentStudied>();
    d.Add<SessionOpened>()
        .Add<CheckedIn>()
        .Add<ItemTakenUp>()
        .Add<ItemClosed>()
        .Add<CommentPosted>();
    d.Add<FloorRequested>().Add<FloorRequestWithdrawn>().Add<FloorGranted>().Add<FloorEnded>();
    d.Add<VoteOpened>().Add<BallotCast>().Add<VoteClosed>().Add<SessionClosed>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::meeting

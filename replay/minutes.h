// replay/minutes.h — the minutes of a meeting as a document people read
// (HTML, printable to PDF): in Vietnamese with the English alongside (the
// glossary of docs/UI.md), people by their office, times in Hanoi time, the
// agenda with its documents linked to the files of the bag, who spoke and
// for how long, each vote with its rule, outcome and ballots, each
// resolution with its number and signature.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/directory/body.h"
#include "domain/meeting/meeting.h"
#include "domain/resolution/resolution.h"

namespace ecab::replay {

// One turn at the floor, from its grant to its end (none: still speaking
// when the record ends).
struct Speech {
  std::string person;
  std::string item;  // the item under discussion, or ""
  Timestamp from;
  std::optional<Timestamp> to;
};

// A document version as the bag holds it.
struct DocumentEntry {
  std::string title;
  struct Version {
    std::uint32_t version = 0;
    std::string filename;
    std::string path;  // in the bag, relative to data/ ("" when the file is not held)
  };
  std::vector<Version> versions;
};

struct MinutesInput {
  const meeting::Meeting& meeting;
  const directory::Body& body;
  std::vector<resolution::Resolution> resolutions;
  std::vector<Speech> speeches;
  std::map<std::string, DocumentEntry> documents;  // by document id
};

std::string MinutesHtml(const MinutesInput& in);

// "24/06/2019 08:30" in Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975).
std::string HanoiTime(Timestamp t);

}  // namespace ecab::replay

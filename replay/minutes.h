// replay/minutes.h — human-readable minutes of a meeting, as HTML.
#pragma once

#include <string>
#include <vector>

#include "domain/meeting/meeting.h"
#include "domain/resolution/resolution.h"

namespace ecab::replay {

// Attendance, agenda, speakers, votes with tallies, and each resolution's
// text and signature.
std::string MinutesHtml(const meeting::Meeting& m,
                        const std::vector<resolution::Resolution>& resolutions,
                        const std::vector<std::string>& speakers);

}  // namespace ecab::replay

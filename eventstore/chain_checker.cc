#include "eventstore/chain_checker.h"

#include <algorithm>
#include <cstring>

#include "eventstore/record.h"

namespace ecab::es {

ChainChecker::ChainChecker(std::uint64_t first, std::optional<Hash> prev, std::size_t max_faults)
    : expected_(first), max_faults_(max_faults) {
  report_.first = first;
  if (prev) {
    recent_.push_back({first - 1, first - 1, *prev, *prev});
  } else {
    link_known_ = false;
  }
}

void ChainChecker::Fault(std::uint64_t position, std::string reason) {
  if (!report_.faults.empty() && report_.faults.back().position == position) return;
  if (report_.faults.size() >= max_faults_) {
    report_.truncated_report = true;
    return;
  }
  report_.faults.push_back({position, std::move(reason)});
}

void ChainChecker::Add(std::uint64_t key_position, std::string_view bytes) {
  ++report_.checked;
  report_.bytes += bytes.size();
  report_.last = key_position;
  bool linked = link_known_;
  link_known_ = true;
  if (key_position != expected_) {
    Fault(expected_, key_position > expected_
                         ? "missing: positions " + std::to_string(expected_) + ".." +
                               std::to_string(key_position - 1) + " are not in the log"
                         : "position " + std::to_string(key_position) + " is out of order");
    linked = false;  // the gap is the fault; do not blame the next link too
  }
  expected_ = key_position + 1;
  // The chain needs three fields at fixed places (docs/formats/event-record.md):
  // position after magic and format, prev-hash and hash at the end. The hash
  // covers every other byte, so any change elsewhere shows as a mismatch.
  constexpr std::size_t kMin = 4 + 1 + 8 + 32 + 32;
  if (bytes.size() < kMin || bytes.substr(0, 4) != "ECEV" || bytes[4] != 1) {
    Fault(key_position, "not a record: wrong magic, format or length");
    link_known_ = false;
    last_stored_.reset();
    return;
  }
  std::uint64_t claimed = 0;
  for (std::size_t i = 5; i < 13; ++i)
    claimed = (claimed << 8) | static_cast<std::uint8_t>(bytes[i]);
  Hash prev_hash, hash;
  std::memcpy(prev_hash.data(), bytes.data() + bytes.size() - 64, 32);
  std::memcpy(hash.data(), bytes.data() + bytes.size() - 32, 32);
  const Hash recomputed = Sha256(bytes.substr(0, bytes.size() - 32));
  if (claimed != key_position) {
    Fault(key_position, "record claims position " + std::to_string(claimed) + " but is stored at " +
                            std::to_string(key_position));
  }
  if (recomputed != hash) {
    Fault(key_position, "hash mismatch: the stored record was altered");
  }
  if (linked) {
    const bool links = std::any_of(recent_.begin(), recent_.end(), [&](const Seen& s) {
      return (s.claimed + 1 == key_position || s.at + 1 == key_position) &&
             (prev_hash == s.stored || prev_hash == s.recomputed);
    });
    if (!links) {
      Fault(key_position,
            "prev-hash does not match the hash of position " + std::to_string(key_position - 1));
    }
  }
  if (recent_.size() == kRecent) recent_.erase(recent_.begin());
  recent_.push_back({claimed, key_position, hash, recomputed});
  last_stored_ = hash;
}

void ChainChecker::Finish(std::uint64_t head_position, const Hash& head_hash) {
  report_.head = head_position;
  const std::uint64_t last_seen = expected_ - 1;
  if (last_seen < head_position) {
    Fault(expected_, "truncated: the log ends at " + std::to_string(last_seen) +
                         " but the recorded head is " + std::to_string(head_position));
  } else if (last_seen > head_position) {
    Fault(head_position + 1, "events past the recorded head " + std::to_string(head_position));
  } else if (head_position > 0 && last_stored_ && *last_stored_ != head_hash) {
    Fault(head_position, "the recorded head hash differs from the last record's hash");
  }
}

}  // namespace ecab::es

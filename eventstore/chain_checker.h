// eventstore/chain_checker.h — checks stored records, in key order, against the
// hash chain: each record's hash recomputes, its position matches its key and
// follows the previous one, and its prev-hash is the previous record's hash.
// Reports each broken position once. Pure: fed bytes, touches no storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/envelope.h"

namespace ecab::es {

struct ChainFault {
  std::uint64_t position = 0;
  std::string reason;
  friend bool operator==(const ChainFault&, const ChainFault&) = default;
};

struct VerifyReport {
  std::uint64_t first = 0;         // first position examined
  std::uint64_t last = 0;          // last position examined
  std::uint64_t checked = 0;       // records examined
  std::uint64_t bytes = 0;         // their stored size
  std::uint64_t head = 0;          // the head position the store recorded
  std::vector<ChainFault> faults;  // in position order, at most one per position
  bool truncated_report = false;   // more faults existed than were kept
  bool ok() const { return faults.empty(); }
};

class ChainChecker {
 public:
  // `first` is the position the first record fed must have. `prev` is the
  // hash its prev-hash must equal; nullopt accepts any (a check that starts
  // mid-log without trusting the record before it).
  ChainChecker(std::uint64_t first, std::optional<Hash> prev, std::size_t max_faults = 1000);

  // Feeds the record stored under key position `key_position`.
  void Add(std::uint64_t key_position, std::string_view bytes);

  // Ends the check against the head marker (position, hash) the store keeps.
  void Finish(std::uint64_t head_position, const Hash& head_hash);

  const VerifyReport& report() const { return report_; }

 private:
  void Fault(std::uint64_t position, std::string reason);

  VerifyReport report_;
  std::uint64_t expected_;
  std::size_t max_faults_;
  // The last few records seen, by the position they claim. A record's
  // prev-hash links if it equals the stored or the recomputed hash of the
  // record claiming the position before it, so one bad record is blamed once
  // and a swapped pair is blamed at its two positions only.
  struct Seen {
    std::uint64_t claimed = 0;  // the position the record names
    std::uint64_t at = 0;       // the key it is stored under
    Hash stored{};
    Hash recomputed{};
  };
  static constexpr std::size_t kRecent = 4;
  std::vector<Seen> recent_;
  bool link_known_ = true;
  std::optional<Hash> last_stored_;  // stored hash of the last record fed  // false right after a
                                     // gap or an unreadable record
};

}  // namespace ecab::es

// eventstore/head_witness.h — a second witness of the log's length, outside
// RocksDB: every signed tree head is also appended, and fsynced, to a plain
// file beside the store, and EventStore::Open compares the log with it. A
// damaged disk that loses the log's tail cannot lose the witness with it
// unnoticed, and the server never signs a shorter head than one it published.
//
// File grammar (docs/formats/witness.md): UTF-8, one JSON object per line,
// each line ending in "\n"; lines are only ever appended.
//   head line    = {"size":N,"root":HEX64,"time":RFC3339,"key_id":"sha256:<hex>",
//                   "signature_base64":B64,"last_hash":HEX64}
//   salvage line = {"salvage":{"kept":K,"kept_hash":HEX64|"","witnessed":W,"reason":TEXT},
//                   "time":RFC3339}
// `last_hash` is the stored hash of the event at position `size`: through the
// hash chain it commits to the whole prefix, so Open checks a head with one
// read. A salvage line is the operator's decision to go on with the first K
// events; heads before it no longer bind. A last line without its "\n" is a
// write cut short by a crash and is ignored; any other malformed line is
// kCorruption.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "domain/base/result.h"
#include "eventstore/envelope.h"
#include "eventstore/tree_head.h"

namespace ecab::es {

// What the witness says the log must hold: at least `size` events, the one
// at `size` with hash `last_hash` (a zero hash when size is 0).
struct WitnessClaim {
  std::uint64_t size = 0;
  Hash last_hash{};
  Timestamp time;
  std::size_t line = 0;  // 1-based line of the file that made the claim
  friend bool operator==(const WitnessClaim&, const WitnessClaim&) = default;
};

// The operator's salvage of a damaged log, as recorded in the witness.
struct SalvageNote {
  std::uint64_t kept = 0;       // events the log holds after the salvage
  Hash kept_hash{};             // hash of event `kept` (zero when kept is 0)
  std::uint64_t witnessed = 0;  // the size the witness claimed before (0: none)
  std::string reason;           // what the storage engine or the witness reported
};

// A tree head as JSON, the shape the API publishes
// ({"size","root","time","key_id","signature_base64"}), one line, no "\n".
std::string TreeHeadJson(const TreeHead& head);

// Parses a tree head from that shape; extra fields are ignored, so a head
// copied from the API's /log/tree-heads or from a witness line parses.
// kInvalidArgument naming the field that is missing or malformed.
Result<TreeHead> ParseTreeHeadJson(std::string_view text);

// The strongest claim of the witness file at `path`: the largest head after
// the last salvage line (or that salvage line's own claim). nullopt when the
// file is missing or holds no claim. kCorruption naming the line when a
// complete line is malformed; kIoError when the file cannot be read.
Result<std::optional<WitnessClaim>> ReadWitness(const std::filesystem::path& path);

// Appends a head line (creating the file, and syncing its directory, when it
// is new) and fsyncs the file before returning. kIoError on any failure.
Status AppendWitnessHead(const std::filesystem::path& path, const TreeHead& head,
                         const Hash& last_hash);

// Appends a salvage line, synced likewise.
Status AppendWitnessSalvage(const std::filesystem::path& path, const SalvageNote& note,
                            Timestamp time);

}  // namespace ecab::es

// eventstore/tamper.h — alters a closed store behind its back, the way an
// attacker with file access could, for tests of the verifiers. Test code only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ecab::es::testing {

// Flips one bit of byte `offset` (from the end when negative) of the record at `position`.
void FlipByte(const std::filesystem::path& dir, std::uint64_t position, long offset);
// Deletes the record at `position`.
void RemoveRecord(const std::filesystem::path& dir, std::uint64_t position);
// Swaps the records at two positions.
void SwapRecords(const std::filesystem::path& dir, std::uint64_t a, std::uint64_t b);
// The stored bytes of the record at `position`.
std::string RawRecord(const std::filesystem::path& dir, std::uint64_t position);
// Flushes every column family's memtable into table files (SSTs).
void FlushAll(const std::filesystem::path& dir);
// The store's files whose names end in `extension` (".log": the write-ahead
// log, ".sst": table files), oldest (lowest number) first.
std::vector<std::filesystem::path> StoreFiles(const std::filesystem::path& dir,
                                              const std::string& extension);
// True when `needle` appears in any stored value of any column family.
bool AnyStoredValueContains(const std::filesystem::path& dir, const std::string& needle);

}  // namespace ecab::es::testing

// replay/bag.h — a BagIt 1.0 bag (RFC 8493) from its payload files: the
// manifests and tag files, member paths that cannot leave the bag, written
// as a directory or a tar (libarchive). Used by the meeting export.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "domain/base/result.h"

namespace ecab::replay {

using Files = std::map<std::string, std::string>;  // bag path -> content

// Why a bag member's path could land outside the bag ("" when it cannot):
// each component is non-empty, not "." or "..", of printable ASCII without
// '\\' or ':'.
std::string UnsafeMember(const std::string& path);

// Adds bagit.txt, bag-info.txt (`reserved` fields such as Source-Organization,
// then Payload-Oxum counted over `files`, then `own` fields), and both
// SHA-256 manifests, to `files` (its payload, under data/).
void AddBagItTags(Files& files, const std::string& reserved, const std::string& own);

// Writes the bag to `out`: a tar under the top folder `root` (the file's
// stem when empty) when `out` ends in ".tar", else a new directory. Refuses
// (kInvalidArgument) a member or root path that could leave the bag, and
// (kAlreadyExists) a directory that exists.
Status WriteBag(const std::filesystem::path& out, const std::string& root, const Files& files);

}  // namespace ecab::replay

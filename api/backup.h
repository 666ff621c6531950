// api/backup.h — a consistent online backup of a node's data while it
// serves: the read models first, then the credentials, then the log (so the
// copy's views never run ahead of its log; a node restored from it catches
// them up), then every stored document blob (each event in the copied log
// had its blob synced before it was appended). Hard links where the
// filesystem allows, copies otherwise. The at-rest key file and the log's
// signing key are named in BACKUP.json, never copied: a backup that held its
// own keys would not be encrypted at rest. docs/OPERATIONS.md, "Backup and
// restore".
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "domain/base/result.h"

namespace ecab::api {

class App;

// Writes the backup into `to`, which must not exist. Returns BACKUP.json.
Result<nlohmann::json> BackupNode(App& app, const std::filesystem::path& to);

}  // namespace ecab::api

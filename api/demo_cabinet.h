// api/demo_cabinet.h — loads a body and its members from a fixture file
// (tests/fixtures/cabinet-2019.json format) and records them in the log.
#pragma once

#include <filesystem>
#include <vector>

#include "api/command/command_service.h"
#include "domain/base/result.h"
#include "domain/directory/body.h"
#include "eventstore/event_store.h"

namespace ecab::api {

struct CabinetFixture {
  directory::BodyCreated body;  // with its kind ("kind" in the file; default "other")
  std::vector<directory::MemberEnrolled> people;  // members, then staff, in file order
};

// Reads the fixture; kInvalidArgument names the first missing or bad field.
Result<CabinetFixture> LoadCabinetFixture(const std::filesystem::path& path);

// The stream that holds a body's directory: "body-<body id>".
std::string BodyStream(std::string_view body);

// Founds the body as `platform_admin` (a platform administrator, through
// CreateBodyAs like POST /v1/bodies) with "bootstrap" as its first admin,
// then enrols every person as that admin (members in force from `since`),
// each through the command service like POST /v1/bodies/{body}/people, under
// command ids derived from the body and person ids: running it again changes
// nothing and returns the first result. The positions of the first and last
// events recorded.
Result<es::AppendResult> SeedCabinet(CommandService& commands, const CabinetFixture& cabinet,
                                     Timestamp since, const std::string& platform_admin);

// 2016-04-09T00:00:00Z: the day the 2016-2021 Government took office.
inline Timestamp DemoCabinetSince() { return FromMicros(1460160000000000); }

}  // namespace ecab::api

// api/demo_cabinet.h — loads a body and its members from a fixture file
// (tests/fixtures/cabinet-2019.json format) and records them in the log.
#pragma once

#include <filesystem>
#include <vector>

#include "domain/base/result.h"
#include "domain/directory/body.h"
#include "eventstore/event_store.h"

namespace ecab::api {

struct CabinetFixture {
  directory::BodyCreated body;
  std::vector<directory::MemberEnrolled> people;  // members, then staff, in file order
};

// Reads the fixture; kInvalidArgument names the first missing or bad field.
Result<CabinetFixture> LoadCabinetFixture(const std::filesystem::path& path);

// The stream that holds a body's directory: "body-<body id>".
std::string BodyStream(std::string_view body);

// Decides CreateBody and EnrollPerson for every person (as the "bootstrap"
// admin, members in force from `since`) and appends the events as one
// all-or-nothing append to the body's stream, under a command id derived from
// the body id: running it again changes nothing and returns the first result.
Result<es::AppendResult> SeedCabinet(es::EventStore& store, const CabinetFixture& cabinet, Timestamp since);

// 2016-04-09T00:00:00Z: the day the 2016-2021 Government took office.
inline Timestamp DemoCabinetSince() { return FromMicros(1460160000000000); }

}  // namespace ecab::api

// domain/directory/expect_refused.h — the body deciders' tests' check of a
// refusal. Test code only (GoogleTest).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/directory/body.h"

namespace ecab::testing {

// `r` is a refusal with `code` whose message contains `fragment`.
inline void ExpectRefused(const Result<std::vector<directory::DirectoryEvent>>& r, ErrorCode code,
                          const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "expected a refusal: " << fragment;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

}  // namespace ecab::testing

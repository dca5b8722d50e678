// A throw-away hub for the fuzz targets that need one (search, HTTP): created once per
// process in a fresh temporary folder, seeded with a few multilingual objects, removed at exit.
#pragma once

#include <memory>
#include <string>

#include "hub/hub.h"
#include "policy/policy.h"

namespace tansiq::fuzz {

// Owned by the process (a function-local static); lives until exit, when its folder is
// removed. Not thread-safe to create; the fuzzers call it from LLVMFuzzerInitialize.
struct FuzzHub {
  std::string dir;
  std::unique_ptr<hub::Hub> hub;
  policy::Reader officer;  // iq-officer: officer + analyst of party "iq"
};

// Creates (on first call) and returns the process's hub; aborts if it cannot be created,
// since no input could be fuzzed without it.
FuzzHub& SharedHub();

}  // namespace tansiq::fuzz

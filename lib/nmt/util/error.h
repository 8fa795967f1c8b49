// The project's exception types: one per kind of failure a user can cause. `main` catches them,
// prints one `error: ...` line and exits with 1 (runtime) or 2 (usage / config).
#pragma once

#include <stdexcept>
#include <string>

namespace nmt {

// A bad configuration value or command-line option. Messages name the key and where it came from.
struct ConfigError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Unreadable or malformed input data. Messages name the file and, where known, the line.
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A checkpoint or model file that is missing, truncated or does not match the model.
struct CheckpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace nmt

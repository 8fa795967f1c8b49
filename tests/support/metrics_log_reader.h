// The events of one kind in a run's metrics.jsonl, as the JSON objects the trainer wrote, in file
// order: what the training and CLI tests check a run's log with.
//
// Not nmt::report::read_metrics_log: the tests look at fields that reader does not keep
// (booleans such as "best", whether a key is present at all), and tests/training does not link
// nmt_report.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace nmt::test {

inline std::vector<nlohmann::json> metrics_events(const std::string& run_dir,
                                                  const std::string& kind) {
  std::ifstream in(run_dir + "/metrics.jsonl");
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["event"] == kind) events.push_back(j);
  }
  return events;
}

}  // namespace nmt::test

// Reading a run's metrics.jsonl (one JSON object per line, written by the trainer) into plain
// events, and finding the best validation. Example lines:
//   {"event":"train","step":1200,"epoch":3,"loss":3.21,"ppl":24.8,"lr":0.0007,...}
//   {"event":"valid","step":2000,"loss":2.9,"ppl":18.2,"bleu":31.2,"chrf":58.1,"signature":"nrefs:1|..."}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nmt::report {

struct MetricEvent {
  std::string event;                         // "train", "valid", or whatever else the trainer logs
  int64_t step = 0;                          // optimizer step (0 when the line has none)
  std::map<std::string, double> numbers;     // every other numeric field (loss, ppl, bleu, lr, ...)
  std::map<std::string, std::string> texts;  // every string field but "event" (signatures, paths)

  // The field's value, or nullopt when the event lacks it.
  std::optional<double> number(const std::string& key) const;
};

// Reads metrics.jsonl. A missing file gives no events (a run that has not logged yet). A
// malformed line throws DataError naming the file and line, except a malformed *last* line
// without a final newline, which is skipped: the trainer may be writing it right now.
std::vector<MetricEvent> read_metrics_log(const std::string& path);

// Parses one line (throws std::invalid_argument when it is not a JSON object).
MetricEvent parse_metric_event(const std::string& line);

// The validation event that counts as best under `criterion` (bleu | chrf: highest; loss:
// lowest; ties go to the earlier step), or nullopt when no "valid" event has that field.
std::optional<MetricEvent> best_validation(const std::vector<MetricEvent>& events,
                                           const std::string& criterion);

// (step, value) of every event of kind `event` that has `key`, in file order.
std::vector<std::pair<double, double>> metric_series(const std::vector<MetricEvent>& events,
                                                     const std::string& event,
                                                     const std::string& key);

}  // namespace nmt::report

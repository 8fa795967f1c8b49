// Reading metrics.jsonl and picking the best validation.
#include <gtest/gtest.h>

#include "nmt/report/metrics_log.h"
#include "nmt/util/error.h"
#include "support/run_command.h"

using namespace nmt::report;
using nmt::test::TempDir;
using nmt::test::write_file;

TEST(MetricsLog, ParsesNumbersAndStrings) {
  const auto ev = parse_metric_event(
      R"({"event":"valid","step":2000,"loss":2.9,"bleu":31.2,"signature":"nrefs:1|tok:13a","ppl":null,"best":true})");
  EXPECT_EQ(ev.event, "valid");
  EXPECT_EQ(ev.step, 2000);
  EXPECT_DOUBLE_EQ(*ev.number("bleu"), 31.2);
  EXPECT_TRUE(std::isnan(*ev.number("ppl")));  // non-finite values are written as null
  EXPECT_EQ(ev.texts.at("signature"), "nrefs:1|tok:13a");
  EXPECT_FALSE(ev.number("chrf"));
  EXPECT_THROW(parse_metric_event("[1,2]"), std::invalid_argument);
  EXPECT_THROW(parse_metric_event("{\"event\": 3}"), std::invalid_argument);
}

TEST(MetricsLog, ReadsAFileAndSkipsAHalfWrittenLastLine) {
  TempDir dir;
  write_file(dir / "m.jsonl",
             "{\"event\":\"train\",\"step\":100,\"loss\":5.0}\n\n"
             "{\"event\":\"valid\",\"step\":200,\"loss\":4.0,\"bleu\":3.5}\n"
             "{\"event\":\"train\",\"step\":300,\"lo");
  const auto events = read_metrics_log(dir / "m.jsonl");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].event, "valid");
  EXPECT_TRUE(read_metrics_log(dir / "missing.jsonl").empty());
}

TEST(MetricsLog, MalformedLineNamesFileAndLine) {
  TempDir dir;
  write_file(dir / "m.jsonl",
             "{\"event\":\"train\",\"step\":1}\n{oops\n{\"event\":\"train\",\"step\":2}\n");
  try {
    read_metrics_log(dir / "m.jsonl");
    FAIL() << "no DataError";
  } catch (const nmt::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("m.jsonl:2:"), std::string::npos) << e.what();
  }
}

TEST(MetricsLog, BestValidationFollowsTheCriterion) {
  std::vector<MetricEvent> events = {
      parse_metric_event(R"({"event":"valid","step":1000,"loss":3.0,"bleu":20.0,"chrf":50})"),
      parse_metric_event(R"({"event":"train","step":1500,"loss":1.0,"bleu":99})"),
      parse_metric_event(R"({"event":"valid","step":2000,"loss":2.5,"bleu":24.0,"chrf":49})"),
      parse_metric_event(R"({"event":"valid","step":3000,"loss":2.7,"bleu":24.0,"chrf":48})"),
  };
  EXPECT_EQ(best_validation(events, "bleu")->step, 2000);  // tie: the earlier step
  EXPECT_EQ(best_validation(events, "chrf")->step, 1000);
  EXPECT_EQ(best_validation(events, "loss")->step, 2000);
  EXPECT_FALSE(best_validation(events, "ter"));
  const auto series = metric_series(events, "valid", "bleu");
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[2], (std::pair<double, double>(3000, 24.0)));
}

// GET /metrics is Prometheus text: counters, a gauge and cumulative histograms.
#include <gtest/gtest.h>

#include "nmt/serving/serve_metrics.h"

TEST(ServeMetrics, HistogramBucketsAreCumulative) {
  nmt::serving::Histogram h({1, 2, 4});
  for (double v : {0.5, 1.0, 3.0, 9.0}) h.observe(v);
  const std::string text = h.render("x", "help");
  EXPECT_NE(text.find("# TYPE x histogram\n"), std::string::npos);
  EXPECT_NE(text.find("x_bucket{le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_bucket{le=\"2\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_bucket{le=\"4\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_sum 13.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_count 4\n"), std::string::npos) << text;
}

TEST(ServeMetrics, CountsRequestsSentencesAndBatches) {
  nmt::serving::ServeMetrics m;
  m.request_done("/translate", 200, 0.02);
  m.request_done("/translate", 200, 0.03);
  m.request_done("/translate", 400, 0.001);
  m.batch_done(3, 30, 33, 0.01);
  const std::string text = m.render(5, 100);
  EXPECT_NE(text.find("nmt_requests_total{endpoint=\"/translate\",code=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("nmt_requests_total{endpoint=\"/translate\",code=\"400\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("nmt_sentences_total 3\n"), std::string::npos);
  EXPECT_NE(text.find("nmt_target_tokens_total 33\n"), std::string::npos);
  EXPECT_NE(text.find("nmt_queue_sentences 5\n"), std::string::npos);
  EXPECT_NE(text.find("nmt_batch_sentences_bucket{le=\"4\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("nmt_request_seconds_count 3\n"), std::string::npos);
  EXPECT_EQ(m.sentences(), 3);
}

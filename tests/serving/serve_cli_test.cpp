// `nmt serve` end to end: the real binary on an ephemeral loopback port with a tiny model.
// Answers equal `nmt translate`'s byte for byte (alone, in a list, from concurrent clients),
// every documented bad input gets its 4xx JSON error, a full queue 503, SIGTERM answers the
// requests in flight and exits 0, and the page translates in headless Chromium.
#include <gtest/gtest.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <sstream>
#include <thread>

#include "support/cdp_browser.h"
#include "support/chromium.h"
#include "support/run_command.h"
#include "support/serve_process.h"
#include "support/synthetic_corpus.h"
#include "support/tiny_model_dir.h"

using nlohmann::json;
using nmt::test::ServeProcess;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class ServeCli : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new nmt::test::TempDir;
    nmt::test::make_tiny_model_dir(dir_->path);
    for (const auto& [s, t] : nmt::test::synthetic_pairs(16, 12, 9)) src_.push_back(s);
    src_[5] = "";
    const auto r = nmt::test::run_nmt("translate -m " + dir_->path + " --threads 1",
                                      nmt::test::join_lines(src_));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expected_ = lines_of(r.out);
    ASSERT_EQ(expected_.size(), src_.size());
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::unique_ptr<ServeProcess> serve(std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"--threads", "1"});
    return std::make_unique<ServeProcess>(NMT_BINARY, dir_->path, args);
  }
  static httplib::Client client(int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    c.set_connection_timeout(10, 0);
    return c;
  }
  static httplib::Result post(int port, const std::string& body, const char* path = "/translate") {
    return client(port).Post(path, body, "application/json");
  }

  static nmt::test::TempDir* dir_;
  static std::vector<std::string> src_, expected_;
};
nmt::test::TempDir* ServeCli::dir_ = nullptr;
std::vector<std::string> ServeCli::src_, ServeCli::expected_;

}  // namespace

TEST_F(ServeCli, AnswersEqualNmtTranslateAloneInAListAndFromConcurrentClients) {
  auto server = serve();
  const int port = server->port();
  auto health = client(port).Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["status"], "ok");
  auto info = client(port).Get("/info");
  ASSERT_TRUE(info);
  const json i = json::parse(info->body);
  EXPECT_EQ(i["model"]["d_model"], 32);
  EXPECT_EQ(i["precision"], "fp32");
  EXPECT_EQ(i["vocabulary"]["source"], 120);

  auto list = post(port, json{{"q", src_}}.dump());
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  EXPECT_EQ(json::parse(list->body)["translatedText"].get<std::vector<std::string>>(), expected_);

  std::vector<std::string> got(src_.size());
  std::vector<std::thread> clients;
  for (size_t k = 0; k < src_.size(); ++k)
    clients.emplace_back([&, k] {
      auto r = post(port, json{{"q", src_[k]}}.dump());
      if (r && r->status == 200)
        got[k] = json::parse(r->body)["translatedText"];
      else
        got[k] = "<failed>";
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(got, expected_);

  auto metrics = client(port).Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("nmt_requests_total{endpoint=\"/translate\",code=\"200\"} 17"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("nmt_batch_sentences_bucket"), std::string::npos);

  auto page = client(port).Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("id=\"translate\""), std::string::npos);
  EXPECT_EQ(page->body.find("http://"), std::string::npos) << "the page must be self-contained";
  EXPECT_EQ(page->body.find("https://"), std::string::npos);
}

TEST_F(ServeCli, BadInputGetsA4xxJsonErrorNamingTheFieldAndNothingElseBreaks) {
  auto server = serve({"--max-request-bytes", "400", "--max-lines", "4"});
  const int port = server->port();
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{\"q\": ", 400, ""},
      {R"({"text": "a"})", 400, "q"},
      {R"({"q": 7})", 400, "q"},
      {R"({"q": ["a", null]})", 400, "q[1]"},
      {"{\"q\": \"caf\xe9\"}", 400, ""},
      {R"({"q": "a", "beam": 0})", 400, "beam"},
      {R"({"q": "a", "nbest": 99})", 400, "nbest"},
      {R"({"q": "a", "length_penalty": "x"})", 400, "length_penalty"},
      {R"({"q": ["a", "b", "c", "d", "e"]})", 413, "q"},
      {json{{"q", std::string(500, 'a')}}.dump(), 413, "body"},
  };
  for (const Case& c : cases) {
    auto r = post(port, c.body);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, c.status) << c.body << " -> " << r->body;
    const json j = json::parse(r->body);
    EXPECT_TRUE(j.contains("error")) << r->body;
    EXPECT_EQ(j.value("field", ""), c.field) << c.body << " -> " << r->body;
  }
  auto missing = client(port).Get("/no-such-page");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(json::parse(missing->body)["error"].get<std::string>().find("/no-such-page"),
            std::string::npos);
  auto ok = post(port, json{{"q", src_[0]}}.dump());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(json::parse(ok->body)["translatedText"], expected_[0]);
}

TEST_F(ServeCli, AFullQueueAnswers503AndSigtermFinishesTheRequestsInFlight) {
  auto server = serve({"--queue", "1", "--max-delay-ms", "4000"});
  const int port = server->port();
  int first_status = 0;
  std::string first_body;
  std::thread waiting([&] {
    auto r = post(port, json{{"q", src_[0]}}.dump());
    if (r) {
      first_status = r->status;
      first_body = r->body;
    }
  });
  // The first request sits in the queue for up to 4 s waiting for company.
  for (int i = 0; i < 200; ++i) {
    auto m = client(port).Get("/health");
    if (m && json::parse(m->body)["queue_sentences"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto refused = post(port, json{{"q", src_[1]}}.dump());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  EXPECT_NE(json::parse(refused->body)["error"].get<std::string>().find("queue is full"),
            std::string::npos);

  server->child().kill(SIGTERM);
  waiting.join();
  ASSERT_EQ(first_status, 200) << first_body;
  EXPECT_EQ(json::parse(first_body)["translatedText"], expected_[0]);
  ASSERT_TRUE(server->child().wait_for(std::chrono::seconds(30))) << server->log();
  EXPECT_EQ(server->child().exit_code(), 0) << server->log();
  EXPECT_NE(server->log().find("SIGTERM"), std::string::npos) << server->log();
}

TEST_F(ServeCli, ThePageTranslatesInHeadlessChromium) {
  NMT_REQUIRE_CHROMIUM();
  auto server = serve();
  nmt::test::CdpBrowser browser;
  browser.open("http://127.0.0.1:" + std::to_string(server->port()) + "/");
  browser.type_into("source", src_[2]);
  browser.click("translate");
  const std::string shown = browser.wait_for_text("document.getElementById('result').textContent",
                                                  std::chrono::seconds(60));
  EXPECT_EQ(shown, expected_[2]);
  EXPECT_NE(
      browser.eval("document.getElementById('timing').textContent").get<std::string>().find(" ms"),
      std::string::npos);
  EXPECT_EQ(browser.console_messages(), "");
  const std::string png = browser.screenshot();
  EXPECT_GT(png.size(), 8000u);
  if (const char* out = std::getenv("NMT_SCREENSHOT")) nmt::test::write_file(out, png);
}

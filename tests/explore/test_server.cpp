// explore/server.cpp over real sockets: the page, the API's statuses, bounds,
// superseded requests, and a client that leaves mid-request.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "explore/server.hpp"
#include "support.hpp"

using nlohmann::json;
namespace ex = ds::explore;

namespace {

// The server on a free port of 127.0.0.1, serving from a thread until the
// object goes out of scope.
class Running {
 public:
  explicit Running(const std::filesystem::path& baseline, int threads = 2,
                   decltype(ex::ServerOptions::build_report) report = {})
      : server_(options(baseline, threads, std::move(report))) {
    std::string error;
    REQUIRE(server_.bind(error));
    thread_ = std::thread([this] { server_.serve(); });
  }
  ~Running() {
    server_.stop();
    thread_.join();
  }
  httplib::Client client(double timeout_seconds = 120) const {
    httplib::Client c("127.0.0.1", server_.port());
    const auto us = static_cast<long long>(timeout_seconds * 1e6);
    c.set_read_timeout(us / 1000000, us % 1000000);
    return c;
  }

 private:
  static ex::ServerOptions options(const std::filesystem::path& baseline, int threads,
                                   decltype(ex::ServerOptions::build_report) report) {
    ex::ServerOptions o;
    o.build_report = std::move(report);
    o.baseline = baseline;
    o.port = 0;
    o.threads = threads;
    return o;
  }
  ex::Server server_;
  std::thread thread_;
};

std::string reference() { return std::string(DISTRICTSIM_SOURCE_DIR) + "/scenarios/reference.toml"; }

json body_of(const httplib::Result& r) { return json::parse(r->body); }

}  // namespace

TEST_CASE("explore server: the page, its charting library and the baseline", "[explore]") {
  Running s(reference());
  auto c = s.client();
  const auto page = c.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<title>districtsim explore</title>") != std::string::npos);
  CHECK(page->body.find("src=\"/chart.js\"") != std::string::npos);
  // Nothing on the page is fetched from elsewhere.
  CHECK(page->body.find("http://") == std::string::npos);
  CHECK(page->body.find("https://") == std::string::npos);
  const auto chart = c.Get("/chart.js");
  REQUIRE(chart);
  CHECK(chart->status == 200);
  CHECK(chart->body.find("Chart.js v3") != std::string::npos);
  const auto base = c.Get("/api/baseline");
  REQUIRE(base);
  CHECK(base->status == 200);
  CHECK(body_of(base)["district"]["schools"] == 100);
  const auto missing = c.Get("/nothing");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("explore server: bad values 400 with the validator's message, bad requests refused, the server unharmed",
          "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml",
                       "[scenario]\nname = \"small\"\nyears = 5\nreplications = 4\n[district]\nschools = 4\n"
                       "teachers_per_school = 10\n");
  Running s(dir / "small.toml");
  auto c = s.client();
  const auto bad = c.Post("/api/whatif", R"({"set": {"strategy.pace": 1.8}})", "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(body_of(bad)["errors"][0] == "strategy.pace: value 1.8 is out of range (expected a number in 0..1)");
  const auto malformed = c.Post("/api/whatif", R"({"set": )", "application/json");
  REQUIRE(malformed);
  CHECK(malformed->status == 400);
  CHECK(body_of(malformed)["errors"][0].get<std::string>().rfind("request: malformed JSON", 0) == 0);
  const auto huge = c.Post("/api/whatif", std::string(ex::kMaxBody + 1, ' '), "application/json");
  REQUIRE(huge);
  CHECK(huge->status == 413);
  const auto ok = c.Post("/api/whatif", R"({"set": {"strategy.pace": 0.9}})", "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(body_of(ok)["replications"] == 4);
  const auto saved = c.Post("/api/scenario", R"({"set": {"strategy.pace": 0.9}})", "application/json");
  REQUIRE(saved);
  CHECK(saved->status == 200);
  CHECK(saved->get_header_value("Content-Disposition").find("whatif.toml") != std::string::npos);
  CHECK(saved->body.find("pace = 0.9") != std::string::npos);
}

TEST_CASE("explore server: a newer what-if from the same page supersedes the older, others wait their turn",
          "[explore][slow]") {
  Running s(reference());
  const std::string older = R"({"client": "page-1", "set": {"strategy.pace": 0.7}, "replications": 60})";
  const std::string newer = R"({"client": "page-1", "set": {"strategy.pace": 0.8}, "replications": 60})";
  const std::string other = R"({"client": "page-2", "set": {"strategy.pace": 0.3}, "replications": 10})";
  auto first = std::async(std::launch::async, [&] {
    auto c = s.client();
    return c.Post("/api/whatif", older, "application/json")->status;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto second = std::async(std::launch::async, [&] {
    auto c = s.client();
    return c.Post("/api/whatif", newer, "application/json")->status;
  });
  auto third = std::async(std::launch::async, [&] {
    auto c = s.client();
    return c.Post("/api/whatif", other, "application/json")->status;
  });
  const int a = first.get(), b = second.get(), d = third.get();
  // One of the page's two was superseded (409), the other answered; the
  // other page's waited for its turn and was answered.
  CHECK(std::min(a, b) == 200);
  CHECK(std::max(a, b) == 409);
  CHECK(d == 200);
}

TEST_CASE("explore server: a client that leaves mid-request does not harm the server", "[explore][slow]") {
  Running s(reference());
  {
    auto impatient = s.client(0.2);
    const auto gone = impatient.Post("/api/whatif", R"({"replications": 40})", "application/json");
    CHECK_FALSE(gone);  // timed out and closed its connection
  }
  auto c = s.client();
  const auto next = c.Post("/api/whatif", R"({"set": {"strategy.pace": 0.6}, "replications": 10})", "application/json");
  REQUIRE(next);
  CHECK(next->status == 200);
}

TEST_CASE("explore server: load and the full report", "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml",
                       "[scenario]\nname = \"small\"\nyears = 5\nreplications = 4\n[district]\nschools = 4\n"
                       "teachers_per_school = 10\n");
  // A stand-in for `districtsim compare --report`: it is given the baseline
  // and the saved what-if, and writes a report.
  std::vector<std::string> given;
  Running s(dir / "small.toml", 1,
            [&given](const std::filesystem::path& base, const std::filesystem::path& whatif,
                     const std::filesystem::path& out, std::string&) {
              given = {base.string(), ds::test::read_file(whatif)};
              std::filesystem::create_directories(out);
              ds::test::write_file(out / "report.html", "<html>the report</html>");
              return true;
            });
  auto c = s.client();
  const auto loaded = c.Post("/api/load", json{{"name", "w.toml"}, {"toml", "[strategy]\npace = 0.7\n"}}.dump(),
                             "application/json");
  REQUIRE(loaded);
  CHECK(loaded->status == 200);
  CHECK(body_of(loaded)["set"]["strategy.pace"] == 0.7);
  const auto bad = c.Post("/api/load", json{{"name", "w.toml"}, {"toml", "[strategy]\npace = 7\n"}}.dump(),
                          "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(body_of(bad)["errors"][0].get<std::string>().rfind("w.toml:2:", 0) == 0);
  const auto made = c.Post("/api/report", R"({"set": {"strategy.pace": 0.9}})", "application/json");
  REQUIRE(made);
  REQUIRE(made->status == 200);
  CHECK(given.at(0) == (dir / "small.toml").string());
  CHECK(given.at(1).find("pace = 0.9") != std::string::npos);
  const auto page = c.Get(body_of(made)["url"].get<std::string>());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body == "<html>the report</html>");
  const auto none = c.Get("/reports/99/report.html");
  REQUIRE(none);
  CHECK(none->status == 404);
}

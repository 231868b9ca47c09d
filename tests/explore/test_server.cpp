// explore/server.cpp over real sockets: the page, the API's statuses, bounds,
// superseded requests, a client that leaves mid-request, stopping, and
// requests from other sites.
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

using Report = decltype(ex::ServerOptions::build_report);

// The server on a free port of 127.0.0.1, serving from a thread until the
// object goes out of scope.
class Running {
 public:
  explicit Running(const std::filesystem::path& baseline, Report report = {}, int threads = 2)
      : server_(options(baseline, std::move(report), threads)) {
    std::string error;
    REQUIRE(server_.bind(error));
    thread_ = std::thread([this] { server_.serve(); });
    // A first request from this thread: httplib's client reads every response
    // with a function-local static std::regex, initialized inside Debian's
    // uninstrumented libcpp-httplib, whose guard ThreadSanitizer cannot see;
    // initialized here, before the tests' client threads exist, it is ordered
    // before all of them (two clients starting at once were reported as a race).
    const auto up = client().Get("/api/baseline");
    REQUIRE(up);
  }
  ~Running() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  httplib::Client client(double timeout_seconds = 120) const {
    httplib::Client c("127.0.0.1", server_.port());
    const auto us = static_cast<long long>(timeout_seconds * 1e6);
    c.set_read_timeout(us / 1000000, us % 1000000);
    return c;
  }
  int port() const { return server_.port(); }

 private:
  static ex::ServerOptions options(const std::filesystem::path& baseline, Report report, int threads) {
    std::vector<std::string> errors;
    ex::ServerOptions o;
    o.baseline = *ex::read_baseline(baseline, errors);
    o.port = 0;
    o.threads = threads;
    o.build_report = std::move(report);
    return o;
  }
  ex::Server server_;
  std::thread thread_;
};

// A report that holds the engine until released: what-ifs sent meanwhile
// wait for their turn, deterministically.
class Gate {
 public:
  Report report() {
    return [this](const ex::ReportJob& job, const std::atomic<bool>& cancel, std::string&) {
      {
        std::unique_lock lock(m_);
        held_ = true;
        cv_.notify_all();
        while (!cv_.wait_for(lock, std::chrono::milliseconds(10), [&] { return open_ || cancel.load(); })) {
        }
      }
      std::filesystem::create_directories(job.out);
      ds::test::write_file(job.out / "report.html", "<html>the report</html>");
      return !cancel.load();
    };
  }
  void wait_held() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return held_; });
  }
  void open() {
    std::lock_guard lock(m_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool held_ = false, open_ = false;
};

std::string reference() { return std::string(DISTRICTSIM_SOURCE_DIR) + "/scenarios/reference.toml"; }

std::filesystem::path small(const ds::test::TempDir& dir) {
  ds::test::write_file(dir / "small.toml",
                       "[scenario]\nname = \"small\"\nyears = 5\nreplications = 4\n[district]\nschools = 4\n"
                       "teachers_per_school = 10\n");
  return dir / "small.toml";
}

json body_of(const httplib::Result& r) { return json::parse(r->body); }

int get_status(const Running& s, const std::string& path) {
  auto c = s.client();
  const auto r = c.Get(path.c_str());
  return r ? r->status : -1;
}

int post_status(const Running& s, const std::string& path, const std::string& body) {
  auto c = s.client();
  const auto r = c.Post(path.c_str(), body, "application/json");
  return r ? r->status : -1;
}

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
  CHECK(get_status(s, "/nothing") == 404);
}

TEST_CASE("explore server: bad values 400 with the validator's message, bad requests refused, the server unharmed",
          "[explore]") {
  ds::test::TempDir dir;
  Running s(small(dir));
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
  // No reports from a server not given how to build them.
  CHECK(post_status(s, "/api/report", "{}") == 501);
}

TEST_CASE("explore server: requests for another host or from another site's page are refused", "[explore]") {
  ds::test::TempDir dir;
  Running s(small(dir));
  auto c = s.client();
  const std::string here = "127.0.0.1:" + std::to_string(s.port());
  const auto named = c.Get("/api/baseline", {{"Host", "localhost:" + std::to_string(s.port())}});
  REQUIRE(named);
  CHECK(named->status == 200);
  const auto rebound = c.Get("/api/baseline", {{"Host", "attacker.example:" + std::to_string(s.port())}});
  REQUIRE(rebound);
  CHECK(rebound->status == 403);
  const auto cross = c.Post("/api/whatif", {{"Origin", "http://attacker.example"}}, "{}", "application/json");
  REQUIRE(cross);
  CHECK(cross->status == 403);
  const auto same = c.Post("/api/whatif", {{"Origin", "http://" + here}}, "{}", "application/json");
  REQUIRE(same);
  CHECK(same->status == 200);
}

TEST_CASE("explore server: load and the full report", "[explore]") {
  ds::test::TempDir dir;
  // A stand-in for `districtsim compare --report`: it is given the baseline,
  // the saved what-if, and the what-if's runs, and writes a report.
  ex::ReportJob given;
  std::string saved;
  Running s(small(dir), [&](const ex::ReportJob& job, const std::atomic<bool>&, std::string&) {
    given = job;
    saved = ds::test::read_file(job.whatif);
    std::filesystem::create_directories(job.out);
    ds::test::write_file(job.out / "report.html", "<html>the report</html>");
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
  const auto made = c.Post("/api/report", R"({"set": {"strategy.pace": 0.9}, "replications": 6, "years": 4})",
                           "application/json");
  REQUIRE(made);
  REQUIRE(made->status == 200);
  CHECK(given.baseline == dir / "small.toml");
  CHECK(given.replications == 6);
  CHECK(given.years == 4);
  CHECK(saved.find("pace = 0.9") != std::string::npos);
  const auto page = c.Get(body_of(made)["url"].get<std::string>());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body == "<html>the report</html>");
  CHECK(get_status(s, "/reports/99/report.html") == 404);
}

TEST_CASE("explore server: a newer what-if from the same page supersedes the older, others wait their turn",
          "[explore]") {
  ds::test::TempDir dir;
  Gate gate;
  Running s(small(dir), gate.report());
  // The engine is busy with a report; what-ifs queue behind it.
  auto report = std::async(std::launch::async, [&] { return post_status(s, "/api/report", "{}"); });
  gate.wait_held();
  auto older = std::async(std::launch::async, [&] {
    return post_status(s, "/api/whatif", R"({"client": "page-1", "seq": 1, "set": {"strategy.pace": 0.7}})");
  });
  auto other = std::async(std::launch::async, [&] {
    return post_status(s, "/api/whatif", R"({"client": "page-2", "seq": 1, "set": {"strategy.pace": 0.3}})");
  });
  // The older is answered 409 as soon as the newer arrives, while the engine is still held.
  CHECK(post_status(s, "/api/whatif", R"({"client": "page-1", "seq": 0})") == 409);  // arrives late: already superseded
  auto newer = std::async(std::launch::async, [&] {
    return post_status(s, "/api/whatif", R"({"client": "page-1", "seq": 2, "set": {"strategy.pace": 0.8}})");
  });
  CHECK(older.get() == 409);
  gate.open();
  CHECK(report.get() == 200);
  CHECK(newer.get() == 200);
  CHECK(other.get() == 200);
}

TEST_CASE("explore server: a client that leaves mid-request does not harm the server", "[explore]") {
  ds::test::TempDir dir;
  Gate gate;
  Running s(small(dir), gate.report());
  auto report = std::async(std::launch::async, [&] { return post_status(s, "/api/report", "{}"); });
  gate.wait_held();
  {
    auto impatient = s.client(0.2);
    const auto gone = impatient.Post("/api/whatif", R"({"set": {"strategy.pace": 0.2}})", "application/json");
    CHECK_FALSE(gone);  // timed out waiting, and closed its connection
  }
  gate.open();
  CHECK(report.get() == 200);
  CHECK(post_status(s, "/api/whatif", R"({"set": {"strategy.pace": 0.6}})") == 200);
}

TEST_CASE("explore server: stopping answers what waits and cancels what runs", "[explore]") {
  ds::test::TempDir dir;
  Gate gate;  // never opened: the stop must end the report
  Running s(small(dir), gate.report());
  auto report = std::async(std::launch::async, [&] { return post_status(s, "/api/report", "{}"); });
  gate.wait_held();
  auto waiting = std::async(std::launch::async, [&] { return post_status(s, "/api/whatif", R"({"client": "p"})"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s.stop();  // returns: the server is no longer serving
  // Each answered (409: cancelled) or had its connection closed by the stop.
  for (int status : {report.get(), waiting.get()}) CHECK((status == 409 || status == -1));
}

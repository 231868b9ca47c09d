// The local web server of `districtsim explore` (cpp-httplib): the page, the
// charting library it draws with (both built into the program, so that no
// request leaves the machine), and the JSON API of docs/explore.md:
//
//   GET  /                 the page
//   GET  /chart.js         Chart.js (Debian's libjs-chart.js)
//   GET  /api/baseline     the pinned baseline (explore::describe_baseline)
//   POST /api/whatif       run a what-if against it (explore::run_whatif)
//   POST /api/scenario     the what-if as a scenario file (explore::save_whatif)
//   POST /api/load         a scenario file read on the page (explore::load_whatif)
//   POST /api/report       the full comparison report of the what-if; then
//   GET  /reports/N/report.html
//
// A bad value gets 400 with the validator's "key: problem (expected ...)"
// messages; a body over kMaxBody bytes 413; a what-if superseded by a newer
// one from the same page ("client", "seq") 409, its runs not yet started
// cancelled. What-ifs and reports run one at a time (each on every engine
// thread); later ones wait, and a waiting one that is superseded leaves
// without running. Requests naming another host than the one served, or
// coming from another site's page, are refused (403): a page on the web
// cannot drive a server on 127.0.0.1.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "explore/whatif.hpp"

namespace httplib {
class Server;
}

namespace ds::explore {

inline constexpr std::size_t kMaxBody = 64 * 1024;

// What "full report" compares: the baseline file and the saved what-if,
// with the what-if's replications, horizon and seed for both, into `out`.
struct ReportJob {
  std::filesystem::path baseline, whatif, out;
  int replications = 0;
  int years = 0;
  std::uint64_t seed = 0;
};

struct ServerOptions {
  Baseline baseline;               // pinned: its file and text (read_baseline)
  std::string baseline_shown;      // its name on the page (as the user gave it; "" = the file)
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0: any free port
  int threads = 1;                 // engine threads of a what-if
  // Builds the report of `job` (its report.html in job.out), or false with
  // `error`; `cancel` becomes true when the server stops. The program gives
  // `districtsim compare --report`; none: the server builds no reports (501).
  std::function<bool(const ReportJob& job, const std::atomic<bool>& cancel, std::string& error)> build_report;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the address; false (with `error`) if it cannot. Then port() is the
  // port bound (the free one chosen for port 0).
  bool bind(std::string& error);
  int port() const { return port_; }
  // Runs the baseline's own runs now, before the page asks (about as long
  // as one what-if); stop() cuts it short.
  void prepare();
  // Serves until stop().
  void serve();
  // From any thread: stops serving, and every what-if or report running or
  // waiting (they answer 409). Once stopped, a server stays stopped.
  void stop();

 private:
  struct Impl;
  ServerOptions o_;
  int port_ = 0;
  std::unique_ptr<Impl> impl_;
};

// The page and the charting library, built into the program (page.cpp is
// generated at build time from explore/page/explore.html and Debian's
// Chart.js; sim/CMakeLists.txt).
extern const char* const kPageHtml;
extern const char* const kChartJs;

}  // namespace ds::explore

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
// one from the same page ("client") 409, its runs not yet started cancelled.
// What-ifs run one at a time (each on every engine thread); later ones wait,
// and a waiting one that is superseded leaves without running.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace ds::explore {

inline constexpr std::size_t kMaxBody = 64 * 1024;

struct ServerOptions {
  std::filesystem::path baseline;  // the scenario file pinned as the baseline
  std::string baseline_shown;      // its name on the page (as the user gave it; "" = baseline)
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0: any free port
  int threads = 1;                 // engine threads of a what-if
  // "full report": compares the baseline with `whatif` (a scenario file) into
  // the results folder `out`, with its report.html; false with `error` if
  // not. The program gives `districtsim compare --report`; none: no reports.
  std::function<bool(const std::filesystem::path& baseline, const std::filesystem::path& whatif,
                     const std::filesystem::path& out, std::string& error)>
      build_report;
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
  // as one what-if).
  void prepare();
  // Serves until stop() (from another thread or a signal handler's thread).
  void serve();
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

// `districtsim explore`: the what-if explorer in the browser. Serves the page
// and its API (explore/server.hpp) on a local address until Ctrl-C.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "explore/server.hpp"
#include "explore/whatif.hpp"

namespace ds::cli {

int cmd_explore(const ExploreArgs& a) {
  namespace fs = std::filesystem;
  if (!fs::exists(a.scenario)) {
    std::cerr << "districtsim: explore: no scenario file " << a.scenario << '\n';
    return kBadInput;
  }
  std::vector<std::string> errors;
  const auto described = ds::explore::describe_baseline(a.scenario, errors);
  if (!described) {
    for (const std::string& e : errors) std::cerr << e << '\n';
    return kBadInput;
  }
  // Ctrl-C and SIGTERM stop the server. Every thread blocks them (the mask is
  // set before any thread is made) and one waits for them and stops the
  // server: not a signal handler, since stopping takes locks.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);  // serve() ended by itself: the waiter leaves
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ds::explore::ServerOptions o;
  o.baseline = fs::absolute(a.scenario).lexically_normal();
  o.baseline_shown = a.scenario;
  o.host = a.host;
  o.port = a.port;
  o.threads = a.threads;
  // "full report": `districtsim compare BASELINE WHATIF --report`, in-process.
  o.build_report = [threads = a.threads](const fs::path& baseline, const fs::path& whatif, const fs::path& out,
                                         std::string& error) {
    CompareArgs c;
    c.scenarios = {baseline.string(), whatif.string()};
    c.out = out.string();
    c.threads = threads;
    c.quiet = true;
    c.force = true;
    const std::vector<std::string> argv{ds::program_command(), "compare", c.scenarios[0], c.scenarios[1],
                                        "--out", c.out};
    if (cmd_compare(c, argv) != kOk) {
      error = "districtsim compare failed (its messages are in the terminal running explore)";
      return false;
    }
    if (cmd_report(c.out, false, true) != kOk) {
      error = "the report could not be built (its messages are in the terminal running explore)";
      return false;
    }
    return true;
  };
  ds::explore::Server server(o);
  std::string error;
  if (!server.bind(error)) {
    std::cerr << "districtsim: explore: " << error << "; give another --port\n";
    return kBadInput;
  }
  std::cout << "districtsim explore: the baseline is " << o.baseline.string() << "; running its "
            << (*described)["replications"].get<int>() << " replications first..." << std::endl;
  server.prepare();
  const std::string shown_host = a.host == "0.0.0.0" ? "localhost" : a.host;
  std::cout << "open http://" << shown_host << ":" << server.port() << "/ in a browser; Ctrl-C stops\n"
            << std::flush;
  std::atomic<bool> served{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    // A signal during prepare() arrives before serve() listens: stop until it ends.
    while (sig != SIGUSR1 && !served.load()) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  server.serve();
  served.store(true);
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  return kOk;
}

}  // namespace ds::cli

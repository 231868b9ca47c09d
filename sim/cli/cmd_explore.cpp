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

namespace {

// "full report": `districtsim compare BASELINE WHATIF --report`, in-process,
// with the what-if's replications, horizon and seed for both.
bool compare_report(const ds::explore::ReportJob& job, int threads, std::string& error) {
  CompareArgs c;
  c.scenarios = {job.baseline.string(), job.whatif.string()};
  c.out = job.out.string();
  c.threads = threads;
  c.quiet = true;
  c.force = true;
  c.replications = job.replications;
  c.seed = job.seed;
  c.seed_given = true;
  c.sets = {"scenario.years=" + std::to_string(job.years)};
  const std::vector<std::string> argv{ds::program_command(), "compare", c.scenarios[0], c.scenarios[1], "--out",
                                      c.out,  "--set",  c.sets[0], "--replications", std::to_string(c.replications),
                                      "--seed", std::to_string(c.seed)};
  if (cmd_compare(c, argv) != kOk) {
    error = "districtsim compare failed (its messages are in the terminal running explore)";
    return false;
  }
  if (cmd_report(c.out, false, true) != kOk) {
    error = "the report could not be built (its messages are in the terminal running explore)";
    return false;
  }
  return true;
}

}  // namespace

int cmd_explore(const ExploreArgs& a) {
  namespace fs = std::filesystem;
  std::vector<std::string> errors;
  std::optional<ds::explore::Baseline> baseline = ds::explore::read_baseline(a.scenario, errors);
  if (!baseline) {
    for (const std::string& e : errors) std::cerr << e << '\n';
    return kBadInput;
  }
  // Ctrl-C and SIGTERM stop the server. Every thread blocks them (the mask is
  // set before any thread is made) and one waits for them and stops the
  // server: not a signal handler, since stopping takes locks. A second one
  // ends the program at once.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);  // serve() ended by itself: the waiter leaves
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ds::explore::ServerOptions o;
  o.baseline = std::move(*baseline);
  o.baseline_shown = a.scenario;
  o.host = a.host;
  o.port = a.port;
  o.threads = a.threads;
  o.build_report = [threads = a.threads](const ds::explore::ReportJob& job, const std::atomic<bool>&,
                                         std::string& error) { return compare_report(job, threads, error); };
  const int replications = ds::explore::describe_baseline(o.baseline)["replications"];
  ds::explore::Server server(o);
  std::string error;
  if (!server.bind(error)) {
    std::cerr << "districtsim: explore: " << error << "; give another --port\n";
    return kBadInput;
  }
  std::atomic<bool> served{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (sig == SIGUSR1) return;
    g_interrupted.store(true);  // a report's compare stops starting runs
    std::cerr << "districtsim explore: stopping (Ctrl-C again ends it at once)\n";
    std::thread second([&] {
      int again = 0;
      sigwait(&stop_signals, &again);
      if (again != SIGUSR1) std::_Exit(sig == SIGINT ? kInterrupted : kTerminated);
    });
    server.stop();
    while (!served.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    pthread_kill(second.native_handle(), SIGUSR1);
    second.join();
  });
  std::cout << "districtsim explore: the baseline is " << a.scenario << "; running its " << replications
            << " replications first..." << std::endl;
  server.prepare();
  const std::string host = a.host == "0.0.0.0" ? "localhost" : a.host;
  std::cout << "open http://" << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":"
            << server.port() << "/ in a browser; Ctrl-C stops\n"
            << std::flush;
  server.serve();
  served.store(true);
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  return kOk;
}

}  // namespace ds::cli

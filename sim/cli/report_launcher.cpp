// `districtsim report` and --report: analysis/report.py builds the HTML.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"

namespace ds::cli {

// The report support (analysis/: report.py and its package): the folder
// DISTRICTSIM_ANALYSIS names; else, for an installed program, the one
// installed beside it (PREFIX/bin/districtsim and
// PREFIX/share/districtsim/analysis, scripts/install); else the source
// tree's, for the program in its build folder.
std::string analysis_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("DISTRICTSIM_ANALYSIS"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / DISTRICTSIM_INSTALLED_ANALYSIS_DIR;
    if (fs::is_regular_file(installed / "report.py", ec)) return installed.string();
  }
  return DISTRICTSIM_ANALYSIS_DIR;
}

// The HTML report is built by analysis/report.py with Debian's Python (the
// one that has pandas and matplotlib).
int cmd_report(const std::string& dir, bool png, bool quiet, const std::vector<std::string>& heatmaps,
               const std::string& outcome, const std::vector<std::string>& material) {
  const std::string script = analysis_dir() + "/report.py";
  std::vector<std::string> args = {"/usr/bin/python3", script, dir};
  if (png) args.push_back("--png");
  if (quiet) args.push_back("--quiet");
  for (const auto& h : heatmaps) args.insert(args.end(), {"--heatmap", h});
  if (!outcome.empty()) args.insert(args.end(), {"--outcome", outcome});
  for (const auto& m : material) args.insert(args.end(), {"--material", m});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    std::cerr << "districtsim: report: cannot start " << script << '\n';
    return kFailure;
  }
  if (pid == 0) {
    // The child starts with no signal blocked (explore blocks SIGINT and
    // SIGTERM in its threads, and a fork keeps the mask): Ctrl-C reaches it.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    std::cerr << "districtsim: report: cannot run /usr/bin/python3 " << script << " (scripts/setup installs it)\n";
    _exit(kFailure);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : kFailure;
}

}  // namespace ds::cli

// Helpers shared by the tests that touch files or run the districtsim binary.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "output.hpp"

namespace ds::test {

// A fresh directory under the system temp dir, removed with everything in it
// when the object goes out of scope. Unique per process and instance, so
// tests can run in parallel (ctest -j).
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("districtsim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct CommandResult {
  int status = -1;  // exit status
  std::string out, err;
};

// Runs the districtsim binary with `args`, capturing stdout and stderr.
inline CommandResult run_districtsim(const std::vector<std::string>& args) {
  TempDir capture;
  std::string cmd = shell_quote(DISTRICTSIM_BINARY);
  // (Appending piece by piece: `"literal" + std::string` trips GCC 12's
  // -Wrestrict false positive, PR 105329.)
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " > ";
  cmd += shell_quote((capture / "out").string());
  cmd += " 2> ";
  cmd += shell_quote((capture / "err").string());
  cmd += " < /dev/null";
  const int raw = std::system(cmd.c_str());
  CommandResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(capture / "out");
  r.err = read_file(capture / "err");
  return r;
}

// Starts the districtsim binary with `args` in the background, stdout and
// stderr to the given files, stdin from /dev/null; returns its pid. With
// `file_size_limit` (bytes), no file it writes may grow beyond that
// (RLIMIT_FSIZE, `ulimit -f`): a full disk, for one file at a time.
inline pid_t spawn_districtsim(const std::vector<std::string>& args,
                               const std::filesystem::path& out, const std::filesystem::path& err,
                               long file_size_limit = -1) {
  std::vector<std::string> all = {DISTRICTSIM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (file_size_limit >= 0) {
      const rlimit limit{static_cast<rlim_t>(file_size_limit), static_cast<rlim_t>(file_size_limit)};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
    }
    if (!std::freopen("/dev/null", "r", stdin) || !std::freopen(out.c_str(), "w", stdout) ||
        !std::freopen(err.c_str(), "w", stderr))
      ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for `pid`; its exit status, or 128 + the signal that killed it.
inline int wait_exit(pid_t pid) {
  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0) {
  }
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

// FNV-1a, 64 bit.
inline std::uint64_t fnv1a(const std::string& data) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// A small valid scenario: 10 schools, 8 years, 8 replications.
inline std::string small_scenario_toml() {
  return "[scenario]\n"
         "name = \"determinism\"\n"
         "years = 8\n"
         "replications = 8\n"
         "seed = 12345\n"
         "[district]\n"
         "schools = 10\n"
         "teachers_per_school = 20\n"
         "[strategy]\n"
         "pace = 0.7\n"
         "need_priority = 0.3\n";
}

}  // namespace ds::test

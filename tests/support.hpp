// Helpers shared by the tests that touch files or run the districtsim binary.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/designs.hpp"
#include "output/output.hpp"

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

// The non-empty lines of a file.
inline std::vector<std::string> read_lines(const std::filesystem::path& p) {
  std::vector<std::string> lines;
  for (std::string& line : lines_of(read_file(p)))
    if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// How many entries `dir` has.
inline std::size_t entries(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                                std::filesystem::directory_iterator{}));
}

// A CSV line's fields, split at every comma (the tests' files quote nothing);
// "a,,b," gives four fields, the last empty.
inline std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',')
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

// `s` with every "DIR/" removed: diagnostics relative to a corpus folder, so
// that expected messages do not depend on where the checkout is.
inline std::string relative_to(std::string s, const std::filesystem::path& dir) {
  const std::string prefix = dir.string() + "/";
  for (std::size_t at; (at = s.find(prefix)) != std::string::npos;) s.erase(at, prefix.size());
  return s;
}

// A corpus of invalid inputs: every NAME.toml in `corpus` (at least
// `at_least` of them) must fail to load with exactly the diagnostics of
// NAME.expected, one a line, paths relative to `corpus`. `load(path)`
// returns a result with ok() and diagnostics (LoadResult, SweepLoadResult).
template <class Load>
void check_corpus(const std::filesystem::path& corpus, std::size_t at_least, Load load) {
  std::vector<std::filesystem::path> cases;
  for (const auto& e : std::filesystem::directory_iterator(corpus))
    if (e.path().extension() == ".toml") cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= at_least);
  for (const auto& file : cases) {
    const std::filesystem::path expected_file =
        std::filesystem::path(file).replace_extension(".expected");
    INFO(file.filename().string());
    REQUIRE(std::filesystem::exists(expected_file));
    const auto r = load(file);
    CHECK_FALSE(r.ok());
    std::vector<std::string> actual;
    for (const auto& d : r.diagnostics) actual.push_back(relative_to(d.to_string(), corpus));
    CHECK(actual == read_lines(expected_file));
  }
}

struct CommandResult {
  int status = -1;  // exit status
  std::string out, err;
  long max_rss_kib = 0;  // peak resident memory (ChildOptions::measure_memory)
};

// Runs the shell command `cmd` (stdin /dev/null), capturing stdout and stderr.
inline CommandResult run_shell(std::string cmd) {
  TempDir capture;
  // (Appending piece by piece: `"literal" + std::string` trips GCC 12's
  // -Wrestrict false positive, PR 105329.)
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

// Runs the districtsim binary with `args`, capturing stdout and stderr.
inline CommandResult run_districtsim(const std::vector<std::string>& args) {
  std::string cmd = shell_quote(DISTRICTSIM_BINARY);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  return run_shell(std::move(cmd));
}

// How run_districtsim_in starts the program: what it changes in the child
// between fork and exec.
struct ChildOptions {
  std::vector<std::pair<std::string, std::string>> env{};  // set in the child only
  // RLIMIT_FSIZE in bytes: a write past it fails with EFBIG (SIGXFSZ, which
  // would kill the process instead, is ignored in the child): a disk that
  // fills up, without filling one.
  std::optional<rlim_t> file_size_limit{};
  bool ignore_sigxfsz = true;  // false: leave SIGXFSZ at its default (the process dies)
  // Run as this user and group (root only): root ignores file permissions,
  // so tests of unwritable directories drop to `nobody` when run as root.
  std::optional<uid_t> uid{};
  std::optional<gid_t> gid{};
  // Measure the program's peak resident memory (CommandResult::max_rss_kib)
  // with /usr/bin/time (scripts/setup installs it). Not with wait4's rusage:
  // a child forked from the test process counts the test's own pages
  // until it execs, and ru_maxrss keeps that high-water mark.
  bool measure_memory = false;
};

// Who may not write into a 0555 directory: root may, so as root the child
// runs as `nobody` (uid and gid 65534).
inline ChildOptions unprivileged() {
  ChildOptions o;
  if (::geteuid() == 0) {
    o.uid = 65534;
    o.gid = 65534;
  }
  return o;
}

// Runs the districtsim binary with `args` as run_districtsim does, through
// fork and exec (no shell), changing the child as `o` says.
inline CommandResult run_districtsim_in(const std::vector<std::string>& args,
                                        const ChildOptions& o) {
  TempDir capture;
  const std::string out = (capture / "out").string(), err = (capture / "err").string();
  const std::string rss = (capture / "rss").string();
  std::vector<std::string> argv_s = {DISTRICTSIM_BINARY};
  if (o.measure_memory) argv_s = {"/usr/bin/time", "-f", "%M", "-o", rss, DISTRICTSIM_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment is built here: between fork and exec the child may only
  // make async-signal-safe calls (setenv allocates).
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    bool replaced = false;
    for (const auto& kv : o.env) replaced = replaced || entry.rfind(kv.first + "=", 0) == 0;
    if (!replaced) env_s.push_back(entry);
  }
  for (const auto& [k, v] : o.env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return {};
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec, then _exit.
    const int in_fd = ::open("/dev/null", O_RDONLY);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(126);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (o.file_size_limit) {
      if (o.ignore_sigxfsz) ::signal(SIGXFSZ, SIG_IGN);  // ignored dispositions survive exec
      const rlimit lim{*o.file_size_limit, *o.file_size_limit};
      if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(126);
    }
    if (o.gid && (::setgroups(0, nullptr) != 0 || ::setgid(*o.gid) != 0)) ::_exit(126);
    if (o.uid && ::setuid(*o.uid) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0) {
  }
  CommandResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(capture / "out");
  r.err = read_file(capture / "err");
  if (o.measure_memory) r.max_rss_kib = std::atol(read_file(capture / "rss").c_str());
  return r;
}

// Every entry of `dir` whose name starts with `prefix` (staging leftovers
// like ".out.tmp-1234").
inline std::vector<std::string> entries_starting(const std::filesystem::path& dir,
                                                 const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  return names;
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

// A small valid scenario's text with what a test varies, e.g.
// ScenarioText{.name = "a", .monthly = true}.toml(). `extra` is appended
// as it stands (more keys of [district], or other tables).
struct ScenarioText {
  std::string name = "test";
  int years = 8;
  int replications = 8;
  std::uint64_t seed = 12345;
  int schools = 10;
  int teachers_per_school = 20;
  bool monthly = false;
  std::string extra{};
  std::string toml() const {
    return "[scenario]\nname = \"" + name + "\"\nyears = " + std::to_string(years) +
           "\nreplications = " + std::to_string(replications) + "\nseed = " + std::to_string(seed) +
           (monthly ? "\n[output]\nfrequency = \"month\"" : "") +
           "\n[district]\nschools = " + std::to_string(schools) +
           "\nteachers_per_school = " + std::to_string(teachers_per_school) + "\n" + extra;
  }
};

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

// A small sweep of design `d` on "base.toml" beside the sweep file: its
// size key (if it has one) at `size`, one replication, and two dials in a
// form the design takes (ranges where it takes them, else lists).
inline std::string sweep_text_for(const ds::DesignInfo& d, std::size_t size = 4) {
  std::string text = std::string("[sweep]\nscenario = \"base.toml\"\ndesign = \"") + d.name +
                     "\"\nreplications = 1\nseed = 3\n";
  if (d.size_key) text += std::string(d.size_key) + " = " + std::to_string(size) + "\n";
  text += "[sweep.parameters]\n";
  for (const char* dial : {"strategy.pace", "strategy.bundling"}) {
    // (appended piece by piece: GCC 12 -Wrestrict false positive, PR 105329)
    text += '"';
    text += dial;
    text += "\" = ";
    text += d.takes_ranges ? "{ min = 0.0, max = 1.0 }\n" : "[0.2, 0.5, 0.8]\n";
  }
  return text;
}

}  // namespace ds::test

// Sweeps never lose a finished run (sim/runs/sweep_journal.*, sim/runs/sweep_run.cpp,
// `districtsim sweep --resume / --shard`, `districtsim merge`): the journal
// format and its damage handling, coverage-order execution, resume after
// SIGKILL at many moments, SIGINT/SIGTERM, refusals of a changed definition,
// and shards that merge into exactly the unsharded files. Every check of a
// result compares files byte for byte, not exit codes alone.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <random>
#include <set>
#include <thread>

#include "runs/design.hpp"
#include "support.hpp"
#include "runs/sweep_journal.hpp"
#include "runs/sweep_run.hpp"

using namespace ds::test;
namespace fs = std::filesystem;

namespace {

// Concatenation without `"literal" + std::string`, which trips GCC 12's
// -Wrestrict false positive (PR 105329).
template <class... T>
std::string cat(const T&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

// A base scenario of 12 schools x 15 teachers over 8 years, with
// trajectories, and a Sobol sweep over two dials: 16 x 4 = 64 points x 3
// replications = 192 runs, about a second on one thread.
struct ResumeDir {
  TempDir dir;
  explicit ResumeDir(int samples = 16, int schools = 12) {
    write_file(dir / "base.toml",
               cat("[scenario]\nname = \"resume\"\nyears = 8\nreplications = 3\nseed = 3\n"
                   "[district]\nschools = ",
                   std::to_string(schools),
                   "\nteachers_per_school = 15\n"
                   "[output]\ntrajectories = true\n"));
    write_file(dir / "sweep.toml",
               cat("[sweep]\nscenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = ",
                   std::to_string(samples),
                   "\nreplications = 3\nseed = 9\n[sweep.parameters]\n"
                   "\"strategy.pace\" = { min = 0.0, max = 1.0 }\n"
                   "\"strategy.external_sourcing\" = { min = 0.0, max = 1.0 }\n"));
  }
  std::string file() const { return (dir / "sweep.toml").string(); }
  std::string out(const std::string& name) const { return (dir / name).string(); }
};

const std::vector<std::string> kSweepFiles = {"points.csv", "runs.csv", "point_summary.csv",
                                              "trajectories.csv", "sensitivity.csv"};

// Every CSV file of two sweep results directories is the same, byte for byte.
void require_same_results(const fs::path& a, const fs::path& b) {
  for (const std::string& f : kSweepFiles) {
    INFO(f);
    REQUIRE(fs::exists(a / f));
    REQUIRE(fs::exists(b / f));
    CHECK(read_file(a / f) == read_file(b / f));
  }
}

ds::SweepSpec load(const std::string& file) {
  ds::SweepLoadResult r = ds::load_sweep(file);
  REQUIRE(r.ok());
  return std::move(*r.spec);
}

// Runs the sweep in `work` (on one thread) and cancels it once `n` runs are
// consumed, as SIGINT would: an interrupted sweep whose journal holds at
// least those `n` runs.
ds::SweepRunResult run_then_cancel(const ds::SweepSpec& spec, const ds::Design& design,
                                   ds::SweepWork& work, std::size_t n, ds::SweepShard shard = {}) {
  std::atomic<bool> cancel{false};
  std::size_t consumed = 0;
  ds::SweepRunOptions opts;
  opts.shard = shard;
  opts.cancel = &cancel;
  opts.on_run = [&] {
    if (++consumed == n) cancel = true;
  };
  return ds::run_sweep(spec, design, work, opts);
}

}  // namespace

TEST_CASE("journal: records read back bit for bit, a torn tail is cut off", "[sweep][journal]") {
  TempDir dir;
  const fs::path file = dir / "journal.bin";
  ds::JournalHeader h;
  h.definition = 42;
  h.points = 3;
  h.replications = 2;
  h.columns = 2;
  h.metrics = 3;
  ds::JournalRun a;
  a.run = 5;
  a.seed = 77;
  a.teacher_steps = 1234;
  a.values = {0.1, ds::kEmpty};
  a.year = {0, 1};
  a.month = {-1, -1};
  a.trajectory = {1, 2, 3, 4, 5, 6.5};
  ds::JournalRun b = a;
  b.run = 0;
  b.year.clear();
  b.month.clear();
  b.trajectory.clear();
  {
    ds::JournalWriter w(file, h);
    w.append(a);
    w.append(b);
    w.close();
  }
  ds::JournalScan scan = ds::scan_journal(file);
  CHECK(scan.header == h);
  REQUIRE(scan.records.size() == 2);
  CHECK(scan.records[0].first == 5);
  CHECK(scan.records[1].first == 0);
  CHECK(scan.valid_end == scan.file_size);
  ds::JournalReader reader(file, scan.header);
  ds::JournalRun back;
  reader.read(scan.records[0].second, back);
  CHECK(back.seed == 77);
  CHECK(back.teacher_steps == 1234);
  CHECK(back.values[0] == 0.1);
  CHECK(std::isnan(back.values[1]));
  CHECK(back.trajectory == a.trajectory);
  CHECK(back.year == a.year);

  SECTION("a record cut short by a kill ends the valid part, and appending continues there") {
    const auto full = fs::file_size(file);
    fs::resize_file(file, full - 5);
    scan = ds::scan_journal(file);
    CHECK(scan.records.size() == 1);
    CHECK(scan.valid_end < scan.file_size);
    ds::JournalWriter w(file, scan);
    w.append(b);
    w.close();
    scan = ds::scan_journal(file);
    CHECK(scan.records.size() == 2);
    CHECK(scan.valid_end == fs::file_size(file));
  }
  SECTION("a flipped byte fails the checksum") {
    std::string bytes = read_file(file);
    bytes[bytes.size() - 20] ^= 1;  // inside the last record
    write_file(file, bytes);
    CHECK(ds::scan_journal(file).records.size() == 1);
  }
  SECTION("a run recorded twice is counted and kept once") {
    ds::JournalWriter w(file, scan);
    w.append(a);
    w.close();
    scan = ds::scan_journal(file);
    CHECK(scan.records.size() == 2);
    CHECK(scan.duplicates == 1);
  }
  SECTION("a record whose row count disagrees with its size is not read, even with a valid checksum") {
    // The first record: frame (tag, size) at 64, payload from 72: run, seed,
    // steps (8 bytes each), then the row count. A crafted count with its
    // checksum recomputed once read past the record (heap overflow).
    std::string bytes = read_file(file);
    const std::size_t payload = 64 + 8;
    std::uint32_t size = 0;
    std::memcpy(&size, &bytes[68], sizeof size);
    const std::uint32_t rows = 100000;
    std::memcpy(&bytes[payload + 24], &rows, sizeof rows);
    const std::uint64_t sum = ds::fnv1a64(bytes.data() + payload, size);
    std::memcpy(&bytes[payload + size], &sum, sizeof sum);
    write_file(file, bytes);
    scan = ds::scan_journal(file);
    CHECK(scan.records.empty());  // the damaged record ends the valid part
    ds::JournalReader damaged(file, scan.header);
    CHECK_THROWS_WITH(damaged.read(64, back), Catch::Contains("journal changed while being read"));
  }
  SECTION("a header claiming a huge shard count is refused, even with a valid checksum") {
    // Found by fuzz_journal: the shard count (bytes 52-55) sized the merge's
    // table of shards, 537 million of them: a 17 GB allocation.
    std::string bytes = read_file(file);
    const std::uint32_t count = 537657386;
    std::memcpy(&bytes[52], &count, sizeof count);
    const std::uint64_t sum = ds::fnv1a64(bytes.data(), 56);
    std::memcpy(&bytes[56], &sum, sizeof sum);
    write_file(file, bytes);
    CHECK_THROWS_WITH(ds::scan_journal(file), Catch::Contains("journal header is damaged (shard)"));
  }
  SECTION("a file that is not a journal, or a damaged header, is refused") {
    write_file(dir / "other.bin", "hello, this is not a journal at all; it is long enough to read"
                                  " a header from.........");
    CHECK_THROWS_AS(ds::scan_journal(dir / "other.bin"), ds::JournalError);
    std::string bytes = read_file(file);
    bytes[20] ^= 1;
    write_file(file, bytes);
    CHECK_THROWS_AS(ds::scan_journal(file), ds::JournalError);
  }
}

TEST_CASE("sweep: runs execute in coverage order, so a partial sweep covers every point",
          "[sweep][journal]") {
  ResumeDir d;
  const ds::SweepSpec spec = load(d.file());
  const ds::Design design = ds::make_design(spec);
  const ds::SweepShard whole;
  ds::SweepWork work = ds::prepare_sweep_work(d.dir / "w.partial", spec, design, whole,
                                              {d.file(), {}}, false, false);
  // Stop after 70 of 192 runs (64 points x 3 replications).
  CHECK(run_then_cancel(spec, design, work, 70).cancelled);
  const ds::JournalScan scan = ds::scan_journal(work.journal_file());
  REQUIRE(scan.records.size() >= 70);
  // The journal holds exactly the first runs of the coverage order: every
  // point's replication 0 before any replication 1.
  const ds::RunOrder order = ds::coverage_order(spec, design);
  std::set<std::size_t> done;
  for (const auto& rec : scan.records) done.insert(rec.first);
  for (std::size_t pos = 0; pos < scan.records.size(); ++pos)
    CHECK(done.count(ds::output_index(order.at(pos), spec.replications)) == 1);
  std::set<std::size_t> points;
  for (std::size_t run : done) points.insert(run / spec.replications);
  CHECK(points.size() == design.points);

  SECTION("a sweep begun by another build is not resumed") {
    std::string inv = read_file(d.dir / "w.partial" / "invocation.txt");
    inv.replace(inv.find(ds::program_identity()), ds::program_identity().size(), "districtsim 0.0.9 (abc1234)");
    write_file(d.dir / "w.partial" / "invocation.txt", inv);
    CHECK_THROWS_WITH(ds::prepare_sweep_work(d.dir / "w.partial", spec, design, whole, {d.file(), {}}, true, false),
                      Catch::Contains("its runs were made by districtsim 0.0.9 (abc1234), this is " +
                                      ds::program_identity()));
  }
  SECTION("the rest, resumed, completes the journal with no run twice") {
    ds::SweepWork again = ds::prepare_sweep_work(d.dir / "w.partial", spec, design, whole,
                                                 {d.file(), {}}, true, false);
    CHECK(again.resumed);
    CHECK(again.finished == scan.records.size());
    const ds::SweepRunResult rest = ds::run_sweep(spec, design, again, {});
    CHECK_FALSE(rest.cancelled);
    CHECK(rest.executed == 192 - scan.records.size());
    const ds::JournalScan all = ds::scan_journal(again.journal_file());
    CHECK(all.records.size() == 192);
    CHECK(all.duplicates == 0);
  }
}

TEST_CASE("sweep: --resume on a finished sweep says it is complete and exits 0", "[sweep][resume]") {
  ResumeDir d(4, 6);
  REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("done"), "-q"}).status == 0);
  const std::string before = read_file(fs::path(d.out("done")) / "runs.csv");
  const CommandResult again = run_districtsim({"sweep", d.file(), "--out", d.out("done"), "--resume"});
  CHECK(again.status == 0);
  CHECK(contains(again.out, "the sweep is complete ("));
  CHECK(contains(again.out, " runs); nothing to resume"));
  CHECK(read_file(fs::path(d.out("done")) / "runs.csv") == before);
  // Another sweep's results are not "complete": the folder is refused as before.
  const CommandResult other =
      run_districtsim({"sweep", d.file(), "--out", d.out("done"), "--resume", "--set", "sweep.replications=2"});
  CHECK(other.status == 2);
  CHECK(contains(other.err, "not empty"));
  // A finished shard is complete for its own --shard only.
  REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("s1"), "--shard", "1/2", "-q"}).status == 0);
  CHECK(run_districtsim({"sweep", d.file(), "--out", d.out("s1"), "--shard", "1/2", "--resume", "-q"}).status == 0);
  CHECK(run_districtsim({"sweep", d.file(), "--out", d.out("s1"), "--shard", "2/2", "--resume", "-q"}).status == 2);
}

TEST_CASE("sweep: --resume --dry-run counts only the runs left, and writes nothing", "[sweep][resume][progress]") {
  ResumeDir d;
  const ds::SweepSpec spec = load(d.file());
  const ds::Design design = ds::make_design(spec);
  ds::SweepWork work = ds::prepare_sweep_work(d.dir / "w.partial", spec, design, ds::SweepShard{},
                                              {d.file(), {}}, false, false);
  REQUIRE(run_then_cancel(spec, design, work, 70).cancelled);
  const std::size_t done = ds::scan_journal(work.journal_file()).records.size();
  const std::string journal = read_file(work.journal_file());
  const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out("w"), "--resume", "--dry-run"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "= 192 runs; " + std::to_string(done) + " finished, " + std::to_string(192 - done) + " left to resume\n"));
  CHECK(contains(r.out, "(dry run: nothing written)"));
  CHECK(read_file(work.journal_file()) == journal);
  CHECK_FALSE(fs::exists(d.out("w")));
  // Without --resume, a dry run counts every run.
  const CommandResult all = run_districtsim({"sweep", d.file(), "--out", d.out("w"), "--dry-run"});
  CHECK(all.status == 0);
  CHECK(contains(all.out, "= 192 runs\n"));
  // What --resume would refuse, the dry run refuses.
  const CommandResult changed =
      run_districtsim({"sweep", d.file(), "--out", d.out("w"), "--resume", "--dry-run", "--set", "sweep.replications=2"});
  CHECK(changed.status == 2);
  CHECK(contains(changed.err, "cannot resume the sweep in "));
}

TEST_CASE("sweep: killed with SIGKILL at 20 moments and resumed, the files equal an "
          "uninterrupted sweep's",
          "[sweep][cli][kill][slow]") {
  // 128 points x 3 = 384 runs of 100 schools: about 6 s on one thread, so
  // that 20 kills 0-200 ms after each (re)start land before the end.
  ResumeDir d(32, 100);
  const CommandResult full = run_districtsim({"sweep", d.file(), "--out", d.out("full"), "-q", "-j", "2"});
  REQUIRE(full.status == 0);

  // Kill moments from a fixed seed, spread over start-up, running and writing
  // the results; each kill is followed by a resume, itself killed next time.
  std::mt19937_64 rng(20261123);
  std::uniform_int_distribution<int> delay_ms(0, 200);
  const fs::path partial = d.dir / "k.partial";
  std::size_t last_finished = 0;
  int kills = 0, completed_before_kill = 0;
  for (int i = 0; i < 20; ++i) {
    if (fs::exists(d.dir / "k")) break;  // finished before the kills ran out
    std::vector<std::string> args = {"sweep", d.file(), "--out", d.out("k"), "-q"};
    if (i > 0) args.push_back("--resume");
    args.push_back("-j");
    args.push_back(i % 2 == 0 ? "1" : "2");
    const pid_t pid = spawn_districtsim(args, d.dir / "out.txt", d.dir / "err.txt");
    REQUIRE(pid > 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ::kill(pid, SIGKILL);
    const int status = wait_exit(pid);
    if (status == 128 + SIGKILL) {
      ++kills;
    } else {
      INFO(read_file(d.dir / "err.txt"));
      REQUIRE(status == 0);  // it finished before the signal
      ++completed_before_kill;
    }
    // No finished run is lost and none is recorded twice.
    if (fs::exists(partial / "journal.bin")) {
      const ds::JournalScan scan = ds::scan_journal(partial / "journal.bin");
      CHECK(scan.duplicates == 0);
      CHECK(scan.records.size() >= last_finished);
      last_finished = scan.records.size();
    }
    // Never a results directory that is not complete.
    if (fs::exists(d.dir / "k")) {
      for (const std::string& f : kSweepFiles) CHECK(fs::exists(d.dir / "k" / f));
      CHECK(fs::exists(d.dir / "k" / "manifest.json"));
    }
  }
  INFO("killed " << kills << " times, " << completed_before_kill << " finished first");
  CHECK(kills >= 15);
  if (!fs::exists(d.dir / "k")) {
    const CommandResult rest =
        run_districtsim({"sweep", d.file(), "--out", d.out("k"), "-q", "--resume"});
    INFO(rest.err);
    REQUIRE(rest.status == 0);
  }
  require_same_results(d.dir / "full", d.dir / "k");
  CHECK_FALSE(fs::exists(partial));
  // No staging directory of a killed process is left beside the results.
  for (const auto& e : fs::directory_iterator(d.dir.path()))
    CHECK_FALSE(contains(e.path().filename().string(), ".tmp-"));
}

TEST_CASE("sweep: SIGINT and SIGTERM keep the finished runs, say how to resume, exit 130 / 143",
          "[sweep][cli][kill]") {
  ResumeDir d(64);  // 768 runs: seconds, so the signal lands mid-sweep
  const CommandResult full = run_districtsim({"sweep", d.file(), "--out", d.out("full"), "-q"});
  REQUIRE(full.status == 0);
  for (int sig : {SIGINT, SIGTERM}) {
    const std::string name = sig == SIGINT ? "int" : "term";
    INFO(name);
    const pid_t pid = spawn_districtsim({"sweep", d.file(), "--out", d.out(name), "-q"},
                                        d.dir / "out.txt", d.dir / "err.txt");
    // Wait until some runs are in the journal, then signal.
    const fs::path journal = d.dir / cat(name, ".partial") / "journal.bin";
    for (int t = 0; t < 400; ++t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (fs::exists(journal) && fs::file_size(journal) > 20000) break;
    }
    ::kill(pid, sig);
    const int status = wait_exit(pid);
    const std::string err = read_file(d.dir / "err.txt");
    INFO(err);
    CHECK(status == (sig == SIGINT ? 130 : 143));
    CHECK(contains(err, "interrupted"));
    CHECK(contains(err, "--resume"));
    CHECK_FALSE(fs::exists(d.dir / name));
    const std::size_t kept = ds::scan_journal(journal).records.size();
    CHECK(kept > 0);
    CHECK(kept < 768);
    const CommandResult rest =
        run_districtsim({"sweep", d.file(), "--out", d.out(name), "--resume"});
    CHECK(rest.status == 0);
    CHECK(contains(rest.err, cat("resuming: ", std::to_string(kept), " of 768")));
    require_same_results(d.dir / "full", d.dir / name);
  }
}

TEST_CASE("sweep: inside a job, the hint names the job's own resume command", "[sweep][cli]") {
  // scripts/slurm-sweep's shard jobs set DISTRICTSIM_RESUME_COMMAND: a shard
  // that fails or is interrupted says to resubmit, not to run districtsim
  // --resume by hand beside the scheduler. A journal that cannot grow past
  // 100 KB fails the sweep after a few dozen runs.
  ResumeDir d;
  ChildOptions o;
  o.env = {{"DISTRICTSIM_RESUME_COMMAND", "/results/x.slurm/resume"}};
  o.file_size_limit = 100 * 1024;
  const CommandResult r = run_districtsim_in({"sweep", d.file(), "--out", d.out("f"), "-q", "--shard", "1/2"}, o);
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "continue with:\n  /results/x.slurm/resume)"));
  CHECK_FALSE(contains(r.err, "--resume"));
  // Outside such a job: the sweep's own command.
  o.env = {{"DISTRICTSIM_RESUME_COMMAND", ""}};
  const CommandResult plain = run_districtsim_in({"sweep", d.file(), "--out", d.out("g"), "-q", "--shard", "1/2"}, o);
  CHECK(plain.status == 1);
  CHECK(contains(plain.err, cat(" sweep ", d.file(), " --out ", d.out("g"), " --shard 1/2 --resume")));
}

TEST_CASE("sweep: writing the results (a merge's whole work) stops when interrupted",
          "[sweep][journal]") {
  // merge and the end of a sweep pass the signal flag: Ctrl-C and SIGTERM
  // were ignored there until a second signal killed the process.
  ResumeDir d;
  const ds::SweepSpec spec = load(d.file());
  const ds::Design design = ds::make_design(spec);
  ds::SweepWork work = ds::prepare_sweep_work(d.dir / "w", spec, design, {}, {d.file(), {}}, false, false);
  REQUIRE(ds::run_sweep(spec, design, work, {}).executed == 192);
  std::atomic<bool> cancel{true};
  fs::create_directory(d.dir / "out");
  CHECK_THROWS_AS(ds::write_sweep_results(spec, design, {work.journal_file()}, d.dir / "out", 10, &cancel),
                  ds::SweepCancelled);
  cancel = false;
  CHECK(ds::write_sweep_results(spec, design, {work.journal_file()}, d.dir / "out", 10, &cancel).runs == 192);
}

TEST_CASE("sweep: an interrupted sweep is never silently overwritten or resumed wrongly",
          "[sweep][cli]") {
  ResumeDir d;
  const ds::SweepSpec spec = load(d.file());
  const ds::Design design = ds::make_design(spec);
  // An interrupted sweep: the work directory with a third of the runs.
  auto interrupt = [&](const std::string& out) {
    ds::SweepWork work = ds::prepare_sweep_work(ds::sweep_work_dir(d.out(out)), spec, design, {},
                                                {d.file(), {}}, false, true);
    REQUIRE(run_then_cancel(spec, design, work, 64).cancelled);
  };
  interrupt("r");

  SECTION("without --resume: exit 2, the finished runs untouched") {
    const auto before = read_file(d.dir / "r.partial" / "journal.bin");
    const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out("r"), "-q"});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "holds an interrupted sweep"));
    CHECK(contains(r.err, "--resume"));
    CHECK(read_file(d.dir / "r.partial" / "journal.bin") == before);
  }
  SECTION("--force starts over") {
    const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out("r"), "-q", "--force"});
    CHECK(r.status == 0);
    CHECK_FALSE(fs::exists(d.dir / "r.partial"));
  }
  SECTION("a changed sweep definition is refused, naming the change") {
    std::string text = read_file(d.dir / "sweep.toml");
    text.replace(text.find("seed = 9"), 8, "seed = 8");
    write_file(d.dir / "sweep.toml", text);
    const CommandResult r =
        run_districtsim({"sweep", d.file(), "--out", d.out("r"), "-q", "--resume"});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "the sweep definition changed"));
    CHECK(contains(r.err, "seed = 9"));
    CHECK(contains(r.err, "seed = 8"));
  }
  SECTION("a changed base scenario is refused, naming the change") {
    std::string text = read_file(d.dir / "base.toml");
    text.replace(text.find("schools = 12"), 12, "schools = 13");
    write_file(d.dir / "base.toml", text);
    const CommandResult r =
        run_districtsim({"sweep", d.file(), "--out", d.out("r"), "-q", "--resume"});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "the base scenario changed"));
  }
  SECTION("a --set that changes the definition is refused too") {
    const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out("r"), "-q",
                                             "--resume", "--set", "strategy.bundling=0.9"});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "changed since the sweep started"));
  }
  SECTION("a base scenario that vanished: its error, exit 2, runs kept") {
    fs::remove(d.dir / "base.toml");
    const CommandResult r =
        run_districtsim({"sweep", d.file(), "--out", d.out("r"), "-q", "--resume"});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "base.toml"));
    CHECK(ds::scan_journal(d.dir / "r.partial" / "journal.bin").records.size() >= 64);
  }
  SECTION("a shard's work cannot be resumed as another shard") {
    interrupt("s");
    const CommandResult r = run_districtsim(
        {"sweep", d.file(), "--out", d.out("s"), "-q", "--resume", "--shard", "1/2"});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "not 1/2"));
  }
  SECTION("--resume with nothing to resume starts the sweep") {
    const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out("n"), "--resume"});
    CHECK(r.status == 0);
    CHECK(contains(r.err, "nothing to resume"));
  }
}

TEST_CASE("sweep: merged shards equal the unsharded sweep, file for file", "[sweep][cli][shard]") {
  ResumeDir d;
  REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("full"), "-q"}).status == 0);
  for (int k = 1; k <= 3; ++k) {
    const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out(cat("s", std::to_string(k))),
                                             "-q", "--shard", cat(std::to_string(k), "/3"), "-j", "1"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(contains(read_file(d.dir / cat("s", std::to_string(k)) / "manifest.json"),
                   "\"kind\": \"sweep-shard\""));
  }
  // Shards split the runs evenly: 192 = 64 + 64 + 64.
  for (int k = 1; k <= 3; ++k)
    CHECK(ds::scan_journal(d.dir / cat("s", std::to_string(k)) / "journal.bin").records.size() == 64);
  // Any order of the shard directories.
  const CommandResult m = run_districtsim({"merge", d.out("s3"), d.out("s1"), d.out("s2"), "--out", d.out("m")});
  INFO(m.err);
  REQUIRE(m.status == 0);
  require_same_results(d.dir / "full", d.dir / "m");
  const std::string manifest = read_file(d.dir / "m" / "manifest.json");
  CHECK(contains(manifest, "\"kind\": \"sweep\""));
  CHECK(contains(manifest, "\"merged_shards\": 3"));
  auto steps = [](const std::string& text) {
    const auto at = text.find("\"teacher_steps\": ");
    return text.substr(at, text.find(',', at) - at);
  };
  CHECK(steps(manifest) == steps(read_file(d.dir / "full" / "manifest.json")));

  SECTION("a missing shard is refused by name") {
    const CommandResult r = run_districtsim({"merge", d.out("s1"), d.out("s3"), "--out", d.out("x")});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "missing shard 2/3"));
    CHECK_FALSE(fs::exists(d.dir / "x"));
  }
  SECTION("an unfinished shard is named, with the runs it lacks and the command that finishes it") {
    // Shard 2/3 begun in u2 and stopped after 10 runs: its runs are in
    // u2.partial, and u2 does not exist (merge said "is not a sweep shard").
    const ds::SweepSpec spec = load(d.file());
    const ds::Design design = ds::make_design(spec);
    ds::SweepWork work = ds::prepare_sweep_work(ds::sweep_work_dir(d.out("u2")), spec, design, {1, 3},
                                                {d.file(), {}}, false, true);
    REQUIRE(run_then_cancel(spec, design, work, 10, {1, 3}).cancelled);
    const std::size_t kept = ds::scan_journal(work.journal_file()).records.size();
    REQUIRE(kept >= 10);
    REQUIRE(kept < 64);
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("u2"), d.out("s3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK_FALSE(contains(r.err, "is not a sweep shard"));
    CHECK(contains(r.err, cat("shard 2/3 in ", d.out("u2"), " is unfinished: ", d.out("u2"), ".partial holds ",
                              std::to_string(kept), " of its 64 runs (", std::to_string(64 - kept), " to run)")));
    const std::string finish = cat(" sweep ", d.file(), " --out ", d.out("u2"), " --shard 2/3 --resume");
    CHECK(contains(r.err, finish));
    CHECK_FALSE(fs::exists(d.dir / "x"));
    // The command it names finishes the shard; the merge then equals the
    // whole sweep, and its manifest counts the shard's resumed runs.
    const CommandResult rest = run_districtsim({"sweep", d.file(), "--out", d.out("u2"), "--shard", "2/3", "--resume", "-q"});
    INFO(rest.err);
    REQUIRE(rest.status == 0);
    CHECK(contains(read_file(d.dir / "u2" / "manifest.json"), cat("\"resumed_runs\": ", std::to_string(kept), ",")));
    const CommandResult m2 = run_districtsim({"merge", d.out("s1"), d.out("u2"), d.out("s3"), "--out", d.out("m2")});
    INFO(m2.err);
    REQUIRE(m2.status == 0);
    require_same_results(d.dir / "full", d.dir / "m2");
    CHECK(contains(read_file(d.dir / "m2" / "manifest.json"), cat("\"resumed_runs\": ", std::to_string(kept), ",")));
    CHECK(contains(manifest, "\"resumed_runs\": 0,"));
  }
  SECTION("a finished shard whose manifest is gone, damaged or lacks its resumed runs is refused by name") {
    const fs::path file = d.dir / "s2" / "manifest.json";
    const std::string whole = read_file(file);
    const auto refused = [&](const std::string& why) {
      const CommandResult r = run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s3"), "--out", d.out("x")});
      INFO(r.err);
      CHECK(r.status == 2);
      CHECK(contains(r.err, cat(file.string(), " ", why)));
      CHECK(contains(r.err, cat(" sweep ", d.file(), " --out ", d.out("s2"), " --shard 2/3 --force")));
      CHECK_FALSE(fs::exists(d.dir / "x"));
    };
    write_file(file, whole.substr(0, whole.size() / 2));
    refused("is not JSON");
    const auto at = whole.find("\"resumed_runs\"");
    REQUIRE(at != std::string::npos);
    write_file(file, cat(whole.substr(0, at), "\"resumed_run\"", whole.substr(at + 14)));
    refused("lacks its count of resumed runs");
    fs::remove(file);
    refused("is missing");
    write_file(file, whole);
    const CommandResult again = run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s3"), "--out", d.out("x")});
    INFO(again.err);
    CHECK(again.status == 0);
  }
  SECTION("a shard folder that does not exist is named, with the command that runs it") {
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("never"), d.out("s3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK_FALSE(contains(r.err, "is not a sweep shard"));
    CHECK(contains(r.err, cat("shard 2/3 never started: neither ", d.out("never"), " nor ", d.out("never"),
                              ".partial exists")));
    CHECK(contains(r.err, cat(" sweep ", d.file(), " --out ", d.out("never"), " --shard 2/3")));
    CHECK_FALSE(fs::exists(d.dir / "x"));
  }
  SECTION("unfinished and absent shards are all named at once") {
    const ds::SweepSpec spec = load(d.file());
    const ds::Design design = ds::make_design(spec);
    ds::SweepWork work = ds::prepare_sweep_work(ds::sweep_work_dir(d.out("u3")), spec, design, {2, 3},
                                                {d.file(), {}}, false, true);
    REQUIRE(run_then_cancel(spec, design, work, 5, {2, 3}).cancelled);
    const CommandResult r =
        run_districtsim({"merge", d.out("gone"), d.out("s2"), d.out("u3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "not every shard is finished; nothing merged"));
    CHECK(contains(r.err, "shard 3/3 in "));
    CHECK(contains(r.err, "shard 1/3 never started"));
  }
  SECTION("the same shard twice is refused") {
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s2"), "--out", d.out("x")});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "both shard 2/3"));
  }
  SECTION("a shard of another sweep is refused") {
    REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("o2"), "-q", "--shard", "2/3",
                             "--set", "sweep.seed=10"})
                .status == 0);
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("o2"), d.out("s3"), "--out", d.out("x")});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "another sweep"));
  }
  SECTION("a shard whose journal was swapped for another sweep's is refused") {
    // Same shape (points, replications, columns), another seed: only the
    // journal's own header tells them apart; the folder's definition.txt
    // is still this sweep's.
    REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("o2"), "-q", "--shard", "2/3",
                             "--set", "sweep.seed=10"})
                .status == 0);
    fs::copy_file(d.dir / "o2" / "journal.bin", d.dir / "s2" / "journal.bin",
                  fs::copy_options::overwrite_existing);
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "journal of another sweep"));
    CHECK_FALSE(fs::exists(d.dir / "x"));
  }
  SECTION("runs of another sweep under this sweep's journal header are refused") {
    // The other sweep's records behind this shard's header: the header
    // checks pass, the runs' seeds do not.
    REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("o2"), "-q", "--shard", "2/3",
                             "--set", "sweep.seed=10"})
                .status == 0);
    std::string bytes = read_file(d.dir / "o2" / "journal.bin");
    bytes.replace(0, 64, read_file(d.dir / "s2" / "journal.bin").substr(0, 64));
    write_file(d.dir / "s2" / "journal.bin", bytes);
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status != 0);
    CHECK(contains(r.err, "was not run by this sweep"));
    CHECK_FALSE(fs::exists(d.dir / "x"));
  }
  SECTION("a damaged finished shard is named as damaged, with what to do") {
    std::string bytes = read_file(d.dir / "s2" / "journal.bin");
    bytes[bytes.size() / 2] ^= 0x40;
    write_file(d.dir / "s2" / "journal.bin", bytes);
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "is damaged at byte"));
    CHECK(contains(r.err, "--shard 2/3"));
    CHECK(contains(r.err, "--force"));
    CHECK_FALSE(contains(r.err, "--resume"));
  }
  SECTION("a sweep file edited after the shards ran is named as the change") {
    std::string sweep = read_file(d.dir / "sweep.toml");
    sweep.replace(sweep.find("seed = 9"), 8, "seed = 8");
    write_file(d.dir / "sweep.toml", sweep);
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "changed since"));
    CHECK(contains(r.err, "seed = 8"));
    CHECK_FALSE(contains(r.err, "another sweep than"));
  }
  SECTION("shards run by two builds are not merged") {
    // invocation.txt records the build; a shard run by another (an older
    // checkout on another node, say) would mix two models in one result.
    CHECK(contains(read_file(d.dir / "s2" / "invocation.txt"), "program\t" + ds::program_identity() + "\n"));
    std::string inv = read_file(d.dir / "s2" / "invocation.txt");
    inv.replace(inv.find(ds::program_identity()), ds::program_identity().size(), "districtsim 0.0.9 (abc1234)");
    write_file(d.dir / "s2" / "invocation.txt", inv);
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("s2"), d.out("s3"), "--out", d.out("x")});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, d.out("s2") + " was run by districtsim 0.0.9 (abc1234), " + d.out("s1") + " by " +
                              ds::program_identity()));
    CHECK_FALSE(fs::exists(d.dir / "x"));
  }
  SECTION("a directory that is not a shard is refused") {
    const CommandResult r =
        run_districtsim({"merge", d.out("s1"), d.out("full"), "--out", d.out("x")});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "is not a sweep shard"));
  }
  SECTION("a bad --shard is refused") {
    for (const char* bad : {"0/3", "4/3", "1/0", "x", "1/", "/2", "1/2/3"}) {
      INFO(bad);
      const CommandResult r =
          run_districtsim({"sweep", d.file(), "--out", d.out("x"), "--shard", bad});
      CHECK(r.status == 2);
      CHECK(contains(r.err, "expected K/N"));
    }
  }
}

TEST_CASE("sweep: a disk that fills mid-sweep: a clear message, exit 1, the runs kept, and resume "
          "completes it",
          "[sweep][cli][fault]") {
  ResumeDir d;
  REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("full"), "-q"}).status == 0);
  // The journal may not grow beyond 100 KB: it fills after a few dozen runs.
  const pid_t pid = spawn_districtsim({"sweep", d.file(), "--out", d.out("f"), "-q"},
                                      d.dir / "out.txt", d.dir / "err.txt", 100 * 1024);
  const int status = wait_exit(pid);
  const std::string err = read_file(d.dir / "err.txt");
  INFO(err);
  CHECK(status == 1);
  CHECK(contains(err, "journal.bin: File too large"));
  CHECK(contains(err, "--resume"));
  CHECK_FALSE(fs::exists(d.dir / "f"));
  const ds::JournalScan scan = ds::scan_journal(d.dir / "f.partial" / "journal.bin");
  CHECK(scan.records.size() > 0);
  CHECK(scan.valid_end <= scan.file_size);  // a torn record may follow: the resume drops it
  const CommandResult rest = run_districtsim({"sweep", d.file(), "--out", d.out("f"), "-q", "--resume"});
  INFO(rest.err);
  REQUIRE(rest.status == 0);
  require_same_results(d.dir / "full", d.dir / "f");
}

TEST_CASE("sweep: an output directory that cannot be written: exit 2 before any run",
          "[sweep][cli][fault]") {
  ResumeDir d;
  // Under a regular file: no user, root included, can make it.
  write_file(d.dir / "plain", "a file, not a directory\n");
  CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out("plain/results"), "-q"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "plain/results"));
  CHECK_FALSE(fs::exists(d.dir / "plain" / "results.partial"));
  CHECK(read_file(d.dir / "plain") == "a file, not a directory\n");
  // In a folder it may not write (as `nobody` when the test runs as root).
  const fs::path locked = d.dir / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  r = run_districtsim_in({"sweep", d.file(), "--out", (locked / "results").string(), "-q"},
                         unprivileged());
  fs::permissions(locked, fs::perms::owner_all);
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(contains(r.err, "Permission denied"));
  CHECK(fs::is_empty(locked));
}

TEST_CASE("sweep: a folder another sweep is writing is in use, not interrupted", "[sweep][lock][cli]") {
  ResumeDir d;
  // What a running sweep holds: the folder's lock and its journal.
  const ds::OutputLock running(d.out("out"));
  fs::create_directories(ds::sweep_work_dir(d.out("out")));
  write_file(ds::sweep_work_dir(d.out("out")) / "journal.bin", "theirs");
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--resume"}, {"--force"}}) {
    std::vector<std::string> args = {"sweep", d.file(), "--out", d.out("out"), "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = run_districtsim(args);
    INFO(r.err);
    CHECK(r.status == 2);
    // Was "holds an interrupted sweep ... --resume or --force", either of
    // which broke the running one.
    CHECK(contains(r.err, d.out("out") + ": in use: another districtsim is writing it"));
    CHECK_FALSE(contains(r.err, "interrupted"));
    CHECK(read_file(ds::sweep_work_dir(d.out("out")) / "journal.bin") == "theirs");
  }
}

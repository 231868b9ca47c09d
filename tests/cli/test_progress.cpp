// How long a command takes (sim/cli/progress.*): the progress line, the notice
// before a long command, and the estimate a --dry-run prints; the commands'
// --dry-run and interruption are in test_cli.cpp and test_sweep_resume.cpp.
#include <catch2/catch.hpp>

#include <sstream>

#include "cli/progress.hpp"
#include "support.hpp"

using ds::Progress;
using ds::test::contains;

namespace {

// A Progress writing to `out`, on a clock the test moves.
struct Fixture {
  std::ostringstream out;
  double t = 0;
  Progress::Options options(bool terminal, int threads = 2, bool enabled = true) {
    Progress::Options o;
    o.command = "run";
    o.unit = "replications";
    o.threads = threads;
    o.enabled = enabled;
    o.on_stop = "Ctrl-C stops it with nothing written";
    o.terminal = terminal;
    o.out = &out;
    o.clock = [this] { return t; };
    return o;
  }
  std::size_t count(const std::string& s) const {
    std::size_t n = 0;
    for (std::size_t i = out.str().find(s); i != std::string::npos; i = out.str().find(s, i + 1)) ++n;
    return n;
  }
};

}  // namespace

TEST_CASE("progress: durations and calibration sizes", "[progress]") {
  CHECK(ds::duration_text(0) == "0s");
  CHECK(ds::duration_text(12.4) == "12s");
  CHECK(ds::duration_text(245) == "4m05s");
  CHECK(ds::duration_text(3720) == "1h02m");
  CHECK(ds::duration_text(-1) == "?");
  CHECK(ds::duration_text(std::nan("")) == "?");
  CHECK(ds::calibration_runs(1000, 1) == 6);
  CHECK(ds::calibration_runs(1000, 2) == 6);
  CHECK(ds::calibration_runs(1000, 16) == 48);
  CHECK(ds::calibration_runs(4, 16) == 4);  // never more than there are
  CHECK(ds::calibration_runs(0, 2) == 0);
}

TEST_CASE("progress: a log gets a line every 5 seconds with the rate and the time left", "[progress]") {
  Fixture f;
  {
    Progress p(100, f.options(false));
    for (int i = 0; i < 10; ++i) f.t += 1, p.step();  // 1 a second
  }
  // At 5 s and 10 s: 5 and 10 done, 1/s, 95 and 90 seconds left.
  CHECK(f.count("\n") == 2);
  CHECK(contains(f.out.str(), "run: 5/100 replications (5%), 1/s, 1m35s left\n"));
  CHECK(contains(f.out.str(), "run: 10/100 replications (10%), 1/s, 1m30s left\n"));
  CHECK_FALSE(contains(f.out.str(), "to go"));  // not long
  CHECK_FALSE(contains(f.out.str(), "\r"));
}

TEST_CASE("progress: a terminal gets a bar updated in place, cleared at the end", "[progress]") {
  Fixture f;
  {
    Progress p(4, f.options(true));
    for (int i = 0; i < 4; ++i) f.t += 0.3, p.step();
  }
  const std::string s = f.out.str();
  CHECK(contains(s, "\r[######..................] run: 1/4 replications (25%)"));
  CHECK(contains(s, "\r[########################] run: 4/4 replications (100%)"));
  CHECK(s.size() >= 4);
  CHECK(s.substr(s.size() - 4) == "\r\033[K");
}

TEST_CASE("progress: a command that will take over 10 minutes says so once, early", "[progress]") {
  Fixture f;
  {
    Progress p(100000, f.options(false, 2));
    f.t = 0.05, p.step();  // one run: not yet warm on 2 threads
    CHECK(f.out.str().empty());
    f.t = 0.1, p.step();  // 2 runs in 0.1 s: 99,998 left at 20 a second, 83 minutes
    CHECK(f.out.str() == "run: about 1h23m to go for 100000 replications on 2 threads; Ctrl-C stops it with nothing written\n");
    for (int i = 0; i < 50; ++i) f.t += 0.05, p.step();
  }
  CHECK(f.count("to go") == 1);
  SECTION("not with --quiet") {
    Fixture q;
    {
      Progress p(100000, q.options(false, 2, false));
      for (int i = 0; i < 10; ++i) q.t += 0.05, p.step();
    }
    CHECK(q.out.str().empty());
  }
  SECTION("not when it is short") {
    Fixture s;
    {
      Progress p(1000, s.options(true, 2));
      for (int i = 0; i < 10; ++i) s.t += 0.05, p.step();  // 50 s in all
    }
    CHECK_FALSE(contains(s.out.str(), "to go"));
  }
}

TEST_CASE("progress: the estimate scales the timed sample's wall time to every run", "[progress]") {
  ds::Scenario sc;
  sc.meta.years = 2;
  sc.district.schools = 2;
  sc.district.teachers_per_school = 5;
  std::vector<std::size_t> asked;
  const ds::SampleAt sample_at = [&](std::size_t i) {
    asked.push_back(i);
    return ds::TimedRun{&sc, i + 1};
  };
  SECTION("with no time budget: the first batch only (3 runs a thread, at least 6)") {
    const ds::DurationEstimate e = ds::estimate_duration(sample_at, 40, 2, 0.0);
    CHECK(e.sampled == 6);
    CHECK(e.sample_seconds > 0);
    CHECK(e.seconds == Approx(e.sample_seconds * 40 / 6));
    CHECK(asked == std::vector<std::size_t>{0, 0, 1, 2, 3, 4, 5});  // a warm-up, then the batch
  }
  SECTION("with time to spare: batches each twice the last, never more runs than there are") {
    const ds::DurationEstimate e = ds::estimate_duration(sample_at, 40, 2, 1e9);
    CHECK(e.sampled == 40);  // 6 + 12 + 22 (of 24): all 40
    CHECK(e.seconds == Approx(e.sample_seconds));
    CHECK(asked.size() == 41);
    CHECK(asked.back() == 39);
  }
  CHECK(ds::estimate_duration(sample_at, 0, 2).seconds == 0);
}

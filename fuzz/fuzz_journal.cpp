// libFuzzer target, structure-aware: the journals of a sharded sweep, damaged
// or crafted, read by scan_journal, JournalReader and `merge`
// (check_shards, write_sweep_results).
//
// Once per process the target runs a small sweep in two shards (the fixture:
// 3 schools, 2 years, a Sobol design of 16 points x 2 replications) and
// keeps their folders. The input is not a journal but an edit script for one
// shard's journal.bin, so that the fuzzer reaches past the checksums:
//
//   byte 0       flags: 1 recompute every record's checksum after the edits,
//                2 recompute the header's, 4 edit shard 2 (else shard 1),
//                8 merge afterwards (else scan and read only)
//   then 9-byte edits: u8 op, u32 a, u32 b (little-endian)
//     op % 7 = 0  write u32 b at byte a          1  write byte b at a
//              2  cut the file at byte a         3  copy 16 bytes from a to b
//              4  record a's field b % 5 (payload bytes, run, seed, rows,
//                 padding) set to b >> 3
//              5  header field a % 8 (version, definition, points,
//                 replications, columns, metrics, shard, shards) set to b
//              6  append a copy of record a % records
//
// Every result must be a clean refusal (JournalError, SweepInputError, or a
// std::runtime_error naming the file) or a merge that wrote its files: never
// a crash, a sanitizer report, a hang or an unbounded allocation. The crafted
// cases of issue 17 (a record's row count changed with its checksum
// recomputed: a heap overflow; a shard of another sweep) are seeds
// (fuzz/seeds/journal/).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runs/design.hpp"
#include "fixture.hpp"
#include "runs/sweep_journal.hpp"
#include "runs/sweep_run.hpp"
#include "input/sweep_spec.hpp"

namespace fs = std::filesystem;

namespace {

struct Fixture {
  ds::SweepSpec spec;
  ds::Design design;
  fs::path dir;
  std::string journal[2];  // the shards' journal.bin as written
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::uint32_t u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

template <class T>
void put(std::string& s, std::size_t at, T v) {
  if (at + sizeof v <= s.size()) std::memcpy(s.data() + at, &v, sizeof v);
}

constexpr std::size_t kHeader = 64;

// Where each record of `s` starts, as far as the structure goes.
std::vector<std::size_t> records(const std::string& s) {
  std::vector<std::size_t> at;
  std::size_t pos = kHeader;
  while (pos + 8 <= s.size() && at.size() < 100000) {
    std::uint32_t len = 0;
    std::memcpy(&len, s.data() + pos + 4, 4);
    if (pos + 16 + static_cast<std::size_t>(len) > s.size()) break;
    at.push_back(pos);
    pos += 16 + static_cast<std::size_t>(len);
  }
  return at;
}

void edit(std::string& s, std::uint8_t op, std::uint32_t a, std::uint32_t b) {
  const std::size_t n = s.size();
  switch (op % 7) {
    case 0: put(s, n ? a % n : 0, b); break;
    case 1: if (n) s[a % n] = static_cast<char>(b); break;
    case 2: s.resize(std::min<std::size_t>(n, a % (n + 1))); break;
    case 3:
      if (n >= 16) {
        const std::string block = s.substr(a % (n - 15), 16);
        s.replace(b % (n - 15), 16, block);
      }
      break;
    case 4: {
      const auto at = records(s);
      if (at.empty()) break;
      const std::size_t r = at[a % at.size()];
      const std::uint32_t v = b >> 3;
      switch (b % 5) {
        case 0: put<std::uint32_t>(s, r + 4, v); break;
        case 1: put<std::uint64_t>(s, r + 8, v); break;
        case 2: put<std::uint64_t>(s, r + 16, v); break;
        case 3: put<std::uint32_t>(s, r + 32, v); break;
        default: put<std::uint32_t>(s, r + 36, v); break;
      }
      break;
    }
    case 5: {
      static constexpr std::size_t offset[] = {12, 16, 24, 32, 40, 44, 48, 52};
      const std::size_t f = a % 8;
      if (f >= 1 && f <= 3) put<std::uint64_t>(s, offset[f], b);
      else put<std::uint32_t>(s, offset[f], b);
      break;
    }
    default: {
      const auto at = records(s);
      if (at.empty() || s.size() > (1u << 20)) break;
      const std::size_t r = at[a % at.size()];
      std::uint32_t len = 0;
      std::memcpy(&len, s.data() + r + 4, 4);
      s += s.substr(r, 16 + static_cast<std::size_t>(len));
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Fixture& f = fixture();
  f.dir = fuzz::fixture_dir() / "journal";
  fs::create_directories(f.dir);
  write_all(f.dir / "base.toml",
            "[scenario]\nname = \"j\"\nyears = 2\nreplications = 2\nseed = 5\n"
            "[district]\nschools = 3\nteachers_per_school = 6\n[output]\ntrajectories = true\n");
  write_all(f.dir / "sweep.toml",
            "[sweep]\nscenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = 4\nreplications = 2\n"
            "seed = 9\n[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n"
            "\"strategy.bundling\" = { min = 0.0, max = 1.0 }\n");
  const ds::SweepLoadResult loaded = ds::load_sweep(f.dir / "sweep.toml");
  if (!loaded.ok()) std::abort();
  f.spec = *loaded.spec;
  f.design = ds::make_design(f.spec);
  const ds::SweepInvocation inv{f.dir / "sweep.toml", {}, ds::program_identity()};
  for (std::size_t k = 0; k < 2; ++k) {
    const ds::SweepShard shard{k, 2};
    const fs::path work = f.dir / ("work" + std::to_string(k));
    ds::SweepWork w = ds::prepare_sweep_work(work, f.spec, f.design, shard, inv, false, true);
    ds::SweepRunOptions opts;
    opts.shard = shard;
    opts.bootstrap = 10;
    ds::run_sweep(f.spec, f.design, w, opts);
    const fs::path dir = f.dir / ("shard" + std::to_string(k));
    fs::create_directories(dir);
    ds::write_shard_results(w, dir);
    // What `sweep --shard` writes beside them; merge reads its resumed_runs.
    write_all(dir / "manifest.json", "{\"kind\": \"sweep-shard\", \"resumed_runs\": 0}\n");
    f.journal[k] = read_all(dir / "journal.bin");
  }
  // The shards as written merge: the baseline the edits depart from.
  const ds::MergeShards shards =
      ds::check_shards({f.dir / "shard0", f.dir / "shard1"}, f.spec, f.design);
  fs::create_directories(f.dir / "merged");
  ds::write_sweep_results(f.spec, f.design, shards.journals, f.dir / "merged", 10);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fixture& f = fixture();
  if (size < 1) return 0;
  const std::uint8_t flags = data[0];
  const std::size_t k = (flags & 4) ? 1 : 0;
  std::string j = f.journal[k];
  for (std::size_t i = 1; i + 9 <= size; i += 9) edit(j, data[i], u32(data + i + 1), u32(data + i + 5));
  if (flags & 2 && j.size() >= kHeader) put(j, 56, ds::fnv1a64(j.data(), 56));
  if (flags & 1)
    for (std::size_t r : records(j)) {
      std::uint32_t len = 0;
      std::memcpy(&len, j.data() + r + 4, 4);
      put(j, r + 8 + len, ds::fnv1a64(j.data() + r + 8, len));
    }
  const fs::path shard = f.dir / ("shard" + std::to_string(k));
  write_all(shard / "journal.bin", j);
  try {
    const ds::JournalScan scan = ds::scan_journal(shard / "journal.bin");
    ds::JournalReader reader(shard / "journal.bin", scan.header);
    ds::JournalRun run;
    for (const auto& [index, offset] : scan.records) {
      reader.read(offset, run);
      if (run.values.size() != scan.header.columns) std::abort();
    }
    if (flags & 8) {
      const ds::MergeShards shards = ds::check_shards({f.dir / "shard0", f.dir / "shard1"}, f.spec, f.design);
      fs::remove_all(f.dir / "out");
      fs::create_directories(f.dir / "out");
      ds::write_sweep_results(f.spec, f.design, shards.journals, f.dir / "out", 10);
    }
  } catch (const ds::JournalError&) {
  } catch (const std::runtime_error&) {  // SweepInputError and the readers' refusals
  }
  write_all(shard / "journal.bin", f.journal[k]);
  return 0;
}

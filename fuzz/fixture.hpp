// Shared by the fuzz targets: a fixed folder for the relative paths a fuzzed
// scenario or sweep file names (scenario.base, district.schools_file,
// sweep.scenario), so that inputs can reach the base-chain, schools-file and
// base-scenario code with files that exist.
//
// The folder is made once per process under the system temp dir and holds
//   reference.toml  scenarios/reference.toml (a valid base)
//   schools.csv     scenarios/examples/schools.csv (a valid schools file)
//   parts/          tests/scenarios/invalid/parts (the invalid corpus's bases
//                   and schools files, which its seeds name)
//   sweeps/         where a fuzzed sweep file sits (sweep_dir()), laid out as
//                   the seeds expect: `../reference.toml` (scenarios/sweeps/)
//                   is reference.toml above, and sweeps/parts/ is
//                   tests/sweeps/invalid/parts (the invalid sweep corpus's
//                   base scenarios, `parts/base.toml`)
// It is removed when the process exits normally. The loaders only read.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fuzz {

inline std::filesystem::path& fixture_dir_storage() {
  static std::filesystem::path dir;
  return dir;
}

inline void remove_fixture_dir() {
  std::error_code ec;
  std::filesystem::remove_all(fixture_dir_storage(), ec);
}

// The folder; made on the first call.
inline const std::filesystem::path& fixture_dir() {
  namespace fs = std::filesystem;
  fs::path& dir = fixture_dir_storage();
  if (!dir.empty()) return dir;
  const fs::path src = DISTRICTSIM_SOURCE_DIR;
  dir = fs::temp_directory_path() / ("districtsim-fuzz-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "parts");
  fs::copy_file(src / "scenarios" / "reference.toml", dir / "reference.toml");
  fs::copy_file(src / "scenarios" / "examples" / "schools.csv", dir / "schools.csv");
  fs::copy(src / "tests" / "scenarios" / "invalid" / "parts", dir / "parts",
           fs::copy_options::recursive);
  fs::create_directories(dir / "sweeps" / "parts");
  fs::copy(src / "tests" / "sweeps" / "invalid" / "parts", dir / "sweeps" / "parts",
           fs::copy_options::recursive);
  std::atexit(remove_fixture_dir);
  return dir;
}

// The folder a fuzzed sweep file's relative paths resolve against.
inline std::filesystem::path sweep_dir() { return fixture_dir() / "sweeps"; }

}  // namespace fuzz

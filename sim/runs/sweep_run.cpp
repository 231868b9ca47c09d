#include "runs/sweep_run.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "runs/ensemble.hpp"
#include "model/metrics.hpp"
#include "engine/schedule.hpp"
#include "stats/sensitivity.hpp"
#include "runs/shared_starts.hpp"
#include "runs/sweep_journal.hpp"
#include "input/text.hpp"

namespace ds {

namespace fs = std::filesystem;

std::vector<int> sweep_report_years(int horizon) {
  std::vector<int> years;
  for (int y : {3, 5, 10})
    if (y < horizon) years.push_back(y);
  return years;
}

std::vector<std::string> sweep_outcome_names(int horizon) {
  std::vector<std::string> names;
  for (const auto& o : run_output_info()) names.emplace_back(o.name);
  const std::vector<int> years = sweep_report_years(horizon);
  for (const auto& m : metric_info()) {
    for (int y : years) names.push_back(std::string(m.name) + "_y" + std::to_string(y));
    names.push_back(std::string(m.name) + "_final");
  }
  return names;
}

namespace {

void write_points_csv(const fs::path& file, const SweepSpec& spec, const Design& d) {
  OutFile out(file);
  std::string line = "point";
  for (const SweepParam& p : spec.params) (line += ',') += csv_field(p.key);
  line += '\n';
  out.write(line);
  for (std::size_t i = 0; i < d.points; ++i) {
    const std::vector<double> v = point_values(spec.params, d, i);
    line = std::to_string(i);
    for (std::size_t k = 0; k < spec.params.size(); ++k)
      (line += ',') += csv_field(value_plain(spec.params[k], v[k]));
    line += '\n';
    out.write(line);
  }
  out.close();
}

// Writes the point_summary.csv rows of one point from its R x C values.
void write_point_summary(OutFile& out, std::size_t point, const std::vector<double>& values,
                         std::size_t reps, const std::vector<std::string>& names, double* means) {
  const std::size_t C = names.size();
  std::vector<double> column;
  std::string line;
  for (std::size_t c = 0; c < C; ++c) {
    column.clear();  // cell_stats drops empty values from it
    for (std::size_t r = 0; r < reps; ++r) column.push_back(values[r * C + c]);
    const CellStats s = cell_stats(column);
    if (means) means[c] = s.mean;
    line = std::to_string(point);
    (line += ',') += names[c];
    line += ',';
    append_cell_stats(line, s);
    line += '\n';
    out.write(line);
  }
}

void write_sensitivity_csv(const fs::path& file, const SweepSpec& spec, const Design& d,
                           const std::vector<double>& means, const std::vector<std::string>& names,
                           std::size_t bootstrap) {
  const std::size_t C = names.size(), P = d.points, D = d.dims;
  BootstrapOptions bo;
  bo.samples = bootstrap;
  bo.seed = spec.design.seed;
  OutFile out(file);
  const IndicesInfo& indices = indices_info(design_info(d.kind).indices);
  const bool sobol = indices.indices == SensitivityIndices::Sobol;
  out.write(std::string(indices.header) + "\n");
  std::vector<double> y(P);
  std::string line;
  for (std::size_t c = 0; c < C; ++c) {
    for (std::size_t i = 0; i < P; ++i) y[i] = means[i * C + c];
    if (sobol) {
      const SobolResult r = sobol_indices(y, D, bo);
      for (std::size_t k = 0; k < D; ++k) {
        const SobolIndex& s = r.params[k];
        for (int which = 0; which < 2; ++which) {
          line = names[c];
          (line += ',') += csv_field(spec.params[k].key);
          line += which == 0 ? ",first," : ",total,";
          const double v = which == 0 ? s.first : s.total;
          const Interval& ci = which == 0 ? s.first_ci : s.total_ci;
          append_number(line, v);
          line += ',';
          append_number(line, ci.low);
          line += ',';
          append_number(line, ci.high);
          line += ',';
          line += std::to_string(r.rows);
          line += '\n';
          out.write(line);
        }
      }
    } else {
      const MorrisResult r = morris_indices(d, y, bo);
      for (std::size_t k = 0; k < D; ++k) {
        const MorrisIndex& m = r.params[k];
        line = names[c];
        (line += ',') += csv_field(spec.params[k].key);
        for (double v : {m.mu, m.mu_star, m.sigma, m.mu_star_ci.low, m.mu_star_ci.high}) {
          line += ',';
          append_number(line, v);
        }
        line += ',';
        line += std::to_string(m.effects);
        line += '\n';
        out.write(line);
      }
    }
  }
  out.close();
}

}  // namespace

std::optional<SweepShard> parse_shard(const std::string& text, std::string& problem) {
  const std::size_t slash = text.find('/');
  auto number = [](const std::string& t, std::size_t& out) {
    if (t.empty() || t.size() > 6) return false;
    for (char c : t)
      if (c < '0' || c > '9') return false;
    out = std::stoul(t);
    return true;
  };
  std::size_t k = 0, n = 0;
  if (slash == std::string::npos || !number(text.substr(0, slash), k) ||
      !number(text.substr(slash + 1), n) || n < 1 || n > kMaxShards || k < 1 || k > n) {
    problem = "--shard " + text + ": expected K/N with 1 <= K <= N <= " + std::to_string(kMaxShards) + " (e.g. 3/8)";
    return std::nullopt;
  }
  return SweepShard{k - 1, n};
}

std::size_t shard_size(std::size_t runs, const SweepShard& shard) {
  return runs / shard.count + (shard.index < runs % shard.count ? 1 : 0);
}

std::string sweep_definition(const SweepSpec& spec) {
  std::string d = "districtsim ";
  d += DISTRICTSIM_VERSION;
  d += " (";
  d += DISTRICTSIM_GIT_COMMIT;
  d += ")\n";
  d += canonical_text(spec);
  d += "\n# base scenario, resolved\n";
  d += scenario_json(spec.base).dump(2, ' ', false, Json::error_handler_t::replace);
  d += '\n';
  return d;
}

fs::path sweep_work_dir(const fs::path& out) {
  fs::path p = fs::absolute(out).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.parent_path() / (p.filename().string() + ".partial");
}

namespace {

std::string read_text(const fs::path& file) {
  std::optional<std::string> text = read_whole_file(file);
  if (!text) throw std::runtime_error("cannot read " + file.string());
  return std::move(*text);
}

// Written to a temporary name, fsync'ed and renamed: never half a file.
void write_text_atomic(const fs::path& file, const std::string& text) {
  const fs::path tmp = file.parent_path() / (file.filename().string() + ".tmp");
  {
    OutFile out(tmp);
    out.write(text);
    out.close();
  }
  fs::rename(tmp, file);
}

// The first line where `was` and `now` differ, for a message.
std::string first_difference(const std::string& was, const std::string& now) {
  std::istringstream a(was), b(now);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "";
    if (!ha) la = "(nothing)";
    if (!hb) lb = "(nothing)";
    if (!ha || !hb || la != lb) {
      auto trim = [](std::string t) {
        const auto first = t.find_first_not_of(' ');
        t = first == std::string::npos ? "" : t.substr(first);
        return t.size() > 120 ? t.substr(0, 117) + "..." : t;
      };
      return "was `" + trim(la) + "`, now `" + trim(lb) + "`";
    }
  }
}

// Which part of the definition a line belongs to, for the message.
std::string definition_part(const std::string& was, const std::string& now) {
  const std::size_t scenario_at = now.find("# base scenario");
  std::size_t i = 0;
  while (i < was.size() && i < now.size() && was[i] == now[i]) ++i;
  if (i < now.find('\n')) return "the districtsim build";
  if (i < scenario_at) return "the sweep definition";
  return "the base scenario";
}

std::string invocation_text(const SweepInvocation& inv) {
  std::string t = "districtsim sweep invocation 1\n";
  (t += "program\t") += program_identity() + '\n';
  auto line = [&t](const char* key, const std::string& value) {
    if (value.find('\n') != std::string::npos)
      throw SweepInputError(std::string("a ") + key + " value with a line break cannot be recorded");
    (((t += key) += '\t') += value) += '\n';
  };
  line("file", inv.file.string());
  for (const std::string& s : inv.sets) line("set", s);
  return t;
}

JournalHeader journal_header(const SweepSpec& spec, const Design& design, const SweepShard& shard) {
  JournalHeader h;
  const std::string def = sweep_definition(spec);
  h.definition = fnv1a64(def.data(), def.size());
  h.points = design.points;
  h.replications = spec.replications;
  h.columns = static_cast<std::uint32_t>(sweep_outcome_names(spec.base.meta.years).size());
  h.metrics = static_cast<std::uint32_t>(kMetricCount);
  h.shard_index = static_cast<std::uint32_t>(shard.index);
  h.shard_count = static_cast<std::uint32_t>(shard.count);
  return h;
}

// Why the journal of `dir` is not this sweep's ("" when it is).
std::string definition_mismatch(const fs::path& dir, const std::string& definition) {
  const std::string was = read_text(dir / "definition.txt");
  if (was == definition) return "";
  return definition_part(was, definition) + " changed since the sweep started (" +
         first_difference(was, definition) + ")";
}

}  // namespace

bool sweep_is_complete(const fs::path& out, const SweepSpec& spec, const SweepShard& shard) {
  std::error_code ec;
  if (fs::exists(sweep_work_dir(out), ec) || !fs::is_regular_file(out / "manifest.json", ec)) return false;
  // The manifest of this sweep (write_sweep_manifest): its kind, its
  // definition and, for a shard, which part.
  const Json m = read_manifest(out);
  if (!m.is_object()) return false;
  const auto field = [&m](const char* key) { return m.contains(key) && m[key].is_string() ? m[key].get<std::string>() : ""; };
  const bool kind = field("kind") == (shard.sharded() ? "sweep-shard" : "sweep");
  const bool same = field("sweep") == canonical_text(spec);
  const bool part =
      !shard.sharded() || field("shard") == std::to_string(shard.index + 1) + "/" + std::to_string(shard.count);
  return kind && same && part;
}

namespace {

// The journal of the sweep in `dir`, checked as --resume must: this sweep's
// definition, this build of the program, this shard (SweepInputError saying
// what differs).
JournalScan resumable_journal(const fs::path& dir, const SweepSpec& spec, const Design& design,
                              const SweepShard& shard) {
  const JournalHeader header = journal_header(spec, design, shard);
  if (std::string why = definition_mismatch(dir, sweep_definition(spec)); !why.empty())
    throw SweepInputError("cannot resume the sweep in " + dir.string() + ": " + why +
                          "; run it under another --out, or start over with --force");
  // Runs of two builds of the model would be mixed in one result.
  if (const std::string was = read_invocation(dir).program; !was.empty() && was != program_identity())
    throw SweepInputError("cannot resume the sweep in " + dir.string() + ": its runs were made by " + was +
                          ", this is " + program_identity() +
                          " (one result would mix two builds of the model): resume it with that build, "
                          "or start over with --force");
  JournalScan scan;
  try {
    scan = scan_journal(dir / "journal.bin");
  } catch (const JournalError& e) {
    throw SweepInputError(std::string("cannot resume: ") + e.what());
  }
  const JournalHeader& h = scan.header;
  if (h.shard_index != header.shard_index || h.shard_count != header.shard_count)
    throw SweepInputError("cannot resume the sweep in " + dir.string() + ": it is shard " +
                          std::to_string(h.shard_index + 1) + "/" + std::to_string(h.shard_count) + ", not " +
                          std::to_string(shard.index + 1) + "/" + std::to_string(shard.count));
  if (!(h == header))
    throw SweepInputError("cannot resume the sweep in " + dir.string() + ": its journal belongs to another sweep");
  return scan;
}

}  // namespace

std::size_t sweep_runs_to_resume(const fs::path& dir, const SweepSpec& spec, const Design& design,
                                 const SweepShard& shard) {
  std::error_code ec;
  if (!fs::exists(dir / "journal.bin", ec) || !fs::exists(dir / "definition.txt", ec)) return 0;
  return resumable_journal(dir, spec, design, shard).records.size();
}

SweepWork prepare_sweep_work(const fs::path& dir, const SweepSpec& spec, const Design& design,
                             const SweepShard& shard, const SweepInvocation& invocation,
                             bool resume, bool discard) {
  SweepWork work;
  work.dir = dir;
  work.total = shard_size(design.points * spec.replications, shard);
  const std::string definition = sweep_definition(spec);
  const JournalHeader header = journal_header(spec, design, shard);
  std::error_code ec;
  const bool exists = fs::exists(dir, ec);
  const bool has_journal = exists && fs::exists(work.journal_file(), ec) &&
                           fs::exists(dir / "definition.txt", ec);
  if (has_journal && !resume && !discard) {
    std::size_t done = 0;
    try {
      done = scan_journal(work.journal_file()).records.size();
    } catch (const std::exception&) {
    }
    throw SweepInputError(dir.string() + " holds an interrupted sweep (" + std::to_string(done) +
                          " runs finished): continue it with --resume, or start over with "
                          "--force (which discards them)");
  }
  if (has_journal && resume) {
    work.journal = resumable_journal(dir, spec, design, shard);
    work.resumed = true;
    work.finished = work.journal.records.size();
    return work;
  }
  // A fresh start (also over a directory killed before its journal existed).
  if (exists) fs::remove_all(dir);
  // A folder the user may not write in is bad input (exit 2), as for any
  // other output directory, not a failed run.
  fs::create_directories(dir, ec);
  if (ec)
    throw SweepInputError("cannot create " + dir.string() +
                          " (the sweep keeps its finished runs there): " + ec.message());
  write_text_atomic(dir / "definition.txt", definition);
  write_text_atomic(dir / "invocation.txt", invocation_text(invocation));
  {
    const fs::path tmp = dir / "journal.bin.tmp";
    JournalWriter w(tmp, header);
    w.close();
    fs::rename(tmp, work.journal_file());
  }
  work.journal = scan_journal(work.journal_file());
  return work;
}

std::string program_identity() {
  return std::string("districtsim ") + DISTRICTSIM_VERSION + " (" + DISTRICTSIM_GIT_COMMIT + ")";
}

SweepInvocation read_invocation(const fs::path& dir) {
  std::istringstream in(read_text(dir / "invocation.txt"));
  std::string line;
  if (!std::getline(in, line) || line != "districtsim sweep invocation 1")
    throw SweepInputError((dir / "invocation.txt").string() + ": not a districtsim sweep invocation");
  SweepInvocation inv;
  inv.program.clear();  // "" unless the file records it (older folders do not)
  while (std::getline(in, line)) {
    const std::size_t tab = line.find('\t');
    const std::string key = line.substr(0, tab), value = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (key == "file")
      inv.file = value;
    else if (key == "set")
      inv.sets.push_back(value);
    else if (key == "program")
      inv.program = value;
  }
  if (inv.file.empty())
    throw SweepInputError((dir / "invocation.txt").string() + ": names no sweep file");
  return inv;
}

namespace {

// A finished shard directory has its journal and invocation; an unfinished
// one has them in its work directory (DIR.partial) only.
bool is_shard_dir(const fs::path& d) {
  std::error_code ec;
  return fs::exists(d / "journal.bin", ec) && fs::exists(d / "invocation.txt", ec);
}

// The command that runs shard `name` (K/N) of the sweep `inv` into `dir`;
// with --resume, the one that finishes a shard begun there.
std::string shard_command(const std::string& dir, const SweepInvocation& inv, const std::string& name,
                          bool resume) {
  std::string cmd = program_command() + " sweep " + shell_quote(inv.file.string()) + " --out " + dir +
                    " --shard " + name;
  for (const std::string& s : inv.sets) cmd += " --set " + shell_quote(s);
  return resume ? cmd + " --resume" : cmd;
}

// "resumed_runs" of finished shard `name`'s manifest.json, which every
// finished shard writes: a manifest that is gone, damaged or lacks the count
// is a SweepInputError naming the file, never a silent 0 in the merge's
// manifest.
std::size_t manifest_resumed_runs(const fs::path& dir, const std::string& name) {
  const fs::path file = dir / "manifest.json";
  const Json m = read_manifest(dir);
  std::string why;
  if (m.is_discarded())
    why = !fs::exists(file) ? "is missing" : !read_whole_file(file) ? "cannot be read" : "is not JSON";
  else if (!m.is_object() || !m.contains("resumed_runs") || !m["resumed_runs"].is_number_unsigned())
    why = "lacks its count of resumed runs (\"resumed_runs\")";
  if (why.empty()) return m["resumed_runs"].get<std::size_t>();
  throw SweepInputError(file.string() + " " + why + ": the shard's results are not whole; run shard " + name +
                        " again with\n    " + shard_command(shell_quote(dir.string()), read_invocation(dir), name, false) +
                        " --force");
}

}  // namespace

SweepInvocation shard_invocation(const std::vector<fs::path>& dirs) {
  // The sweep is read from the first directory that is a shard, finished or
  // not; check_shards then says what each of the others lacks.
  std::string absent;
  for (const fs::path& d : dirs) {
    std::error_code ec;
    if (is_shard_dir(d)) return read_invocation(d);
    if (is_shard_dir(sweep_work_dir(d))) return read_invocation(sweep_work_dir(d));
    if (fs::exists(d, ec))
      throw SweepInputError(d.string() +
                            " is not a sweep shard (shards are the results of districtsim sweep "
                            "--shard K/N)");
    absent += (absent.empty() ? "" : ", ") + d.string();
  }
  throw SweepInputError("no shard folder exists (" + absent +
                        ", nor their .partial work folders): run the shards first, each with " +
                        program_command() + " sweep SWEEP.toml --shard K/N --out FOLDER");
}

MergeShards check_shards(const std::vector<fs::path>& dirs, const SweepSpec& spec,
                         const Design& design) {
  MergeShards shards;
  std::vector<std::string> owner;  // shard directory by shard index
  const fs::path* first_finished = nullptr;  // and the build that ran it:
  std::string first_program;
  const fs::path* first = nullptr;  // the first directory that is a shard, finished or not
  std::vector<std::string> unfinished;  // what each unfinished shard lacks, and its command
  std::vector<fs::path> absent;         // neither a shard folder nor its work folder
  for (const fs::path& given : dirs) {
    std::error_code ec;
    // An unfinished shard is its work folder: it is checked as a finished
    // one is, then counted.
    const bool finished = is_shard_dir(given);
    if (!finished && !is_shard_dir(sweep_work_dir(given))) {
      if (fs::exists(given, ec))
        throw SweepInputError(given.string() +
                              " is not a sweep shard (shards are the results of districtsim sweep "
                              "--shard K/N)");
      absent.push_back(given);
      continue;
    }
    const fs::path d = finished ? given : sweep_work_dir(given);
    if (std::string why = sweep_definition_mismatch(d, spec); !why.empty()) {
      // The sweep is loaded from the first shard's invocation: if that shard
      // disagrees with it, the files changed since, not the shard.
      if (first == nullptr)
        throw SweepInputError("the sweep that " + d.string() + " ran (" + spec.file + ") changed since: " + why +
                              "; merge needs the sweep file and base scenario as the shards ran them");
      throw SweepInputError(d.string() + " is a shard of another sweep than " + first->string() +
                            ": " + why);
    }
    if (first == nullptr) first = &given;
    JournalScan scan;
    try {
      scan = scan_journal(d / "journal.bin");
    } catch (const std::exception& e) {
      throw SweepInputError(e.what());
    }
    const JournalHeader& h = scan.header;
    // The journal itself must be this sweep's shard, not only the folder's
    // definition.txt: a journal copied in from a sweep of the same shape
    // (another seed, say) would otherwise be merged.
    if (!(h == journal_header(spec, design, {h.shard_index, h.shard_count})))
      throw SweepInputError((d / "journal.bin").string() + " is the journal of another sweep than " +
                            first->string() + " (its header does not match this sweep's definition)");
    if (shards.count == 0) {
      shards.count = h.shard_count;
      owner.assign(shards.count, "");
    }
    const std::string name =
        std::to_string(h.shard_index + 1) + "/" + std::to_string(h.shard_count);
    if (h.shard_count != shards.count)
      throw SweepInputError(d.string() + " is shard " + name + ", but " + first->string() +
                            " is one of " + std::to_string(shards.count) + " shards");
    if (!owner[h.shard_index].empty())
      throw SweepInputError(owner[h.shard_index] + " and " + given.string() + " are both shard " +
                            name);
    owner[h.shard_index] = given.string();
    const std::size_t expected =
        shard_size(design.points * spec.replications, {h.shard_index, shards.count});
    if (!finished) {
      const std::size_t have = std::min(scan.records.size(), expected);
      unfinished.push_back("shard " + name + " in " + given.string() + " is unfinished: " + d.string() + " holds " + std::to_string(have) + " of its " + std::to_string(expected) +
                           " runs (" + std::to_string(expected - have) + " to run); finish it with\n    " +
                           shard_command(shell_quote(given.string()), read_invocation(d), name, true));
      continue;
    }
    // Damage in a finished shard is not an unfinished shard: its folder
    // cannot be resumed, and what follows the damage cannot be read.
    if (scan.valid_end < scan.file_size && fs::exists(d / "manifest.json"))
      throw SweepInputError((d / "journal.bin").string() + " is damaged at byte " +
                            std::to_string(scan.valid_end) + " of " + std::to_string(scan.file_size) + " (" +
                            std::to_string(scan.records.size()) + " of the shard's " + std::to_string(expected) +
                            " runs readable before it): run shard " + name + " again with " + program_command() + " sweep ... --shard " +
                            name + " --out " + d.string() + " --force");
    if (scan.records.size() != expected)
      throw SweepInputError(
          "shard " + name + " in " + d.string() + " has " + std::to_string(scan.records.size()) +
          " of its " + std::to_string(expected) +
          " runs: finish it with " + program_command() + " sweep ... --shard " + name + " --resume");
    // One build for every shard: two builds of the model in one result
    // would be mixed silently.
    const std::string program = read_invocation(d).program;
    if (first_finished == nullptr) {
      first_finished = &given;
      first_program = program;
    } else if (program != first_program) {
      throw SweepInputError(d.string() + " was run by " + (program.empty() ? "an older districtsim" : program) +
                            ", " + first_finished->string() + " by " +
                            (first_program.empty() ? "an older districtsim" : first_program) +
                            ": run the shards with one build, then merge");
    }
    shards.journals.push_back(d / "journal.bin");
    shards.resumed_runs += manifest_resumed_runs(d, name);
  }
  // Shards that never started: no folder to name them by, unless one
  // missing shard goes with one absent folder.
  std::vector<std::string> missing;
  for (std::size_t k = 0; k < shards.count; ++k)
    if (owner[k].empty()) missing.push_back(std::to_string(k + 1) + "/" + std::to_string(shards.count));
  std::vector<std::string> problems = unfinished;
  const SweepInvocation inv = read_invocation(is_shard_dir(*first) ? *first : sweep_work_dir(*first));
  if (missing.size() == 1 && absent.size() == 1) {
    problems.push_back("shard " + missing[0] + " never started: neither " + absent[0].string() + " nor " +
                       sweep_work_dir(absent[0]).string() + " exists; run it with\n    " +
                       shard_command(shell_quote(absent[0].string()), inv, missing[0], false));
  } else {
    for (const fs::path& d : absent)
      problems.push_back("no such shard folder: " + d.string() + " (nor " + sweep_work_dir(d).string() + ")");
    for (const std::string& m : missing)
      problems.push_back("missing shard " + m + ": run it with " + shard_command("FOLDER", inv, m, false) +
                         ", then merge every shard's folder");
  }
  if (problems.size() == 1 && unfinished.empty() && absent.empty()) throw SweepInputError(problems[0]);
  if (!problems.empty()) {
    std::string msg = "not every shard is finished; nothing merged:";
    for (const std::string& p : problems) msg += "\n  " + p;
    throw SweepInputError(msg);
  }
  return shards;
}

SweepRunResult run_sweep(const SweepSpec& spec, const Design& design, SweepWork& work,
                         const SweepRunOptions& opts) {
  const std::size_t R = spec.replications;
  const int horizon = spec.base.meta.years;
  const bool trajectories = spec.base.output.trajectories;
  const std::vector<int> years = sweep_report_years(horizon);
  const std::size_t C = sweep_outcome_names(horizon).size();

  SweepRunResult result;
  result.runs = work.total;

  // What is left to run, in coverage order.
  std::vector<char> done(design.points * R, 0);
  for (const auto& [run, offset] : work.journal.records) done[run] = 1;
  const RunOrder order = coverage_order(spec, design);
  std::vector<RunId> ids;
  std::vector<RunPlan> plans;
  for (std::size_t pos = opts.shard.index; pos < order.size(); pos += opts.shard.count) {
    const RunId id = order.at(pos);
    if (done[output_index(id, R)]) continue;
    ids.push_back(id);
    plans.push_back({id.replication, run_seed(spec, id.replication)});
  }
  done = {};

  JournalWriter journal(work.journal_file(), work.journal);
  JournalRun rec;
  auto id_of = [&](const RunPlan& p) { return ids[static_cast<std::size_t>(&p - plans.data())]; };
  // A sweep of the dials builds each replication's start once (or again
  // when the runs in flight span more seeds than are kept).
  std::optional<SharedStarts> starts;
  if (varies_strategy_only(spec)) starts.emplace(spec.base);
  auto run = [&](const RunPlan& p) {
    const std::size_t point = id_of(p).point;
    try {
      const Scenario sc = point_scenario(spec, design, point);
      return starts ? starts->run(sc, p.seed) : run_one(sc, p.seed);
    } catch (const std::exception& e) {
      throw std::runtime_error("point " + std::to_string(point) + ": " + e.what());
    }
  };
  auto consume = [&](const RunPlan& p, RunResult&& r) {
    const RunId id = id_of(p);
    const MetricTable& t = r.metrics;
    rec.run = output_index(id, R);
    rec.seed = p.seed;
    rec.teacher_steps = r.teacher_steps;
    rec.values.assign(C, kEmpty);
    std::size_t c = 0;
    for (double v : r.per_run) rec.values[c++] = v;
    std::vector<std::size_t> rows;
    for (int y : years) rows.push_back(t.year_end_row(y));
    rows.push_back(t.rows() == 0 ? 0 : t.year_end_row(t.year.back()));
    for (int m = 0; m < kMetricCount; ++m)
      for (std::size_t at : rows) rec.values[c++] = at < t.rows() ? t.row(at)[m] : kEmpty;
    rec.year.clear();
    rec.month.clear();
    rec.trajectory.clear();
    if (trajectories) {
      for (std::size_t i = 0; i < t.rows(); ++i) {
        rec.year.push_back(t.year[i]);
        rec.month.push_back(t.month[i]);
        const double* v = t.row(i);
        rec.trajectory.insert(rec.trajectory.end(), v, v + kMetricCount);
      }
    }
    journal.append(rec);
    ++result.executed;
    ++work.finished;
    if (opts.on_run) opts.on_run();
  };

  EnsembleOptions eo;
  eo.threads = opts.threads;
  eo.cancel = opts.cancel;
  const EnsembleStats stats = run_ensemble(plans, run, consume, eo);
  journal.close();
  result.cancelled = stats.cancelled && work.finished < work.total;
  return result;
}

SweepTotals write_sweep_results(const SweepSpec& spec, const Design& design,
                                const std::vector<fs::path>& journals, const fs::path& dir,
                                std::size_t bootstrap, const std::atomic<bool>* cancel) {
  const std::size_t R = spec.replications, P = design.points;
  const bool monthly = spec.base.output.frequency == Frequency::Month;
  const bool trajectories = spec.base.output.trajectories;
  const bool sensitivity = has_sensitivity_indices(design.kind);
  const std::vector<std::string> names = sweep_outcome_names(spec.base.meta.years);
  const std::size_t C = names.size();

  // Where each run is: journal and offset.
  constexpr std::uint64_t kNone = ~std::uint64_t{0};
  std::vector<std::uint64_t> offset(P * R, kNone);
  std::vector<std::uint16_t> source(P * R, 0);
  std::vector<std::unique_ptr<JournalReader>> readers;
  if (journals.size() > 65535) throw std::runtime_error("too many journals to merge");
  for (std::size_t j = 0; j < journals.size(); ++j) {
    const JournalScan scan = scan_journal(journals[j]);
    if (scan.header.points != P || scan.header.replications != R || scan.header.columns != C)
      throw std::runtime_error(journals[j].string() + ": journal of another sweep");
    for (const auto& [run, at] : scan.records) {
      if (offset[run] != kNone)
        throw std::runtime_error("run " + std::to_string(run / R) + "/" + std::to_string(run % R) +
                                 " (point/replication) is in two journals: " +
                                 journals[source[run]].string() + " and " + journals[j].string());
      offset[run] = at;
      source[run] = static_cast<std::uint16_t>(j);
    }
    readers.push_back(std::make_unique<JournalReader>(journals[j], scan.header));
  }
  for (std::size_t i = 0; i < P * R; ++i)
    if (offset[i] == kNone)
      throw std::runtime_error("the journals lack run " + std::to_string(i / R) + "/" +
                               std::to_string(i % R) + " (point/replication)");

  write_points_csv(dir / "points.csv", spec, design);
  OutFile runs(dir / "runs.csv");
  OutFile summary(dir / "point_summary.csv");
  std::unique_ptr<OutFile> traj;
  std::string line = "point,replication,seed";
  for (const std::string& n : names) (line += ',') += n;
  line += '\n';
  runs.write(line);
  line = "point,outcome,mean,sd";
  for (const char* q : kQuantileNames) (line += ',') += q;
  line += '\n';
  summary.write(line);
  if (trajectories) {
    traj = std::make_unique<OutFile>(dir / "trajectories.csv");
    line = monthly ? "point,replication,year,month" : "point,replication,year";
    for (const auto& m : metric_info()) (line += ',') += m.name;
    line += '\n';
    traj->write(line);
  }

  SweepTotals totals;
  std::vector<double> values(R * C, kEmpty);  // the current point's runs
  std::vector<double> means(sensitivity ? P * C : 0, kEmpty);
  JournalRun rec;
  for (std::size_t point = 0; point < P; ++point) {
    if (cancel != nullptr && cancel->load()) throw SweepCancelled();
    for (std::size_t r = 0; r < R; ++r) {
      const std::size_t run = point * R + r;
      readers[source[run]]->read(offset[run], rec);
      if (rec.seed != run_seed(spec, r) || rec.values.size() != C)
        throw std::runtime_error(readers[source[run]]->file().string() + ": run " + std::to_string(point) + "/" +
                                 std::to_string(r) + " (point/replication) was not run by this sweep (seed " +
                                 std::to_string(rec.seed) + ", expected " + std::to_string(run_seed(spec, r)) + ")");
      std::copy(rec.values.begin(), rec.values.end(), values.begin() + r * C);
      const std::string prefix = std::to_string(point) + ',' + std::to_string(r) + ',';
      line = prefix;
      line += std::to_string(rec.seed);
      for (double v : rec.values) {
        line += ',';
        append_number(line, v);
      }
      line += '\n';
      runs.write(line);
      if (traj) {
        for (std::size_t i = 0; i < rec.year.size(); ++i) {
          line = prefix;
          line += std::to_string(rec.year[i]);
          if (monthly) {
            line += ',';
            if (rec.month[i] >= 0) line += std::to_string(rec.month[i]);
          }
          const double* v = rec.trajectory.data() + i * kMetricCount;
          for (int m = 0; m < kMetricCount; ++m) {
            line += ',';
            append_number(line, v[m]);
          }
          line += '\n';
          traj->write(line);
        }
      }
      totals.teacher_steps += rec.teacher_steps;
      ++totals.runs;
    }
    write_point_summary(summary, point, values, R, names,
                        sensitivity ? means.data() + point * C : nullptr);
  }
  runs.close();
  summary.close();
  if (traj) traj->close();
  if (cancel != nullptr && cancel->load()) throw SweepCancelled();
  if (sensitivity)
    write_sensitivity_csv(dir / "sensitivity.csv", spec, design, means, names, bootstrap);
  return totals;
}

std::string sweep_definition_mismatch(const fs::path& dir, const SweepSpec& spec) {
  return definition_mismatch(dir, sweep_definition(spec));
}

SweepTotals write_shard_results(const SweepWork& work, const fs::path& dir) {
  // A hard link costs nothing and leaves the work directory whole until the
  // results are committed; a copy where links are not possible.
  for (const char* name : {"journal.bin", "definition.txt", "invocation.txt"}) {
    std::error_code ec;
    fs::create_hard_link(work.dir / name, dir / name, ec);
    if (ec) fs::copy_file(work.dir / name, dir / name, fs::copy_options::overwrite_existing);
  }
  SweepTotals totals;
  const JournalScan scan = scan_journal(dir / "journal.bin");
  JournalReader reader(dir / "journal.bin", scan.header);
  JournalRun rec;
  for (const auto& [run, offset] : scan.records) {
    reader.read(offset, rec);
    totals.teacher_steps += rec.teacher_steps;
    ++totals.runs;
  }
  return totals;
}

void write_sweep_manifest(const fs::path& file, const SweepSpec& spec, std::size_t points,
                          const RunManifest& m, const SweepManifestExtra& extra) {
  Json j = manifest_head(extra.shard ? "sweep-shard" : "sweep", m);
  j["sweep_file"] = spec.file;
  j["scenario_file"] = spec.scenario_file.string();
  j["overrides"] = m.overrides;
  j["sweep"] = canonical_text(spec);
  j["design"] = to_string(spec.design.kind);
  Json parameters = Json::array();
  for (const SweepParam& p : spec.params) parameters.push_back(p.key);
  j["parameters"] = std::move(parameters);
  j["points"] = points;
  j["replications"] = spec.replications;
  j["runs"] = points * spec.replications;
  j["seed"] = spec.design.seed;
  if (extra.shard) j["shard"] = std::to_string(extra.shard->index + 1) + "/" + std::to_string(extra.shard->count);
  if (extra.merged_shards > 0) j["merged_shards"] = extra.merged_shards;
  j["resumed_runs"] = extra.resumed_runs;
  write_manifest_file(file, std::move(j), m, "scenario", scenario_json(spec.base));
}

}  // namespace ds

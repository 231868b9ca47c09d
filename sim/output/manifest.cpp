#include "output/manifest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <string_view>
#include <variant>

#include "input/text.hpp"
#include "model/designs.hpp"
#include "model/dials.hpp"
#include "model/metrics.hpp"
#include "model/params.hpp"
#include "output/output.hpp"

namespace ds {

namespace fs = std::filesystem;

namespace {

// A parameter's value as JSON (its pointer into the object it belongs to).
struct JsonValue {
  Json operator()(int* v) const { return *v; }
  Json operator()(double* v) const { return *v; }
  Json operator()(bool* v) const { return *v; }
  Json operator()(std::string* v) const { return *v; }
  Json operator()(std::uint64_t* v) const { return *v; }
  Json operator()(std::vector<int>* v) const { return *v; }
  Json operator()(Frequency* v) const { return to_string(*v); }
  Json operator()(PartnerKind* v) const { return to_string(*v); }
  Json operator()(EventKind* v) const { return to_string(*v); }
};

template <class Spec, class T>
Json fields_json(const std::vector<Spec>& specs, T& item) {
  Json j = Json::object();
  for (const auto& f : specs) j[f.key] = std::visit(JsonValue{}, f.ref(item));
  return j;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string cmd;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) cmd += ' ';
    cmd += shell_quote(argv[i]);
  }
  return cmd;
}

Json output_files(const fs::path& dir) {
  std::vector<std::pair<std::string, std::uintmax_t>> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".csv")
      files.emplace_back(e.path().filename().string(), e.file_size());
  std::sort(files.begin(), files.end());
  Json j = Json::object();
  for (const auto& [name, size] : files) j[name] = size;
  return j;
}

}  // namespace


Json scenario_json(const Scenario& scenario) {
  Scenario s = scenario;  // the declaration hands out mutable references
  Json j = Json::object();
  for (const auto& p : scenario_params()) j[p.key] = std::visit(JsonValue{}, p.ref(s));
  Json partners = Json::array();
  for (Partner& p : s.partners) partners.push_back(fields_json(partner_fields(), p));
  j["partners"] = std::move(partners);
  Json events = Json::array();
  for (Event& e : s.events) events.push_back(fields_json(event_fields(), e));
  j["events"] = std::move(events);
  if (!s.district.school_list.empty()) {
    Json list = Json::array();
    for (const SchoolSpec& x : s.district.school_list)
      list.push_back(Json{{"name", x.name}, {"teachers", x.teachers}, {"need", x.need}, {"readiness", x.readiness}});
    j["school_list"] = std::move(list);
  }
  return j;
}

Json metric_tables_json() {
  const auto rows = [](const auto& infos) {
    Json list = Json::array();
    for (const MetricInfo& m : infos)
      list.push_back(Json{{"name", m.name}, {"unit", m.unit}, {"definition", m.definition}, {"kind", m.kind},
                          {"label", m.label}, {"axis", m.axis}, {"flow", m.flow}});
    return list;
  };
  Json dials = Json::array();
  for (const DialInfo& d : kDials)
    dials.push_back(Json{{"name", d.name}, {"label", d.label}, {"low", d.low}, {"high", d.high}});
  return Json{{"metrics", rows(metric_info())}, {"run_outputs", rows(run_output_info())}, {"dials", std::move(dials)}};
}

Json engine_tables_json() {
  const auto split = [](std::string_view text) {
    Json list = Json::array();
    while (!text.empty()) {
      const std::size_t comma = std::min(text.find(','), text.size());
      list.push_back(std::string(text.substr(0, comma)));
      text.remove_prefix(std::min(comma + 1, text.size()));
    }
    return list;
  };
  const auto or_null = [](const char* text) { return text && *text ? Json(text) : Json(nullptr); };
  Json designs = Json::array();
  for (const DesignInfo& d : kDesigns) {
    Json forms = Json::array();
    if (d.takes_lists) forms.push_back("list");
    if (d.takes_ranges) forms.push_back("range");
    const IndicesInfo& indices = indices_info(d.indices);
    designs.push_back(Json{{"name", d.name},
                           {"description", d.description},
                           {"size_key", or_null(d.size_key)},
                           {"min_size", d.min_size},
                           {"takes_levels", d.takes_levels},
                           {"forms", std::move(forms)},
                           {"weights", d.takes_weights},
                           {"levelled", d.levelled},
                           {"max_parameters", d.max_params ? Json(d.max_params) : Json(nullptr)},
                           {"group", Json{{"per_parameter", d.group.per_param},
                                          {"extra", d.group.extra}}},
                           {"indices", or_null(indices.name)},
                           {"measures", split(indices.measures)},
                           {"sensitivity_columns", split(indices.header)}});
  }
  Json j = metric_tables_json();
  j["designs"] = std::move(designs);
  return j;
}

Json manifest_head(const char* kind, const RunManifest& m) {
  Json j = Json::object();
  j["kind"] = kind;
  j["version"] = DISTRICTSIM_VERSION;
  j["git_commit"] = DISTRICTSIM_GIT_COMMIT;
  j["command_line"] = command_line(m.argv);
  return j;
}

void write_manifest_file(const fs::path& file, Json j, const RunManifest& m, const char* inputs_key, Json inputs) {
  j["seeds"] = m.seeds;
  j["teacher_steps"] = m.teacher_steps;
  j["threads"] = m.threads;
  j["started_at"] = m.started_at;
  j["wall_seconds"] = m.wall_seconds;
  j["files"] = output_files(file.parent_path());
  j["outputs"] = metric_tables_json();
  j[inputs_key] = std::move(inputs);
  // Text that is not UTF-8 (a file name, a --set value) is written with
  // U+FFFD in its place, so that the file stays valid JSON.
  OutFile out(file);
  out.write(j.dump(2, ' ', false, Json::error_handler_t::replace));
  out.write("\n");
  out.close();
}

void write_manifest(const fs::path& file, const Scenario& scenario, const RunManifest& m) {
  Json j = manifest_head("run", m);
  j["scenario_file"] = scenario.meta.source_file;
  j["overrides"] = m.overrides;
  j["seed"] = scenario.meta.seed;
  j["replications"] = scenario.meta.replications;
  write_manifest_file(file, std::move(j), m, "scenario", scenario_json(scenario));
}

Json read_manifest(const fs::path& dir) {
  const std::optional<std::string> text = read_whole_file(dir / "manifest.json");
  if (!text) return Json(Json::value_t::discarded);
  return Json::parse(*text, nullptr, false);
}

}  // namespace ds

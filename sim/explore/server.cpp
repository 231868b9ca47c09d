#include "explore/server.hpp"

#include <httplib.h>

#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <map>
#include <sstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "explore/whatif.hpp"

namespace ds::explore {
namespace {

using nlohmann::json;

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_errors(httplib::Response& res, int status, const std::vector<std::string>& errors) {
  send_json(res, status, {{"errors", errors}});
}

}  // namespace

struct Server::Impl {
  httplib::Server http;
  // One what-if computes at a time; `busy` guards it.
  std::mutex m;
  std::condition_variable free;
  bool busy = false;
  // The latest what-if of each page: a newer one cancels it.
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> latest;
  BaselineCache baseline_runs;
  // Reports built so far, each in its folder under `reports` (a folder of
  // this server's own, made when the first report is, removed with it).
  std::filesystem::path reports;
  int report_count = 0;  // guarded by m
  ~Impl() {
    std::error_code ec;
    std::filesystem::remove_all(reports, ec);
  }
  // Takes the engine (one computation at a time) unless `cancel` is set
  // first; gives it back when the returned object goes.
  struct Turn {
    Impl* impl = nullptr;
    ~Turn() {
      if (!impl) return;
      {
        std::lock_guard lock(impl->m);
        impl->busy = false;
      }
      impl->free.notify_all();
    }
  };
};

Server::Server(ServerOptions options) : o_(std::move(options)), impl_(std::make_unique<Impl>()) {
  httplib::Server& http = impl_->http;
  Impl& I = *impl_;
  static std::atomic<int> servers{0};
  I.reports = std::filesystem::temp_directory_path() /
              ("districtsim-explore-" + std::to_string(::getpid()) + "-" + std::to_string(servers++));
  http.set_payload_max_length(kMaxBody);
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kPageHtml, "text/html; charset=utf-8");
  });
  http.Get("/chart.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=86400");
    res.set_content(kChartJs, "application/javascript; charset=utf-8");
  });
  http.Get("/api/baseline", [this](const httplib::Request&, httplib::Response& res) {
    std::vector<std::string> errors;
    const std::optional<json> b = describe_baseline(o_.baseline, errors);
    if (!b) return send_errors(res, 500, errors);
    json shown = *b;
    if (!o_.baseline_shown.empty()) shown["file"] = o_.baseline_shown;
    send_json(res, 200, shown);
  });
  // The body of a POST as a request, or the response already sent.
  const auto read_request = [](const httplib::Request& req, httplib::Response& res, std::string& client) {
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::parse_error& e) {
      send_errors(res, 400, {std::string("request: malformed JSON (") + e.what() + ")"});
      return std::optional<Request>{};
    }
    Request r = parse_request(body);
    if (!r.problems.empty()) {
      send_errors(res, 400, r.problems);
      return std::optional<Request>{};
    }
    if (body.is_object() && body.contains("client") && body["client"].is_string())
      client = body["client"].get<std::string>();
    return std::optional<Request>{std::move(r)};
  };
  http.Post("/api/whatif", [this, &I, read_request](const httplib::Request& req, httplib::Response& res) {
    std::string client;
    const std::optional<Request> r = read_request(req, res, client);
    if (!r) return;
    // Supersede this page's earlier what-if, and wait for the engine.
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    {
      std::unique_lock lock(I.m);
      if (!client.empty()) {
        auto& slot = I.latest[client];
        if (slot) slot->store(true);
        slot = cancel;
      }
      I.free.wait(lock, [&] { return !I.busy || cancel->load(); });
      if (cancel->load()) return send_json(res, 409, {{"cancelled", true}});
      I.busy = true;
    }
    Outcome out;
    try {
      out = run_whatif(o_.baseline, r->overrides, o_.threads, cancel.get(), &I.baseline_runs);
    } catch (const std::exception& e) {
      out.status = Outcome::Status::invalid;
      out.body = {{"errors", {std::string("the runs failed: ") + e.what()}}};
    }
    {
      std::lock_guard lock(I.m);
      I.busy = false;
      if (!client.empty()) {
        auto it = I.latest.find(client);
        if (it != I.latest.end() && it->second == cancel) I.latest.erase(it);
      }
    }
    I.free.notify_all();
    switch (out.status) {
      case Outcome::Status::ok: return send_json(res, 200, out.body);
      case Outcome::Status::invalid: return send_json(res, 400, out.body);
      case Outcome::Status::cancelled: return send_json(res, 409, out.body);
    }
  });
  http.Post("/api/scenario", [this, read_request](const httplib::Request& req, httplib::Response& res) {
    std::string client;
    const std::optional<Request> r = read_request(req, res, client);
    if (!r) return;
    const Outcome out = save_whatif(o_.baseline, r->overrides);
    if (out.status != Outcome::Status::ok) return send_json(res, 400, out.body);
    res.set_header("Content-Disposition", "attachment; filename=\"whatif.toml\"");
    res.set_content(out.body["toml"].get<std::string>(), "application/toml; charset=utf-8");
  });
  http.Post("/api/load", [this](const httplib::Request& req, httplib::Response& res) {
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::parse_error& e) {
      return send_errors(res, 400, {std::string("request: malformed JSON (") + e.what() + ")"});
    }
    if (!body.is_object() || !body.contains("toml") || !body["toml"].is_string())
      return send_errors(res, 400, {"request: no scenario (expected {\"name\": \"file.toml\", \"toml\": \"...\"})"});
    const std::string name = body.contains("name") && body["name"].is_string() ? body["name"].get<std::string>() : "";
    const Outcome out = load_whatif(o_.baseline, body["toml"].get<std::string>(), name);
    send_json(res, out.status == Outcome::Status::ok ? 200 : 400, out.body);
  });
  http.Post("/api/report", [this, &I, read_request](const httplib::Request& req, httplib::Response& res) {
    std::string client;
    const std::optional<Request> r = read_request(req, res, client);
    if (!r) return;
    if (!o_.build_report) return send_errors(res, 501, {"this server builds no reports"});
    const Outcome saved = save_whatif(o_.baseline, r->overrides);
    if (saved.status != Outcome::Status::ok) return send_json(res, 400, saved.body);
    Impl::Turn turn;
    int n = 0;
    {
      std::unique_lock lock(I.m);
      I.free.wait(lock, [&] { return !I.busy; });
      I.busy = true;
      turn.impl = &I;
      n = ++I.report_count;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path dir = I.reports / std::to_string(n);
    fs::create_directories(dir, ec);
    const fs::path whatif = dir / "whatif.toml";
    {
      std::ofstream f(whatif, std::ios::binary);
      f << saved.body["toml"].get<std::string>();
      if (!f) return send_errors(res, 500, {"cannot write " + whatif.string()});
    }
    std::string error;
    if (!o_.build_report(o_.baseline, whatif, dir / "results", error))
      return send_errors(res, 500, {"the report failed: " + error});
    send_json(res, 200, {{"url", "/reports/" + std::to_string(n) + "/report.html"}, {"folder", (dir / "results").string()}});
  });
  http.Get(R"(/reports/(\d+)/report\.html)", [&I](const httplib::Request& req, httplib::Response& res) {
    std::string html;
    std::ifstream f(I.reports / req.matches[1].str() / "results" / "report.html", std::ios::binary);
    if (f) {
      std::ostringstream s;
      s << f.rdbuf();
      html = s.str();
    }
    if (html.empty()) return send_errors(res, 404, {"no such report"});
    res.set_content(html, "text/html; charset=utf-8");
  });
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 413)
      return send_errors(res, 413, {"request: larger than " + std::to_string(kMaxBody / 1024) + " KiB"});
    if (res.body.empty()) send_errors(res, res.status, {"no such page or method"});
  });
}

Server::~Server() = default;

bool Server::bind(std::string& error) {
  httplib::Server& http = impl_->http;
  if (o_.port == 0) {
    port_ = http.bind_to_any_port(o_.host.c_str());
    if (port_ < 0) {
      error = "cannot listen on " + o_.host;
      return false;
    }
    return true;
  }
  if (!http.bind_to_port(o_.host.c_str(), o_.port)) {
    error = "cannot listen on " + o_.host + ":" + std::to_string(o_.port) + " (in use, or not an address of this machine)";
    return false;
  }
  port_ = o_.port;
  return true;
}

void Server::prepare() { prepare_baseline(o_.baseline, o_.threads, impl_->baseline_runs); }

void Server::serve() { impl_->http.listen_after_bind(); }

void Server::stop() {
  {
    std::lock_guard lock(impl_->m);
    for (auto& [client, flag] : impl_->latest) flag->store(true);
  }
  impl_->free.notify_all();
  impl_->http.stop();
}

}  // namespace ds::explore

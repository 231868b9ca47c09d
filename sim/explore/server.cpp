#include "explore/server.hpp"

#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <thread>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "input/scenario_loader.hpp"

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

int status_of(const Outcome& o) {
  switch (o.status) {
    case Outcome::Status::ok: return 200;
    case Outcome::Status::invalid: return 400;
    case Outcome::Status::cancelled: return 409;
    case Outcome::Status::failed: return 500;
  }
  return 500;
}

// "host:port" as a Host header names it ([::1]:8080 for IPv6).
std::string host_port(const std::string& host, int port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

}  // namespace

struct Server::Impl {
  httplib::Server http;
  std::mutex m;  // guards everything below but `http` and `reports`
  std::condition_variable free;
  bool busy = false;      // a what-if or a report is running
  bool stopping = false;  // stop() was called: nothing more starts
  // Every what-if or report running or waiting, by its cancel flag; and each
  // page's latest what-if, with its sequence number.
  std::set<std::shared_ptr<std::atomic<bool>>> active;
  struct Latest {
    std::uint64_t seq = 0;
    std::shared_ptr<std::atomic<bool>> cancel;  // null once it has answered
    bool cancel_seen = false;                   // the page has sent one
  };
  std::map<std::string, Latest> latest;
  int report_count = 0;
  BaselineCache baseline_runs;
  std::atomic<bool> preparing_cancel{false};
  std::atomic<bool> serving{false}, served{false};  // serve() entered, returned
  // Reports built so far, each in its folder under `reports` (made with the
  // server, removed with it).
  std::filesystem::path reports;

  ~Impl() {
    std::error_code ec;
    if (!reports.empty()) std::filesystem::remove_all(reports, ec);
  }

  // Holding the engine: one what-if or report at a time.
  class Turn {
   public:
    Turn() = default;
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    ~Turn() { release(); }
    // Waits for the engine; false (nothing taken) if `cancel` is set or the
    // server stops first.
    bool take(Impl& impl, const std::shared_ptr<std::atomic<bool>>& cancel) {
      std::unique_lock lock(impl.m);
      impl.free.wait(lock, [&] { return !impl.busy || cancel->load() || impl.stopping; });
      if (cancel->load() || impl.stopping) return false;
      impl.busy = true;
      impl_ = &impl;
      return true;
    }
    void release() {
      if (!impl_) return;
      {
        std::lock_guard lock(impl_->m);
        impl_->busy = false;
      }
      impl_->free.notify_all();
      impl_ = nullptr;
    }

   private:
    Impl* impl_ = nullptr;
  };

  // A cancel flag for a new what-if or report, set at once if stopping; for
  // a page's what-if, it supersedes the page's earlier ones, or is itself
  // superseded (set) if a later one of the page already came.
  std::shared_ptr<std::atomic<bool>> enter(const Request* r) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard lock(m);
    if (stopping) cancel->store(true);
    active.insert(cancel);
    if (r && !r->client.empty()) {
      Latest& l = latest[r->client];
      if (l.cancel_seen && r->seq < l.seq) {
        cancel->store(true);  // arrived after a later one
      } else {
        if (l.cancel) l.cancel->store(true);
        l = {r->seq, cancel, true};
      }
    }
    free.notify_all();
    return cancel;
  }
  void leave(const std::shared_ptr<std::atomic<bool>>& cancel) {
    std::lock_guard lock(m);
    active.erase(cancel);
    for (auto it = latest.begin(); it != latest.end(); ++it)
      if (it->second.cancel == cancel) {
        it->second.cancel = nullptr;  // keeps the sequence number
        break;
      }
  }
};

Server::Server(ServerOptions options) : o_(std::move(options)), impl_(std::make_unique<Impl>()) {
  httplib::Server& http = impl_->http;
  Impl& I = *impl_;
  http.set_payload_max_length(kMaxBody);
  // Only this server's own pages may drive it: the Host a request names must
  // be the address served (for a loopback address: any loopback name), so a
  // web page cannot reach it through a name that resolves to 127.0.0.1, and a
  // page of another origin cannot post to it.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const std::string host = req.get_header_value("Host");
    bool ok = true;
    if (loopback(o_.host)) {
      ok = false;
      for (const char* name : {"127.0.0.1", "localhost", "::1"})
        ok = ok || host == host_port(name, port_);
    }
    const std::string origin = req.get_header_value("Origin");
    if (!origin.empty() && origin != "http://" + host) ok = false;
    if (ok) return httplib::Server::HandlerResponse::Unhandled;
    send_errors(res, 403, {"request: from another site or for another host (" + host + ")"});
    return httplib::Server::HandlerResponse::Handled;
  });
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kPageHtml, "text/html; charset=utf-8");
  });
  http.Get("/chart.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=86400");
    res.set_content(kChartJs, "application/javascript; charset=utf-8");
  });
  http.Get("/api/baseline", [this](const httplib::Request&, httplib::Response& res) {
    json b = describe_baseline(o_.baseline);
    if (!o_.baseline_shown.empty()) b["file"] = o_.baseline_shown;
    send_json(res, 200, b);
  });
  // The body of a POST as a request, or the response already sent.
  const auto read_request = [](const httplib::Request& req, httplib::Response& res) {
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
    return std::optional<Request>{std::move(r)};
  };
  http.Post("/api/whatif", [this, &I, read_request](const httplib::Request& req, httplib::Response& res) {
    const std::optional<Request> r = read_request(req, res);
    if (!r) return;
    const auto cancel = I.enter(&*r);
    Outcome out;
    {
      Impl::Turn turn;
      if (!turn.take(I, cancel)) {
        out.status = Outcome::Status::cancelled;
        out.body = {{"cancelled", true}};
      } else {
        try {
          out = run_whatif(o_.baseline, r->overrides, o_.threads, cancel.get(), &I.baseline_runs);
        } catch (const std::exception& e) {
          out.status = Outcome::Status::failed;
          out.body = {{"errors", {std::string("the runs failed: ") + e.what()}}};
        }
      }
    }
    I.leave(cancel);
    send_json(res, status_of(out), out.body);
  });
  http.Post("/api/scenario", [this, read_request](const httplib::Request& req, httplib::Response& res) {
    const std::optional<Request> r = read_request(req, res);
    if (!r) return;
    const Outcome out = save_whatif(o_.baseline, r->overrides);
    if (out.status != Outcome::Status::ok) return send_json(res, status_of(out), out.body);
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
    send_json(res, status_of(out), out.body);
  });
  http.Post("/api/report", [this, &I, read_request](const httplib::Request& req, httplib::Response& res) {
    std::optional<Request> r = read_request(req, res);
    if (!r) return;
    if (!o_.build_report) return send_errors(res, 501, {"this server builds no reports"});
    const Outcome saved = save_whatif(o_.baseline, r->overrides);
    if (saved.status != Outcome::Status::ok) return send_json(res, status_of(saved), saved.body);
    r->client.clear();  // a report supersedes no what-if, and none supersedes it
    const auto cancel = I.enter(&*r);
    int status = 200;
    json answer;
    {
      Impl::Turn turn;
      if (!turn.take(I, cancel)) {
        status = 409;
        answer = {{"cancelled", true}};
      } else {
        int n = 0;
        {
          std::lock_guard lock(I.m);
          n = ++I.report_count;
        }
        namespace fs = std::filesystem;
        const fs::path dir = I.reports / std::to_string(n);
        std::error_code ec;
        fs::create_directories(dir, ec);
        ReportJob job{o_.baseline.file, dir / "whatif.toml", dir / "results", 0, 0, 0};
        std::ofstream(job.whatif, std::ios::binary) << saved.body["toml"].get<std::string>();
        const LoadResult what = load_scenario(job.whatif);
        std::string error;
        if (!what.ok()) {
          status = 500;
          answer = {{"errors", {"cannot write or read back " + job.whatif.string()}}};
        } else {
          job.replications = what.scenario->meta.replications;
          job.years = what.scenario->meta.years;
          job.seed = what.scenario->meta.seed;
          if (o_.build_report(job, *cancel, error)) {
            answer = {{"url", "/reports/" + std::to_string(n) + "/report.html"}, {"folder", job.out.string()}};
          } else {
            status = cancel->load() ? 409 : 500;
            answer = {{"errors", {"the report failed: " + error}}};
          }
        }
      }
    }
    I.leave(cancel);
    send_json(res, status, answer);
  });
  http.Get(R"(/reports/(\d+)/report\.html)", [&I](const httplib::Request& req, httplib::Response& res) {
    std::ifstream f(I.reports / req.matches[1].str() / "results" / "report.html", std::ios::binary);
    std::ostringstream html;
    if (f) html << f.rdbuf();
    if (html.str().empty()) return send_errors(res, 404, {"no such report"});
    res.set_content(html.str(), "text/html; charset=utf-8");
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
  // A folder of its own for the reports (mkdtemp: a name nobody can take first).
  std::string folder = (std::filesystem::temp_directory_path() / "districtsim-explore-XXXXXX").string();
  if (!mkdtemp(folder.data())) {
    error = "cannot make a folder for reports in " + std::filesystem::temp_directory_path().string();
    return false;
  }
  impl_->reports = folder;
  if (o_.port == 0) {
    port_ = http.bind_to_any_port(o_.host.c_str());
    if (port_ < 0) {
      error = "cannot listen on " + o_.host;
      return false;
    }
    return true;
  }
  if (!http.bind_to_port(o_.host.c_str(), o_.port)) {
    error = "cannot listen on " + host_port(o_.host, o_.port) + " (in use, or not an address of this machine)";
    return false;
  }
  port_ = o_.port;
  return true;
}

void Server::prepare() {
  prepare_baseline(o_.baseline, o_.threads, impl_->baseline_runs, &impl_->preparing_cancel);
}

void Server::serve() {
  {
    std::lock_guard lock(impl_->m);
    if (impl_->stopping) return;
    impl_->serving = true;
  }
  impl_->http.listen_after_bind();
  impl_->served = true;
}

void Server::stop() {
  {
    std::lock_guard lock(impl_->m);
    impl_->stopping = true;
    for (const auto& flag : impl_->active) flag->store(true);
  }
  impl_->preparing_cancel.store(true);
  impl_->free.notify_all();
  impl_->http.stop();
  // httplib's stop() does nothing before the listening loop has begun: if
  // serve() was entered but is not listening yet, wait for it and stop again.
  if (impl_->serving) {
    for (int i = 0; i < 400 && !impl_->served && !impl_->http.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    impl_->http.stop();
  }
}

}  // namespace ds::explore

#include "server.hpp"

#include "budget_pressure.hpp"
#include "diagnostics.hpp"
#include "hover_actions.hpp"
#include "site_lenses.hpp"

#include <framealloc/version.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>

namespace fa::lsp {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Thrown for parameters of the wrong shape: answered with -32602, not -32603.
class InvalidParams : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const json& member(const json& params, const char* key) {
  if (!params.is_object() || !params.contains(key)) throw InvalidParams(std::string("missing '") + key + "'");
  return params.at(key);
}

std::string uri_of(const json& params) {
  const json& uri = member(member(params, "textDocument"), "uri");
  if (!uri.is_string()) throw InvalidParams("textDocument.uri is not a string");
  return uri.get<std::string>();
}

json zero_range() {
  return {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}};
}

}  // namespace

Server::Server(Hooks hooks) : hooks_(std::move(hooks)), ring_(settings_.snapshot_ring) {}

void Server::reply(const json& id, json result) {
  hooks_.send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::reply_error(const json& id, int code, const std::string& message) {
  hooks_.send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void Server::parse_error(const std::string& what) {
  reply_error(nullptr, error_code::kParseError, "parse error: " + what);
}

void Server::handle_batch(const std::vector<json>& messages) {
  std::set<std::string> cancelled;
  for (const json& m : messages) {
    if (m.is_object() && m.value("method", "") == "$/cancelRequest" && m.contains("params") &&
        m.at("params").is_object() && m.at("params").contains("id"))
      cancelled.insert(m.at("params").at("id").dump());
  }
  for (const json& m : messages) {
    const bool is_request = m.is_object() && m.contains("method") && m.contains("id");
    if (is_request && cancelled.count(m.at("id").dump()) && m.at("method") != "exit") {
      reply_error(m.at("id"), error_code::kRequestCancelled, "request cancelled");
      continue;
    }
    handle(m);
  }
}

void Server::handle(const json& m) {
  if (!m.is_object())
    return reply_error(nullptr, error_code::kInvalidRequest, "a message must be a JSON object");
  const json id = m.contains("id") ? m.at("id") : json();
  if (m.contains("id") && !id.is_string() && !id.is_number_integer())
    return reply_error(nullptr, error_code::kInvalidRequest, "id must be an integer or a string");
  if (!m.contains("method")) {
    if (m.contains("id") && (m.contains("result") || m.contains("error")))
      return;  // a response: we send no requests
    return reply_error(id, error_code::kInvalidRequest, "message has no method");
  }
  if (!m.at("method").is_string())
    return reply_error(id, error_code::kInvalidRequest, "method must be a string");
  const std::string method = m.at("method").get<std::string>();
  const json params = m.contains("params") ? m.at("params") : json::object();
  if (m.contains("id")) {
    dispatch_request(id, method, params);
  } else {
    dispatch_notification(method, params);
  }
}

void Server::dispatch_request(const json& id, const std::string& method, const json& params) {
  if (method == "initialize") {
    if (initialized_) return reply_error(id, error_code::kInvalidRequest, "initialize was already received");
    try {
      json result = initialize(params);
      initialized_ = true;
      return reply(id, std::move(result));
    } catch (const std::exception& e) {
      return reply_error(id, error_code::kInvalidParams, e.what());
    }
  }
  if (!initialized_) return reply_error(id, error_code::kServerNotInitialized, "server not initialized");
  if (shutdown_) return reply_error(id, error_code::kInvalidRequest, "server is shutting down");
  try {
    if (method == "shutdown") {
      shutdown_ = true;
      if (workspace_) cancel_workspace();  // stop the children; nothing will be published any more
      for (auto& [uri, job] : running_) job.cancel->store(true);
      return reply(id, nullptr);
    }
    if (method == "textDocument/hover") {
      const std::string uri = uri_of(params);
      const Document* doc = docs_.find(uri);
      if (doc == nullptr) return reply(id, nullptr);
      auto it = published_.find(uri);
      return reply(id, hover(it == published_.end() ? json::array() : it->second, doc->text,
                             member(params, "position")));
    }
    if (method == "textDocument/codeAction") {
      const std::string uri = uri_of(params);
      const Document* doc = docs_.find(uri);
      if (doc == nullptr) return reply(id, json::array());
      return reply(id, code_actions(uri, doc->text, member(params, "context")));
    }
    if (method == "textDocument/codeLens") {
      const Document* doc = docs_.find(uri_of(params));
      if (doc == nullptr) return reply(id, json::array());
      return reply(id, site_lenses(doc->path, ring_.latest(), ring_.previous()));
    }
    if (method == "framealloc/latest") {
      const json* latest = ring_.latest();
      return reply(id, latest == nullptr ? json() : *latest);
    }
    if (method == "framealloc/history") {
      const auto from = params.value("from", std::uint64_t{0});
      const auto to = params.value("to", std::numeric_limits<std::uint64_t>::max());
      const auto stride = params.value("stride", std::size_t{1});
      return reply(id, {{"frames", ring_.history(from, to, stride)}});
    }
    if (method == "framealloc/diff") {
      const auto a = member(params, "a").get<std::uint64_t>();
      const auto b = member(params, "b").get<std::uint64_t>();
      auto d = ring_.diff(a, b);
      if (!d)
        return reply_error(
            id, error_code::kInvalidParams,
            "frame " + std::to_string(a) + " or " + std::to_string(b) + " is not in the history");
      return reply(id, std::move(*d));
    }
    if (method == "framealloc/requestSnapshot") return reply(id, request_snapshot());
    if (method == "workspace/executeCommand") {
      const json& command = member(params, "command");
      if (command != "framealloc.analyzeWorkspace")
        return reply_error(id, error_code::kInvalidParams, "unknown command " + command.dump());
      return analyze_workspace(id);
    }
    return reply_error(id, error_code::kMethodNotFound, "unknown method '" + method + "'");
  } catch (const InvalidParams& e) {
    reply_error(id, error_code::kInvalidParams, std::string("invalid params: ") + e.what());
  } catch (const json::exception& e) {
    reply_error(id, error_code::kInvalidParams, std::string("invalid params: ") + e.what());
  } catch (const std::exception& e) {
    hooks_.log(method + " failed: " + e.what());
    reply_error(id, error_code::kInternalError, method + " failed: " + e.what());
  }
}

void Server::dispatch_notification(const std::string& method, const json& params) {
  if (method == "exit") {
    exit_requested_ = true;
    return;
  }
  if (!initialized_ || shutdown_) return;  // dropped, as the spec says
  try {
    if (method == "textDocument/didOpen") {
      const json& td = member(params, "textDocument");
      const std::string uri = uri_of(params);
      docs_.open(uri, member(td, "text").get<std::string>(), td.value("version", 0L));
      budget_[uri] = budget_diagnostics(ring_.latest(), docs_.find(uri)->text);
      schedule(uri);
    } else if (method == "textDocument/didChange") {
      const json& changes = member(params, "contentChanges");
      if (changes.is_array() && !changes.empty())
        docs_.change(uri_of(params), changes.back().at("text").get<std::string>(),
                     member(params, "textDocument").value("version", 0L));
    } else if (method == "textDocument/didSave") {
      const std::string uri = uri_of(params);
      if (params.contains("text") && docs_.find(uri) != nullptr)
        docs_.change(uri, params.at("text").get<std::string>(), docs_.find(uri)->version);
      // A save is one deliberate event: analysed at once (a newer save cancels a running one);
      // the debounce only merges bursts of opens.
      if (docs_.find(uri) != nullptr) pending_[uri] = Clock::now();
    } else if (method == "textDocument/didClose") {
      const std::string uri = uri_of(params);
      docs_.close(uri);
      pending_.erase(uri);
      if (auto it = running_.find(uri); it != running_.end()) {
        it->second.cancel->store(true);
        running_.erase(it);
      }
      budget_.erase(uri);
      publish(uri, json::array(), std::nullopt);
      published_.erase(uri);
      analysis_.erase(uri);
    } else if (method == "workspace/didChangeConfiguration") {
      if (params.contains("settings") && params.at("settings").is_object() &&
          params.at("settings").contains("framealloc"))
        reconfigure(params.at("settings").at("framealloc"));
    } else if (method == "$/cancelRequest") {
      cancel_request(member(params, "id"));
    } else if (method == "window/workDoneProgress/cancel") {
      if (workspace_ && member(params, "token") == workspace_->progress_token) cancel_workspace();
    }
    // Everything else ($/setTrace, unknown): ignored.
  } catch (const std::exception& e) {
    hooks_.log(method + " ignored: " + e.what());
  }
}

json Server::initialize(const json& params) {
  if (!params.is_object()) throw InvalidParams("params must be an object");
  if (params.contains("processId") && params.at("processId").is_number_integer())
    parent_pid_ = params.at("processId").get<long>();
  if (params.contains("rootUri") && params.at("rootUri").is_string()) {
    settings_.workspace_root = uri_to_path(params.at("rootUri").get<std::string>()).value_or("");
  } else if (params.contains("rootPath") && params.at("rootPath").is_string()) {
    settings_.workspace_root = params.at("rootPath").get<std::string>();
  }
  if (settings_.workspace_root.empty() && params.contains("workspaceFolders") &&
      params.at("workspaceFolders").is_array() && !params.at("workspaceFolders").empty())
    settings_.workspace_root = uri_to_path(params.at("workspaceFolders")[0].value("uri", "")).value_or("");
  if (params.contains("capabilities") && params.at("capabilities").is_object()) {
    const json& caps = params.at("capabilities");
    client_progress_ = caps.contains("window") && caps.at("window").is_object() &&
                       caps.at("window").value("workDoneProgress", false);
  }
  const json options = params.value("initializationOptions", json::object());
  if (options.is_object()) snapshot_notifications_ = options.value("snapshotNotifications", false);
  reconfigure(options);
  return {{"capabilities",
           {{"positionEncoding", "utf-16"},
            {"textDocumentSync", {{"openClose", true}, {"change", 1}, {"save", {{"includeText", false}}}}},
            {"hoverProvider", true},
            {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
            {"codeLensProvider", {{"resolveProvider", false}}},
            {"executeCommandProvider", {{"commands", {"framealloc.analyzeWorkspace"}}}},
            {"experimental",
             {{"framealloc",
               {{"snapshotNotification", "framealloc/snapshot"},
                {"requests",
                 {"framealloc/requestSnapshot", "framealloc/history", "framealloc/diff",
                  "framealloc/latest"}}}}}}}},
          {"serverInfo", {{"name", "fa-lsp"}, {"version", fa::kVersion}}}};
}

void Server::reconfigure(const json& options) {
  Settings next = settings_;
  apply_settings(next, options);
  const bool ring_changed = next.snapshot_ring != settings_.snapshot_ring;
  settings_ = std::move(next);
  if (ring_changed) ring_ = SnapshotRing(settings_.snapshot_ring);
  if (hooks_.watch_dir) hooks_.watch_dir(resolve_snapshot_dir(settings_));
}

void Server::schedule(const std::string& uri) {
  pending_[uri] = Clock::now() + std::chrono::milliseconds(settings_.debounce_ms);
}

std::optional<Clock::time_point> Server::next_deadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& [uri, when] : pending_)
    if (!next || when < *next) next = when;
  return next;
}

void Server::tick(Clock::time_point now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    const Document* doc = docs_.find(it->first);
    it = pending_.erase(it);
    if (doc == nullptr) continue;
    if (doc->path.empty()) {
      hooks_.log("not a file: URI, not analysed: " + doc->uri);
      continue;
    }
    AnalysisJob job;
    job.uri = doc->uri;
    job.version = doc->version;
    job.text = doc->text;
    job.request.files = {doc->path};
    job.request.build_dir = resolve_compile_commands_dir(settings_);
    if (job.request.build_dir.empty()) job.request.extra_args = settings_.fallback_flags;
    job.request.overlays = {{doc->path, doc->text}};
    job.request.timeout = std::chrono::seconds(120);
    job.serial = ++job_serial_;
    try {
      const std::string config = resolve_config_file(settings_);
      if (!config.empty()) job.request.config = fa::check::load_config(config);
    } catch (const std::exception& e) {
      publish(doc->uri,
              json::array({{{"range", zero_range()},
                            {"severity", 1},
                            {"source", "fa-check"},
                            {"message", std::string("fa-check configuration error: ") + e.what()}}}),
              doc->version);
      continue;
    }
    // A newer analysis of the same buffer makes the running one stale: stop it.
    if (auto stale = running_.find(job.uri); stale != running_.end()) stale->second.cancel->store(true);
    running_[job.uri] = {job.serial, job.cancel, Clock::now()};
    hooks_.submit(std::move(job));
  }
}

void Server::analysis_done(AnalysisResult result) {
  if (result.uri.empty()) return workspace_done(result);
  if (result.cancelled) return;  // superseded, closed or shut down: its diagnostics are not wanted
  if (auto it = running_.find(result.uri); it != running_.end()) {
    if (it->second.serial != result.serial) return;  // a newer analysis of this buffer is coming
    if (result.report) {
      // Where the time between submitting and publishing goes (queue + analysis vs fa-check's own).
      const auto total = std::chrono::duration<double, std::milli>(Clock::now() - it->second.submitted);
      hooks_.log("analysed " + result.uri + " in " + std::to_string(static_cast<long>(total.count())) +
                 " ms (fa-check " + std::to_string(static_cast<long>(result.report->seconds * 1000)) +
                 " ms)");
    }
    running_.erase(it);
  }
  const Document* doc = docs_.find(result.uri);
  if (doc == nullptr) return;  // closed while analysing: its diagnostics were cleared
  json diagnostics;
  if (!result.report) {
    diagnostics = json::array({{{"range", zero_range()},
                                {"severity", 1},
                                {"source", "fa-check"},
                                {"message", "fa-check could not analyse this file: " + result.error}}});
  } else {
    DiagnosticOptions options{settings_.docs_base_uri};
    diagnostics = diagnostics_for(*result.report, doc->path, result.text, options);
  }
  publish(result.uri, std::move(diagnostics), result.version);
}

void Server::publish(const std::string& uri, json diagnostics, std::optional<long> version) {
  analysis_[uri] = diagnostics;
  if (auto it = budget_.find(uri); it != budget_.end())
    for (const json& d : it->second) diagnostics.push_back(d);
  published_[uri] = diagnostics;
  json params = {{"uri", uri}, {"diagnostics", std::move(diagnostics)}};
  if (version) params["version"] = *version;
  hooks_.send(
      {{"jsonrpc", "2.0"}, {"method", "textDocument/publishDiagnostics"}, {"params", std::move(params)}});
}

void Server::snapshot_file(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  if (name.rfind("snapshot_", 0) != 0 || fs::path(name).extension() != ".json")
    return;  // temp and request files
  LoadedSnapshot loaded = load_snapshot_file(path, settings_.max_snapshot_bytes);
  if (!loaded.snapshot) {
    hooks_.log("skipping snapshot " + path + ": " + loaded.error);
    return;
  }
  json params = ring_.push(std::move(*loaded.snapshot));
  refresh_budget_diagnostics();
  if (snapshot_notifications_ && initialized_ && !shutdown_)
    hooks_.send({{"jsonrpc", "2.0"}, {"method", "framealloc/snapshot"}, {"params", std::move(params)}});
}

void Server::refresh_budget_diagnostics() {
  for (const Document* doc : docs_.all()) {
    json now = budget_diagnostics(ring_.latest(), doc->text);
    json& before = budget_[doc->uri];
    if (before.is_null()) before = json::array();
    if (now == before) continue;
    before = std::move(now);
    auto it = analysis_.find(doc->uri);
    publish(doc->uri, it == analysis_.end() ? json::array() : it->second, doc->version);
  }
}

void Server::progress(const std::string& token, json value) {
  if (token.empty()) return;
  hooks_.send({{"jsonrpc", "2.0"},
               {"method", "$/progress"},
               {"params", {{"token", token}, {"value", std::move(value)}}}});
}

void Server::analyze_workspace(const json& id) {
  if (workspace_) throw InvalidParams("a workspace analysis is already running");
  AnalysisJob job;
  job.request.build_dir = resolve_compile_commands_dir(settings_);
  if (job.request.build_dir.empty())
    throw InvalidParams("analysing the workspace needs a compile_commands.json");
  const std::string config = resolve_config_file(settings_);
  if (!config.empty()) job.request.config = fa::check::load_config(config);
  for (const Document* doc : docs_.all())
    if (!doc->path.empty()) job.request.overlays.emplace_back(doc->path, doc->text);
  job.request.timeout = std::chrono::seconds(120);
  job.serial = ++job_serial_;
  if (client_progress_) {
    job.progress_token = "fa-analyze-workspace-" + std::to_string(++progress_serial_);
    hooks_.send({{"jsonrpc", "2.0"},
                 {"id", job.progress_token},
                 {"method", "window/workDoneProgress/create"},
                 {"params", {{"token", job.progress_token}}}});
    progress(job.progress_token, {{"kind", "begin"},
                                  {"title", "fa-check: analysing the workspace"},
                                  {"cancellable", true},
                                  {"percentage", 0}});
  }
  workspace_ = Workspace{id, job.progress_token, job.cancel, job.serial};
  hooks_.submit(std::move(job));
}

void Server::cancel_all() {
  if (workspace_) workspace_->cancel->store(true);
  for (auto& [uri, job] : running_) job.cancel->store(true);
}

void Server::cancel_request(const json& id) {
  if (workspace_ && workspace_->request_id == id) cancel_workspace();
  // Other requests are answered as soon as they are read: nothing left to cancel.
}

void Server::cancel_workspace() {
  workspace_->cancel->store(true);  // the worker kills the analysis' child processes
  progress(workspace_->progress_token, {{"kind", "end"}, {"message", "cancelled"}});
  reply_error(workspace_->request_id, error_code::kRequestCancelled, "workspace analysis cancelled");
  workspace_.reset();
}

void Server::analysis_progress(const std::string& token, std::size_t index, std::size_t total,
                               const std::string& file) {
  if (!workspace_ || workspace_->progress_token != token) return;  // cancelled meanwhile
  const auto pct = total == 0 ? 100u : static_cast<unsigned>(index * 100 / total);
  progress(token, {{"kind", "report"},
                   {"message", std::to_string(index) + "/" + std::to_string(total) + " " + file},
                   {"percentage", pct}});
}

void Server::workspace_done(const AnalysisResult& result) {
  if (!workspace_ || workspace_->serial != result.serial) return;  // cancelled: already answered
  const Workspace ws = *workspace_;
  workspace_.reset();
  std::string summary;
  if (!result.report) {
    summary = "failed: " + result.error;
    progress(ws.progress_token, {{"kind", "end"}, {"message", summary}});
    reply_error(ws.request_id, error_code::kInternalError, "fa-check workspace analysis " + summary);
  } else {
    std::set<std::string> files(result.report->files.begin(), result.report->files.end());
    for (const auto& f : result.report->findings) files.insert(f.location.file);
    DiagnosticOptions options{settings_.docs_base_uri};
    for (const std::string& file : files) {
      const std::string uri = path_to_uri(file);
      const Document* doc = docs_.find(uri);
      std::string text = doc != nullptr ? doc->text : std::string();
      if (doc == nullptr) {
        std::ifstream in(file, std::ios::binary);
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      publish(uri, diagnostics_for(*result.report, file, text, options),
              doc != nullptr ? std::optional<long>(doc->version) : std::nullopt);
    }
    summary = std::to_string(result.report->findings.size()) + " finding(s), " +
              std::to_string(result.report->errors.size()) + " tool error(s) in " +
              std::to_string(result.report->files.size()) + " file(s)";
    progress(ws.progress_token, {{"kind", "end"}, {"message", summary}});
    reply(ws.request_id, {{"findings", result.report->findings.size()},
                          {"toolErrors", result.report->errors.size()},
                          {"files", result.report->files.size()},
                          {"progressToken", ws.progress_token}});
  }
}

json Server::request_snapshot() {
  const std::string dir = resolve_snapshot_dir(settings_);
  if (dir.empty())
    throw InvalidParams("no snapshot directory (no workspace root and no snapshotDir setting)");
  fs::create_directories(dir);  // throws filesystem_error -> -32603
  const fs::path file = fs::path(dir) / "snapshot.request";
  std::ofstream out(file);
  if (!out) throw std::runtime_error("cannot create " + file.string());
  return {{"requestFile", file.string()}};
}

}  // namespace fa::lsp

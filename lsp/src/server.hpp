// The LSP state machine: lifecycle, dispatch, documents, debounced analysis jobs, hover, code
// actions and the snapshot feed. Single-threaded: main.cpp's loop calls it; analysis runs elsewhere
// through `Hooks::submit` and comes back through analysis_done(), so the loop never blocks on Clang.
#pragma once

#include "documents.hpp"
#include "fa_check/analyzer.hpp"
#include "settings.hpp"
#include "snapshot_feed.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fa::lsp {

using Clock = std::chrono::steady_clock;

using CancelFlag = std::shared_ptr<std::atomic<bool>>;

struct AnalysisJob {
  std::string uri;             // "" = the workspace-wide analysis (command framealloc.analyzeWorkspace)
  std::string progress_token;  // work-done progress token ("" = none)
  long version = 0;
  std::string text;  // the buffer as analysed (for UTF-16 ranges)
  fa::check::Request request;
  // Set by the main loop when the result is no longer wanted ($/cancelRequest, a newer save,
  // close, shutdown): the worker skips or stops the analysis (its child processes are killed).
  CancelFlag cancel = std::make_shared<std::atomic<bool>>(false);
  unsigned serial = 0;  // matches the result to the job that asked for it
};

struct AnalysisResult {
  std::string uri;
  long version = 0;
  std::string text;
  std::optional<fa::check::Report> report;
  std::string error;  // the request itself failed (no database, bad flags)
  std::string progress_token;
  bool cancelled = false;  // stopped by its cancel flag: nothing to publish
  unsigned serial = 0;
};

struct Hooks {
  std::function<void(const nlohmann::json&)> send;    // to the writer
  std::function<void(AnalysisJob)> submit;            // to the analysis worker
  std::function<void(const std::string&)> log;        // stderr
  std::function<void(const std::string&)> watch_dir;  // (re)start the snapshot watcher ("" = stop)
};

namespace error_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;
inline constexpr int kRequestCancelled = -32800;
}  // namespace error_code

class Server {
 public:
  explicit Server(Hooks hooks);

  // One message as read from the client (already parsed).
  void handle(const nlohmann::json& message);
  // Messages that arrived together: a `$/cancelRequest` cancels a request in the same batch,
  // which is then answered with -32800 instead of being run.
  void handle_batch(const std::vector<nlohmann::json>& messages);
  // The body was not JSON.
  void parse_error(const std::string& what);

  void analysis_done(AnalysisResult result);
  // A TU of a workspace-wide analysis finished (called on the main loop, from the worker's progress).
  void analysis_progress(const std::string& token, std::size_t index, std::size_t total,
                         const std::string& file);
  void snapshot_file(const std::string& path);

  // Debounced analyses whose time has come are submitted.
  void tick(Clock::time_point now);
  std::optional<Clock::time_point> next_deadline() const;

  // The server is going away: every queued or running analysis is told to stop (no replies).
  void cancel_all();

  bool exit_requested() const { return exit_requested_; }
  int exit_code() const { return shutdown_ ? 0 : 1; }
  std::optional<long> parent_pid() const { return parent_pid_; }
  const Settings& settings() const { return settings_; }
  std::size_t snapshots_held() const { return ring_.size(); }

 private:
  void dispatch_request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params);
  void dispatch_notification(const std::string& method, const nlohmann::json& params);
  nlohmann::json initialize(const nlohmann::json& params);
  void schedule(const std::string& uri);
  // Publishes the analyzer's diagnostics for `uri` together with its budget-pressure ones.
  void publish(const std::string& uri, nlohmann::json diagnostics, std::optional<long> version);
  void refresh_budget_diagnostics();
  void reply(const nlohmann::json& id, nlohmann::json result);
  void reply_error(const nlohmann::json& id, int code, const std::string& message);
  void reconfigure(const nlohmann::json& options);
  nlohmann::json request_snapshot();
  // Starts the workspace analysis; the request `id` is answered when it ends or is cancelled.
  void analyze_workspace(const nlohmann::json& id);
  void workspace_done(const AnalysisResult& result);
  // $/cancelRequest for a request still running (the workspace analysis): -32800 now, work stopped.
  void cancel_request(const nlohmann::json& id);
  void cancel_workspace();
  void progress(const std::string& token, nlohmann::json value);

  Hooks hooks_;
  Settings settings_;
  DocumentStore docs_;
  SnapshotRing ring_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exit_requested_ = false;
  bool snapshot_notifications_ = true;
  bool client_progress_ = false;  // client announced window.workDoneProgress
  struct Workspace {
    nlohmann::json request_id;
    std::string progress_token;
    CancelFlag cancel;
    unsigned serial = 0;
  };
  std::optional<Workspace> workspace_;  // the workspace analysis in flight
  unsigned progress_serial_ = 0;
  unsigned job_serial_ = 0;
  struct Running {
    unsigned serial = 0;
    CancelFlag cancel;
    Clock::time_point submitted;  // for the timing log line
  };
  std::map<std::string, Running> running_;  // uri -> its latest submitted analysis
  std::optional<long> parent_pid_;
  std::map<std::string, Clock::time_point> pending_;  // uri -> when to analyse
  std::map<std::string, nlohmann::json> analysis_;    // uri -> the analyzer's last diagnostics
  std::map<std::string, nlohmann::json> budget_;      // uri -> budget pressure from the latest snapshot
  std::map<std::string, nlohmann::json> published_;   // uri -> both, as last sent (hover looks them up)
};

}  // namespace fa::lsp

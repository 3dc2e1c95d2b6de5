#include "event_loop.hpp"

#include "blocking_queue.hpp"
#include "server.hpp"
#include "snapshot_watcher.hpp"
#include "transport.hpp"

#include <signal.h>

#include <cerrno>
#include <iostream>
#include <memory>
#include <thread>
#include <variant>

namespace {

using fa::lsp::AnalysisJob;
using fa::lsp::AnalysisResult;
using fa::lsp::BlockingQueue;
using nlohmann::json;

struct Message {
  json body;
};
struct BadJson {
  std::string what;
};
struct InputClosed {};
struct SnapshotPath {
  std::string path;
};
struct Progress {
  std::string token;
  std::size_t index = 0;
  std::size_t total = 0;
  std::string file;
};
using Event = std::variant<Message, BadJson, InputClosed, SnapshotPath, Progress, AnalysisResult>;

void log_line(const std::string& s) {
  std::cerr << "fa-lsp: " << s << std::endl;
}

void reader(std::istream& in, const std::shared_ptr<BlockingQueue<Event>>& events_ptr) {
  BlockingQueue<Event>& events = *events_ptr;
  for (;;) {
    fa::lsp::ReadResult r = fa::lsp::read_frame(in);
    if (r.kind == fa::lsp::ReadResult::Kind::Eof) break;
    if (r.kind == fa::lsp::ReadResult::Kind::Error) {
      log_line("bad frame: " + r.error);
      if (r.recoverable) continue;
      break;  // the stream lost its framing: nothing more can be read safely
    }
    json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      events.push(BadJson{"the message body is not valid JSON"});
    } else {
      events.push(Message{std::move(body)});
    }
  }
  events.push(InputClosed{});
}

void writer(BlockingQueue<std::string>& frames, std::FILE* out) {
  while (auto frame = frames.pop()) {
    std::fwrite(frame->data(), 1, frame->size(), out);
    std::fflush(out);
  }
}

void worker(BlockingQueue<AnalysisJob>& jobs, BlockingQueue<Event>& events,
            const fa::lsp::AnalyzeFn& analyze) {
  while (auto job = jobs.pop()) {
    AnalysisResult r;
    r.uri = job->uri;
    r.version = job->version;
    r.text = job->text;
    r.progress_token = job->progress_token;
    r.serial = job->serial;
    if (job->cancel->load()) {  // cancelled while queued: never started
      r.cancelled = true;
      events.push(std::move(r));
      continue;
    }
    job->request.cancelled = [flag = job->cancel] { return flag->load(); };
    if (!job->progress_token.empty()) {
      job->request.on_progress = [&events, token = job->progress_token](std::size_t i, std::size_t n,
                                                                        const std::string& file) {
        events.push(Progress{token, i, n, file});
      };
    }
    try {
      r.report = analyze(job->request);
    } catch (const fa::check::Cancelled&) {
      r.cancelled = true;
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    events.push(std::move(r));
  }
}

bool process_alive(long pid) {
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

}  // namespace

namespace fa::lsp {

int run_server(std::istream& in, std::FILE* out, AnalyzeFn analyze) {
  // Shared with the detached reader, which may outlive this call.
  auto events_ptr = std::make_shared<BlockingQueue<Event>>();
  BlockingQueue<Event>& events = *events_ptr;
  BlockingQueue<std::string> output;
  BlockingQueue<AnalysisJob> jobs;
  fa::lsp::SnapshotWatcher watcher([&](const std::string& path) { events.push(SnapshotPath{path}); });

  fa::lsp::Hooks hooks;
  hooks.send = [&](const json& m) { output.push(fa::lsp::encode_frame(m)); };
  hooks.submit = [&](AnalysisJob job) { jobs.push(std::move(job)); };
  hooks.log = log_line;
  hooks.watch_dir = [&](const std::string& dir) { watcher.watch(dir); };
  fa::lsp::Server server(hooks);

  std::thread write_thread(writer, std::ref(output), out);
  std::thread work_thread(worker, std::ref(jobs), std::ref(events), std::cref(analyze));
  std::thread read_thread(reader, std::ref(in), events_ptr);
  read_thread.detach();  // may stay blocked in a read of `in`: it owns what it touches

  int code = 1;
  for (;;) {
    auto deadline = fa::lsp::Clock::now() + std::chrono::seconds(1);  // parent-process check period
    if (auto next = server.next_deadline(); next && *next < deadline) deadline = *next;
    std::vector<Event> batch = events.drain_until(deadline);
    std::vector<json> messages;
    bool closed = false;
    auto flush_messages = [&] {
      server.handle_batch(messages);
      messages.clear();
    };
    for (Event& e : batch) {
      if (auto* m = std::get_if<Message>(&e)) {
        messages.push_back(std::move(m->body));
        continue;
      }
      flush_messages();
      if (auto* bad = std::get_if<BadJson>(&e)) server.parse_error(bad->what);
      if (std::holds_alternative<InputClosed>(e)) closed = true;
      if (auto* s = std::get_if<SnapshotPath>(&e)) server.snapshot_file(s->path);
      if (auto* p = std::get_if<Progress>(&e))
        server.analysis_progress(p->token, p->index, p->total, p->file);
      if (auto* r = std::get_if<AnalysisResult>(&e)) server.analysis_done(std::move(*r));
    }
    flush_messages();
    server.tick(fa::lsp::Clock::now());
    if (server.exit_requested()) {
      code = server.exit_code();
      break;
    }
    if (closed) {
      log_line("input closed without exit");
      code = server.exit_code();
      break;
    }
    if (auto pid = server.parent_pid(); pid && !process_alive(*pid)) {
      log_line("parent process " + std::to_string(*pid) + " is gone");
      code = 1;
      break;
    }
  }
  watcher.watch("");
  output.close();
  write_thread.join();
  // Queued analyses are skipped and the running one is stopped (its child processes killed).
  server.cancel_all();
  jobs.close();
  work_thread.join();
  return code;
}

}  // namespace fa::lsp

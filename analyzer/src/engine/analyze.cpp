// analyze(): resolves the TUs of a request and runs them, in parallel child processes when
// isolated, so a crashing or hanging TU becomes a tool error for that TU alone.
#include "fa_check/analyzer.hpp"
#include "fa_check/report_json.hpp"
#include "path_glob.hpp"
#include "tu_runner.hpp"

#include <clang/Tooling/CompilationDatabase.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#ifndef FA_CHECK_RESOURCE_DIR
#define FA_CHECK_RESOURCE_DIR ""
#endif

namespace fa::check {
namespace {

using Clock = std::chrono::steady_clock;

std::string absolute(const std::string& p) {
  llvm::SmallString<256> s(p);
  llvm::sys::fs::make_absolute(s);
  llvm::sys::path::remove_dots(s, true);
  return std::string(s);
}

bool is_c_or_cpp_source(const std::string& file) {
  static const std::set<std::string> kExtensions = {".c",    ".cc",  ".cpp", ".cxx", ".c++", ".cp", ".C",
                                                    ".cppm", ".ixx", ".h",   ".hh",  ".hpp", ".hxx"};
  return kExtensions.count(std::filesystem::path(file).extension().string()) > 0;
}

bool excluded(const std::string& file, const std::vector<std::string>& globs) {
  for (const std::string& g : globs) {
    if (matches_glob(file, g)) return true;
  }
  return false;
}

struct Worker {
  pid_t pid = -1;
  int fd = -1;
  std::size_t index = 0;
  std::string output;
  Clock::time_point started;
  bool timed_out = false;
};

void write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// The child's whole answer is one JSON document on the pipe.
std::string encode(const TuResult& r) {
  nlohmann::json j;
  j["findings"] = nlohmann::json::array();
  for (const Finding& f : r.findings) j["findings"].push_back(to_json(f));
  if (r.error) j["error"] = *r.error;
  return j.dump();
}

TuResult decode(const std::string& text) {
  TuResult r;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    for (const auto& f : j.at("findings")) r.findings.push_back(finding_from_json(f));
    if (j.contains("error")) r.error = j["error"].get<std::string>();
  } catch (const std::exception& e) {
    r.findings.clear();
    r.error = std::string("analysis worker returned no usable result (") + e.what() + ")";
  }
  return r;
}

std::string exit_description(int status, bool timed_out, std::chrono::seconds timeout) {
  if (timed_out) return "analysis timed out after " + std::to_string(timeout.count()) + " s";
  if (WIFSIGNALED(status)) return std::string("analysis crashed (") + strsignal(WTERMSIG(status)) + ")";
  return "analysis worker exited with status " + std::to_string(WEXITSTATUS(status));
}

bool cancelled(const Request& request) {
  return request.cancelled && request.cancelled();
}

// Cancellation: the workers are killed (not waited for to finish their TU) and reaped.
[[noreturn]] void cancel_workers(std::vector<Worker>& running) {
  for (Worker& w : running) {
    ::kill(w.pid, SIGKILL);
    ::close(w.fd);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  running.clear();
  throw Cancelled("analysis cancelled");
}

std::vector<TuResult> run_isolated(const clang::tooling::CompilationDatabase& db,
                                   const std::vector<std::string>& files, const Request& request) {
  std::vector<TuResult> results(files.size());
  std::vector<Worker> running;
  std::size_t next = 0;
  std::size_t finished = 0;
  const unsigned jobs = std::max(1u, request.jobs);
  bool stopping = false;
  while (finished < next || (!stopping && next < files.size())) {
    if (cancelled(request)) cancel_workers(running);
    while (!stopping && running.size() < jobs && next < files.size()) {
      int fds[2];
      if (::pipe(fds) != 0) throw RequestError(std::string("pipe: ") + std::strerror(errno));
      std::fflush(nullptr);
      pid_t pid = ::fork();
      if (pid < 0) throw RequestError(std::string("fork: ") + std::strerror(errno));
      if (pid == 0) {
        ::close(fds[0]);
        std::string out;
        try {
          out = encode(analyze_tu(db, files[next], request));
        } catch (const std::exception& e) {
          TuResult r;
          r.error = std::string("analysis failed: ") + e.what();
          out = encode(r);
        }
        write_all(fds[1], out);
        ::_exit(0);
      }
      ::close(fds[1]);
      running.push_back(Worker{pid, fds[0], next, {}, Clock::now(), false});
      ++next;
    }
    std::vector<pollfd> polls;
    for (const Worker& w : running) polls.push_back(pollfd{w.fd, POLLIN, 0});
    ::poll(polls.data(), polls.size(), request.cancelled ? 50 : 200);
    for (std::size_t i = 0; i < running.size();) {
      Worker& w = running[i];
      bool done = false;
      if (polls.size() > i && (polls[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        char buf[65536];
        ssize_t n = ::read(w.fd, buf, sizeof buf);
        if (n > 0) {
          w.output.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          done = true;
        }
      }
      if (!done && Clock::now() - w.started > request.timeout) {
        ::kill(w.pid, SIGKILL);
        w.timed_out = true;
        done = true;
      }
      if (!done) {
        ++i;
        continue;
      }
      ::close(w.fd);
      int status = 0;
      while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (!w.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        results[w.index] = decode(w.output);
      } else {
        results[w.index].error = exit_description(status, w.timed_out, request.timeout);
      }
      ++finished;
      if (request.on_progress) request.on_progress(finished, files.size(), files[w.index]);
      if (request.stop_after &&
          request.stop_after(results[w.index].findings, results[w.index].error.has_value())) {
        stopping = true;
      }
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      polls.erase(polls.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  results.resize(next);  // TUs never started (fail-fast) are not part of the report
  return results;
}

// A long-lived caller (fa-lsp) analyses one file per save: the compilation database of a large
// project (megabytes of JSON) is parsed once and reused until compile_commands.json changes.
std::shared_ptr<clang::tooling::CompilationDatabase> load_database(const std::string& build_dir) {
  struct Cached {
    llvm::sys::TimePoint<> modified;
    std::uint64_t size = 0;
    std::shared_ptr<clang::tooling::CompilationDatabase> db;
  };
  static std::mutex mutex;
  static std::map<std::string, Cached> cache;
  llvm::SmallString<256> file(build_dir);
  llvm::sys::path::append(file, "compile_commands.json");
  llvm::sys::fs::file_status status;
  const bool stat_ok = !llvm::sys::fs::status(file, status);
  std::lock_guard lock(mutex);
  if (stat_ok) {
    auto it = cache.find(build_dir);
    if (it != cache.end() && it->second.modified == status.getLastModificationTime() &&
        it->second.size == status.getSize())
      return it->second.db;
  }
  std::string error;
  std::shared_ptr<clang::tooling::CompilationDatabase> db =
      clang::tooling::CompilationDatabase::loadFromDirectory(build_dir, error);
  if (!db) throw RequestError("cannot load compilation database from '" + build_dir + "': " + error);
  if (stat_ok) cache[build_dir] = Cached{status.getLastModificationTime(), status.getSize(), db};
  return db;
}

}  // namespace

std::string default_resource_dir() {
  return FA_CHECK_RESOURCE_DIR;
}

Report analyze(const Request& request) {
  const auto started = Clock::now();
  std::shared_ptr<clang::tooling::CompilationDatabase> db;
  if (!request.build_dir.empty()) {
    db = load_database(request.build_dir);
  } else {
    std::vector<std::string> args = request.extra_args;
    db = std::make_shared<clang::tooling::FixedCompilationDatabase>(".", args);
  }
  std::vector<std::string> files;
  if (request.files.empty()) {
    if (request.build_dir.empty()) throw RequestError("no input files");
    // Databases list every source the build compiles; only C and C++ ones are ours to parse
    // (an assembler file would fail the run). Files named on the command line are always kept.
    for (std::string& f : db->getAllFiles()) {
      if (is_c_or_cpp_source(f)) files.push_back(std::move(f));
    }
  } else {
    for (const std::string& f : request.files) files.push_back(absolute(f));
  }
  std::vector<std::string> kept;
  for (const std::string& f : files) {
    if (!excluded(f, request.config.exclude)) kept.push_back(f);
  }
  if (kept.empty())
    throw RequestError("no translation units to analyse (all inputs excluded or database empty)");

  std::vector<TuResult> results;
  if (request.isolate) {
    results = run_isolated(*db, kept, request);
  } else {
    for (std::size_t i = 0; i < kept.size(); ++i) {
      if (cancelled(request)) throw Cancelled("analysis cancelled");
      results.push_back(analyze_tu(*db, kept[i], request));
      if (request.on_progress) request.on_progress(i + 1, kept.size(), kept[i]);
      if (request.stop_after && request.stop_after(results.back().findings, results.back().error.has_value()))
        break;
    }
  }
  Report report;
  kept.resize(results.size());
  report.files = kept;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (results[i].error) report.errors.push_back(TuError{kept[i], *results[i].error});
    for (Finding& f : results[i].findings) {
      // A header finding reached through an excluded path is dropped too.
      if (!excluded(f.location.file, request.config.exclude)) report.findings.push_back(std::move(f));
    }
  }
  normalize(report);
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

}  // namespace fa::check

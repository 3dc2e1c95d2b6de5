#include <framealloc/diagnostics.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace fa {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = "[framealloc][";
  out += d.id();
  out += "] ";
  out += to_string(d.severity);
  out += ": ";
  out += d.message;
  out += '\n';
  for (const auto& n : d.notes) out += "  note: " + n + '\n';
  if (d.thread_index != 0) {
    out += "  note: on thread #" + std::to_string(d.thread_index) + ", " +
           (d.frame_active ? "during frame " + std::to_string(d.frame_number + 1)
                           : "outside a frame (" + std::to_string(d.frame_number) + " completed)") +
           '\n';
  }
  if (!d.help.empty()) out += "  help: " + d.help + '\n';
  return out;
}

void StderrSink::report(const Diagnostic& d) {
  const std::string text = format_diagnostic(d);
  std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void CollectingSink::report(const Diagnostic& d) {
  std::lock_guard lock(mutex_);
  items_.push_back(d);
}

std::vector<Diagnostic> CollectingSink::diagnostics() const {
  std::lock_guard lock(mutex_);
  return items_;
}

std::size_t CollectingSink::count(Code code) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [&](const Diagnostic& d) { return d.code == code; }));
}

std::size_t CollectingSink::size() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

void CollectingSink::clear() {
  std::lock_guard lock(mutex_);
  items_.clear();
}

StrictModeError::StrictModeError(Diagnostic d)
    : std::runtime_error(format_diagnostic(d)), diag_(std::move(d)) {}

const char* AllocError::what() const noexcept {
  return info(code_).summary.data();  // catalog strings are literals: NUL-terminated
}

std::optional<StrictMode> parse_strict_mode(std::string_view text) noexcept {
  if (text == "warn") return StrictMode::Warn;
  if (text == "error") return StrictMode::PanicOnError;
  if (text == "warning") return StrictMode::PanicOnWarning;
  return std::nullopt;
}

namespace {
std::atomic<StrictMode> g_strict{StrictMode::Warn};
std::once_flag g_env_once;

void read_environment() noexcept {
  const char* env = std::getenv("FRAMEALLOC_STRICT");
  if (!env || !*env) return;
  if (auto mode = parse_strict_mode(env)) {
    g_strict.store(*mode, std::memory_order_relaxed);
  } else {
    std::fprintf(stderr,
                 "[framealloc] warning: FRAMEALLOC_STRICT='%s' is not one of warn, error, warning; "
                 "strict mode stays off\n",
                 env);
  }
}
}  // namespace

void set_strict_mode(StrictMode mode) noexcept {
  std::call_once(g_env_once, read_environment);
  g_strict.store(mode, std::memory_order_relaxed);
}

StrictMode strict_mode() noexcept {
  std::call_once(g_env_once, read_environment);
  return g_strict.load(std::memory_order_relaxed);
}

bool strict_mode_panics_on(Severity severity) noexcept {
  switch (strict_mode()) {
    case StrictMode::Warn:
      return false;
    case StrictMode::PanicOnError:
      return severity == Severity::Error;
    case StrictMode::PanicOnWarning:
      return severity != Severity::Hint;
  }
  return false;
}

}  // namespace fa

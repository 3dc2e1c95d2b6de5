// Runtime diagnostics: the allocator reports misuse through a sink, using FA codes
// from the catalog (docs/diagnostics/catalog.json).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <framealloc/diagnostic_codes.hpp>

namespace fa {

struct Diagnostic {
  Code code{};
  Severity severity = Severity::Error;
  std::string message;
  std::vector<std::string> notes;
  std::string help;
  // Context captured where the diagnostic was raised.
  std::uint64_t instance_id = 0;
  std::uint32_t thread_index = 0;  // 0 = thread not attached to the instance
  std::uint64_t frame_number = 0;
  bool frame_active = false;

  std::string_view id() const noexcept { return info(code).id; }
};

// "[framealloc][FA001] error: ..." followed by "  note: ..." and "  help: ..." lines.
std::string format_diagnostic(const Diagnostic& d);

class DiagnosticSink {
 public:
  virtual ~DiagnosticSink() = default;
  // May be called from any thread, concurrently.
  virtual void report(const Diagnostic& d) = 0;
};

// Writes format_diagnostic() to stderr. The default sink.
class StderrSink final : public DiagnosticSink {
 public:
  void report(const Diagnostic& d) override;

 private:
  std::mutex mutex_;
};

// Keeps every diagnostic; for tests and tools.
class CollectingSink final : public DiagnosticSink {
 public:
  void report(const Diagnostic& d) override;
  std::vector<Diagnostic> diagnostics() const;
  std::size_t count(Code code) const;
  std::size_t size() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<Diagnostic> items_;
};

// What happens after a diagnostic has been reported. "Panic" means: throw
// fa::StrictModeError (std::terminate when raised inside a noexcept function or destructor).
enum class StrictMode : std::uint8_t {
  Warn,            // report only (default)
  PanicOnError,    // FRAMEALLOC_STRICT=error
  PanicOnWarning,  // FRAMEALLOC_STRICT=warning: warnings and errors panic
};

class StrictModeError : public std::runtime_error {
 public:
  explicit StrictModeError(Diagnostic d);
  const Diagnostic& diagnostic() const noexcept { return diag_; }

 private:
  Diagnostic diag_;
};

// Process-wide. The first read takes FRAMEALLOC_STRICT (warn|error|warning) from the
// environment; an unrecognised value is reported on stderr and ignored.
void set_strict_mode(StrictMode mode) noexcept;
StrictMode strict_mode() noexcept;
// Parses a FRAMEALLOC_STRICT value; nullopt for anything else.
std::optional<StrictMode> parse_strict_mode(std::string_view text) noexcept;
bool strict_mode_panics_on(Severity severity) noexcept;

class StrictModeGuard {
 public:
  explicit StrictModeGuard(StrictMode mode) noexcept : previous_(strict_mode()) { set_strict_mode(mode); }
  ~StrictModeGuard() { set_strict_mode(previous_); }
  StrictModeGuard(const StrictModeGuard&) = delete;
  StrictModeGuard& operator=(const StrictModeGuard&) = delete;

  static StrictModeGuard panic_on_error() noexcept { return StrictModeGuard(StrictMode::PanicOnError); }
  static StrictModeGuard panic_on_warning() noexcept { return StrictModeGuard(StrictMode::PanicOnWarning); }

 private:
  StrictMode previous_;
};

// Thrown by the non-try allocation functions when a request cannot be served
// (after the diagnostic was reported). try_* functions return nullptr instead.
class AllocError : public std::bad_alloc {
 public:
  explicit AllocError(Code code) noexcept : code_(code) {}
  Code code() const noexcept { return code_; }
  const char* what() const noexcept override;

 private:
  Code code_;
};

}  // namespace fa

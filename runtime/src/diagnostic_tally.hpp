// Per-instance count of reported diagnostics by code, for the snapshot's "diagnostics".
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <framealloc/diagnostics.hpp>
#include <framealloc/snapshot.hpp>

namespace fa::detail {

class DiagnosticTally {
 public:
  void record(const Diagnostic& d) {
    std::lock_guard lock(mutex_);
    Entry& e = by_code_[d.code];
    ++e.count;
    e.severity = d.severity;
    e.last_message = d.message;
    e.last_frame = d.frame_number;
    e.last_thread = d.thread_index;
  }

  // One entry per code seen, in code order.
  std::vector<SnapshotDiagnostic> entries() const {
    std::lock_guard lock(mutex_);
    std::vector<SnapshotDiagnostic> out;
    out.reserve(by_code_.size());
    for (const auto& [code, e] : by_code_) {
      out.push_back({std::string(info(code).id), severity_name(e.severity), e.count, e.last_message,
                     e.last_frame, e.last_thread});
    }
    return out;
  }

 private:
  struct Entry {
    std::uint64_t count = 0;
    Severity severity = Severity::Error;
    std::string last_message;
    std::uint64_t last_frame = 0;
    std::uint32_t last_thread = 0;
  };
  static std::string severity_name(Severity s) {
    switch (s) {
      case Severity::Error:
        return "error";
      case Severity::Warning:
        return "warning";
      default:
        return "hint";
    }
  }

  mutable std::mutex mutex_;
  std::map<Code, Entry> by_code_;
};

}  // namespace fa::detail

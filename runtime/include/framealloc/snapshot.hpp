// fa::Snapshot: the aggregated state of one allocator at a frame boundary. Mirrors
// docs/schemas/snapshot-v1.schema.json field by field; to_json() writes that format.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fa {

struct SnapshotSummary {
  std::uint64_t frame_bytes = 0;  // used in the threads' current frames
  std::uint64_t pool_bytes = 0;   // live
  std::uint64_t heap_bytes = 0;   // live
  std::uint64_t total_bytes = 0;
  std::uint64_t frame_peak_bytes = 0;
  std::uint64_t pool_peak_bytes = 0;
  std::uint64_t heap_peak_bytes = 0;
  std::uint64_t allocations = 0;
  std::uint64_t frees = 0;
  std::uint64_t failed_allocations = 0;
  std::uint64_t thread_count = 0;
  std::uint64_t diagnostics_reported = 0;
};

struct SnapshotThread {
  std::uint32_t index = 1;
  std::string name;  // omitted from the JSON when empty
  bool exited = false;
  std::uint64_t frames_completed = 0;
  bool frame_active = false;
  std::uint64_t frame_used_bytes = 0;
  std::uint64_t frame_capacity = 0;
  std::uint64_t frame_peak_bytes = 0;
  std::uint64_t pool_bytes = 0;
  std::uint64_t heap_bytes = 0;
  std::uint64_t allocations = 0;
  std::uint64_t remote_frees = 0;
  std::uint64_t failed_allocations = 0;
};

struct SnapshotUsage {
  std::uint64_t bytes = 0;
  std::uint64_t count = 0;
};

struct SnapshotTag {
  std::string path;  // hierarchical, e.g. "ai::pathfinding"
  SnapshotUsage frame, pool, heap;
};

struct SnapshotPromotions {
  std::uint64_t to_pool = 0;
  std::uint64_t to_heap = 0;
  std::uint64_t failed = 0;
};

struct SnapshotTransfers {
  std::uint64_t pending = 0;
  std::uint64_t completed_this_frame = 0;  // since the previous snapshot of this instance
  std::uint64_t initiated = 0;
  std::uint64_t completed = 0;
  std::uint64_t dropped = 0;
};

struct SnapshotDeferred {
  std::uint64_t queue_depth = 0;
  std::uint64_t processed_this_frame = 0;
};

struct SnapshotDiagnostic {
  std::string code;      // "FA211"
  std::string severity;  // "error" | "warning" | "hint"
  std::uint64_t count = 1;
  std::string last_message;
  std::uint64_t last_frame = 0;
  std::uint32_t last_thread = 0;  // omitted when 0 (not attached)
};

struct SnapshotPhase {
  std::string name;
  std::uint64_t bytes = 0;
  std::uint64_t count = 0;
  std::uint64_t duration_us = 0;  // omitted when 0
};

struct SnapshotTagBudget {
  std::string tag;
  std::uint64_t limit = 0, used = 0, peak = 0;
};

struct SnapshotThreadBudget {
  std::uint32_t thread = 1;
  std::uint64_t limit = 0, used = 0, peak = 0;
};

struct SnapshotGlobalBudget {
  std::uint64_t limit = 0, used = 0, peak = 0;
};

struct SnapshotBudgets {
  std::optional<SnapshotGlobalBudget> global;
  std::vector<SnapshotTagBudget> tags;
  std::vector<SnapshotThreadBudget> threads;
};

enum class SnapshotKind : std::uint8_t { Frame, Pool, Heap };

struct SnapshotSite {
  std::string file;
  std::uint32_t line = 1;
  std::string function;
  std::string tag;  // empty: untagged
  SnapshotKind kind = SnapshotKind::Frame;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};

struct Snapshot {
  static constexpr int kVersion = 1;

  std::uint64_t frame = 0;
  std::chrono::system_clock::time_point timestamp{};
  std::uint64_t duration_us = 0;
  SnapshotSummary summary;
  std::vector<SnapshotThread> threads;
  std::vector<SnapshotTag> tags;
  SnapshotPromotions promotions;
  SnapshotTransfers transfers;
  SnapshotDeferred deferred;
  std::vector<SnapshotDiagnostic> diagnostics;
  std::vector<SnapshotPhase> phases;
  SnapshotBudgets budgets;
  std::vector<SnapshotSite> sites;
  std::uint64_t events = 0;

  // The schema-v1 JSON text; indent < 0 writes one line.
  std::string to_json(int indent = 2) const;
};

// "2025-06-01T10:15:30.250Z" (UTC, milliseconds).
std::string format_utc_timestamp(std::chrono::system_clock::time_point t);

}  // namespace fa

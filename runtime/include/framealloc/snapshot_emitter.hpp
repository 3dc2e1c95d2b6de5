// fa::SnapshotEmitter: writes snapshot files for the editor tools at frame boundaries.
//
// Files are <directory>/snapshot_<frame, 16 digits>.json, written atomically: a hidden
// temporary file in the same directory, fsync, then rename, so a reader (or a crash) never
// sees a partial snapshot. A snapshot is written when a tool created the request file
// <directory>/snapshot.request (deleted once served) or every `auto_emit_every` frames, but
// never more often than `min_interval`; the oldest files beyond `max_snapshots` are removed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <utility>

#include <framealloc/snapshot.hpp>

namespace fa {

class SmartAlloc;

struct SnapshotConfig {
  // Empty: $FRAMEALLOC_SNAPSHOT_DIR when set and not empty, else "target/framealloc".
  std::filesystem::path directory;
  std::size_t max_snapshots = 30;  // 0 keeps every file
  std::chrono::milliseconds min_interval{500};
  std::uint64_t auto_emit_every = 0;  // frames; 0 = only on request
  // fsync the file and directory: survives power loss, not only a killed process. Off by
  // default: the emitter runs on the frame thread and an fsync stalls it for a disk round
  // trip (~12 ms on the bench VM, a visible hitch); temp file + rename is atomic either way.
  bool durable = false;

  SnapshotConfig& with_directory(std::filesystem::path dir) {
    directory = std::move(dir);
    return *this;
  }
  SnapshotConfig& with_max_snapshots(std::size_t n) {
    max_snapshots = n;
    return *this;
  }
  SnapshotConfig& with_min_interval(std::chrono::milliseconds interval) {
    min_interval = interval;
    return *this;
  }
  SnapshotConfig& with_auto_emit_every(std::uint64_t frames) {
    auto_emit_every = frames;
    return *this;
  }
  SnapshotConfig& with_durable(bool on) {
    durable = on;
    return *this;
  }
};

inline constexpr const char* kSnapshotRequestFile = "snapshot.request";
inline constexpr const char* kDefaultSnapshotDirectory = "target/framealloc";

class SnapshotEmitter {
 public:
  // Creates the directory; throws std::filesystem::filesystem_error when it cannot.
  explicit SnapshotEmitter(SnapshotConfig config = {});

  const std::filesystem::path& directory() const noexcept { return dir_; }
  const SnapshotConfig& config() const noexcept { return config_; }

  // Call once per frame, after end_frame(), on the thread that drives the frame. Builds
  // and writes a snapshot when one is due; returns the written file. Write errors throw
  // std::filesystem::filesystem_error (the request file, if any, is kept).
  std::optional<std::filesystem::path> maybe_emit(const SmartAlloc& alloc);
  // The same for a snapshot built by the caller.
  std::optional<std::filesystem::path> maybe_emit(const Snapshot& snapshot);
  // Writes now, regardless of requests and intervals, then applies retention.
  std::filesystem::path emit(const Snapshot& snapshot);

  // Creates the request file, as an external tool would.
  void request() const;
  bool request_pending() const;
  std::uint64_t emitted() const noexcept { return emitted_; }

  // "snapshot_0000000000000042.json"
  static std::string file_name(std::uint64_t frame);
  // Directory the default config resolves to (reads FRAMEALLOC_SNAPSHOT_DIR).
  static std::filesystem::path default_directory();

 private:
  bool due();  // counts the frame; true when a snapshot should be written now
  void apply_retention() const;
  void remove_stale_temporaries() const;

  SnapshotConfig config_;
  std::filesystem::path dir_;
  std::uint64_t frames_since_emit_ = 0;
  std::uint64_t emitted_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_emit_;
  std::optional<std::chrono::steady_clock::time_point> last_frame_end_;
  bool last_was_requested_ = false;
};

}  // namespace fa

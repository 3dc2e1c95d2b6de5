// Streaming allocator: memory for background-loaded resources within a byte budget.
// An entry is reserved, then loading (begin_load ... finish_load), then ready. When a new
// reservation does not fit, ready and unpinned entries are evicted by (priority, least
// recently used); reserved, loading and pinned entries are never evicted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include <framealloc/smart_alloc.hpp>

namespace fa {

enum class StreamPriority : std::uint8_t { Low, Normal, High, Critical };
enum class StreamState : std::uint8_t { Reserved, Loading, Ready };

struct StreamId {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;  // 0: the null id
  bool is_null() const noexcept { return generation == 0; }
  friend bool operator==(StreamId, StreamId) = default;
};

struct Eviction {
  StreamId id;
  std::size_t size = 0;
  StreamPriority priority = StreamPriority::Low;
};

struct StreamingStats {
  std::size_t budget = 0;
  std::size_t used = 0;  // bytes of every entry, whatever its state
  std::uint64_t reserved = 0, loading = 0, ready = 0, pinned = 0;
  std::uint64_t evictions = 0;
  std::uint64_t failed_reservations = 0;
};

inline constexpr std::size_t kDefaultStreamingBudget = std::size_t{64} << 20;

// Thread-safe (one mutex): typically the main thread reserves and accesses while loader
// threads write into begin_load()'s span and call report_progress()/finish_load(). A span
// from access() is valid until the entry is evicted or freed: pin() it while it is in use.
class StreamingAllocator {
 public:
  // budget_bytes of 0 throws std::invalid_argument. Memory comes from the heap path.
  StreamingAllocator(SmartAlloc& alloc, std::size_t budget_bytes);
  ~StreamingAllocator();
  StreamingAllocator(const StreamingAllocator&) = delete;
  StreamingAllocator& operator=(const StreamingAllocator&) = delete;

  // The null id when size exceeds the whole budget (FA405) or when evicting every evictable
  // entry would not make room (FA402; then nothing is evicted). size 0 throws invalid_argument.
  StreamId reserve(std::size_t size, StreamPriority priority);
  // Reserved -> Loading: where the loader writes the data. Empty span on misuse (FA401/FA406).
  std::span<std::byte> begin_load(StreamId id);
  // Loading only; bytes_loaded is clamped to the entry size.
  bool report_progress(StreamId id, std::size_t bytes_loaded);
  // Fraction loaded (0..1; 1 when ready); nullopt for a stale id.
  std::optional<float> progress(StreamId id) const;
  // Loading -> Ready.
  bool finish_load(StreamId id);
  // The data of a ready entry, which becomes the most recently used. Empty on misuse.
  std::span<std::byte> access(StreamId id);
  bool pin(StreamId id);
  bool unpin(StreamId id);
  // Any state but Loading (FA406). False with FA401 for a stale id.
  bool free(StreamId id);
  // nullopt (no diagnostic) when the id is stale: e.g. to check whether it was evicted.
  std::optional<StreamState> state(StreamId id) const;

  void set_eviction_callback(std::function<void(const Eviction&)> callback);
  StreamingStats stats() const;
  std::size_t budget() const noexcept { return budget_; }

 private:
  struct Entry {
    std::uint32_t generation = 1;
    bool live = false;
    StreamState state = StreamState::Reserved;
    StreamPriority priority = StreamPriority::Low;
    std::uint32_t pins = 0;
    std::byte* data = nullptr;
    std::size_t size = 0;
    std::size_t loaded = 0;
    std::uint64_t last_use = 0;
  };
  Entry* live_locked(StreamId id);
  const Entry* live_locked(StreamId id) const;
  void retire_locked(std::uint32_t index);
  void report_stale(StreamId id, const char* fn);
  void report_state(StreamId id, const char* fn, StreamState state, const char* needed);

  SmartAlloc& alloc_;
  const std::size_t budget_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t used_ = 0;
  std::uint64_t tick_ = 0;
  std::uint64_t evictions_ = 0;
  std::uint64_t failed_ = 0;
  std::mutex callback_mutex_;
  std::function<void(const Eviction&)> on_evict_;
};

}  // namespace fa

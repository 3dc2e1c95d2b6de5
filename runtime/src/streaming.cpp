// Streaming allocator: budget, state machine, (priority, LRU) eviction.
#include <framealloc/streaming.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "frame_features_registry.hpp"
#include "instance.hpp"

namespace fa {
namespace {

const char* state_name(StreamState s) {
  switch (s) {
    case StreamState::Reserved:
      return "reserved";
    case StreamState::Loading:
      return "loading";
    case StreamState::Ready:
      return "ready";
  }
  return "?";
}

}  // namespace

StreamingAllocator::StreamingAllocator(SmartAlloc& alloc, std::size_t budget_bytes)
    : alloc_(alloc), budget_(budget_bytes) {
  if (budget_bytes == 0)
    throw std::invalid_argument("fa::StreamingAllocator: the budget must be greater than 0");
}

StreamingAllocator::~StreamingAllocator() {
  for (Entry& e : entries_)
    if (e.live) alloc_.heap_free_bytes(e.data);
}

StreamingAllocator::Entry* StreamingAllocator::live_locked(StreamId id) {
  if (id.generation == 0 || id.index >= entries_.size()) return nullptr;
  Entry& e = entries_[id.index];
  return e.live && e.generation == id.generation ? &e : nullptr;
}
const StreamingAllocator::Entry* StreamingAllocator::live_locked(StreamId id) const {
  return const_cast<StreamingAllocator*>(this)->live_locked(id);
}

void StreamingAllocator::retire_locked(std::uint32_t index) {
  Entry& e = entries_[index];
  used_ -= e.size;
  e.live = false;
  e.data = nullptr;
  if (++e.generation == 0) e.generation = 1;
  free_slots_.push_back(index);
}

void StreamingAllocator::report_stale(StreamId id, const char* fn) {
  alloc_.report(Code::FA401, std::string("streaming().") + fn + "() with a stale or null stream id",
                {id.is_null() ? "the id is null (default-constructed or a failed reserve())"
                              : "entry " + std::to_string(id.index) + " was freed or evicted"});
}

void StreamingAllocator::report_state(StreamId id, const char* fn, StreamState state, const char* needed) {
  alloc_.report(Code::FA406, std::string("streaming().") + fn + "() on an entry that is " + state_name(state),
                {"entry " + std::to_string(id.index) + " must be " + needed + "; it was left unchanged"});
}

StreamId StreamingAllocator::reserve(std::size_t size, StreamPriority priority) {
  if (size == 0) throw std::invalid_argument("fa::StreamingAllocator::reserve: size must be greater than 0");
  std::vector<Eviction> evicted;
  std::vector<std::byte*> evicted_memory;
  std::uint32_t index;
  StreamId id;
  {
    std::unique_lock lock(mutex_);
    if (size > budget_) {
      ++failed_;
      lock.unlock();
      alloc_.report(Code::FA405,
                    "streaming reservation of " + std::to_string(size) + " bytes exceeds the budget",
                    {"the streaming budget is " + std::to_string(budget_) + " bytes; nothing was evicted"});
      return {};
    }
    if (used_ + size > budget_) {
      std::vector<std::uint32_t> candidates;
      for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        if (e.live && e.state == StreamState::Ready && e.pins == 0) candidates.push_back(i);
      }
      std::sort(candidates.begin(), candidates.end(), [&](std::uint32_t a, std::uint32_t b) {
        const Entry& x = entries_[a];
        const Entry& y = entries_[b];
        return x.priority != y.priority ? x.priority < y.priority : x.last_use < y.last_use;
      });
      std::size_t freeable = 0;
      std::size_t take = 0;
      while (take < candidates.size() && used_ - freeable + size > budget_)
        freeable += entries_[candidates[take++]].size;
      if (used_ - freeable + size > budget_) {
        ++failed_;
        const std::size_t used = used_;
        lock.unlock();
        alloc_.report(
            Code::FA402,
            "streaming budget exhausted: nothing can be evicted to fit " + std::to_string(size) + " bytes",
            {std::to_string(used) + " of " + std::to_string(budget_) +
                 " bytes are in use; evicting every ready, unpinned entry would free only " +
                 std::to_string(freeable),
             "nothing was evicted"});
        return {};
      }
      for (std::size_t k = 0; k < take; ++k) {
        const std::uint32_t i = candidates[k];
        Entry& e = entries_[i];
        evicted.push_back({{i, e.generation}, e.size, e.priority});
        evicted_memory.push_back(e.data);
        retire_locked(i);
        ++evictions_;
      }
    }
    if (!free_slots_.empty()) {
      index = free_slots_.back();
      free_slots_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
    }
    Entry& e = entries_[index];
    e.live = true;
    e.state = StreamState::Reserved;
    e.priority = priority;
    e.pins = 0;
    e.size = size;
    e.loaded = 0;
    e.last_use = ++tick_;
    used_ += size;  // counted now so concurrent reservations see it
    id = {index, e.generation};
  }
  for (std::byte* p : evicted_memory) alloc_.heap_free_bytes(p);
  std::byte* data = nullptr;
  try {
    data = static_cast<std::byte*>(alloc_.heap_alloc_bytes(size, 64));
  } catch (...) {
    std::lock_guard lock(mutex_);
    retire_locked(index);
    ++failed_;
    throw;
  }
  {
    std::lock_guard lock(mutex_);
    entries_[index].data = data;
  }
  if (!evicted.empty()) {
    std::lock_guard lock(callback_mutex_);
    if (on_evict_)
      for (const Eviction& ev : evicted) on_evict_(ev);
  }
  return id;
}

std::span<std::byte> StreamingAllocator::begin_load(StreamId id) {
  std::unique_lock lock(mutex_);
  Entry* e = live_locked(id);
  if (!e) {
    lock.unlock();
    report_stale(id, "begin_load");
    return {};
  }
  if (e->state != StreamState::Reserved) {
    const StreamState s = e->state;
    lock.unlock();
    report_state(id, "begin_load", s, "reserved");
    return {};
  }
  e->state = StreamState::Loading;
  return {e->data, e->size};
}

bool StreamingAllocator::report_progress(StreamId id, std::size_t bytes_loaded) {
  std::unique_lock lock(mutex_);
  Entry* e = live_locked(id);
  if (!e) {
    lock.unlock();
    report_stale(id, "report_progress");
    return false;
  }
  if (e->state != StreamState::Loading) {
    const StreamState s = e->state;
    lock.unlock();
    report_state(id, "report_progress", s, "loading");
    return false;
  }
  e->loaded = std::min(bytes_loaded, e->size);
  return true;
}

std::optional<float> StreamingAllocator::progress(StreamId id) const {
  std::lock_guard lock(mutex_);
  const Entry* e = live_locked(id);
  if (!e) return std::nullopt;
  if (e->state == StreamState::Ready) return 1.0f;
  return static_cast<float>(static_cast<double>(e->loaded) / static_cast<double>(e->size));
}

bool StreamingAllocator::finish_load(StreamId id) {
  std::unique_lock lock(mutex_);
  Entry* e = live_locked(id);
  if (!e) {
    lock.unlock();
    report_stale(id, "finish_load");
    return false;
  }
  if (e->state != StreamState::Loading) {
    const StreamState s = e->state;
    lock.unlock();
    report_state(id, "finish_load", s, "loading");
    return false;
  }
  e->state = StreamState::Ready;
  e->loaded = e->size;
  e->last_use = ++tick_;
  return true;
}

std::span<std::byte> StreamingAllocator::access(StreamId id) {
  std::unique_lock lock(mutex_);
  Entry* e = live_locked(id);
  if (!e) {
    lock.unlock();
    report_stale(id, "access");
    return {};
  }
  if (e->state != StreamState::Ready) {
    const StreamState s = e->state;
    lock.unlock();
    report_state(id, "access", s, "ready");
    return {};
  }
  e->last_use = ++tick_;
  return {e->data, e->size};
}

bool StreamingAllocator::pin(StreamId id) {
  std::unique_lock lock(mutex_);
  Entry* e = live_locked(id);
  if (!e) {
    lock.unlock();
    report_stale(id, "pin");
    return false;
  }
  ++e->pins;
  return true;
}

bool StreamingAllocator::unpin(StreamId id) {
  std::unique_lock lock(mutex_);
  Entry* e = live_locked(id);
  if (!e) {
    lock.unlock();
    report_stale(id, "unpin");
    return false;
  }
  if (e->pins == 0) return false;
  --e->pins;
  return true;
}

bool StreamingAllocator::free(StreamId id) {
  std::byte* data;
  {
    std::unique_lock lock(mutex_);
    Entry* e = live_locked(id);
    if (!e) {
      lock.unlock();
      report_stale(id, "free");
      return false;
    }
    if (e->state == StreamState::Loading) {
      lock.unlock();
      report_state(id, "free", StreamState::Loading, "reserved or ready (a loader is writing into it)");
      return false;
    }
    data = e->data;
    retire_locked(id.index);
  }
  alloc_.heap_free_bytes(data);
  return true;
}

std::optional<StreamState> StreamingAllocator::state(StreamId id) const {
  std::lock_guard lock(mutex_);
  const Entry* e = live_locked(id);
  return e ? std::optional<StreamState>(e->state) : std::nullopt;
}

void StreamingAllocator::set_eviction_callback(std::function<void(const Eviction&)> callback) {
  std::lock_guard lock(callback_mutex_);
  on_evict_ = std::move(callback);
}

StreamingStats StreamingAllocator::stats() const {
  std::lock_guard lock(mutex_);
  StreamingStats s;
  s.budget = budget_;
  s.used = used_;
  s.evictions = evictions_;
  s.failed_reservations = failed_;
  for (const Entry& e : entries_) {
    if (!e.live) continue;
    if (e.pins) ++s.pinned;
    switch (e.state) {
      case StreamState::Reserved:
        ++s.reserved;
        break;
      case StreamState::Loading:
        ++s.loading;
        break;
      case StreamState::Ready:
        ++s.ready;
        break;
    }
  }
  return s;
}

StreamingAllocator& SmartAlloc::streaming() {
  return impl_->features.streaming(*this);
}

}  // namespace fa

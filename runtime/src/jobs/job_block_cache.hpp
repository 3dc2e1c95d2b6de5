// Recycled storage for jobs spawned by non-worker threads (JobStorage::Pooled). Each spawning
// thread owns one cache per job system: it takes blocks from its own free list with no atomic
// operation, and the workers that finish its jobs hand the blocks back in batches (one CAS per
// batch onto the cache's return stack), which the owner takes over in one exchange when its
// list runs dry. General-purpose malloc does the same work with a lock per call once the jobs
// in flight outnumber its per-thread cache, which is what a burst of spawns from one thread does.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <framealloc/jobs/job.hpp>

#include "../instrument.hpp"

namespace fa::jobs::detail {

inline constexpr std::size_t kJobBlocksPerSlab = 256;  // 32 KiB slabs
// A worker hands blocks back after this many (or when it runs out of work).
inline constexpr std::uint32_t kJobBlockReturnBatch = 32;

class JobBlockCache {
 public:
  struct Block {
    Block* next;
  };
  struct Counts {
    std::uint64_t blocks = 0;  // created in slabs
    std::uint64_t taken = 0;   // jobs placed in a block
    std::uint64_t in_use = 0;  // taken and not yet handed back
  };

  JobBlockCache() = default;
  ~JobBlockCache();
  JobBlockCache(const JobBlockCache&) = delete;
  JobBlockCache& operator=(const JobBlockCache&) = delete;

  // Owner thread only. A kJobBlockBytes block aligned to kJobBlockAlign; throws std::bad_alloc.
  void* take() {
    if (!local_) refill();
    Block* b = local_;
    local_ = b->next;
    __builtin_prefetch(local_, 1);  // the next spawn's block, usually last touched by a worker
    owner_add(taken_, 1);
    fa::detail::asan_unpoison(b, kJobBlockBytes);
    return b;
  }
  // ASan builds: a free block is poisoned past its link, so a job touched after it finished
  // is reported on the first access. Whoever frees a block calls this first.
  static void poison_free(void* p) noexcept {
    fa::detail::asan_poison(static_cast<std::byte*>(p) + sizeof(Block), kJobBlockBytes - sizeof(Block));
  }
  // Owner thread only.
  void give_back_local(void* p) noexcept {
    poison_free(p);
    auto* b = static_cast<Block*>(p);
    b->next = local_;
    local_ = b;
    owner_add(returned_local_, 1);
  }
  // Owner thread only: undoes take() when the job could not be constructed in the block.
  void cancel_take(void* p) noexcept {
    poison_free(p);
    auto* b = static_cast<Block*>(p);
    b->next = local_;
    local_ = b;
    owner_add(taken_, std::uint64_t(0) - 1);
  }
  // Any thread: `n` blocks linked from `head` to `tail` through Block::next.
  void give_back_remote(Block* head, Block* tail, std::uint32_t n) noexcept;

  // Ownership passes to a new thread when the previous owner exited (its jobs may still run).
  void orphan() noexcept { orphaned_.store(true, std::memory_order_release); }
  bool try_adopt() noexcept { return orphaned_.exchange(false, std::memory_order_acq_rel); }

  Counts counts() const noexcept;

  // Jobs the owner ran while helping inside wait() (owner-written, released after each job):
  // the job system sums these instead of sharing one atomic among helper threads.
  void count_helped() noexcept {
    helped_.store(helped_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }
  std::uint64_t helped() const noexcept { return helped_.load(std::memory_order_seq_cst); }

 private:
  friend class JobBlockCaches;
  static void owner_add(std::atomic<std::uint64_t>& c, std::uint64_t n) noexcept {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void refill();

  Block* local_ = nullptr;                                               // owner only
  std::vector<void*> slabs_;                                             // owner only (and the destructor)
  std::atomic<std::uint64_t> blocks_{0}, taken_{0}, returned_local_{0};  // owner-written
  std::atomic<bool> orphaned_{false};
  JobBlockCache* next_in_registry_ = nullptr;        // set before the cache is published, then fixed
  std::atomic<std::uint64_t> helped_{0};             // owner-written
  alignas(64) std::atomic<Block*> remote_{nullptr};  // blocks handed back by other threads
  std::atomic<std::uint64_t> returned_remote_{0};
};

// A worker's blocks waiting to go back to their cache, all from one cache at a time (a burst
// of jobs comes from one spawning thread). Only its worker touches it.
class JobBlockReturns {
 public:
  void add(JobBlockCache* cache, void* block) noexcept {
    JobBlockCache::poison_free(block);
    auto* b = static_cast<JobBlockCache::Block*>(block);
    if (cache != cache_) {
      flush();
      cache_ = cache;
      tail_ = b;
    }
    b->next = head_;
    head_ = b;
    if (++count_ == kJobBlockReturnBatch) flush();
  }
  void flush() noexcept {
    if (count_ == 0) return;
    cache_->give_back_remote(head_, tail_, count_);
    head_ = tail_ = nullptr;
    count_ = 0;
    cache_ = nullptr;
  }
  bool empty() const noexcept { return count_ == 0; }

 private:
  JobBlockCache* cache_ = nullptr;
  JobBlockCache::Block* head_ = nullptr;
  JobBlockCache::Block* tail_ = nullptr;
  std::uint32_t count_ = 0;
};

// The calling thread's most recently used cache, read inline on the spawn and finish paths.
// Trivially constructed, so reading them costs no thread-local initialisation check.
inline thread_local std::uint64_t t_last_cache_registry = 0;
inline thread_local JobBlockCache* t_last_cache = nullptr;

// The caches of one job system, one per thread that spawned into it from outside the workers.
// A thread finds its own through a thread-local entry keyed by the registry's unique id (never
// by address: a new system may reuse a destroyed one's address). When a thread exits, its
// cache is orphaned and the next new spawning thread adopts it, so short-lived spawning
// threads do not pile up caches.
class JobBlockCaches {
 public:
  JobBlockCaches();
  ~JobBlockCaches();
  JobBlockCaches(const JobBlockCaches&) = delete;
  JobBlockCaches& operator=(const JobBlockCaches&) = delete;

  // nullptr only while the calling thread is exiting (its thread-locals are being destroyed).
  // Throws std::bad_alloc when a first cache cannot be made.
  JobBlockCache* for_this_thread() {
    if (t_last_cache_registry == id_) return t_last_cache;
    return find_or_register();
  }
  // The calling thread's cache if it is the one it used last, else nullptr. Never allocates.
  JobBlockCache* cached_for_this_thread() const noexcept {
    return t_last_cache_registry == id_ ? t_last_cache : nullptr;
  }
  // Whether the calling thread owns `cache` (so it may use its free list directly).
  bool owned_here(const JobBlockCache* cache) const noexcept {
    if (t_last_cache_registry == id_) return t_last_cache == cache;
    return owned_here_slow(cache);
  }
  // A block from any thread: straight to the free list when this thread owns the cache.
  void give_back(JobBlockCache* cache, void* block) noexcept {
    if (owned_here(cache)) {
      cache->give_back_local(block);
    } else {
      JobBlockCache::poison_free(block);
      auto* b = static_cast<JobBlockCache::Block*>(block);
      cache->give_back_remote(b, b, 1);
    }
  }
  // Sum of every cache's helped() count; lock-free (caches are never removed before the end).
  std::uint64_t helped_total() const noexcept {
    std::uint64_t n = 0;
    for (const JobBlockCache* c = head_.load(std::memory_order_acquire); c; c = c->next_in_registry_)
      n += c->helped();
    return n;
  }

  JobBlockCache::Counts totals() const;
  std::size_t cache_count() const;

 private:
  JobBlockCache* find_or_register();
  JobBlockCache& register_this_thread();
  bool owned_here_slow(const JobBlockCache* cache) const noexcept;

  std::uint64_t id_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<JobBlockCache>> caches_;
  std::atomic<JobBlockCache*> head_{nullptr};  // the same caches, newest first
};

}  // namespace fa::jobs::detail

#include "job_block_cache.hpp"

#include <cassert>
#include <new>

namespace fa::jobs::detail {

namespace {

std::atomic<std::uint64_t> g_next_registry_id{1};

// The calling thread's caches (the last one used is also in t_last_cache*, see the header).
thread_local bool t_exiting = false;  // the thread's caches are gone: spawns use the heap

struct ThreadCaches {
  struct Entry {
    std::uint64_t registry_id;
    JobBlockCache* cache;
    std::weak_ptr<JobBlockCache> owner_ref;  // expired once its job system is gone
  };
  std::vector<Entry> entries;

  ~ThreadCaches() {
    for (Entry& e : entries)
      if (auto cache = e.owner_ref.lock()) cache->orphan();
    t_exiting = true;
    t_last_cache_registry = 0;
    t_last_cache = nullptr;
  }
};
thread_local ThreadCaches t_caches;

}  // namespace

JobBlockCache::~JobBlockCache() {
  for (void* slab : slabs_) {
    fa::detail::asan_unpoison(slab, kJobBlockBytes * kJobBlocksPerSlab);
    ::operator delete (slab, std::align_val_t{kJobBlockAlign});
  }
}

void JobBlockCache::refill() {
  if (remote_.load(std::memory_order_relaxed)) {
    local_ = remote_.exchange(nullptr, std::memory_order_acquire);
    if (local_) return;
  }
  void* slab = ::operator new (kJobBlockBytes* kJobBlocksPerSlab, std::align_val_t{kJobBlockAlign});
  try {
    slabs_.push_back(slab);
  } catch (...) {
    ::operator delete (slab, std::align_val_t{kJobBlockAlign});
    throw;
  }
  auto* bytes = static_cast<std::byte*>(slab);
  for (std::size_t i = kJobBlocksPerSlab; i-- > 0;) {  // the list starts at the slab's beginning
    auto* b = reinterpret_cast<Block*>(bytes + i * kJobBlockBytes);
    b->next = local_;
    local_ = b;
    poison_free(b);
  }
  owner_add(blocks_, kJobBlocksPerSlab);
}

void JobBlockCache::give_back_remote(Block* head, Block* tail, std::uint32_t n) noexcept {
  returned_remote_.fetch_add(n, std::memory_order_relaxed);
  Block* top = remote_.load(std::memory_order_relaxed);
  do {
    tail->next = top;
  } while (!remote_.compare_exchange_weak(top, head, std::memory_order_release, std::memory_order_relaxed));
}

JobBlockCache::Counts JobBlockCache::counts() const noexcept {
  Counts c;
  c.blocks = blocks_.load(std::memory_order_relaxed);
  c.taken = taken_.load(std::memory_order_relaxed);
  const std::uint64_t back =
      returned_local_.load(std::memory_order_relaxed) + returned_remote_.load(std::memory_order_relaxed);
  c.in_use = c.taken > back ? c.taken - back : 0;
  return c;
}

JobBlockCaches::JobBlockCaches() : id_(g_next_registry_id.fetch_add(1, std::memory_order_relaxed)) {}

JobBlockCaches::~JobBlockCaches() {
  if (t_last_cache_registry == id_) {
    t_last_cache_registry = 0;
    t_last_cache = nullptr;
  }
}

JobBlockCache* JobBlockCaches::find_or_register() {
  if (t_exiting) return nullptr;
  for (const auto& e : t_caches.entries)
    if (e.registry_id == id_) {
      t_last_cache_registry = id_;
      t_last_cache = e.cache;
      return e.cache;
    }
  return &register_this_thread();
}

JobBlockCache& JobBlockCaches::register_this_thread() {
  std::erase_if(t_caches.entries, [](const ThreadCaches::Entry& e) { return e.owner_ref.expired(); });
  std::shared_ptr<JobBlockCache> cache;
  {
    std::lock_guard lock(mutex_);
    for (const auto& c : caches_)
      if (c->try_adopt()) {
        cache = c;
        break;
      }
    if (!cache) {
      caches_.push_back(std::make_shared<JobBlockCache>());
      cache = caches_.back();
      cache->next_in_registry_ = head_.load(std::memory_order_relaxed);
      head_.store(cache.get(), std::memory_order_release);
    }
  }
  try {
    t_caches.entries.push_back({id_, cache.get(), cache});
  } catch (...) {
    cache->orphan();  // not recorded here: let another thread have it
    throw;
  }
  t_last_cache_registry = id_;
  t_last_cache = cache.get();
  return *cache;
}

bool JobBlockCaches::owned_here_slow(const JobBlockCache* cache) const noexcept {
  if (t_exiting) return false;
  for (const auto& e : t_caches.entries)
    if (e.registry_id == id_) return e.cache == cache;
  return false;
}

JobBlockCache::Counts JobBlockCaches::totals() const {
  std::lock_guard lock(mutex_);
  JobBlockCache::Counts sum;
  for (const auto& c : caches_) {
    const JobBlockCache::Counts n = c->counts();
    sum.blocks += n.blocks;
    sum.taken += n.taken;
    sum.in_use += n.in_use;
  }
  return sum;
}

std::size_t JobBlockCaches::cache_count() const {
  std::lock_guard lock(mutex_);
  return caches_.size();
}

}  // namespace fa::jobs::detail

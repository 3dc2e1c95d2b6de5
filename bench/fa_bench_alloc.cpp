// framealloc against its peers, side by side in one process.
//
//   frame/<shape>/<peer>   bump allocation of a batch of kBatch requests, then a reset, all
//                          timed: fa (end_frame + begin_frame), glibc and mimalloc (free all),
//                          std::pmr::monotonic_buffer_resource (release; "pmr" through a
//                          memory_resource*, "pmr-direct" devirtualized), foonathan
//                          memory_stack (unwind), and a raw inline bump pointer (the limit).
//   pool/64B-batch/<peer>  kBatch allocations of 64 B, then kBatch frees, same thread.
//   pool/64B-pair/<peer>   one allocation immediately freed, same thread.
//   pool/64B-xthread/<peer> a producer allocates 64 B blocks and hands them through an SPSC
//                          ring to a consumer thread that frees them (wall-clock time).
//
// Every benchmark reports items processed (one item = one allocation, or one allocation
// plus its free for the pool cases), so the time per item is comparable across peers.
// scripts/bench.sh turns the JSON output into the ratio table of docs/benchmarks.md.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <memory_resource>
#include <new>
#include <source_location>
#include <string>
#include <thread>

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>

#include <benchmark/benchmark.h>
#include <mimalloc.h>
#include <foonathan/memory/memory_stack.hpp>

#include <framealloc/framealloc.hpp>

namespace {

constexpr std::size_t kBatch = 1024;            // requests between two resets / frees
constexpr std::size_t kXBatch = 4096;           // blocks per iteration of the two-thread case
constexpr std::size_t kPoolSize = 64;           // pool object size
constexpr std::size_t kBufferBytes = 1u << 20;  // pre-sized buffers of the bump-style peers

// mimalloc, loaded with dlopen(RTLD_LOCAL) by main(). Debian ships it only as a shared
// library that also exports malloc/free: linking it normally would interpose it on every
// malloc of the process, and the "glibc" peer would silently be mimalloc. Loaded locally,
// it serves only the explicit mi_* calls below (an indirect call, as through the PLT).
struct Mimalloc {
  decltype(&::mi_malloc) malloc = nullptr;
  decltype(&::mi_malloc_aligned) malloc_aligned = nullptr;
  decltype(&::mi_free) free = nullptr;
  decltype(&::mi_is_in_heap_region) is_in_heap_region = nullptr;
  decltype(&::mi_version) version = nullptr;
};
Mimalloc mi;

template <class Fn>
bool resolve(void* lib, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return fn != nullptr;
}

bool load_mimalloc() {
  void* lib = dlopen(FA_BENCH_MIMALLOC_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::fprintf(stderr, "fa_bench_alloc: dlopen(%s): %s\n", FA_BENCH_MIMALLOC_LIBRARY, dlerror());
    return false;
  }
  return resolve(lib, "mi_malloc", mi.malloc) && resolve(lib, "mi_malloc_aligned", mi.malloc_aligned) &&
         resolve(lib, "mi_free", mi.free) && resolve(lib, "mi_is_in_heap_region", mi.is_in_heap_region) &&
         resolve(lib, "mi_version", mi.version);
}

struct Req {
  std::size_t size;
  std::size_t align;
};

// ---- request shapes (compile-time, identical for every peer) ----

template <std::size_t Size>
struct Fixed {
  static constexpr Req at(std::size_t) noexcept { return {Size, alignof(std::max_align_t)}; }
};

struct Mixed {
  static constexpr std::array<Req, 4> kReqs{{{24, 8}, {48, 16}, {64, 64}, {8, 4}}};
  static constexpr Req at(std::size_t i) noexcept { return kReqs[i & 3]; }
};

// Forces the allocation to happen and its memory to be written.
inline void touch(void* p) {
  *static_cast<volatile unsigned char*>(p) = 1;
  benchmark::DoNotOptimize(p);
}

// ---- frame peers: alloc(i, req) for i in [0, kBatch), then reset() ----

class FaFrame {
 public:
  FaFrame() { a_.begin_frame(); }
  ~FaFrame() { a_.end_frame(); }
  FaFrame(const FaFrame&) = delete;
  FaFrame& operator=(const FaFrame&) = delete;
  void* alloc(std::size_t, Req r) { return a_.frame_alloc_bytes(r.size, r.align); }
  void reset() {
    a_.end_frame();
    a_.begin_frame();
  }

 private:
  fa::SmartAlloc a_{fa::AllocConfig::high_performance()};
};

// fa through a ThreadHandle: the thread lookup is made once, not per request ("fa-handle").
// The benchmark loop takes the handle into a local variable (batch_of below), as a system's
// update function would, so the compiler keeps it in registers.
class FaFrameHandle {
 public:
  FaFrameHandle() { a_.begin_frame(); }
  ~FaFrameHandle() { a_.end_frame(); }
  FaFrameHandle(const FaFrameHandle&) = delete;
  FaFrameHandle& operator=(const FaFrameHandle&) = delete;
  struct Local {
    fa::ThreadHandle h;
    void* alloc(std::size_t, Req r) { return h.frame_alloc_bytes(r.size, r.align); }
  };
  Local batch() { return Local{fa::ThreadHandle(a_)}; }
  void reset() {
    a_.end_frame();
    a_.begin_frame();
  }

 private:
  fa::SmartAlloc a_{fa::AllocConfig::high_performance()};
};

// What the timed loop allocates through: the peer itself, or the local object its batch()
// returns (a peer whose fast path needs per-thread state hoisted into a local).
template <class Peer>
decltype(auto) batch_of(Peer& peer) {
  if constexpr (requires { peer.batch(); })
    return peer.batch();
  else
    return (peer);
}

// fa with every request made under a tag ("fa+tag": attribution only) or under a tag
// with a hard budget ("fa+budget": charged in credits). Issue target: <= 2 ns added.
template <bool Budgeted>
class FaFrameTagged {
 public:
  FaFrameTagged() {
    if constexpr (Budgeted) a_.set_tag_budget("bench", {.soft = 0, .hard = std::int64_t{1} << 40});
    a_.push_tag("bench");
    a_.begin_frame();
  }
  ~FaFrameTagged() {
    a_.end_frame();
    a_.pop_tag();
  }
  FaFrameTagged(const FaFrameTagged&) = delete;
  FaFrameTagged& operator=(const FaFrameTagged&) = delete;
  void* alloc(std::size_t, Req r) { return a_.frame_alloc_bytes(r.size, r.align); }
  void reset() {
    a_.end_frame();
    a_.begin_frame();
  }

 private:
  fa::SmartAlloc a_{fa::AllocConfig::high_performance()};
};

// Call-site attribution. "fa+sites-off": attribution switched on and off again, requests pass
// their location explicitly (what every caller's default argument does); the fast path never
// reads it, so this must match "fa". "fa+sites-on": every request is counted per call site.
template <bool SitesOn>
class FaFrameSites {
 public:
  FaFrameSites() {
    a_.set_call_site_attribution(true);
    a_.set_call_site_attribution(SitesOn);
    a_.begin_frame();
  }
  ~FaFrameSites() { a_.end_frame(); }
  FaFrameSites(const FaFrameSites&) = delete;
  FaFrameSites& operator=(const FaFrameSites&) = delete;
  void* alloc(std::size_t, Req r) {
    return a_.frame_alloc_bytes(r.size, r.align, std::source_location::current());
  }
  void reset() {
    a_.end_frame();
    a_.begin_frame();
  }

 private:
  fa::SmartAlloc a_{fa::AllocConfig::high_performance()};
};

class GlibcFrame {
 public:
  void* alloc(std::size_t i, Req r) {
    void* p =
        r.align <= alignof(std::max_align_t) ? std::malloc(r.size) : std::aligned_alloc(r.align, r.size);
    live_[i] = p;
    return p;
  }
  void reset() {
    for (void* p : live_) std::free(p);
  }

 private:
  std::array<void*, kBatch> live_{};
};

class MimallocFrame {
 public:
  void* alloc(std::size_t i, Req r) {
    void* p = r.align <= alignof(std::max_align_t) ? mi.malloc(r.size) : mi.malloc_aligned(r.size, r.align);
    live_[i] = p;
    return p;
  }
  void reset() {
    for (void* p : live_) mi.free(p);
  }

 private:
  std::array<void*, kBatch> live_{};
};

// Virtual = true is how std::pmr is used: through a memory_resource pointer (what
// polymorphic_allocator holds), so each request is a virtual do_allocate() call.
// Virtual = false calls the concrete monotonic_buffer_resource, which lets the compiler
// devirtualize and inline it; shown for context only (no target).
template <bool Virtual>
class PmrFrame {
 public:
  PmrFrame()
      : buf_(new std::byte[kBufferBytes]), res_(buf_.get(), kBufferBytes, std::pmr::null_memory_resource()) {
    benchmark::DoNotOptimize(mr_);  // the compiler may not assume which resource mr_ is
  }
  void* alloc(std::size_t, Req r) {
    if constexpr (Virtual)
      return mr_->allocate(r.size, r.align);
    else
      return res_.allocate(r.size, r.align);
  }
  void reset() { res_.release(); }

 private:
  std::unique_ptr<std::byte[]> buf_;
  std::pmr::monotonic_buffer_resource res_;
  std::pmr::memory_resource* mr_ = &res_;
};

// Its address escapes like the bump peer's (see there): otherwise GCC keeps the stack's
// cursor in a register for the whole loop, which no allocator used from more than one
// function gets (docs/benchmarks.md, "foonathan").
class FoonathanFrame {
 public:
  FoonathanFrame() : stack_(kBufferBytes), top_(stack_.top()) {
    FoonathanFrame* self = this;
    benchmark::DoNotOptimize(self);
  }
  void* alloc(std::size_t, Req r) { return stack_.allocate(r.size, r.align); }
  void reset() { stack_.unwind(top_); }

 private:
  foonathan::memory::memory_stack<> stack_;
  foonathan::memory::memory_stack<>::marker top_;
};

// The physical limit: an inline bump pointer with a bounds check and nothing else.
// Its address escapes, as any allocator object's does once code outside one function
// uses it, so the cursor lives in memory like every other peer's (otherwise the compiler
// keeps it in a register and the loop stops being an allocator: see docs/benchmarks.md).
class BumpFrame {
 public:
  BumpFrame() : buf_(new std::byte[kBufferBytes]), cur_(buf_.get()), end_(buf_.get() + kBufferBytes) {
    BumpFrame* self = this;
    benchmark::DoNotOptimize(self);
  }
  void* alloc(std::size_t, Req r) {
    const auto p = (reinterpret_cast<std::uintptr_t>(cur_) + (r.align - 1)) & ~(std::uintptr_t{r.align} - 1);
    if (p + r.size > reinterpret_cast<std::uintptr_t>(end_)) [[unlikely]]
      return nullptr;
    cur_ = reinterpret_cast<std::byte*>(p + r.size);
    return reinterpret_cast<void*>(p);
  }
  void reset() { cur_ = buf_.get(); }

 private:
  std::unique_ptr<std::byte[]> buf_;
  std::byte* cur_;
  std::byte* end_;
};

template <class Shape, class Peer>
void bm_frame(benchmark::State& state) {
  Peer peer;
  auto&& via = batch_of(peer);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) touch(via.alloc(i, Shape::at(i)));
    peer.reset();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kBatch));
}

// ---- pool peers: alloc(size) / free(p), free callable from any thread ----

class FaPool {
 public:
  void* alloc(std::size_t n) { return a_.pool_alloc_bytes(n); }
  void free(void* p) { a_.pool_free_bytes(p); }

 private:
  fa::SmartAlloc a_{fa::AllocConfig::high_performance()};
};

// Same-thread cases only: a handle belongs to the thread that made it.
class FaPoolHandle {
 public:
  struct Local {
    fa::ThreadHandle h;
    void* alloc(std::size_t n) { return h.pool_alloc_bytes(n); }
    void free(void* p) { h.pool_free_bytes(p); }
  };
  Local batch() { return Local{fa::ThreadHandle(a_)}; }

 private:
  fa::SmartAlloc a_{fa::AllocConfig::high_performance()};
};

struct GlibcPool {
  void* alloc(std::size_t n) { return std::malloc(n); }
  void free(void* p) { std::free(p); }
};

struct MimallocPool {
  void* alloc(std::size_t n) { return mi.malloc(n); }
  void free(void* p) { mi.free(p); }
};

template <class Peer>
void bm_pool_batch(benchmark::State& state) {
  Peer peer;
  auto&& via = batch_of(peer);
  std::array<void*, kBatch> live{};
  for (auto _ : state) {
    for (void*& slot : live) {
      slot = via.alloc(kPoolSize);
      touch(slot);
    }
    for (void* p : live) via.free(p);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kBatch));
}

template <class Peer>
void bm_pool_pair(benchmark::State& state) {
  Peer peer;
  auto&& via = batch_of(peer);
  for (auto _ : state) {
    void* p = via.alloc(kPoolSize);
    touch(p);
    via.free(p);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- two threads ----

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins briefly, then yields: the machine may have as few cores as threads here.
class Backoff {
 public:
  void operator()() noexcept {
    if (++spins_ < 64) {
      cpu_relax();
    } else {
      spins_ = 0;
      std::this_thread::yield();
    }
  }

 private:
  unsigned spins_ = 0;
};

// Single-producer single-consumer ring of pointers. Each side caches the other's index
// so the shared cache lines move only when the cached view runs out.
class SpscRing {
 public:
  static constexpr std::size_t kCapacity = 1024;  // power of two

  bool push(void* p) noexcept {
    const std::size_t t = tail_.load(std::memory_order_relaxed);
    if (t - head_cache_ == kCapacity) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (t - head_cache_ == kCapacity) return false;
    }
    slots_[t & (kCapacity - 1)] = p;
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  bool pop(void*& out) noexcept {
    const std::size_t h = head_.load(std::memory_order_relaxed);
    if (h == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (h == tail_cache_) return false;
    }
    out = slots_[h & (kCapacity - 1)];
    head_.store(h + 1, std::memory_order_release);
    return true;
  }

 private:
  alignas(64) std::atomic<std::size_t> tail_{0};  // written by the producer
  std::size_t head_cache_ = 0;                    // producer's view of head_
  alignas(64) std::atomic<std::size_t> head_{0};  // written by the consumer
  std::size_t tail_cache_ = 0;                    // consumer's view of tail_
  alignas(64) std::array<void*, kCapacity> slots_{};
};

// Pins the calling thread to one CPU for the lifetime of the object (when the machine has
// two or more), so that producer and consumer never share a core; restores the old mask.
class PinToCpu {
 public:
  explicit PinToCpu(int cpu) {
    if (std::thread::hardware_concurrency() < 2) return;
    if (pthread_getaffinity_np(pthread_self(), sizeof old_, &old_) != 0) return;
    if (!CPU_ISSET(cpu, &old_)) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pinned_ = pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
  }
  ~PinToCpu() {
    if (pinned_) pthread_setaffinity_np(pthread_self(), sizeof old_, &old_);
  }
  PinToCpu(const PinToCpu&) = delete;
  PinToCpu& operator=(const PinToCpu&) = delete;

 private:
  cpu_set_t old_{};
  bool pinned_ = false;
};

// Each iteration the producer (the benchmark thread) allocates kXBatch blocks and pushes
// them; it then waits until the consumer has freed all of them, so the measured wall time
// covers both sides. A null pointer tells the consumer to stop.
template <class Peer>
void bm_pool_xthread(benchmark::State& state) {
  Peer peer;
  auto ring = std::make_unique<SpscRing>();
  alignas(64) std::atomic<std::uint64_t> freed{0};

  const PinToCpu pin_producer(0);
  std::thread consumer([&] {
    const PinToCpu pin_consumer(1);
    std::uint64_t n = 0;
    Backoff backoff;
    for (;;) {
      void* p;
      if (ring->pop(p)) {
        if (!p) break;
        peer.free(p);
        ++n;
      } else {
        freed.store(n, std::memory_order_release);  // published only while idle: cheap
        backoff();
      }
    }
  });

  std::uint64_t produced = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kXBatch; ++i) {
      void* p = peer.alloc(kPoolSize);
      touch(p);
      Backoff backoff;
      while (!ring->push(p)) backoff();
    }
    produced += kXBatch;
    Backoff backoff;
    while (freed.load(std::memory_order_acquire) != produced) backoff();
  }
  {
    Backoff backoff;
    while (!ring->push(nullptr)) backoff();
  }
  consumer.join();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kXBatch));
}

// ---- registration ----

void add(const std::string& name, void (*fn)(benchmark::State&)) {
  benchmark::RegisterBenchmark(name.c_str(), fn);
}

template <class Shape>
void add_frame(const char* shape) {
  const std::string base = std::string("frame/") + shape + "/";
  add(base + "fa", &bm_frame<Shape, FaFrame>);
  add(base + "fa-handle", &bm_frame<Shape, FaFrameHandle>);
  add(base + "fa+tag", &bm_frame<Shape, FaFrameTagged<false>>);
  add(base + "fa+budget", &bm_frame<Shape, FaFrameTagged<true>>);
  add(base + "fa+sites-off", &bm_frame<Shape, FaFrameSites<false>>);
  add(base + "fa+sites-on", &bm_frame<Shape, FaFrameSites<true>>);
  add(base + "glibc", &bm_frame<Shape, GlibcFrame>);
  add(base + "pmr", &bm_frame<Shape, PmrFrame<true>>);
  add(base + "pmr-direct", &bm_frame<Shape, PmrFrame<false>>);
  add(base + "foonathan", &bm_frame<Shape, FoonathanFrame>);
  add(base + "mimalloc", &bm_frame<Shape, MimallocFrame>);
  add(base + "bump", &bm_frame<Shape, BumpFrame>);
}

template <class Peer>
void add_pool(const char* peer) {
  add(std::string("pool/64B-batch/") + peer, &bm_pool_batch<Peer>);
  add(std::string("pool/64B-pair/") + peer, &bm_pool_pair<Peer>);
}

void register_all() {
  add_frame<Fixed<16>>("16B");
  add_frame<Fixed<64>>("64B");
  add_frame<Fixed<256>>("256B");
  add_frame<Mixed>("mixed-align");

  add_pool<FaPool>("fa");
  add_pool<FaPoolHandle>("fa-handle");
  add_pool<MimallocPool>("mimalloc");
  add_pool<GlibcPool>("glibc");

  for (auto* b : {benchmark::RegisterBenchmark("pool/64B-xthread/fa", &bm_pool_xthread<FaPool>),
                  benchmark::RegisterBenchmark("pool/64B-xthread/mimalloc", &bm_pool_xthread<MimallocPool>),
                  benchmark::RegisterBenchmark("pool/64B-xthread/glibc", &bm_pool_xthread<GlibcPool>)})
    b->UseRealTime();
}

// Sanity check: malloc must still be glibc's, not mimalloc's (see Mimalloc above).
bool malloc_is_glibc() {
  void* p = std::calloc(1, 64);  // calloc: the block is initialised for the check below
  const bool from_mimalloc = mi.is_in_heap_region(p);
  std::free(p);
  return !from_mimalloc;
}

}  // namespace

int main(int argc, char** argv) {
  if (!load_mimalloc()) return 2;
  if (!malloc_is_glibc()) {
    std::fprintf(stderr,
                 "fa_bench_alloc: malloc resolves to mimalloc, not glibc; the glibc peer would be wrong\n");
    return 2;
  }
  register_all();
  benchmark::AddCustomContext("mimalloc_version", std::to_string(mi.version()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// Fiber stacks and context switches for the job system's workers.
// Backends: hand-written x86-64 assembly (fiber_switch_x86_64.S) by default; ucontext under
// ThreadSanitizer (annotated with the __tsan_*_fiber calls) and on other architectures.
// AddressSanitizer builds announce every switch with __sanitizer_{start,finish}_switch_fiber.
#pragma once

#include <cstddef>

#include "sync.hpp"  // FA_JOBS_TSAN

#if defined(__SANITIZE_ADDRESS__)
#define FA_JOBS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FA_JOBS_ASAN 1
#endif
#endif

#if defined(FA_JOBS_TSAN) || !defined(__x86_64__)
#define FA_JOBS_UCONTEXT 1
#include <ucontext.h>
#else
// fiber_switch_x86_64.S
extern "C" void fa_jobs_switch_context(void** save_sp, void* load_sp);
#endif

namespace fa::jobs::detail {

// A stack from mmap with one PROT_NONE guard page below it: an overflow faults (SIGSEGV)
// instead of silently writing into a neighbouring fiber's stack.
class FiberStack {
 public:
  // Throws std::system_error when the mapping fails.
  explicit FiberStack(std::size_t usable_bytes);
  ~FiberStack();
  FiberStack(const FiberStack&) = delete;
  FiberStack& operator=(const FiberStack&) = delete;

  char* low() const noexcept { return low_; }  // lowest usable byte; the guard page is below
  std::size_t size() const noexcept { return size_; }
  char* high() const noexcept { return low_ + size_; }

 private:
  void* mapping_ = nullptr;
  std::size_t mapping_bytes_ = 0;
  char* low_ = nullptr;
  std::size_t size_ = 0;
};

// One execution context: a fiber's, or a worker thread's own stack.
struct FiberContext {
#if defined(FA_JOBS_UCONTEXT)
  ucontext_t uc{};
#else
  void* sp = nullptr;
#endif
  const void* stack_low = nullptr;  // for ASan: the stack this context runs on
  std::size_t stack_size = 0;
  void* asan_fake_stack = nullptr;
  void* tsan_fiber = nullptr;
  bool owns_tsan_fiber = false;
};

// The calling thread's own context (its bounds come from pthread_getattr_np).
void init_thread_context(FiberContext& ctx);
// A fiber that will run entry(arg) on `stack` when first switched to. entry never returns:
// it ends with exit_context.
void init_fiber_context(FiberContext& ctx, FiberStack& stack, void (*entry)(void*), void* arg);
// Releases sanitizer state of a fiber that is not running.
void destroy_fiber_context(FiberContext& ctx) noexcept;

// Saves the running context into `from` and continues `to`; returns when something switches
// back to `from` — possibly on another thread. Inline for the plain assembly backend: every
// extra call/return pair around the switch costs a return misprediction.
#if defined(FA_JOBS_UCONTEXT) || defined(FA_JOBS_ASAN)
void switch_context(FiberContext& from, FiberContext& to) noexcept;
#else
inline void switch_context(FiberContext& from, FiberContext& to) noexcept {
  fa_jobs_switch_context(&from.sp, to.sp);
}
#endif
// The first thing a fiber's entry function does.
void fiber_started(FiberContext& self) noexcept;
// The last switch of a fiber that will never run again.
[[noreturn]] void exit_context(FiberContext& self, FiberContext& to) noexcept;

}  // namespace fa::jobs::detail

#include "fiber_context.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <system_error>

#if defined(FA_JOBS_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(FA_JOBS_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

#if !defined(FA_JOBS_UCONTEXT)
extern "C" void fa_jobs_fiber_trampoline();
#endif

namespace fa::jobs::detail {

namespace {
std::size_t page_size() noexcept {
  const long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? static_cast<std::size_t>(p) : 4096;
}

#if defined(FA_JOBS_UCONTEXT)
// makecontext passes int arguments only: the pointers travel as two 32-bit halves.
struct Start {
  void (*entry)(void*);
  void* arg;
};
void ucontext_entry(unsigned hi, unsigned lo) {
  const auto bits = (static_cast<std::uintptr_t>(hi) << 32) | static_cast<std::uintptr_t>(lo);
  const auto* start = reinterpret_cast<const Start*>(bits);
  start->entry(start->arg);
  std::terminate();  // entry functions end with exit_context
}
#endif
}  // namespace

FiberStack::FiberStack(std::size_t usable_bytes) {
  const std::size_t page = page_size();
  size_ = (usable_bytes + page - 1) / page * page;
  if (size_ < 4 * page) size_ = 4 * page;
  mapping_bytes_ = size_ + page;
  void* m =
      mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (m == MAP_FAILED)
    throw std::system_error(
        errno, std::generic_category(),
        "fa::jobs: cannot map a fiber stack of " + std::to_string(mapping_bytes_) + " bytes");
  if (mprotect(m, page, PROT_NONE) != 0) {
    const int err = errno;
    munmap(m, mapping_bytes_);
    throw std::system_error(err, std::generic_category(),
                            "fa::jobs: cannot protect a fiber stack's guard page");
  }
  mapping_ = m;
  low_ = static_cast<char*>(m) + page;
}

FiberStack::~FiberStack() {
  if (mapping_) munmap(mapping_, mapping_bytes_);
}

void init_thread_context(FiberContext& ctx) {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* low = nullptr;
    std::size_t size = 0;
    if (pthread_attr_getstack(&attr, &low, &size) == 0) {
      ctx.stack_low = low;
      ctx.stack_size = size;
    }
    pthread_attr_destroy(&attr);
  }
#if defined(FA_JOBS_TSAN)
  ctx.tsan_fiber = __tsan_get_current_fiber();
  ctx.owns_tsan_fiber = false;
#endif
}

void init_fiber_context(FiberContext& ctx, FiberStack& stack, void (*entry)(void*), void* arg) {
  ctx.stack_low = stack.low();
  ctx.stack_size = stack.size();
#if defined(FA_JOBS_UCONTEXT)
  if (getcontext(&ctx.uc) != 0)
    throw std::system_error(errno, std::generic_category(), "fa::jobs: getcontext failed");
  // The Start record lives at the top of the fiber's own stack, below where it begins.
  auto* start = reinterpret_cast<Start*>(stack.high() - 64);
  start->entry = entry;
  start->arg = arg;
  ctx.uc.uc_stack.ss_sp = stack.low();
  ctx.uc.uc_stack.ss_size = stack.size() - 64;
  ctx.uc.uc_link = nullptr;
  const auto bits = reinterpret_cast<std::uintptr_t>(start);
  makecontext(&ctx.uc, reinterpret_cast<void (*)()>(&ucontext_entry), 2, static_cast<unsigned>(bits >> 32),
              static_cast<unsigned>(bits & 0xffffffffu));
#else
  // Initial frame popped by fa_jobs_switch_context: control words, r15, r14, r13 (arg),
  // r12 (entry), rbx, rbp, return address (the trampoline); the trampoline starts with a
  // 16-byte aligned stack pointer as the ABI expects before a call.
  auto top = reinterpret_cast<std::uintptr_t>(stack.high()) & ~std::uintptr_t{15};
  auto* frame = reinterpret_cast<std::uint64_t*>(top - 80);
  frame[0] = 0x1F80u | (std::uint64_t{0x037F} << 32);  // default MXCSR and x87 control word
  frame[1] = 0;
  frame[2] = 0;
  frame[3] = reinterpret_cast<std::uintptr_t>(arg);
  frame[4] = reinterpret_cast<std::uintptr_t>(entry);
  frame[5] = 0;
  frame[6] = 0;
  frame[7] = reinterpret_cast<std::uintptr_t>(&fa_jobs_fiber_trampoline);
  ctx.sp = frame;
#endif
#if defined(FA_JOBS_TSAN)
  ctx.tsan_fiber = __tsan_create_fiber(0);
  ctx.owns_tsan_fiber = true;
#endif
}

void destroy_fiber_context(FiberContext& ctx) noexcept {
#if defined(FA_JOBS_TSAN)
  if (ctx.owns_tsan_fiber && ctx.tsan_fiber) __tsan_destroy_fiber(ctx.tsan_fiber);
  ctx.tsan_fiber = nullptr;
#else
  (void)ctx;
#endif
}

#if defined(FA_JOBS_UCONTEXT) || defined(FA_JOBS_ASAN)
void switch_context(FiberContext& from, FiberContext& to) noexcept {
#if defined(FA_JOBS_ASAN)
  __sanitizer_start_switch_fiber(&from.asan_fake_stack, to.stack_low, to.stack_size);
#endif
#if defined(FA_JOBS_TSAN)
  __tsan_switch_to_fiber(to.tsan_fiber, 0);
#endif
#if defined(FA_JOBS_UCONTEXT)
  swapcontext(&from.uc, &to.uc);
#else
  fa_jobs_switch_context(&from.sp, to.sp);
#endif
#if defined(FA_JOBS_ASAN)
  __sanitizer_finish_switch_fiber(from.asan_fake_stack, nullptr, nullptr);
#endif
}
#endif

void fiber_started(FiberContext& self) noexcept {
#if defined(FA_JOBS_ASAN)
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
  (void)self;
}

void exit_context(FiberContext& self, FiberContext& to) noexcept {
  (void)self;
#if defined(FA_JOBS_ASAN)
  __sanitizer_start_switch_fiber(nullptr, to.stack_low, to.stack_size);  // frees the fake stack
#endif
#if defined(FA_JOBS_TSAN)
  __tsan_switch_to_fiber(to.tsan_fiber, 0);
#endif
#if defined(FA_JOBS_UCONTEXT)
  setcontext(&to.uc);
#else
  fa_jobs_switch_context(&self.sp, to.sp);
#endif
  std::terminate();  // nothing switches back to an exited fiber
}

}  // namespace fa::jobs::detail

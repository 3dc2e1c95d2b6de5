// Debug instrumentation of arenas and pool blocks: 0xCD poisoning, ASan poisoning and
// Valgrind mempool client requests. Everything here is off the release fast path.
#pragma once

#include <cstddef>
#include <cstring>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FA_HAS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FA_HAS_ASAN 1
#endif
#if defined(FA_HAS_ASAN)
#include <sanitizer/asan_interface.h>
#endif

#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define FA_HAS_VALGRIND 1
#endif

namespace fa::detail {

inline constexpr unsigned char kPoisonByte = 0xCD;

constexpr bool asan_build() noexcept {
#if defined(FA_HAS_ASAN)
  return true;
#else
  return false;
#endif
}

inline bool running_on_valgrind() noexcept {
#if defined(FA_HAS_VALGRIND)
  return RUNNING_ON_VALGRIND != 0;
#else
  return false;
#endif
}

inline void asan_poison(const void* p, std::size_t n) noexcept {
#if defined(FA_HAS_ASAN)
  ASAN_POISON_MEMORY_REGION(p, n);
#else
  (void)p, (void)n;
#endif
}

inline void asan_unpoison(const void* p, std::size_t n) noexcept {
#if defined(FA_HAS_ASAN)
  ASAN_UNPOISON_MEMORY_REGION(p, n);
#else
  (void)p, (void)n;
#endif
}

inline void on_arena_created(std::byte* base, std::size_t capacity) noexcept {
  asan_poison(base, capacity);
#if defined(FA_HAS_VALGRIND)
  VALGRIND_CREATE_MEMPOOL(base, 0, 0);
  VALGRIND_MAKE_MEM_NOACCESS(base, capacity);
#endif
}

inline void on_arena_destroyed(std::byte* base, std::size_t capacity) noexcept {
  asan_unpoison(base, capacity);
#if defined(FA_HAS_VALGRIND)
  VALGRIND_DESTROY_MEMPOOL(base);
#else
  (void)base;
#endif
}

inline void on_frame_alloc(std::byte* base, void* p, std::size_t size) noexcept {
  asan_unpoison(p, size);
#if defined(FA_HAS_VALGRIND)
  VALGRIND_MEMPOOL_ALLOC(base, p, size);
#else
  (void)base;
#endif
}

inline void on_frame_reset(std::byte* base, std::size_t used, bool poison) noexcept {
  if (poison) {
    asan_unpoison(base, used);
    std::memset(base, kPoisonByte, used);
  }
  asan_poison(base, used);
#if defined(FA_HAS_VALGRIND)
  VALGRIND_MEMPOOL_TRIM(base, base, 0);  // drops every chunk of the frame
  VALGRIND_MAKE_MEM_NOACCESS(base, used);
#endif
}

}  // namespace fa::detail

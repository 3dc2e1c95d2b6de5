#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "test_support.hpp"

namespace fa::test {
namespace {

class FrameTest : public ::testing::TestWithParam<bool> {
 protected:
  Harness h{config_with_checks(GetParam())};
};

struct Particle {
  float x, y, z;
  int id;
};

TEST_P(FrameTest, AllocatesConstructedObjectsInsideAFrame) {
  h.alloc.begin_frame();
  Particle* a = h.alloc.frame_alloc<Particle>(Particle{1, 2, 3, 7});
  Particle* b = h.alloc.frame_alloc<Particle>(Particle{4, 5, 6, 8});
  EXPECT_EQ(a->id, 7);
  EXPECT_EQ(b->id, 8);
  EXPECT_NE(a, b);
  EXPECT_GE(reinterpret_cast<std::byte*>(b) - reinterpret_cast<std::byte*>(a),
            static_cast<std::ptrdiff_t>(sizeof(Particle)));
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(FrameTest, ArenaIsReusedAfterEndFrame) {
  h.alloc.begin_frame();
  void* first = h.alloc.frame_alloc_bytes(64, 16);
  h.alloc.end_frame();
  h.alloc.begin_frame();
  void* again = h.alloc.frame_alloc_bytes(64, 16);
  h.alloc.end_frame();
  EXPECT_EQ(first, again);
  EXPECT_EQ(h.alloc.frame_number(), 2u);
}

TEST_P(FrameTest, EveryPowerOfTwoAlignmentIsHonouredOnTheAddress) {
  h.alloc.begin_frame();
  for (std::size_t align = 1; align <= 65536; align *= 2) {
    h.alloc.frame_alloc_bytes(3, 1);  // misalign the bump pointer first
    void* p = h.alloc.frame_alloc_bytes(24, align);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % align, 0u) << "align " << align;
  }
  h.alloc.end_frame();
}

TEST_P(FrameTest, ZeroAlignmentIsRejectedWithFA542) {
  h.alloc.begin_frame();
  EXPECT_THROW(h.alloc.frame_alloc_bytes(8, 0), AllocError);
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(8, 0), nullptr);
  EXPECT_EQ(h.sink->count(Code::FA542), 2u);
  h.alloc.end_frame();
}

TEST_P(FrameTest, NonPowerOfTwoAlignmentIsRejectedWithFA542) {
  h.alloc.begin_frame();
  try {
    h.alloc.frame_alloc_bytes(8, 24);
    FAIL() << "expected AllocError";
  } catch (const AllocError& e) {
    EXPECT_EQ(e.code(), Code::FA542);
  }
  ASSERT_EQ(h.sink->size(), 1u);
  EXPECT_NE(h.sink->diagnostics()[0].message.find("24"), std::string::npos);
  h.alloc.end_frame();
}

// The fast path validates a runtime alignment with one mask test: sweep every value around
// its 4096 boundary so that no invalid alignment slips through and no valid one is refused.
TEST_P(FrameTest, EveryAlignmentUpTo8192IsAcceptedExactlyWhenAPowerOfTwo) {
  h.alloc.begin_frame();
  std::size_t rejected = 0;
  for (std::size_t align = 0; align <= 8192; ++align) {
    h.alloc.frame_alloc_bytes(1, 1);  // misalign the bump pointer first
    void* p = h.alloc.try_frame_alloc_bytes(8, align);
    const bool pow2 = align != 0 && (align & (align - 1)) == 0;
    if (pow2) {
      ASSERT_NE(p, nullptr) << "align " << align;
      ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % align, 0u) << "align " << align;
    } else {
      ASSERT_EQ(p, nullptr) << "align " << align;
      ++rejected;
    }
    if (h.alloc.frame_remaining() < 3 * 8192) {  // keep room for the largest alignments
      h.alloc.end_frame();
      h.alloc.begin_frame();
    }
  }
  EXPECT_EQ(rejected, 8193u - 14u);  // 1, 2, 4, ..., 8192 are the 14 valid ones
  EXPECT_EQ(h.sink->count(Code::FA542), rejected);
  h.alloc.end_frame();
}

TEST_P(FrameTest, HugeAlignmentFailsCleanlyWithoutCorruptingTheArena) {
  h.alloc.begin_frame();
  // 2^63 can never fit (no user-space address is a multiple of it); 2^40 fits only if the
  // arena straddles a 1 TiB boundary, which the check below rules out for this run.
  const auto base = reinterpret_cast<std::uintptr_t>(h.alloc.frame_alloc_bytes(0, 1));
  const std::uintptr_t tera = std::uintptr_t{1} << 40;
  const bool tera_fits = (base + tera - 1) / tera * tera + 8 <= base + h.alloc.frame_remaining();
  const std::size_t before = h.alloc.frame_used();
  if (!tera_fits) {
    EXPECT_EQ(h.alloc.try_frame_alloc_bytes(8, tera), nullptr);
  }
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(8, std::size_t{1} << 63), nullptr);
  EXPECT_EQ(h.sink->count(Code::FA542), tera_fits ? 1u : 2u);
  EXPECT_EQ(h.alloc.frame_used(), before);
  EXPECT_NE(h.alloc.try_frame_alloc_bytes(8, 8), nullptr);  // still usable
  h.alloc.end_frame();
}

// Any power of two is honoured when an aligned block fits, on the fast and the slow path alike;
// one larger than the arena that does not fit is FA542, not an exhausted arena (FA003).
TEST_P(FrameTest, AnAlignmentLargerThanTheArenaIsHonouredExactlyWhenAnAlignedBlockFits) {
  constexpr std::size_t kArena = 64 * 1024, kAlign = 128 * 1024;
  Harness small(AllocConfig::minimal().with_frame_arena_size(kArena).with_debug_checks(GetParam()));
  small.alloc.begin_frame();
  const auto base = reinterpret_cast<std::uintptr_t>(small.alloc.frame_alloc_bytes(0, 1));
  // Where the arena lies decides which case this run sees; each is checked exactly.
  const std::uintptr_t aligned = (base + kAlign - 1) / kAlign * kAlign;
  if (aligned + 64 <= base + kArena) {
    if (aligned > base) small.alloc.frame_alloc_bytes(aligned - base, 1);  // cur now satisfies kAlign
    void* p = small.alloc.try_frame_alloc_bytes(64, kAlign);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p), aligned);
    EXPECT_EQ(small.sink->size(), 0u);
  } else {
    EXPECT_EQ(small.alloc.try_frame_alloc_bytes(64, kAlign), nullptr);
    EXPECT_EQ(small.sink->count(Code::FA542), 1u);
    EXPECT_EQ(small.sink->count(Code::FA003), 0u);
  }
  // Misaligned against kAlign now, and no multiple of it is left before the end: FA542.
  small.alloc.frame_alloc_bytes(1, 1);
  const auto cur = reinterpret_cast<std::uintptr_t>(small.alloc.frame_alloc_bytes(0, 1));
  if ((cur + kAlign - 1) / kAlign * kAlign + 64 > base + kArena) {
    const std::size_t reported = small.sink->count(Code::FA542);
    EXPECT_EQ(small.alloc.try_frame_alloc_bytes(64, kAlign), nullptr);
    EXPECT_EQ(small.sink->count(Code::FA542), reported + 1);
  }
  small.alloc.end_frame();
}

// Size 0 is a request like any other: outside a frame it is FA001 whichever path serves it.
TEST_P(FrameTest, ZeroSizeRequestOutsideAFrameIsFA001) {
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(0, 1), nullptr);
  EXPECT_THROW(h.alloc.frame_alloc_bytes(0), AllocError);
  h.alloc.begin_frame();
  h.alloc.frame_alloc_bytes(16);
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.try_frame_alloc_bytes(0, 16), nullptr);
  EXPECT_EQ(h.sink->count(Code::FA001), 3u);
}

// The fast path folds size and alignment checks into two compares: sizes whose end would wrap
// the address space must still fail cleanly.
TEST_P(FrameTest, AbsurdSizesFailCleanlyWithoutCorruptingTheArena) {
  h.alloc.begin_frame();
  void* first = h.alloc.frame_alloc_bytes(8, 64);
  const std::size_t before = h.alloc.frame_used();
  const std::size_t max = static_cast<std::size_t>(-1);
  for (std::size_t size : {max, max - 7, (max >> 1) + 2, max >> 1, std::size_t{1} << 40}) {
    EXPECT_EQ(h.alloc.try_frame_alloc_bytes(size, 64), nullptr) << size;
    EXPECT_EQ(h.alloc.frame_used(), before) << size;
  }
  EXPECT_THROW(h.alloc.frame_alloc_bytes(max, 16), AllocError);
  EXPECT_EQ(h.sink->count(Code::FA003), 1u);
  auto* next = static_cast<std::byte*>(h.alloc.frame_alloc_bytes(8, 64));
  EXPECT_GT(next, static_cast<std::byte*>(first));
  h.alloc.end_frame();
}

TEST_P(FrameTest, AllocationOutsideAFrameReportsFA001AndFails) {
  EXPECT_THROW(h.alloc.frame_alloc<int>(1), AllocError);
  EXPECT_EQ(h.alloc.try_frame_alloc<int>(1), nullptr);
  EXPECT_EQ(h.sink->count(Code::FA001), 2u);
  h.alloc.begin_frame();
  h.alloc.end_frame();
  EXPECT_THROW(h.alloc.frame_alloc_bytes(16), AllocError);
  auto diags = h.sink->diagnostics();
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[2].code, Code::FA001);
  EXPECT_EQ(diags[2].severity, Severity::Error);
  EXPECT_NE(diags[2].notes.at(0).find("after end_frame()"), std::string::npos);
  EXPECT_EQ(h.alloc.stats().failed_allocations, 3u);
}

TEST_P(FrameTest, ExhaustionAtTheConfiguredArenaSize) {
  Harness small(AllocConfig::minimal().with_frame_arena_size(4096).with_debug_checks(GetParam()));
  small.alloc.begin_frame();
  EXPECT_EQ(small.alloc.frame_remaining(), 4096u);
  EXPECT_NE(small.alloc.frame_alloc_bytes(4000, 1), nullptr);
  EXPECT_EQ(small.alloc.frame_remaining(), 96u);
  EXPECT_EQ(small.alloc.try_frame_alloc_bytes(97, 1), nullptr);  // try: silent
  EXPECT_EQ(small.sink->size(), 0u);
  EXPECT_NE(small.alloc.try_frame_alloc_bytes(96, 1), nullptr);  // exactly full
  EXPECT_EQ(small.alloc.frame_remaining(), 0u);
  try {
    small.alloc.frame_alloc_bytes(1, 1);
    FAIL() << "expected AllocError";
  } catch (const AllocError& e) {
    EXPECT_EQ(e.code(), Code::FA003);
  }
  EXPECT_EQ(small.sink->count(Code::FA003), 1u);
  small.alloc.end_frame();
  small.alloc.begin_frame();
  EXPECT_EQ(small.alloc.frame_remaining(), 4096u);  // reset gives it all back
  small.alloc.end_frame();
}

// Compile-time sizes take a one-compare fast path that leaves the last exact fit to the slow
// path (runtime_optimized_test builds this at -O2): the arena must still fill to the byte.
TEST_P(FrameTest, ConstantSizeRequestsFillTheArenaToTheLastByte) {
  Harness small(AllocConfig::minimal().with_frame_arena_size(4096).with_debug_checks(GetParam()));
  small.alloc.begin_frame();
  const std::uint64_t before = small.alloc.stats().frame.allocations;
  std::byte* prev = nullptr;
  for (int i = 0; i < 64; ++i) {
    auto* p = static_cast<std::byte*>(small.alloc.try_frame_alloc_bytes(64, 16));
    ASSERT_NE(p, nullptr) << "request " << i;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
    if (prev) {
      EXPECT_EQ(p, prev + 64);
    }
    prev = p;
  }
  EXPECT_EQ(small.alloc.frame_remaining(), 0u);
  EXPECT_EQ(small.alloc.try_frame_alloc_bytes(64, 16), nullptr);
  EXPECT_EQ(small.alloc.stats().frame.allocations - before, 64u);
  small.alloc.end_frame();
}

TEST_P(FrameTest, BatchAllocationValueInitialisesAndChecksOverflow) {
  h.alloc.begin_frame();
  std::span<std::uint64_t> s = h.alloc.frame_alloc_batch<std::uint64_t>(100);
  ASSERT_EQ(s.size(), 100u);
  for (auto v : s) EXPECT_EQ(v, 0u);
  s[99] = 5;
  EXPECT_TRUE(h.alloc.frame_alloc_batch<int>(0).empty());
  EXPECT_THROW(h.alloc.frame_alloc_batch<std::uint64_t>(SIZE_MAX / 4), AllocError);
  EXPECT_TRUE(h.alloc.try_frame_alloc_batch<std::uint64_t>(SIZE_MAX / 4).empty());
  EXPECT_TRUE(h.alloc.try_frame_alloc_batch<std::uint64_t>(1u << 30).empty());  // > 1 MiB arena
  h.alloc.end_frame();
}

TEST_P(FrameTest, UnbalancedFrameCallsAreReportedAndIgnored) {
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->count(Code::FA004), 1u);
  h.alloc.begin_frame();
  void* p = h.alloc.frame_alloc_bytes(32);
  h.alloc.begin_frame();  // ignored: frame stays open, memory stays valid
  EXPECT_EQ(h.sink->count(Code::FA004), 2u);
  EXPECT_TRUE(h.alloc.frame_active());
  EXPECT_EQ(h.alloc.frame_used(), 32u);
  std::memset(p, 1, 32);
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.frame_number(), 1u);
}

TEST_P(FrameTest, ZeroSizeRequestsReturnAlignedNonNullPointers) {
  h.alloc.begin_frame();
  void* p = h.alloc.frame_alloc_bytes(0, 64);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u);
  h.alloc.end_frame();
}

INSTANTIATE_TEST_SUITE_P(DebugAndRelease, FrameTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "debug_checks" : "fast_path"; });

TEST(FramePoisoning, DebugChecksPoisonResetMemoryWith0xCD) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "under ASan the reset arena is poisoned for reads instead";
#else
  Harness h(config_with_checks(true));
  h.alloc.begin_frame();
  auto* bytes = static_cast<unsigned char*>(h.alloc.frame_alloc_bytes(64, 16));
  std::memset(bytes, 0x11, 64);
  h.alloc.end_frame();
  for (int i = 0; i < 64; ++i) ASSERT_EQ(bytes[i], 0xCD) << i;
#endif
}

TEST(FramePoisoning, WithoutDebugChecksResetLeavesMemoryAlone) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "under ASan the reset arena is poisoned for reads";
#else
  Harness h(config_with_checks(false));
  h.alloc.begin_frame();
  auto* bytes = static_cast<unsigned char*>(h.alloc.frame_alloc_bytes(64, 16));
  std::memset(bytes, 0x11, 64);
  h.alloc.end_frame();
  EXPECT_EQ(bytes[0], 0x11);  // the cost of poisoning is only paid when asked for
#endif
}

#if defined(__SANITIZE_ADDRESS__)
TEST(FramePoisoningDeathTest, AsanReportsUseOfFrameMemoryAfterEndFrame) {
  EXPECT_DEATH(
      {
        Harness h;
        h.alloc.begin_frame();
        auto* v = h.alloc.frame_alloc<int>(42);
        h.alloc.end_frame();
        volatile int read = *v;
        (void)read;
      },
      "use-after-poison");
}
#endif

}  // namespace
}  // namespace fa::test

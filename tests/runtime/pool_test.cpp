#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

class PoolTest : public ::testing::TestWithParam<bool> {
 protected:
  Harness h{config_with_checks(GetParam())};
};

struct Tracked {
  static inline int live = 0;
  explicit Tracked(int v) : value(v) { ++live; }
  ~Tracked() { --live; }
  int value;
};

TEST_P(PoolTest, FreedBlocksAreReusedByTheSameSizeClass) {
  void* a = h.alloc.pool_alloc_bytes(60);
  h.alloc.pool_free_bytes(a);
  void* b = h.alloc.pool_alloc_bytes(64);  // same 64-byte class
  EXPECT_EQ(a, b);
  void* c = h.alloc.pool_alloc_bytes(100);  // different class, different block
  EXPECT_NE(c, b);
  h.alloc.pool_free_bytes(b);
  h.alloc.pool_free_bytes(c);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(PoolTest, ConstructsAndDestroysObjects) {
  Tracked::live = 0;
  Tracked* t = h.alloc.pool_alloc<Tracked>(5);
  EXPECT_EQ(t->value, 5);
  EXPECT_EQ(Tracked::live, 1);
  h.alloc.pool_free(t);
  EXPECT_EQ(Tracked::live, 0);
}

TEST_P(PoolTest, ManyBlocksAreDistinctAligned16AndCountsBalance) {
  std::vector<void*> blocks;
  std::set<void*> unique;
  for (int i = 0; i < 5000; ++i) {
    void* p = h.alloc.pool_alloc_bytes(static_cast<std::size_t>(1 + i % 300));
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
    std::memset(p, 0xAB, static_cast<std::size_t>(1 + i % 300));
    blocks.push_back(p);
    unique.insert(p);
  }
  EXPECT_EQ(unique.size(), blocks.size());
  for (void* p : blocks) h.alloc.pool_free_bytes(p);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 5000u);
  EXPECT_EQ(s.pool.frees, 5000u);
  EXPECT_EQ(s.pool.live_bytes(), 0u);
  EXPECT_GT(s.pool.peak_bytes, 5000u * 16u);
  EXPECT_GT(s.pool_slabs_in_use, 0u);
  EXPECT_EQ(s.heap.allocations, 0u);
}

// A thread keeps at most 2048 free 64-byte blocks on its class's stack: beyond that the older
// half spills to a list (including blocks carved but never handed out) and comes back when the
// stack runs empty. Every block must stay usable exactly once, and none may be lost: the second
// round fits in the slabs the first one took.
TEST_P(PoolTest, MoreFreeBlocksThanTheStackHoldsAreAllReused) {
  constexpr int kBlocks = 6000;
  std::vector<void*> first;
  for (int i = 0; i < kBlocks; ++i) {
    first.push_back(h.alloc.pool_alloc_bytes(64));
    std::memset(first.back(), 0x5A, 64);
  }
  EXPECT_EQ(std::set<void*>(first.begin(), first.end()).size(), first.size());
  const std::uint64_t slabs = h.alloc.stats().pool_slabs_in_use;
  for (void* p : first) h.alloc.pool_free_bytes(p);
  EXPECT_EQ(h.alloc.stats().pool.live_bytes(), 0u);

  std::vector<void*> second;
  for (int i = 0; i < kBlocks; ++i) {
    second.push_back(h.alloc.pool_alloc_bytes(64));
    std::memset(second.back(), 0xA5, 64);
  }
  EXPECT_EQ(std::set<void*>(second.begin(), second.end()).size(), second.size());
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool_slabs_in_use, slabs);
  EXPECT_EQ(s.heap.allocations, 0u);
  EXPECT_EQ(s.pool.live_bytes(), 64u * kBlocks);
  for (auto it = second.rbegin(); it != second.rend(); ++it) h.alloc.pool_free_bytes(*it);
  EXPECT_EQ(h.alloc.stats().pool.frees, 2u * kBlocks);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(PoolTest, CacheLineAlignedObjectsStayInThePool) {
  struct alignas(64) Line {
    char data[64];
  };
  Line* l = h.alloc.pool_alloc<Line>();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(l) % 64, 0u);
  EXPECT_EQ(h.alloc.stats().pool.allocations, 1u);
  h.alloc.pool_free(l);
}

TEST_P(PoolTest, LargeAndOverAlignedObjectsFallBackToTheHeapPath) {
  void* big = h.alloc.pool_alloc_bytes(8192);
  void* aligned = h.alloc.pool_alloc_bytes(48, 256);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 256, 0u);
  AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 0u);
  EXPECT_EQ(s.heap.allocations, 2u);
  h.alloc.pool_free_bytes(big);
  h.alloc.pool_free_bytes(aligned);
  s = h.alloc.stats();
  EXPECT_EQ(s.heap.frees, 2u);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(PoolTest, PoolMaxObjectSizeIsHonoured) {
  Harness small(AllocConfig::minimal().with_pool_max_object_size(128).with_debug_checks(GetParam()));
  void* in = small.alloc.pool_alloc_bytes(128);
  void* out = small.alloc.pool_alloc_bytes(129);
  const AllocStats s = small.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 1u);
  EXPECT_EQ(s.heap.allocations, 1u);
  small.alloc.pool_free_bytes(in);
  small.alloc.pool_free_bytes(out);
}

TEST_P(PoolTest, ExhaustedReservationFallsBackToTheHeap) {
  // Two 32 KiB slabs: the third size class in use has nowhere to go but the heap.
  Harness tiny(AllocConfig::minimal().with_pool_reserve_size(64u << 10).with_debug_checks(GetParam()));
  void* a = tiny.alloc.pool_alloc_bytes(16);
  void* b = tiny.alloc.pool_alloc_bytes(32);
  void* c = tiny.alloc.pool_alloc_bytes(48);
  AllocStats s = tiny.alloc.stats();
  EXPECT_EQ(s.pool_slabs_in_use, 2u);
  EXPECT_EQ(s.pool_reserved_bytes, 64u << 10);
  EXPECT_EQ(s.pool.allocations, 2u);
  EXPECT_EQ(s.heap.allocations, 1u);
  for (void* p : {a, b, c}) tiny.alloc.pool_free_bytes(p);
  EXPECT_EQ(tiny.sink->size(), 0u);
}

TEST_P(PoolTest, SlabSizeIsHonoured) {
  Harness big(AllocConfig::minimal().with_pool_slab_size(256u << 10).with_debug_checks(GetParam()));
  void* p = big.alloc.pool_alloc_bytes(16);
  EXPECT_EQ(big.alloc.stats().pool_reserved_bytes, 256u << 10);
  big.alloc.pool_free_bytes(p);
}

TEST_P(PoolTest, ForeignPointerIsReportedAndLeftAlone) {
  int on_stack = 7;
  h.alloc.pool_free(&on_stack);
  EXPECT_EQ(on_stack, 7);
  auto* from_new = new Tracked(3);
  Tracked::live = 1;
  h.alloc.pool_free(from_new);
  EXPECT_EQ(Tracked::live, 1);  // destructor not run on memory that is not ours
  EXPECT_EQ(h.sink->count(Code::FA541), 2u);
  delete from_new;
}

TEST_P(PoolTest, PointerFromAnotherInstanceIsForeign) {
  Harness other(config_with_checks(GetParam()));
  void* theirs = other.alloc.pool_alloc_bytes(32);
  h.alloc.pool_free_bytes(theirs);
  EXPECT_EQ(h.sink->count(Code::FA541), 1u);
  other.alloc.pool_free_bytes(theirs);
  EXPECT_EQ(other.sink->size(), 0u);
}

// The inline free only trusts addresses past a slab's header; one inside it is not a block.
TEST_P(PoolTest, PointerIntoASlabHeaderIsRejectedOnEveryPath) {
  void* p = h.alloc.pool_alloc_bytes(64);
  const std::uintptr_t slab_bytes = h.alloc.config().pool_slab_size;
  auto* header = reinterpret_cast<std::byte*>(reinterpret_cast<std::uintptr_t>(p) & ~(slab_bytes - 1));
  h.alloc.pool_free_bytes(header + 16);
  EXPECT_EQ(h.sink->count(Code::FA541), 1u);
  void* q = h.alloc.pool_alloc_bytes(64);  // the slab still works
  EXPECT_NE(q, nullptr);
  h.alloc.pool_free_bytes(q);
  h.alloc.pool_free_bytes(p);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

// Counts and bytes are kept per size class and summed on read: they must still add up
// across classes, reuse and the peak.
TEST_P(PoolTest, CountsAndBytesAreExactAcrossSizeClasses) {
  std::vector<void*> blocks;
  for (std::size_t size : {1u, 16u, 17u, 64u, 100u, 256u, 300u, 4096u})
    blocks.push_back(h.alloc.pool_alloc_bytes(size));
  const std::uint64_t class_bytes = 16 + 16 + 32 + 64 + 112 + 256 + 320 + 4096;
  AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 8u);
  EXPECT_EQ(s.pool.bytes_allocated, class_bytes);
  EXPECT_EQ(s.pool.peak_bytes, class_bytes);
  for (void* p : blocks) h.alloc.pool_free_bytes(p);
  void* again = h.alloc.pool_alloc_bytes(64);  // reused from the free list
  s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 9u);
  EXPECT_EQ(s.pool.frees, 8u);
  EXPECT_EQ(s.pool.bytes_allocated, class_bytes + 64);
  EXPECT_EQ(s.pool.bytes_freed, class_bytes);
  EXPECT_EQ(s.pool.peak_bytes, class_bytes);  // never more live at once
  EXPECT_EQ(h.alloc.thread_stats().pool.allocations, 9u);
  h.alloc.pool_free_bytes(again);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

// Block-boundary checks cost a division per free, so they come with debug checks.
TEST(PoolDebugChecks, InteriorPointerIsRejected) {
  Harness h(config_with_checks(true));
  auto* p = static_cast<std::byte*>(h.alloc.pool_alloc_bytes(64));
  h.alloc.pool_free_bytes(p + 16);
  EXPECT_EQ(h.sink->count(Code::FA541), 1u);
  h.alloc.pool_free_bytes(p);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

TEST_P(PoolTest, FrameMemoryPassedToPoolFreeIsReported) {
  h.alloc.begin_frame();
  int* f = h.alloc.frame_alloc<int>(1);
  h.alloc.pool_free(f);
  EXPECT_EQ(h.sink->count(Code::FA541), 1u);
  ASSERT_EQ(h.sink->size(), 1u);
  EXPECT_NE(h.sink->diagnostics()[0].message.find("frame memory"), std::string::npos);
  h.alloc.end_frame();
}

TEST_P(PoolTest, NonPowerOfTwoAlignmentIsRejected) {
  EXPECT_THROW(h.alloc.pool_alloc_bytes(32, 3), AllocError);
  EXPECT_EQ(h.sink->count(Code::FA542), 1u);
}

TEST_P(PoolTest, ConstructorExceptionReturnsTheBlock) {
  struct Throws {
    Throws() { throw std::runtime_error("no"); }
  };
  EXPECT_THROW(h.alloc.pool_alloc<Throws>(), std::runtime_error);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, 1u);
  EXPECT_EQ(s.pool.frees, 1u);
}

INSTANTIATE_TEST_SUITE_P(DebugAndRelease, PoolTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "debug_checks" : "fast_path"; });

TEST(PoolDebugChecks, DoubleFreeIsReportedWithFA540) {
  Harness h(config_with_checks(true));
  Tracked::live = 0;
  Tracked* t = h.alloc.pool_alloc<Tracked>(1);
  h.alloc.pool_free(t);
  h.alloc.pool_free(t);  // the destructor must not run a second time
  EXPECT_EQ(Tracked::live, 0);
  EXPECT_EQ(h.sink->count(Code::FA540), 1u);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.frees, 1u);
  // The free list is intact: two allocations give two different blocks.
  void* a = h.alloc.pool_alloc_bytes(4);
  void* b = h.alloc.pool_alloc_bytes(4);
  EXPECT_NE(a, b);
}

TEST(PoolDebugChecks, FreedBlocksArePoisonedBeyondTheLink) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan poisons freed pool blocks for reads";
#else
  Harness h(config_with_checks(true));
  auto* p = static_cast<unsigned char*>(h.alloc.pool_alloc_bytes(64));
  std::memset(p, 0, 64);
  h.alloc.pool_free_bytes(p);
  for (int i = 8; i < 64; ++i) ASSERT_EQ(p[i], 0xCD) << i;
#endif
}

}  // namespace
}  // namespace fa::test

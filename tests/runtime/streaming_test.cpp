#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

// Reserve, load (fill with `fill`) and finish an entry.
StreamId load(StreamingAllocator& s, std::size_t size, StreamPriority p, unsigned char fill = 0xAB) {
  StreamId id = s.reserve(size, p);
  if (id.is_null()) return id;
  std::span<std::byte> dst = s.begin_load(id);
  std::memset(dst.data(), fill, dst.size());
  s.report_progress(id, size / 2);
  s.finish_load(id);
  return id;
}

TEST(StreamingTest, LifecycleReservedLoadingReady) {
  Harness h;
  StreamingAllocator s(h.alloc, 1024);
  StreamId id = s.reserve(100, StreamPriority::Normal);
  ASSERT_FALSE(id.is_null());
  EXPECT_EQ(s.state(id), StreamState::Reserved);
  std::span<std::byte> dst = s.begin_load(id);
  ASSERT_EQ(dst.size(), 100u);
  EXPECT_EQ(s.state(id), StreamState::Loading);
  std::memset(dst.data(), 0x5A, dst.size());
  EXPECT_TRUE(s.report_progress(id, 25));
  EXPECT_FLOAT_EQ(*s.progress(id), 0.25f);
  EXPECT_TRUE(s.finish_load(id));
  EXPECT_EQ(s.state(id), StreamState::Ready);
  std::span<std::byte> data = s.access(id);
  ASSERT_EQ(data.size(), 100u);
  EXPECT_EQ(data[99], std::byte{0x5A});
  EXPECT_EQ(s.stats().used, 100u);
  EXPECT_TRUE(s.free(id));
  EXPECT_EQ(s.stats().used, 0u);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(StreamingTest, EvictsLowestPriorityThenLeastRecentlyUsed) {
  Harness h;
  StreamingAllocator s(h.alloc, 400);
  std::vector<Eviction> evicted;
  s.set_eviction_callback([&](const Eviction& e) { evicted.push_back(e); });
  StreamId high = load(s, 100, StreamPriority::High);
  StreamId low_old = load(s, 100, StreamPriority::Low);
  StreamId low_new = load(s, 100, StreamPriority::Low);
  StreamId normal = load(s, 100, StreamPriority::Normal);
  s.access(low_old);  // now low_new is the least recently used Low entry
  StreamId incoming = s.reserve(100, StreamPriority::Normal);
  ASSERT_FALSE(incoming.is_null());
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].id, low_new);
  EXPECT_EQ(evicted[0].size, 100u);
  EXPECT_FALSE(s.state(low_new).has_value());
  EXPECT_TRUE(s.state(low_old) && s.state(high) && s.state(normal));
  // Two more: the other Low goes first, then Normal (older than incoming's Normal, which is not ready).
  ASSERT_FALSE(s.reserve(200, StreamPriority::Low).is_null());
  ASSERT_EQ(evicted.size(), 3u);
  EXPECT_EQ(evicted[1].id, low_old);
  EXPECT_EQ(evicted[2].id, normal);
  EXPECT_TRUE(s.state(high).has_value());
  EXPECT_EQ(s.stats().evictions, 3u);
  EXPECT_LE(s.stats().used, s.budget());
}

TEST(StreamingTest, NeverEvictsPinnedOrLoadingAndReportsFA402WithoutEvictingAnything) {
  Harness h;
  StreamingAllocator s(h.alloc, 300);
  int callbacks = 0;
  s.set_eviction_callback([&](const Eviction&) { ++callbacks; });
  StreamId pinned = load(s, 100, StreamPriority::Low);
  ASSERT_TRUE(s.pin(pinned));
  StreamId loading = s.reserve(100, StreamPriority::Low);
  s.begin_load(loading);
  StreamId ready = load(s, 100, StreamPriority::Low);
  // 200 bytes needed, only `ready` (100) is evictable: fail, and do not evict `ready` in vain.
  EXPECT_TRUE(s.reserve(200, StreamPriority::Critical).is_null());
  EXPECT_EQ(h.sink->count(Code::FA402), 1u);
  EXPECT_EQ(callbacks, 0);
  EXPECT_TRUE(s.state(ready).has_value());
  EXPECT_EQ(s.stats().failed_reservations, 1u);
  // 100 bytes fit by evicting `ready` only.
  EXPECT_FALSE(s.reserve(100, StreamPriority::Low).is_null());
  EXPECT_EQ(callbacks, 1);
  EXPECT_TRUE(s.state(pinned).has_value());
  EXPECT_EQ(s.state(loading), StreamState::Loading);
}

TEST(StreamingTest, ReservingMoreThanTheBudgetIsFA405) {
  Harness h;
  StreamingAllocator s(h.alloc, 1000);
  StreamId small = load(s, 10, StreamPriority::Low);
  EXPECT_TRUE(s.reserve(1001, StreamPriority::Critical).is_null());
  EXPECT_EQ(h.sink->count(Code::FA405), 1u);
  EXPECT_TRUE(s.state(small).has_value()) << "nothing evicted for a request that can never fit";
}

TEST(StreamingTest, BadInputIsRejected) {
  Harness h;
  EXPECT_THROW(StreamingAllocator(h.alloc, 0), std::invalid_argument);
  StreamingAllocator s(h.alloc, 100);
  EXPECT_THROW(s.reserve(0, StreamPriority::Low), std::invalid_argument);
  EXPECT_EQ(s.stats().used, 0u);
}

TEST(StreamingTest, OutOfOrderTransitionsAreFA406AndChangeNothing) {
  Harness h;
  StreamingAllocator s(h.alloc, 1000);
  StreamId id = s.reserve(10, StreamPriority::Low);
  EXPECT_FALSE(s.finish_load(id));
  EXPECT_FALSE(s.report_progress(id, 1));
  EXPECT_TRUE(s.access(id).empty());
  EXPECT_EQ(s.state(id), StreamState::Reserved);
  s.begin_load(id);
  EXPECT_TRUE(s.begin_load(id).empty());
  EXPECT_FALSE(s.free(id)) << "a loader is writing into it";
  EXPECT_EQ(s.state(id), StreamState::Loading);
  EXPECT_EQ(h.sink->count(Code::FA406), 5u);
}

TEST(StreamingTest, StaleIdsAreFA401) {
  Harness h;
  StreamingAllocator s(h.alloc, 1000);
  StreamId id = load(s, 10, StreamPriority::Low);
  s.free(id);
  EXPECT_TRUE(s.access(id).empty());
  EXPECT_FALSE(s.free(id));
  EXPECT_TRUE(s.begin_load(StreamId{}).empty());
  EXPECT_EQ(h.sink->count(Code::FA401), 3u);
  EXPECT_FALSE(s.state(id).has_value());
}

TEST(StreamingTest, RandomisedInvariantsBudgetPinnedAndLoading) {
  Harness h;
  StreamingAllocator s(h.alloc, 4096);
  std::set<std::pair<std::uint32_t, std::uint32_t>> protected_ids;  // pinned or loading
  std::vector<StreamId> evicted;
  s.set_eviction_callback([&](const Eviction& e) { evicted.push_back(e.id); });
  std::mt19937 rng(7);
  std::vector<StreamId> ids;
  for (int step = 0; step < 2000; ++step) {
    const std::size_t size = 1 + rng() % 700;
    StreamId id = s.reserve(size, static_cast<StreamPriority>(rng() % 4));
    ASSERT_LE(s.stats().used, s.budget());
    if (id.is_null()) continue;
    s.begin_load(id);
    switch (rng() % 4) {
      case 0:
        protected_ids.insert({id.index, id.generation});  // stays loading
        break;
      case 1:
        s.finish_load(id);
        s.pin(id);
        protected_ids.insert({id.index, id.generation});
        break;
      default:
        s.finish_load(id);
        ids.push_back(id);
    }
    if (!ids.empty() && rng() % 3 == 0) s.access(ids[rng() % ids.size()]);
    if (protected_ids.size() > 4) {  // release some protection so the test keeps moving
      auto it = protected_ids.begin();
      StreamId p{it->first, it->second};
      if (s.state(p) == StreamState::Loading)
        s.finish_load(p);
      else
        s.unpin(p);
      protected_ids.erase(it);
    }
    for (const StreamId& e : evicted)
      ASSERT_EQ(protected_ids.count({e.index, e.generation}), 0u) << "evicted a pinned or loading entry";
    evicted.clear();
  }
  EXPECT_GT(s.stats().evictions, 0u);
}

}  // namespace
}  // namespace fa::test

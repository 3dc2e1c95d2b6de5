// The injector ring on its own: batch claims keep FIFO order, stop at unpublished cells, fall
// back to the overflow list, and under concurrency every item comes out exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "injector.hpp"  // runtime/src/jobs

namespace fd = fa::jobs::detail;

namespace {
std::uintptr_t* item(std::uintptr_t n) {
  return reinterpret_cast<std::uintptr_t*>(n * 8);  // never dereferenced
}
std::uintptr_t number(std::uintptr_t* p) {
  return reinterpret_cast<std::uintptr_t>(p) / 8;
}
}  // namespace

TEST(Injector, BatchPopsAreFifoAndStopAtTheEnd) {
  fd::Injector<std::uintptr_t*> in(16);
  for (std::uintptr_t i = 1; i <= 5; ++i) EXPECT_TRUE(in.push(item(i)));
  EXPECT_EQ(in.pushed(), 5u);
  std::uintptr_t* out[4] = {};
  ASSERT_EQ(in.pop_batch(out, 4), 4u);
  for (std::uintptr_t i = 0; i < 4; ++i) EXPECT_EQ(number(out[i]), i + 1);
  ASSERT_EQ(in.pop_batch(out, 4), 1u);  // only one left
  EXPECT_EQ(number(out[0]), 5u);
  EXPECT_EQ(in.pop_batch(out, 4), 0u);
  EXPECT_FALSE(in.maybe_ready());
}

TEST(Injector, WhenTheRingIsFullPushesOverflowAndAreStillPoppedAndCounted) {
  fd::Injector<std::uintptr_t*> in(4);
  for (std::uintptr_t i = 1; i <= 4; ++i) EXPECT_TRUE(in.push(item(i)));
  EXPECT_FALSE(in.push(item(5)));  // ring full: the overflow list (not a seq_cst ring push)
  EXPECT_EQ(in.pushed(), 5u);
  std::vector<std::uintptr_t> seen;
  std::uintptr_t* out[8];
  while (std::size_t n = in.pop_batch(out, 8))
    for (std::size_t i = 0; i < n; ++i) seen.push_back(number(out[i]));
  EXPECT_EQ(seen, (std::vector<std::uintptr_t>{1, 2, 3, 4, 5}));
}

TEST(Injector, ConcurrentPushesAndBatchPopsDeliverEveryItemOnce) {
  fd::Injector<std::uintptr_t*> in(64);  // small: the overflow path is used too
  constexpr std::uintptr_t kPerProducer = 20000;
  constexpr int kProducers = 2, kConsumers = 2;
  std::vector<std::atomic<int>> got(kProducers * kPerProducer + 1);
  std::atomic<std::uintptr_t> popped{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p)
    threads.emplace_back([&, p] {
      for (std::uintptr_t i = 1; i <= kPerProducer; ++i) in.push(item(p * kPerProducer + i));
    });
  for (int c = 0; c < kConsumers; ++c)
    threads.emplace_back([&, c] {
      std::uintptr_t* out[16];
      while (popped.load() < kProducers * kPerProducer) {
        const std::size_t n = c == 0 ? in.pop_batch(out, 16) : (out[0] = in.pop()) != nullptr;
        for (std::size_t i = 0; i < n; ++i) got[number(out[i])].fetch_add(1);
        popped.fetch_add(n);
      }
    });
  for (auto& t : threads) t.join();
  for (std::size_t i = 1; i < got.size(); ++i) ASSERT_EQ(got[i].load(), 1) << "item " << i;
  EXPECT_EQ(in.pushed(), kProducers * kPerProducer);
}

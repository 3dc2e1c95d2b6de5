// The Chase-Lev deque on its own: order, growth, the owner's "was empty" answer (which
// decides whether a spawn wakes a worker) and exactly-once delivery under concurrent steals.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <framealloc/jobs/work_stealing_deque.hpp>

using Deque = fa::jobs::detail::WorkStealingDeque<std::intptr_t*>;

namespace {
std::intptr_t* item(std::intptr_t i) {
  return reinterpret_cast<std::intptr_t*>(i * 8 + 8);  // never null, never dereferenced
}
std::intptr_t index_of(std::intptr_t* p) {
  return (reinterpret_cast<std::intptr_t>(p) - 8) / 8;
}
}  // namespace

TEST(Deque, OwnerPopsNewestFirstAndThievesStealOldestFirst) {
  Deque d(4);
  for (int i = 0; i < 3; ++i) d.push(item(i));
  EXPECT_EQ(d.steal(), item(0));
  EXPECT_EQ(d.pop(), item(2));
  EXPECT_EQ(d.pop(), item(1));
  EXPECT_EQ(d.pop(), nullptr);
  EXPECT_EQ(d.steal(), nullptr);
  EXPECT_TRUE(d.empty());
}

TEST(Deque, GrowsPastItsCapacityWithoutLosingItems) {
  Deque d(2);
  for (int i = 0; i < 1000; ++i) d.push(item(i));
  for (int i = 0; i < 10; ++i) ASSERT_EQ(d.steal(), item(i));
  for (int i = 999; i >= 10; --i) ASSERT_EQ(d.pop(), item(i));
  EXPECT_EQ(d.pop(), nullptr);
}

TEST(Deque, PushTellsWhetherTheDequeWasEmpty) {
  Deque d(64);
  EXPECT_TRUE(d.push(item(0)));
  EXPECT_FALSE(d.push(item(1)));
  for (int i = 2; i < 20; ++i) EXPECT_FALSE(d.push(item(i)));
  EXPECT_EQ(d.pop(), item(19));
  EXPECT_FALSE(d.push(item(19)));
}

// The owner does not re-read top on every push; a thief that drains the deque must still make
// the next push report "was empty", or that spawn would wake nobody.
TEST(Deque, APushAfterThievesDrainedTheDequeReportsItEmpty) {
  Deque d(64);
  for (int i = 0; i < 20; ++i) d.push(item(i));
  std::thread thief([&d] {
    for (int i = 0; i < 20; ++i) ASSERT_EQ(d.steal(), item(i));
  });
  thief.join();
  EXPECT_TRUE(d.push(item(20)));
  EXPECT_FALSE(d.push(item(21)));
  // Drained again, this time partly by the owner.
  EXPECT_EQ(d.pop(), item(21));
  EXPECT_EQ(d.steal(), item(20));
  EXPECT_TRUE(d.push(item(22)));
}

TEST(Deque, EveryItemIsTakenExactlyOnceUnderConcurrentSteals) {
  constexpr std::intptr_t kItems = 200000;
  constexpr int kThieves = 3;
  Deque d(8);  // small: the ring grows while thieves read it
  std::vector<std::atomic<int>> taken(kItems);
  std::atomic<bool> done{false};
  std::vector<std::thread> thieves;
  for (int t = 0; t < kThieves; ++t)
    thieves.emplace_back([&] {
      while (!done.load(std::memory_order_acquire) || !d.empty())
        if (std::intptr_t* p = d.steal()) taken[index_of(p)].fetch_add(1, std::memory_order_relaxed);
    });
  std::intptr_t next = 0;
  while (next < kItems) {
    // Bursts of pushes with a few pops in between, as a worker spawning children does.
    for (int k = 0; k < 64 && next < kItems; ++k) d.push(item(next++));
    for (int k = 0; k < 8; ++k)
      if (std::intptr_t* p = d.pop()) taken[index_of(p)].fetch_add(1, std::memory_order_relaxed);
  }
  while (std::intptr_t* p = d.pop()) taken[index_of(p)].fetch_add(1, std::memory_order_relaxed);
  done.store(true, std::memory_order_release);
  for (auto& t : thieves) t.join();
  for (std::intptr_t i = 0; i < kItems; ++i) ASSERT_EQ(taken[i].load(), 1) << "item " << i;
}

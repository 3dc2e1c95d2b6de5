// Where a thread's frame cursor lives: the first instance a thread attaches to keeps it in the
// thread's TLS record (the plain calls' inline path), every other instance in its own state.
// These tests run without debug checks, so the inline paths serve the requests.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <memory>
#include <new>
#include <thread>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

using Block = std::pair<std::uintptr_t, std::uintptr_t>;  // [begin, end)

void expect_disjoint(std::vector<Block> blocks) {
  std::sort(blocks.begin(), blocks.end());
  for (std::size_t i = 1; i < blocks.size(); ++i)
    EXPECT_LE(blocks[i - 1].second, blocks[i].first) << "blocks " << i - 1 << " and " << i << " overlap";
}

// Each test starts on a thread whose record no instance holds yet, whatever earlier tests
// left on the main thread.
template <class Fn>
void on_fresh_thread(Fn&& fn) {
  std::thread(std::forward<Fn>(fn)).join();
}

Block take(void* p, std::size_t size) {
  const auto b = reinterpret_cast<std::uintptr_t>(p);
  return {b, b + size};
}

// The first instance's cursor is in the TLS record, the second's in its state; plain calls and
// handles of both, interleaved, must each bump their own instance's cursor.
TEST(FrameCursorTest, TwoInstancesOnOneThreadBumpTheirOwnCursorsThroughPlainCallsAndHandles) {
  on_fresh_thread([] {
    Harness first(config_with_checks(false)), second(config_with_checks(false));
    first.alloc.begin_frame();  // attaches first: it takes the thread's record
    second.alloc.begin_frame();
    ThreadHandle h1(first.alloc), h2(second.alloc);
    std::vector<Block> blocks;
    std::size_t bytes1 = 0, bytes2 = 0;
    for (std::size_t i = 1; i <= 50; ++i) {
      const std::size_t n = 8 * i;
      blocks.push_back(take(first.alloc.frame_alloc_bytes(n, 8), n));
      blocks.push_back(take(second.alloc.frame_alloc_bytes(n, 8), n));
      blocks.push_back(take(h1.frame_alloc_bytes(n, 8), n));
      blocks.push_back(take(h2.frame_alloc_bytes(n, 8), n));
      bytes1 += 2 * n;
      bytes2 += 2 * n;
    }
    expect_disjoint(blocks);
    EXPECT_EQ(first.alloc.frame_used(), bytes1);  // 8-aligned sizes: no padding
    EXPECT_EQ(second.alloc.frame_used(), bytes2);
    EXPECT_EQ(first.alloc.thread_stats().frame.allocations, 100u);
    EXPECT_EQ(second.alloc.thread_stats().frame.allocations, 100u);
    first.alloc.end_frame();
    second.alloc.end_frame();
    EXPECT_EQ(first.alloc.stats().frame.frees, 100u);
    EXPECT_EQ(second.alloc.stats().frame.frees, 100u);
    EXPECT_TRUE(first.sink->diagnostics().empty());
    EXPECT_TRUE(second.sink->diagnostics().empty());
  });
}

// A thread's TLS goes away when it exits: the counts kept next to its cursor must move into its
// state first, for both the instance that held the record and the one that did not.
TEST(FrameCursorTest, CountsOfAThreadSurviveItsExit) {
  Harness first(config_with_checks(false)), second(config_with_checks(false));
  std::thread([&] {
    for (int frame = 0; frame < 3; ++frame) {
      first.alloc.begin_frame();
      second.alloc.begin_frame();
      for (int i = 0; i < 10; ++i) first.alloc.frame_alloc_bytes(16);
      for (int i = 0; i < 5; ++i) second.alloc.frame_alloc_bytes(16);
      second.alloc.end_frame();
      if (frame < 2) first.alloc.end_frame();  // the last frame stays open until the thread exits
    }
    first.alloc.frame_alloc_bytes(16);
  }).join();
  // glibc hands the exited thread's stack, and the TLS record in it, to the next thread: a
  // count left in the record would now be overwritten by another instance's.
  Harness third(config_with_checks(false));
  std::thread([&] {
    third.alloc.begin_frame();
    for (int i = 0; i < 7; ++i) third.alloc.frame_alloc_bytes(16);
    third.alloc.end_frame();
  }).join();
  EXPECT_EQ(third.alloc.stats().frame.allocations, 7u);
  const AllocStats s1 = first.alloc.stats(), s2 = second.alloc.stats();
  EXPECT_EQ(s1.frame.allocations, 31u);
  EXPECT_EQ(s2.frame.allocations, 15u);
  EXPECT_EQ(s2.frame.frees, 15u);
  ASSERT_EQ(s1.threads.size(), 1u);
  EXPECT_EQ(s1.threads[0].frame.allocations, 31u);
}

// When the instance holding a thread's record dies, the next instance the thread attaches to
// takes the record; one attached before keeps its own cursor, and a handle made for it stays
// valid (a cursor never moves while its thread lives).
TEST(FrameCursorTest, TheRecordPassesToTheNextNewInstanceAndOthersKeepTheirCursor) {
  on_fresh_thread([] {
    auto holder = std::make_unique<Harness>(config_with_checks(false));
    Harness older(config_with_checks(false));
    holder->alloc.begin_frame();
    older.alloc.begin_frame();
    ThreadHandle older_handle(older.alloc);
    holder->alloc.frame_alloc_bytes(64);
    holder->alloc.end_frame();
    holder.reset();  // frees the record

    Harness newer(config_with_checks(false));
    newer.alloc.begin_frame();
    std::vector<Block> blocks;
    for (int i = 0; i < 40; ++i) {
      blocks.push_back(take(newer.alloc.frame_alloc_bytes(24, 8), 24));
      blocks.push_back(take(older.alloc.frame_alloc_bytes(24, 8), 24));
      blocks.push_back(take(older_handle.frame_alloc_bytes(24, 8), 24));
    }
    expect_disjoint(blocks);
    EXPECT_EQ(newer.alloc.frame_used(), 40u * 24);
    EXPECT_EQ(older.alloc.frame_used(), 80u * 24);
    EXPECT_EQ(newer.alloc.stats().frame.allocations, 40u);  // starts at zero, not at the dead one's 1
    EXPECT_EQ(older.alloc.stats().frame.allocations, 80u);
    newer.alloc.end_frame();
    older.alloc.end_frame();
  });
}

// Stats read on other threads follow the cursor into the owner's TLS record while the owner
// allocates (TSan checks the accesses), and see every request once the owner has exited.
TEST(FrameCursorTest, StatsReadersOnOtherThreadsSeeTheRecordsCursor) {
  Harness h(config_with_checks(false));
  constexpr int kThreads = 3, kFrames = 200, kPerFrame = 32;
  std::atomic<int> running{kThreads};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&] {
      for (int f = 0; f < kFrames; ++f) {
        h.alloc.begin_frame();
        for (int i = 0; i < kPerFrame; ++i) h.alloc.frame_alloc_bytes(16);
        h.alloc.end_frame();
      }
      running.fetch_sub(1);
    });
  }
  std::uint64_t last = 0;
  while (running.load() > 0) {
    const std::uint64_t now = h.alloc.stats().frame.allocations;
    EXPECT_GE(now, last);  // counts only grow
    last = now;
  }
  for (auto& w : workers) w.join();
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.frame.allocations, std::uint64_t{kThreads} * kFrames * kPerFrame);
  EXPECT_EQ(s.frame.frees, s.frame.allocations);
}

// A SmartAlloc built where the record's holder was destroyed has the holder's address. The
// holder dies inside a frame, so a record left naming that address would still offer room in
// the dead arena: the new instance must get none of it.
TEST(FrameCursorTest, ANewInstanceAtTheHoldersAddressStartsFromAnEmptyRecord) {
  on_fresh_thread([] {
    alignas(SmartAlloc) unsigned char storage[sizeof(SmartAlloc)];
    auto* first = new (storage) SmartAlloc(config_with_checks(false));
    first->begin_frame();
    for (int i = 0; i < 10; ++i) first->frame_alloc_bytes(32);
    first->~SmartAlloc();
    auto* second = new (storage) SmartAlloc(config_with_checks(false));
    second->begin_frame();
    for (int i = 0; i < 3; ++i) second->frame_alloc_bytes(16);
    EXPECT_EQ(second->frame_used(), 48u);  // served from its own arena, counted for it
    EXPECT_EQ(second->stats().frame.allocations, 3u);
    second->end_frame();
    second->~SmartAlloc();
  });
}

}  // namespace
}  // namespace fa::test

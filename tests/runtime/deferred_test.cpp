// The deferred-free queue: pool blocks freed by other threads wait for their owner, which
// takes them back at the configured processing point; a full queue follows its policy.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using fa::test::Harness;

// ASan builds instrument every thread, so their frees always take the per-block path.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsanBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsanBuild = true;
#else
constexpr bool kAsanBuild = false;
#endif
#else
constexpr bool kAsanBuild = false;
#endif

fa::AllocConfig with(fa::DeferredConfig d, bool checks = false) {
  return fa::AllocConfig::minimal().with_debug_checks(checks).with_deferred(d);
}

// Allocates n blocks on the calling thread and frees them on another thread.
std::size_t free_remotely(fa::SmartAlloc& alloc, std::size_t n) {
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < n; ++i) blocks.push_back(alloc.pool_alloc_bytes(64));
  std::thread([&] {
    for (void* p : blocks) alloc.pool_free_bytes(p);
  }).join();
  return n;
}

class Deferred : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Paths, Deferred, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "DebugChecks" : "FastPath"; });

TEST_P(Deferred, AtFrameBeginWaitsForTheOwnersNextBeginFrame) {
  Harness h(with({.processing = fa::DeferredProcessing::AtFrameBegin}, GetParam()));
  h.alloc.begin_frame();
  free_remotely(h.alloc, 10);
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 10u);
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 10u);  // not at end_frame
  h.alloc.begin_frame();
  const fa::ThreadStats t = h.alloc.thread_stats();
  EXPECT_EQ(t.deferred_depth, 0u);
  EXPECT_EQ(t.deferred_processed, 10u);
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

TEST_P(Deferred, AtFrameEndWaitsForTheOwnersEndFrame) {
  Harness h(with({.processing = fa::DeferredProcessing::AtFrameEnd}, GetParam()));
  free_remotely(h.alloc, 5);
  h.alloc.begin_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 5u);
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 0u);
}

TEST_P(Deferred, IncrementalTakesABatchAtEachPoint) {
  Harness h(with({.processing = fa::DeferredProcessing::Incremental, .incremental_batch = 4}, GetParam()));
  free_remotely(h.alloc, 10);
  h.alloc.begin_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 6u);
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 2u);
  h.alloc.begin_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 0u);
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_processed, 10u);
}

TEST_P(Deferred, ExplicitOnlyInProcessDeferred) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit}, GetParam()));
  free_remotely(h.alloc, 7);
  h.alloc.begin_frame();
  h.alloc.end_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 7u);
  EXPECT_EQ(h.alloc.process_deferred(3), 3u);
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 4u);
  EXPECT_EQ(h.alloc.process_deferred(), 4u);
  EXPECT_EQ(h.alloc.process_deferred(), 0u);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

TEST_P(Deferred, DisabledTakesBlocksBackAtEveryFrameBoundary) {
  Harness h(with({}, GetParam()));
  free_remotely(h.alloc, 3);
  h.alloc.begin_frame();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 0u);
  h.alloc.end_frame();
}

TEST_P(Deferred, FailRefusesFreesBeyondCapacity) {
  Harness h(with(
      {.processing = fa::DeferredProcessing::Explicit, .capacity = 4, .overflow = fa::DeferredOverflow::Fail},
      GetParam()));
  free_remotely(h.alloc, 6);
  const fa::ThreadStats t = h.alloc.thread_stats();
  EXPECT_EQ(t.deferred_depth, 4u);
  EXPECT_EQ(t.deferred_refused, 2u);
  EXPECT_EQ(h.sink->count(fa::Code::FA204), 2u);
  h.alloc.process_deferred();
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 2u);  // the refused blocks stay allocated
}

TEST_P(Deferred, DropOldestKeepsTheQueueBounded) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit,
                  .capacity = 4,
                  .overflow = fa::DeferredOverflow::DropOldest},
                 GetParam()));
  free_remotely(h.alloc, 6);
  const fa::ThreadStats t = h.alloc.thread_stats();
  EXPECT_LE(t.deferred_depth, 4u);
  EXPECT_EQ(t.deferred_depth + t.deferred_dropped, 6u);
  EXPECT_GE(h.sink->count(fa::Code::FA204), 1u);
}

TEST_P(Deferred, ProcessImmediatelyMakesTheOwnerDrainAtItsNextPoint) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit,
                  .capacity = 4,
                  .overflow = fa::DeferredOverflow::ProcessImmediately},
                 GetParam()));
  free_remotely(h.alloc, 6);
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 6u);  // nothing is lost
  h.alloc.begin_frame();                                 // Explicit, but the overflow forces a drain
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 0u);
  h.alloc.end_frame();
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST_P(Deferred, SnapshotShowsDepthAndProcessedCounts) {
  Harness h(with({.processing = fa::DeferredProcessing::AtFrameBegin}, GetParam()));
  free_remotely(h.alloc, 8);
  EXPECT_EQ(h.alloc.build_snapshot().deferred.queue_depth, 8u);
  h.alloc.begin_frame();
  h.alloc.end_frame();
  const fa::Snapshot s = h.alloc.build_snapshot();
  EXPECT_EQ(s.deferred.queue_depth, 0u);
  EXPECT_EQ(s.deferred.processed_this_frame, 8u);
  EXPECT_EQ(h.alloc.build_snapshot().deferred.processed_this_frame, 0u);
}

TEST_P(Deferred, ProcessingIsAnEventWithTheBlockCount) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit}, GetParam()));
  std::vector<fa::FrameEvent> events;
  h.alloc.on_frame_event([&](const fa::FrameEvent& e) {
    if (e.kind == fa::FrameEventKind::DeferredProcessed) events.push_back(e);
  });
  free_remotely(h.alloc, 5);
  EXPECT_TRUE(events.empty());
  h.alloc.process_deferred(2);
  h.alloc.process_deferred();
  h.alloc.process_deferred();  // nothing left: no event
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].blocks, 2u);
  EXPECT_EQ(events[1].blocks, 3u);
  EXPECT_EQ(h.alloc.event_counts().of(fa::FrameEventKind::DeferredProcessed), 2u);
}

// Without checks, hooks or budgets (and under the Grow policy) a thread hands its cross-thread
// frees to the owner in chains of 32 with one CAS; the rest goes at its next frame boundary,
// process_deferred() or exit. With debug checks (or ASan) every free is queued at once.
TEST_P(Deferred, CrossThreadFreesReachTheOwnerInBatchesAndNoneIsLost) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit}, GetParam()));
  std::vector<void*> blocks;
  for (int i = 0; i < 40; ++i) blocks.push_back(h.alloc.pool_alloc_bytes(64));
  std::uint64_t seen_after_frees = 0, seen_after_process = 0;
  std::thread([&] {
    for (void* p : blocks) h.alloc.pool_free_bytes(p);
    seen_after_frees = h.alloc.stats().deferred_depth;
    h.alloc.process_deferred();  // this thread owns none of them: it only sends its batch
    seen_after_process = h.alloc.stats().deferred_depth;
    EXPECT_EQ(h.alloc.thread_stats().pool_remote_frees, 40u);
    EXPECT_EQ(h.alloc.thread_stats().pool.frees, 40u);
  }).join();
  const bool batched = !GetParam() && !kAsanBuild;
  EXPECT_EQ(seen_after_frees, batched ? 32u : 40u);
  EXPECT_EQ(seen_after_process, 40u);
  EXPECT_EQ(h.alloc.event_counts().of(fa::FrameEventKind::CrossThreadFreeQueued), 40u);
  EXPECT_EQ(h.alloc.process_deferred(), 40u);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

TEST_P(Deferred, APendingBatchGoesOutAtTheFreeingThreadsExitAndFrameEnd) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit}, GetParam()));
  std::vector<void*> blocks;
  for (int i = 0; i < 5; ++i) blocks.push_back(h.alloc.pool_alloc_bytes(32));
  std::thread([&] {
    h.alloc.begin_frame();
    h.alloc.pool_free_bytes(blocks[0]);
    h.alloc.pool_free_bytes(blocks[1]);
    h.alloc.end_frame();
    EXPECT_EQ(h.alloc.stats().deferred_depth, 2u);
    h.alloc.pool_free_bytes(blocks[2]);
    h.alloc.pool_free_bytes(blocks[3]);
    h.alloc.pool_free_bytes(blocks[4]);
  }).join();
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 5u);
  EXPECT_EQ(h.alloc.process_deferred(), 5u);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

// A batch holds blocks of one owner: a block of another owner sends it first.
TEST(DeferredThreaded, ABatchNeverMixesOwners) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit}));
  std::vector<void*> mine{h.alloc.pool_alloc_bytes(64), h.alloc.pool_alloc_bytes(64)};
  void* theirs = nullptr;
  std::uint64_t their_depth = 0;
  std::thread other([&] {
    theirs = h.alloc.pool_alloc_bytes(64);
    std::thread([&] {
      h.alloc.pool_free_bytes(mine[0]);
      h.alloc.pool_free_bytes(theirs);   // owner changes: mine[0] goes to the main thread now
      h.alloc.pool_free_bytes(mine[1]);  // and `theirs` goes to `other`
    }).join();
    their_depth = h.alloc.thread_stats().deferred_depth;
    EXPECT_EQ(h.alloc.process_deferred(), 1u);
  });
  other.join();
  EXPECT_EQ(their_depth, 1u);
  EXPECT_EQ(h.alloc.thread_stats().deferred_depth, 2u);
  EXPECT_EQ(h.alloc.process_deferred(), 2u);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

// The owner's live pool bytes go down when it takes back blocks other threads freed, and the
// peak only rises when more is live than ever before.
TEST_P(Deferred, PeakAndLiveBytesFollowCrossThreadFrees) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit}, GetParam()));
  free_remotely(h.alloc, 3);  // 3 x 64 live at most, then freed by another thread
  EXPECT_EQ(h.alloc.thread_stats().pool.peak_bytes, 192u);
  EXPECT_EQ(h.alloc.process_deferred(), 3u);
  std::vector<void*> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(h.alloc.pool_alloc_bytes(64));
  EXPECT_EQ(h.alloc.thread_stats().pool.peak_bytes, 192u);  // reused, not more than before
  mine.push_back(h.alloc.pool_alloc_bytes(64));
  EXPECT_EQ(h.alloc.thread_stats().pool.peak_bytes, 256u);
  for (void* p : mine) h.alloc.pool_free_bytes(p);
  EXPECT_EQ(h.alloc.thread_stats().pool.peak_bytes, 256u);
  EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
}

// Per-thread live bytes belong to the thread that allocated: frees made by another thread never
// push the freer's figure below zero (a snapshot once showed a thread holding 16 EiB of pool) and
// reach the owner when it takes the blocks back.
TEST_P(Deferred, PerThreadLiveBytesBelongToTheAllocatingThread) {
  Harness h(with({.processing = fa::DeferredProcessing::Explicit}, GetParam()));
  std::vector<void*> blocks;
  for (int i = 0; i < 4; ++i) blocks.push_back(h.alloc.pool_alloc_bytes(64));
  void* big = h.alloc.heap_alloc_bytes(1000);
  EXPECT_EQ(h.alloc.thread_stats().owned_pool_bytes, 256u);
  EXPECT_EQ(h.alloc.thread_stats().owned_heap_bytes, 1000u);
  fa::ThreadStats freer;
  std::thread([&] {
    for (void* p : blocks) h.alloc.pool_free_bytes(p);
    h.alloc.heap_free_bytes(big);
    freer = h.alloc.thread_stats();
  }).join();
  EXPECT_EQ(freer.owned_pool_bytes, 0u);
  EXPECT_EQ(freer.owned_heap_bytes, 0u);
  EXPECT_EQ(h.alloc.thread_stats().owned_heap_bytes, 0u);    // a heap free is immediate
  EXPECT_EQ(h.alloc.thread_stats().owned_pool_bytes, 256u);  // queued until the owner takes them
  const fa::Snapshot queued = h.alloc.build_snapshot();
  ASSERT_EQ(queued.threads.size(), 2u);
  EXPECT_EQ(queued.threads[0].pool_bytes, 256u);
  EXPECT_EQ(queued.threads[1].pool_bytes, 0u);  // the freer: zero, not 2^64 - 256
  EXPECT_EQ(queued.threads[1].heap_bytes, 0u);
  EXPECT_EQ(h.alloc.process_deferred(), 4u);
  EXPECT_EQ(h.alloc.thread_stats().owned_pool_bytes, 0u);
  const fa::Snapshot after = h.alloc.build_snapshot();
  EXPECT_EQ(after.threads[0].pool_bytes, 0u);
  EXPECT_EQ(after.summary.pool_bytes, 0u);
}

TEST(DeferredConfig, BadValuesAreRejected) {
  EXPECT_THROW(fa::SmartAlloc(fa::AllocConfig::minimal().with_deferred({.capacity = 0})),
               std::invalid_argument);
  EXPECT_THROW(fa::SmartAlloc(fa::AllocConfig::minimal().with_deferred(
                   {.processing = fa::DeferredProcessing::Incremental, .incremental_batch = 0})),
               std::invalid_argument);
}

TEST(DeferredThreaded, ManyFreersAndADrainingOwnerLoseNothing) {
  Harness h(with({.processing = fa::DeferredProcessing::Incremental, .incremental_batch = 16}));
  constexpr int kFreers = 4, kPerFreer = 500;
  std::vector<void*> blocks;
  for (int i = 0; i < kFreers * kPerFreer; ++i) blocks.push_back(h.alloc.pool_alloc_bytes(32));
  std::vector<std::thread> freers;
  for (int t = 0; t < kFreers; ++t) {
    freers.emplace_back([&, t] {
      for (int i = 0; i < kPerFreer; ++i)
        h.alloc.pool_free_bytes(blocks[static_cast<std::size_t>(t * kPerFreer + i)]);
    });
  }
  for (int f = 0; f < 50; ++f) {  // the owner keeps taking batches while they free
    h.alloc.begin_frame();
    h.alloc.end_frame();
  }
  for (auto& th : freers) th.join();
  h.alloc.process_deferred();
  const fa::AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.deferred_depth, 0u);
  EXPECT_EQ(s.deferred_processed, static_cast<std::uint64_t>(kFreers * kPerFreer));
  EXPECT_EQ(s.pool.live_allocations(), 0u);
}

}  // namespace

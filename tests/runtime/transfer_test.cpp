// TransferHandle: one value, one receive, valid across the sender's end_frame(); FA210/FA211
// and the per-instance counts (label "threaded": also runs under asan and tsan).
#include <framealloc/framealloc.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

struct Payload {
  std::string text;
  std::vector<int> values;
};

// Counts constructions and destructions so the value's lifetime can be checked.
struct Counted {
  static inline std::atomic<int> live{0};
  int value;
  explicit Counted(int v) : value(v) { ++live; }
  Counted(Counted&& o) noexcept : value(o.value) { ++live; }
  ~Counted() { --live; }
};

TEST(TransferHandle, ValueSurvivesTheSendersEndFrameAndIsReceivedOnAnotherThread) {
  for (bool checks : {false, true}) {
    Harness h(config_with_checks(checks));
    h.alloc.begin_frame();
    TransferHandle<Payload> handle =
        h.alloc.frame_box_for_transfer(Payload{std::string(100, 'x'), std::vector<int>(64, 7)});
    EXPECT_TRUE(handle.pending());
    h.alloc.end_frame();
    // Reuse the arena so that anything left in it would be overwritten.
    h.alloc.begin_frame();
    auto bytes = h.alloc.frame_alloc_batch<unsigned char>(4096);
    std::memset(bytes.data(), 0xEE, bytes.size());
    h.alloc.end_frame();

    Payload received;
    std::thread receiver([&] { received = handle.receive(); });
    receiver.join();
    EXPECT_FALSE(handle.pending());
    EXPECT_EQ(received.text, std::string(100, 'x'));
    EXPECT_EQ(received.values, std::vector<int>(64, 7));
    const AllocStats s = h.alloc.stats();
    EXPECT_EQ(s.pool.allocations, 1u);  // promoted to the pool at transfer time
    EXPECT_EQ(s.pool.frees, 1u);        // released by receive(), on the receiving thread
    EXPECT_EQ(h.sink->size(), 0u);
  }
}

TEST(TransferHandle, LargeValuesTakeTheHeapPathAndStillTransfer) {
  Harness h;
  auto handle = h.alloc.frame_box_for_transfer(std::array<char, 8192>{'a', 'b'});
  std::array<char, 8192> out{};
  std::thread([&] { out = handle.receive(); }).join();
  EXPECT_EQ(out[0], 'a');
  EXPECT_EQ(out[1], 'b');
  EXPECT_EQ(h.alloc.stats().heap.live_bytes(), 0u);
}

TEST(TransferHandle, SecondReceiveReportsFA210AndThrows) {
  Harness h;
  auto handle = h.alloc.frame_box_for_transfer(std::string("once"));
  EXPECT_EQ(handle.receive(), "once");
  try {
    (void)handle.receive();
    FAIL() << "second receive() must throw";
  } catch (const TransferError& e) {
    EXPECT_EQ(e.code(), Code::FA210);
    EXPECT_NE(std::string(e.what()).find("already received"), std::string::npos);
  }
  ASSERT_EQ(h.sink->count(Code::FA210), 1u);
  EXPECT_EQ(h.alloc.transfer_stats().completed, 1u);  // the failed call counted nothing
}

TEST(TransferHandle, ReceiveOnMovedFromOrDefaultHandleThrows) {
  Harness h;
  auto a = h.alloc.frame_box_for_transfer(42);
  TransferHandle<int> b = std::move(a);
  EXPECT_THROW((void)a.receive(), TransferError);  // NOLINT(bugprone-use-after-move): tested on purpose
  EXPECT_EQ(h.sink->count(Code::FA210), 1u);
  EXPECT_EQ(b.receive(), 42);
  TransferHandle<int> empty;
  EXPECT_THROW((void)empty.receive(), TransferError);  // no allocator to report through
  EXPECT_EQ(h.sink->count(Code::FA210), 1u);
}

TEST(TransferHandle, DroppedWithoutReceiveIsReportedWithDebugChecksAndAlwaysCounted) {
  for (bool checks : {false, true}) {
    Harness h(config_with_checks(checks));
    const int live_before = Counted::live.load();
    {
      auto handle = h.alloc.frame_box_for_transfer(Counted(5));
      EXPECT_EQ(Counted::live.load(), live_before + 1);
    }
    EXPECT_EQ(Counted::live.load(), live_before);  // the value was destroyed, the block released
    EXPECT_EQ(h.sink->count(Code::FA211), checks ? 1u : 0u);
    const TransferStats t = h.alloc.transfer_stats();
    EXPECT_EQ(t.initiated, 1u);
    EXPECT_EQ(t.dropped, 1u);
    EXPECT_EQ(t.pending(), 0u);
    EXPECT_EQ(h.alloc.stats().pool.live_allocations(), 0u);
  }
}

TEST(TransferHandle, MoveAssignmentDropsThePreviousPendingValue) {
  Harness h(config_with_checks(true));
  auto a = h.alloc.frame_box_for_transfer(1);
  a = h.alloc.frame_box_for_transfer(2);
  EXPECT_EQ(h.sink->count(Code::FA211), 1u);
  EXPECT_EQ(a.receive(), 2);
}

TEST(TransferHandle, ReceivedValueIsDestroyedExactlyOnce) {
  Harness h;
  const int live_before = Counted::live.load();
  {
    auto handle = h.alloc.frame_box_for_transfer(Counted(9));
    Counted c = handle.receive();
    EXPECT_EQ(c.value, 9);
    EXPECT_EQ(Counted::live.load(), live_before + 1);  // only `c`: the stored one is gone
  }
  EXPECT_EQ(Counted::live.load(), live_before);
}

// Producers hand values to consumers through a queue; every transfer is counted once.
TEST(TransferHandle, ManyThreadsCountEveryTransfer) {
  Harness h;
  constexpr int kProducers = 3;
  constexpr int kPerProducer = 500;
  std::mutex m;
  std::deque<TransferHandle<int>> queue;
  std::atomic<int> produced_done{0};
  std::atomic<long> sum{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerProducer; ++i) {
        h.alloc.begin_frame();
        auto handle = h.alloc.frame_box_for_transfer(i);
        h.alloc.end_frame();
        std::lock_guard lock(m);
        queue.push_back(std::move(handle));
      }
      ++produced_done;
    });
  }
  for (int c = 0; c < 2; ++c) {
    threads.emplace_back([&] {
      for (;;) {
        TransferHandle<int> handle;
        {
          std::lock_guard lock(m);
          if (queue.empty()) {
            if (produced_done.load() == kProducers) return;
            continue;
          }
          handle = std::move(queue.front());
          queue.pop_front();
        }
        sum += handle.receive();
      }
    });
  }
  for (auto& t : threads) t.join();
  const TransferStats t = h.alloc.transfer_stats();
  EXPECT_EQ(t.initiated, static_cast<std::uint64_t>(kProducers * kPerProducer));
  EXPECT_EQ(t.completed, t.initiated);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_EQ(sum.load(), static_cast<long>(kProducers) * (kPerProducer - 1) * kPerProducer / 2);
  EXPECT_EQ(h.sink->size(), 0u);
}

}  // namespace
}  // namespace fa::test

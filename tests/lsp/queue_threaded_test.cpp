// The queues between fa-lsp's threads (reader -> main loop <- worker, main loop -> writer), and
// the framing the reader and writer threads run, exercised from several threads at once (label
// threaded: run under TSan and ASan).
#include "blocking_queue.hpp"
#include "transport.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using fa::lsp::BlockingQueue;
using Clock = std::chrono::steady_clock;

TEST(BlockingQueueThreaded, ManyProducersOneDrainingConsumerLoseNothing) {
  BlockingQueue<int> q;
  constexpr int kProducers = 4;
  constexpr int kEach = 2000;
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&q, p] {
      for (int i = 0; i < kEach; ++i) q.push(p * kEach + i);
    });
  std::set<int> seen;
  std::vector<int> last(kProducers, -1);
  const auto give_up = Clock::now() + std::chrono::seconds(30);
  while (seen.size() < static_cast<std::size_t>(kProducers * kEach) && Clock::now() < give_up) {
    for (int v : q.drain_until(Clock::now() + std::chrono::milliseconds(100))) {
      EXPECT_TRUE(seen.insert(v).second) << "delivered twice: " << v;
      const int producer = v / kEach;
      EXPECT_GT(v, last[producer]) << "one producer's items arrived out of order";
      last[producer] = v;
    }
  }
  for (std::thread& t : producers) t.join();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kProducers * kEach));
}

TEST(BlockingQueueThreaded, DrainWakesOnPushBeforeItsDeadlineAndTimesOutWhenIdle) {
  BlockingQueue<int> q;
  const auto t0 = Clock::now();
  EXPECT_TRUE(q.drain_until(t0 + std::chrono::milliseconds(50)).empty());
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(50));
  std::thread producer([&q] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.push(7);
  });
  // Woken by the push, long before the 20 s deadline.
  const std::vector<int> got = q.drain_until(Clock::now() + std::chrono::seconds(20));
  producer.join();
  ASSERT_EQ(got, std::vector<int>{7});
}

TEST(BlockingQueueThreaded, PopDeliversEverythingThenEndsAfterCloseLikeTheWriter) {
  BlockingQueue<std::string> out;
  std::string written;
  std::thread writer([&] {
    while (auto frame = out.pop()) written += *frame;  // the writer thread's loop
  });
  std::vector<std::thread> senders;
  for (int s = 0; s < 3; ++s)
    senders.emplace_back([&out, s] {
      for (int i = 0; i < 200; ++i) out.push(fa::lsp::encode_frame({{"s", s}, {"i", i}}));
    });
  for (std::thread& t : senders) t.join();
  out.close();
  writer.join();
  // Every frame arrived whole: the reader's framing parses them all back.
  std::istringstream in(written);
  int frames = 0;
  for (;;) {
    const fa::lsp::ReadResult r = fa::lsp::read_frame(in);
    if (r.kind == fa::lsp::ReadResult::Kind::Eof) break;
    ASSERT_EQ(r.kind, fa::lsp::ReadResult::Kind::Message) << r.error;
    ++frames;
  }
  EXPECT_EQ(frames, 600);
  EXPECT_FALSE(out.pop().has_value());  // closed and empty
}

}  // namespace

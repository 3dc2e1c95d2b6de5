// Scheduler behaviour: exactly-once execution, counters and nested waits, parallel_for,
// priorities, exceptions, shutdown. Run with 8 workers so 2-core machines oversubscribe.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <framealloc/jobs/job_system.hpp>

namespace fj = fa::jobs;

namespace {

fj::JobSystemConfig config(std::size_t workers, std::shared_ptr<fa::DiagnosticSink> sink = nullptr) {
  fj::JobSystemConfig c;
  c.workers = workers;
  c.sink = sink ? std::move(sink) : std::make_shared<fa::CollectingSink>();
  return c;
}

std::uint64_t sum(const std::vector<std::uint64_t>& v) {
  std::uint64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

}  // namespace

TEST(Scheduler, EveryJobRunsExactlyOnce) {
  fj::JobSystem jobs(config(8));
  constexpr int kJobs = 20000;
  std::vector<std::atomic<int>> runs(kJobs);
  fj::Counter counter;
  for (int i = 0; i < kJobs; ++i) jobs.spawn(counter, [&runs, i] { runs[i].fetch_add(1); });
  jobs.wait(counter);
  EXPECT_EQ(counter.value(), 0);
  for (int i = 0; i < kJobs; ++i) ASSERT_EQ(runs[i].load(), 1) << "job " << i;
  jobs.wait_idle();
  const auto st = jobs.stats();
  EXPECT_EQ(sum(st.executed_by_worker) + st.executed_by_helpers, static_cast<std::uint64_t>(kJobs));
  EXPECT_EQ(jobs.load(), 0u);
}

TEST(Scheduler, NestedSpawnsFromJobsRunExactlyOnce) {
  fj::JobSystem jobs(config(8));
  std::atomic<int> leaves{0};
  fj::Counter root;
  for (int i = 0; i < 50; ++i) {
    jobs.spawn(root, [&leaves](fj::Context& ctx) {
      EXPECT_TRUE(ctx.on_worker() || ctx.worker_index() == fj::Context::kNotAWorker);
      fj::Counter children;
      for (int k = 0; k < 40; ++k) ctx.spawn(children, [&leaves] { leaves.fetch_add(1); });
      ctx.wait(children);  // nested wait inside a job
      EXPECT_EQ(children.value(), 0);
    });
  }
  jobs.wait(root);
  EXPECT_EQ(leaves.load(), 50 * 40);
}

namespace {
std::uint64_t fib_serial(int n) {
  return n < 2 ? static_cast<std::uint64_t>(n) : fib_serial(n - 1) + fib_serial(n - 2);
}

std::uint64_t fib(fj::JobSystem& jobs, int n) {
  if (n < 12) return fib_serial(n);
  std::uint64_t a = 0;
  fj::Counter c;
  jobs.spawn(c, [&] { a = fib(jobs, n - 1); });
  const std::uint64_t b = fib(jobs, n - 2);
  jobs.wait(c);
  return a + b;
}
}  // namespace

TEST(Scheduler, RecursiveForkJoinComputesFib) {
  fj::JobSystem jobs(config(8));
  EXPECT_EQ(fib(jobs, 22), 17711u);
}

TEST(Scheduler, ParallelForCoversTheRangeExactlyOnce) {
  fj::JobSystem jobs(config(8));
  for (std::size_t grain : {1u, 7u, 1000u, 100000u}) {
    SCOPED_TRACE(grain);
    constexpr std::size_t kBegin = 13, kEnd = 50013;
    std::vector<std::atomic<int>> hits(kEnd);
    jobs.parallel_for(kBegin, kEnd, grain,
                      [&](std::size_t i) { hits[i].fetch_add(1, std::memory_order_relaxed); });
    for (std::size_t i = 0; i < kEnd; ++i) ASSERT_EQ(hits[i].load(), i >= kBegin ? 1 : 0) << "index " << i;
  }
}

TEST(Scheduler, ParallelForRejectsBadArgumentsWithoutRunningAnything) {
  fj::JobSystem jobs(config(2));
  std::atomic<int> calls{0};
  auto body = [&](std::size_t) { calls.fetch_add(1); };
  EXPECT_THROW(jobs.parallel_for(0, 10, 0, body), std::invalid_argument);
  try {
    jobs.parallel_for(10, 5, 1, body);
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "parallel_for: begin (10) is after end (5)");
  }
  jobs.parallel_for(4, 4, 1, body);  // empty range
  EXPECT_EQ(calls.load(), 0);
}

TEST(Scheduler, ParallelForBodyExceptionOnTheCallerPropagatesAfterTheRestFinished) {
  fj::JobSystem jobs(config(4));
  std::atomic<int> calls{0};
  EXPECT_THROW(jobs.parallel_for(0, 1000, 10,
                                 [&](std::size_t i) {
                                   calls.fetch_add(1);
                                   if (i == 0) throw std::runtime_error("first chunk");
                                 }),
               std::runtime_error);
  // The spawned halves were not abandoned: they finished before parallel_for returned.
  EXPECT_EQ(jobs.load(), 0u);
  EXPECT_GE(calls.load(), 1);
}

TEST(Scheduler, ExceptionsAreReportedAndDoNotKillWorkers) {
  auto sink = std::make_shared<fa::CollectingSink>();
  fj::JobSystem jobs(config(2, sink));
  fj::Counter counter;
  for (int i = 0; i < 10; ++i) jobs.spawn(counter, [] { throw std::runtime_error("boom"); });
  jobs.spawn(counter, [] { throw 42; });
  jobs.wait(counter);  // thrown jobs still count as finished
  EXPECT_EQ(sink->count(fa::Code::FA207), 11u);
  // Jobs run in no promised order: count the messages instead of looking at the first one.
  int boom = 0, other = 0;
  for (const auto& d : sink->diagnostics()) {
    if (d.message.find("a job threw: boom") != std::string::npos) ++boom;
    if (d.message.find("not derived from std::exception") != std::string::npos) ++other;
  }
  EXPECT_EQ(boom, 10);
  EXPECT_EQ(other, 1);
  EXPECT_EQ(jobs.stats().exceptions, 11u);
  auto taken = jobs.take_exceptions();
  EXPECT_EQ(taken.size(), 11u);
  EXPECT_TRUE(jobs.take_exceptions().empty());
  // The workers survived: more jobs still run.
  std::atomic<int> after{0};
  fj::Counter more;
  for (int i = 0; i < 100; ++i) jobs.spawn(more, [&] { after.fetch_add(1); });
  jobs.wait(more);
  EXPECT_EQ(after.load(), 100);
}

TEST(Scheduler, ShutdownRunsQueuedJobsAndDestroysEveryCallable) {
  std::atomic<int> ran{0};
  auto alive = std::make_shared<int>(0);
  {
    fj::JobSystem jobs(config(8));
    for (int i = 0; i < 5000; ++i) jobs.spawn([&ran, alive] { ran.fetch_add(1); });
    // Destroyed with most jobs still queued.
  }
  EXPECT_EQ(ran.load(), 5000);
  EXPECT_EQ(alive.use_count(), 1);  // every captured copy was destroyed
}

TEST(Scheduler, HighPriorityRunsBeforeNormalBeforeLow) {
  fj::JobSystem jobs(config(1));
  std::atomic<bool> release{false}, started{false};
  fj::Counter gate;
  jobs.spawn(gate, [&] {
    started = true;
    while (!release.load()) std::this_thread::yield();
  });
  while (!started.load()) std::this_thread::yield();  // the only worker is now busy
  std::mutex m;
  std::vector<char> order;
  fj::Counter c;
  auto record = [&](char tag) {
    return [&, tag] {
      std::lock_guard lock(m);
      order.push_back(tag);
    };
  };
  for (int i = 0; i < 3; ++i) jobs.spawn(c, record('L'), fj::Priority::Low);
  for (int i = 0; i < 3; ++i) jobs.spawn(c, record('N'), fj::Priority::Normal);
  for (int i = 0; i < 3; ++i) jobs.spawn(c, record('H'), fj::Priority::High);
  release.store(true);
  // Only the worker may run them, so this thread must not help: JobSystem::wait() would run
  // queued jobs here while the gate is still finishing (or its count is still held by the
  // worker, which settles it as it starts the next job).
  while (gate.value() != 0 || c.value() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(std::string(order.begin(), order.end()), "HHHNNNLLL");
}

TEST(Scheduler, WaitIdleFromInsideAJobIsRejected) {
  fj::JobSystem jobs(config(2));
  std::atomic<bool> threw{false};
  fj::Counter c;
  jobs.spawn(c, [&](fj::Context& ctx) {
    try {
      ctx.system().wait_idle();
    } catch (const std::logic_error&) {
      threw = true;
    }
  });
  jobs.wait(c);
  EXPECT_TRUE(threw.load());
}

TEST(Scheduler, ParkedWorkersWakeForNewWork) {
  fj::JobSystem jobs(config(8));
  for (int round = 0; round < 20; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let workers park
    std::atomic<int> n{0};
    fj::Counter c;
    for (int i = 0; i < 16; ++i) jobs.spawn(c, [&] { n.fetch_add(1); });
    jobs.wait(c);
    ASSERT_EQ(n.load(), 16);
  }
}

TEST(Scheduler, ManyThreadsSpawnConcurrently) {
  fj::JobSystem jobs(config(8));
  std::atomic<int> n{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t)
    producers.emplace_back([&] {
      fj::Counter c;
      for (int i = 0; i < 2000; ++i) jobs.spawn(c, [&] { n.fetch_add(1); });
      jobs.wait(c);
    });
  for (auto& t : producers) t.join();
  EXPECT_EQ(n.load(), 8000);
}

// A helper thread (inside wait()) publishes the jobs it finished without waking anyone per job;
// it must wake a sleeping wait_idle() when it returns, or a helper that ran the last job would
// leave wait_idle() asleep forever.
TEST(Scheduler, WaitIdleWakesWhenAHelperFinishesTheLastJob) {
  fj::JobSystem jobs(config(1));
  std::atomic<bool> worker_started{false}, release_worker{false}, worker_done{false};
  jobs.spawn([&] {
    worker_started = true;
    while (!release_worker.load()) std::this_thread::yield();
    worker_done = true;
  });
  while (!worker_started.load()) std::this_thread::yield();  // the only worker is busy now
  std::atomic<bool> idle_returned{false};
  std::thread idle_waiter([&] {
    jobs.wait_idle();
    idle_returned = true;
  });
  // The last job has no counter (finishing it wakes nobody); it releases the wait by hand.
  fj::Counter mine;
  mine.add(1);
  jobs.spawn([&] {  // nobody else is free: this thread runs it inside wait()
    release_worker = true;
    while (!worker_done.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the worker goes idle first
    mine.add(-1);
  });
  jobs.wait(mine);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!idle_returned.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_TRUE(idle_returned.load()) << "wait_idle() was not woken";
  if (!idle_returned.load()) jobs.spawn([] {});  // a worker going idle wakes it, so it can be joined
  idle_waiter.join();
  EXPECT_EQ(jobs.stats().executed_by_helpers, 1u);
  EXPECT_EQ(jobs.stats().executed_by_worker[0], 1u);
}

// Workers subtract a run of finished jobs of one counter in one step. Nothing may observe the
// difference: a later job polling that counter (without wait()) on the same worker, and
// wait_idle() followed by a look at the counter.
TEST(Scheduler, AJobPollingACounterSeesTheJobsItsOwnWorkerFinishedBeforeIt) {
  for (bool fibers : {true, false}) {
    fj::JobSystemConfig c = config(1);  // one worker: it runs the counted jobs, then the poller
    c.fibers = fibers;
    fj::JobSystem jobs(c);
    fj::Counter counted;
    std::atomic<bool> saw_zero{false};
    std::atomic<bool> release{false};
    // The worker is held back until everything is queued, so it runs the counted jobs first.
    jobs.spawn([&release] {
      while (!release.load()) std::this_thread::yield();
    });
    for (int i = 0; i < 100; ++i) jobs.spawn(counted, [] {});
    jobs.spawn([&counted, &saw_zero] {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (!counted.is_zero() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
      saw_zero.store(counted.is_zero());
    });
    release.store(true);
    jobs.wait_idle();
    EXPECT_TRUE(saw_zero.load()) << (fibers ? "fibers" : "no fibers");
  }
}

TEST(Scheduler, EveryCounterIsZeroOnceWaitIdleReturns) {
  fj::JobSystem jobs(config(2));
  for (int round = 0; round < 300; ++round) {
    fj::Counter a, b;
    for (int i = 0; i < 20; ++i) {
      jobs.spawn(a, [] {});
      jobs.spawn(b, [] {});
    }
    jobs.wait_idle();
    ASSERT_EQ(a.value(), 0) << "round " << round;
    ASSERT_EQ(b.value(), 0) << "round " << round;
  }
}

TEST(Scheduler, CountersOfJobsSpawnedByWorkersSettleWhenTheWorkersRunOutOfWork) {
  fj::JobSystem jobs(config(2));
  fj::Counter root;
  std::atomic<std::int64_t> seen_by_poller{-1};
  jobs.spawn(root, [&seen_by_poller](fj::Context& ctx) {
    fj::Counter children;
    for (int i = 0; i < 1000; ++i) ctx.spawn(children, [] {});
    ctx.wait(children);
    seen_by_poller.store(children.value());
  });
  // The caller polls instead of waiting: it never helps, so only the workers' own release
  // (when they run out of work) can bring the counters down.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!root.is_zero() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  EXPECT_EQ(root.value(), 0);
  EXPECT_EQ(seen_by_poller.load(), 0);
}

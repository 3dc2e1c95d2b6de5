// Snapshot cost: build_snapshot() from a live allocator with 16 threads, serialisation of a
// snapshot with 16 threads x 64 tags, and the atomic file write (temp + fsync + rename),
// next to a plain non-atomic ofstream write of the same text as the peer. Target: build +
// write <= 1 ms.
#include <framealloc/framealloc.hpp>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

// 16 threads that took part in frames (and stay alive while the benchmark runs).
struct LiveAllocator {
  LiveAllocator() : alloc(fa::AllocConfig::minimal()), ready(16), done(1) {
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([this] {
        alloc.begin_frame();
        (void)alloc.frame_alloc_bytes(4096);
        alloc.end_frame();
        ready.count_down();
        done.wait();
      });
    }
    ready.wait();
  }
  ~LiveAllocator() {
    done.count_down();
    for (auto& t : threads) t.join();
  }
  fa::SmartAlloc alloc;
  std::latch ready, done;
  std::vector<std::thread> threads;
};

fa::Snapshot sixteen_threads_sixty_four_tags(fa::SmartAlloc& alloc) {
  fa::Snapshot s = alloc.build_snapshot();
  for (int i = 0; i < 64; ++i) {
    const std::string path = "system_" + std::to_string(i % 8) + "::part_" + std::to_string(i);
    s.tags.push_back({path, {4096, 3}, {512, 2}, {0, 0}});
    s.budgets.tags.push_back({path, 1 << 16, 4096, 8192});
  }
  return s;
}

fs::path bench_dir() {
  const fs::path d = fs::temp_directory_path() / ("fa_bench_snapshot_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

void snapshot_build(benchmark::State& state) {
  LiveAllocator live;
  for (auto _ : state) benchmark::DoNotOptimize(live.alloc.build_snapshot());
}
BENCHMARK(snapshot_build)->Name("snapshot/build/16threads");

void snapshot_to_json(benchmark::State& state) {
  LiveAllocator live;
  const fa::Snapshot s = sixteen_threads_sixty_four_tags(live.alloc);
  for (auto _ : state) benchmark::DoNotOptimize(s.to_json());
}
BENCHMARK(snapshot_to_json)->Name("snapshot/to_json/16x64");

// The figure the issue targets: build + serialise + atomic write.
void snapshot_build_and_write(benchmark::State& state) {
  LiveAllocator live;
  const fs::path dir = bench_dir();
  fa::SnapshotEmitter emitter(
      fa::SnapshotConfig{}.with_directory(dir).with_max_snapshots(4).with_durable(state.range(0) != 0));
  std::uint64_t frame = 0;
  for (auto _ : state) {
    fa::Snapshot s = sixteen_threads_sixty_four_tags(live.alloc);
    s.frame = ++frame;
    benchmark::DoNotOptimize(emitter.emit(s));
  }
  fs::remove_all(dir);
}
BENCHMARK(snapshot_build_and_write)->Name("snapshot/build+write/fa-atomic-fsync")->Arg(1)->UseRealTime();
BENCHMARK(snapshot_build_and_write)->Name("snapshot/build+write/fa-atomic")->Arg(0)->UseRealTime();

// Peer: the same text through a plain ofstream (no fsync, no rename: not crash-safe).
void snapshot_build_and_plain_write(benchmark::State& state) {
  LiveAllocator live;
  const fs::path dir = bench_dir();
  std::uint64_t frame = 0;
  for (auto _ : state) {
    fa::Snapshot s = sixteen_threads_sixty_four_tags(live.alloc);
    s.frame = ++frame;
    std::ofstream(dir / fa::SnapshotEmitter::file_name(frame % 4)) << s.to_json();
  }
  fs::remove_all(dir);
}
BENCHMARK(snapshot_build_and_plain_write)->Name("snapshot/build+write/plain-ofstream")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

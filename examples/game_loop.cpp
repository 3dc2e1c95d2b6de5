// A small game loop on two threads: the main thread renders, a worker simulates.
// Each thread allocates its per-frame scratch from its own frame arena, hit events
// travel from the worker to the main thread as pool objects (freed cross-thread),
// and level chunks are streamed in on the heap path.
//
//   game_loop [--frames N] [--quiet]
#include <framealloc/framealloc.hpp>

#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Particle {
  float x, y, vx, vy;
};

struct HitEvent {  // made by the simulation, consumed (and freed) by the renderer
  int frame;
  int particle;
  float energy;
};

struct LevelChunk {  // large: takes the heap path
  float heights[64 * 64];
};

struct Options {
  int frames = 300;
  bool quiet = false;
  std::string snapshot_dir;  // empty: no snapshot files
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
      o.frames = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--quiet") == 0) {
      o.quiet = true;
    } else if (std::strcmp(argv[i], "--snapshot-dir") == 0 && i + 1 < argc) {
      o.snapshot_dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: game_loop [--frames N] [--quiet] [--snapshot-dir DIR]\n");
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  fa::SmartAlloc alloc(fa::AllocConfig{}.with_frame_arena_size(4u << 20));
  // Budgets the inspector shows: everything, the renderer's tag, the simulation thread.
  alloc.set_global_budget({.soft = 48 << 20, .hard = 64 << 20});
  alloc.set_tag_budget("render", {.soft = 256 << 10, .hard = 1 << 20});
  std::optional<fa::SnapshotEmitter> snapshots;
  if (!opt.snapshot_dir.empty())
    snapshots.emplace(fa::SnapshotConfig{}
                          .with_directory(opt.snapshot_dir)
                          .with_auto_emit_every(30)
                          .with_min_interval(std::chrono::milliseconds(0))
                          .with_max_snapshots(20));

  constexpr int kParticles = 2000;
  std::vector<Particle> world(kParticles);
  for (int i = 0; i < kParticles; ++i) world[i] = {float(i % 100), float(i / 100), 1.0f + float(i % 7), 0.5f};

  std::mutex events_mutex;
  std::deque<HitEvent*> events;  // pool objects handed from worker to main
  std::barrier frame_sync(2);
  std::size_t worker_frame_bytes = 0;

  std::thread simulation([&] {
    alloc.set_thread_frame_budget({.limit = 1 << 20, .warn_at = 0.9});
    fa::TagScope tag(alloc, "simulation");
    for (int f = 0; f < opt.frames; ++f) {
      frame_sync.arrive_and_wait();  // frame f starts
      alloc.begin_frame();
      fa::TagScope particles(alloc, "particles");
      // Scratch: next positions in frame memory, gone at end_frame.
      std::span<Particle> next = alloc.frame_alloc_batch<Particle>(kParticles);
      for (int i = 0; i < kParticles; ++i) {
        Particle p = world[i];
        p.x += p.vx * 0.016f;
        p.y += p.vy * 0.016f;
        if (p.x > 100.0f) {
          p.x -= 100.0f;
          std::lock_guard lock(events_mutex);
          events.push_back(alloc.pool_alloc<HitEvent>(HitEvent{f, i, p.vx * p.vx}));
        }
        next[i] = p;
      }
      std::copy(next.begin(), next.end(), world.begin());
      worker_frame_bytes = alloc.frame_used();
      alloc.end_frame();
      frame_sync.arrive_and_wait();  // frame f done
    }
  });

  fa::HeapBox<LevelChunk> streamed;
  std::uint64_t events_consumed = 0;
  for (int f = 0; f < opt.frames; ++f) {
    frame_sync.arrive_and_wait();
    alloc.begin_frame();
    {
      // Render list in frame memory through the standard library.
      auto phase = alloc.phase_scope("render");
      fa::TagScope tag(alloc, "render");
      std::pmr::vector<std::uint32_t> draw_list(&alloc.frame_resource());
      for (int i = 0; i < kParticles; i += 3) draw_list.push_back(static_cast<std::uint32_t>(i));
    }
    if (f % 50 == 0) {
      auto phase = alloc.phase_scope("streaming");
      fa::TagScope tag(alloc, "level");
      streamed = alloc.heap_box<LevelChunk>();  // stream the next chunk in
    }
    streamed->heights[f % 4096] = float(f);
    frame_sync.arrive_and_wait();  // wait for the simulation of this frame

    std::uint64_t consumed_now = 0;
    {
      std::lock_guard lock(events_mutex);
      while (!events.empty()) {
        alloc.pool_free(events.front());  // cross-thread free: back to the worker's pool
        events.pop_front();
        ++consumed_now;
      }
    }
    events_consumed += consumed_now;
    const std::size_t main_bytes = alloc.frame_used();
    alloc.end_frame();
    if (snapshots) (void)snapshots->maybe_emit(alloc);
    if (!opt.quiet) {
      const fa::AllocStats s = alloc.stats();
      std::printf(
          "frame %4d  main %7zu B  worker %7zu B  events %3llu  pool live %5llu B  heap live %6llu B\n", f,
          main_bytes, worker_frame_bytes, static_cast<unsigned long long>(consumed_now),
          static_cast<unsigned long long>(s.pool.live_bytes()),
          static_cast<unsigned long long>(s.heap.live_bytes()));
    }
  }
  simulation.join();
  streamed.reset();

  const fa::AllocStats s = alloc.stats();
  const bool balanced = s.frame.allocations == s.frame.frees && s.pool.allocations == s.pool.frees &&
                        s.heap.allocations == s.heap.frees && s.diagnostics_reported == 0;
  std::printf("\n%d frames on %zu threads\n", opt.frames, s.threads.size());
  std::printf("  frame: %llu allocations, peak %llu B per thread-frame (summed)\n",
              static_cast<unsigned long long>(s.frame.allocations),
              static_cast<unsigned long long>(s.frame.peak_bytes));
  std::printf("  pool:  %llu allocations, %llu freed across threads\n",
              static_cast<unsigned long long>(s.pool.allocations),
              static_cast<unsigned long long>(events_consumed));
  std::printf("  heap:  %llu allocations, peak %llu B\n", static_cast<unsigned long long>(s.heap.allocations),
              static_cast<unsigned long long>(s.heap.peak_bytes));
  std::printf("  tags:\n");
  for (const fa::TagStats& t : s.tags)
    std::printf("    %-22s frame %9llu B  pool %7llu B  heap %8llu B\n",
                t.path.empty() ? "(untagged)" : t.path.c_str(),
                static_cast<unsigned long long>(t.frame.bytes), static_cast<unsigned long long>(t.pool.bytes),
                static_cast<unsigned long long>(t.heap.bytes));
  for (const fa::BudgetStats& b : s.budgets)
    std::printf("  budget %-14s peak %8llu of %8llu B, %llu refused\n",
                b.tag_path.empty() ? "(global)" : b.tag_path.c_str(), static_cast<unsigned long long>(b.peak),
                static_cast<unsigned long long>(b.hard_limit), static_cast<unsigned long long>(b.refusals));
  if (snapshots) std::printf("  snapshots: %s\n", opt.snapshot_dir.c_str());
  std::printf("balanced: %s\n", balanced ? "yes" : "no");
  return balanced ? 0 : 1;
}

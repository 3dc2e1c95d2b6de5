// A small game loop whose per-frame work runs on the job system (fa::jobs). The main thread
// drives the frame: it spawns the simulation as a job, renders meanwhile, waits for the
// simulation and ends the frame with the frame sync. The simulation job splits the particles
// with parallel_for on a worker, so its sub-jobs live in that worker's job frame arena until
// jobs.end_frame(), which comes before alloc.end_frame(). The jobs read and write persistent
// buffers, never the main thread's frame memory (that would be FA201); the main thread keeps
// its render and interpolation scratch in its own frame. Hit events travel from the workers to
// the main thread as pool objects (freed cross-thread), and level chunks are streamed in on
// the heap path. An audio thread takes part in the frames through fa::FrameLoop (its arena is
// reset with everyone's, and end_frame waits for it); each frame the main thread hands it a
// mix command built in frame memory through a TransferHandle, which keeps the value valid
// after the main thread's end_frame.
//
//   game_loop [--frames N] [--workers N] [--quiet] [--snapshot-dir DIR]
#include <framealloc/framealloc.hpp>
#include <framealloc/jobs/job_system.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <latch>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <span>
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

struct MixCommand {  // built by the main thread in its frame, received by the audio thread
  int frame;
  float loudness;
};

struct LevelChunk {  // large: takes the heap path
  float heights[64 * 64];
};

struct Options {
  int frames = 300;
  std::size_t workers = 3;
  bool quiet = false;
  std::string snapshot_dir;  // empty: no snapshot files
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
      o.frames = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
      const int n = std::stoi(argv[++i]);
      if (n < 1) {
        std::fprintf(stderr, "game_loop: --workers needs at least 1\n");
        std::exit(2);
      }
      o.workers = static_cast<std::size_t>(n);
    } else if (std::strcmp(argv[i], "--quiet") == 0) {
      o.quiet = true;
    } else if (std::strcmp(argv[i], "--snapshot-dir") == 0 && i + 1 < argc) {
      o.snapshot_dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: game_loop [--frames N] [--workers N] [--quiet] [--snapshot-dir DIR]\n");
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
  std::vector<Particle> next_world(kParticles);  // written by the simulation jobs
  for (int i = 0; i < kParticles; ++i) world[i] = {float(i % 100), float(i / 100), 1.0f + float(i % 7), 0.5f};

  // The job system's own diagnostics (FA005/FA206/FA207) are collected and count against "balanced".
  auto job_diagnostics = std::make_shared<fa::CollectingSink>();
  fa::jobs::JobSystemConfig job_config;
  job_config.workers = opt.workers;
  job_config.sink = job_diagnostics;
  fa::jobs::JobSystem jobs(job_config);

  std::mutex events_mutex;
  std::deque<HitEvent*> events;  // pool objects handed from the workers to main
  std::size_t sim_frame_bytes = 0;
  // The main thread's frame budget covers its render and simulation scratch.
  alloc.set_thread_frame_budget({.limit = 1 << 20, .warn_at = 0.9});

  // Main and audio thread frames go through the loop: begin/end for both, the barrier between.
  fa::FrameLoop loop(alloc, fa::FrameLoopConfig{.worker_timeout = std::chrono::milliseconds(2000)});
  std::mutex mix_mutex;
  std::vector<fa::TransferHandle<MixCommand>> mix_queue;
  std::uint64_t mixes_received = 0;  // written by the audio thread, read after it joined
  std::latch audio_registered(1);
  std::thread audio([&] {
    auto registration = loop.register_thread("audio");
    audio_registered.count_down();
    while (loop.wait_for_frame()) {
      fa::TagScope tag(alloc, "audio");
      std::vector<fa::TransferHandle<MixCommand>> mine;
      {
        std::lock_guard lock(mix_mutex);
        mine.swap(mix_queue);
      }
      std::span<float> mix = alloc.frame_alloc_batch<float>(512);  // this thread's frame scratch
      for (auto& handle : mine) {
        const MixCommand cmd = handle.receive();
        for (float& s : mix) s = cmd.loudness;
        ++mixes_received;
      }
    }
  });
  audio_registered.wait();

  fa::HeapBox<LevelChunk> streamed;
  std::uint64_t events_consumed = 0;
  int unfinished_simulations = 0;  // a simulation not done after wait_idle() would be a scheduler bug
  for (int f = 0; f < opt.frames; ++f) {
    loop.begin_frame();
    // The jobs read `world` and write `next_world` (persistent, double-buffered): frame memory
    // stays on the thread that owns it (FA201), only job records live in the job arenas.
    fa::jobs::Counter simulated;
    jobs.spawn(simulated, [&, f](fa::jobs::Context& ctx) {
      // On a worker: the chunks parallel_for spawns are stored in this worker's frame arena.
      ctx.system().parallel_for(0, kParticles, 250, [&, f](std::size_t i) {
        Particle p = world[i];
        p.x += p.vx * 0.016f;
        p.y += p.vy * 0.016f;
        if (p.x > 100.0f) {
          p.x -= 100.0f;
          fa::TagScope tag(alloc, "simulation");
          HitEvent* e = alloc.pool_alloc<HitEvent>(HitEvent{f, static_cast<int>(i), p.vx * p.vx});
          std::lock_guard lock(events_mutex);
          events.push_back(e);
        }
        next_world[i] = p;
      });
    });
    {
      // Render list in frame memory through the standard library, while the simulation runs.
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
    {
      auto phase = alloc.phase_scope("simulation");
      // wait_idle() lets the workers run everything (wait(counter) would have this thread help,
      // and what a helper spawns goes to the heap, not to a worker's frame arena).
      jobs.wait_idle();
      if (!simulated.is_zero()) ++unfinished_simulations;
      world.swap(next_world);
    }
    {
      // Simulation scratch: positions for this frame's interpolated render, in frame memory.
      fa::TagScope sim(alloc, "simulation");
      fa::TagScope particles(alloc, "particles");
      const std::size_t before = alloc.frame_used();
      std::span<Particle> shown = alloc.frame_alloc_batch<Particle>(kParticles);
      for (std::size_t i = 0; i < shown.size(); ++i) {
        shown[i] = world[i];
        shown[i].x -= world[i].vx * 0.008f;  // half a step back: between the last two states
      }
      sim_frame_bytes = alloc.frame_used() - before;
    }

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
    {
      // The mix command lives in this frame; the transfer moves it out before end_frame resets it.
      MixCommand* cmd = alloc.frame_alloc<MixCommand>(MixCommand{f, float(consumed_now) * 0.01f});
      fa::TransferHandle<MixCommand> handle = alloc.frame_box_for_transfer(*cmd);
      std::lock_guard lock(mix_mutex);
      mix_queue.push_back(std::move(handle));
    }
    const std::size_t main_bytes = alloc.frame_used();
    jobs.end_frame();  // the frame sync: every job of the frame is done, job arenas reset
    loop.end_frame();  // waits for the audio thread's frame, then ends the main thread's
    if (snapshots) (void)snapshots->maybe_emit(alloc);
    if (!opt.quiet) {
      const fa::AllocStats s = alloc.stats();
      std::printf(
          "frame %4d  main %7zu B  simulation %7zu B  events %3llu  pool live %5llu B  heap live %6llu B\n",
          f, main_bytes, sim_frame_bytes, static_cast<unsigned long long>(consumed_now),
          static_cast<unsigned long long>(s.pool.live_bytes()),
          static_cast<unsigned long long>(s.heap.live_bytes()));
    }
  }
  streamed.reset();
  loop.stop();
  audio.join();
  for (auto& handle : mix_queue) (void)handle.receive();  // the last frame's command: nobody mixes it
  const std::uint64_t mixes_left = mix_queue.size();
  mix_queue.clear();

  const fa::AllocStats s = alloc.stats();
  const fa::jobs::JobStats js = jobs.stats();
  const bool balanced = s.frame.allocations == s.frame.frees && s.pool.allocations == s.pool.frees &&
                        s.heap.allocations == s.heap.frees && s.diagnostics_reported == 0 &&
                        job_diagnostics->size() == 0 && js.exceptions == 0 && js.frame_jobs > 0 &&
                        jobs.load() == 0 && unfinished_simulations == 0 &&
                        mixes_received + mixes_left == static_cast<std::uint64_t>(opt.frames);
  std::printf("\n%d frames on %zu threads (%zu job workers)\n", opt.frames, s.threads.size(),
              jobs.worker_count());
  std::printf("  jobs:  %llu in worker frame arenas, %llu pooled, %llu on the heap, frame generation %llu\n",
              static_cast<unsigned long long>(js.frame_jobs), static_cast<unsigned long long>(js.pooled_jobs),
              static_cast<unsigned long long>(js.heap_jobs),
              static_cast<unsigned long long>(jobs.frame_generation()));
  std::printf("  frame: %llu allocations, peak %llu B per thread-frame (summed)\n",
              static_cast<unsigned long long>(s.frame.allocations),
              static_cast<unsigned long long>(s.frame.peak_bytes));
  std::printf("  audio: %llu mix commands received through TransferHandle (%llu left at exit)\n",
              static_cast<unsigned long long>(mixes_received), static_cast<unsigned long long>(mixes_left));
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

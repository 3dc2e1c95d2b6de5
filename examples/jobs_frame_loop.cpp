// A frame loop driven by fa::jobs: every frame integrates particles with parallel_for, runs
// one job per "system" that spawns its own sub-jobs (stored in the workers' frame arenas),
// and ends with the frame sync, which waits for the frame's jobs and resets the arenas.
//
//   jobs_frame_loop [--frames N] [--workers N] [--strategy
//   none|linear|avoid-smt|ccd-isolation|tiered-spillover]
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include <framealloc/jobs/job_system.hpp>

namespace fj = fa::jobs;

namespace {

struct Particle {
  float x, y, vx, vy;
};

bool parse_count(const char* text, std::size_t& out) {
  const char* end = text + std::strlen(text);
  auto [p, ec] = std::from_chars(text, end, out);
  return ec == std::errc{} && p == end;
}

int usage(const char* why) {
  std::fprintf(stderr,
               "jobs_frame_loop: %s\nusage: jobs_frame_loop [--frames N] [--workers N] [--strategy NAME]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t frames = 120, workers = 0;
  fj::Strategy strategy = fj::Strategy::None;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage("missing value after an option");
    if (arg == "--frames") {
      if (!parse_count(argv[++i], frames)) return usage("--frames takes a number");
    } else if (arg == "--workers") {
      if (!parse_count(argv[++i], workers)) return usage("--workers takes a number");
    } else if (arg == "--strategy") {
      const auto s = fj::parse_strategy(argv[++i]);
      if (!s) return usage("unknown strategy");
      strategy = *s;
    } else {
      return usage("unknown option");
    }
  }

  fj::JobSystemConfig config;
  config.workers = workers;
  config.strategy = strategy;
  fj::JobSystem jobs(config);

  std::vector<Particle> particles(20000, Particle{0, 0, 1, 0.5f});
  constexpr int kSystems = 8, kTasksPerSystem = 32;
  std::atomic<std::uint64_t> system_tasks{0};

  for (std::size_t frame = 0; frame < frames; ++frame) {
    jobs.parallel_for(0, particles.size(), 512, [&](std::size_t i) {
      Particle& p = particles[i];
      p.x += p.vx * 0.016f;
      p.y += p.vy * 0.016f;
    });
    for (int sys = 0; sys < kSystems; ++sys) {
      jobs.spawn([&system_tasks](fj::Context& ctx) {
        // Sub-jobs spawned on a worker live in its frame arena until end_frame().
        fj::Counter done;
        for (int t = 0; t < kTasksPerSystem; ++t)
          ctx.spawn(done, [&system_tasks] { system_tasks.fetch_add(1); });
        ctx.wait(done);
      });
    }
    jobs.end_frame();
  }

  const auto st = jobs.stats();
  const std::uint64_t expected = static_cast<std::uint64_t>(frames) * kSystems * kTasksPerSystem;
  const bool balanced = system_tasks.load() == expected && jobs.load() == 0 && st.exceptions == 0 &&
                        particles[0].x > 0.016f * static_cast<float>(frames) * 0.99f;
  std::printf("workers: %zu (strategy %s), frames: %zu, frame generation: %llu\n", jobs.worker_count(),
              std::string(fj::to_string(strategy)).c_str(), frames,
              static_cast<unsigned long long>(jobs.frame_generation()));
  std::printf("jobs: %llu in frame arenas, %llu pooled, %llu on the heap; system tasks %llu of %llu\n",
              static_cast<unsigned long long>(st.frame_jobs), static_cast<unsigned long long>(st.pooled_jobs),
              static_cast<unsigned long long>(st.heap_jobs),
              static_cast<unsigned long long>(system_tasks.load()),
              static_cast<unsigned long long>(expected));
  std::printf("balanced: %s\n", balanced ? "yes" : "no");
  return balanced ? 0 : 1;
}

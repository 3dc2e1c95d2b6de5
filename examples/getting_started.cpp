// The first frame loop of docs/getting-started.md. The page quotes this file and ctest runs it
// (test example_getting_started), so the documented code always builds and behaves as shown.
//
//   getting_started [--snapshot-dir DIR]
#include <framealloc/framealloc.hpp>

#include <cstdio>
#include <cstring>
#include <memory_resource>
#include <span>
#include <string>
#include <vector>

struct Particle {
  float x, y, vx, vy;
};

int main(int argc, char** argv) {
  std::string snapshot_dir;
  if (argc == 3 && std::strcmp(argv[1], "--snapshot-dir") == 0) snapshot_dir = argv[2];

  // One allocator for the whole program; every thread that uses it gets its own 1 MiB arena.
  fa::SmartAlloc alloc(fa::AllocConfig{}.with_frame_arena_size(1 << 20));
  alloc.set_tag_budget("particles", {.soft = 24 << 10, .hard = 64 << 10});

  std::vector<Particle> world(1000, Particle{0, 0, 1, 2});
  for (int frame = 0; frame < 3; ++frame) {
    alloc.begin_frame();
    {
      fa::TagScope tag(alloc, "particles");
      // Scratch for this frame only: no free, no destructor, gone at end_frame().
      std::span<Particle> next = alloc.frame_alloc_batch<Particle>(world.size());
      for (std::size_t i = 0; i < world.size(); ++i) {
        const Particle& p = world[i];
        next[i] = {p.x + p.vx, p.y + p.vy, p.vx, p.vy};
      }
      std::copy(next.begin(), next.end(), world.begin());  // copy out what must survive
    }
    // Standard containers can use the frame arena too.
    std::pmr::vector<int> visible(&alloc.frame_resource());
    for (int i = 0; i < 100; ++i) visible.push_back(i);
    std::printf("frame %d: %zu bytes of frame memory\n", frame, alloc.frame_used());
    alloc.end_frame();  // everything allocated since begin_frame() is released at once
  }

  const fa::AllocStats s = alloc.stats();
  std::printf("frame allocations: %llu, live after end_frame: %llu bytes\n",
              static_cast<unsigned long long>(s.frame.allocations),
              static_cast<unsigned long long>(s.frame.live_bytes()));
  std::printf("world[0] = (%.0f, %.0f)\n", static_cast<double>(world[0].x), static_cast<double>(world[0].y));

  if (!snapshot_dir.empty()) {
    // What the memory inspector reads: one JSON file per emitted frame.
    fa::SnapshotEmitter emitter(fa::SnapshotConfig{}.with_directory(snapshot_dir));
    std::printf("snapshot: %s\n", emitter.emit(alloc.build_snapshot()).string().c_str());
  }
  return 0;
}

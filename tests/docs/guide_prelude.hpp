// Placeholder types and functions that the snippets of docs/runtime/guide.md refer to, so
// tests/docs/compile_snippets.py can compile the snippets as they are written on the page.
#pragma once
#include <framealloc/framealloc.hpp>
#include <framealloc/jobs/job_system.hpp>

#include <cstddef>
#include <memory>
#include <memory_resource>
#include <span>
#include <string>
#include <thread>
#include <vector>

struct Vertex {
  float x, y, z;
};
struct Mesh {
  std::vector<Vertex> vertices;
};
struct Enemy {
  float hp = 100;
};
struct Level {
  float heights[128 * 128];
};
struct Node {
  int id;
};
struct Particle {
  float x, y, vx, vy;
};

inline fa::SmartAlloc& shared_alloc() {
  static fa::SmartAlloc a;
  return a;
}
// The snippets use these names as a game's own code would.
inline fa::SmartAlloc& alloc = shared_alloc();
inline fa::FrameLoop& loop = *new fa::FrameLoop(shared_alloc());
inline bool running = false;
inline std::vector<Particle> particles;
inline void update(fa::SmartAlloc&) {}
inline void step_physics(fa::SmartAlloc&) {}
inline void integrate(Particle&) {}
inline void report(const std::string&, std::uint64_t) {}

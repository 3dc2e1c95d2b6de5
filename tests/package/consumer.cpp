// A downstream program: uses frame, pool and heap allocation through the public header.
#include <framealloc/framealloc.hpp>

#include <cstdio>

int main() {
  fa::SmartAlloc alloc(fa::AllocConfig::minimal());
  alloc.begin_frame();
  int* f = alloc.frame_alloc<int>(1);
  alloc.end_frame();
  auto pool = alloc.pool_box<int>(2);
  auto heap = alloc.heap_box<double>(3.0);
  const fa::AllocStats s = alloc.stats();
  std::printf("consumer ok: frame=%llu pool=%llu heap=%llu (version %s, %zu codes)\n",
              static_cast<unsigned long long>(s.frame.allocations),
              static_cast<unsigned long long>(s.pool.allocations),
              static_cast<unsigned long long>(s.heap.allocations), fa::kVersion, fa::kCatalog.size());
  return f != nullptr && *pool == 2 && *heap == 3.0 ? 0 : 1;
}

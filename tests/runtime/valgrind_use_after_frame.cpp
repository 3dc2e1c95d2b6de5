// Run under Valgrind by ctest: reading frame memory after end_frame() must be flagged,
// reading it during the frame must not.
#include <framealloc/framealloc.hpp>

#include <cstdio>

int main() {
  fa::SmartAlloc alloc(fa::AllocConfig::minimal());
  alloc.begin_frame();
  int* value = alloc.frame_alloc<int>(5);
  int during = *value;  // valid
  alloc.end_frame();
  volatile int after = *value;  // frame memory after its frame: Valgrind must report this read
  std::printf("during=%d after-read-done=%d\n", during, after != 0);
  return 0;
}

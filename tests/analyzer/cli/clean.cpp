// Uses the runtime correctly: fa-check must report nothing.
#include <framealloc/framealloc.hpp>

int main() {
  fa::SmartAlloc alloc;
  alloc.begin_frame();
  int* p = alloc.frame_alloc<int>(4);
  int v = *p;
  alloc.end_frame();
  return v == 4 ? 0 : 1;
}

// A deliberately WRONG use of frame memory, for `scripts/demo.sh` to show fa-check's report.
// It is analysed, never built: every marked line is a real bug.
#include <framealloc/framealloc.hpp>

#include <thread>
#include <vector>

struct Enemy {
  float hp = 100;
};

struct Hud {
  Enemy* target = nullptr;  // meant to survive frames
};

std::vector<Enemy*> g_spawned;

void game_frame(fa::SmartAlloc& alloc, Hud& hud) {
  alloc.begin_frame();
  Enemy* boss = alloc.frame_alloc<Enemy>();
  hud.target = boss;               // FA002: the HUD outlives the frame
  g_spawned.push_back(boss);       // FA002: a global container keeps it
  std::thread ai([&alloc, boss] {  // FA201: frame memory goes to another thread without a TransferHandle
    Enemy* scratch = alloc.frame_alloc<Enemy>();
    scratch->hp = boss->hp - 1;
  });
  alloc.end_frame();  // FA205: the AI thread may still be running
  ai.join();
  boss->hp = 0;  // FA601: the frame is gone
}

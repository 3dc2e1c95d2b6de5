// Writes snapshots from a live allocator, for the schema validation test and the SIGKILL
// atomicity test.
//   fa_snapshot_writer <dir> --frames N    N frames, a snapshot after each, then exit
//   fa_snapshot_writer <dir> --forever     until killed (large snapshots, no retention limit)
//   fa_snapshot_writer <dir> --synthetic   one snapshot with every section populated
#include <framealloc/framealloc.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

// Threads that took part and exited, a pending transfer, a dropped one, a diagnostic.
void run_frames(fa::SmartAlloc& alloc, fa::SnapshotEmitter& emitter, std::uint64_t frames) {
  std::thread([&] {
    alloc.begin_frame();
    (void)alloc.frame_alloc_batch<int>(100);
    alloc.end_frame();
  }).join();
  auto pending = alloc.frame_box_for_transfer(std::string("kept pending"));
  { auto dropped = alloc.frame_box_for_transfer(7); }  // FA211 with debug checks
  alloc.end_frame();                                   // FA004: no frame active
  std::vector<void*> live;
  // Tags, budgets (global, tag, thread) and phases from the live allocator, so their
  // snapshot sections are validated against the schema too.
  alloc.set_global_budget({.soft = 0, .hard = 64 << 20});
  alloc.set_tag_budget("render::draw-lists", {.soft = 4096, .hard = 1 << 20});
  alloc.set_thread_frame_budget({.limit = 1 << 20});
  for (std::uint64_t f = 0; f < frames; ++f) {
    alloc.begin_frame();
    (void)alloc.frame_alloc_batch<double>(64 + f);
    live.push_back(alloc.pool_alloc_bytes(48));
    // Real promotions for the snapshot's "promotions": one to the pool, one that fails.
    alloc.frame_retained<double>(fa::RetentionPolicy::to_pool(), 1.0);
    alloc.frame_retained<double>(fa::RetentionPolicy::to_scratch("absent"), 2.0);
    alloc.with_tag("render", [&] {
      auto phase = alloc.phase_scope("render");
      fa::TagScope lists(alloc, "draw-lists");
      (void)alloc.frame_alloc_batch<float>(256);
    });
    for (fa::PromotedAllocation& p : alloc.end_frame_with_promotions().promoted)
      if (p.ok()) live.push_back(p.ptr);  // a double: freeing the pool block is enough
    (void)emitter.maybe_emit(alloc);
  }
  for (void* p : live) alloc.pool_free_bytes(p);
}

fa::Snapshot synthetic(std::uint64_t frame, int threads, int tags) {
  fa::Snapshot s;
  s.frame = frame;
  s.timestamp = std::chrono::system_clock::now();
  s.duration_us = 16667;
  for (int t = 1; t <= threads; ++t) {
    fa::SnapshotThread th;
    th.index = static_cast<std::uint32_t>(t);
    th.name = "worker_" + std::to_string(t);
    th.frames_completed = frame;
    th.frame_capacity = 1 << 20;
    s.threads.push_back(th);
    s.budgets.threads.push_back({th.index, 1 << 20, 1000u * static_cast<unsigned>(t), 2000});
  }
  for (int i = 0; i < tags; ++i) {
    const std::string path = "system_" + std::to_string(i % 8) + "::part_" + std::to_string(i);
    s.tags.push_back({path, {4096, 3}, {512, 2}, {0, 0}});
    s.budgets.tags.push_back({path, 1 << 16, 4096, 8192});
    s.sites.push_back({"src/systems/part.cpp", static_cast<std::uint32_t>(10 + i), "void part_update(int)",
                       path, fa::SnapshotKind::Pool, 2, 512});
  }
  s.phases = {{"input", 128, 2, 50}, {"simulate", 4096, 40, 0}};
  s.promotions = {3, 1, 0};
  s.deferred = {5, 12};
  s.events = 42;
  s.summary.thread_count = static_cast<std::uint64_t>(threads);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fa_snapshot_writer <dir> --frames N | --forever | --synthetic\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string_view mode = argv[2];
  fa::SmartAlloc alloc(fa::AllocConfig::minimal().with_debug_checks(true).with_call_site_attribution(true));
  alloc.set_diagnostic_sink(std::make_shared<fa::CollectingSink>());
  if (mode == "--frames" && argc == 4) {
    fa::SnapshotEmitter emitter(fa::SnapshotConfig{}
                                    .with_directory(dir)
                                    .with_auto_emit_every(1)
                                    .with_min_interval(std::chrono::milliseconds(0))
                                    .with_max_snapshots(0));
    run_frames(alloc, emitter, std::strtoull(argv[3], nullptr, 10));
    return 0;
  }
  if (mode == "--synthetic") {
    fa::SnapshotEmitter emitter(fa::SnapshotConfig{}.with_directory(dir));
    emitter.emit(synthetic(999, 16, 64));
    return 0;
  }
  if (mode == "--forever") {
    fa::SnapshotEmitter emitter(fa::SnapshotConfig{}.with_directory(dir).with_max_snapshots(5));
    for (std::uint64_t frame = 1;; ++frame) emitter.emit(synthetic(frame, 16, 256));
  }
  std::fprintf(stderr, "fa_snapshot_writer: unknown mode '%s'\n", argv[2]);
  return 2;
}

// Frame checkpoints and rollback.
#include <framealloc/checkpoint.hpp>

#include <algorithm>
#include <cstring>
#include <string>

#include "frame_features_hooks.hpp"
#include "instrument.hpp"

namespace fa {
namespace {

// Rolled-back bytes are poisoned like a frame reset (0xCD, ASan, Valgrind chunks trimmed).
void on_frame_rollback(std::byte* base, std::byte* from, std::size_t n, bool poison) noexcept {
  if (poison) {
    detail::asan_unpoison(from, n);
    std::memset(from, detail::kPoisonByte, n);
  }
  detail::asan_poison(from, n);
#if defined(FA_HAS_VALGRIND)
  VALGRIND_MEMPOOL_TRIM(base, base, static_cast<std::size_t>(from - base));
  VALGRIND_MAKE_MEM_NOACCESS(from, n);
#else
  (void)base;
#endif
}

bool serial_invalidated(const detail::FrameFeatureState& f, std::uint64_t serial) {
  return std::any_of(f.invalidated_serials.begin(), f.invalidated_serials.end(),
                     [&](const auto& range) { return serial > range.first && serial <= range.second; });
}

}  // namespace

FrameCheckpoint SmartAlloc::frame_checkpoint() {
  detail::ThreadState& ts = local();
  detail::FrameArena& a = ts.frame;
  if (!a.active.load(std::memory_order_relaxed)) {
    report(Code::FA010, "frame_checkpoint() called with no active frame on this thread",
           {"the returned checkpoint is empty; rolling back to it does nothing"});
    return {};
  }
  return {&ts, a.generation.load(std::memory_order_relaxed), a.hot().cur.load(std::memory_order_relaxed),
          ++ts.features.checkpoint_serial};
}

bool SmartAlloc::rollback_to(const FrameCheckpoint& cp) {
  detail::ThreadState& ts = local();
  detail::FrameArena& a = ts.frame;
  detail::FrameFeatureState& f = ts.features;
  std::string why;
  if (!cp.owner) {
    why = "the checkpoint is empty (taken outside a frame or default-constructed)";
  } else if (cp.owner != &ts) {
    why = "the checkpoint was taken on thread #" + std::to_string(cp.owner->index) + ", not this one";
  } else if (!a.active.load(std::memory_order_relaxed) ||
             cp.generation != a.generation.load(std::memory_order_relaxed)) {
    why = "the checkpoint was taken in an earlier frame, which has ended";
  } else if (serial_invalidated(f, cp.serial)) {
    why = "an earlier rollback_to() went back past this checkpoint";
  }
  if (!why.empty()) {
    report(Code::FA010, "rollback_to() with a checkpoint that is not in the current frame", {why},
           "take the checkpoint in the same frame on the same thread; nothing was rolled back");
    return false;
  }
  // Retained objects above the checkpoint disappear with their memory: run their destructors.
  detail::discard_retained_from(ts, cp.position);
  std::byte* cur = a.hot().cur.load(std::memory_order_relaxed);
  const auto dropped = static_cast<std::size_t>(cur - cp.position);
  ts.frame_stats.peak_bytes.raise_to(static_cast<std::size_t>(cur - a.base));
  ts.frame_stats.bytes_allocated.add(dropped);
  ts.frame_stats.bytes_freed.add(dropped);
  if (ts.instrumented) on_frame_rollback(a.base, cp.position, dropped, config().debug_checks);
  a.hot().cur.store(cp.position, std::memory_order_relaxed);
  if (f.checkpoint_serial > cp.serial) f.invalidated_serials.emplace_back(cp.serial, f.checkpoint_serial);
  return true;
}

}  // namespace fa

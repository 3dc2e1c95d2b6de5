// SmartAlloc::build_snapshot(): the live state of the instance in the schema-v1 shape.
#include <framealloc/snapshot.hpp>
#include <framealloc/transfer.hpp>

#include <algorithm>
#include <chrono>

#include "instance.hpp"

namespace fa {

namespace {

SnapshotThread to_snapshot_thread(const ThreadStats& t) {
  SnapshotThread out;
  out.index = t.thread_index;
  out.exited = t.exited;
  out.frames_completed = t.frames_completed;
  out.frame_active = t.frame_active;
  out.frame_used_bytes = t.frame_used_bytes;
  out.frame_capacity = t.frame_capacity;
  out.frame_peak_bytes = t.frame.peak_bytes;
  // Per thread: bytes of the blocks it allocated that are still live (frees by other threads
  // included), which never wraps below zero as a per-thread allocated - freed balance can.
  out.pool_bytes = t.owned_pool_bytes;
  out.heap_bytes = t.owned_heap_bytes;
  out.allocations = t.frame.allocations + t.pool.allocations + t.heap.allocations;
  out.remote_frees = t.pool_remote_frees;
  out.failed_allocations = t.failed_allocations;
  return out;
}

}  // namespace

Snapshot SmartAlloc::build_snapshot() const {
  Snapshot s;
  s.timestamp = std::chrono::system_clock::now();
  const AllocStats st = stats();

  std::uint64_t most_frames = 0;
  s.threads.reserve(st.threads.size());
  for (const ThreadStats& t : st.threads) {
    s.threads.push_back(to_snapshot_thread(t));
    if (!t.exited) s.summary.frame_bytes += t.frame_used_bytes;
    most_frames = std::max(most_frames, t.frames_completed);
  }
  // The building thread's frame count when it takes part, else the furthest thread's.
  const detail::ThreadState* self = current_thread_state_if_attached();
  s.frame = self ? self->frame.frames_completed.get() : most_frames;
  if (self) s.duration_us = self->observe->last_frame_ns.load(std::memory_order_relaxed) / 1000;
  s.events = event_counts().total();
  for (const CallSiteStats& c : call_site_stats()) {
    const SnapshotKind kind = c.kind == AllocKind::Frame  ? SnapshotKind::Frame
                              : c.kind == AllocKind::Pool ? SnapshotKind::Pool
                                                          : SnapshotKind::Heap;
    s.sites.push_back({c.file, c.line, c.function, c.tag, kind, c.count, c.bytes});
  }

  SnapshotSummary& sum = s.summary;
  sum.pool_bytes = st.pool.live_bytes();
  sum.heap_bytes = st.heap.live_bytes();
  sum.total_bytes = sum.frame_bytes + sum.pool_bytes + sum.heap_bytes;
  sum.frame_peak_bytes = st.frame.peak_bytes;
  sum.pool_peak_bytes = st.pool.peak_bytes;
  sum.heap_peak_bytes = st.heap.peak_bytes;
  sum.allocations = st.frame.allocations + st.pool.allocations + st.heap.allocations;
  sum.frees = st.frame.frees + st.pool.frees + st.heap.frees;
  sum.failed_allocations = st.failed_allocations;
  sum.thread_count = st.threads.size();
  sum.diagnostics_reported = st.diagnostics_reported;

  // Scratch promotions have no place in schema v1; they are in AllocStats::promotions.
  s.promotions = {st.promotions.to_pool, st.promotions.to_heap, st.promotions.failed};

  const TransferStats tr = transfer_stats();
  s.transfers.initiated = tr.initiated;
  s.transfers.completed = tr.completed;
  s.transfers.dropped = tr.dropped;
  s.transfers.pending = tr.pending();
  const std::uint64_t before = impl_->transfers.completed_at_last_snapshot.exchange(tr.completed);
  s.transfers.completed_this_frame = tr.completed >= before ? tr.completed - before : 0;

  s.diagnostics = impl_->diagnostic_tally.entries();

  s.deferred.queue_depth = st.deferred_depth;
  const std::uint64_t processed_before =
      impl_->deferred_processed_at_last_snapshot.exchange(st.deferred_processed);
  s.deferred.processed_this_frame =
      st.deferred_processed >= processed_before ? st.deferred_processed - processed_before : 0;

  // Tags with any allocation; "" is the untagged bucket.
  for (const TagStats& t : st.tags) {
    if (t.frame.allocations + t.pool.allocations + t.heap.allocations == 0) continue;
    s.tags.push_back({t.path,
                      {t.frame.bytes, t.frame.allocations},
                      {t.pool.bytes, t.pool.allocations},
                      {t.heap.bytes, t.heap.allocations}});
  }
  // Phases of the building thread's current (or last completed) frame.
  if (self) {
    for (const PhaseStats& p : frame_phases())
      s.phases.push_back({p.path, p.bytes(), p.allocations(), p.duration_ns / 1000});
  }
  for (const BudgetStats& b : st.budgets) {
    if (b.scope == BudgetScope::Global)
      s.budgets.global = SnapshotGlobalBudget{b.hard_limit, b.used, b.peak};
    else
      s.budgets.tags.push_back({b.tag_path, b.hard_limit, b.used, b.peak});
  }
  for (const ThreadStats& t : st.threads) {
    if (t.frame_budget_limit && !t.exited)
      s.budgets.threads.push_back(
          {t.thread_index, t.frame_budget_limit, t.frame_used_bytes, t.frame.peak_bytes});
  }
  return s;
}

}  // namespace fa

// Operations on a thread's tag context used by the allocation paths (tags.cpp,
// budgets.cpp, phases.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include <framealloc/diagnostic_codes.hpp>
#include <framealloc/stats.hpp>

namespace fa {
class SmartAlloc;
}

namespace fa::detail {

class Instance;
struct ThreadState;
struct TagContext;

// Adds the thread's allocations since the last flush to its current tag.
void flush_segment(ThreadState& ts);
void collect_tags(Instance& inst, const std::vector<TagContext*>& contexts, AllocStats& out);

// Recomputes which budgets apply to the thread (when they or its tag changed) and
// routes its allocations through the charging slow paths while any do.
void refresh_budget_state(Instance& inst, ThreadState& ts, bool tag_changed);

// Charges `bytes` to every budget that applies to the thread. On a hard-limit refusal
// nothing stays charged, FA301/FA302 is reported and `refused` says which.
// Returns the serial to record with the block (0 when nothing was charged).
struct ChargeResult {
  bool ok = true;
  Code refused{};
  std::uint32_t tag_plus_one = 0;
  std::uint32_t serial = 0;
};
// Frame charges (frame_memory) are remembered by the thread and refunded by end_frame().
// With quiet, a refusal is not reported (a probe for a larger frame credit first).
ChargeResult charge(SmartAlloc& alloc, Instance& inst, ThreadState& ts, std::uint64_t bytes,
                    bool frame_memory, bool quiet = false);
// Frame memory of a budgeted thread is charged in credits of up to this many bytes, so
// the requests inside a credit stay on the bump fast path (the arena limit marks its end).
inline constexpr std::uint64_t kFrameCreditBytes = 4096;
// Remembers a pool block's charge so whichever thread frees it refunds the same budgets.
void record_charge(Instance& inst, void* p, const ChargeResult& r);
void refund(Instance& inst, std::uint32_t tag_plus_one, std::uint32_t serial, std::uint64_t bytes);
// end_frame(): refunds the frame's charges and emits NewPeak for budgets that grew.
void budgets_end_frame(Instance& inst, ThreadState& ts);

// Sets the arena limit to the nearest of: arena end, frame credit end, the thread budget's
// warning threshold or limit. Requests past it take the slow path.
void update_frame_limit(ThreadState& ts);
// Slow path: what the thread budget says about a request ending at need_end.
enum class ThreadBudgetVerdict { Proceed, Fail, Promote };
ThreadBudgetVerdict check_thread_budget(SmartAlloc& alloc, ThreadState& ts, std::uintptr_t need_end,
                                        std::uint64_t requested);
// end_frame(): frees promoted blocks and re-arms the warning.
void thread_budget_end_frame(SmartAlloc& alloc, ThreadState& ts);

// end_frame(): closes phases left open (FA030) and files the frame's completed phases.
void phases_end_frame(SmartAlloc& alloc, ThreadState& ts);
void phases_begin_frame(ThreadState& ts);

}  // namespace fa::detail

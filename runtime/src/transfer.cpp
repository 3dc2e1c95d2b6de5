#include <framealloc/transfer.hpp>

#include "instance.hpp"

namespace fa {

detail::TransferCounters& SmartAlloc::transfer_counters() const noexcept {
  return impl_->transfers;
}

TransferStats SmartAlloc::transfer_stats() const {
  const detail::TransferCounters& c = impl_->transfers;
  TransferStats s;
  // Read the outcomes first so that pending() never goes negative under concurrency.
  s.completed = c.completed.load(std::memory_order_acquire);
  s.dropped = c.dropped.load(std::memory_order_acquire);
  s.initiated = c.initiated.load(std::memory_order_acquire);
  return s;
}

namespace detail {

void transfer_initiated(SmartAlloc& alloc) noexcept {
  alloc.transfer_counters().initiated.fetch_add(1, std::memory_order_release);
  observe_simple(alloc.internal_instance(), alloc.current_thread_state_if_attached(),
                 FrameEventKind::TransferInitiated);
}

void transfer_completed(SmartAlloc& alloc) noexcept {
  alloc.transfer_counters().completed.fetch_add(1, std::memory_order_release);
  observe_simple(alloc.internal_instance(), alloc.current_thread_state_if_attached(),
                 FrameEventKind::TransferCompleted);
}

void transfer_dropped(SmartAlloc& alloc, const char* type_name) noexcept {
  alloc.transfer_counters().dropped.fetch_add(1, std::memory_order_release);
  if (!alloc.config().debug_checks) return;
  alloc.report(Code::FA211, std::string("TransferHandle<") + type_name + "> destroyed without being received",
               {"the value was destroyed and its memory released; the receiving side never saw it"});
}

void transfer_receive_empty(SmartAlloc* alloc, const char* type_name, bool was_received) {
  std::string message = std::string("receive() on a TransferHandle<") + type_name + "> that " +
                        (was_received ? "was already received" : "holds no value (moved from or default)");
  if (alloc) alloc->report(Code::FA210, message);
  throw TransferError("[FA210] " + message);
}

}  // namespace detail
}  // namespace fa

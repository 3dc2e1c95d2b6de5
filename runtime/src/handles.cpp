// Handle allocator: slots, generations, pins and compaction.
#include <framealloc/handles.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "frame_features_registry.hpp"
#include "instance.hpp"

namespace fa {
namespace {

constexpr std::size_t kMaxAlign = 64;

constexpr std::size_t align_up(std::size_t v, std::size_t a) {
  return (v + a - 1) & ~(a - 1);
}

}  // namespace

HandleAllocator::HandleAllocator(SmartAlloc& alloc, std::size_t arena_bytes)
    : alloc_(alloc),
      base_(arena_bytes ? static_cast<std::byte*>(alloc.heap_alloc_bytes(arena_bytes, kMaxAlign)) : nullptr),
      capacity_(arena_bytes) {
  if (arena_bytes == 0)
    throw std::invalid_argument("fa::HandleAllocator: arena_bytes must be greater than 0");
}

HandleAllocator::~HandleAllocator() {
  for (Slot& s : slots_) {
    if (s.live) s.destroy(base_ + s.offset);
  }
  alloc_.heap_free_bytes(base_);
}

bool HandleAllocator::live_locked(std::uint32_t index, std::uint32_t generation) const {
  return generation != 0 && index < slots_.size() && slots_[index].live &&
         slots_[index].generation == generation;
}

std::pair<std::uint32_t, void*> HandleAllocator::reserve_locked(std::size_t size, std::size_t align,
                                                                std::vector<Relocation>& moved) {
  if (align > kMaxAlign || size > capacity_) return {0, nullptr};
  std::size_t offset = align_up(top_, align);
  if (offset > capacity_ || size > capacity_ - offset) {
    DefragmentReport report;
    compact_locked(report);  // reclaim the holes, then try once more
    moved = std::move(report.relocations);
    offset = align_up(top_, align);
    if (offset > capacity_ || size > capacity_ - offset) return {0, nullptr};
  }
  std::uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[index];
  s.reserved = true;
  s.offset = offset;
  s.size = size;
  s.align = align;
  s.pins = 0;
  top_ = offset + size;
  return {index, base_ + offset};
}

std::uint32_t HandleAllocator::commit_locked(std::uint32_t index, const std::type_info* type,
                                             void (*reloc)(void*, void*), void (*destroy_fn)(void*)) {
  Slot& s = slots_[index];
  s.reserved = false;
  s.live = true;
  s.type = type;
  s.relocate = reloc;
  s.destroy = destroy_fn;
  return s.generation;
}

void HandleAllocator::release_slot_locked(std::uint32_t index) {
  Slot& s = slots_[index];
  if (s.offset + s.size == top_) top_ = s.offset;  // give back the tail when it was the last object
  s.live = s.reserved = false;
  if (++s.generation == 0) s.generation = 1;  // 0 is the null handle
  free_slots_.push_back(index);
}

void HandleAllocator::report_stale(std::uint32_t index, std::uint32_t generation, const char* fn) {
  std::string why;
  {
    std::lock_guard lock(mutex_);
    if (generation == 0)
      why = "the handle is null (default-constructed)";
    else if (index >= slots_.size())
      why = "no object was ever allocated in slot " + std::to_string(index);
    else
      why = "slot " + std::to_string(index) + " is at generation " +
            std::to_string(slots_[index].generation) + ", the handle has generation " +
            std::to_string(generation) + ": its object was freed";
  }
  alloc_.report(Code::FA401, std::string("handles().") + fn + "() with a stale or null handle", {why});
}

bool HandleAllocator::free_raw(std::uint32_t index, std::uint32_t generation) {
  std::unique_lock lock(mutex_);
  if (!live_locked(index, generation)) {
    lock.unlock();
    report_stale(index, generation, "free");
    return false;
  }
  Slot& s = slots_[index];
  if (s.pins) {
    const std::uint32_t pins = s.pins;
    lock.unlock();
    alloc_.report(Code::FA404, "handles().free() of an object that is pinned",
                  {"slot " + std::to_string(index) + " holds " + std::to_string(pins) +
                   " pin(s); the object was not freed"});
    return false;
  }
  s.destroy(base_ + s.offset);
  release_slot_locked(index);
  return true;
}

void* HandleAllocator::resolve_raw(std::uint32_t index, std::uint32_t generation, const char* fn) {
  {
    std::lock_guard lock(mutex_);
    if (live_locked(index, generation)) return base_ + slots_[index].offset;
  }
  report_stale(index, generation, fn);
  return nullptr;
}

void* HandleAllocator::pin_raw(std::uint32_t index, std::uint32_t generation) {
  {
    std::lock_guard lock(mutex_);
    if (live_locked(index, generation)) {
      ++slots_[index].pins;
      return base_ + slots_[index].offset;
    }
  }
  report_stale(index, generation, "pin");
  return nullptr;
}

bool HandleAllocator::unpin_raw(std::uint32_t index, std::uint32_t generation) {
  {
    std::lock_guard lock(mutex_);
    if (live_locked(index, generation) && slots_[index].pins > 0) {
      --slots_[index].pins;
      return true;
    }
    if (live_locked(index, generation)) return false;  // not pinned: nothing to undo
  }
  report_stale(index, generation, "unpin");
  return false;
}

void HandleAllocator::compact_locked(DefragmentReport& report) {
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].live) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return slots_[a].offset < slots_[b].offset; });
  // Objects only ever move down, in address order, so none lands on a later (pinned) object.
  std::size_t cursor = 0;
  for (std::uint32_t i : order) {
    Slot& s = slots_[i];
    const std::size_t target = align_up(cursor, s.align);
    if (s.pins || target >= s.offset) {
      report.pinned_skipped += s.pins ? 1 : 0;
      cursor = s.offset + s.size;
      continue;
    }
    std::byte* from = base_ + s.offset;
    std::byte* to = base_ + target;
    if (target + s.size > s.offset) {
      // Source and destination overlap: go through a temporary so each move is between
      // distinct objects.
      void* tmp = ::operator new(s.size, std::align_val_t(s.align));
      s.relocate(tmp, from);
      s.relocate(to, tmp);
      ::operator delete(tmp, std::align_val_t(s.align));
    } else {
      s.relocate(to, from);
    }
    report.relocations.push_back({i, s.generation, from, to, s.size});
    report.moved_bytes += s.size;
    s.offset = target;
    cursor = target + s.size;
  }
  report.bytes_reclaimed = top_ - cursor;
  top_ = cursor;
  ++defragmentations_;
}

void HandleAllocator::notify(const std::vector<Relocation>& moved) {
  if (moved.empty()) return;
  std::lock_guard lock(callback_mutex_);
  if (!on_relocate_) return;
  for (const Relocation& r : moved) on_relocate_(r);
}

void HandleAllocator::set_relocation_callback(std::function<void(const Relocation&)> callback) {
  std::lock_guard lock(callback_mutex_);
  on_relocate_ = std::move(callback);
}

DefragmentReport HandleAllocator::defragment() {
  DefragmentReport report;
  {
    std::lock_guard lock(mutex_);
    compact_locked(report);
  }
  notify(report.relocations);
  return report;
}

HandleStats HandleAllocator::stats() const {
  std::lock_guard lock(mutex_);
  HandleStats out;
  out.capacity = capacity_;
  out.high_water = top_;
  out.defragmentations = defragmentations_;
  for (const Slot& s : slots_) {
    if (!s.live) continue;
    ++out.live_objects;
    out.live_bytes += s.size;
    if (s.pins) ++out.pinned_objects;
  }
  return out;
}

HandleAllocator& SmartAlloc::handles() {
  return impl_->features.handles(*this);
}

}  // namespace fa

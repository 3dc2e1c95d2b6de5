// Allocation groups.
#include <framealloc/groups.hpp>

#include <string>

#include "frame_features_registry.hpp"
#include "instance.hpp"

namespace fa {

AllocationGroups::~AllocationGroups() {
  for (Group& g : groups_) {
    if (g.live) destroy_objects(g.objects);
  }
}

GroupId AllocationGroups::create_group(std::string name) {
  std::lock_guard lock(mutex_);
  std::uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(groups_.size());
    groups_.emplace_back();
  }
  Group& g = groups_[index];
  g.live = true;
  g.name = std::move(name);
  g.objects.clear();
  g.bytes = 0;
  g.total_allocations = 0;
  return {index, g.generation};
}

bool AllocationGroups::is_live_locked(GroupId g) const {
  return g.generation != 0 && g.index < groups_.size() && groups_[g.index].live &&
         groups_[g.index].generation == g.generation;
}

bool AllocationGroups::is_live(GroupId g) const {
  std::lock_guard lock(mutex_);
  return is_live_locked(g);
}

bool AllocationGroups::adopt(GroupId g, void* p, std::size_t size, void (*destroy)(void*)) {
  {
    std::lock_guard lock(mutex_);
    if (is_live_locked(g)) {
      Group& group = groups_[g.index];
      group.objects.push_back({p, size, destroy});
      group.bytes += size;
      ++group.total_allocations;
      return true;
    }
  }
  report_invalid(g, "alloc");
  return false;
}

void AllocationGroups::destroy_objects(std::vector<Object>& objects) noexcept {
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    it->destroy(it->ptr);
    alloc_.pool_free_bytes(it->ptr);
  }
  objects.clear();
}

bool AllocationGroups::free_group(GroupId g) {
  std::vector<Object> objects;
  {
    std::lock_guard lock(mutex_);
    if (is_live_locked(g)) {
      Group& group = groups_[g.index];
      objects = std::move(group.objects);
      group.objects = {};
      group.live = false;
      group.bytes = 0;
      if (++group.generation == 0) group.generation = 1;  // 0 is never valid
      free_slots_.push_back(g.index);
    } else {
      objects.push_back({nullptr, 0, nullptr});  // marker: report below, outside the lock
    }
  }
  if (objects.size() == 1 && objects[0].ptr == nullptr) {
    report_invalid(g, "free_group");
    return false;
  }
  // Destructors run outside the lock: they may use the groups themselves.
  destroy_objects(objects);
  return true;
}

std::optional<GroupStats> AllocationGroups::stats(GroupId g) const {
  {
    std::lock_guard lock(mutex_);
    if (is_live_locked(g)) {
      const Group& group = groups_[g.index];
      return GroupStats{group.name, group.objects.size(), group.bytes, group.total_allocations};
    }
  }
  report_invalid(g, "stats");
  return std::nullopt;
}

std::size_t AllocationGroups::live_groups() const {
  std::lock_guard lock(mutex_);
  return groups_.size() - free_slots_.size();
}

void AllocationGroups::report_invalid(GroupId g, const char* fn) const {
  std::string why;
  {
    std::lock_guard lock(mutex_);
    if (g.generation == 0)
      why = "the id is empty (default-constructed)";
    else if (g.index >= groups_.size())
      why = "no group was ever created with index " + std::to_string(g.index);
    else
      why = "the group was freed (double free_group, or an id kept after free_group)";
  }
  alloc_.report(Code::FA403, std::string("groups().") + fn + "() with a group id that is not a live group",
                {why, "nothing was allocated or freed"});
}

AllocationGroups& SmartAlloc::groups() {
  return impl_->features.groups(*this);
}

}  // namespace fa

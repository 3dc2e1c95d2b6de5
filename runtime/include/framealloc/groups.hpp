// Allocation groups: objects allocated together and freed together (a level, a UI screen).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <framealloc/smart_alloc.hpp>

namespace fa {

// Slot index plus generation: a freed group's id never matches a later group.
struct GroupId {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;  // 0: never a valid group
  friend bool operator==(GroupId, GroupId) = default;
};

struct GroupStats {
  std::string name;
  std::uint64_t live_objects = 0;
  std::size_t live_bytes = 0;
  std::uint64_t total_allocations = 0;
};

// Thread-safe. Objects come from the pool path (the heap for large ones); free_group() runs
// their destructors, newest first, and returns the memory. Using an id that is not a live
// group (never created, or already freed) reports FA403 and does nothing.
class AllocationGroups {
 public:
  explicit AllocationGroups(SmartAlloc& alloc) : alloc_(alloc) {}
  ~AllocationGroups();  // frees the groups still alive
  AllocationGroups(const AllocationGroups&) = delete;
  AllocationGroups& operator=(const AllocationGroups&) = delete;

  GroupId create_group(std::string name);
  // nullptr (FA403) when g is not a live group; exceptions of T's constructor propagate.
  template <class T, class... Args>
  T* alloc(GroupId g, Args&&... args) {
    if (!is_live(g)) {
      report_invalid(g, "alloc");
      return nullptr;
    }
    void* mem = alloc_.pool_alloc_bytes(sizeof(T), alignof(T));
    T* p;
    try {
      p = ::new (mem) T(std::forward<Args>(args)...);
    } catch (...) {
      alloc_.pool_free_bytes(mem);
      throw;
    }
    if (!adopt(g, p, sizeof(T), [](void* o) { static_cast<T*>(o)->~T(); })) {
      p->~T();  // the group was freed by another thread meanwhile
      alloc_.pool_free_bytes(mem);
      return nullptr;
    }
    return p;
  }
  // Runs every destructor of the group and frees its memory. False (FA403) when g is not live.
  bool free_group(GroupId g);
  bool is_live(GroupId g) const;
  // nullopt (FA403) when g is not live.
  std::optional<GroupStats> stats(GroupId g) const;
  std::size_t live_groups() const;

 private:
  struct Object {
    void* ptr;
    std::size_t size;
    void (*destroy)(void*);
  };
  struct Group {
    std::uint32_t generation = 1;
    bool live = false;
    std::string name;
    std::vector<Object> objects;
    std::size_t bytes = 0;
    std::uint64_t total_allocations = 0;
  };
  bool adopt(GroupId g, void* p, std::size_t size, void (*destroy)(void*));
  void report_invalid(GroupId g, const char* fn) const;
  bool is_live_locked(GroupId g) const;
  void destroy_objects(std::vector<Object>& objects) noexcept;

  SmartAlloc& alloc_;
  mutable std::mutex mutex_;
  std::vector<Group> groups_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace fa

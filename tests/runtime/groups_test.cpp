#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

// Records destruction order.
struct Member {
  std::vector<int>* log;
  int id;
  std::string payload = std::string(40, 'x');  // non-trivial, heap-owning
  ~Member() { log->push_back(id); }
};

struct Big {
  char bytes[8192];
};

TEST(GroupsTest, FreeGroupRunsEveryDestructorNewestFirst) {
  std::vector<int> log;  // outlives h: groups still alive are freed by h's destructor
  Harness h;
  AllocationGroups& groups = h.alloc.groups();
  GroupId level = groups.create_group("level-1");
  for (int i = 0; i < 5; ++i) ASSERT_NE(groups.alloc<Member>(level, &log, i), nullptr);
  EXPECT_TRUE(log.empty());
  EXPECT_TRUE(groups.free_group(level));
  EXPECT_EQ(log, (std::vector<int>{4, 3, 2, 1, 0}));
  EXPECT_FALSE(groups.is_live(level));
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(GroupsTest, FreeGroupReturnsTheMemory) {
  Harness h;
  AllocationGroups& groups = h.alloc.groups();
  GroupId g = groups.create_group("tmp");
  groups.alloc<int>(g, 1);
  groups.alloc<Big>(g);  // larger than a pool block: heap path
  const AllocStats during = h.alloc.stats();
  EXPECT_GE(during.heap.bytes_allocated - during.heap.bytes_freed, sizeof(Big));
  groups.free_group(g);
  const AllocStats after = h.alloc.stats();
  EXPECT_EQ(after.pool.allocations, after.pool.frees);
  EXPECT_EQ(after.heap.allocations, after.heap.frees);
}

TEST(GroupsTest, PerGroupStats) {
  Harness h;
  AllocationGroups& groups = h.alloc.groups();
  GroupId a = groups.create_group("a");
  GroupId b = groups.create_group("b");
  groups.alloc<int>(a, 1);
  groups.alloc<int>(a, 2);
  groups.alloc<double>(b, 3.0);
  auto sa = groups.stats(a);
  auto sb = groups.stats(b);
  ASSERT_TRUE(sa && sb);
  EXPECT_EQ(sa->name, "a");
  EXPECT_EQ(sa->live_objects, 2u);
  EXPECT_EQ(sa->live_bytes, 2 * sizeof(int));
  EXPECT_EQ(sb->live_objects, 1u);
  EXPECT_EQ(sb->live_bytes, sizeof(double));
  EXPECT_EQ(groups.live_groups(), 2u);
}

TEST(GroupsTest, DoubleFreeGroupIsFA403AndDestroysNothingTwice) {
  std::vector<int> log;  // outlives h: groups still alive are freed by h's destructor
  Harness h;
  AllocationGroups& groups = h.alloc.groups();
  GroupId g = groups.create_group("once");
  groups.alloc<Member>(g, &log, 1);
  ASSERT_TRUE(groups.free_group(g));
  EXPECT_FALSE(groups.free_group(g));
  EXPECT_EQ(log.size(), 1u);
  ASSERT_EQ(h.sink->count(Code::FA403), 1u);
  EXPECT_NE(h.sink->diagnostics()[0].notes[0].find("double free_group"), std::string::npos);
}

TEST(GroupsTest, StaleIdDoesNotTouchTheGroupThatReusedItsSlot) {
  std::vector<int> log;  // outlives h: groups still alive are freed by h's destructor
  Harness h;
  AllocationGroups& groups = h.alloc.groups();
  GroupId old = groups.create_group("old");
  groups.free_group(old);
  GroupId fresh = groups.create_group("fresh");
  EXPECT_EQ(fresh.index, old.index) << "slot reused";
  groups.alloc<Member>(fresh, &log, 7);
  EXPECT_EQ(groups.alloc<int>(old, 1), nullptr);
  EXPECT_FALSE(groups.free_group(old));
  EXPECT_FALSE(groups.stats(old).has_value());
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(groups.stats(fresh)->live_objects, 1u);
  EXPECT_EQ(h.sink->count(Code::FA403), 3u);
}

TEST(GroupsTest, NullAndUnknownIdsAreFA403) {
  Harness h;
  AllocationGroups& groups = h.alloc.groups();
  EXPECT_EQ(groups.alloc<int>(GroupId{}, 1), nullptr);
  EXPECT_FALSE(groups.free_group(GroupId{42, 1}));
  EXPECT_EQ(h.sink->count(Code::FA403), 2u);
  EXPECT_NE(h.sink->diagnostics()[1].notes[0].find("ever created"), std::string::npos);
}

TEST(GroupsTest, ThrowingConstructorLeaksNothing) {
  Harness h;
  struct Throws {
    Throws() { throw std::runtime_error("no"); }
  };
  AllocationGroups& groups = h.alloc.groups();
  GroupId g = groups.create_group("g");
  EXPECT_THROW(groups.alloc<Throws>(g), std::runtime_error);
  EXPECT_EQ(groups.stats(g)->live_objects, 0u);
  const AllocStats s = h.alloc.stats();
  EXPECT_EQ(s.pool.allocations, s.pool.frees);
}

TEST(GroupsTest, AllocatorDestructionFreesGroupsStillAlive) {
  std::vector<int> log;
  {
    Harness h;
    GroupId g = h.alloc.groups().create_group("leaked");
    h.alloc.groups().alloc<Member>(g, &log, 1);
    h.alloc.groups().alloc<Member>(g, &log, 2);
  }
  EXPECT_EQ(log, (std::vector<int>{2, 1}));
}

}  // namespace
}  // namespace fa::test

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace fa::test {
namespace {

// Non-trivial contents that a bitwise copy into overlapping memory would corrupt.
struct Blob {
  std::uint64_t id;
  std::string text;
  std::vector<int> numbers;
  Blob(std::uint64_t i, std::size_t n) : id(i), text("blob-" + std::to_string(i)), numbers(n) {
    for (std::size_t k = 0; k < n; ++k) numbers[k] = static_cast<int>(i * 1000 + k);
  }
  bool intact() const {
    if (text != "blob-" + std::to_string(id)) return false;
    for (std::size_t k = 0; k < numbers.size(); ++k)
      if (numbers[k] != static_cast<int>(id * 1000 + k)) return false;
    return true;
  }
};

TEST(HandlesTest, AllocResolveFree) {
  Harness h;
  HandleAllocator& handles = h.alloc.handles();
  Handle<Blob> a = handles.alloc<Blob>(1u, 3u);
  ASSERT_FALSE(a.is_null());
  Blob* p = handles.resolve(a);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->intact());
  EXPECT_TRUE(handles.is_valid(a));
  EXPECT_TRUE(handles.free(a));
  EXPECT_FALSE(handles.is_valid(a));
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(HandlesTest, StaleHandleResolvesToNothingWithFA401EvenWhenTheSlotIsReused) {
  Harness h;
  HandleAllocator& handles = h.alloc.handles();
  Handle<Blob> old = handles.alloc<Blob>(1u, 1u);
  handles.free(old);
  Handle<Blob> fresh = handles.alloc<Blob>(2u, 1u);
  EXPECT_EQ(fresh.index, old.index);
  EXPECT_NE(fresh.generation, old.generation);
  EXPECT_EQ(handles.resolve(old), nullptr);
  EXPECT_FALSE(handles.free(old)) << "a stale free must not destroy the new object";
  EXPECT_EQ(handles.pin(old), nullptr);
  EXPECT_EQ(h.sink->count(Code::FA401), 3u);
  ASSERT_NE(handles.resolve(fresh), nullptr);
  EXPECT_EQ(handles.resolve(fresh)->id, 2u);
}

TEST(HandlesTest, NullHandleIsFA401) {
  Harness h;
  EXPECT_EQ(h.alloc.handles().resolve(Handle<int>{}), nullptr);
  ASSERT_EQ(h.sink->count(Code::FA401), 1u);
  EXPECT_NE(h.sink->diagnostics()[0].notes[0].find("null"), std::string::npos);
}

TEST(HandlesTest, FreeingAPinnedObjectIsRefusedWithFA404) {
  Harness h;
  HandleAllocator& handles = h.alloc.handles();
  Handle<Blob> a = handles.alloc<Blob>(5u, 2u);
  {
    PinGuard<Blob> pinned = handles.pin_guard(a);
    ASSERT_TRUE(pinned);
    EXPECT_FALSE(handles.free(a));
    EXPECT_EQ(h.sink->count(Code::FA404), 1u);
    EXPECT_TRUE(pinned->intact()) << "still alive";
  }
  EXPECT_TRUE(handles.free(a)) << "the guard unpinned it";
}

TEST(HandlesTest, DefragmentCompactsAndKeepsEveryObjectIntact) {
  Harness h;
  HandleAllocator handles(h.alloc, 64 * 1024);
  std::vector<Relocation> seen;
  handles.set_relocation_callback([&](const Relocation& r) { seen.push_back(r); });
  std::mt19937 rng(1234);
  std::map<std::uint64_t, Handle<Blob>> live;
  std::vector<Handle<Blob>> pinned;
  for (std::uint64_t i = 1; i <= 200; ++i) {
    Handle<Blob> hb = handles.alloc<Blob>(i, i % 7);
    ASSERT_FALSE(hb.is_null());
    live[i] = hb;
  }
  // Free a random half, pin a few of the rest.
  for (std::uint64_t i = 1; i <= 200; ++i) {
    if (rng() % 2) {
      ASSERT_TRUE(handles.free(live[i]));
      live.erase(i);
    } else if (rng() % 10 == 0) {
      pinned.push_back(live[i]);
    }
  }
  std::map<std::uint64_t, Blob*> pinned_addr;
  for (auto hb : pinned) {
    Blob* p = handles.pin(hb);
    pinned_addr[p->id] = p;
  }
  const HandleStats before = handles.stats();
  DefragmentReport report = handles.defragment();
  const HandleStats after = handles.stats();

  EXPECT_FALSE(report.relocations.empty());
  EXPECT_EQ(seen.size(), report.relocations.size()) << "callback told of every move";
  EXPECT_GT(report.bytes_reclaimed, 0u);
  EXPECT_EQ(after.high_water, before.high_water - report.bytes_reclaimed);
  EXPECT_EQ(after.live_bytes, before.live_bytes);
  for (const auto& [id, hb] : live) {
    Blob* p = handles.resolve(hb);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->id, id);
    EXPECT_TRUE(p->intact()) << "blob " << id;
  }
  for (const auto& [id, addr] : pinned_addr)
    EXPECT_EQ(handles.resolve(live[id]), addr) << "pinned never move";
  for (const Relocation& r : report.relocations) {
    EXPECT_LT(r.to, r.from);
    EXPECT_EQ(handles.resolve(Handle<Blob>{r.index, r.generation}), r.to);
  }
  for (auto hb : pinned) handles.unpin(hb);
  EXPECT_EQ(h.sink->size(), 0u);
}

TEST(HandlesTest, AllocCompactsWhenTheArenaIsFullOfHoles) {
  Harness h;
  struct Chunk {
    std::uint64_t words[16];
  };
  HandleAllocator handles(h.alloc, 4096);
  std::vector<Handle<Chunk>> all;
  while (true) {
    auto hb = handles.alloc<Chunk>();
    if (hb.is_null()) break;
    all.push_back(hb);
  }
  ASSERT_GE(all.size(), 4u);
  for (std::size_t i = 0; i < all.size(); i += 2) handles.free(all[i]);
  // The arena's tail is full but half of it is holes: alloc compacts and succeeds.
  const std::uint64_t compactions = handles.stats().defragmentations;
  auto more = handles.alloc<Chunk>();
  EXPECT_FALSE(more.is_null());
  EXPECT_EQ(handles.stats().defragmentations, compactions + 1);
  for (std::size_t i = 1; i < all.size(); i += 2) EXPECT_NE(handles.resolve(all[i]), nullptr);
}

TEST(HandlesTest, FullArenaGivesTheNullHandleAndZeroSizeIsRejected) {
  Harness h;
  EXPECT_THROW(HandleAllocator(h.alloc, 0), std::invalid_argument);
  HandleAllocator handles(h.alloc, 64);
  struct alignas(64) Wide {
    char c[64];
  };
  EXPECT_FALSE(handles.alloc<Wide>().is_null());
  EXPECT_TRUE(handles.alloc<Wide>().is_null());
}

TEST(HandlesTest, DestructionDestroysLiveObjects) {
  static int live = 0;
  struct Counted {
    Counted() { ++live; }
    Counted(Counted&&) noexcept { ++live; }
    ~Counted() { --live; }
  };
  {
    Harness h;
    h.alloc.handles().alloc<Counted>();
    h.alloc.handles().alloc<Counted>();
    EXPECT_EQ(live, 2);
  }
  EXPECT_EQ(live, 0);
}

}  // namespace
}  // namespace fa::test

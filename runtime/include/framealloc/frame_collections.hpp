// Fixed-capacity containers in the frame arena: FrameVec<T> and FrameMap<K, V>.
// They never grow: inserting into a full container reports it (false / nullptr).
// Element destructors run when the container dies; a container used or destroyed after its
// frame ended reports FA002 (debug checks) and leaves the reset memory alone.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

#include <framealloc/smart_alloc.hpp>

namespace fa {

namespace detail {
void report_frame_box_misuse(SmartAlloc& alloc, const ThreadState* owner, const char* what);

// The frame a container was allocated in; reports FA002 once it has ended.
class FrameLifetime {
 public:
  FrameLifetime() noexcept = default;
  FrameLifetime(SmartAlloc& a, ThreadState& owner) noexcept
      : alloc_(&a),
        owner_(&owner),
        generation_(owner.frame.generation.load(std::memory_order_relaxed)),
        checked_(a.config().debug_checks) {}
  bool expired() const noexcept {
    return owner_ && owner_->frame.generation.load(std::memory_order_relaxed) != generation_;
  }
  void check(const char* what) const noexcept {
    if (checked_ && expired()) report_frame_box_misuse(*alloc_, owner_, what);
  }
  void report(const char* what) const noexcept { report_frame_box_misuse(*alloc_, owner_, what); }

 private:
  SmartAlloc* alloc_ = nullptr;
  const ThreadState* owner_ = nullptr;
  std::uint64_t generation_ = 0;
  bool checked_ = false;
};
}  // namespace detail

template <class T>
class FrameVec {
 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  FrameVec() noexcept = default;
  FrameVec(FrameVec&& o) noexcept
      : life_(o.life_),
        data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  FrameVec& operator=(FrameVec&& o) noexcept {
    if (this != &o) {
      destroy_all();
      life_ = o.life_;
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }
  FrameVec(const FrameVec&) = delete;
  FrameVec& operator=(const FrameVec&) = delete;
  ~FrameVec() { destroy_all(); }

  // False (and nothing constructed) when the vector is full.
  [[nodiscard]] bool push_back(const T& v) { return emplace_back(v) != nullptr; }
  [[nodiscard]] bool push_back(T&& v) { return emplace_back(std::move(v)) != nullptr; }
  // The new element, or nullptr when the vector is full.
  template <class... Args>
  T* emplace_back(Args&&... args) {
    life_.check("used");
    if (size_ == capacity_) return nullptr;
    T* p = ::new (static_cast<void*>(data_ + size_)) T(std::forward<Args>(args)...);
    ++size_;
    return p;
  }
  void pop_back() noexcept {
    if (size_ == 0) return;
    data_[--size_].~T();
  }
  void clear() noexcept {
    while (size_) pop_back();
  }

  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  T& at(std::size_t i) {
    if (i >= size_) throw std::out_of_range("fa::FrameVec::at: index out of range");
    return data()[i];
  }
  T* data() noexcept {
    life_.check("used");
    return data_;
  }
  const T* data() const noexcept {
    life_.check("used");
    return data_;
  }
  iterator begin() noexcept { return data(); }
  iterator end() noexcept { return data() + size_; }
  const_iterator begin() const noexcept { return data(); }
  const_iterator end() const noexcept { return data() + size_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  bool full() const noexcept { return size_ == capacity_; }
  // True once the frame the storage came from has ended.
  bool expired() const noexcept { return life_.expired(); }

 private:
  friend class SmartAlloc;
  FrameVec(detail::FrameLifetime life, T* data, std::size_t capacity) noexcept
      : life_(life), data_(data), capacity_(capacity) {}

  void destroy_all() noexcept {
    if (!data_) return;
    if (life_.expired()) {
      life_.report("destroyed");  // the elements' memory was already reset: leave it alone
    } else {
      clear();
    }
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

  detail::FrameLifetime life_;
  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// Open-addressing hash map (std::hash, operator==) with a fixed number of entries, iterated
// in insertion order. No erase: frame maps are built up and thrown away with the frame.
template <class K, class V>
class FrameMap {
 public:
  using value_type = std::pair<const K, V>;
  using iterator = value_type*;
  using const_iterator = const value_type*;

  FrameMap() noexcept = default;
  FrameMap(FrameMap&& o) noexcept
      : entries_(std::move(o.entries_)),
        slots_(std::exchange(o.slots_, nullptr)),
        slot_mask_(std::exchange(o.slot_mask_, 0)) {}
  FrameMap& operator=(FrameMap&& o) noexcept {
    if (this != &o) {
      entries_ = std::move(o.entries_);
      slots_ = std::exchange(o.slots_, nullptr);
      slot_mask_ = std::exchange(o.slot_mask_, 0);
    }
    return *this;
  }
  FrameMap(const FrameMap&) = delete;
  FrameMap& operator=(const FrameMap&) = delete;

  // {value, inserted}: the existing value when the key is present, {nullptr, false} when full.
  template <class... Args>
  std::pair<V*, bool> try_emplace(const K& key, Args&&... args) {
    std::uint32_t* slot = find_slot(key);
    if (*slot != kEmpty) return {&entries_[*slot].second, false};
    const auto index = static_cast<std::uint32_t>(entries_.size());
    value_type* e = entries_.emplace_back(std::piecewise_construct, std::forward_as_tuple(key),
                                          std::forward_as_tuple(std::forward<Args>(args)...));
    if (!e) return {nullptr, false};
    *slot = index;
    return {&e->second, true};
  }
  // False when the key is new and the map is full.
  template <class M>
  [[nodiscard]] bool insert_or_assign(const K& key, M&& value) {
    auto [v, inserted] = try_emplace(key, std::forward<M>(value));
    if (!v) return false;
    if (!inserted) *v = std::forward<M>(value);
    return true;
  }
  V* find(const K& key) noexcept {
    if (!slots_) return nullptr;
    const std::uint32_t s = *find_slot(key);
    return s == kEmpty ? nullptr : &entries_[s].second;
  }
  const V* find(const K& key) const noexcept { return const_cast<FrameMap*>(this)->find(key); }
  bool contains(const K& key) const noexcept { return find(key) != nullptr; }

  iterator begin() noexcept { return entries_.begin(); }
  iterator end() noexcept { return entries_.end(); }
  const_iterator begin() const noexcept { return entries_.begin(); }
  const_iterator end() const noexcept { return entries_.end(); }
  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t capacity() const noexcept { return entries_.capacity(); }
  bool empty() const noexcept { return entries_.empty(); }
  bool full() const noexcept { return entries_.full(); }
  bool expired() const noexcept { return entries_.expired(); }

 private:
  friend class SmartAlloc;
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  FrameMap(FrameVec<value_type> entries, std::uint32_t* slots, std::size_t slot_count) noexcept
      : entries_(std::move(entries)), slots_(slots), slot_mask_(slot_count - 1) {}

  // The slot holding key, or the empty slot where it would go (the table is never full:
  // it has at least twice as many slots as entries).
  std::uint32_t* find_slot(const K& key) const noexcept {
    std::size_t i = std::hash<K>{}(key)&slot_mask_;
    const value_type* e = entries_.begin();
    while (slots_[i] != kEmpty && !(e[slots_[i]].first == key)) i = (i + 1) & slot_mask_;
    return &slots_[i];
  }

  FrameVec<value_type> entries_;
  std::uint32_t* slots_ = nullptr;
  std::size_t slot_mask_ = 0;
};

namespace detail {
[[noreturn]] void throw_zero_capacity(const char* fn);
}

template <class T>
FrameVec<T> SmartAlloc::frame_vec(std::size_t capacity) {
  if (capacity == 0) detail::throw_zero_capacity("frame_vec");
  T* data = static_cast<T*>(frame_alloc_bytes(checked_bytes<T>(capacity, true), alignof(T)));
  return FrameVec<T>(detail::FrameLifetime(*this, local()), data, capacity);
}

template <class K, class V>
FrameMap<K, V> SmartAlloc::frame_map(std::size_t capacity) {
  if (capacity == 0) detail::throw_zero_capacity("frame_map");
  if (capacity > 0x3fffffffu) throw std::length_error("fa::SmartAlloc::frame_map: capacity too large");
  std::size_t slots = 2;
  while (slots < capacity * 2) slots *= 2;
  auto* table = static_cast<std::uint32_t*>(frame_alloc_bytes(slots * sizeof(std::uint32_t), 4));
  std::fill_n(table, slots, FrameMap<K, V>::kEmpty);
  return FrameMap<K, V>(frame_vec<typename FrameMap<K, V>::value_type>(capacity), table, slots);
}

}  // namespace fa

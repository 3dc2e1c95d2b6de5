// Tag registry, the per-thread tag stack and segment attribution.
#include <framealloc/smart_alloc.hpp>
#include <framealloc/tags.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "instance.hpp"
#include "tag_context.hpp"
#include "tag_ops.hpp"

namespace fa {

bool is_valid_tag_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

namespace detail {

Sample& Sample::operator+=(const Sample& o) noexcept {
  frame_allocs += o.frame_allocs;
  frame_bytes += o.frame_bytes;
  pool_allocs += o.pool_allocs;
  pool_bytes += o.pool_bytes;
  heap_allocs += o.heap_allocs;
  heap_bytes += o.heap_bytes;
  return *this;
}

Sample Sample::operator-(const Sample& o) const noexcept {
  auto sub = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; };
  return {sub(frame_allocs, o.frame_allocs), sub(frame_bytes, o.frame_bytes), sub(pool_allocs, o.pool_allocs),
          sub(pool_bytes, o.pool_bytes),     sub(heap_allocs, o.heap_allocs), sub(heap_bytes, o.heap_bytes)};
}

Sample sample_of(const ThreadState& ts) noexcept {
  const FrameArena& a = ts.frame;
  const std::byte* cur = a.hot().cur.load(std::memory_order_relaxed);
  const std::uint64_t open =
      a.active.load(std::memory_order_relaxed) && cur ? static_cast<std::uint64_t>(cur - a.base) : 0;
  const PoolTotals pool = pool_totals(ts);
  return {ts.frame.hot().allocations.get(),
          ts.frame_stats.bytes_allocated.get() + open,
          pool.allocations,
          pool.bytes_allocated,
          ts.heap_stats.allocations.get(),
          ts.heap_stats.bytes_allocated.get()};
}

TagRegistry::TagRegistry() {
  nodes_.push_back(TagNode{"", "", -1, 0, nullptr});
}

std::uint32_t TagRegistry::child(std::uint32_t parent, std::string_view name) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 1; i < nodes_.size(); ++i) {
    const TagNode& n = nodes_[i];
    if (n.parent == static_cast<std::int32_t>(parent) && n.name == name) return static_cast<std::uint32_t>(i);
  }
  const TagNode& p = nodes_[parent];
  std::string path =
      p.path.empty() ? std::string(name) : p.path + std::string(kTagSeparator) + std::string(name);
  nodes_.push_back(
      TagNode{std::string(name), std::move(path), static_cast<std::int32_t>(parent), p.depth + 1, nullptr});
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t TagRegistry::find_or_create_path(std::string_view path) {
  std::uint32_t id = 0;
  std::string_view rest = path;
  while (true) {
    const std::size_t sep = rest.find(kTagSeparator);
    const std::string_view part = rest.substr(0, sep);
    if (!is_valid_tag_name(part))
      throw std::invalid_argument("invalid tag path \"" + std::string(path) + "\": component \"" +
                                  std::string(part) +
                                  "\" must be 1-64 characters of letters, digits, '_', '-' or '.'");
    id = child(id, part);
    if (sep == std::string_view::npos) return id;
    rest = rest.substr(sep + kTagSeparator.size());
  }
}

std::string TagRegistry::path(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  return nodes_[id].path;
}

std::string TagRegistry::name(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  return nodes_[id].name;
}

std::size_t TagRegistry::size() const {
  std::lock_guard lock(mutex_);
  return nodes_.size();
}

void TagRegistry::budgets_covering(std::uint32_t id, std::vector<Budget*>& out) const {
  std::lock_guard lock(mutex_);
  for (std::int32_t i = static_cast<std::int32_t>(id); i > 0;
       i = nodes_[static_cast<std::size_t>(i)].parent) {
    Budget* b = nodes_[static_cast<std::size_t>(i)].budget.get();
    if (b && b->active()) out.push_back(b);
  }
}

Budget& TagRegistry::budget_for(std::uint32_t id) {
  std::lock_guard lock(mutex_);
  TagNode& n = nodes_[id];
  if (!n.budget) n.budget = std::make_unique<Budget>(BudgetScope::Tag, id, n.path);
  return *n.budget;
}

void TagRegistry::for_each(const std::function<void(std::uint32_t, const TagNode&)>& fn) const {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < nodes_.size(); ++i) fn(static_cast<std::uint32_t>(i), nodes_[i]);
}

void flush_segment(ThreadState& ts) {
  TagContext& ctx = *ts.tags;
  const Sample now = sample_of(ts);
  const Sample delta = now - ctx.segment_start;
  ctx.segment_start = now;
  if (ctx.per_tag.size() <= ctx.current) {
    std::lock_guard lock(ctx.per_tag_mutex);
    while (ctx.per_tag.size() <= ctx.current) ctx.per_tag.emplace_back();
  }
  ctx.per_tag[ctx.current].add(delta);
}

void SharedSample::add(const Sample& d) noexcept {
  frame_allocs.add(d.frame_allocs);
  frame_bytes.add(d.frame_bytes);
  pool_allocs.add(d.pool_allocs);
  pool_bytes.add(d.pool_bytes);
  heap_allocs.add(d.heap_allocs);
  heap_bytes.add(d.heap_bytes);
}

Sample SharedSample::load() const noexcept {
  return {frame_allocs.get(), frame_bytes.get(), pool_allocs.get(),
          pool_bytes.get(),   heap_allocs.get(), heap_bytes.get()};
}

void collect_tags(Instance& inst, const std::vector<TagContext*>& contexts, AllocStats& out) {
  std::vector<Sample> totals(inst.tags.size());
  for (TagContext* ctx : contexts) {
    std::lock_guard lock(ctx->per_tag_mutex);
    for (std::size_t i = 0; i < ctx->per_tag.size() && i < totals.size(); ++i)
      totals[i] += ctx->per_tag[i].load();
  }
  inst.tags.for_each([&](std::uint32_t id, const TagNode& n) {
    if (id >= totals.size()) return;  // created after the totals were sized
    const Sample& s = totals[id];
    TagStats t;
    t.path = n.path;
    t.name = n.name;
    t.parent = n.parent > 0 ? n.parent : -1;
    t.depth = n.depth;
    t.frame = {s.frame_allocs, s.frame_bytes};
    t.pool = {s.pool_allocs, s.pool_bytes};
    t.heap = {s.heap_allocs, s.heap_bytes};
    out.tags.push_back(std::move(t));
  });
}

}  // namespace detail

void SmartAlloc::push_tag(std::string_view name) {
  if (!is_valid_tag_name(name))
    throw std::invalid_argument("fa::SmartAlloc::push_tag: invalid tag name \"" + std::string(name) +
                                "\" (1-64 characters of letters, digits, '_', '-' or '.')");
  detail::ThreadState& ts = local();
  detail::TagContext& ctx = *ts.tags;
  detail::flush_segment(ts);
  const std::uint32_t id = impl_->tags.child(ctx.current, name);
  ctx.stack.push_back(id);
  ctx.current = id;
  detail::refresh_budget_state(*impl_, ts, true);
}

void SmartAlloc::pop_tag() {
  detail::ThreadState& ts = local();
  detail::TagContext& ctx = *ts.tags;
  if (ctx.stack.empty()) {
    report(Code::FA031, "pop_tag() called with no tag pushed on this thread", {"the call was ignored"});
    return;
  }
  detail::flush_segment(ts);
  ctx.stack.pop_back();
  ctx.current = ctx.stack.empty() ? 0 : ctx.stack.back();
  detail::refresh_budget_state(*impl_, ts, true);
}

std::string SmartAlloc::current_tag() const {
  return impl_->tags.name(local().tags->current);
}

std::string SmartAlloc::tag_path() const {
  return impl_->tags.path(local().tags->current);
}

TagScope::TagScope(SmartAlloc& alloc, std::string_view name) : alloc_(alloc) {
  alloc_.push_tag(name);
}

TagScope::~TagScope() {
  alloc_.pop_tag();
}

}  // namespace fa

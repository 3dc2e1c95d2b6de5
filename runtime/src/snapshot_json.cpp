// Snapshot -> schema-v1 JSON (docs/schemas/snapshot-v1.schema.json), with nlohmann_json.
#include <framealloc/snapshot.hpp>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace fa {

namespace {

using nlohmann::ordered_json;

ordered_json usage(const SnapshotUsage& u) {
  return {{"bytes", u.bytes}, {"count", u.count}};
}

const char* kind_name(SnapshotKind k) {
  switch (k) {
    case SnapshotKind::Frame:
      return "frame";
    case SnapshotKind::Pool:
      return "pool";
    case SnapshotKind::Heap:
      return "heap";
  }
  return "frame";
}

ordered_json summary_json(const SnapshotSummary& s) {
  return {{"frame_bytes", s.frame_bytes},
          {"pool_bytes", s.pool_bytes},
          {"heap_bytes", s.heap_bytes},
          {"total_bytes", s.total_bytes},
          {"frame_peak_bytes", s.frame_peak_bytes},
          {"pool_peak_bytes", s.pool_peak_bytes},
          {"heap_peak_bytes", s.heap_peak_bytes},
          {"allocations", s.allocations},
          {"frees", s.frees},
          {"failed_allocations", s.failed_allocations},
          {"thread_count", s.thread_count},
          {"diagnostics_reported", s.diagnostics_reported}};
}

ordered_json thread_json(const SnapshotThread& t) {
  ordered_json j;
  j["index"] = t.index;
  if (!t.name.empty()) j["name"] = t.name;
  j["exited"] = t.exited;
  j["frames_completed"] = t.frames_completed;
  j["frame_active"] = t.frame_active;
  j["frame_used_bytes"] = t.frame_used_bytes;
  j["frame_capacity"] = t.frame_capacity;
  j["frame_peak_bytes"] = t.frame_peak_bytes;
  j["pool_bytes"] = t.pool_bytes;
  j["heap_bytes"] = t.heap_bytes;
  j["allocations"] = t.allocations;
  j["remote_frees"] = t.remote_frees;
  j["failed_allocations"] = t.failed_allocations;
  return j;
}

ordered_json diagnostic_json(const SnapshotDiagnostic& d) {
  ordered_json j = {{"code", d.code},
                    {"severity", d.severity},
                    {"count", d.count},
                    {"last_message", d.last_message},
                    {"last_frame", d.last_frame}};
  if (d.last_thread != 0) j["last_thread"] = d.last_thread;
  return j;
}

ordered_json phase_json(const SnapshotPhase& p) {
  ordered_json j = {{"name", p.name}, {"bytes", p.bytes}, {"count", p.count}};
  if (p.duration_us != 0) j["duration_us"] = p.duration_us;
  return j;
}

ordered_json site_json(const SnapshotSite& s) {
  return {{"file", s.file},
          {"line", s.line},
          {"function", s.function},
          {"tag", s.tag},
          {"kind", kind_name(s.kind)},
          {"count", s.count},
          {"bytes", s.bytes}};
}

template <class T, class F>
ordered_json array_of(const std::vector<T>& items, F&& one) {
  ordered_json a = ordered_json::array();
  for (const T& item : items) a.push_back(one(item));
  return a;
}

}  // namespace

std::string format_utc_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const auto secs = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const auto millis = static_cast<int>((ms % 1000 + 1000) % 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buf;
}

std::string Snapshot::to_json(int indent) const {
  ordered_json j;
  j["version"] = kVersion;
  j["frame"] = frame;
  j["timestamp"] = format_utc_timestamp(timestamp);
  j["duration_us"] = duration_us;
  j["summary"] = summary_json(summary);
  j["threads"] = array_of(threads, thread_json);
  j["tags"] = array_of(tags, [](const SnapshotTag& t) {
    return ordered_json{
        {"path", t.path}, {"frame", usage(t.frame)}, {"pool", usage(t.pool)}, {"heap", usage(t.heap)}};
  });
  j["promotions"] = {
      {"to_pool", promotions.to_pool}, {"to_heap", promotions.to_heap}, {"failed", promotions.failed}};
  j["transfers"] = {{"pending", transfers.pending},
                    {"completed_this_frame", transfers.completed_this_frame},
                    {"initiated", transfers.initiated},
                    {"completed", transfers.completed},
                    {"dropped", transfers.dropped}};
  j["deferred"] = {{"queue_depth", deferred.queue_depth},
                   {"processed_this_frame", deferred.processed_this_frame}};
  j["diagnostics"] = array_of(diagnostics, diagnostic_json);
  j["phases"] = array_of(phases, phase_json);
  j["budgets"] = {
      {"tags",
       array_of(budgets.tags,
                [](const SnapshotTagBudget& b) {
                  return ordered_json{{"tag", b.tag}, {"limit", b.limit}, {"used", b.used}, {"peak", b.peak}};
                })},
      {"threads", array_of(budgets.threads, [](const SnapshotThreadBudget& b) {
         return ordered_json{{"thread", b.thread}, {"limit", b.limit}, {"used", b.used}, {"peak", b.peak}};
       })}};
  if (budgets.global)
    j["budgets"]["global"] = {
        {"limit", budgets.global->limit}, {"used", budgets.global->used}, {"peak", budgets.global->peak}};
  j["sites"] = array_of(sites, site_json);
  j["events"] = {{"count", events}};
  // Replace invalid UTF-8 (e.g. in a message) instead of throwing: a snapshot is never lost to it.
  return j.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace fa

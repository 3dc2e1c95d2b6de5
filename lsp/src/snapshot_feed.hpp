// The live memory inspector's data: snapshot files validated against
// docs/schemas/snapshot-v1.schema.json (embedded in the binary), kept in a bounded ring, with per-frame
// deltas, history ranges and frame-to-frame diffs.
#pragma once

#include "schema_validator.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace fa::lsp {

// The validator of the embedded snapshot schema, built on first use. Throws UnsupportedSchema when
// the schema uses a keyword the validator does not implement: main() builds it at startup.
const SchemaValidator& snapshot_validator();

// What is wrong with `snapshot` according to the schema ("" = nothing), as "<pointer>: <why>".
std::string snapshot_schema_error(const nlohmann::json& snapshot);

struct LoadedSnapshot {
  std::optional<nlohmann::json> snapshot;
  std::string error;  // why the file was skipped
};

// Reads and checks one file; files over `max_bytes`, partial JSON and bad shapes are errors, never throws.
LoadedSnapshot load_snapshot_file(const std::string& path, std::size_t max_bytes);

// Numeric members of `to` minus those of `from`, recursively over objects (missing in `from` = 0).
nlohmann::json numeric_delta(const nlohmann::json& from, const nlohmann::json& to);

class SnapshotRing {
 public:
  explicit SnapshotRing(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Adds a checked snapshot; returns the `framealloc/snapshot` notification params:
  // {snapshot, delta: {summary, frames}} against the previous frame held (delta null for the first).
  nlohmann::json push(nlohmann::json snapshot);

  const nlohmann::json* latest() const { return frames_.empty() ? nullptr : &frames_.back(); }
  const nlohmann::json* previous() const {
    return frames_.size() < 2 ? nullptr : &frames_[frames_.size() - 2];
  }
  std::size_t size() const { return frames_.size(); }
  std::size_t capacity() const { return capacity_; }

  // Frames in [from, to] (by `frame` number), every `stride`-th one (the newest always kept).
  nlohmann::json history(std::uint64_t from, std::uint64_t to, std::size_t stride) const;

  // Frame b minus frame a: summary, per tag path, per thread index, per allocation site.
  // nullopt when either frame is not in the ring.
  std::optional<nlohmann::json> diff(std::uint64_t a, std::uint64_t b) const;

 private:
  const nlohmann::json* find(std::uint64_t frame) const;
  std::size_t capacity_;
  std::deque<nlohmann::json> frames_;
};

}  // namespace fa::lsp

#include "snapshot_feed.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace fa::lsp {

using nlohmann::json;

const SchemaValidator& snapshot_validator() {
  static const SchemaValidator validator(json::parse(snapshot_schema_text()));
  return validator;
}

std::string snapshot_schema_error(const json& snapshot) {
  return snapshot_validator().validate(snapshot);
}

LoadedSnapshot load_snapshot_file(const std::string& path, std::size_t max_bytes) {
  LoadedSnapshot out;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    out.error = "cannot stat: " + ec.message();
    return out;
  }
  if (size > max_bytes) {
    out.error =
        "file of " + std::to_string(size) + " bytes exceeds the limit of " + std::to_string(max_bytes);
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.error = "cannot open";
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    out.error = "not valid JSON (partial or corrupt file)";
    return out;
  }
  out.error = snapshot_schema_error(j);
  if (out.error.empty()) out.snapshot = std::move(j);
  return out;
}

json numeric_delta(const json& from, const json& to) {
  json out = json::object();
  if (!to.is_object()) return out;
  for (auto it = to.begin(); it != to.end(); ++it) {
    const json& prev = from.is_object() && from.contains(it.key()) ? from.at(it.key()) : json();
    if (it->is_number_integer()) {
      const auto before = prev.is_number_integer() ? prev.get<std::int64_t>() : 0;
      out[it.key()] = it->get<std::int64_t>() - before;
    } else if (it->is_object()) {
      out[it.key()] = numeric_delta(prev, *it);
    }
  }
  return out;
}

json SnapshotRing::push(json snapshot) {
  json delta = nullptr;
  if (!frames_.empty()) {
    const json& prev = frames_.back();
    delta = {{"from_frame", prev.at("frame")},
             {"frames", snapshot.at("frame").get<std::int64_t>() - prev.at("frame").get<std::int64_t>()},
             {"summary", numeric_delta(prev.at("summary"), snapshot.at("summary"))}};
  }
  frames_.push_back(std::move(snapshot));
  while (frames_.size() > capacity_) frames_.pop_front();
  return {{"snapshot", frames_.back()}, {"delta", std::move(delta)}};
}

json SnapshotRing::history(std::uint64_t from, std::uint64_t to, std::size_t stride) const {
  if (stride == 0) stride = 1;
  std::vector<const json*> in_range;
  for (const json& f : frames_) {
    const auto n = f.at("frame").get<std::uint64_t>();
    if (n >= from && n <= to) in_range.push_back(&f);
  }
  json out = json::array();
  for (std::size_t i = 0; i < in_range.size(); ++i) {
    if (i % stride == 0 || i + 1 == in_range.size()) out.push_back(*in_range[i]);
  }
  return out;
}

const json* SnapshotRing::find(std::uint64_t frame) const {
  for (const json& f : frames_)
    if (f.at("frame").get<std::uint64_t>() == frame) return &f;
  return nullptr;
}

namespace {

json negated(json delta) {
  for (auto& v : delta) {
    if (v.is_number_integer()) {
      v = -v.get<std::int64_t>();
    } else if (v.is_object()) {
      v = negated(std::move(v));
    }
  }
  return delta;
}

// Elements of an array keyed by `key_of`, each diffed against its match in `from`.
template <typename KeyOf>
json keyed_diff(const json& from, const json& to, KeyOf key_of) {
  std::map<std::string, const json*> before;
  for (const json& e : from) before[key_of(e)] = &e;
  std::map<std::string, const json*> after;
  for (const json& e : to) after[key_of(e)] = &e;
  json out = json::object();
  for (const auto& [k, e] : after) out[k] = numeric_delta(before.count(k) ? *before[k] : json(), *e);
  for (const auto& [k, e] : before) {
    if (!after.count(k)) out[k] = negated(numeric_delta(json::object(), *e));  // gone: everything it held
  }
  return out;
}

}  // namespace

std::optional<json> SnapshotRing::diff(std::uint64_t a, std::uint64_t b) const {
  const json* fa_ = find(a);
  const json* fb = find(b);
  if (fa_ == nullptr || fb == nullptr) return std::nullopt;
  json out = {{"from", a}, {"to", b}, {"summary", numeric_delta(fa_->at("summary"), fb->at("summary"))}};
  out["tags"] = keyed_diff(fa_->at("tags"), fb->at("tags"),
                           [](const json& t) { return t.at("path").get<std::string>(); });
  out["threads"] = keyed_diff(fa_->at("threads"), fb->at("threads"), [](const json& t) {
    return std::to_string(t.at("index").get<std::uint64_t>());
  });
  out["sites"] = keyed_diff(fa_->at("sites"), fb->at("sites"), [](const json& s) {
    return s.at("file").get<std::string>() + ":" + std::to_string(s.at("line").get<std::uint64_t>()) + ":" +
           s.value("kind", std::string());
  });
  return out;
}

}  // namespace fa::lsp

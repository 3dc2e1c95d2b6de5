// Call-site attribution: allocation functions take a defaulted std::source_location; when
// attribution is on (AllocConfig::call_site_attribution or set_call_site_attribution) the
// allocator counts requests and bytes per (site, tag, kind).
#pragma once

#include <cstdint>
#include <source_location>
#include <string>

namespace fa {

// Variadic templates (frame_alloc<T>(Args&&...)) cannot take a defaulted parameter after the
// pack, so they take a CallSite tag first: alloc.frame_alloc<Foo>(fa::here(), a, b). Without
// it the request is attributed to an unknown site ("<unknown>", line 1).
struct CallSite {
  std::source_location location{};
};
inline CallSite here(std::source_location loc = std::source_location::current()) noexcept {
  return CallSite{loc};
}

enum class AllocKind : std::uint8_t { Frame, Pool, Heap };
const char* to_string(AllocKind kind) noexcept;

struct CallSiteStats {
  std::string file;  // "<unknown>" when the caller gave no location
  std::uint32_t line = 1;
  std::string function;
  std::string tag;  // tag path current at the request, "" untagged
  AllocKind kind = AllocKind::Frame;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;  // requested bytes
};

}  // namespace fa

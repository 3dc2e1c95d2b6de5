// Helpers shared by the runtime tests.
#pragma once

#include <memory>

#include <framealloc/framealloc.hpp>

namespace fa::test {

// An allocator whose diagnostics are collected instead of printed.
struct Harness {
  explicit Harness(AllocConfig config = AllocConfig::minimal())
      : alloc(config), sink(std::make_shared<CollectingSink>()) {
    alloc.set_diagnostic_sink(sink);
  }
  SmartAlloc alloc;
  std::shared_ptr<CollectingSink> sink;
};

// Both the instrumented (debug) and the release fast paths must behave the same.
inline AllocConfig config_with_checks(bool checks) {
  return AllocConfig::minimal().with_debug_checks(checks);
}

}  // namespace fa::test

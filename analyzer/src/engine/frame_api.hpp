// Recognises the framealloc runtime API (and arenas declared in .fa.toml) by qualified name.
#pragma once

#include "fa_check/config.hpp"

#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>

#include <string>

namespace fa::check {

enum class ApiKind {
  None,
  FrameAlloc,     // SmartAlloc::frame_alloc / _bytes / _batch / frame_box / frame_vec / frame_map, try_*
  ArenaAlloc,     // an allocation function of a .fa.toml arena
  FrameResource,  // SmartAlloc::frame_resource(): containers built on it are frame memory
  BeginFrame,
  EndFrame,
  ArenaReset,       // the reset function of a .fa.toml arena
  PoolOrHeapAlloc,  // pool_alloc*/pool_box/heap_alloc*/heap_box, malloc, new
  FrameRemaining,   // frame_remaining(): a budget guard
  BarrierWait,      // FrameBarrier::wait_all (or the frame-loop helper)
  BarrierJoin,      // FrameBarrier::arrive / arrive_and_wait / register
  ThreadSpawn,      // std::thread / std::jthread construction, std::async, fa::jobs spawn
  Transfer,         // fa::TransferHandle construction or fa::transfer(): an explicit hand-over
};

class FrameApi {
 public:
  explicit FrameApi(const Config& config) : config_(config) {}

  // Classifies a call, a constructor call or a new-expression. `arena` receives the
  // .fa.toml arena index for ArenaAlloc/ArenaReset.
  ApiKind classify(const clang::Expr* e, unsigned* arena = nullptr) const;

  // Fully qualified name without template arguments, e.g. "fa::SmartAlloc::frame_alloc".
  static std::string qualified_name(const clang::NamedDecl* d);

  // Types whose copies still point into the memory they were built from (spans, boxes, views).
  static bool is_view_type(clang::QualType t);

 private:
  const Config& config_;
};

}  // namespace fa::check

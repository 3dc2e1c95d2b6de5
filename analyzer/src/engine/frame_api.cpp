#include "frame_api.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>

#include <array>
#include <string_view>

namespace fa::check {
namespace {

using namespace std::string_view_literals;

constexpr std::array kFrameAlloc = {"fa::SmartAlloc::frame_alloc"sv,
                                    "fa::SmartAlloc::frame_alloc_bytes"sv,
                                    "fa::SmartAlloc::frame_alloc_batch"sv,
                                    "fa::SmartAlloc::try_frame_alloc"sv,
                                    "fa::SmartAlloc::try_frame_alloc_bytes"sv,
                                    "fa::SmartAlloc::try_frame_alloc_batch"sv,
                                    "fa::SmartAlloc::frame_box"sv,
                                    "fa::SmartAlloc::frame_vec"sv,
                                    "fa::SmartAlloc::frame_map"sv,
                                    "fa::frame_vec"sv,
                                    "fa::frame_map"sv};
constexpr std::array kPoolHeap = {"fa::SmartAlloc::pool_alloc"sv,
                                  "fa::SmartAlloc::pool_alloc_bytes"sv,
                                  "fa::SmartAlloc::pool_box"sv,
                                  "fa::SmartAlloc::heap_alloc"sv,
                                  "fa::SmartAlloc::heap_alloc_bytes"sv,
                                  "fa::SmartAlloc::heap_box"sv,
                                  "malloc"sv,
                                  "calloc"sv,
                                  "std::malloc"sv,
                                  "std::calloc"sv,
                                  "std::make_unique"sv,
                                  "std::make_shared"sv};
// std::barrier / std::latch waits synchronise with the other participants just as well.
constexpr std::array kBarrierWait = {"fa::FrameBarrier::wait_all"sv, "fa::FrameBarrier::wait_timeout"sv,
                                     "fa::FrameLoop::end_frame"sv,   "std::barrier::arrive_and_wait"sv,
                                     "std::barrier::wait"sv,         "std::latch::wait"sv,
                                     "std::latch::arrive_and_wait"sv};
constexpr std::array kBarrierJoin = {"fa::FrameBarrier::signal_frame_complete"sv,
                                     "fa::FrameLoop::register_thread"sv, "fa::FrameLoop::thread_end_frame"sv,
                                     "fa::FrameLoop::wait_for_frame"sv};
constexpr std::array kSpawnFunctions = {"std::async"sv,
                                        "fa::jobs::spawn"sv,
                                        "fa::jobs::submit"sv,
                                        "fa::jobs::JobSystem::spawn"sv,
                                        "fa::jobs::JobSystem::submit"sv,
                                        "fa::jobs::parallel_for"sv};
constexpr std::array kSpawnTypes = {"std::thread"sv, "std::jthread"sv};
constexpr std::array kTransfer = {"fa::TransferHandle"sv, "fa::transfer"sv, "fa::SmartAlloc::transfer"sv};
constexpr std::array kViewTypes = {"std::span"sv,    "std::basic_string_view"sv, "fa::FrameBox"sv,
                                   "fa::FrameVec"sv, "fa::FrameMap"sv,           "std::reference_wrapper"sv};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

const clang::NamedDecl* callee_of(const clang::Expr* e) {
  if (const auto* call = llvm::dyn_cast<clang::CallExpr>(e)) return call->getDirectCallee();
  if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructExpr>(e))
    return ctor->getConstructor()->getParent();
  return nullptr;
}

}  // namespace

std::string FrameApi::qualified_name(const clang::NamedDecl* d) {
  if (d == nullptr) return {};
  // Template specialisations and instantiated members print as their primary template's name.
  if (const auto* fn = llvm::dyn_cast<clang::FunctionDecl>(d)) {
    if (const clang::FunctionDecl* pattern = fn->getTemplateInstantiationPattern()) d = pattern;
  }
  if (const auto* spec = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(d)) {
    d = spec->getSpecializedTemplate()->getTemplatedDecl();
  }
  std::string name = d->getQualifiedNameAsString();
  // libstdc++ puts std in an inline namespace (std::__cxx11::...); drop inline namespaces.
  for (std::string_view inl : {"::__cxx11"sv, "::__1"sv}) {
    for (std::size_t pos = name.find(inl); pos != std::string::npos; pos = name.find(inl)) {
      name.erase(pos, inl.size());
    }
  }
  return name;
}

bool FrameApi::is_view_type(clang::QualType t) {
  const auto* record = t.getNonReferenceType()->getAsCXXRecordDecl();
  return record != nullptr && in(kViewTypes, qualified_name(record));
}

ApiKind FrameApi::classify(const clang::Expr* e, unsigned* arena) const {
  if (e == nullptr) return ApiKind::None;
  if (const auto* nw = llvm::dyn_cast<clang::CXXNewExpr>(e)) {
    return nw->getNumPlacementArgs() == 0 ? ApiKind::PoolOrHeapAlloc : ApiKind::None;
  }
  const clang::NamedDecl* callee = callee_of(e);
  if (callee == nullptr) return ApiKind::None;
  const std::string name = qualified_name(callee);
  if (llvm::isa<clang::CXXConstructExpr>(e)) {
    if (in(kSpawnTypes, name)) return ApiKind::ThreadSpawn;
    if (in(kTransfer, name)) return ApiKind::Transfer;
    return ApiKind::None;
  }
  if (in(kFrameAlloc, name)) return ApiKind::FrameAlloc;
  if (name == "fa::SmartAlloc::begin_frame") return ApiKind::BeginFrame;
  if (name == "fa::SmartAlloc::end_frame") return ApiKind::EndFrame;
  if (name == "fa::SmartAlloc::frame_resource") return ApiKind::FrameResource;
  if (name == "fa::SmartAlloc::frame_remaining") return ApiKind::FrameRemaining;
  if (in(kPoolHeap, name)) return ApiKind::PoolOrHeapAlloc;
  if (in(kBarrierWait, name)) return ApiKind::BarrierWait;
  if (in(kBarrierJoin, name)) return ApiKind::BarrierJoin;
  if (in(kSpawnFunctions, name)) return ApiKind::ThreadSpawn;
  if (in(kTransfer, name)) return ApiKind::Transfer;
  for (unsigned i = 0; i < config_.arenas.size(); ++i) {
    const ArenaApi& a = config_.arenas[i];
    for (const std::string& alloc : a.allocate) {
      if (alloc == name) {
        if (arena != nullptr) *arena = i;
        return ApiKind::ArenaAlloc;
      }
    }
    if (a.reset == name) {
      if (arena != nullptr) *arena = i;
      return ApiKind::ArenaReset;
    }
  }
  return ApiKind::None;
}

}  // namespace fa::check

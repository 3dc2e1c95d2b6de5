// FA202: a thread that takes part in frames coordinated by a FrameBarrier (or FrameLoop) without
// ever joining it. The frames are coordinated when the spawning function waits on the barrier or
// another thread it starts signals it; a started thread shares the frame boundary when it
// allocates frame memory or begins/ends frames. Such a thread with no signal_frame_complete(),
// wait_all(), register_thread(), wait_for_frame() or thread_end_frame() can still be working
// when the frame is closed. Threads that do no frame work, and functions without a barrier,
// stay silent.
#include "ast_util.hpp"
#include "check.hpp"

#include <clang/AST/ExprCXX.h>

namespace fa::check {
namespace {

// The first barrier call in `s`, not looking into lambdas (they are other threads).
const clang::Expr* barrier_call(const clang::Stmt* s, const FrameApi& api) {
  if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return nullptr;
  if (const auto* e = llvm::dyn_cast<clang::Expr>(s)) {
    ApiKind k = api.classify(e);
    if (k == ApiKind::BarrierWait || k == ApiKind::BarrierJoin) return e;
  }
  for (const clang::Stmt* child : s->children()) {
    if (const clang::Expr* found = barrier_call(child, api)) return found;
  }
  return nullptr;
}

bool joins_barrier(const clang::Stmt* body, const FrameApi& api) {
  return contains_api(body, api, ApiKind::BarrierJoin) || contains_api(body, api, ApiKind::BarrierWait);
}

bool does_frame_work(const clang::Stmt* body, const FrameApi& api) {
  return contains_api(body, api, ApiKind::FrameAlloc) || contains_api(body, api, ApiKind::BeginFrame) ||
         contains_api(body, api, ApiKind::EndFrame);
}

void collect_thread_spawns(const clang::Stmt* s, const FrameApi& api, std::vector<const clang::Expr*>& out) {
  if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return;
  if (const auto* e = llvm::dyn_cast<clang::Expr>(s);
      e != nullptr && api.classify(e) == ApiKind::ThreadSpawn) {
    if (calls(e, "std::thread") || calls(e, "std::jthread") || calls(e, "std::async")) out.push_back(e);
  }
  for (const clang::Stmt* child : s->children()) collect_thread_spawns(child, api, out);
}

class BarrierParticipationCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    std::vector<const clang::Expr*> spawns;
    collect_thread_spawns(fn.getBody(), cx.api, spawns);
    if (spawns.empty()) return;
    std::vector<std::pair<const clang::Expr*, const clang::Stmt*>> threads;  // spawn -> body
    const clang::Expr* barrier = barrier_call(fn.getBody(), cx.api);
    for (const clang::Expr* spawn : spawns) {
      for (const clang::Expr* arg : spawn_args(spawn)) {
        const clang::Stmt* body = spawned_body(arg);
        if (body == nullptr) continue;
        threads.emplace_back(spawn, body);
        if (barrier == nullptr) barrier = barrier_call(body, cx.api);
      }
    }
    if (barrier == nullptr) return;  // no coordinated frames here: independent threads are fine
    for (const auto& [spawn, body] : threads) {
      if (!does_frame_work(body, cx.api) || joins_barrier(body, cx.api)) continue;
      cx.sink.report("FA202", spawn->getSourceRange(),
                     "this thread allocates frame memory in frames coordinated by a barrier, but never "
                     "joins the barrier",
                     {{barrier->getBeginLoc(), "the frames are coordinated through this barrier"}},
                     "count the thread in the FrameBarrier and call signal_frame_complete() every frame "
                     "(or register it with FrameLoop::register_thread and loop on wait_for_frame())");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_barrier_participation_check() {
  return std::make_unique<BarrierParticipationCheck>();
}

}  // namespace fa::check

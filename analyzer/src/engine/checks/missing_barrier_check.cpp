// FA205: end_frame() reachable after starting threads or jobs that allocate frame memory from the
// same allocator, without FrameBarrier::wait_all() (or joining the threads) on that path.
#include "ast_util.hpp"
#include "check.hpp"

#include <clang/Analysis/CFG.h>

#include <map>

namespace fa::check {
namespace {

// A spawn whose work allocates frame memory: the frame is shared with that thread.
bool spawns_frame_work(const clang::Expr* e, const FrameApi& api) {
  if (api.classify(e) != ApiKind::ThreadSpawn) return false;
  for (const clang::Expr* arg : spawn_args(e)) {
    if (contains_api(spawned_body(arg), api, ApiKind::FrameAlloc)) return true;
  }
  return false;
}

class MissingBarrierCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    if (!contains_api(fn.getBody(), cx.api, ApiKind::EndFrame) ||
        !contains_api(fn.getBody(), cx.api, ApiKind::ThreadSpawn)) {
      return;
    }
    clang::CFG::BuildOptions opts;
    opts.setAllAlwaysAdd();
    auto cfg = clang::CFG::buildCFG(&fn, fn.getBody(), &cx.ast, opts);
    if (!cfg) return;
    // May-analysis: the last unsynchronised spawn that can reach this point (null = none).
    std::map<unsigned, const clang::Expr*> in;
    std::vector<const clang::CFGBlock*> work{&cfg->getEntry()};
    in[cfg->getEntry().getBlockID()] = nullptr;
    std::map<const clang::Expr*, const clang::Expr*> findings;  // end_frame -> spawn
    for (int guard = 0; !work.empty() && guard < 100000; ++guard) {
      const clang::CFGBlock* b = work.back();
      work.pop_back();
      const clang::Expr* pending = in[b->getBlockID()];
      for (const clang::CFGElement& el : *b) {
        auto cs = el.getAs<clang::CFGStmt>();
        if (!cs) continue;
        const auto* e = llvm::dyn_cast<clang::Expr>(cs->getStmt());
        if (e == nullptr) continue;
        if (spawns_frame_work(e, cx.api)) pending = e;
        if (cx.api.classify(e) == ApiKind::BarrierWait || is_thread_join(e)) pending = nullptr;
        if (cx.api.classify(e) == ApiKind::EndFrame && pending != nullptr) findings.emplace(e, pending);
      }
      for (const clang::CFGBlock* succ : b->succs()) {
        if (succ == nullptr) continue;
        auto [it, fresh] = in.emplace(succ->getBlockID(), pending);
        if (fresh) {
          work.push_back(succ);
        } else if (it->second == nullptr && pending != nullptr) {
          it->second = pending;
          work.push_back(succ);
        }
      }
    }
    for (const auto& [end, spawn] : findings) {
      cx.sink.report("FA205", end->getSourceRange(),
                     "end_frame() can run while a thread started here still allocates from this frame: "
                     "no FrameBarrier::wait_all() on this path",
                     {{spawn->getBeginLoc(), "thread or job that allocates frame memory started here"}},
                     "call barrier.wait_all() (or join the threads) before end_frame()");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_missing_barrier_check() {
  return std::make_unique<MissingBarrierCheck>();
}

}  // namespace fa::check

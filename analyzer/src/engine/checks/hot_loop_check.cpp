// FA530: pool or heap allocation inside a hot loop (nesting >= [analyzer] hot_loop_depth) of
// per-frame code. Reported once per loop, at its first allocation.
#include "ast_util.hpp"
#include "check.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>

#include <map>

namespace fa::check {
namespace {

class HotLoopCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    const clang::Stmt* body = fn.getBody();
    // Only code that runs inside frames: it begins one or allocates frame memory.
    if (!contains_api(body, cx.api, ApiKind::BeginFrame) && !contains_api(body, cx.api, ApiKind::FrameAlloc))
      return;
    first_alloc_.clear();
    walk(body, 0, nullptr, cx);
    for (const auto& [loop, alloc] : first_alloc_) {
      cx.sink.report("FA530", alloc->getSourceRange(),
                     "pool/heap allocation inside a hot loop (nesting depth " + std::to_string(depth_[loop]) +
                         ") of per-frame code",
                     {{loop->getBeginLoc(), "this loop runs it on every iteration"}},
                     "allocate the whole batch once per frame (frame_alloc_batch, a frame collection such as "
                     "std::pmr::vector on frame_resource()), or hoist the allocation out of the loop");
    }
  }

 private:
  void walk(const clang::Stmt* s, unsigned depth, const clang::Stmt* loop, CheckContext& cx) {
    if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return;  // a lambda body runs elsewhere
    if (is_loop(s)) {
      ++depth;
      loop = s;
      depth_[s] = depth;
    }
    if (const auto* e = llvm::dyn_cast<clang::Expr>(s); e != nullptr && loop != nullptr &&
                                                        depth >= cx.config.hot_loop_depth &&
                                                        cx.api.classify(e) == ApiKind::PoolOrHeapAlloc) {
      first_alloc_.emplace(loop, e);  // keeps the first one per loop
    }
    for (const clang::Stmt* child : s->children()) walk(child, depth, loop, cx);
  }

  std::map<const clang::Stmt*, const clang::Expr*> first_alloc_;
  std::map<const clang::Stmt*, unsigned> depth_;
};

}  // namespace

std::unique_ptr<Check> make_hot_loop_check() {
  return std::make_unique<HotLoopCheck>();
}

}  // namespace fa::check

// FA531: frame allocation in a loop whose trip count nothing bounds (for(;;), while(true), a
// `while (queue.pop(x))` style condition) with no guard: the frame arena fills up until the
// allocation fails. Guards: frame_remaining() in the loop, try_frame_alloc* (returns null when
// the frame is full), or a per-thread frame budget set in the function. Counted loops (range-for,
// a relational condition) and loops that end or begin frames themselves are not reported.
#include "ast_util.hpp"
#include "check.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>

#include <array>
#include <set>
#include <string_view>

namespace fa::check {
namespace {

using namespace std::string_view_literals;

const clang::Expr* condition_of(const clang::Stmt* loop) {
  if (const auto* f = llvm::dyn_cast<clang::ForStmt>(loop)) return f->getCond();
  if (const auto* w = llvm::dyn_cast<clang::WhileStmt>(loop)) return w->getCond();
  if (const auto* d = llvm::dyn_cast<clang::DoStmt>(loop)) return d->getCond();
  return nullptr;
}

// A comparison bounds the loop by a count or an end; `a && b` / `a || b` when either side does.
bool is_counting(const clang::Expr* cond) {
  cond = cond->IgnoreParenImpCasts();
  if (const auto* bo = llvm::dyn_cast<clang::BinaryOperator>(cond)) {
    if (bo->isLogicalOp()) return is_counting(bo->getLHS()) || is_counting(bo->getRHS());
    return bo->isRelationalOp() || bo->getOpcode() == clang::BO_NE;
  }
  if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(cond)) {
    auto k = op->getOperator();
    return k == clang::OO_Less || k == clang::OO_LessEqual || k == clang::OO_Greater ||
           k == clang::OO_GreaterEqual || k == clang::OO_ExclaimEqual;
  }
  return false;
}

// A loop bounded by a count or a container: range-for, or a counting condition.
bool is_counted(const clang::Stmt* loop) {
  if (llvm::isa<clang::CXXForRangeStmt>(loop)) return true;
  const clang::Expr* cond = condition_of(loop);
  return cond != nullptr && is_counting(cond);
}

bool contains_call(const clang::Stmt* s, std::string_view name) {
  if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return false;
  if (const auto* e = llvm::dyn_cast<clang::Expr>(s); e != nullptr && calls(e, name)) return true;
  for (const clang::Stmt* child : s->children()) {
    if (contains_call(child, name)) return true;
  }
  return false;
}

constexpr std::array kGuards = {"fa::SmartAlloc::frame_remaining"sv, "fa::SmartAlloc::try_frame_alloc"sv,
                                "fa::SmartAlloc::try_frame_alloc_bytes"sv,
                                "fa::SmartAlloc::try_frame_alloc_batch"sv};

bool guarded(const clang::Stmt* loop, const FrameApi& api) {
  for (std::string_view g : kGuards) {
    if (contains_call(loop, g)) return true;
  }
  // Each iteration is a frame of its own: nothing accumulates.
  return contains_api(loop, api, ApiKind::EndFrame) || contains_api(loop, api, ApiKind::BeginFrame);
}

class UnboundedLoopCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    const clang::Stmt* body = fn.getBody();
    if (!contains_api(body, cx.api, ApiKind::FrameAlloc)) return;
    if (contains_call(body, "fa::SmartAlloc::set_thread_frame_budget")) return;
    reported_.clear();
    walk(body, nullptr, cx);
  }

 private:
  // `loop` is the innermost enclosing unbounded, unguarded loop (null = none).
  void walk(const clang::Stmt* s, const clang::Stmt* loop, CheckContext& cx) {
    if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return;
    if (is_loop(s)) {
      if (guarded(s, cx.api)) return;  // covers the loops nested in it as well
      if (!is_counted(s)) loop = s;
    }
    if (const auto* e = llvm::dyn_cast<clang::Expr>(s); e != nullptr && loop != nullptr &&
                                                        cx.api.classify(e) == ApiKind::FrameAlloc &&
                                                        reported_.insert(loop).second) {
      cx.sink.report("FA531", e->getSourceRange(),
                     "frame allocation in a loop with no bound and no frame_remaining() guard: the frame "
                     "arena fills up until allocation fails",
                     {{loop->getBeginLoc(), "nothing bounds how often this loop runs within one frame"}},
                     "check alloc.frame_remaining() before allocating (or use try_frame_alloc and stop on "
                     "null), set a thread frame budget, or bound the loop");
    }
    for (const clang::Stmt* child : s->children()) walk(child, loop, cx);
  }

  std::set<const clang::Stmt*> reported_;
};

}  // namespace

std::unique_ptr<Check> make_unbounded_loop_check() {
  return std::make_unique<UnboundedLoopCheck>();
}

}  // namespace fa::check

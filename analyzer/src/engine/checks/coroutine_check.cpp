// Coroutines resume in whatever frame is running then, so frame memory and coroutines mix badly.
// FA603: a frame-derived value used after a co_await/co_yield it was live across (the frame that
//        owned it has usually ended meanwhile). Reported once per variable and suspension point.
// FA602: a frame allocation inside a coroutine stored in a variable whose scope spans a later
//        co_await/co_yield: the pointer outlives the frame it came from, even when no use after
//        resuming exists yet. Scratch memory whose scope closes before the next suspension (one
//        resumption, one frame) is fine. Allocations already reported as FA603 are not repeated.
#include "check.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>

#include <set>
#include <utility>

namespace fa::check {
namespace {

bool is_suspension(const clang::Stmt* s) {
  return llvm::isa<clang::CoawaitExpr, clang::CoyieldExpr>(s);
}

bool contains_suspension(const clang::Stmt* s) {
  if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return false;
  if (is_suspension(s)) return true;
  for (const clang::Stmt* child : s->children()) {
    if (contains_suspension(child)) return true;
  }
  return false;
}

bool is_allocation(const clang::Expr* init, const clang::Expr* alloc) {
  return init != nullptr && init->IgnoreImplicit()->IgnoreParenImpCasts() == alloc;
}

// Frame allocations kept in a variable (declared with it, or assigned to it) whose enclosing
// block has a suspension point after the statement.
void held_across_suspension(const clang::Stmt* s, const FrameApi& api, std::vector<const clang::Expr*>& out) {
  if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return;
  if (const auto* block = llvm::dyn_cast<clang::CompoundStmt>(s)) {
    const auto body = block->body();
    for (auto it = body.begin(); it != body.end(); ++it) {
      bool later = false;
      for (auto next = std::next(it); next != body.end() && !later; ++next)
        later = contains_suspension(*next);
      if (!later) continue;
      std::vector<const clang::Expr*> inits;
      if (const auto* ds = llvm::dyn_cast<clang::DeclStmt>(*it)) {
        for (const clang::Decl* d : ds->decls()) {
          if (const auto* v = llvm::dyn_cast<clang::VarDecl>(d)) inits.push_back(v->getInit());
        }
      } else if (const auto* e = llvm::dyn_cast<clang::Expr>(*it)) {
        if (const auto* bo = llvm::dyn_cast<clang::BinaryOperator>(e->IgnoreImplicit());
            bo != nullptr && bo->getOpcode() == clang::BO_Assign) {
          inits.push_back(bo->getRHS());
        }
      }
      for (const clang::Expr* init : inits) {
        if (init == nullptr) continue;
        const clang::Expr* alloc = init->IgnoreImplicit()->IgnoreParenImpCasts();
        if (api.classify(alloc) == ApiKind::FrameAlloc && is_allocation(init, alloc)) out.push_back(alloc);
      }
    }
  }
  for (const clang::Stmt* child : s->children()) held_across_suspension(child, api, out);
}

class CoroutineCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    if (!llvm::isa_and_nonnull<clang::CoroutineBodyStmt>(fn.getBody())) return;
    const FunctionFacts& facts = cx.loans.facts(&fn);
    const clang::SourceManager& sm = cx.ast.getSourceManager();
    std::vector<const UseFact*> uses;
    for (const UseFact& u : facts.uses) {
      if (u.across_await && facts.is_memory(u.loan)) uses.push_back(&u);
    }
    std::stable_sort(uses.begin(), uses.end(), [&](const UseFact* a, const UseFact* b) {
      return sm.isBeforeInTranslationUnit(a->use.getBegin(), b->use.getBegin());
    });
    std::set<std::pair<const clang::VarDecl*, clang::SourceLocation>> reported;
    std::set<const clang::Expr*> held_across;
    for (const UseFact* u : uses) {
      const Loan& loan = facts.loans[u->loan];
      held_across.insert(loan.origin);
      if (!reported.emplace(u->var, u->ended).second) continue;
      cx.sink.report("FA603", u->use,
                     "'" + u->var->getNameAsString() +
                         "' refers to frame memory allocated before a suspension point; the frame has "
                         "usually ended by the time the coroutine resumes",
                     {{loan.origin->getBeginLoc(), "frame memory allocated here"},
                      {u->ended, "the coroutine suspends here"}},
                     "keep state that lives across co_await in pool memory (alloc.pool_box<T>()) or in the "
                     "coroutine's own locals, and allocate frame memory again after resuming");
    }
    std::vector<const clang::Expr*> held;
    held_across_suspension(llvm::cast<clang::CoroutineBodyStmt>(fn.getBody())->getBody(), cx.api, held);
    for (const clang::Expr* alloc : held) {
      if (held_across.count(alloc)) continue;
      cx.sink.report("FA602", alloc->getSourceRange(),
                     "frame memory allocated in a coroutine is kept across a suspension point; the frame "
                     "it belongs to usually ends before the coroutine resumes",
                     {{fn.getLocation(), "'" + fn.getNameAsString() + "' is a coroutine"}},
                     "allocate state the coroutine keeps with alloc.pool_box<T>(), or close the scratch "
                     "variable's scope before the next co_await");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_coroutine_check() {
  return std::make_unique<CoroutineCheck>();
}

}  // namespace fa::check

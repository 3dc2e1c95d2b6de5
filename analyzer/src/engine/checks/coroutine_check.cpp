// Coroutines resume in whatever frame is running then, so frame memory and coroutines mix badly.
// FA603: a frame-derived value used after a co_await/co_yield it was live across (the frame that
//        owned it has usually ended meanwhile). Reported once per variable and suspension point.
// FA602: a frame allocation inside a coroutine whose memory is not (yet) kept across a
//        suspension: still tied to whichever frame the coroutine happens to run in. Allocations
//        already reported as FA603 are not reported again.
#include "check.hpp"

#include <clang/AST/StmtCXX.h>

#include <set>
#include <utility>

namespace fa::check {
namespace {

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
    for (const Loan& loan : facts.loans) {
      if (loan.kind != Loan::Kind::Frame || loan.origin == nullptr || held_across.count(loan.origin))
        continue;
      if (cx.api.classify(loan.origin) != ApiKind::FrameAlloc) continue;  // helpers report in their own body
      cx.sink.report("FA602", loan.origin->getSourceRange(),
                     "frame allocation inside a coroutine: it belongs to whichever frame is running when "
                     "the coroutine is resumed",
                     {{fn.getLocation(), "'" + fn.getNameAsString() + "' is a coroutine"}},
                     "allocate state the coroutine keeps with alloc.pool_box<T>(), or let the caller pass "
                     "frame memory in and use it before the next co_await");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_coroutine_check() {
  return std::make_unique<CoroutineCheck>();
}

}  // namespace fa::check

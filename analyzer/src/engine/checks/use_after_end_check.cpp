// FA601: a frame-derived value used after end_frame() (or an arena reset) on some path.
#include "check.hpp"

#include <set>
#include <utility>

namespace fa::check {
namespace {

class UseAfterEndCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    const FunctionFacts& facts = cx.loans.facts(&fn);
    // One finding per variable and frame end: the first use is the mistake, later ones repeat it.
    std::set<std::pair<const clang::VarDecl*, clang::SourceLocation>> reported;
    const clang::SourceManager& sm = cx.ast.getSourceManager();
    std::vector<const UseFact*> uses;
    for (const UseFact& u : facts.uses) {
      if (!u.across_await) uses.push_back(&u);
    }
    std::stable_sort(uses.begin(), uses.end(), [&](const UseFact* a, const UseFact* b) {
      return sm.isBeforeInTranslationUnit(a->use.getBegin(), b->use.getBegin());
    });
    auto escaped_by_return = [&](const UseFact* u) {
      for (const EscapeFact& e : facts.escapes) {
        if (e.target == EscapeTarget::Returned &&
            sm.isPointWithin(u->use.getBegin(), e.where.getBegin(), e.where.getEnd())) {
          return true;  // FA002 already reports this return
        }
      }
      return false;
    };
    for (const UseFact* u : uses) {
      if (escaped_by_return(u)) continue;
      if (!reported.emplace(u->var, u->ended).second) continue;
      const Loan& loan = facts.loans[u->loan];
      bool arena = loan.kind == Loan::Kind::Arena;
      std::vector<NoteAt> notes{
          {loan.origin->getBeginLoc(), arena ? "arena memory allocated here" : "frame memory allocated here"},
          {u->ended, arena ? "the arena is reset here" : "the frame ends here"}};
      cx.sink.report("FA601", u->use,
                     "'" + u->var->getNameAsString() + "' refers to " + (arena ? "arena" : "frame") +
                         " memory that is no longer valid: it is used after " +
                         (arena ? "the arena reset" : "end_frame()"),
                     std::move(notes),
                     "use frame-derived values only before end_frame(); allocate again in the new frame, "
                     "or copy the data out first");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_use_after_end_check() {
  return std::make_unique<UseAfterEndCheck>();
}

}  // namespace fa::check

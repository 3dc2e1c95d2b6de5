// FA201: frame memory handed to another thread (std::thread, std::jthread, std::async, fa::jobs)
// without a TransferHandle.
#include "check.hpp"

#include <set>

namespace fa::check {
namespace {

class CrossThreadCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    const FunctionFacts& facts = cx.loans.facts(&fn);
    std::set<std::pair<const clang::Expr*, LoanId>> reported;  // once per spawn and allocation
    for (const SpawnFact& s : facts.spawns) {
      if (!reported.emplace(s.spawn, s.loan).second) continue;
      const Loan& loan = facts.loans[s.loan];
      cx.sink.report("FA201", s.value,
                     "frame memory is handed to another thread without a TransferHandle; the owning thread's "
                     "end_frame() can reset it while the other thread still uses it",
                     {{loan.origin->getBeginLoc(), "frame memory allocated here, owned by this thread"},
                      {s.spawn->getBeginLoc(), "the other thread starts here"}},
                     "wrap the value in fa::TransferHandle to declare the hand-over, or copy the data into "
                     "memory the other thread owns");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_cross_thread_check() {
  return std::make_unique<CrossThreadCheck>();
}

}  // namespace fa::check

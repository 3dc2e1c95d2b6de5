// FA002: frame memory stored somewhere that outlives the frame.
#include "check.hpp"

namespace fa::check {
namespace {

std::string describe(EscapeTarget t, const std::string& name) {
  switch (t) {
    case EscapeTarget::Global:
      return "frame memory is stored in global or static variable '" + name + "', which outlives the frame";
    case EscapeTarget::Member:
      return "frame memory is stored in '" + name + "', which is not frame memory and outlives the frame";
    case EscapeTarget::Container:
      return "frame memory is inserted into '" + name + "', a container that is not frame memory";
    case EscapeTarget::Returned:
      return "frame memory is returned to the caller after this function ended the frame";
    case EscapeTarget::Callee:
      return "frame memory is passed to " + name + ", which stores it beyond the frame";
  }
  return {};
}

class EscapeCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    const FunctionFacts& facts = cx.loans.facts(&fn);
    for (const EscapeFact& e : facts.escapes) {
      const Loan& loan = facts.loans[e.loan];
      std::vector<NoteAt> notes{{loan.origin->getBeginLoc(), loan.kind == Loan::Kind::Arena
                                                                 ? "arena memory allocated here"
                                                                 : "frame memory allocated here"}};
      std::string message = describe(e.target, e.target_name);
      if (loan.kind == Loan::Kind::Arena)
        message.replace(0, 5, "arena");  // "frame memory ..." -> "arena memory ..."
      cx.sink.report("FA002", e.where, message, std::move(notes),
                     "keep frame memory inside the frame: copy the value out, or allocate it with "
                     "pool_alloc/heap_alloc when it must outlive the frame");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_escape_check() {
  return std::make_unique<EscapeCheck>();
}

}  // namespace fa::check

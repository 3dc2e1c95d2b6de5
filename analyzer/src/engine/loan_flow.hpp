// Per-function forward data-flow over "frame loans" on Clang's CFG.
//
// A frame allocation (or a .fa.toml arena allocation) issues a loan; end_frame() (or the arena's
// reset) expires it. Loans follow values through copies, pointer arithmetic, references, member
// and element access, lambda captures, local containers and same-TU helper functions (summaries:
// "returns frame memory", "returns parameter i", "stores parameter i"). The result is a list of
// facts the checks turn into findings.
#pragma once

#include "frame_api.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/Basic/SourceLocation.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fa::check {

using LoanId = unsigned;

struct Loan {
  enum class Kind { Frame, Arena, Param };
  Kind kind = Kind::Frame;
  const clang::Expr* origin = nullptr;  // the allocation (null for Param)
  unsigned index = 0;                   // arena index (Arena) or parameter index (Param)
  std::string owner;                    // allocator expression text ("a.alloc"); "" = unknown
};

enum class EscapeTarget { Global, Member, Container, Returned, Callee };

struct EscapeFact {
  EscapeTarget target;
  clang::SourceRange where;
  LoanId loan;
  std::string target_name;  // what it escaped into
};

struct UseFact {
  const clang::VarDecl* var;
  clang::SourceRange use;
  LoanId loan;
  clang::SourceLocation ended;  // end_frame / reset (or the co_await when across_await)
  bool across_await;
};

struct SpawnFact {
  const clang::Expr* spawn;  // the std::thread / std::async / job call
  clang::SourceRange value;  // the argument carrying frame memory
  LoanId loan;
};

struct FunctionFacts {
  std::vector<Loan> loans;
  std::vector<EscapeFact> escapes;
  std::vector<UseFact> uses;
  std::vector<SpawnFact> spawns;
  // Summary for callers.
  bool returns_frame = false;
  std::vector<bool> returns_param;
  std::vector<bool> stores_param;
  bool analysed = false;  // false: no body or no CFG (facts are empty)

  bool is_memory(LoanId id) const { return loans[id].kind != Loan::Kind::Param; }
};

// Analyses functions of one TU, caching per-function results (which are also the summaries).
class LoanAnalyzer {
 public:
  LoanAnalyzer(clang::ASTContext& ctx, const FrameApi& api);
  ~LoanAnalyzer();
  LoanAnalyzer(const LoanAnalyzer&) = delete;
  LoanAnalyzer& operator=(const LoanAnalyzer&) = delete;

  const FunctionFacts& facts(const clang::FunctionDecl* fn);

  clang::ASTContext& context() const { return ctx_; }
  const FrameApi& api() const { return api_; }

 private:
  clang::ASTContext& ctx_;
  const FrameApi& api_;
  std::map<const clang::FunctionDecl*, std::unique_ptr<FunctionFacts>> cache_;
};

}  // namespace fa::check

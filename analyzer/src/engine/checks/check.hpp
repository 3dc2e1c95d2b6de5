// A check turns loan facts and AST structure of one function into findings. One class per check,
// each in its own file; make_checks() lists them all.
#pragma once

#include "../finding_sink.hpp"
#include "../frame_api.hpp"
#include "../loan_flow.hpp"

#include <memory>
#include <vector>

namespace fa::check {

struct CheckContext {
  clang::ASTContext& ast;
  LoanAnalyzer& loans;
  const FrameApi& api;
  const Config& config;
  FindingSink& sink;
};

class Check {
 public:
  virtual ~Check() = default;
  // Called for every function definition (including lambda bodies) outside system headers.
  virtual void check_function(const clang::FunctionDecl& fn, CheckContext& cx) = 0;
};

std::unique_ptr<Check> make_escape_check();                 // FA002
std::unique_ptr<Check> make_use_after_end_check();          // FA601
std::unique_ptr<Check> make_cross_thread_check();           // FA201
std::unique_ptr<Check> make_missing_barrier_check();        // FA205
std::unique_ptr<Check> make_hot_loop_check();               // FA530
std::unique_ptr<Check> make_frame_boundary_check();         // FA001
std::unique_ptr<Check> make_coroutine_check();              // FA602, FA603
std::unique_ptr<Check> make_barrier_participation_check();  // FA202
std::unique_ptr<Check> make_unbounded_loop_check();         // FA531
std::unique_ptr<Check> make_tag_check();                    // FA701, FA702
std::vector<std::unique_ptr<Check>> make_checks();

// Source text of a range (for messages).
std::string source_text(clang::SourceRange r, const clang::ASTContext& ast);

}  // namespace fa::check

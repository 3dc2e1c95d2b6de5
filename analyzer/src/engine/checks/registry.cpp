#include "check.hpp"

#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

namespace fa::check {

std::vector<std::unique_ptr<Check>> make_checks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(make_escape_check());
  checks.push_back(make_use_after_end_check());
  checks.push_back(make_cross_thread_check());
  checks.push_back(make_missing_barrier_check());
  checks.push_back(make_hot_loop_check());
  checks.push_back(make_frame_boundary_check());
  checks.push_back(make_coroutine_check());
  checks.push_back(make_barrier_participation_check());
  checks.push_back(make_unbounded_loop_check());
  checks.push_back(make_tag_check());
  return checks;
}

std::string source_text(clang::SourceRange r, const clang::ASTContext& ast) {
  const clang::SourceManager& sm = ast.getSourceManager();
  auto range = clang::CharSourceRange::getTokenRange(sm.getExpansionRange(r).getAsRange());
  return std::string(clang::Lexer::getSourceText(range, sm, ast.getLangOpts()));
}

}  // namespace fa::check

#include "ast_util.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>

namespace fa::check {

bool contains_api(const clang::Stmt* s, const FrameApi& api, ApiKind kind) {
  if (s == nullptr) return false;
  if (const auto* e = llvm::dyn_cast<clang::Expr>(s); e != nullptr && api.classify(e) == kind) return true;
  if (const auto* l = llvm::dyn_cast<clang::LambdaExpr>(s)) return contains_api(l->getBody(), api, kind);
  for (const clang::Stmt* child : s->children()) {
    if (contains_api(child, api, kind)) return true;
  }
  return false;
}

const clang::FunctionDecl* spawned_function(const clang::Expr* arg) {
  const clang::Expr* e = arg->IgnoreParenImpCasts();
  while (true) {
    if (const auto* m = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(e)) {
      e = m->getSubExpr()->IgnoreParenImpCasts();
    } else if (const auto* b = llvm::dyn_cast<clang::CXXBindTemporaryExpr>(e)) {
      e = b->getSubExpr()->IgnoreParenImpCasts();
    } else if (const auto* c = llvm::dyn_cast<clang::CXXConstructExpr>(e);
               c != nullptr && c->getNumArgs() == 1) {
      e = c->getArg(0)->IgnoreParenImpCasts();
    } else {
      break;
    }
  }
  if (const auto* l = llvm::dyn_cast<clang::LambdaExpr>(e)) return l->getCallOperator();
  if (const auto* u = llvm::dyn_cast<clang::UnaryOperator>(e);
      u != nullptr && u->getOpcode() == clang::UO_AddrOf) {
    e = u->getSubExpr()->IgnoreParenImpCasts();
  }
  if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(e)) {
    if (const auto* fn = llvm::dyn_cast<clang::FunctionDecl>(d->getDecl())) return fn->getDefinition();
  }
  return nullptr;
}

const clang::Stmt* spawned_body(const clang::Expr* arg) {
  const clang::FunctionDecl* fn = spawned_function(arg);
  return fn != nullptr ? fn->getBody() : nullptr;
}

std::vector<const clang::Expr*> spawn_args(const clang::Expr* spawn) {
  std::vector<const clang::Expr*> out;
  if (const auto* call = llvm::dyn_cast<clang::CallExpr>(spawn)) {
    for (const clang::Expr* a : call->arguments()) out.push_back(a);
  } else if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructExpr>(spawn)) {
    for (const clang::Expr* a : ctor->arguments()) out.push_back(a);
  }
  return out;
}

bool calls(const clang::Expr* e, std::string_view name) {
  const clang::NamedDecl* callee = nullptr;
  if (const auto* call = llvm::dyn_cast<clang::CallExpr>(e)) callee = call->getDirectCallee();
  if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructExpr>(e))
    callee = ctor->getConstructor()->getParent();
  return callee != nullptr && FrameApi::qualified_name(callee) == name;
}

bool is_loop(const clang::Stmt* s) {
  return llvm::isa<clang::ForStmt, clang::WhileStmt, clang::DoStmt, clang::CXXForRangeStmt>(s);
}

bool is_thread_join(const clang::Expr* e) {
  const auto* mc = llvm::dyn_cast<clang::CXXMemberCallExpr>(e);
  if (mc == nullptr || mc->getMethodDecl() == nullptr) return false;
  const std::string name = FrameApi::qualified_name(mc->getMethodDecl());
  return name == "std::thread::join" || name == "std::jthread::join";
}

}  // namespace fa::check

// Small AST queries shared by the structural checks.
#pragma once

#include "../frame_api.hpp"

#include <clang/AST/Stmt.h>

namespace fa::check {

// True when `s` (recursively, including nested lambdas) contains an expression of `kind`.
bool contains_api(const clang::Stmt* s, const FrameApi& api, ApiKind kind);

// The code a spawn argument runs on the other thread: a lambda's body or a same-TU function's body.
const clang::Stmt* spawned_body(const clang::Expr* arg);

// The arguments of a spawn expression (CallExpr or CXXConstructExpr).
std::vector<const clang::Expr*> spawn_args(const clang::Expr* spawn);

// Calls std::thread::join / std::jthread::join: the spawned work is finished afterwards.
bool is_thread_join(const clang::Expr* e);

}  // namespace fa::check

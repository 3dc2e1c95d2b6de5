// Small AST queries shared by the structural checks.
#pragma once

#include "../frame_api.hpp"

#include <clang/AST/Stmt.h>

#include <string_view>

namespace fa::check {

// True when `s` (recursively, including nested lambdas) contains an expression of `kind`.
bool contains_api(const clang::Stmt* s, const FrameApi& api, ApiKind kind);

// The code a spawn argument runs on the other thread: a lambda's body or a same-TU function's body.
const clang::Stmt* spawned_body(const clang::Expr* arg);
// The same as a function: the lambda's call operator or the same-TU definition (null otherwise).
const clang::FunctionDecl* spawned_function(const clang::Expr* arg);

// Calls or constructs something whose qualified name is `name` (e.g. "fa::FrameLoop::begin_frame").
bool calls(const clang::Expr* e, std::string_view name);

// The innermost loop statement kinds the structural checks care about.
bool is_loop(const clang::Stmt* s);

// The arguments of a spawn expression (CallExpr or CXXConstructExpr).
std::vector<const clang::Expr*> spawn_args(const clang::Expr* spawn);

// Calls std::thread::join / std::jthread::join: the spawned work is finished afterwards.
bool is_thread_join(const clang::Expr* e);

}  // namespace fa::check

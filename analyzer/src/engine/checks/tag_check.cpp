// Tags named in code (SmartAlloc::push_tag / with_tag, fa::TagScope) against .fa.toml [tags]:
// FA701: a literal tag name that is not in tags.known (only when the list is non-empty).
// FA702: a tag name in a file that tags.modules maps to another tag (the most specific matching
//        glob wins). Names that are not string literals are not checked.
#include "../path_glob.hpp"
#include "ast_util.hpp"
#include "check.hpp"

#include <clang/AST/ExprCXX.h>

#include <algorithm>
#include <optional>

namespace fa::check {
namespace {

// The tag-name argument of a tagging call, or null.
const clang::Expr* tag_argument(const clang::Expr* e) {
  for (std::string_view name : {"fa::SmartAlloc::push_tag", "fa::SmartAlloc::with_tag"}) {
    if (calls(e, name)) {
      const auto* call = llvm::cast<clang::CallExpr>(e);
      return call->getNumArgs() > 0 ? call->getArg(0) : nullptr;
    }
  }
  if (calls(e, "fa::TagScope")) {
    const auto* ctor = llvm::cast<clang::CXXConstructExpr>(e);
    return ctor->getNumArgs() > 1 ? ctor->getArg(1) : nullptr;
  }
  return nullptr;
}

// The string literal behind a std::string_view / std::string argument.
std::optional<std::string> literal_text(const clang::Expr* e) {
  while (e != nullptr) {
    e = e->IgnoreImplicit();
    if (const auto* s = llvm::dyn_cast<clang::StringLiteral>(e)) return s->getString().str();
    if (const auto* c = llvm::dyn_cast<clang::CXXConstructExpr>(e); c != nullptr && c->getNumArgs() >= 1) {
      e = c->getArg(0);
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

class TagCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    if (cx.config.known_tags.empty() && cx.config.module_tags.empty()) return;
    walk(fn.getBody(), cx);
  }

 private:
  void walk(const clang::Stmt* s, CheckContext& cx) {
    if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return;  // lambda bodies are functions too
    if (const auto* e = llvm::dyn_cast<clang::Expr>(s)) {
      if (const clang::Expr* arg = tag_argument(e)) check_tag(e, arg, cx);
    }
    for (const clang::Stmt* child : s->children()) walk(child, cx);
  }

  void check_tag(const clang::Expr* call, const clang::Expr* arg, CheckContext& cx) {
    std::optional<std::string> name = literal_text(arg);
    if (!name) return;
    const std::vector<std::string>& known = cx.config.known_tags;
    if (!known.empty() && std::find(known.begin(), known.end(), *name) == known.end()) {
      cx.sink.report("FA701", arg->getSourceRange(), "tag '" + *name + "' is not a known tag",
                     {{call->getBeginLoc(), "tagged here; known tags are listed in " + config_name(cx)}},
                     "use one of the tags in [tags] known, or add '" + *name + "' there");
      return;  // one finding per name
    }
    const clang::SourceManager& sm = cx.ast.getSourceManager();
    const std::string file = sm.getFilename(sm.getExpansionLoc(call->getBeginLoc())).str();
    const std::pair<const std::string, std::string>* module = nullptr;
    for (const auto& entry : cx.config.module_tags) {
      if (matches_glob(file, entry.first) && (module == nullptr || entry.first.size() > module->first.size()))
        module = &entry;
    }
    if (module == nullptr || module->second == *name) return;
    cx.sink.report(
        "FA702", arg->getSourceRange(),
        "tag '" + *name + "' used in a module mapped to tag '" + module->second + "'",
        {{call->getBeginLoc(), "files matching '" + module->first + "' use tag '" + module->second + "' (" +
                                   config_name(cx) + " [tags.modules])"}},
        "tag this code '" + module->second + "', or map the file to '" + *name + "' in [tags.modules]");
  }

  static std::string config_name(const CheckContext& cx) {
    return cx.config.source.empty() ? ".fa.toml" : cx.config.source;
  }
};

}  // namespace

std::unique_ptr<Check> make_tag_check() {
  return std::make_unique<TagCheck>();
}

}  // namespace fa::check

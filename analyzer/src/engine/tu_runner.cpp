#include "tu_runner.hpp"

#include "checks/check.hpp"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Support/raw_ostream.h>

#include <array>
#include <cstdlib>
#include <string_view>

namespace fa::check {
namespace {

class FunctionVisitor : public clang::RecursiveASTVisitor<FunctionVisitor> {
 public:
  explicit FunctionVisitor(std::vector<const clang::FunctionDecl*>& out) : out_(out) {}
  bool shouldVisitLambdaBody() const { return true; }
  bool VisitFunctionDecl(clang::FunctionDecl* fn) {
    if (fn->doesThisDeclarationHaveABody() && !fn->isDependentContext()) out_.push_back(fn);
    return true;
  }

 private:
  std::vector<const clang::FunctionDecl*>& out_;
};

class CheckConsumer : public clang::ASTConsumer {
 public:
  CheckConsumer(const Config& config, std::vector<Finding>& out) : config_(config), out_(out) {}

  void HandleTranslationUnit(clang::ASTContext& ctx) override {
    if (ctx.getDiagnostics().hasErrorOccurred()) return;  // the TU is reported as a tool error
    const clang::SourceManager& sm = ctx.getSourceManager();
    std::vector<const clang::FunctionDecl*> functions;
    FunctionVisitor visitor(functions);
    for (clang::Decl* d : ctx.getTranslationUnitDecl()->decls()) {
      // Whole system headers are skipped: no finding can be reported there.
      if (sm.isInSystemHeader(sm.getExpansionLoc(d->getLocation()))) continue;
      visitor.TraverseDecl(d);
    }
    FrameApi api(config_);
    LoanAnalyzer loans(ctx, api);
    FindingSink sink(ctx, config_);
    CheckContext cx{ctx, loans, api, config_, sink};
    auto checks = make_checks();
    const bool debug = std::getenv("FA_CHECK_DEBUG") != nullptr;
    for (const clang::FunctionDecl* fn : functions) {
      if (debug) {
        const FunctionFacts& f = loans.facts(fn);
        llvm::errs() << "fa-check: " << fn->getQualifiedNameAsString() << ": analysed=" << f.analysed
                     << " loans=" << f.loans.size() << " uses=" << f.uses.size()
                     << " escapes=" << f.escapes.size() << " spawns=" << f.spawns.size() << "\n";
      }
      for (auto& check : checks) check->check_function(*fn, cx);
    }
    out_ = sink.take();
  }

 private:
  const Config& config_;
  std::vector<Finding>& out_;
};

class CheckAction : public clang::ASTFrontendAction {
 public:
  CheckAction(const Config& config, std::vector<Finding>& out) : config_(config), out_(out) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance&, llvm::StringRef) override {
    return std::make_unique<CheckConsumer>(config_, out_);
  }

 private:
  const Config& config_;
  std::vector<Finding>& out_;
};

class CheckActionFactory : public clang::tooling::FrontendActionFactory {
 public:
  CheckActionFactory(const Config& config, std::vector<Finding>& out) : config_(config), out_(out) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<CheckAction>(config_, out_);
  }

 private:
  const Config& config_;
  std::vector<Finding>& out_;
};

// Collects the TU's error messages so a parse failure can be reported with its cause.
class ErrorCollector : public clang::DiagnosticConsumer {
 public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < clang::DiagnosticsEngine::Error || messages_.size() >= 3) return;
    llvm::SmallString<256> text;
    info.FormatDiagnostic(text);
    std::string where;
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      clang::PresumedLoc p = info.getSourceManager().getPresumedLoc(info.getLocation());
      if (p.isValid()) where = std::string(p.getFilename()) + ":" + std::to_string(p.getLine()) + ": ";
    }
    messages_.push_back(where + std::string(text));
  }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

constexpr std::array<std::string_view, 14> kGccOnlyPrefixes = {"-fconcepts-diagnostics-depth",
                                                               "-fno-tree-",
                                                               "-ftree-",
                                                               "-fmax-errors",
                                                               "-fno-lifetime-dse",
                                                               "-fipa-",
                                                               "-fno-ipa-",
                                                               "-flto-partition",
                                                               "-fuse-linker-plugin",
                                                               "-fno-var-tracking",
                                                               "-fno-semantic-interposition",
                                                               "-fstack-clash-protection",
                                                               "-fno-allow-store-data-races",
                                                               "-fcallgraph-info"};

}  // namespace

std::vector<std::string> strip_gcc_only_flags(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    // GCC precompiled headers (CMake's cmake_pch.hxx + .gch) cannot be read by Clang; the sources
    // compile without them, as with CMAKE_DISABLE_PRECOMPILE_HEADERS.
    if (a == "-include" && i + 1 < args.size() && args[i + 1].find("cmake_pch.") != std::string::npos) {
      ++i;
      continue;
    }
    bool drop = a == "-Werror" || a.rfind("-Werror=", 0) == 0 || a == "-Winvalid-pch";
    for (std::string_view p : kGccOnlyPrefixes) drop |= std::string_view(a).substr(0, p.size()) == p;
    if (!drop) out.push_back(a);
  }
  return out;
}

TuResult analyze_tu(const clang::tooling::CompilationDatabase& db, const std::string& file,
                    const Request& request) {
  TuResult result;
  // Test hook for crash isolation: a TU whose path ends with this value aborts its worker.
  if (const char* crash = std::getenv("FA_CHECK_TEST_CRASH_SUFFIX");
      crash != nullptr && *crash != '\0' && llvm::StringRef(file).endswith(crash)) {
    std::abort();
  }
  clang::tooling::ClangTool tool(db, {file});
  for (const auto& [path, text] : request.overlays) tool.mapVirtualFile(path, text);
  const std::string resource_dir =
      request.resource_dir.empty() ? default_resource_dir() : request.resource_dir;
  tool.appendArgumentsAdjuster(clang::tooling::getClangStripOutputAdjuster());
  tool.appendArgumentsAdjuster(clang::tooling::getClangSyntaxOnlyAdjuster());
  tool.appendArgumentsAdjuster(clang::tooling::getClangStripDependencyFileAdjuster());
  tool.appendArgumentsAdjuster([](const clang::tooling::CommandLineArguments& args, llvm::StringRef) {
    return strip_gcc_only_flags(args);
  });
  tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
      {"-resource-dir", resource_dir, "-Wno-unknown-warning-option", "-w"},
      clang::tooling::ArgumentInsertPosition::BEGIN));
  ErrorCollector errors;
  tool.setDiagnosticConsumer(&errors);
  CheckActionFactory factory(request.config, result.findings);
  int rc = tool.run(&factory);
  if (rc != 0 || errors.getNumErrors() > 0) {
    std::string msg = "failed to parse";
    for (const std::string& m : errors.messages()) msg += "\n  " + m;
    if (errors.messages().empty()) msg += " (no compile command or unreadable file)";
    result.error = msg;
    result.findings.clear();
  }
  return result;
}

}  // namespace fa::check

// FA001 (static): a frame allocation that can run while no frame is active on its thread.
// A may-analysis over the CFG tracks "a frame may be closed here": it starts closed at the entry
// of main() and of code spawned onto a new thread (a fresh thread has no frame), is opened by
// begin_frame() (or FrameLoop::begin_frame / wait_for_frame) and closed by end_frame(). Entry of
// any other function is unknown (its caller may have begun a frame), so helpers stay silent.
// Only allocations inside loops are reported (once per loop): a loop that allocates with no
// begin_frame()/end_frame() in scope, or whose body ends the frame but never begins the next one.
#include "ast_util.hpp"
#include "check.hpp"

#include <clang/Analysis/CFG.h>

#include <map>
#include <set>

namespace fa::check {
namespace {

bool opens_frame(const clang::Expr* e, const FrameApi& api) {
  return api.classify(e) == ApiKind::BeginFrame || calls(e, "fa::FrameLoop::begin_frame") ||
         calls(e, "fa::FrameLoop::wait_for_frame");
}

bool closes_frame(const clang::Expr* e, const FrameApi& api) {
  return api.classify(e) == ApiKind::EndFrame || calls(e, "fa::FrameLoop::end_frame") ||
         calls(e, "fa::FrameLoop::thread_end_frame");
}

// Innermost loop around each statement of a body (lambda bodies excluded: they run elsewhere).
void map_loops(const clang::Stmt* s, const clang::Stmt* loop,
               std::map<const clang::Stmt*, const clang::Stmt*>& out) {
  if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return;
  if (is_loop(s)) loop = s;
  if (loop != nullptr) out.emplace(s, loop);
  for (const clang::Stmt* child : s->children()) map_loops(child, loop, out);
}

class FrameBoundaryCheck final : public Check {
 public:
  void check_function(const clang::FunctionDecl& fn, CheckContext& cx) override {
    analyse(fn, nullptr, fn.isMain(), cx);
    // Every thread or job started here begins with no frame of its own.
    std::vector<const clang::Expr*> spawns;
    collect_spawns(fn.getBody(), cx.api, spawns);
    for (const clang::Expr* spawn : spawns) {
      for (const clang::Expr* arg : spawn_args(spawn)) {
        const clang::FunctionDecl* body = spawned_function(arg);
        if (body != nullptr && body->hasBody()) analyse(*body, spawn, true, cx);
      }
    }
  }

 private:
  static void collect_spawns(const clang::Stmt* s, const FrameApi& api,
                             std::vector<const clang::Expr*>& out) {
    if (s == nullptr || llvm::isa<clang::LambdaExpr>(s)) return;
    if (const auto* e = llvm::dyn_cast<clang::Expr>(s);
        e != nullptr && api.classify(e) == ApiKind::ThreadSpawn) {
      // fa::jobs run on workers that already take part in the job system's frames.
      if (calls(e, "std::thread") || calls(e, "std::jthread") || calls(e, "std::async")) out.push_back(e);
    }
    for (const clang::Stmt* child : s->children()) collect_spawns(child, api, out);
  }

  // `spawn`: where the thread running `fn` was started (null otherwise). `closed_at_entry`: no
  // frame is active when `fn` starts (main and thread bodies); otherwise the caller may have one.
  void analyse(const clang::FunctionDecl& fn, const clang::Expr* spawn, bool closed_at_entry,
               CheckContext& cx) {
    if (!contains_api(fn.getBody(), cx.api, ApiKind::FrameAlloc)) return;
    clang::CFG::BuildOptions opts;
    opts.setAllAlwaysAdd();
    auto cfg = clang::CFG::buildCFG(&fn, fn.getBody(), &cx.ast, opts);
    if (!cfg) return;
    // State per block entry: the frame may be closed (true) and where it was closed.
    std::map<unsigned, const clang::Expr*> closed_by;  // block -> closing call (null = at entry)
    std::set<unsigned> may_close;
    std::set<unsigned> visited;
    std::map<const clang::Expr*, const clang::Expr*> findings;  // allocation -> what closed the frame
    std::vector<std::pair<const clang::CFGBlock*, std::pair<bool, const clang::Expr*>>> work{
        {&cfg->getEntry(), {closed_at_entry, nullptr}}};
    for (int guard = 0; !work.empty() && guard < 100000; ++guard) {
      auto [b, st] = work.back();
      work.pop_back();
      const unsigned id = b->getBlockID();
      const bool seen = visited.count(id) != 0;
      if (seen && (!st.first || may_close.count(id))) continue;  // nothing new reaches this block
      visited.insert(id);
      if (st.first) {
        may_close.insert(id);
        closed_by.emplace(id, st.second);
      }
      bool closed = st.first;
      const clang::Expr* by = st.second;
      for (const clang::CFGElement& el : *b) {
        auto cs = el.getAs<clang::CFGStmt>();
        if (!cs) continue;
        const auto* e = llvm::dyn_cast<clang::Expr>(cs->getStmt());
        if (e == nullptr) continue;
        if (opens_frame(e, cx.api)) closed = false;
        if (closes_frame(e, cx.api)) {
          closed = true;
          by = e;
        }
        if (closed && cx.api.classify(e) == ApiKind::FrameAlloc) findings.emplace(e, by);
      }
      for (const clang::CFGBlock* succ : b->succs()) {
        if (succ != nullptr) work.push_back({succ, {closed, by}});
      }
    }
    report(fn, spawn, findings, cx);
  }

  void report(const clang::FunctionDecl& fn, const clang::Expr* spawn,
              const std::map<const clang::Expr*, const clang::Expr*>& findings, CheckContext& cx) {
    std::map<const clang::Stmt*, const clang::Stmt*> loops;
    map_loops(fn.getBody(), nullptr, loops);
    const clang::SourceManager& sm = cx.ast.getSourceManager();
    std::vector<std::pair<const clang::Expr*, const clang::Expr*>> ordered(findings.begin(), findings.end());
    std::sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) {
      return sm.isBeforeInTranslationUnit(a.first->getBeginLoc(), b.first->getBeginLoc());
    });
    std::set<const clang::Stmt*> loops_reported;
    for (const auto& [alloc, by] : ordered) {
      auto loop = loops.find(alloc);
      // Outside loops the runtime's FA001 catches it on the first run; loops are the static case.
      if (loop == loops.end() || !loops_reported.insert(loop->second).second) continue;
      std::vector<NoteAt> notes;
      if (by != nullptr) {
        notes.push_back({by->getBeginLoc(), "the frame ends here and no begin_frame() follows on this path"});
      } else if (spawn != nullptr) {
        notes.push_back({spawn->getBeginLoc(), "this thread starts here with no frame of its own"});
      } else {
        notes.push_back({fn.getLocation(), "no frame is active when the program starts"});
      }
      notes.push_back({loop->second->getBeginLoc(), "the loop allocates on every iteration"});
      cx.sink.report("FA001", alloc->getSourceRange(),
                     "frame allocation can run while no frame is active on this thread (no begin_frame() "
                     "before it on this path)",
                     std::move(notes),
                     "call begin_frame() before allocating in each iteration (and end_frame() after), or use "
                     "pool_alloc/heap_alloc for data outside frames");
    }
  }
};

}  // namespace

std::unique_ptr<Check> make_frame_boundary_check() {
  return std::make_unique<FrameBoundaryCheck>();
}

}  // namespace fa::check

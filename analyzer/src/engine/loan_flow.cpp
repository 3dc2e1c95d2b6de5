#include "loan_flow.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>
#include <clang/Lex/Lexer.h>

#include <cstdlib>
#include <optional>
#include <set>

namespace fa::check {
namespace {

using LoanSet = std::set<LoanId>;

struct State {
  std::map<const clang::VarDecl*, LoanSet> vars;
  std::map<LoanId, clang::SourceLocation> expired;    // loan -> where its frame ended
  std::map<LoanId, clang::SourceLocation> suspended;  // loan -> co_await it was live across
  bool reached = false;

  bool operator==(const State&) const = default;

  void merge(const State& o) {
    if (!o.reached) return;
    reached = true;
    for (const auto& [v, ls] : o.vars) vars[v].insert(ls.begin(), ls.end());
    expired.insert(o.expired.begin(), o.expired.end());
    suspended.insert(o.suspended.begin(), o.suspended.end());
  }
};

void add(LoanSet& to, const LoanSet& from) {
  to.insert(from.begin(), from.end());
}

const clang::Expr* strip(const clang::Expr* e) {
  while (e != nullptr) {
    const clang::Expr* next = e->IgnoreParens();
    if (const auto* c = llvm::dyn_cast<clang::CastExpr>(next)) {
      next = c->getSubExpr();
    } else if (const auto* f = llvm::dyn_cast<clang::FullExpr>(next)) {
      next = f->getSubExpr();
    } else if (const auto* m = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(next)) {
      next = m->getSubExpr();
    } else if (const auto* b = llvm::dyn_cast<clang::CXXBindTemporaryExpr>(next)) {
      next = b->getSubExpr();
    }
    if (next == e) return e;
    e = next;
  }
  return e;
}

// Scalars (numbers, enums, bools) copy a value out of frame memory; they never carry a loan.
bool can_carry(clang::QualType t) {
  if (t->isReferenceType()) return true;
  return !(t->isArithmeticType() || t->isEnumeralType() || t->isVoidType() || t->isNullPtrType());
}

// An expression naming a place inside some object (as opposed to a pointer/view value).
bool is_place_access(const clang::Expr* e) {
  if (llvm::isa<clang::MemberExpr, clang::ArraySubscriptExpr>(e)) return true;
  if (const auto* u = llvm::dyn_cast<clang::UnaryOperator>(e)) return u->getOpcode() == clang::UO_Deref;
  if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(e)) {
    auto k = op->getOperator();
    return k == clang::OO_Star || k == clang::OO_Subscript || k == clang::OO_Arrow;
  }
  return false;
}

// Helpers whose bodies give summaries: our own code, not the runtime (modelled by name) or the
// standard library (containers are modelled by their insert methods).
bool has_summary(const clang::FunctionDecl* callee, const clang::FunctionDecl* self) {
  if (callee == nullptr || callee == self || !callee->hasBody()) return false;
  const std::string name = FrameApi::qualified_name(callee);
  return name.rfind("fa::", 0) != 0 && name.rfind("std::", 0) != 0 && name.rfind("__gnu_cxx::", 0) != 0;
}

// The allocator a runtime call goes through, as written ("alloc", "a.alloc"); "" when unknown.
std::string owner_text(const clang::Expr* call, const clang::ASTContext& ctx) {
  const auto* mc = llvm::dyn_cast<clang::CXXMemberCallExpr>(call);
  if (mc == nullptr || mc->getImplicitObjectArgument() == nullptr) return {};
  const clang::Expr* obj = mc->getImplicitObjectArgument()->IgnoreParenImpCasts();
  const clang::SourceManager& sm = ctx.getSourceManager();
  if (obj->getBeginLoc().isMacroID()) return {};
  std::string text(clang::Lexer::getSourceText(clang::CharSourceRange::getTokenRange(obj->getSourceRange()),
                                               sm, ctx.getLangOpts()));
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n') out += c;
  }
  return out;
}

bool is_local(const clang::VarDecl* v) {
  return v->hasLocalStorage() && !v->getType()->isReferenceType();
}

constexpr const char* kInsertMethods[] = {"push_back",     "emplace_back",     "push_front",
                                          "emplace_front", "insert",           "emplace",
                                          "push",          "insert_or_assign", "try_emplace"};

bool is_insert_method(const clang::CXXMethodDecl* m) {
  if (m == nullptr || !m->getDeclName().isIdentifier()) return false;
  for (const char* n : kInsertMethods) {
    if (m->getName() == n) return true;
  }
  return false;
}

// Where a store lands.
struct Place {
  enum Kind { Unknown, Local, Global, Frame, Outside } kind = Unknown;
  const clang::VarDecl* var = nullptr;
  std::string name;
};

class FunctionFlow {
 public:
  FunctionFlow(LoanAnalyzer& an, const clang::FunctionDecl* fn, FunctionFacts& out)
      : an_(an), api_(an.api()), fn_(fn), out_(out) {}

  void run() {
    clang::CFG::BuildOptions opts;
    opts.AddImplicitDtors = false;
    opts.AddInitializers = false;
    opts.AddLifetime = false;
    opts.setAllAlwaysAdd();  // every subexpression is an element: DeclRefExprs are the uses
    cfg_ = clang::CFG::buildCFG(fn_, fn_->getBody(), &an_.context(), opts);
    if (!cfg_) return;
    out_.analysed = true;
    out_.returns_param.assign(fn_->getNumParams(), false);
    out_.stores_param.assign(fn_->getNumParams(), false);
    collect_loans_and_lhs();

    std::vector<unsigned> rpo = reverse_post_order();
    std::vector<const clang::CFGBlock*> by_id(cfg_->getNumBlockIDs(), nullptr);
    for (const clang::CFGBlock* b : *cfg_) by_id[b->getBlockID()] = b;

    entry_.assign(cfg_->getNumBlockIDs(), State{});
    State& start = entry_[cfg_->getEntry().getBlockID()];
    start.reached = true;
    seed_params(start);

    recording_ = false;
    for (int round = 0; round < 64; ++round) {
      bool changed = false;
      for (unsigned id : rpo) {
        const clang::CFGBlock* b = by_id[id];
        if (b == nullptr) continue;
        State s = entry_[id];
        if (!s.reached) continue;
        transfer_block(*b, s);
        for (const clang::CFGBlock* succ : b->succs()) {
          if (succ == nullptr) continue;
          State merged = entry_[succ->getBlockID()];
          merged.merge(s);
          if (!(merged == entry_[succ->getBlockID()])) {
            entry_[succ->getBlockID()] = std::move(merged);
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    recording_ = true;
    for (unsigned id : rpo) {
      const clang::CFGBlock* b = by_id[id];
      if (b == nullptr || !entry_[id].reached) continue;
      State s = entry_[id];
      transfer_block(*b, s);
    }
  }

 private:
  // Blocks in reverse post-order from the entry, so most predecessors are visited first.
  std::vector<unsigned> reverse_post_order() const {
    std::vector<unsigned> post;
    std::vector<bool> seen(cfg_->getNumBlockIDs(), false);
    std::vector<std::pair<const clang::CFGBlock*, clang::CFGBlock::const_succ_iterator>> stack;
    const clang::CFGBlock* entry = &cfg_->getEntry();
    seen[entry->getBlockID()] = true;
    stack.emplace_back(entry, entry->succ_begin());
    while (!stack.empty()) {
      auto& [block, it] = stack.back();
      if (it == block->succ_end()) {
        post.push_back(block->getBlockID());
        stack.pop_back();
        continue;
      }
      const clang::CFGBlock* next = *it;
      ++it;
      if (next != nullptr && !seen[next->getBlockID()]) {
        seen[next->getBlockID()] = true;
        stack.emplace_back(next, next->succ_begin());
      }
    }
    return {post.rbegin(), post.rend()};
  }

  LoanId loan_for(const clang::Expr* origin, Loan::Kind kind, unsigned index) {
    auto it = loan_ids_.find(origin);
    if (it != loan_ids_.end()) return it->second;
    LoanId id = static_cast<LoanId>(out_.loans.size());
    out_.loans.push_back(Loan{kind, origin, index, {}});
    loan_ids_.emplace(origin, id);
    return id;
  }

  void seed_params(State& s) {
    for (unsigned i = 0; i < fn_->getNumParams(); ++i) {
      const clang::ParmVarDecl* p = fn_->getParamDecl(i);
      if (!can_carry(p->getType())) continue;
      LoanId id = static_cast<LoanId>(out_.loans.size());
      out_.loans.push_back(Loan{Loan::Kind::Param, nullptr, i, {}});
      s.vars[p].insert(id);
    }
  }

  // Issues loan ids up front so end_frame() expires loans of allocations later in the body too,
  // and remembers which DeclRefExprs are not uses: assignment targets and null tests.
  void collect_loans_and_lhs() {
    for (const clang::CFGBlock* b : *cfg_) {
      for (const clang::CFGElement& el : *b) {
        auto cs = el.getAs<clang::CFGStmt>();
        if (!cs) continue;
        const clang::Stmt* st = cs->getStmt();
        if (const auto* e = llvm::dyn_cast<clang::Expr>(st)) new_loan_at(e);
        if (const auto* bo = llvm::dyn_cast<clang::BinaryOperator>(st);
            bo != nullptr && bo->isAssignmentOp()) {
          if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(bo->getLHS()->IgnoreParens()))
            lhs_.insert(d);
        }
        // Testing a pointer against null reads no frame memory: `if (cached == nullptr)` is not a use.
        if (const auto* bo = llvm::dyn_cast<clang::BinaryOperator>(st); bo != nullptr && bo->isEqualityOp()) {
          for (const clang::Expr* side : {bo->getLHS(), bo->getRHS()}) {
            const clang::Expr* other = side == bo->getLHS() ? bo->getRHS() : bo->getLHS();
            if (other->isNullPointerConstant(an_.context(), clang::Expr::NPC_ValueDependentIsNotNull)) {
              if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(side->IgnoreParenImpCasts()))
                lhs_.insert(d);
            }
          }
        }
        // FrameBox::expired() asks exactly the question that is safe after the frame.
        if (const auto* mc = llvm::dyn_cast<clang::CXXMemberCallExpr>(st);
            mc != nullptr && mc->getMethodDecl() != nullptr &&
            FrameApi::qualified_name(mc->getMethodDecl()) == "fa::FrameBox::expired") {
          if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(
                  mc->getImplicitObjectArgument()->IgnoreParenImpCasts())) {
            lhs_.insert(d);
          }
        }
        if (const auto* c = llvm::dyn_cast<clang::ImplicitCastExpr>(st);
            c != nullptr && c->getCastKind() == clang::CK_PointerToBoolean) {
          if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(c->getSubExpr()->IgnoreParenImpCasts()))
            lhs_.insert(d);
        }
        if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(st);
            op != nullptr && op->getOperator() == clang::OO_Equal) {
          if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(strip(op->getArg(0)))) lhs_.insert(d);
        }
      }
    }
  }

  // The loan an expression issues by itself (an allocation call, a frame-resource container,
  // a helper returning frame memory), or none.
  std::optional<LoanId> new_loan_at(const clang::Expr* e) {
    unsigned arena = 0;
    switch (api_.classify(e, &arena)) {
      case ApiKind::FrameAlloc: {
        LoanId id = loan_for(e, Loan::Kind::Frame, 0);
        if (out_.loans[id].owner.empty()) out_.loans[id].owner = owner_text(e, an_.context());
        return id;
      }
      case ApiKind::ArenaAlloc: {
        LoanId id = loan_for(e, Loan::Kind::Arena, arena);
        if (out_.loans[id].owner.empty()) out_.loans[id].owner = owner_text(e, an_.context());
        return id;
      }
      default:
        break;
    }
    if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructExpr>(e)) {
      for (const clang::Expr* arg : ctor->arguments()) {
        const clang::Expr* a = strip(arg);
        if (const auto* u = llvm::dyn_cast<clang::UnaryOperator>(a);
            u != nullptr && u->getOpcode() == clang::UO_AddrOf) {
          a = strip(u->getSubExpr());
        }
        if (api_.classify(a) == ApiKind::FrameResource) return loan_for(e, Loan::Kind::Frame, 0);
      }
    }
    if (const auto* call = llvm::dyn_cast<clang::CallExpr>(e)) {
      const clang::FunctionDecl* callee = call->getDirectCallee();
      if (has_summary(callee, fn_)) {
        const FunctionFacts& f = an_.facts(callee->getDefinition());
        if (f.returns_frame) return loan_for(e, Loan::Kind::Frame, 0);
      }
    }
    return std::nullopt;
  }

  LoanSet value_loans(const clang::Expr* e, const State& s) {
    LoanSet r;
    e = strip(e);
    if (e == nullptr) return r;
    if (auto id = new_loan_at(e)) {
      r.insert(*id);
      return r;
    }
    // An explicit hand-over; and a thread or future object is not itself frame memory (the spawn
    // is recorded as a SpawnFact instead).
    if (ApiKind k = api_.classify(e); k == ApiKind::Transfer || k == ApiKind::ThreadSpawn) return r;
    if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(e)) {
      if (const auto* v = llvm::dyn_cast<clang::VarDecl>(d->getDecl())) {
        auto it = s.vars.find(v);
        if (it != s.vars.end()) r = it->second;
      }
      return r;
    }
    if (const auto* u = llvm::dyn_cast<clang::UnaryOperator>(e)) {
      switch (u->getOpcode()) {
        case clang::UO_AddrOf:
        case clang::UO_Deref:
        case clang::UO_PreInc:
        case clang::UO_PreDec:
        case clang::UO_PostInc:
        case clang::UO_PostDec:
          return value_loans(u->getSubExpr(), s);
        default:
          return r;
      }
    }
    if (const auto* b = llvm::dyn_cast<clang::BinaryOperator>(e)) {
      if (b->isAssignmentOp() || b->getOpcode() == clang::BO_Comma) return value_loans(b->getRHS(), s);
      if (b->isAdditiveOp() && b->getType()->isPointerType()) {
        r = value_loans(b->getLHS(), s);
        add(r, value_loans(b->getRHS(), s));
      }
      return r;
    }
    if (const auto* c = llvm::dyn_cast<clang::AbstractConditionalOperator>(e)) {
      r = value_loans(c->getTrueExpr(), s);
      add(r, value_loans(c->getFalseExpr(), s));
      return r;
    }
    if (const auto* m = llvm::dyn_cast<clang::MemberExpr>(e)) return value_loans(m->getBase(), s);
    if (const auto* a = llvm::dyn_cast<clang::ArraySubscriptExpr>(e)) return value_loans(a->getBase(), s);
    if (const auto* l = llvm::dyn_cast<clang::LambdaExpr>(e)) {
      for (const clang::Expr* init : l->capture_inits()) {
        if (init != nullptr) add(r, value_loans(init, s));
      }
      return r;
    }
    if (const auto* il = llvm::dyn_cast<clang::InitListExpr>(e)) {
      for (const clang::Expr* init : il->inits()) add(r, value_loans(init, s));
      return r;
    }
    if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructExpr>(e)) {
      const clang::CXXConstructorDecl* cd = ctor->getConstructor();
      if ((cd->isCopyOrMoveConstructor()) && ctor->getNumArgs() >= 1) {
        const clang::Expr* src = strip(ctor->getArg(0));
        // Copying an object out of frame memory is a value; copying a view keeps pointing in.
        if (is_place_access(src) && !FrameApi::is_view_type(ctor->getType())) return r;
        return value_loans(src, s);
      }
      for (const clang::Expr* arg : ctor->arguments()) add(r, value_loans(arg, s));
      return r;
    }
    if (const auto* call = llvm::dyn_cast<clang::CallExpr>(e)) {
      if (!can_carry(call->getType())) return r;
      const clang::FunctionDecl* callee = call->getDirectCallee();
      std::string name = FrameApi::qualified_name(callee);
      if ((name == "std::move" || name == "std::forward") && call->getNumArgs() == 1) {
        return value_loans(call->getArg(0), s);
      }
      if (const auto* mc = llvm::dyn_cast<clang::CXXMemberCallExpr>(call)) {
        // box.get(), span.data(), vec.begin(), span.subspan(): a view of the same memory.
        if (mc->getImplicitObjectArgument() != nullptr)
          add(r, value_loans(mc->getImplicitObjectArgument(), s));
      } else if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(call)) {
        if (op->getNumArgs() >= 1 && op->getOperator() != clang::OO_Equal)
          add(r, value_loans(op->getArg(0), s));
      }
      if (has_summary(callee, fn_)) {
        const FunctionFacts& f = an_.facts(callee->getDefinition());
        unsigned first =
            llvm::isa<clang::CXXOperatorCallExpr>(call) && llvm::isa<clang::CXXMethodDecl>(callee) ? 1 : 0;
        for (unsigned i = 0; i < f.returns_param.size() && i + first < call->getNumArgs(); ++i) {
          if (f.returns_param[i]) add(r, value_loans(call->getArg(i + first), s));
        }
      }
      return r;
    }
    return r;
  }

  // Loans that a binding of `init` to an object of type `t` would keep.
  LoanSet bound_loans(clang::QualType t, const clang::Expr* init, const State& s) {
    if (!can_carry(t)) return {};
    const clang::Expr* e = strip(init);
    if (!t->isReferenceType() && !t->isPointerType() && t->isRecordType() && !FrameApi::is_view_type(t) &&
        e != nullptr && is_place_access(e)) {
      return {};
    }
    return value_loans(init, s);
  }

  Place place_of(const clang::Expr* lhs, const State& s) {
    const clang::Expr* e = strip(lhs);
    Place p;
    if (e == nullptr) return p;
    if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(e)) {
      const auto* v = llvm::dyn_cast<clang::VarDecl>(d->getDecl());
      if (v == nullptr) return p;
      p.var = v;
      p.name = v->getNameAsString();
      if (v->hasGlobalStorage()) {
        p.kind = Place::Global;
      } else if (is_local(v)) {
        p.kind = Place::Local;
      } else {
        auto it = s.vars.find(v);
        bool frame = false;
        if (it != s.vars.end()) {
          for (LoanId id : it->second) frame |= out_.is_memory(id);
        }
        p.kind = frame ? Place::Frame : Place::Outside;
      }
      return p;
    }
    auto through_pointer = [&](const clang::Expr* ptr, std::string name) {
      Place q;
      q.name = std::move(name);
      if (llvm::isa<clang::CXXThisExpr>(strip(ptr))) {
        q.kind = Place::Outside;
        return q;
      }
      bool frame = false;
      for (LoanId id : value_loans(ptr, s)) frame |= out_.is_memory(id);
      q.kind = frame ? Place::Frame : Place::Outside;
      return q;
    };
    if (const auto* m = llvm::dyn_cast<clang::MemberExpr>(e)) {
      std::string name = m->getMemberDecl()->getNameAsString();
      if (m->isArrow()) return through_pointer(m->getBase(), name);
      Place base = place_of(m->getBase(), s);
      if (base.kind == Place::Unknown && llvm::isa<clang::CXXThisExpr>(strip(m->getBase())))
        base.kind = Place::Outside;
      base.name = base.name.empty() ? name : base.name + "." + name;
      return base;
    }
    if (const auto* u = llvm::dyn_cast<clang::UnaryOperator>(e);
        u != nullptr && u->getOpcode() == clang::UO_Deref) {
      return through_pointer(
          u->getSubExpr(), "*" + std::string(clang::Lexer::getSourceText(
                                     clang::CharSourceRange::getTokenRange(u->getSubExpr()->getSourceRange()),
                                     an_.context().getSourceManager(), an_.context().getLangOpts())));
    }
    if (const auto* a = llvm::dyn_cast<clang::ArraySubscriptExpr>(e)) {
      if (a->getBase()->IgnoreParenImpCasts()->getType()->isArrayType())
        return place_of(a->getBase()->IgnoreParenImpCasts(), s);
      return through_pointer(a->getBase(), "element");
    }
    if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(e)) {
      if ((op->getOperator() == clang::OO_Subscript || op->getOperator() == clang::OO_Star) &&
          op->getNumArgs() >= 1) {
        return place_of(op->getArg(0), s);
      }
      if (op->getOperator() == clang::OO_Arrow && op->getNumArgs() >= 1)
        return through_pointer(op->getArg(0), "member");
    }
    return p;
  }

  void escape(EscapeTarget target, const clang::Stmt* where, const LoanSet& loans, const std::string& name,
              const State& s) {
    for (LoanId id : loans) {
      const Loan& l = out_.loans[id];
      if (l.kind == Loan::Kind::Param) {
        if (target != EscapeTarget::Returned) out_.stores_param[l.index] = true;
        continue;
      }
      if (target == EscapeTarget::Returned && !s.expired.count(id)) continue;
      if (recording_) out_.escapes.push_back(EscapeFact{target, where->getSourceRange(), id, name});
    }
  }

  // A store of `loans` into `place` (assignment or element/member store).
  void store(const Place& place, const clang::Stmt* where, const LoanSet& loans, bool replace, State& s,
             EscapeTarget outside_kind) {
    switch (place.kind) {
      case Place::Local:
        if (replace) {
          s.vars[place.var] = loans;
        } else {
          add(s.vars[place.var], loans);
        }
        break;
      case Place::Global:
        escape(EscapeTarget::Global, where, loans, place.name, s);
        break;
      case Place::Outside:
        escape(outside_kind, where, loans, place.name, s);
        break;
      case Place::Frame:
      case Place::Unknown:
        break;
    }
  }

  // Expires the loans of one allocator: end_frame() on `b.alloc` leaves `a.alloc`'s memory alone.
  void expire(Loan::Kind kind, unsigned arena, const std::string& owner, clang::SourceLocation at, State& s) {
    for (LoanId id = 0; id < out_.loans.size(); ++id) {
      const Loan& l = out_.loans[id];
      if (l.kind != kind || (kind == Loan::Kind::Arena && l.index != arena)) continue;
      if (!owner.empty() && !l.owner.empty() && owner != l.owner) continue;
      s.expired.emplace(id, at);
    }
  }

  void transfer_block(const clang::CFGBlock& b, State& s) {
    for (const clang::CFGElement& el : b) {
      if (auto cs = el.getAs<clang::CFGStmt>()) transfer(cs->getStmt(), s);
    }
  }

  void transfer(const clang::Stmt* st, State& s) {
    if (const auto* e = llvm::dyn_cast<clang::Expr>(st)) {
      if (auto id = new_loan_at(e)) {
        s.expired.erase(*id);
        s.suspended.erase(*id);
      }
      unsigned arena = 0;
      ApiKind kind = api_.classify(e, &arena);
      if (kind == ApiKind::EndFrame)
        expire(Loan::Kind::Frame, 0, owner_text(e, an_.context()), e->getBeginLoc(), s);
      if (kind == ApiKind::ArenaReset) {
        expire(Loan::Kind::Arena, arena, owner_text(e, an_.context()), e->getBeginLoc(), s);
      }
      if (kind == ApiKind::ThreadSpawn) record_spawn(e, s);
    }
    if (llvm::isa<clang::CoawaitExpr, clang::CoyieldExpr>(st)) {
      for (const auto& [v, ls] : s.vars) {
        for (LoanId id : ls) {
          if (out_.is_memory(id)) s.suspended.emplace(id, st->getBeginLoc());
        }
      }
    }
    if (const auto* d = llvm::dyn_cast<clang::DeclRefExpr>(st)) {
      use(d, s);
    } else if (const auto* ds = llvm::dyn_cast<clang::DeclStmt>(st)) {
      for (const clang::Decl* decl : ds->decls()) {
        const auto* v = llvm::dyn_cast<clang::VarDecl>(decl);
        if (v == nullptr || v->getInit() == nullptr) continue;
        LoanSet ls = bound_loans(v->getType(), v->getInit(), s);
        if (v->hasGlobalStorage()) {
          escape(EscapeTarget::Global, ds, ls, v->getNameAsString(), s);
        } else if (ls.empty()) {
          s.vars.erase(v);
        } else {
          s.vars[v] = ls;
        }
      }
    } else if (const auto* bo = llvm::dyn_cast<clang::BinaryOperator>(st)) {
      if (bo->getOpcode() == clang::BO_Assign) {
        assign(bo->getLHS(), bo->getRHS(), bo, s);
      } else if (bo->isCompoundAssignmentOp() && bo->getType()->isPointerType()) {
        // p += n keeps p's loans.
      }
    } else if (const auto* op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(st)) {
      if (op->getOperator() == clang::OO_Equal && op->getNumArgs() == 2)
        assign(op->getArg(0), op->getArg(1), op, s);
    } else if (const auto* mc = llvm::dyn_cast<clang::CXXMemberCallExpr>(st)) {
      if (is_insert_method(mc->getMethodDecl()) && mc->getImplicitObjectArgument() != nullptr) {
        LoanSet ls;
        for (const clang::Expr* arg : mc->arguments()) add(ls, bound_loans(arg->getType(), arg, s));
        if (!ls.empty())
          store(place_of(mc->getImplicitObjectArgument(), s), mc, ls, false, s, EscapeTarget::Container);
      }
    } else if (const auto* rs = llvm::dyn_cast<clang::ReturnStmt>(st)) {
      if (rs->getRetValue() != nullptr) {
        LoanSet ls = bound_loans(fn_->getReturnType(), rs->getRetValue(), s);
        for (LoanId id : ls) {
          const Loan& l = out_.loans[id];
          if (l.kind == Loan::Kind::Param) {
            out_.returns_param[l.index] = true;
          } else if (!s.expired.count(id)) {
            out_.returns_frame = true;
          }
        }
        escape(EscapeTarget::Returned, rs, ls, "the caller", s);
      }
    }
    if (const auto* call = llvm::dyn_cast<clang::CallExpr>(st)) callee_stores(call, s);
  }

  void assign(const clang::Expr* lhs, const clang::Expr* rhs, const clang::Stmt* where, State& s) {
    LoanSet ls = bound_loans(lhs->getType(), rhs, s);
    Place p = place_of(lhs, s);
    bool direct = llvm::isa<clang::DeclRefExpr>(strip(lhs));
    store(p, where, ls, direct, s, EscapeTarget::Member);
  }

  // Arguments passed to a same-TU helper that stores its parameter somewhere lasting.
  void callee_stores(const clang::CallExpr* call, State& s) {
    const clang::FunctionDecl* callee = call->getDirectCallee();
    if (!has_summary(callee, fn_)) return;
    const FunctionFacts& f = an_.facts(callee->getDefinition());
    unsigned first =
        llvm::isa<clang::CXXOperatorCallExpr>(call) && llvm::isa<clang::CXXMethodDecl>(callee) ? 1 : 0;
    for (unsigned i = 0; i < f.stores_param.size() && i + first < call->getNumArgs(); ++i) {
      if (!f.stores_param[i]) continue;
      const clang::Expr* arg = call->getArg(i + first);
      escape(EscapeTarget::Callee, arg, bound_loans(arg->getType(), arg, s), callee->getNameAsString() + "()",
             s);
    }
  }

  void record_spawn(const clang::Expr* e, const State& s) {
    if (!recording_) return;
    auto each_arg = [&](const clang::Expr* arg) {
      for (LoanId id : value_loans(arg, s)) {
        if (out_.is_memory(id)) out_.spawns.push_back(SpawnFact{e, arg->getSourceRange(), id});
      }
    };
    if (const auto* call = llvm::dyn_cast<clang::CallExpr>(e)) {
      for (const clang::Expr* arg : call->arguments()) each_arg(arg);
    } else if (const auto* ctor = llvm::dyn_cast<clang::CXXConstructExpr>(e)) {
      for (const clang::Expr* arg : ctor->arguments()) each_arg(arg);
    }
  }

  void use(const clang::DeclRefExpr* d, const State& s) {
    if (!recording_) return;
    const auto* v = llvm::dyn_cast<clang::VarDecl>(d->getDecl());
    if (v == nullptr) return;
    // Assigning to a reference writes through it: that is a use.
    if (lhs_.count(d) && !v->getType()->isReferenceType()) return;
    auto it = s.vars.find(v);
    if (it == s.vars.end()) return;
    for (LoanId id : it->second) {
      if (!out_.is_memory(id)) continue;
      if (auto ex = s.expired.find(id); ex != s.expired.end()) {
        out_.uses.push_back(UseFact{v, d->getSourceRange(), id, ex->second, false});
      } else if (auto su = s.suspended.find(id); su != s.suspended.end()) {
        out_.uses.push_back(UseFact{v, d->getSourceRange(), id, su->second, true});
      }
    }
  }

  LoanAnalyzer& an_;
  const FrameApi& api_;
  const clang::FunctionDecl* fn_;
  FunctionFacts& out_;
  std::unique_ptr<clang::CFG> cfg_;
  std::vector<State> entry_;
  std::map<const clang::Expr*, LoanId> loan_ids_;
  std::set<const clang::DeclRefExpr*> lhs_;
  bool recording_ = false;
};

}  // namespace

LoanAnalyzer::LoanAnalyzer(clang::ASTContext& ctx, const FrameApi& api) : ctx_(ctx), api_(api) {}
LoanAnalyzer::~LoanAnalyzer() = default;

const FunctionFacts& LoanAnalyzer::facts(const clang::FunctionDecl* fn) {
  auto it = cache_.find(fn);
  if (it != cache_.end()) return *it->second;  // also breaks recursion: in-progress = empty summary
  auto& slot = cache_[fn];
  slot = std::make_unique<FunctionFacts>();
  FunctionFacts result;
  if (fn->hasBody() && !fn->isDependentContext()) {
    FunctionFlow(*this, fn, result).run();
  }
  *cache_[fn] = std::move(result);
  return *cache_[fn];
}

}  // namespace fa::check

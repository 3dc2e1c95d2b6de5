#include "finding_sink.hpp"

#include "fa_check/suppressions.hpp"

#include <framealloc/diagnostic_codes.hpp>

#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace fa::check {

Location FindingSink::location(clang::SourceRange r) const {
  const clang::SourceManager& sm = ctx_.getSourceManager();
  clang::SourceLocation b = sm.getExpansionLoc(r.getBegin());
  clang::SourceLocation e = sm.getExpansionRange(r.getEnd()).getEnd();
  Location loc;
  clang::PresumedLoc pb = sm.getPresumedLoc(b, false);
  if (pb.isInvalid()) return loc;
  llvm::SmallString<256> path(pb.getFilename());
  llvm::sys::fs::make_absolute(path);
  llvm::sys::path::remove_dots(path, true);
  loc.file = std::string(path);
  loc.line = pb.getLine();
  loc.column = pb.getColumn();
  clang::PresumedLoc pe = sm.getPresumedLoc(e, false);
  if (pe.isValid() && pe.getFileID() == pb.getFileID()) {
    loc.end_line = pe.getLine();
    // Token range: extend to the last character of the last token.
    unsigned len = clang::Lexer::MeasureTokenLength(e, sm, ctx_.getLangOpts());
    loc.end_column = pe.getColumn() + (len > 0 ? len - 1 : 0);
  } else {
    loc.end_line = loc.line;
    loc.end_column = loc.column;
  }
  return loc;
}

std::string FindingSink::line_text(clang::SourceLocation at, int delta) const {
  const clang::SourceManager& sm = ctx_.getSourceManager();
  clang::SourceLocation loc = sm.getExpansionLoc(at);
  clang::FileID fid = sm.getFileID(loc);
  unsigned line = sm.getExpansionLineNumber(loc);
  if (delta < 0 && line <= static_cast<unsigned>(-delta)) return {};
  line = static_cast<unsigned>(static_cast<int>(line) + delta);
  bool invalid = false;
  llvm::StringRef buf = sm.getBufferData(fid, &invalid);
  if (invalid) return {};
  clang::SourceLocation start = sm.translateLineCol(fid, line, 1);
  unsigned off = sm.getFileOffset(start);
  std::size_t end = buf.find('\n', off);
  return std::string(buf.substr(off, end == llvm::StringRef::npos ? llvm::StringRef::npos : end - off));
}

void FindingSink::report(std::string_view code, clang::SourceRange primary, std::string message,
                         std::vector<NoteAt> notes, std::string help) {
  const clang::SourceManager& sm = ctx_.getSourceManager();
  clang::SourceLocation at = sm.getExpansionLoc(primary.getBegin());
  if (at.isInvalid() || sm.isInSystemHeader(at)) return;
  const CodeInfo* info = find_code(code);
  if (info == nullptr) return;
  Severity severity = info->default_severity;
  if (auto it = config_.levels.find(std::string(code)); it != config_.levels.end()) {
    switch (it->second) {
      case Level::Off:
        return;
      case Level::Hint:
        severity = Severity::Hint;
        break;
      case Level::Warning:
        severity = Severity::Warning;
        break;
      case Level::Error:
        severity = Severity::Error;
        break;
    }
  }
  std::string line = line_text(at, 0);
  if (is_suppressed(code, line, line_text(at, -1))) return;
  Finding f;
  f.code = std::string(code);
  f.severity = severity;
  f.message = std::move(message);
  f.location = location(primary);
  f.source_line = std::move(line);
  f.help = help.empty() ? std::string(info->help) : std::move(help);
  if (!seen_.emplace(f.code, f.location.file, f.location.line, f.location.column).second) return;
  for (NoteAt& n : notes) {
    if (n.at.isInvalid()) continue;
    f.notes.push_back(Note{location(clang::SourceRange(n.at, n.at)), std::move(n.message)});
  }
  findings_.push_back(std::move(f));
}

}  // namespace fa::check

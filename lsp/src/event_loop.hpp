// fa-lsp's threads around the single-threaded Server: a reader turns input frames into events, the
// main loop owns all state, one worker runs analyses, one writer owns the output. The analysis
// function is a parameter, so this file has no LLVM dependency and its threads are tested under
// ASan and TSan with a stand-in analyzer (tests/lsp/event_loop_threaded_test.cpp).
#pragma once

#include "fa_check/analyzer.hpp"

#include <cstdio>
#include <functional>
#include <iosfwd>

namespace fa::lsp {

using AnalyzeFn = std::function<fa::check::Report(const fa::check::Request&)>;

// Serves LSP over `in`/`out` until `exit`, the end of input or the parent's death; returns the
// exit code (0 after shutdown, 1 otherwise). The reader thread is detached (it may be blocked in a
// read of `in`); it only touches state it shares ownership of, so it may outlive this call.
int run_server(std::istream& in, std::FILE* out, AnalyzeFn analyze);

}  // namespace fa::lsp

// fa-lsp: the language server executable. The threads and the main loop are in event_loop.cpp;
// this file wires them to stdin/stdout and to the Clang analyzer. Logs go to stderr only.
#include "event_loop.hpp"
#include "snapshot_feed.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

int main() {
  ::signal(SIGPIPE, SIG_IGN);
  try {
    fa::lsp::snapshot_validator();  // a schema the validator cannot fully enforce: refuse to start
  } catch (const std::exception& e) {
    std::cerr << "fa-lsp: cannot validate snapshots against the embedded schema: " << e.what() << std::endl;
    return 2;
  }
  std::ios::sync_with_stdio(false);  // large reads from std::cin without per-character C stdio calls
  const int code = fa::lsp::run_server(
      std::cin, stdout, [](const fa::check::Request& request) { return fa::check::analyze(request); });
  // An analysis may still be running in a child process; do not wait for it.
  std::fflush(stderr);
  ::_exit(code);
}

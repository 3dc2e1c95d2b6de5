#include "snapshot_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <system_error>
#include <vector>

namespace fa::lsp {

SnapshotWatcher::SnapshotWatcher(Callback on_file) : on_file_(std::move(on_file)) {}

SnapshotWatcher::~SnapshotWatcher() {
  stop();
}

void SnapshotWatcher::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  if (::write(stop_fd_, &one, sizeof one) < 0) std::cerr << "fa-lsp: cannot stop watcher\n";
  thread_.join();
  ::close(stop_fd_);
  stop_fd_ = -1;
}

void SnapshotWatcher::watch(const std::string& dir) {
  stop();
  if (dir.empty()) return;
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) {
    std::cerr << "fa-lsp: eventfd failed: " << std::strerror(errno) << "\n";
    return;
  }
  const int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd < 0) {
    std::cerr << "fa-lsp: inotify_init1 failed: " << std::strerror(errno) << "\n";
    ::close(stop_fd_);
    stop_fd_ = -1;
    return;
  }
  // The first watch is added before watch() returns, so a file written right after (e.g. once the
  // client has its initialize answer) is never missed.
  const int wd = add_watch(fd, dir);
  thread_ = std::thread([this, dir, fd, wd] { run(dir, fd, wd); });
}

int SnapshotWatcher::add_watch(int fd, const std::string& dir) {
  const int wd = ::inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO);
  if (wd >= 0) std::cerr << "fa-lsp: watching snapshots in " << dir << "\n";
  return wd;
}

std::vector<std::string> SnapshotWatcher::existing_files(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) names.push_back(e.path().filename().string());
  }
  // Equal-length names sort as their zero-padded frame numbers; shorter names first.
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return names;
}

void SnapshotWatcher::run(std::string dir, int fd, int wd) {
  alignas(inotify_event) char buf[16384];
  // Reports the files of one read(); a name in `skip` was already reported by the scan.
  auto handle = [&](ssize_t n, const std::set<std::string>& skip) {
    for (ssize_t off = 0; n > 0 && off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      if (ev->mask & IN_IGNORED) wd = -1;  // directory removed: wait for it again
      if (ev->len > 0 && (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && !skip.count(ev->name))
        on_file_((std::filesystem::path(dir) / ev->name).string());
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  };
  // Files already in the directory when a watch starts (written before the editor opened, or
  // right after the program created the directory) are reported too, oldest first. The watch is
  // added before the scan, so a file written in between has an event queued as well: the events
  // already queued when the scan ends are filtered against it (later ones, e.g. a rerun of the
  // program rewriting the same frame numbers, are not).
  bool scan = wd >= 0;
  for (;;) {
    if (wd < 0) {
      wd = add_watch(fd, dir);
      scan = wd >= 0;
    }
    if (scan) {
      scan = false;
      std::set<std::string> scanned;
      for (const std::string& name : existing_files(dir)) {
        scanned.insert(name);
        on_file_((std::filesystem::path(dir) / name).string());
      }
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) handle(n, scanned);  // fd is non-blocking
    }
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
    // Until the directory exists, look again every half second.
    const int ready = ::poll(fds, 2, wd < 0 ? 500 : -1);
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) break;
    if (!(fds[1].revents & POLLIN)) continue;
    handle(::read(fd, buf, sizeof buf), {});
  }
  ::close(fd);
}

}  // namespace fa::lsp

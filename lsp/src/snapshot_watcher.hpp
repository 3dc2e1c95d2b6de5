// Watches a directory with inotify for files that appear complete (closed after writing or renamed
// in, which is how SnapshotEmitter publishes atomically) and reports their paths from its own thread.
#pragma once

#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace fa::lsp {

class SnapshotWatcher {
 public:
  using Callback = std::function<void(const std::string& path)>;
  explicit SnapshotWatcher(Callback on_file);
  ~SnapshotWatcher();
  SnapshotWatcher(const SnapshotWatcher&) = delete;
  SnapshotWatcher& operator=(const SnapshotWatcher&) = delete;

  // Starts watching `dir` ("" = stop). An existing directory is watched when this returns; one that
  // does not exist yet is waited for. Files already in it when the watch starts are reported first.
  void watch(const std::string& dir);

 private:
  void stop();
  static int add_watch(int fd, const std::string& dir);
  static std::vector<std::string> existing_files(const std::string& dir);
  void run(std::string dir, int fd, int wd);
  Callback on_file_;
  std::thread thread_;
  int stop_fd_ = -1;  // eventfd that wakes the thread to stop
};

}  // namespace fa::lsp

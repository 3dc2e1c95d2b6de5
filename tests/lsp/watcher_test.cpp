// The inotify watcher: reports files renamed in or closed after writing, waits for a directory that
// does not exist yet, and stops cleanly (run under TSan: callbacks come from the watcher thread).
#include "snapshot_watcher.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Seen {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> paths;
  bool wait_for(std::size_t n) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return paths.size() >= n; });
  }
};

fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("fa_lsp_watch_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p;
}

TEST(SnapshotWatcher, ReportsRenamedAndWrittenFilesInADirectoryCreatedLater) {
  const fs::path dir = fresh_dir("later");
  Seen seen;
  {
    fa::lsp::SnapshotWatcher watcher([&](const std::string& path) {
      std::lock_guard lock(seen.m);
      seen.paths.push_back(path);
      seen.cv.notify_all();
    });
    watcher.watch(dir.string());
    fs::create_directories(dir);
    // The watcher looks for the directory every half second; keep writing until it has seen one.
    bool first = false;
    for (int i = 0; i < 40 && !first; ++i) {
      std::ofstream(dir / ".tmp") << "{}";
      fs::rename(dir / ".tmp", dir / ("snapshot_" + std::to_string(i) + ".json"));
      std::unique_lock lock(seen.m);
      first = seen.cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return !seen.paths.empty(); });
    }
    ASSERT_TRUE(first) << "no event for a file renamed into the directory";
    const std::string direct = (dir / "direct.json").string();
    std::ofstream(direct) << "{}";  // closed after writing
    // Events of files renamed by earlier iterations may still be arriving: wait for this one.
    std::unique_lock lock(seen.m);
    EXPECT_TRUE(seen.cv.wait_for(lock, std::chrono::seconds(10), [&] {
      return std::find(seen.paths.begin(), seen.paths.end(), direct) != seen.paths.end();
    })) << "no event for a file closed after writing";
    EXPECT_EQ(fs::path(seen.paths.front()).parent_path(), dir);
  }  // destructor stops the thread
  fs::remove_all(dir);
}

TEST(SnapshotWatcher, RewatchingAndStoppingDoNotHang) {
  const fs::path a = fresh_dir("a");
  fs::create_directories(a);
  std::atomic<int> calls{0};
  fa::lsp::SnapshotWatcher watcher([&](const std::string&) { ++calls; });
  for (int i = 0; i < 20; ++i) watcher.watch(i % 2 ? a.string() : "");
  watcher.watch("");
  std::ofstream(a / "after_stop.json") << "{}";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(calls.load(), 0);
  fs::remove_all(a);
}

}  // namespace

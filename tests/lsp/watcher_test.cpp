// The inotify watcher: reports files renamed in or closed after writing, waits for a directory that
// does not exist yet, and stops cleanly (run under TSan: callbacks come from the watcher thread).
#include "snapshot_watcher.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
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
  // The watcher callback (called on the watcher thread).
  fa::lsp::SnapshotWatcher::Callback recorder() {
    return [this](const std::string& path) {
      std::lock_guard lock(m);
      paths.push_back(path);
      cv.notify_all();
    };
  }
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
    fa::lsp::SnapshotWatcher watcher(seen.recorder());
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

std::string padded(int frame) {
  char name[64];
  std::snprintf(name, sizeof name, "snapshot_%016d.json", frame);
  return name;
}

std::vector<std::string> names_of(Seen& seen) {
  std::lock_guard lock(seen.m);
  std::vector<std::string> out;
  for (const auto& p : seen.paths) out.push_back(fs::path(p).filename().string());
  return out;
}

// A program that wrote snapshots before the editor started: they are the history, oldest first.
TEST(SnapshotWatcher, ReportsFilesAlreadyThereOnceOldestFirstThenNewOnes) {
  const fs::path dir = fresh_dir("existing");
  fs::create_directories(dir);
  for (int frame : {10, 2, 9}) std::ofstream(dir / padded(frame)) << "{}";
  Seen seen;
  fa::lsp::SnapshotWatcher watcher(seen.recorder());
  watcher.watch(dir.string());
  ASSERT_TRUE(seen.wait_for(3));
  std::ofstream(dir / padded(11)) << "{}";
  ASSERT_TRUE(seen.wait_for(4));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // room for a duplicate to show up
  EXPECT_EQ(names_of(seen), (std::vector<std::string>{padded(2), padded(9), padded(10), padded(11)}));
  watcher.watch("");
  fs::remove_all(dir);
}

// The runtime creates the directory and writes at once, before the watcher's next look: no frame is
// lost and none is reported twice.
TEST(SnapshotWatcher, ADirectoryCreatedLaterWithFilesAlreadyInItLosesNone) {
  const fs::path dir = fresh_dir("burst");
  Seen seen;
  fa::lsp::SnapshotWatcher watcher(seen.recorder());
  watcher.watch(dir.string());
  fs::create_directories(dir);
  // Written elsewhere and renamed in, as SnapshotEmitter does, so each file appears whole at once.
  const fs::path tmp = dir.parent_path() / (dir.filename().string() + ".tmp");
  for (int frame = 1; frame <= 5; ++frame) {
    std::ofstream(tmp) << "{}";
    fs::rename(tmp, dir / padded(frame));
  }
  ASSERT_TRUE(seen.wait_for(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // past the next directory look
  std::vector<std::string> want;
  for (int frame = 1; frame <= 5; ++frame) want.push_back(padded(frame));
  EXPECT_EQ(names_of(seen), want);
  watcher.watch("");
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

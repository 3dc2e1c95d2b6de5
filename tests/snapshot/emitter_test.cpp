// fa::SnapshotEmitter: file names, atomic writes (SIGKILL loop), retention, minimum interval,
// request file, auto-emit, FRAMEALLOC_SNAPSHOT_DIR.
#include <framealloc/framealloc.hpp>

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fa::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "fa_snapshot_XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

std::vector<std::string> snapshot_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("snapshot_") && name.ends_with(".json")) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Snapshot at_frame(std::uint64_t frame) {
  Snapshot s;
  s.frame = frame;
  return s;
}

SnapshotConfig config_in(const fs::path& dir) {
  return SnapshotConfig{}.with_directory(dir).with_min_interval(0ms);
}

TEST(SnapshotEmitter, FileNameHasSixteenDigitFrame) {
  EXPECT_EQ(SnapshotEmitter::file_name(42), "snapshot_0000000000000042.json");
  EXPECT_EQ(SnapshotEmitter::file_name(18446744073709551615ull), "snapshot_18446744073709551615.json");
}

TEST(SnapshotEmitter, EmitWritesCompleteJsonAndLeavesNoTemporary) {
  for (bool durable : {true, false}) {
    TempDir d;
    SnapshotEmitter e(config_in(d.path).with_durable(durable));
    const fs::path written = e.emit(at_frame(7));
    EXPECT_EQ(written, d.path / "snapshot_0000000000000007.json");
    std::ifstream in(written);
    const nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_EQ(j["frame"], 7);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(d.path)) ++entries;
    EXPECT_EQ(entries, 1u);
    EXPECT_EQ(e.emitted(), 1u);
  }
}

TEST(SnapshotEmitter, RetentionKeepsTheNewestMaxSnapshots) {
  TempDir d;
  SnapshotEmitter e(config_in(d.path).with_max_snapshots(3));
  std::ofstream(d.path / "notes.txt") << "not a snapshot";  // foreign files are left alone
  for (std::uint64_t f = 1; f <= 6; ++f) e.emit(at_frame(f));
  EXPECT_EQ(snapshot_files(d.path),
            (std::vector<std::string>{"snapshot_0000000000000004.json", "snapshot_0000000000000005.json",
                                      "snapshot_0000000000000006.json"}));
  EXPECT_TRUE(fs::exists(d.path / "notes.txt"));
}

TEST(SnapshotEmitter, NothingIsWrittenWithoutRequestOrAutoEmit) {
  TempDir d;
  SnapshotEmitter e(config_in(d.path));
  for (std::uint64_t f = 1; f <= 5; ++f) EXPECT_FALSE(e.maybe_emit(at_frame(f)).has_value());
  EXPECT_TRUE(snapshot_files(d.path).empty());
}

TEST(SnapshotEmitter, RequestFileIsServedAtTheNextFrameEndAndDeleted) {
  TempDir d;
  SnapshotEmitter e(config_in(d.path));
  std::ofstream(d.path / "snapshot.request").close();  // as the editor tool does
  EXPECT_TRUE(e.request_pending());
  const auto written = e.maybe_emit(at_frame(11));
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(written->filename(), "snapshot_0000000000000011.json");
  EXPECT_FALSE(e.request_pending());
  EXPECT_FALSE(e.maybe_emit(at_frame(12)).has_value());  // one request, one snapshot
  e.request();
  EXPECT_TRUE(e.maybe_emit(at_frame(13)).has_value());
}

TEST(SnapshotEmitter, AutoEmitEveryNFrames) {
  TempDir d;
  SnapshotEmitter e(config_in(d.path).with_auto_emit_every(3));
  std::vector<std::uint64_t> emitted_at;
  for (std::uint64_t f = 1; f <= 9; ++f)
    if (e.maybe_emit(at_frame(f))) emitted_at.push_back(f);
  EXPECT_EQ(emitted_at, (std::vector<std::uint64_t>{3, 6, 9}));
}

TEST(SnapshotEmitter, MinimumIntervalDefersButDoesNotLoseARequest) {
  TempDir d;
  SnapshotEmitter e(config_in(d.path).with_min_interval(150ms).with_auto_emit_every(1));
  EXPECT_TRUE(e.maybe_emit(at_frame(1)).has_value());
  EXPECT_FALSE(e.maybe_emit(at_frame(2)).has_value());  // too soon
  e.request();
  EXPECT_FALSE(e.maybe_emit(at_frame(3)).has_value());  // still too soon: request stays pending
  EXPECT_TRUE(e.request_pending());
  std::this_thread::sleep_for(160ms);
  EXPECT_TRUE(e.maybe_emit(at_frame(4)).has_value());
  EXPECT_FALSE(e.request_pending());
  EXPECT_EQ(snapshot_files(d.path).size(), 2u);
}

TEST(SnapshotEmitter, MaybeEmitFromAllocatorFillsFrameAndDuration) {
  TempDir d;
  SmartAlloc alloc(AllocConfig::minimal());
  SnapshotEmitter e(config_in(d.path).with_auto_emit_every(2));
  std::optional<fs::path> written;
  for (int f = 0; f < 2; ++f) {
    alloc.begin_frame();
    std::this_thread::sleep_for(2ms);
    alloc.end_frame();
    written = e.maybe_emit(alloc);
  }
  ASSERT_TRUE(written.has_value());
  std::ifstream in(*written);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["frame"], 2);
  EXPECT_GE(j["duration_us"].get<std::uint64_t>(), 2000u);  // time between the two frame ends
}

TEST(SnapshotEmitter, DirectoryComesFromTheEnvironmentWhenNotConfigured) {
  TempDir d;
  const fs::path from_env = d.path / "from_env";
  ASSERT_EQ(setenv("FRAMEALLOC_SNAPSHOT_DIR", from_env.c_str(), 1), 0);
  {
    SnapshotEmitter e;
    EXPECT_EQ(e.directory(), from_env);
    EXPECT_TRUE(fs::is_directory(from_env));
    // An explicit directory wins over the environment.
    SnapshotEmitter explicit_dir(SnapshotConfig{}.with_directory(d.path / "explicit"));
    EXPECT_EQ(explicit_dir.directory(), d.path / "explicit");
  }
  unsetenv("FRAMEALLOC_SNAPSHOT_DIR");
  EXPECT_EQ(SnapshotEmitter::default_directory(), fs::path("target/framealloc"));
  ASSERT_EQ(setenv("FRAMEALLOC_SNAPSHOT_DIR", "", 1), 0);  // empty counts as unset
  EXPECT_EQ(SnapshotEmitter::default_directory(), fs::path("target/framealloc"));
  unsetenv("FRAMEALLOC_SNAPSHOT_DIR");
}

TEST(SnapshotEmitter, UnusableDirectoryIsAClearError) {
  TempDir d;
  std::ofstream(d.path / "a_file") << "x";
  EXPECT_THROW(SnapshotEmitter(SnapshotConfig{}.with_directory(d.path / "a_file")), fs::filesystem_error);
  EXPECT_THROW(SnapshotEmitter(SnapshotConfig{}.with_directory(d.path / "a_file" / "sub")),
               fs::filesystem_error);
}

TEST(SnapshotEmitter, FailedWriteKeepsTheRequestAndEarlierFiles) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir d;
  SnapshotEmitter e(config_in(d.path));
  e.emit(at_frame(1));
  e.request();
  fs::permissions(d.path, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(e.maybe_emit(at_frame(2)), fs::filesystem_error);
  fs::permissions(d.path, fs::perms::owner_all);
  EXPECT_TRUE(e.request_pending());
  EXPECT_EQ(snapshot_files(d.path), (std::vector<std::string>{"snapshot_0000000000000001.json"}));
  EXPECT_TRUE(e.maybe_emit(at_frame(2)).has_value());  // served once writing works again
}

TEST(SnapshotEmitter, StaleTemporariesOfDeadWritersAreRemoved) {
  TempDir d;
  // pid 2^22+1 exceeds Linux's pid_max limit, so no process can have it.
  const fs::path stale = d.path / ".snapshot_5.4194305.tmp";
  const fs::path live = d.path / (".snapshot_5." + std::to_string(getpid()) + ".tmp");
  std::ofstream(stale) << "{\"partial";
  std::ofstream(live) << "{\"partial";
  SnapshotEmitter e(config_in(d.path));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));  // its writer (this process) is alive
}

// Every visible snapshot_*.json must be complete JSON.
void expect_all_complete(const fs::path& dir, int& checked) {
  for (const std::string& name : snapshot_files(dir)) {
    std::ifstream in(dir / name);
    if (!in) continue;  // removed by retention between listing and opening
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().empty() && !fs::exists(dir / name)) continue;
    EXPECT_TRUE(nlohmann::json::accept(text.str()))
        << name << " is partial (" << text.str().size() << " bytes)";
    ++checked;
  }
}

TEST(SnapshotEmitter, SigkilledWriterNeverLeavesAPartialSnapshotVisible) {
  TempDir d;
  std::mt19937 rng(12345);
  int checked = 0;
  for (int round = 0; round < 20; ++round) {
    for (const std::string& name : snapshot_files(d.path)) fs::remove(d.path / name);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      execl(FA_SNAPSHOT_WRITER, FA_SNAPSHOT_WRITER, d.path.c_str(), "--forever", static_cast<char*>(nullptr));
      _exit(127);
    }
    // Read while it writes, then kill it at a random moment after its first file.
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    while (snapshot_files(d.path).empty() && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(1ms);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(rng() % 60);
    while (std::chrono::steady_clock::now() < deadline) expect_all_complete(d.path, checked);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited on its own: status " << status;
    expect_all_complete(d.path, checked);
  }
  EXPECT_GT(checked, 20);  // the writers really produced files
}

}  // namespace
}  // namespace fa::test

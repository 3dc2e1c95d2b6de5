#include <framealloc/smart_alloc.hpp>
#include <framealloc/snapshot_emitter.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

namespace fa {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "snapshot_";
constexpr std::string_view kSuffix = ".json";
constexpr std::string_view kTempPrefix = ".snapshot_";  // hidden: ".snapshot_<frame>.<pid>.tmp"

bool is_snapshot_name(const std::string& name) {
  if (name.size() != kPrefix.size() + 16 + kSuffix.size()) return false;
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(kPrefix.size()),
                     name.end() - static_cast<std::ptrdiff_t>(kSuffix.size()),
                     [](char c) { return c >= '0' && c <= '9'; });
}

[[noreturn]] void throw_errno(const std::string& what, const fs::path& p) {
  throw fs::filesystem_error("fa::SnapshotEmitter: " + what, p,
                             std::error_code(errno, std::generic_category()));
}

// Writes all of `text` to a new file at `tmp` (and flushes it to disk when `durable`).
void write_file(const fs::path& tmp, const std::string& text, bool durable) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot create temporary snapshot file", tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = err;
      throw_errno("cannot write temporary snapshot file", tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    throw_errno("cannot flush temporary snapshot file", tmp);
  }
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the rename itself is already atomic
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

fs::path SnapshotEmitter::default_directory() {
  if (const char* env = std::getenv("FRAMEALLOC_SNAPSHOT_DIR"); env && *env) return env;
  return kDefaultSnapshotDirectory;
}

std::string SnapshotEmitter::file_name(std::uint64_t frame) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%016llu", static_cast<unsigned long long>(frame));
  return std::string(kPrefix) + digits + std::string(kSuffix);
}

SnapshotEmitter::SnapshotEmitter(SnapshotConfig config)
    : config_(std::move(config)), dir_(config_.directory.empty() ? default_directory() : config_.directory) {
  fs::create_directories(dir_);  // throws filesystem_error with the path
  if (!fs::is_directory(dir_))
    throw fs::filesystem_error("fa::SnapshotEmitter: not a directory", dir_,
                               std::make_error_code(std::errc::not_a_directory));
  remove_stale_temporaries();
}

void SnapshotEmitter::request() const {
  const fs::path p = dir_ / kSnapshotRequestFile;
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot create the request file", p);
  ::close(fd);
}

bool SnapshotEmitter::request_pending() const {
  std::error_code ec;
  return fs::exists(dir_ / kSnapshotRequestFile, ec);
}

bool SnapshotEmitter::due() {
  ++frames_since_emit_;
  const bool requested = request_pending();
  const bool automatic = config_.auto_emit_every != 0 && frames_since_emit_ >= config_.auto_emit_every;
  if (!requested && !automatic) return false;
  if (last_emit_ && std::chrono::steady_clock::now() - *last_emit_ < config_.min_interval) return false;
  last_was_requested_ = requested;
  return true;
}

std::optional<fs::path> SnapshotEmitter::maybe_emit(const SmartAlloc& alloc) {
  const auto now = std::chrono::steady_clock::now();
  const auto frame_time = last_frame_end_ ? now - *last_frame_end_ : std::chrono::steady_clock::duration{};
  last_frame_end_ = now;
  if (!due()) return std::nullopt;
  Snapshot s = alloc.build_snapshot();
  s.duration_us =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(frame_time).count());
  return emit(s);
}

std::optional<fs::path> SnapshotEmitter::maybe_emit(const Snapshot& snapshot) {
  if (!due()) return std::nullopt;
  return emit(snapshot);
}

fs::path SnapshotEmitter::emit(const Snapshot& snapshot) {
  const std::string text = snapshot.to_json(2) + "\n";
  const fs::path target = dir_ / file_name(snapshot.frame);
  const fs::path tmp = dir_ / (std::string(kTempPrefix) + std::to_string(snapshot.frame) + "." +
                               std::to_string(::getpid()) + ".tmp");
  std::error_code ignored;
  fs::remove(tmp, ignored);  // left by an earlier failed attempt of this process
  write_file(tmp, text, config_.durable);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    throw_errno("cannot publish snapshot file", target);
  }
  if (config_.durable) sync_directory(dir_);
  ++emitted_;
  frames_since_emit_ = 0;
  last_emit_ = std::chrono::steady_clock::now();
  // Served: the request is removed only after the file is visible.
  if (last_was_requested_) fs::remove(dir_ / kSnapshotRequestFile, ignored);
  last_was_requested_ = false;
  apply_retention();
  return target;
}

void SnapshotEmitter::apply_retention() const {
  if (config_.max_snapshots == 0) return;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    if (is_snapshot_name(e.path().filename().string())) files.push_back(e.path());
  }
  if (files.size() <= config_.max_snapshots) return;
  std::sort(files.begin(), files.end());  // 16-digit frame numbers sort by name
  const std::size_t excess = files.size() - config_.max_snapshots;
  for (std::size_t i = 0; i < excess; ++i) fs::remove(files[i], ec);
}

// Temporaries of writers that died (SIGKILL, power loss) before their rename.
void SnapshotEmitter::remove_stale_temporaries() const {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(kTempPrefix) || !name.ends_with(".tmp")) continue;
    const std::string middle = name.substr(0, name.size() - 4);
    const auto dot = middle.rfind('.');
    if (dot == std::string::npos) continue;
    const long pid = std::strtol(middle.c_str() + dot + 1, nullptr, 10);
    if (pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(e.path(), ec);
  }
}

}  // namespace fa

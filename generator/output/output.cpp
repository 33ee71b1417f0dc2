#include "output/output.h"
#include "output/manifest.h"

#include "base/filesystem.h"
#include "base/parallel.h"

#include "output/interrupt.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace cartable {

// Output paths are built from validated names (entry slugs, names read from
// folder listings); one that would leave the output folder ('..', absolute,
// empty component) is a bug, reported as an internal error and never written.
// split_relative_path()'s rule without allocating: every page written and
// every path of a manifest read is asked.
bool leaves_output(std::string_view path) {
  if (path.empty() || path[0] == '/' || path.find('\0') != std::string_view::npos) return true;
  bool named = false;
  for (size_t start = 0; start <= path.size();) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "..") return true;
    named = named || part != ".";
    start = slash + 1;
  }
  return !named;
}

namespace {

std::string escape_error(const std::string& path) {
  return translate(tr("internal error: output path '{1}' would leave the output folder", path));
}

}  // namespace

void DirectoryWriter::write(const std::string& path, std::string_view content) {
  if (leaves_output(path)) {
    std::fprintf(stderr, "cartable: %s\n", escape_error(path).c_str());
    return;
  }
  fs::path full = fs::path(dir_) / path;
  std::error_code ec;
  fs::create_directories(full.parent_path(), ec);
  fs::path tmp = full;
  tmp += ".cartable-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  fs::rename(tmp, full, ec);
}

void DirectoryWriter::copy_file(const std::string& path, const std::string& from) {
  if (leaves_output(path)) {
    std::fprintf(stderr, "cartable: %s\n", escape_error(path).c_str());
    return;
  }
  fs::path full = fs::path(dir_) / path;
  std::error_code ec;
  fs::create_directories(full.parent_path(), ec);
  fs::path tmp = full;
  tmp += ".cartable-tmp";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  fs::rename(tmp, full, ec);
}

void DirectoryWriter::remove(const std::string& path) {
  if (leaves_output(path)) return;
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / path, ec);
}

ContentHash hash_content(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {static_cast<unsigned long long>(h.low64), static_cast<unsigned long long>(h.high64)};
}

ContentHash hash_content(std::string_view prefix, std::string_view bytes) {
  // XXH3's streaming form gives the one-shot hash of the whole text.
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  XXH3_128bits_update(&state, prefix.data(), prefix.size());
  XXH3_128bits_update(&state, bytes.data(), bytes.size());
  XXH128_hash_t h = XXH3_128bits_digest(&state);
  return {static_cast<unsigned long long>(h.low64), static_cast<unsigned long long>(h.high64)};
}

namespace {

// A file the manifest names but whose bytes are not known: written again
// (or removed), never kept.
const OutputFile kUnknownContent{ContentHash{~0ull, ~0ull}, 0, 0};

// In the state folder: the identity of an idle copy staged for publish_staged().
constexpr const char* kStagedMark = "staged";
// ... or this, when the live site already is what the staged build would make.
constexpr const char* kLiveMark = "live";

}  // namespace

// A few bytes, through a temporary name: never half a file.

namespace {

bool is_directory_nofollow(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Every file under the folder `dir_fd`, depth first, by path relative to
// the top (`rel`): file(rel, dir_fd, name) for each, empty_folder(rel) for
// each folder found empty (the top one excepted); links are files, never
// followed. Plain openat/readdir: the std::filesystem iterator's path
// objects were most of walking a tree.
template <typename File, typename EmptyFolder>
bool walk_tree(int dir_fd, std::string& rel, File& file, EmptyFolder& empty_folder) {
  DIR* dir = ::fdopendir(dir_fd);
  if (!dir) {
    ::close(dir_fd);
    return false;
  }
  bool ok = true, empty = true;
  size_t base = rel.size();
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    empty = false;
    bool folder = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      folder = ::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    rel.resize(base);
    if (base) rel += '/';
    rel += name;
    if (!folder) {
      file(std::string_view(rel), ::dirfd(dir), e->d_name);
      continue;
    }
    int sub = ::openat(::dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ok = sub >= 0 && walk_tree(sub, rel, file, empty_folder) && ok;
  }
  rel.resize(base);
  ::closedir(dir);
  if (empty && base) empty_folder(std::string_view(rel));
  return ok;
}

template <typename File, typename EmptyFolder>
bool walk_tree(const std::string& tree, File file, EmptyFolder empty_folder) {
  int fd = ::open(tree.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  std::string rel;
  return fd >= 0 && walk_tree(fd, rel, file, empty_folder);
}

// Every file under `tree`, by relative path.
template <typename Visit>
bool walk_files(const std::string& tree, Visit visit) {
  return walk_tree(
      tree, [&](std::string_view rel, int, const char*) { visit(std::string(rel)); }, [](std::string_view) {});
}

}  // namespace

std::string resolved_output(const std::string& out_dir) {
  fs::path out = fs::absolute(out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  struct stat st {};
  std::error_code ec;
  if (::lstat(out.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    fs::path target = fs::canonical(out, ec);
    if (!ec) out = target;
  }
  return out.string();
}

std::string state_folder_of(const std::string& out_dir) {
  fs::path out = resolved_output(out_dir);
  return (out.parent_path() / ("." + out.filename().string() + ".cartable")).string();
}

std::unique_ptr<StagingDir> StagingDir::open(const std::string& out_dir, Diagnostics& diags) {
  return open(out_dir, Options{}, diags);
}

std::unique_ptr<StagingDir> StagingDir::open(const std::string& out_dir, const Options& options, Diagnostics& diags) {
  std::unique_ptr<StagingDir> staging(new StagingDir());
  if (!staging->prepare(out_dir, options, diags)) return nullptr;
  return staging;
}

bool StagingDir::prepare(const std::string& out_dir, const Options& options, Diagnostics& diags) {
  // A symbolic link to a folder is updated through its target: swapping the
  // link itself away would leave whatever points at it dangling.
  fs::path out = resolved_output(out_dir);
  std::error_code ec;
  struct stat st {};
  if (::lstat(out.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    diags.error({out_dir, 0, 0}, tr("output path exists and is not a folder"),
                tr("pass --out with a folder, or move the file away"));
    return false;
  }
  fs::path parent = out.parent_path();
  std::string name = out.filename().string();
  fs::create_directories(parent, ec);
  out_ = out.string();
  state_ = (parent / ("." + name + ".cartable")).string();
  if (::mkdir(state_.c_str(), 0700) != 0 && errno != EEXIST) {
    diags.error({out_dir, 0, 0}, tr("cannot create {1} beside the output: {2}", state_, std::strerror(errno)),
                tr("check that you may write in the folder that holds the output"));
    return false;
  }
  // Private: the idle copy of an experts' site must not be world-readable.
  if (!is_directory_nofollow(state_) || ::chmod(state_.c_str(), 0700) != 0) {
    diags.error({out_dir, 0, 0}, tr("{1} is not a folder of ours", state_), tr("remove it and build again"));
    return false;
  }
  lock_fd_ = ::open((state_ + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    diags.error({out_dir, 0, 0}, tr("another build is writing to {1}", out_), tr("wait for it to finish"));
    return false;
  }
  // The idle copy is about to change: whatever was staged is no longer.
  ::unlink((state_ + "/" + kStagedMark).c_str());
  // Leftovers of builds that were killed: staging folders of older versions
  // beside the output, scratch space in the state folder.
  std::string leftover = "." + name + ".tmp-";
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    if (e.path().filename().string().rfind(leftover, 0) == 0) fs::remove_all(e.path(), ec);
  }
  fs::remove_all(state_ + "/scratch", ec);

  tree_ = state_ + "/idle";
  if (is_directory_nofollow(tree_)) {
    mode_ = load_manifest(manifest_path(tree_), previous_) ? Mode::Known : Mode::Unknown;
    if (mode_ == Mode::Known && !options.trust_manifest) check_every_file();
    if (mode_ == Mode::Known && options.trust_manifest && ::access(unchecked_mark(tree_).c_str(), F_OK) == 0) {
      check_recorded_files();
    }
    // Files someone else put at the top of the tree (while it was live) are
    // not in its manifest: as files of unknown content, they are rewritten
    // or removed. Deeper ones are left to `--no-cache` builds: walking every
    // folder of a 500,000-page site took 30 s, a hundred times the rebuild.
    if (mode_ == Mode::Known && options.trust_manifest) note_foreign_top_level();
    ::chmod(tree_.c_str(), 0755);
  } else {
    fs::remove_all(tree_, ec);
    if (::mkdir(tree_.c_str(), 0755) != 0) {
      diags.error({out_dir, 0, 0}, tr("cannot create {1}: {2}", tree_, std::strerror(errno)),
                  tr("check that you may write in the folder that holds the output"));
      return false;
    }
    ::chmod(tree_.c_str(), 0755);  // whatever the umask: a published site is world-readable
    mode_ = Mode::Fresh;
  }
  // Manifests and marks of trees that are neither the idle one nor the live
  // one: a restore or a killed build left them.
  std::string idle_id = tree_identity(tree_), live_id = tree_identity(out_);
  for (const auto& e : fs::directory_iterator(state_, ec)) {
    std::string f = e.path().filename().string();
    for (std::string_view prefix : {std::string_view("manifest-"), kUncheckedMark}) {
      if (f.rfind(prefix, 0) != 0) continue;
      std::string id = f.substr(prefix.size());
      if (id != idle_id && id != live_id) fs::remove(e.path(), ec);
    }
  }
  return true;
}

// `--no-cache`: the manifest is believed only for the files the tree still
// holds with the size and time it records (what rsync and the input record
// believe); any other file is of unknown content, rewritten or removed, and
// so is anything the manifest does not name, at any depth. Cheaper than
// reading every file back: one lstat() a file instead of open, read, close.
void StagingDir::check_every_file() {
  OutputFiles checked;
  checked.reserve(previous_.size());
  std::string key;
  auto file = [&](std::string_view rel, int dir_fd, const char* name) {
    key.assign(rel);
    auto known = previous_.find(key);
    struct stat st {};
    bool same = known != previous_.end() && ::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                same_stamp(st, known->second);
    checked.emplace(key, same ? known->second : kUnknownContent);
  };
  walk_tree(tree_, file, [&](std::string_view rel) { empty_dirs_.push_back(tree_ + "/" + std::string(rel)); });
  previous_.swap(checked);
}

// The idle copy's manifest was adopted after a restore (kUncheckedMark):
// each file it records is believed only where it still has the size and
// time recorded; the others are of unknown content, rewritten or removed.
// One lstat() a file, started by the thread that opens the copy while the
// sources load. Without the tree open, every file is unknown (EBADF).
void StagingDir::check_recorded_files() {
  int fd = ::open(tree_.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  std::vector<OutputFiles::value_type*> all;
  all.reserve(previous_.size());
  for (auto& f : previous_) all.push_back(&f);
  auto unknown = [&](size_t i) { all[i]->second = kUnknownContent; };
  look_at_recorded(
      fd, all.size(), [&](size_t i) { return std::pair<std::string_view, const OutputFile*>(all[i]->first, &all[i]->second); },
      unknown, /*stop_at_first=*/false);
  if (fd >= 0) ::close(fd);
}

std::string StagingDir::unchecked_mark(const std::string& tree) const {
  return state_ + "/" + std::string(kUncheckedMark) + tree_identity(tree);
}

void StagingDir::note_foreign_top_level() {
  std::unordered_set<std::string> ours;
  for (const auto& [path, hash] : previous_) ours.insert(path.substr(0, path.find('/')));
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(tree_, ec)) {
    std::string name = e.path().filename().string();
    bool folder = e.is_directory(ec) && !e.is_symlink(ec);
    bool our_file = previous_.count(name) > 0, our_folder = ours.count(name) > 0 && !our_file;
    if (folder ? our_folder : our_file) continue;
    if (!folder) {
      previous_.emplace(name, kUnknownContent);
      continue;
    }
    walk_files(e.path().string(), [&](const std::string& rel) { previous_.emplace(name + "/" + rel, kUnknownContent); });
  }
}

StagingDir::~StagingDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string StagingDir::manifest_path(const std::string& tree) const {
  return state_ + "/manifest-" + tree_identity(tree);
}

void StagingDir::note_error(const std::string& what) {
  std::lock_guard lock(mutex_);
  if (first_error_.empty()) first_error_ = what;
}

// Before the first change to the idle copy, its manifest goes: a build killed
// half-way leaves a tree that the next one compares byte by byte.
void StagingDir::forget_manifest() {
  std::call_once(forgotten_, [this] {
    if (mode_ == Mode::Known) ::unlink(manifest_path(tree_).c_str());
  });
}

// The folders above `full`: the nearest one first, further up only when
// that fails for a missing parent, so a page in a new folder costs one
// mkdir and nothing is remembered (a set of 550,000 folders was 70 MB; the
// stat() calls of create_directories were a tenth of the build). In an idle
// copy something else may sit where a folder must go (a page that became a
// folder): it is removed.
void StagingDir::make_parents(const std::string& full) {
  std::lock_guard lock(mutex_);
  auto make = [&](const std::string& dir) {
    if (::mkdir(dir.c_str(), 0755) == 0) return true;
    if (errno != EEXIST) return false;
    if (mode_ == Mode::Fresh || is_directory_nofollow(dir)) return true;
    std::error_code ec;
    fs::remove_all(dir, ec);
    return ::mkdir(dir.c_str(), 0755) == 0;
  };
  std::vector<std::string> missing;  // nearest first
  for (size_t end = full.rfind('/'); end != std::string::npos && end > tree_.size(); end = full.rfind('/', end - 1)) {
    std::string dir = full.substr(0, end);
    if (make(dir)) break;
    if (errno != ENOENT) return;
    missing.push_back(std::move(dir));
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) make(*it);
}

namespace {

// An empty file at `full` to write into, or -1 with errno. A new file costs
// one open. An existing one is truncated in place (its inode kept), unless
// another name shares it: a file kept by keep_known() is a hard link to the
// live site's, which must never change under its readers, so it is unlinked
// and made anew.
int open_empty(const std::string& full) {
  int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd >= 0 || errno != EEXIST) return fd;
  fd = ::open(full.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;  // a folder (EISDIR) or a link (ELOOP) where the file goes
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 && ::ftruncate(fd, 0) == 0) return fd;
  ::close(fd);
  if (::unlink(full.c_str()) != 0) return -1;
  return ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
}

}  // namespace

// One open, one write, one close. `*mtime_ns`: the file's modification time
// once written, for the manifest.
bool StagingDir::write_file(const std::string& full, std::string_view content, int64_t* mtime_ns) {
  int fd = -1;
  for (int attempt = 0; attempt < 3 && fd < 0; ++attempt) {
    fd = open_empty(full);
    if (fd >= 0) break;
    if (errno == ENOENT || errno == ENOTDIR) {
      make_parents(full);
    } else if (errno == EISDIR || errno == ELOOP) {  // a folder or a link where the file goes
      std::error_code ec;
      fs::remove_all(full, ec);
    } else {
      return false;
    }
  }
  if (fd < 0) return false;
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  int saved = errno;
  struct stat st {};
  *mtime_ns = ::fstat(fd, &st) == 0 ? mtime_ns_of(st) : 0;
  bool ok = ::close(fd) == 0 && done == content.size();
  if (done != content.size()) errno = saved;
  return ok;
}

// True when the idle copy holds `file`'s bytes already; `file` then gets the
// modification time they have there.
bool StagingDir::same_on_disk(const std::string& path, const std::string& full, std::string_view content,
                              OutputFile& file) {
  {
    std::lock_guard lock(mutex_);
    auto now = written_files_.find(path);  // written earlier in this build
    if (now != written_files_.end()) {
      if (now->second.hash != file.hash) return false;
      file = now->second;
      return true;
    }
  }
  if (mode_ == Mode::Known) {
    auto before = previous_.find(path);
    if (before == previous_.end() || before->second.hash != file.hash) return false;
    file = before->second;
    return true;
  }
  // Mode::Unknown: look at the bytes.
  std::string existing;
  struct stat st {};
  if (!read_own_file(full, existing) || existing != content || ::lstat(full.c_str(), &st) != 0) return false;
  file.mtime_ns = mtime_ns_of(st);
  return true;
}

void StagingDir::write(const std::string& path, std::string_view content) {
  if (leaves_output(path)) {
    note_error(escape_error(path));  // commit() then fails: nothing is published
    return;
  }
  OutputFile file{hash_content(content), content.size(), 0};
  std::string full = tree_ + "/" + path;
  bool unchanged = mode_ != Mode::Fresh && same_on_disk(path, full, content, file);
  if (!unchanged) {
    forget_manifest();
    if (mode_ == Mode::Fresh) make_parents(full);
    if (!write_file(full, content, &file.mtime_ns)) note_error(full + ": " + std::strerror(errno));
  }
  std::lock_guard lock(mutex_);
  written_files_[path] = file;
  if (!unchanged) ++written_;
}

void StagingDir::copy_file(const std::string& path, const std::string& from) {
  std::string bytes;
  if (!read_own_file(from, bytes)) {
    note_error(from + ": " + std::strerror(errno));
    return;
  }
  write(path, bytes);
}

// The idle copy holds `hash` at `path` already (by its manifest): kept.
bool StagingDir::idle_holds(const std::string& path, ContentHash hash) {
  OutputFile file{hash, 0, 0};
  if (mode_ != Mode::Known || !same_on_disk(path, tree_ + "/" + path, {}, file)) return false;
  std::lock_guard lock(mutex_);
  written_files_[path] = file;
  return true;
}

void StagingDir::copy_known(const std::string& path, const std::string& from, ContentHash hash) {
  if (!idle_holds(path, hash)) copy_file(path, from);
}

// keep_known() of a file that could not be linked: its bytes are copied
// when they are the ones published; a file changed or lost since (by hand,
// by a restore that stopped half-way) is listed in damaged() instead, for
// the caller to make again.
void StagingDir::copy_kept(const std::string& path, const std::string& from, ContentHash hash) {
  std::string bytes;
  if (idle_holds(path, hash)) return;
  if (read_own_file(from, bytes) && hash_content(bytes) == hash) {
    write(path, bytes);
    return;
  }
  std::lock_guard lock(mutex_);
  damaged_.push_back(path);
}

std::vector<std::string> StagingDir::damaged() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> sorted = damaged_;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

// `from` (a file of the live site) at `path` in the idle copy as a second
// name of the same file, when the file system allows: no byte read or
// written, no disk space. Only while it has the size and time the live
// site's manifest gives it (`known`): a file changed by hand is not
// (copy_kept()). False when it cannot be linked (another
// file system, a limit on links): the caller copies. The link is never
// written through (open_empty()).
bool StagingDir::link_known(const std::string& path, const std::string& from, const OutputFile& known) {
  std::string full = tree_ + "/" + path;
  forget_manifest();
  bool linked = false;
  for (int attempt = 0; attempt < 3 && !linked; ++attempt) {
    linked = ::linkat(AT_FDCWD, from.c_str(), AT_FDCWD, full.c_str(), 0) == 0;  // 0: a link at `from` is not followed
    if (linked) break;
    if (errno == ENOENT) {
      make_parents(full);
    } else if (errno != EEXIST || ::unlink(full.c_str()) != 0) {
      return false;
    }
  }
  if (!linked) return false;
  struct stat st {};
  if (::lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !same_stamp(st, known)) {
    ::unlink(full.c_str());  // not as published: copy_kept() reads it (and refuses a link)
    return false;
  }
  std::lock_guard lock(mutex_);
  written_files_[path] = OutputFile{known.hash, static_cast<uint64_t>(st.st_size), mtime_ns_of(st)};
  ++written_;
  return true;
}

void StagingDir::keep_known(OutputFiles&& files, const std::string& from,
                            const std::function<bool(const std::string&)>& skip) {
  std::vector<std::pair<std::string, OutputFile>> to_copy;
  {
    std::lock_guard lock(mutex_);
    written_files_.reserve(written_files_.size() + files.size());
    for (auto it = files.begin(); it != files.end();) {
      if (written_files_.count(it->first) || skip(it->first)) {
        ++it;
        continue;
      }
      auto node = files.extract(it++);
      auto before = mode_ == Mode::Known ? previous_.find(node.key()) : previous_.end();
      if (before != previous_.end() && before->second.hash == node.mapped().hash) {
        node.mapped() = before->second;  // the idle copy's file, as it is there
        written_files_.insert(std::move(node));  // already in the idle copy: nothing to write
      } else {
        to_copy.emplace_back(std::move(node.key()), node.mapped());
      }
    }
  }
  // The first rebuild after a fresh build keeps every page: at 500,000
  // entries, copies on one thread took 140 s; links on every core take
  // 55-64 s, most of it making the 550,000 folders of the new copy.
  parallel_for(to_copy.size(), 0, [&](size_t i) {
    const auto& [path, known] = to_copy[i];
    if (!link_known(path, from + "/" + path, known)) copy_kept(path, from + "/" + path, known.hash);
  });
  // The tree at `from` is not as its manifest says: looked at file by file
  // before a build writes into it.
  if (!damaged().empty()) replace_own_file(unchecked_mark(from), "");
}

void StagingDir::import_folder(const std::string& dir, const std::string& prefix) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    copy_file(prefix + it->path().lexically_relative(dir).generic_string(), it->path().string());
  }
  if (ec) note_error(dir + ": " + ec.message());
}

namespace {

bool under(const std::string& path, const std::string& prefix) {
  return !prefix.empty() && path.compare(0, prefix.size(), prefix) == 0;
}

// Removes `dirs` that are empty, deepest first, and the parents they leave empty.
void remove_empty_folders(std::vector<std::string> dirs, const std::string& root) {
  std::sort(dirs.begin(), dirs.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (std::string dir : dirs) {
    while (dir.size() > root.size() && ::rmdir(dir.c_str()) == 0) dir = dir.substr(0, dir.rfind('/'));
  }
}

}  // namespace

void StagingDir::remove_stale(const std::string& keep_prefix) {
  if (mode_ == Mode::Known) prune_known(keep_prefix);
  if (mode_ == Mode::Unknown) prune_unknown(keep_prefix);
}

void StagingDir::prune_known(const std::string& keep_prefix) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> dirs;
  for (auto it = previous_.begin(); it != previous_.end();) {
    if (written_files_.count(it->first) || under(it->first, keep_prefix)) {
      ++it;
      continue;
    }
    std::string full = tree_ + "/" + it->first;
    ::unlink(full.c_str());
    ++removed_;
    dirs.push_back(full.substr(0, full.rfind('/')));
    it = previous_.erase(it);
  }
  if (!dirs.empty()) forget_manifest();
  dirs.insert(dirs.end(), empty_dirs_.begin(), empty_dirs_.end());
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  remove_empty_folders(std::move(dirs), tree_);
}

void StagingDir::prune_unknown(const std::string& keep_prefix) {
  std::lock_guard lock(mutex_);
  // Only folders that may be empty are tried: those a stale file leaves,
  // and those found empty (an rmdir() per folder of the site was a fifth of
  // a --no-cache rebuild's removal pass).
  std::vector<std::string> dirs, stale;
  std::string key;
  walk_tree(
      tree_,
      [&](std::string_view rel, int, const char*) {
        key.assign(rel);
        if (!written_files_.count(key) && !under(key, keep_prefix)) stale.push_back(tree_ + "/" + key);
      },
      [&](std::string_view rel) { dirs.push_back(tree_ + "/" + std::string(rel)); });
  for (const std::string& f : stale) {
    ::unlink(f.c_str());
    ++removed_;
    dirs.push_back(f.substr(0, f.rfind('/')));
  }
  remove_empty_folders(std::move(dirs), tree_);
}

bool StagingDir::save_manifest(const std::string& tree) {
  std::string bytes = manifest_bytes(written_files_);
  std::string path = manifest_path(tree), tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = ::close(fd) == 0 && done == bytes.size();
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return ::unlink(tmp.c_str()), false;
  ::unlink(unchecked_mark(tree).c_str());  // every file it records was looked at or written by this build
  return true;
}

bool StagingDir::finish(Diagnostics& diags) {
  if (!first_error_.empty()) {
    diags.error({out_, 0, 0}, tr("could not write the site: {1}", first_error_),
                tr("free some space or fix the permissions, then build again; the previous site is still published"));
    return false;
  }
  remove_stale();
  save_manifest(tree_);  // without it the next build compares bytes: slower, same result
  return true;
}

bool StagingDir::commit(Diagnostics& diags) {
  if (!finish(diags)) return false;
  std::lock_guard hold(interrupt::critical_section());
  committed_ = swap_in(diags);
  if (committed_) interrupt::note_published();
  return committed_;
}

bool StagingDir::stage(Diagnostics& diags) {
  if (!finish(diags)) return false;
  // Without its manifest the copy cannot be vouched for: not staged.
  std::string id = tree_identity(tree_);
  if (id.empty() || ::access(manifest_path(tree_).c_str(), F_OK) != 0 ||
      !replace_own_file(state_ + "/" + kStagedMark, id)) {
    diags.error({out_, 0, 0}, tr("could not stage the new site in {1}", state_), tr("build again"));
    return false;
  }
  return true;
}

std::string StagingDir::staged_fingerprint() const { return fingerprint_of(tree_, state_); }

namespace {

enum class Swapped { No, Renamed, Exchanged };

// Puts `tree` in place of `out`; the old site goes to `tree`.
Swapped swap_trees(const std::string& tree, const std::string& out, const std::string& state) {
  if (!is_directory_nofollow(out) && ::rename(tree.c_str(), out.c_str()) == 0) return Swapped::Renamed;
  // One atomic step: the old site and the new one trade places.
  if (::renameat2(AT_FDCWD, tree.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) return Swapped::Exchanged;
  // File systems without RENAME_EXCHANGE: two renames, a brief gap.
  std::string old = state + "/old";
  std::error_code ec;
  fs::remove_all(old, ec);
  if (::rename(out.c_str(), old.c_str()) != 0 || ::rename(tree.c_str(), out.c_str()) != 0) {
    int saved = errno;
    ::rename(old.c_str(), out.c_str());
    errno = saved;
    return Swapped::No;
  }
  ::rename(old.c_str(), tree.c_str());
  return Swapped::Exchanged;
}

// Takes back a swap_trees() that succeeded.
void unswap_trees(Swapped how, const std::string& tree, const std::string& out, const std::string& state) {
  if (how == Swapped::Renamed) ::rename(out.c_str(), tree.c_str());
  if (how == Swapped::Exchanged) swap_trees(tree, out, state);
}

struct StagedCopy {
  std::string out, state, tree;
  int lock = -1;
  Swapped swapped = Swapped::No;
};

// Locks `out_dir`'s state folder and finds its staged copy. False when the
// folder is busy or nothing complete is staged; `*staged` false when its
// build had nothing to do (the live site is already the new one).
bool find_staged(const std::string& out_dir, StagedCopy& copy, bool* staged, Diagnostics& diags) {
  copy.out = resolved_output(out_dir);
  copy.state = state_folder_of(out_dir);
  copy.tree = copy.state + "/idle";
  *staged = false;
  copy.lock = ::open((copy.state + "/lock").c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (copy.lock >= 0 && ::flock(copy.lock, LOCK_EX | LOCK_NB) != 0) {
    diags.error({out_dir, 0, 0}, tr("another build is writing to {1}", copy.out), tr("wait for it to finish"));
    return false;
  }
  std::string mark;
  if (copy.lock >= 0 && read_own_file(copy.state + "/" + kStagedMark, mark) && mark == kLiveMark) return true;
  std::string id = tree_identity(copy.tree);
  if (copy.lock < 0 || id.empty() || mark != id || ::access((copy.state + "/manifest-" + id).c_str(), F_OK) != 0) {
    diags.error({out_dir, 0, 0}, tr("the copy staged for {1} is incomplete: nothing was published", copy.out),
                tr("run `cartable build --stage` again for every audience"));
    return false;
  }
  *staged = true;
  return true;
}

}  // namespace

bool StagingDir::swap_in(Diagnostics& diags) {
  if (swap_trees(tree_, out_, state_) != Swapped::No) return true;
  diags.error({out_, 0, 0}, tr("could not move the site into place: {1}", std::strerror(errno)),
              tr("build again; the previous site is still published"));
  return false;
}

bool publish_staged(const std::vector<std::string>& out_dirs, Diagnostics& diags) {
  std::vector<StagedCopy> copies(out_dirs.size());
  std::vector<StagedCopy*> ready;
  bool ok = true;
  for (size_t i = 0; i < out_dirs.size() && ok; ++i) {
    bool staged = false;
    ok = find_staged(out_dirs[i], copies[i], &staged, diags);
    if (ok && staged) ready.push_back(&copies[i]);
  }
  if (ok) {
    std::lock_guard hold(interrupt::critical_section());
    for (StagedCopy* copy : ready) {
      copy->swapped = swap_trees(copy->tree, copy->out, copy->state);
      if (copy->swapped != Swapped::No) continue;
      diags.error({copy->out, 0, 0}, tr("could not move the site into place: {1}", std::strerror(errno)),
                  tr("nothing was published: every site is as it was"));
      ok = false;
      break;
    }
    // All or nothing: a failed swap takes back those done before it.
    for (auto it = ready.rbegin(); !ok && it != ready.rend(); ++it) {
      unswap_trees((*it)->swapped, (*it)->tree, (*it)->out, (*it)->state);
    }
    if (ok) {
      for (StagedCopy& copy : copies) ::unlink((copy.state + "/" + kStagedMark).c_str());
      if (!ready.empty()) interrupt::note_published();
    }
  }
  for (StagedCopy& copy : copies) {
    if (copy.lock >= 0) ::close(copy.lock);
  }
  return ok;
}

void stage_unchanged(const std::string& out_dir) {
  replace_own_file(state_folder_of(out_dir) + "/" + kStagedMark, kLiveMark);
}

}  // namespace cartable

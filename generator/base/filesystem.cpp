#include "base/filesystem.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

namespace cartable {

bool FileSystem::is_file(const std::string& path) const {
  FileInfo info;
  return stat(path, &info) && info.kind == FileKind::File;
}

bool FileSystem::is_folder(const std::string& path) const {
  FileInfo info;
  return stat(path, &info) && info.kind == FileKind::Folder;
}

bool split_relative_path(const std::string& path, std::vector<std::string>* parts) {
  parts->clear();
  if (path.empty()) return true;
  if (path[0] == '/' || path.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(start, slash - start);
    if (part.empty() || part == "..") return false;
    if (part != ".") parts->push_back(std::move(part));
    start = slash + 1;
  }
  return true;
}

std::string join_path(const std::string& folder, const std::string& name) {
  if (folder.empty()) return name;
  if (name.empty()) return folder;
  return folder + "/" + name;
}

void report_file_error(const FileResult& r, const std::string& shown, const SourcePos& pos, Diagnostics& diags) {
  switch (r.status) {
    case FileStatus::Ok:
      return;
    case FileStatus::Link:
      diags.error(pos, tr("'{1}' is a symbolic link: cartable reads no file and no folder through a link", shown),
                  tr("replace the link by the file or folder itself (git: commit the file, not a link to it)"));
      return;
    case FileStatus::Missing:
      diags.error(pos, tr("'{1}' not found", shown), tr("check the name: capitals count, and the file must be in the site's folder"));
      return;
    case FileStatus::BadPath:
      diags.error(pos, tr("'{1}' is outside the site's folder", shown),
                  tr("write a path relative to its folder, without '..' or a leading '/'"));
      return;
    case FileStatus::WrongKind:
      diags.error(pos, tr("'{1}' is not a regular file", shown), tr("name a file, not a folder"));
      return;
    case FileStatus::TooLarge:
      diags.error(pos, tr("'{1}' is too large", shown), tr("make it smaller"));
      return;
    case FileStatus::Error:
      diags.error(pos, tr("cannot read '{1}'", shown), tr("check that you may read it"));
      return;
  }
}

// --- DiskFileSystem ----------------------------------------------------------

namespace {

FileKind kind_of(mode_t mode) {
  if (S_ISREG(mode)) return FileKind::File;
  if (S_ISDIR(mode)) return FileKind::Folder;
  if (S_ISLNK(mode)) return FileKind::Link;
  return FileKind::Other;
}

std::string prefix(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < parts.size(); ++i) out = join_path(out, parts[i]);
  return out;
}

// Why openat(name, O_NOFOLLOW) failed: ELOOP (and ENOTDIR with O_DIRECTORY)
// is what a link gives, but so could other things; lstat says for sure.
FileStatus open_failure(int dir_fd, const std::string& name, int err) {
  struct stat st;
  if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return FileStatus::Link;
    if (err == ENOTDIR) return FileStatus::WrongKind;
  }
  if (err == ENOENT) return FileStatus::Missing;
  if (err == ENOTDIR) return FileStatus::Missing;  // a file where a folder was expected on the way
  return FileStatus::Error;
}

// The whole path in one system call, refusing any link on the way and any
// escape from `dir_fd` (Linux 5.6+). -1 when that fails for any reason: the
// caller then walks the path itself, which says what failed and where. At
// 500,000 entries, a folder at a time was four openat() and four close() a
// file, most of reading the sources.
int open_beneath(int dir_fd, const std::string& path, int flags) {
  static std::atomic<bool> unavailable{false};
  if (unavailable.load(std::memory_order_relaxed)) return -1;
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_NOFOLLOW | O_CLOEXEC);
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  long fd = ::syscall(SYS_openat2, dir_fd, path.c_str(), &how, sizeof how);
  // O_NOATIME is refused (EPERM) on a file that is not ours: read it as is.
  if (fd < 0 && errno == EPERM && (flags & O_NOATIME)) return open_beneath(dir_fd, path, flags & ~O_NOATIME);
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) unavailable = true;  // an old kernel, or a sandbox without it
  return static_cast<int>(fd);
}

// The bytes of regular file `fd`, expected to be `size` long. One read() a
// file: a short read at the size fstat gave is the end of the file, so no
// second call to see 0 (at 500,000 entries read twice, a million calls).
// The buffer has a byte to spare, so a file that grew since is read whole.
FileStatus read_whole(int fd, size_t size, uint64_t max_bytes, std::string* contents) {
  size_t want = size + 1;
  size_t got = 0;
  contents->resize(want);
  while (true) {
    ssize_t n = ::read(fd, contents->data() + got, want - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileStatus::Error;
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got > max_bytes) return FileStatus::TooLarge;  // grew while we read it
    if (got < want) {
      if (got == size) break;
      continue;
    }
    want = got * 2;
    contents->resize(want);
  }
  contents->resize(got);
  return FileStatus::Ok;
}

}  // namespace

DiskFileSystem::DiskFileSystem(const std::string& root) : root_(root) {
  root_fd_ = ::open(root.empty() ? "." : root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  root_missing_ = root_fd_ < 0 && (errno == ENOENT || errno == ENOTDIR);
}

DiskFileSystem::~DiskFileSystem() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

FileResult DiskFileSystem::open_path(const std::string& path, int flags, int* fd) const {
  *fd = -1;
  std::vector<std::string> parts;
  if (!split_relative_path(path, &parts)) return {FileStatus::BadPath, path};
  if (root_fd_ < 0) return {root_missing_ ? FileStatus::Missing : FileStatus::Error, ""};
  if (!parts.empty()) {
    *fd = open_beneath(root_fd_, path, flags);
    if (*fd >= 0) return {};
  }
  int dir = ::dup(root_fd_);
  if (dir < 0) return {FileStatus::Error, ""};
  if (parts.empty()) {
    // The root itself (only ever asked for as a folder).
    *fd = dir;
    return {};
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    int f = last ? flags : (O_RDONLY | O_DIRECTORY);
    int next = ::openat(dir, parts[i].c_str(), f | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == EPERM && (f & O_NOATIME)) next = ::openat(dir, parts[i].c_str(), (f & ~O_NOATIME) | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      FileStatus status = open_failure(dir, parts[i], errno);
      if (!last && status == FileStatus::WrongKind) status = FileStatus::Missing;
      ::close(dir);
      return {status, prefix(parts, i + 1)};
    }
    ::close(dir);
    dir = next;
  }
  *fd = dir;
  return {};
}

FileResult DiskFileSystem::read(const std::string& path, std::string* contents, uint64_t max_bytes) const {
  struct stat st;
  return read_stamped(path, contents, max_bytes, &st);
}

FileResult DiskFileSystem::read_stamped(const std::string& path, std::string* contents, uint64_t max_bytes,
                                        struct stat* st, struct stat* after) const {
  *st = {};
  int fd = -1;
  // O_NONBLOCK: a fifo planted in the sources must not hang the build.
  // O_NOATIME: after a fresh checkout every source is read once to compare
  // its bytes, and updating half a million access times dirtied as many
  // inodes.
  FileResult r = open_path(path, O_RDONLY | O_NONBLOCK | O_NOATIME, &fd);
  if (!r) return r;
  if (fstat(fd, st) != 0) {
    *st = {};
    ::close(fd);
    return {FileStatus::Error, path};
  }
  if (!S_ISREG(st->st_mode)) {
    ::close(fd);
    return {FileStatus::WrongKind, path};
  }
  if (static_cast<uint64_t>(st->st_size) > max_bytes) {
    ::close(fd);
    return {FileStatus::TooLarge, path};
  }
  FileStatus status = read_whole(fd, static_cast<size_t>(st->st_size), max_bytes, contents);
  if (after && fstat(fd, after) != 0) *after = {};
  ::close(fd);
  if (status != FileStatus::Ok) return {status, path};
  return {};
}

FileResult DiskFileSystem::list(const std::string& path, std::vector<FolderEntry>* entries) const {
  entries->clear();
  int fd = -1;
  FileResult r = open_path(path, O_RDONLY | O_DIRECTORY, &fd);
  if (!r) return r;
  DIR* dir = fdopendir(fd);  // takes the descriptor
  if (!dir) {
    ::close(fd);
    return {FileStatus::Error, path};
  }
  while (struct dirent* d = readdir(dir)) {
    std::string name = d->d_name;
    if (name == "." || name == "..") continue;
    FolderEntry e{name, FileKind::Other};
    if (d->d_type == DT_REG) {
      e.kind = FileKind::File;
    } else if (d->d_type == DT_DIR) {
      e.kind = FileKind::Folder;
    } else if (d->d_type == DT_LNK) {
      e.kind = FileKind::Link;
    } else if (struct stat st; d->d_type == DT_UNKNOWN && fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      e.kind = kind_of(st.st_mode);
    }
    entries->push_back(std::move(e));
  }
  closedir(dir);
  // Folder order differs between machines; output must not.
  std::sort(entries->begin(), entries->end(), [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; });
  return {};
}

FileResult DiskFileSystem::stat(const std::string& path, FileInfo* info) const {
  std::vector<std::string> parts;
  if (!split_relative_path(path, &parts)) return {FileStatus::BadPath, path};
  if (parts.empty()) {
    info->kind = FileKind::Folder;
    info->size = 0;
    if (root_fd_ < 0) return {root_missing_ ? FileStatus::Missing : FileStatus::Error, ""};
    return {};
  }
  std::string last = parts.back();
  std::string folder = prefix(parts, parts.size() - 1);
  int fd = -1;
  FileResult r = open_path(folder, O_RDONLY | O_DIRECTORY, &fd);
  if (!r) return r;
  struct stat st;
  int rc = fstatat(fd, last.c_str(), &st, AT_SYMLINK_NOFOLLOW);
  int err = errno;
  ::close(fd);
  if (rc != 0) return {err == ENOENT ? FileStatus::Missing : FileStatus::Error, path};
  if (S_ISLNK(st.st_mode)) return {FileStatus::Link, path};
  info->kind = kind_of(st.st_mode);
  info->size = static_cast<uint64_t>(st.st_size);
  return {};
}

// --- MemoryFileSystem --------------------------------------------------------

void MemoryFileSystem::add_folder(const std::string& path) {
  std::vector<std::string> parts;
  if (!split_relative_path(path, &parts)) return;
  std::string p;
  for (const std::string& part : parts) {
    p = join_path(p, part);
    nodes_.emplace(p, Node{FileKind::Folder, {}});
  }
}

void MemoryFileSystem::add_file(const std::string& path, std::string contents) {
  std::vector<std::string> parts;
  if (!split_relative_path(path, &parts) || parts.empty()) return;
  add_folder(prefix(parts, parts.size() - 1));
  nodes_[prefix(parts, parts.size())] = Node{FileKind::File, std::move(contents)};
}

void MemoryFileSystem::add_link(const std::string& path) {
  std::vector<std::string> parts;
  if (!split_relative_path(path, &parts) || parts.empty()) return;
  add_folder(prefix(parts, parts.size() - 1));
  nodes_[prefix(parts, parts.size())] = Node{FileKind::Link, {}};
}

FileResult MemoryFileSystem::find(const std::string& path, const Node** node) const {
  static const Node root{FileKind::Folder, {}};
  std::vector<std::string> parts;
  if (!split_relative_path(path, &parts)) return {FileStatus::BadPath, path};
  *node = &root;
  std::string p;
  for (size_t i = 0; i < parts.size(); ++i) {
    if ((*node)->kind != FileKind::Folder) return {FileStatus::Missing, p};
    p = join_path(p, parts[i]);
    auto it = nodes_.find(p);
    if (it == nodes_.end()) return {FileStatus::Missing, p};
    if (it->second.kind == FileKind::Link) return {FileStatus::Link, p};
    *node = &it->second;
  }
  return {};
}

FileResult MemoryFileSystem::read(const std::string& path, std::string* contents, uint64_t max_bytes) const {
  const Node* node = nullptr;
  FileResult r = find(path, &node);
  if (!r) return r;
  if (node->kind != FileKind::File) return {FileStatus::WrongKind, path};
  if (node->contents.size() > max_bytes) return {FileStatus::TooLarge, path};
  *contents = node->contents;
  return {};
}

FileResult MemoryFileSystem::list(const std::string& path, std::vector<FolderEntry>* entries) const {
  entries->clear();
  const Node* node = nullptr;
  FileResult r = find(path, &node);
  if (!r) return r;
  if (node->kind != FileKind::Folder) return {FileStatus::WrongKind, path};
  std::vector<std::string> parts;
  split_relative_path(path, &parts);
  std::string folder = prefix(parts, parts.size());
  std::string start = folder.empty() ? "" : folder + "/";
  for (auto it = nodes_.lower_bound(start); it != nodes_.end() && it->first.compare(0, start.size(), start) == 0; ++it) {
    std::string rest = it->first.substr(start.size());
    if (rest.empty() || rest.find('/') != std::string::npos) continue;
    entries->push_back({rest, it->second.kind});
  }
  // "a-b" sorts before "a/..." in the map but the names are compared alone.
  std::sort(entries->begin(), entries->end(), [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; });
  return {};
}

FileResult MemoryFileSystem::stat(const std::string& path, FileInfo* info) const {
  const Node* node = nullptr;
  FileResult r = find(path, &node);
  if (!r) return r;
  info->kind = node->kind;
  info->size = node->contents.size();
  return {};
}

bool replace_own_file(const std::string& path, std::string_view text) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // whatever is there: O_EXCL then creates a file of our own
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  bool ok = true;
  for (size_t done = 0; ok && done < text.size();) {  // records are hundreds of megabytes
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return true;
  ::unlink(tmp.c_str());
  return false;
}

bool read_own_file(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (ok) {
    out.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::read(fd, out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ok = done == out.size();
  }
  int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

MappedFile::~MappedFile() { clear(); }

void MappedFile::clear() {
  if (size_ > 0) ::munmap(const_cast<char*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

bool MappedFile::open(const std::string& path) {
  clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (ok && st.st_size > 0) {
    // Populated at once: the records are read through from start to end.
    void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ok = p != MAP_FAILED;
    if (ok) {
      data_ = static_cast<const char*>(p);
      size_ = static_cast<size_t>(st.st_size);
    }
  }
  int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

}  // namespace cartable

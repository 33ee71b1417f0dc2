// FileSystem: the one way cartable reads a site's sources (content,
// portfolios, themes, catalogue, attachments). Participants' files are
// hostile, so every path is relative to a root and may not leave it:
//
//  - paths are '/'-separated and relative: no leading '/', no '..', no empty
//    component ("a//b"); "" is the root itself; "." components are skipped;
//  - no symbolic link is followed anywhere on the way, for files and folders
//    alike: a link met at any component is refused (FileStatus::Link), with
//    `FileResult::at` naming it, so a diagnostic can point at it.
//
// DiskFileSystem enforces this with openat(O_NOFOLLOW) on every component
// (never string tests on resolved paths, which races with a push);
// MemoryFileSystem holds a site in memory for tests (ninja's DiskInterface
// and VirtualFileSystem are the model).
//
//   MemoryFileSystem files;
//   files.add_file("site.yaml", "title: T\n");
//   files.add_link("portfolios/x/entry.md");   // refused when read
//   std::string text;
//   FileResult r = files.read("site.yaml", &text);
//   if (!r) report_file_error(r, "site.yaml", {"site.yaml", 0, 0}, diags);
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostics.h"

namespace cartable {

enum class FileKind { File, Folder, Link, Other };

enum class FileStatus {
  Ok,
  Missing,      // no such file or folder (or a folder on the way is missing)
  Link,         // a symbolic link on the way, or the path itself is one
  BadPath,      // absolute, '..', empty component, NUL: would leave the root
  WrongKind,    // a folder where a file was wanted, a fifo, a device...
  TooLarge,     // larger than the caller's limit
  Error,        // any other system error (permissions, I/O)
};

struct FileResult {
  FileStatus status = FileStatus::Ok;
  std::string at;  // the path as far as the refused component (the link, the missing folder)
  explicit operator bool() const { return status == FileStatus::Ok; }
};

struct FileInfo {
  FileKind kind = FileKind::Other;
  uint64_t size = 0;
};

struct FolderEntry {
  std::string name;
  FileKind kind = FileKind::Other;  // a link is listed as Link, never followed
};

constexpr uint64_t kNoSizeLimit = std::numeric_limits<uint64_t>::max();

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Reads the regular file `path` whole. Refuses (TooLarge) a file larger
  // than `max_bytes` without reading it.
  virtual FileResult read(const std::string& path, std::string* contents, uint64_t max_bytes = kNoSizeLimit) const = 0;
  // The entries of folder `path`, sorted by name, without "." and "..".
  virtual FileResult list(const std::string& path, std::vector<FolderEntry>* entries) const = 0;
  // What `path` is: a file (with its size), a folder, or something else. A
  // link anywhere, the last component included, is FileStatus::Link.
  virtual FileResult stat(const std::string& path, FileInfo* info) const = 0;

  // Convenience: stat() says it is a regular file / a folder.
  bool is_file(const std::string& path) const;
  bool is_folder(const std::string& path) const;
};

// Splits a relative path into its components; false when it is not one
// (absolute, '..', empty component, NUL byte).
bool split_relative_path(const std::string& path, std::vector<std::string>* parts);

// "a/b" + "c" -> "a/b/c"; "" + "c" -> "c".
std::string join_path(const std::string& folder, const std::string& name);

// A whole regular file that is cartable's own (the state folder beside an
// output, the output itself), in one read, never through a symbolic link
// at its last component. False, with errno set, otherwise.
bool read_own_file(const std::string& path, std::string& out);

// Replaces cartable's own file at `path` (records, manifests, marks) with
// `text`, private (0600), through a temporary name beside it that is
// created anew: a symbolic or hard link planted there is never written
// through. False, the previous file left as it was, on any failure.
bool replace_own_file(const std::string& path, std::string_view text);

// The same file mapped, read-only, for the build records (hundreds of
// megabytes at 500,000 entries): the page cache's pages are the bytes, with
// no buffer to zero and copy into. Records are replaced by a rename, never
// written in place, so a mapping keeps the bytes it mapped.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& other) noexcept { swap(other); }
  MappedFile& operator=(MappedFile&& other) noexcept {
    swap(other);
    return *this;
  }
  ~MappedFile();
  // As read_own_file(); an empty file maps to no bytes.
  bool open(const std::string& path);
  std::string_view bytes() const { return {data_, size_}; }
  void clear();

 private:
  void swap(MappedFile& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Reports a failed read as a diagnostic at `pos`: what was refused and how to
// fix it. `shown` is `r.at` as the user sees it (with the source folder).
void report_file_error(const FileResult& r, const std::string& shown, const SourcePos& pos, Diagnostics& diags);

// The sources on disk under `root`. The root itself is opened as given (it
// is the user's choice on the command line, links included); nothing below
// it is followed. Thread-safe: every call opens its own descriptors.
class DiskFileSystem : public FileSystem {
 public:
  explicit DiskFileSystem(const std::string& root);
  ~DiskFileSystem() override;
  DiskFileSystem(const DiskFileSystem&) = delete;
  DiskFileSystem& operator=(const DiskFileSystem&) = delete;

  bool root_ok() const { return root_fd_ >= 0; }
  const std::string& root() const { return root_; }

  FileResult read(const std::string& path, std::string* contents, uint64_t max_bytes = kNoSizeLimit) const override;
  // read(), and `st` as fstat() gave it for the file that was read (zeroed
  // when nothing was opened): the stamp of exactly those bytes, without
  // looking the path up a second time. `after`, if given, is fstat() once
  // the bytes are read (whether the file was written meanwhile).
  FileResult read_stamped(const std::string& path, std::string* contents, uint64_t max_bytes, struct stat* st,
                          struct stat* after = nullptr) const;
  FileResult list(const std::string& path, std::vector<FolderEntry>* entries) const override;
  FileResult stat(const std::string& path, FileInfo* info) const override;

 private:
  // Opens the last component of `parts` with `flags` (plus O_NOFOLLOW),
  // walking the folders before it one by one without following links.
  FileResult open_path(const std::string& path, int flags, int* fd) const;

  std::string root_;
  int root_fd_ = -1;
  bool root_missing_ = false;  // everything is Missing then
};

// A site held in memory, for tests. Adding a file creates its folders.
class MemoryFileSystem : public FileSystem {
 public:
  void add_file(const std::string& path, std::string contents);
  void add_folder(const std::string& path);
  // A symbolic link at `path` (its target does not matter: it is refused).
  void add_link(const std::string& path);

  FileResult read(const std::string& path, std::string* contents, uint64_t max_bytes = kNoSizeLimit) const override;
  FileResult list(const std::string& path, std::vector<FolderEntry>* entries) const override;
  FileResult stat(const std::string& path, FileInfo* info) const override;

 private:
  struct Node {
    FileKind kind = FileKind::Folder;
    std::string contents;
  };
  // Walks `path`: the node it names, or a failed result.
  FileResult find(const std::string& path, const Node** node) const;

  std::map<std::string, Node> nodes_;  // "a/b/c" -> node; the root is implicit
};

}  // namespace cartable

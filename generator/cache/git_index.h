// What git's index says of the checkout the site is built from: for each
// tracked file, the id of its blob and the stat data git saw when it wrote
// the file (Documentation/gitformat-index.txt, versions 2 to 4). A file whose
// lstat is still that stat data, and was not written in the same clock tick
// as the index ("racily clean", as git calls it), holds that blob: git
// itself trusts this in `git status`.
//
// The build cache uses it after a fresh checkout, where every source has a
// new inode and new times (each CI run): a source whose blob is the one the
// last build read needs no reading to be known unchanged (cache.h).
//
// Only `<source>/.git/index` is read, without following a link; nothing of
// git is run (a repository's config can run programs). The index is written
// by whoever checked out, never pushed (git refuses to track `.git`), but it
// is parsed as untrusted bytes all the same: anything unexpected (a split
// index, SHA-256 object ids, a damaged file) means no index, and the cache
// reads the files as it would without one.
#pragma once

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cartable {

class DiskFileSystem;

// A blob id (SHA-1); all zeros for none.
using GitBlobId = std::array<uint8_t, 20>;

class GitIndex {
 public:
  // The index of the checkout rooted at `disk`'s root; empty when there is
  // none or it cannot be used.
  static GitIndex of_checkout(const DiskFileSystem& disk);
  // Its file's size, times and inode, "" when there is none. Unchanged since
  // a build, it was written before that build looked at the sources: any
  // file whose stat is still what it records had that stat then, so the
  // files' own stamps already say all it could (ctime cannot go back).
  static std::string stamp_of(const DiskFileSystem& disk);
  // Parses an index file's bytes; `written` is the file's mtime (for the
  // racy check). False, and empty, when the bytes are no index it can use.
  bool parse(std::string_view bytes, const struct timespec& written);

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  // The blob of `path` (relative to the checkout, '/'-separated) when `now`,
  // its lstat, is the stat data git recorded and the entry is not racily
  // clean; null otherwise. Fastest when asked in path order. Any thread.
  const GitBlobId* clean_blob(std::string_view path, const struct stat& now) const;
  // A copy without the entries whose path `drop` names: once the entries
  // are loaded (read again at render, they keep the blob named at their
  // first reading), the half million they take need not be held through
  // the render for the few files read then for the first time.
  GitIndex without(const std::function<bool(std::string_view path)>& drop) const;

 private:
  struct Entry {
    uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, ino, uid, gid, size;
    uint32_t path_at, path_size;
    bool usable;  // a regular file at stage 0, not racily clean, not marked to skip
    GitBlobId blob;
  };
  std::string_view path_of(const Entry& e) const { return std::string_view(paths_).substr(e.path_at, e.path_size); }
  const Entry* find(std::string_view path) const;

  std::string paths_;  // every path, end to end
  std::vector<Entry> entries_;  // in the index's order: sorted by path
};

}  // namespace cartable

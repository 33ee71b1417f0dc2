// `check --cache DIR`: the folder where a check keeps its records (the
// records a build keeps beside its output, cache.h), so that the next
// check of the same sources reads and renders only what changed.
//
// The records hold every entry as parsed, drafts and experts-only ones
// included, so the folder is private (0700, files 0600) and is a check's
// own: made by a check, which marks it with CACHEDIR.TAG (the Cache
// Directory Tagging Specification: backup tools skip it) and a .gitignore of
// everything in it (git does not list it). Any other folder is refused: one
// that is not empty without the mark (the live site, a build's state
// folder, the sources), a symbolic link, another user's, and a folder inside
// the sources other than a hidden one at their top (.check.cartable): the
// check would read it as sources. One check at a time holds it; a second
// waits.
#pragma once

#include <string>

#include "base/diagnostics.h"

namespace cartable {

class CheckFolder {
 public:
  CheckFolder() = default;
  CheckFolder(const CheckFolder&) = delete;
  CheckFolder& operator=(const CheckFolder&) = delete;
  ~CheckFolder();

  // Creates `dir` if needed, checks that it is a check's own, and holds it.
  // False, with an error naming `dir` and a hint, when it cannot be used.
  bool open(const std::string& dir, const std::string& source, Diagnostics& diags);
  // Absolute, without a trailing slash.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1, lock_ = -1;
};

}  // namespace cartable

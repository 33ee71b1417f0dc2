#include "cache/check_folder.h"
#include "base/filesystem.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "base/messages.h"

namespace cartable {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTag =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# A cache directory tag (https://bford.info/cachedir/), written by\n"
    "# `cartable check --cache`: the records of the last check, made again\n"
    "# by the next one if this folder is deleted.\n";

fs::path absolute_folder(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  // "cache/" is "cache", never its target; lexically_normal left one slash at most ("/" stays).
  if (p.filename().empty() && p != p.root_path()) p = p.parent_path();
  return p;
}

// Inside the sources, only a hidden folder at their top is never read.
bool read_as_sources(const fs::path& dir, const fs::path& source) {
  fs::path rel = dir.lexically_relative(source);
  if (rel.empty() || *rel.begin() == "..") return false;
  std::string first = rel.begin()->string();
  return first == "." || first.empty() || first[0] != '.';
}

bool is_empty(int fd) {
  int copy = ::dup(fd);
  DIR* d = copy >= 0 ? ::fdopendir(copy) : nullptr;
  if (!d) {
    if (copy >= 0) ::close(copy);
    return false;
  }
  bool empty = true;
  while (const dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) empty = false;
  }
  ::closedir(d);
  return empty;
}

bool tagged(int fd) {
  int tag = ::openat(fd, "CACHEDIR.TAG", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (tag < 0) return false;
  char head[44];
  bool ok = ::read(tag, head, sizeof head) == static_cast<ssize_t>(sizeof head) &&
            std::string_view(head, sizeof head) == kTag.substr(0, sizeof head);
  ::close(tag);
  return ok;
}

}  // namespace

CheckFolder::~CheckFolder() {
  if (lock_ >= 0) ::close(lock_);
  if (fd_ >= 0) ::close(fd_);
}

bool CheckFolder::open(const std::string& dir, const std::string& source, Diagnostics& diags) {
  fs::path p = absolute_folder(dir);
  path_ = p.string();
  auto refuse = [&] {
    diags.error({dir, 0, 0}, tr("{1} is not a folder of ours", dir),
                tr("pass --cache with a new folder, or one an earlier check made"));
    return false;
  };
  if (read_as_sources(p, absolute_folder(source))) {
    diags.error({dir, 0, 0}, tr("{1} is inside the site's sources: the check would read it", dir),
                tr("pass --cache with a folder outside the site, or a hidden one at its top such as .check.cartable"));
    return false;
  }
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (::mkdir(path_.c_str(), 0700) != 0 && errno != EEXIST) {
    diags.error({dir, 0, 0}, tr("cannot create the check's cache {1}: {2}", dir, std::strerror(errno)),
                tr("pass --cache with a folder you may write in"));
    return false;
  }
  fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0 || st.st_uid != ::geteuid()) return refuse();
  if (!tagged(fd_)) {
    if (!is_empty(fd_)) return refuse();
    replace_own_file(path_ + "/.gitignore", "*\n");
    replace_own_file(path_ + "/CACHEDIR.TAG", kTag);
  }
  lock_ = ::openat(fd_, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock_ < 0 || ::fchmod(fd_, 0700) != 0 || ::flock(lock_, LOCK_EX) != 0) return refuse();
  return true;
}

}  // namespace cartable

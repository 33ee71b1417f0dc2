#include "output/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace cartable {

void DirectoryWriter::write(const std::string& path, std::string_view content) {
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
  fs::path full = fs::path(dir_) / path;
  std::error_code ec;
  fs::create_directories(full.parent_path(), ec);
  fs::path tmp = full;
  tmp += ".cartable-tmp";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  fs::rename(tmp, full, ec);
}

void DirectoryWriter::remove(const std::string& path) {
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / path, ec);
}

std::unique_ptr<StagingDir> StagingDir::open(const std::string& out_dir, Diagnostics& diags) {
  fs::path out = fs::absolute(out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    diags.error({out_dir, 0, 0}, "output path exists and is not a folder");
    return nullptr;
  }
  fs::create_directories(out.parent_path(), ec);
  std::string pattern = (out.parent_path() / ("." + out.filename().string() + ".tmp-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) {
    diags.error({out_dir, 0, 0}, std::string("cannot create a staging folder beside the output: ") + std::strerror(errno));
    return nullptr;
  }
  // mkdtemp makes it 0700; a published site must be world-readable.
  fs::permissions(pattern, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec, ec);
  return std::unique_ptr<StagingDir>(new StagingDir(out.string(), pattern));
}

StagingDir::~StagingDir() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

std::string StagingDir::prepare(const std::string& path) {
  std::string full = staging_ + "/" + path;
  std::lock_guard lock(mutex_);
  make_parents(full, full.rfind('/'));
  return full;
}

// The staging folder is new and only this object writes into it, so a folder
// is made once, by one mkdir, without the stat() calls of create_directories:
// at ten thousand pages those were a tenth of the build.
void StagingDir::make_parents(const std::string& full, size_t end) {
  if (end <= staging_.size()) return;
  std::string dir = full.substr(0, end);
  if (made_dirs_.count(dir)) return;
  make_parents(full, full.rfind('/', end - 1));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST && first_error_.empty()) {
    first_error_ = dir + ": " + std::strerror(errno);
  }
  made_dirs_.insert(std::move(dir));
}

void StagingDir::write(const std::string& path, std::string_view content) {
  std::string full = prepare(path);
  // One open, one write, one close: the staging folder is new, nothing to truncate.
  bool ok = false;
  int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ok = done == content.size();
    ok = (::close(fd) == 0) && ok;
  }
  if (!ok) {
    std::lock_guard lock(mutex_);
    if (first_error_.empty()) first_error_ = full + ": " + std::strerror(errno);
  }
}

void StagingDir::copy_file(const std::string& path, const std::string& from) {
  std::string full = prepare(path);
  std::error_code ec;
  fs::copy_file(from, full, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    std::lock_guard lock(mutex_);
    if (first_error_.empty()) first_error_ = from + ": " + ec.message();
  }
}

bool StagingDir::commit(Diagnostics& diags) {
  if (!first_error_.empty()) {
    diags.error({out_, 0, 0}, "could not write the site: " + first_error_);
    return false;
  }
  std::error_code ec;
  if (!fs::exists(out_, ec)) {
    if (::rename(staging_.c_str(), out_.c_str()) != 0) {
      diags.error({out_, 0, 0}, std::string("could not move the site into place: ") + std::strerror(errno));
      return false;
    }
    committed_ = true;
    return true;
  }
  // One atomic step: the old site and the new one trade places.
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, out_.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(staging_, ec);  // now holds the previous site
    committed_ = true;
    return true;
  }
  // File systems without RENAME_EXCHANGE: two renames, a brief gap.
  std::string old = staging_ + ".old";
  if (::rename(out_.c_str(), old.c_str()) != 0 || ::rename(staging_.c_str(), out_.c_str()) != 0) {
    diags.error({out_, 0, 0}, std::string("could not move the site into place: ") + std::strerror(errno));
    ::rename(old.c_str(), out_.c_str());
    return false;
  }
  fs::remove_all(old, ec);
  committed_ = true;
  return true;
}

}  // namespace cartable

#include "output/out_guard.h"

#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace cartable {

namespace {

// The path with every symbolic link resolved, as far as it exists: a
// symlinked --out is judged by what it points at.
fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path.empty() ? "." : path), ec);
  if (ec) p = fs::absolute(path).lexically_normal();
  if (p.filename().empty() && p != p.root_path()) p = p.parent_path();  // "a/" -> "a"
  return p;
}

// `inner` is `outer` or lies under it (whole components, not string prefixes).
bool within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

std::set<fs::path> home_folders() {
  std::set<fs::path> homes;
  if (const char* home = std::getenv("HOME"); home && *home) homes.insert(resolved(home));
  setpwent();
  while (struct passwd* pw = getpwent()) {
    // System accounts have / or /nonexistent; "/" is refused on its own.
    if (pw->pw_dir && pw->pw_dir[0] == '/' && std::string(pw->pw_dir) != "/") homes.insert(resolved(pw->pw_dir));
  }
  endpwent();
  return homes;
}

bool is_empty_folder(const fs::path& p) {
  DIR* dir = ::opendir(p.c_str());
  if (!dir) return false;
  bool empty = true;
  while (struct dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (name != "." && name != "..") {
      empty = false;
      break;
    }
  }
  ::closedir(dir);
  return empty;
}

// A previous output: our marker inside, or the output stage's state folder
// (.<name>.cartable) beside it.
bool is_previous_output(const fs::path& p) {
  struct stat st;
  if (::lstat((p / kOutputMarker).c_str(), &st) == 0 && S_ISREG(st.st_mode)) return true;
  fs::path state = p.parent_path() / ("." + p.filename().string() + ".cartable");
  return ::lstat(state.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

bool check_output_folder(const std::string& source, const std::string& out, const std::vector<std::string>& outputs,
                         Diagnostics& diags) {
  const fs::path src = resolved(source);
  const fs::path dst = resolved(out);
  const SourcePos at{out, 0, 0};
  auto refuse = [&](Text message, Text hint) {
    diags.error(at, std::move(message), std::move(hint));
    return false;
  };
  if (dst == dst.root_path()) {
    return refuse(tr("refusing to build into '{1}': it is the root of the file system", out),
                  tr("nothing was written; pass --out public"));
  }
  if (dst == src) {
    return refuse(tr("refusing to build into '{1}': it is the source folder, which a build would replace", out),
                  tr("nothing was written; build into public/ (the default) or a folder outside the sources"));
  }
  if (within(src, dst)) {
    return refuse(tr("refusing to build into '{1}': it contains the source folder {2}", out, src.string()),
                  tr("nothing was written; build into public/ (the default) or a folder outside the sources"));
  }
  if (home_folders().count(dst)) {
    return refuse(tr("refusing to build into '{1}': it is a home folder", out),
                  tr("nothing was written; pass --out with a folder of its own"));
  }
  if (within(dst, src)) {
    fs::path rel = dst.lexically_relative(src);
    bool declared = std::find(outputs.begin(), outputs.end(), rel.begin()->string()) != outputs.end();
    if (!declared) {
      return refuse(
          tr("refusing to build into '{1}': it lies inside the source folder, where a build could replace sources", out),
          tr("nothing was written; build into public/, or name the folder in site.yaml: outputs: [{1}]",
             rel.begin()->string()));
    }
  }
  std::error_code ec;
  if (fs::is_directory(dst, ec) && !is_empty_folder(dst) && !is_previous_output(dst)) {
    return refuse(tr("refusing to build into '{1}': it is a folder with files that cartable did not write", out),
                  tr("nothing was written; pass an empty or new folder, or remove this one if it is an old output "
                     "(builds mark theirs with a file {1})",
                     kOutputMarker));
  }
  return true;
}

}  // namespace cartable

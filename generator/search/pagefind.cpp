#include "search/pagefind.h"
#include "base/filesystem.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "output/interrupt.h"
#include "output/output.h"

extern char** environ;

namespace fs = std::filesystem;

namespace cartable {

namespace {

bool executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); }

// Pagefind reports a full disk as Rust's io::Error does.
bool says_disk_full(const std::string& output, const std::string& dir) {
  if (output.find("No space left on device") != std::string::npos || output.find("os error 28") != std::string::npos ||
      output.find("Disk quota exceeded") != std::string::npos || output.find("os error 122") != std::string::npos) {
    return true;
  }
  struct statvfs vfs {};
  return ::statvfs(dir.c_str(), &vfs) == 0 && vfs.f_bavail == 0;
}

}  // namespace

// The copy installed with this cartable, found from the executable's own
// path (never from the site's folder): <prefix>/lib/cartable/pagefind for an
// installed cartable, scripts/node_modules/.bin/pagefind beside a build
// tree's build/cartable (what scripts/build installs).
std::string installed_pagefind() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  fs::path dir = exe.parent_path();
  for (const fs::path& candidate : {dir / "../lib/cartable/pagefind", dir / "../scripts/node_modules/.bin/pagefind"}) {
    if (executable(candidate)) return candidate.lexically_normal().string();
  }
  return {};
}

std::string find_pagefind(const std::string& /*source: never searched*/, const std::string& requested) {
  // Nothing is ever run from the sources being built: a participant could
  // commit a `pagefind` there (`git add -f`), and the server would run it.
  // An explicit choice that is not runnable means no search, not an error.
  if (!requested.empty()) return executable(requested) ? requested : std::string();
  if (const char* env = std::getenv("CARTABLE_PAGEFIND")) return executable(env) ? std::string(env) : std::string();
  if (std::string installed = installed_pagefind(); !installed.empty()) return installed;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      // A relative entry ("", ".") is the current folder: the sources, in a hook.
      if (!dir.empty() && dir[0] == '/' && executable(fs::path(dir) / "pagefind")) return (fs::path(dir) / "pagefind").string();
    }
  }
  return {};
}

bool run_pagefind(const std::string& binary, const std::string& site_dir, const std::string& bundle_dir,
                  const std::string& language, Diagnostics& diags) {
  std::error_code ec;
  fs::create_directories(fs::path(bundle_dir).parent_path(), ec);
  fs::path log = fs::path(bundle_dir).parent_path() / (fs::path(bundle_dir).filename().string() + ".log");
  std::vector<std::string> args = {binary, "--site", site_dir, "--output-path", bundle_dir,
                                   "--force-language", language, "--silent"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  interrupt::reset_signals_in_child(&attr);
  pid_t pid = 0;
  int rc = 0;
  {
    // An interruption comes before the spawn or after the child is known.
    std::lock_guard hold(interrupt::critical_section());
    rc = posix_spawn(&pid, binary.c_str(), &actions, &attr, argv.data(), environ);
    if (rc == 0) interrupt::set_child(pid);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  int status = 0;
  bool ok = false;
  if (rc == 0) {
    pid_t waited = 0;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    ok = waited == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    interrupt::set_child(0);
  }
  if (!ok) {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string output = ss.str();
    if (output.size() > 400) output = output.substr(0, 400) + "…";
    std::string shown = output.empty() ? std::string() : ": " + output;
    if (says_disk_full(output, bundle_dir)) {
      // Publishing without search because the disk is full would hide the
      // cause until the next build fails somewhere else.
      diags.error({bundle_dir, 0, 0}, tr("the disk is full: Pagefind could not write the search index{1}", shown),
                  tr("free some space and build again; the previous site is still published"));
    } else {
      diags.warning({binary, 0, 0}, tr("Pagefind failed; the site is published without search{1}", shown),
                    tr("run the same command by hand to see why, or build with --no-search"));
    }
    fs::remove_all(bundle_dir, ec);
  }
  fs::remove(log, ec);
  return ok;
}

}  // namespace cartable

// --- Shards ------------------------------------------------------------------

namespace cartable {

namespace {

constexpr size_t kPortfoliosPerShard = 16;
// Every shard is one more index the browser loads per query: past 64, shards
// grow instead (at 25,000 portfolios, ~400 each).
constexpr size_t kMaxShards = 64;
constexpr const char* kMainShard = "main";

// The shard count only doubles: adding a portfolio rarely moves the others.
size_t shard_count(size_t portfolios) {
  size_t n = 1;
  while (n * kPortfoliosPerShard < portfolios && n < kMaxShards) n *= 2;
  return n;
}

// A kept bundle's files with their hashes (`<bundle>.files`), so that copying
// an unchanged bundle into the site reads none of it.
void list_bundle(const std::string& bundle) {
  std::string text;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(bundle, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ContentHash h = hash_content(bytes);
    char hex[40];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", h.high, h.low);
    text += std::string(hex) + " " + it->path().lexically_relative(bundle).generic_string() + "\n";
  }
  replace_own_file(bundle + ".files", text);
}

void import_bundle(StagingDir& staging, const std::string& bundle, const std::string& prefix) {
  std::ifstream in(bundle + ".files");
  std::string line;
  bool listed = false;
  while (std::getline(in, line)) {
    if (line.size() < 34) break;
    ContentHash h;
    h.high = std::strtoull(line.substr(0, 16).c_str(), nullptr, 16);
    h.low = std::strtoull(line.substr(16, 16).c_str(), nullptr, 16);
    std::string rel = line.substr(33);
    staging.copy_known(prefix + rel, bundle + "/" + rel, h);
    listed = true;
  }
  if (!listed) staging.import_folder(bundle, prefix);
}

std::string portfolio_of(const std::string& path) {
  const std::string prefix = "portfolios/";
  if (path.compare(0, prefix.size(), prefix) != 0) return "";
  size_t slash = path.find('/', prefix.size());
  return slash == std::string::npos ? "" : path.substr(prefix.size(), slash - prefix.size());
}

std::string hex(ContentHash h) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", h.high, h.low);
  return buf;
}

std::map<std::string, std::string> read_fingerprints(const std::string& path) {
  std::map<std::string, std::string> prints;
  std::ifstream in(path);
  std::string shard, print;
  while (in >> shard >> print) prints[shard] = print;
  return prints;
}

bool searchable(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find("data-pagefind-body") != std::string::npos;
}

// A folder holding hard links to `pages` under their own paths: Pagefind
// indexes exactly them, with the URLs they have in the site. Pages without
// data-pagefind-body (print views, the search page) are left out: Pagefind
// skips them when it sees the whole site, but would index a shard made only
// of them whole, and parsing them is most of a shard's time.
// The number of pages linked, -1 on failure.
long link_pages(const std::string& tree, const std::vector<std::string>& pages, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  long linked = 0;
  for (const std::string& page : pages) {
    if (!searchable(tree + "/" + page)) continue;
    fs::path target = fs::path(to) / page;
    fs::create_directories(target.parent_path(), ec);
    if (::link((tree + "/" + page).c_str(), target.c_str()) != 0) {
      fs::copy_file(tree + "/" + page, target, ec);
      if (ec) return -1;
    }
    ++linked;
  }
  return linked;
}

}  // namespace

bool index_site_for_search(const std::string& binary, StagingDir& staging, const std::string& language,
                           bool reuse, Diagnostics& diags) {
  staging.remove_stale("pagefind/");  // Pagefind must not see pages that are gone
  // Pages by shard, and each shard's fingerprint: its pages' paths and bytes,
  // with what else decides the bundle (Pagefind, language, shard count).
  std::set<std::string> portfolios;
  std::vector<const std::pair<const std::string, OutputFile>*> pages;
  for (const auto& file : staging.files()) {
    const std::string& path = file.first;
    if (path.size() < 5 || path.compare(path.size() - 5, 5, ".html") != 0 || path.rfind("pagefind/", 0) == 0) continue;
    pages.push_back(&file);
    std::string slug = portfolio_of(path);
    if (!slug.empty()) portfolios.insert(slug);
  }
  std::sort(pages.begin(), pages.end(), [](auto* a, auto* b) { return a->first < b->first; });
  size_t shards = shard_count(portfolios.size());
  std::error_code ec;
  std::string setting = binary + "\n" + std::to_string(fs::file_size(binary, ec)) + "\n" + language + "\n" +
                        std::to_string(shards) + "\n";
  std::map<std::string, std::vector<std::string>> members;
  std::map<std::string, std::string> text;  // shard -> what its fingerprint hashes
  for (auto* page : pages) {
    std::string slug = portfolio_of(page->first);
    std::string shard = slug.empty() ? kMainShard : "p" + std::to_string(hash_content(slug).low % shards);
    members[shard].push_back(page->first);
    text[shard] += page->first + " " + hex(page->second.hash) + "\n";
  }
  std::string cache = staging.state_path() + "/search";
  std::string scratch = staging.state_path() + "/scratch";
  std::map<std::string, std::string> before = read_fingerprints(cache + "/fingerprints"), now;
  fs::create_directories(cache, ec);
  interrupt::set_scratch(scratch);
  bool ok = true;
  for (const auto& [shard, paths] : members) {
    now[shard] = hex(hash_content(setting + text[shard]));
    std::string bundle = cache + "/" + shard;
    if (reuse && before.count(shard) && before[shard] == now[shard] && fs::is_directory(bundle, ec)) continue;
    // Changed: index its pages alone, then keep the bundle for next time.
    std::string site = scratch + "/site-" + shard;
    fs::remove_all(site, ec);
    long linked = link_pages(staging.staging_path(), paths, site);
    ok = linked >= 0;
    if (linked > 0) {
      ok = run_pagefind(binary, site, scratch + "/bundle-" + shard, language, diags);
    } else {
      fs::create_directories(scratch + "/bundle-" + shard, ec);  // nothing to search: an empty bundle
    }
    fs::remove_all(site, ec);
    if (!ok) break;
    fs::remove_all(bundle, ec);
    fs::remove(bundle + ".files", ec);
    fs::rename(scratch + "/bundle-" + shard, bundle, ec);
    if (!ec) list_bundle(bundle);
    if (ec) {
      diags.error({bundle, 0, 0}, tr("cannot keep the search index: {1}", ec.message()),
                  tr("build again; the previous site is still published"));
      ok = false;
      break;
    }
  }
  fs::remove_all(scratch, ec);
  interrupt::set_scratch("");
  if (!ok) {
    fs::remove(cache + "/fingerprints", ec);
    return false;
  }
  // Bundles of shards that no longer exist go; the fingerprints are written last.
  for (const auto& e : fs::directory_iterator(cache, ec)) {
    std::string name = e.path().filename().string();
    std::string shard = name.size() > 6 && name.compare(name.size() - 6, 6, ".files") == 0 ? name.substr(0, name.size() - 6) : name;
    if (name != "fingerprints" && !now.count(shard)) fs::remove_all(e.path(), ec);
  }
  std::string prints;
  for (const auto& [shard, print] : now) prints += shard + ' ' + print + '\n';
  replace_own_file(cache + "/fingerprints", prints);

  std::string list = "[";
  for (const auto& [shard, paths] : members) {
    if (shard == kMainShard) {
      import_bundle(staging, cache + "/" + shard, "pagefind/");
    } else if (!fs::is_empty(cache + "/" + shard, ec)) {
      import_bundle(staging, cache + "/" + shard, "pagefind/" + shard + "/");
      list += std::string(list.size() > 1 ? "," : "") + "\"" + shard + "/\"";
    }
  }
  staging.write("pagefind/shards.json", list + "]\n");
  return true;
}

}  // namespace cartable

#include "search/pagefind.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;

namespace cartable {

namespace {

bool executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); }

}  // namespace

std::string find_pagefind(const std::string& source, const std::string& requested) {
  // An explicit choice that is not runnable means no search, not an error.
  if (!requested.empty()) return executable(requested) ? requested : std::string();
  if (const char* env = std::getenv("CARTABLE_PAGEFIND")) return executable(env) ? std::string(env) : std::string();
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (!dir.empty() && executable(fs::path(dir) / "pagefind")) return (fs::path(dir) / "pagefind").string();
    }
  }
  fs::path local = fs::path(source) / "scripts/node_modules/.bin/pagefind";
  return executable(local) ? fs::absolute(local).string() : std::string();
}

bool run_pagefind(const std::string& binary, const std::string& site_dir, const std::string& language,
                  Diagnostics& diags) {
  fs::path log = fs::path(site_dir).parent_path() / (fs::path(site_dir).filename().string() + ".pagefind.log");
  std::vector<std::string> args = {binary, "--site", site_dir, "--force-language", language, "--silent"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  bool ok = rc == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok) {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string output = ss.str();
    if (output.size() > 400) output = output.substr(0, 400) + "…";
    diags.warning({binary, 0, 0}, "Pagefind failed; the site is published without search" +
                                      (output.empty() ? std::string() : ": " + output),
                  "run the same command by hand to see why, or build with --no-search");
    std::error_code ec;
    fs::remove_all(fs::path(site_dir) / "pagefind", ec);
  }
  std::error_code ec;
  fs::remove(log, ec);
  return ok;
}

}  // namespace cartable

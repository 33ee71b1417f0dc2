#include "cache/page_log.h"
#include "cache/cache.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cartable {

namespace {

constexpr const char* kPageLogHeader = "cartable-pages 1";

// Keys are written once, numbered; pages name them by number.
//   K <digest in hex, or - when the key has none> <key>
//   P <path>
//   k <number> <number> ...
//   O <path>            a produced file
}  // namespace

void save_page_log(const std::string& state_dir, const PageLog& log) {
  std::string path = state_dir + "/pages";
  ::unlink(path.c_str());  // no log is better than a stale one
  std::unordered_map<std::string, size_t> number;
  std::string text = std::string(kPageLogHeader) + "\ntree " + log.tree + "\n";
  auto key_line = [&](const std::string& key, const uint64_t* digest) {
    number.emplace(key, number.size());
    char hex[24] = "-";
    if (digest) std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(*digest));
    text += "K " + std::string(hex) + " " + key + "\n";
  };
  for (const auto& [key, digest] : log.digests) key_line(key, &digest);
  for (const auto& [page, keys] : log.pages) {
    for (const std::string& key : keys) {
      if (!number.count(key)) key_line(key, nullptr);
    }
  }
  for (const auto& [page, keys] : log.pages) {
    if (page.find('\n') != std::string::npos) return;
    text += "P " + page + "\nk";
    for (const std::string& key : keys) text += " " + std::to_string(number[key]);
    text += "\n";
  }
  for (const std::string& file : log.produced) {
    if (file.find('\n') != std::string::npos) return;
    text += "O " + file + "\n";
  }
  write_cache_file(path, text);
}

bool load_page_log(const std::string& state_dir, PageLog& log) {
  std::ifstream in(state_dir + "/pages", std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || line != kPageLogHeader) return false;
  if (!std::getline(in, line) || line.rfind("tree ", 0) != 0) return false;
  log.tree = line.substr(5);
  std::vector<std::string> keys;
  std::vector<std::string>* current = nullptr;
  while (std::getline(in, line)) {
    if (line == "k" && current) {  // a page that read no key
      current = nullptr;
      continue;
    }
    if (line.size() < 2 || line[1] != ' ') return false;
    if (line[0] == 'K') {
      size_t sp = line.find(' ', 2);
      if (sp == std::string::npos) return false;
      std::string key = line.substr(sp + 1);
      if (line.compare(2, sp - 2, "-") != 0) log.digests[key] = std::strtoull(line.c_str() + 2, nullptr, 16);
      keys.push_back(std::move(key));
    } else if (line[0] == 'P') {
      current = &log.pages[line.substr(2)];
    } else if (line[0] == 'k') {
      if (!current) return false;
      std::istringstream numbers(line.substr(2));
      for (size_t n; numbers >> n;) {
        if (n >= keys.size()) return false;
        current->push_back(keys[n]);
      }
      current = nullptr;
    } else if (line[0] == 'O') {
      log.produced.push_back(line.substr(2));
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace cartable

// The page log: what each page of the last build read (index/deps.h) and
// the digest every key had then (build/rebuild.h), kept in the state folder
// beside the output (`.<out>.cartable/pages`) as ninja keeps .ninja_deps.
// The next `cartable build` compares its own digests with these and
// renders only the pages that read a key whose digest changed; every other
// file stays as the published tree has it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace cartable {

struct PageLog {
  std::string tree;  // the published tree it describes (published_fingerprint)
  std::unordered_map<std::string, uint64_t> digests;   // key -> digest
  std::map<std::string, std::vector<std::string>> pages;  // output path -> keys read
  std::vector<std::string> produced;  // every page, feed and attachment written
};

// False when absent or not exactly what save_page_log writes.
bool load_page_log(const std::string& state_dir, PageLog& log);
// Written through a temporary file and a rename; nothing when a path
// cannot be written down.
void save_page_log(const std::string& state_dir, const PageLog& log);

}  // namespace cartable

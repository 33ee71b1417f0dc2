// The page log: what each page of the last build read (index/deps.h) and
// the digest every key had then (build/rebuild.h), kept in the state folder
// beside the output (`.<out>.cartable/pages`) as ninja keeps .ninja_deps.
// The next `cartable build` compares its own digests with these and
// renders only the pages that read a key whose digest changed; every other
// file stays as the published tree has it.
//
// Keys are numbered (KeyTable) and the next build numbers its own keys in
// the same table, so the pages it does not render keep their lists as they
// are. The file is binary: at 550,000 pages the text form took 4 s to read
// and 5 s to write, a one-entry rebuild's worth several times over.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "index/deps.h"

namespace cartable {

struct PageLog {
  std::string tree;     // the published tree it describes (published_fingerprint)
  PageKeys pages;       // output path -> keys read, numbered in pages.table
  KeyDigests digests;   // by number in pages.table
  std::vector<std::string> produced;  // every page, feed and attachment written
};

// False when absent or not exactly what save_page_log writes.
bool load_page_log(const std::string& state_dir, PageLog& log);
// Written through a temporary file and a rename; nothing when a path
// cannot be written down. Keys neither read by a page nor digested are
// dropped (and the rest numbered again) once they are most of the table.
void save_page_log(const std::string& state_dir, const PageLog& log);

}  // namespace cartable

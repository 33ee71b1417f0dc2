// Helpers for end-to-end tests: run the real binary on a copy of a site and
// look at what it wrote.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cartable_test {

namespace fs = std::filesystem;

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs `cartable <args>` in `cwd`.
RunResult run_cartable(const fs::path& cwd, const std::string& args);

// A fresh folder under the system temp dir, removed by the caller.
fs::path temp_dir(const std::string& name);

// Copies the default site (site.yaml, content/, themes/, portfolios/) to `to`.
void copy_default_site(const fs::path& to);

std::string read(const fs::path& p);
void write(const fs::path& p, const std::string& text);
// Replaces the first occurrence of `from` in the file; fails the test if absent.
void replace_in_file(const fs::path& p, const std::string& from, const std::string& to);
// 1-based line and column of the first occurrence of `needle` in the file.
std::pair<int, int> position_of(const fs::path& p, const std::string& needle);

// Every file under `dir`, by relative path, with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir);

// The visible text of an HTML fragment: tags removed, entities decoded,
// white space collapsed.
std::string visible_text(const std::string& html);

// The text of the first <tag ...>...</tag> element in `html`, or "".
std::string element_text(const std::string& html, const std::string& tag);

// The <dd> that follows the <dt> whose text is `label`, as visible text.
std::string fact(const std::string& html, const std::string& label);

std::string seed(const std::string& name);  // a seed document's text

}  // namespace cartable_test

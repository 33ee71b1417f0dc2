#include "support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>
#include <fstream>
#include <sstream>

namespace cartable_test {

namespace {
std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}
}  // namespace

RunResult run_cartable(const fs::path& cwd, const std::string& args) {
  static int counter = 0;
  fs::path out = fs::temp_directory_path() / ("cartable-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::string cmd = "cd " + quote(cwd.string()) + " && " + quote(CARTABLE_BIN) + " " + args + " >" +
                    quote(out.string() + ".out") + " 2>" + quote(out.string() + ".err");
  int raw = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read(out.string() + ".out");
  r.err = read(out.string() + ".err");
  fs::remove(out.string() + ".out");
  fs::remove(out.string() + ".err");
  return r;
}

namespace {
// Every folder temp_dir made, removed when the test process exits (ctest
// runs each test in a process of its own), so a run leaves nothing behind.
// Never destroyed: it must outlive the atexit handler that reads it.
std::vector<fs::path>& made_dirs() {
  static auto* dirs = new std::vector<fs::path>;
  return *dirs;
}
void remove_made_dirs() {
  std::error_code ignored;
  for (const fs::path& d : made_dirs()) fs::remove_all(d, ignored);
}
}  // namespace

fs::path temp_dir(const std::string& name) {
  static const bool registered = (std::atexit(remove_made_dirs), true);
  (void)registered;
  fs::path d = fs::temp_directory_path() / ("cartable-e2e-" + std::to_string(::getpid()) + "-" + name);
  made_dirs().push_back(d);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void copy_default_site(const fs::path& to) {
  fs::path src = CARTABLE_SOURCE_DIR;
  fs::create_directories(to);
  fs::copy_file(src / "site.yaml", to / "site.yaml");
  for (const char* dir : {"content", "themes", "portfolios"}) {
    if (fs::exists(src / dir)) fs::copy(src / dir, to / dir, fs::copy_options::recursive);
  }
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

void replace_in_file(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = read(p);
  auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << p;
  text.replace(at, from.size(), to);
  write(p, text);
}

std::pair<int, int> position_of(const fs::path& p, const std::string& needle) {
  std::string text = read(p);
  auto at = text.find(needle);
  if (at == std::string::npos) return {0, 0};
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  auto line_start = text.rfind('\n', at);
  int col = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return {line, col};
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).generic_string()] = read(e.path());
  }
  return files;
}

std::string visible_text(const std::string& html) {
  std::string text;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>') { in_tag = false; text += ' '; }
    else if (!in_tag) text += c;
  }
  const std::pair<std::string, std::string> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  std::string out;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string element_text(const std::string& html, const std::string& tag) {
  auto open = html.find("<" + tag);
  if (open == std::string::npos) return "";
  auto start = html.find('>', open);
  auto end = html.find("</" + tag + ">", start);
  if (start == std::string::npos || end == std::string::npos) return "";
  return visible_text(html.substr(start + 1, end - start - 1));
}

std::string fact(const std::string& html, const std::string& label) {
  for (size_t at = html.find("<dt>"); at != std::string::npos; at = html.find("<dt>", at + 1)) {
    auto end = html.find("</dt>", at);
    if (visible_text(html.substr(at + 4, end - at - 4)) != label) continue;
    auto dd = html.find("<dd>", end);
    auto dd_end = html.find("</dd>", dd);
    return visible_text(html.substr(dd + 4, dd_end - dd - 4));
  }
  return "";
}

std::string seed(const std::string& name) { return read(fs::path(CARTABLE_SEEDS_DIR) / name); }

}  // namespace cartable_test

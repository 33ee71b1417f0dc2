// The flat front-matter path against yaml-cpp on the same inputs: whatever
// the fast path accepts, yaml-cpp through Fields reads the same values at the
// same positions and reports nothing; whole sites load to the same entries
// and diagnostics whichever path each file takes.
#include "load/front_matter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/filesystem.h"
#include "load/load.h"

using namespace cartable;
namespace fs = std::filesystem;

namespace {

// An entry's keys (portfolios.cpp reads them so), only the title required
// here so that short documents can be tried.
constexpr FlatKey kSchema[] = {
    {"title", FlatShape::Text, true},      {"date", FlatShape::Text, false},
    {"module", FlatShape::Text, false},    {"task", FlatShape::Text, false},
    {"kind", FlatShape::Text, false},      {"competencies", FlatShape::List, false},
    {"status", FlatShape::Text, false},    {"coauthors", FlatShape::List, false},
    {"draft", FlatShape::Boolean, false},  {"visibility", FlatShape::Text, false}};

std::string at(const SourcePos& p) { return p.path.str() + ":" + std::to_string(p.line) + ":" + std::to_string(p.col); }

// Everything a reader gets through the schema, as text.
template <class F>
std::string read_all(F& f) {
  std::ostringstream out;
  out << "map@" << at(f.pos()) << "\n";
  for (const FlatKey& k : kSchema) {
    out << k.name << " has=" << f.has(k.name) << " @" << at(f.pos_of(k.name));
    if (k.shape == FlatShape::Text) out << " [" << f.str(k.name, k.required) << "]";
    if (k.shape == FlatShape::Boolean) out << " " << f.boolean(k.name);
    if (k.shape == FlatShape::List) {
      for (const auto& [text, pos] : f.str_list_pos(k.name)) out << " [" << text << "]@" << at(pos);
    }
    out << "\n";
  }
  f.finish();
  return out.str();
}

// nullopt when the fast path refused `yaml`; otherwise what it read, after
// checking that yaml-cpp reads the same with no diagnostic.
std::optional<std::string> both_paths(const std::string& yaml) {
  YamlSource src{SharedPath("p/e.md"), 2};
  std::optional<FlatFrontMatter> flat = parse_flat_front_matter(yaml, kSchema);
  if (!flat) return std::nullopt;
  FlatFields fast(std::move(*flat), src);
  Diagnostics diags;
  std::optional<YAML::Node> root = parse_yaml(yaml, src, diags);
  EXPECT_TRUE(root) << yaml;
  if (!root) return std::nullopt;
  Fields slow(*root, src, diags, "entry");
  std::string expected = read_all(slow);
  for (const Diagnostic& d : diags.sorted()) ADD_FAILURE() << "yaml-cpp reports " << format_diagnostic(d) << " on\n" << yaml;
  EXPECT_EQ(read_all(fast), expected) << yaml;
  return expected;
}

}  // namespace

TEST(FlatFrontMatter, ReadsWhatYamlCppReadsInTheCommonForms) {
  for (const char* yaml : {
           "title: Atelier robots\ndate: 2027-10-20\ncompetencies:\n  - rc-num-so/6.2\n  - crcne/1\nstatus: submitted\n",
           "title: \"Trace 3 : un titre, avec « guillemets »\"\ndate: 2027-01-25\ncompetencies: [rc-num-so/2.1, crcne/2]\n",
           "title: 'l''atelier'\ncompetencies:\n- a\n- b\ndraft: true\n",
           "title: Été   à   Genève   \ncoauthors: []\ndraft: false\n",
           "\n\ntitle:    x\n\ncompetencies:\n\n    - a\n\n    - b c\ncoauthors: [ é ,  b ,c]\n",
           "title: \"\"\ncompetencies: [a]\n",
           "title: a:b\n",
           "title: 'null'\nstatus: \"~\"\n",
           "title: 2027\ndraft: 'true'\n",
           "title: x\ncompetencies: [ ]\n",
       }) {
    EXPECT_TRUE(both_paths(yaml)) << "refused:\n" << yaml;
  }
}

TEST(FlatFrontMatter, LeavesEverythingElseToYamlCpp) {
  for (const char* yaml : {
           "",                                              // not a mapping
           "- a\n",                                         // a list
           "title: x # comment\n",                          // comments
           "# comment\ntitle: x\n",
           "title: x\ntitle: y\n",                          // duplicate key
           "title: x\nunknown: y\n",                        // a key the reader would warn about
           "title: x\nattachments:\n  - file: a.png\n",
           "date: 2027-01-01\n",                            // a required key missing
           "title:\n",                                      // null
           "title: ~\n",
           "title: null\n",
           "title: x\ncompetencies:\n",                     // a list without items
           "title: x\ncompetencies: a\n",                   // text where a list is read
           "title: [a]\n",                                  // a list where text is read
           "title: x\ndraft: yes\n",                        // not a boolean
           "title: x\n  continued\n",                       // multi-line
           "title: \"x\n  y\"\n",
           "title: |\n  x\n",                               // block scalars
           "title: >\n  x\n",
           "title: &a x\nstatus: *a\n",                     // anchors, aliases, tags
           "title: !!str x\n",
           "title: \"a\\tb\"\n",                            // escapes
           "title: x\ncompetencies:\n  - a\n    - b\n",     // uneven indentation
           "title: x\ncompetencies:\n  - a\n  -\n",         // a null item
           "title: x\ncompetencies:\n  - k: v\n",           // nested
           "title: x\ncompetencies: [a, [b]]\n",
           "title: x\ncompetencies: [a, b,]\n",
           "title: x\ncompetencies: [a,\n  b]\n",
           "title: x\ncompetencies: [a, null]\n",
           "title: x\ncompetencies: [a, 'b']\n",
           "title: a: b\n",
           "title: a:\n",
           "title:x\n",
           "title : x\n",
           "  title: x\n",
           "title: x\r\n",
           "title: \"a\" b\n",
           "title: x\n---\n",
           "title: -x\n",
           "title: {a: b}\n",
           "title: x\tx\n",
       }) {
    EXPECT_FALSE(parse_flat_front_matter(yaml, kSchema)) << "accepted:\n" << yaml;
  }
}

// Every hostile entry (tests/hostile/) and every entry of the repository's
// site, through both paths when the fast path takes it.
TEST(FlatFrontMatter, AgreesWithYamlCppOnHostileAndRealEntries) {
  int accepted = 0;
  int files = 0;
  for (const char* dir : {"tests/hostile", "portfolios"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(CARTABLE_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".md" || e.path().filename() == "README.md") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      Diagnostics diags;
      FrontMatter fm = split_front_matter(text, e.path().string(), diags);
      if (!fm.present) continue;
      ++files;
      if (both_paths(fm.yaml)) ++accepted;
    }
  }
  EXPECT_GT(files, 30);
  EXPECT_GT(accepted, 20);  // the fast path is taken for real entries, not only refused
}

namespace {

// The repository's site in memory; with `force_yaml_cpp`, every entry's
// front matter ends with a comment line (which the fast path refuses and
// which moves no position).
std::shared_ptr<MemoryFileSystem> site_in_memory(bool force_yaml_cpp) {
  auto files = std::make_shared<MemoryFileSystem>();
  fs::path root(CARTABLE_SOURCE_DIR);
  files->add_file("site.yaml", [&] {
    std::ifstream in(root / "site.yaml", std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }());
  for (const char* dir : {"content", "portfolios", "themes"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      std::string rel = fs::relative(e.path(), root).generic_string();
      if (e.is_directory()) {
        files->add_folder(rel);
        continue;
      }
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      size_t close = text.find("\n---\n", 3);
      if (force_yaml_cpp && rel.starts_with("portfolios/") && e.path().extension() == ".md" && close != std::string::npos) {
        text.insert(close + 1, "# yaml-cpp\n");
      }
      files->add_file(rel, std::move(text));
    }
  }
  return files;
}

std::string describe(const Site& site, const Diagnostics& diags) {
  std::ostringstream out;
  for (const Portfolio& p : site.portfolios) {
    for (const Entry& e : p.entries) {
      out << e.file << " @" << at(e.pos) << " [" << e.title << "] " << e.date.year << "-" << e.date.month << "-"
          << e.date.day << " " << e.module.id << "@" << at(e.module.pos) << " " << e.task.id << "@" << at(e.task.pos)
          << " [" << e.kind << "] [" << e.status << "] draft=" << e.draft << " vis=" << static_cast<int>(e.visibility)
          << " attachments=" << e.attachments.size() << "\n";
      for (const Ref& r : e.competencies) out << "  competency " << r.id << "@" << at(r.pos) << "\n";
      for (const Ref& r : e.coauthors) out << "  coauthor " << r.id << "@" << at(r.pos) << "\n";
      for (const char* key : {"title", "date", "module", "task", "kind", "competencies", "status", "coauthors",
                              "draft", "visibility"}) {
        if (auto pos = e.field_pos.find(key)) out << "  " << key << "@" << at(*pos) << "\n";
      }
    }
  }
  for (const Diagnostic& d : diags.sorted()) out << format_diagnostic(d) << "\n";
  return out.str();
}

}  // namespace

TEST(FlatFrontMatter, SiteLoadsTheSameEntriesEitherWay) {
  Diagnostics fast_diags, slow_diags;
  Site fast = load_site(site_in_memory(false), "", fast_diags);
  Site slow = load_site(site_in_memory(true), "", slow_diags);
  ASSERT_FALSE(fast.portfolios.empty());
  EXPECT_EQ(describe(fast, fast_diags), describe(slow, slow_diags));
}

#include "load/load.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "load/yaml_util.h"

using namespace cartable;
namespace fs = std::filesystem;

namespace {

struct TempSite {
  fs::path dir;
  TempSite() {
    dir = fs::temp_directory_path() / ("cartable-load-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "content/modules");
    write("site.yaml", "title: T\nbase_url: https://example.org/cas/\n");
    write("content/programme.md", "---\ntitle: Programme\n---\nTexte.\n");
  }
  ~TempSite() { fs::remove_all(dir); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
};

}  // namespace

TEST(FrontMatter, SplitsYamlAndBodyWithLineNumbers) {
  Diagnostics diags;
  FrontMatter fm = split_front_matter("---\na: 1\nb: 2\n---\n# Titre\n", "x.md", diags);
  EXPECT_TRUE(fm.present);
  EXPECT_EQ(fm.yaml, "a: 1\nb: 2\n");
  EXPECT_EQ(fm.body, "# Titre\n");
  EXPECT_EQ(fm.body_first_line, 5);
  EXPECT_FALSE(diags.has_errors());
}

TEST(FrontMatter, AcceptsCrlf) {
  Diagnostics diags;
  FrontMatter fm = split_front_matter("---\r\na: 1\r\n---\r\nx\r\n", "x.md", diags);
  EXPECT_TRUE(fm.present);
  EXPECT_EQ(fm.body, "x\r\n");
}

TEST(FrontMatter, UnclosedIsAnError) {
  Diagnostics diags;
  FrontMatter fm = split_front_matter("---\na: 1\n", "x.md", diags);
  EXPECT_FALSE(fm.present);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(format_diagnostic(diags.sorted()[0]).find("x.md:1:1: error: front matter is not closed"), std::string::npos);
}

TEST(Yaml, SyntaxErrorHasFileLineAndColumn) {
  Diagnostics diags;
  // Front matter starts on file line 2, so its third line is file line 4.
  auto node = parse_yaml("title: ok\nects: 4\n  bad: 1\n", YamlSource{"content/modules/m1.md", 2}, diags);
  EXPECT_FALSE(node.has_value());
  ASSERT_EQ(diags.error_count(), 1u);
  std::string msg = format_diagnostic(diags.sorted()[0]);
  EXPECT_EQ(msg.rfind("content/modules/m1.md:4:6: error: invalid YAML", 0), 0u) << msg;
  EXPECT_NE(msg.find("error: invalid YAML"), std::string::npos);
}

TEST(Load, ModuleFieldsAndPositions) {
  TempSite s;
  s.write("content/modules/m1.md",
          "---\nnumber: 1\ntitle: Un\nects: 4\nperiods: 80\nself_study_hours: 30\ndays: 3.5\n"
          "competencies:\n  - rc-num-so/1.0\n  - rc-num-so/3.1\n---\nCorps.\n");
  Diagnostics diags;
  Site site = load_site(s.dir.string(), diags);
  ASSERT_FALSE(diags.has_errors());
  ASSERT_EQ(site.modules.size(), 1u);
  const Module& m = site.modules[0];
  EXPECT_EQ(m.id, "m1");
  EXPECT_EQ(m.ects, 4);
  EXPECT_EQ(m.days, 3.5);
  ASSERT_EQ(m.competencies.size(), 2u);
  EXPECT_EQ(m.competencies[1].id, "rc-num-so/3.1");
  EXPECT_EQ(m.competencies[1].pos.line, 10);
  EXPECT_EQ(m.competencies[1].pos.col, 5);
  EXPECT_EQ(m.body.start.line, 12);
  EXPECT_EQ(site.config.base_path, "/cas/");
}

TEST(Load, WrongTypeAndUnknownKeyAreReported) {
  TempSite s;
  s.write("content/modules/m1.md", "---\nnumber: 1\ntitle: Un\nects: quatre\nself_study_hours: 30\nect: 4\n---\n");
  Diagnostics diags;
  load_site(s.dir.string(), diags);
  auto all = diags.sorted();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].pos.line, 4);
  EXPECT_NE(all[0].message.find("'ects' must be a number"), std::string::npos);
  EXPECT_EQ(all[1].severity, Severity::Warning);
  EXPECT_EQ(all[1].hint, "did you mean ects?");
}

TEST(Load, MissingSiteYamlSaysWhatToDo) {
  Diagnostics diags;
  load_site("/nonexistent-cartable-dir", diags);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(diags.sorted()[0].hint.find("--source"), std::string::npos);
}

// A site held in memory (base/filesystem.h): what fixture sites build on.
TEST(Load, FromMemoryWithALinkedEntryRefused) {
  auto files = std::make_shared<MemoryFileSystem>();
  files->add_file("site.yaml", "title: T\nbase_url: https://example.org/\n");
  files->add_file("content/programme.md", "---\ntitle: Programme\n---\nTexte.\n");
  files->add_file("portfolios/ana/portfolio.yaml", "name: Ana\n");
  files->add_link("portfolios/ana/lien.md");
  files->add_link("portfolios/bob");
  Diagnostics diags;
  Site site = load_site(files, "site", diags);
  auto all = diags.sorted();
  ASSERT_EQ(all.size(), 2u) << format_diagnostic(all[0]);
  EXPECT_EQ(format_diagnostic(all[0]).rfind("site/portfolios/ana/lien.md: error: 'site/portfolios/ana/lien.md' is a symbolic link", 0), 0u)
      << format_diagnostic(all[0]);
  EXPECT_NE(all[1].message.find("'site/portfolios/bob' is a symbolic link"), std::string::npos) << all[1].message;
  ASSERT_EQ(site.portfolios.size(), 1u);
  EXPECT_EQ(site.portfolios[0].name, "Ana");
  EXPECT_TRUE(site.portfolios[0].entries.empty());
}

// A portfolio folder without portfolio.yaml is named as such; one whose
// portfolio.yaml is a link or a folder is refused as what it is.
TEST(Load, APortfolioWithoutItsYamlSaysWhatToCreate) {
  auto files = std::make_shared<MemoryFileSystem>();
  files->add_file("site.yaml", "title: T\nbase_url: https://example.org/\n");
  files->add_file("content/programme.md", "---\ntitle: Programme\n---\nTexte.\n");
  files->add_file("portfolios/ana/entree.md", "---\ntitle: E\n---\n");
  files->add_link("portfolios/bob/portfolio.yaml");
  files->add_folder("portfolios/cleo/portfolio.yaml");
  files->add_file("portfolios/dan/portfolio.yaml", "name: Dan\n");
  Diagnostics diags;
  Site site = load_site(files, "site", diags);
  auto all = diags.sorted();
  ASSERT_EQ(all.size(), 3u) << format_diagnostic(all[0]);
  EXPECT_EQ(format_diagnostic(all[0]).rfind("site/portfolios/ana/portfolio.yaml: error: portfolio folder without portfolio.yaml", 0), 0u)
      << format_diagnostic(all[0]);
  EXPECT_NE(all[0].hint.find("create portfolios/ana/portfolio.yaml"), std::string::npos) << all[0].hint;
  EXPECT_NE(all[1].message.find("'site/portfolios/bob/portfolio.yaml' is a symbolic link"), std::string::npos)
      << all[1].message;
  EXPECT_EQ(all[2].pos.path.str(), "site/portfolios/cleo/portfolio.yaml");
  EXPECT_EQ(all[2].message.find("without portfolio.yaml"), std::string::npos) << all[2].message;
  ASSERT_EQ(site.portfolios.size(), 1u);
  EXPECT_EQ(site.portfolios[0].name, "Dan");
}

TEST(Load, DuplicateKeyIsAnErrorAtTheSecondKey) {
  Diagnostics diags;
  auto node = parse_yaml("draft: false\ntitle: T\ndraft: true\nnested:\n  a: 1\n  a: 2\n", YamlSource{"e.md", 2}, diags);
  ASSERT_TRUE(node.has_value());
  auto all = diags.sorted();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(format_diagnostic(all[0]).rfind("e.md:4:1: error: duplicate key 'draft' (first given on line 2)", 0), 0u)
      << format_diagnostic(all[0]);
  EXPECT_EQ(all[1].pos.line, 7);
  EXPECT_EQ(all[1].pos.col, 3);
  // The same key in two different maps is no duplicate; an alias is one event.
  Diagnostics fine;
  parse_yaml("a: {x: 1}\nb: {x: 2}\nc: &c [1, 2]\nd: *c\n", YamlSource{"f.yaml", 1}, fine);
  EXPECT_FALSE(fine.has_errors());
}

TEST(Load, DatesAreIsoWithAPlausibleYear) {
  Diagnostics diags;
  LocalTime t;
  SourcePos at{"x.yaml", 1, 1};
  EXPECT_TRUE(parse_local_time("2027-03-13 09:00", false, t, at, diags));
  EXPECT_TRUE(parse_local_time("2027-03-13T09:00", false, t, at, diags));
  EXPECT_TRUE(parse_local_time("2027-03-13", true, t, at, diags));
  EXPECT_FALSE(diags.has_errors());
  for (const char* bad : {"2027-3-13", " 2027-03-13", "+2027-03-13", "2027-03-13 9:00", "13.03.2027", "2027-03-13 09:00:00"}) {
    Diagnostics d;
    EXPECT_FALSE(parse_local_time(bad, true, t, at, d)) << bad;
  }
  Diagnostics far;
  EXPECT_FALSE(parse_local_time("1899-12-31", true, t, at, far));
  EXPECT_FALSE(parse_local_time("2201-01-01", true, t, at, far));
  EXPECT_NE(far.sorted()[0].message.find("outside 1900-2200"), std::string::npos);
  EXPECT_TRUE(parse_local_time("1900-01-01", true, t, at, diags));
  EXPECT_TRUE(parse_local_time("2200-12-31", true, t, at, diags));
}

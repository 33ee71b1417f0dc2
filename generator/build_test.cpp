// Incremental rebuilds write the same bytes as a full build.
#include "build.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <sstream>

using namespace cartable;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    files[fs::relative(e.path(), dir).generic_string()] = ss.str();
  }
  return files;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = slurp(p);
  auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(p, std::ios::binary) << text;
}

class Incremental : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("cartable-incr-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    fs::create_directories(root / "site");
    for (const char* item : {"site.yaml", "content", "themes", "portfolios"}) {
      fs::copy(fs::path(CARTABLE_SOURCE_DIR) / item, root / "site" / item, fs::copy_options::recursive);
    }
  }
  void TearDown() override { fs::remove_all(root); }

  BuildOptions options(const std::string& out, const std::string& audience = "public") {
    BuildOptions o;
    o.source = (root / "site").string();
    o.out = (root / out).string();
    o.audience = audience;
    o.search = false;
    return o;
  }

  // Edits, updates the workspace incrementally, builds from scratch, compares.
  void expect_same_as_full(const std::function<void()>& edit, const std::vector<std::string>& changed,
                           const std::string& audience = "public") {
    Workspace ws(options("incremental", audience), false);
    Diagnostics d1;
    ASSERT_TRUE(ws.build(d1));
    edit();
    Diagnostics d2;
    bool incremental = false;
    size_t pages = 0;
    ASSERT_TRUE(ws.update(changed, d2, &incremental, &pages));
    EXPECT_TRUE(incremental);
    EXPECT_GT(pages, 0u);
    EXPECT_LT(pages, 40u) << "an incremental rebuild re-rendered most of the site";
    Diagnostics d3;
    ASSERT_TRUE(build_site(options("full", audience), d3).ok);
    auto a = snapshot(root / "incremental");
    auto b = snapshot(root / "full");
    EXPECT_EQ(a.size(), b.size());
    for (const auto& [path, bytes] : b) EXPECT_EQ(a[path], bytes) << path;
    for (const auto& [path, bytes] : a) EXPECT_TRUE(b.count(path)) << "stale file " << path;
  }

  fs::path root;
};

}  // namespace

TEST_F(Incremental, EditingAnEntrysTextTitleStatusAndCompetencies) {
  fs::path file = root / "site/portfolios/luca-ferrari/veille-robotique.md";
  expect_same_as_full(
      [&] {
        replace(file, "title: Veille sur la robotique pédagogique", "title: Veille robotique, version 2");
        replace(file, "competencies:", "status: submitted\ncompetencies:");
        replace(file, "  - rc-num-so/6.2\n", "  - rc-num-so/6.1\n  - crcne/4\n");
        replace(file, "une question de science informatique.", "une question de science informatique, un défi.");
      },
      {"portfolios/luca-ferrari/veille-robotique.md"});
}

TEST_F(Incremental, MovingAnEntryToAnotherTaskAndAddingACoauthor) {
  fs::path file = root / "site/portfolios/luca-ferrari/atelier-robots.md";
  expect_same_as_full(
      [&] {
        replace(file, "task: formation", "task: accompagnement");
        replace(file, "status: submitted\n", "status: submitted\ncoauthors: [camille-rochat]\n");
      },
      {(root / "site/portfolios/luca-ferrari/atelier-robots.md").string()});
}

TEST_F(Incremental, AddingDeletingAndDraftingEntries) {
  fs::path dir = root / "site/portfolios/camille-rochat";
  expect_same_as_full(
      [&] {
        std::ofstream(dir / "nouvelle.md") << "---\ntitle: Nouvelle trace\ndate: 2027-12-01\nmodule: m1\ntask: environnements\n"
                                              "competencies: [rc-num-so/2.1]\nstatus: submitted\n---\nTexte.\n";
        fs::remove(dir / "veille.md");
        replace(dir / "prevention.md", "status: submitted\n", "status: submitted\ndraft: true\n");
      },
      {"portfolios/camille-rochat/nouvelle.md", "portfolios/camille-rochat/veille.md",
       "portfolios/camille-rochat/prevention.md"});
}

TEST_F(Incremental, ExpertsBuildWithReadiness) {
  fs::path file = root / "site/portfolios/ines-maillard/veille-histoire.md";
  // Edited after its assessment: the task is « à revalider » on the
  // experts' pages and table, incrementally as in a full build.
  expect_same_as_full([&] { replace(file, "competencies:", "competencies:\n  - rc-num-so/6.1"); },
                      {"portfolios/ines-maillard/veille-histoire.md"}, "experts");
  EXPECT_NE(slurp(root / "incremental/portfolios/ines-maillard/index.html").find("À revalider"), std::string::npos);
}

TEST_F(Incremental, OtherChangesRebuildEverything) {
  Workspace ws(options("out"), false);
  Diagnostics d;
  ASSERT_TRUE(ws.build(d));
  replace(root / "site/content/modules/m1.md", "days: 9", "days: 8");
  bool incremental = true;
  ASSERT_TRUE(ws.update({"content/modules/m1.md"}, d, &incremental));
  EXPECT_FALSE(incremental);
  EXPECT_NE(slurp(root / "out/modules/m1/index.html").find("<dd>8</dd>"), std::string::npos);
}

TEST_F(Incremental, ABrokenEntryKeepsTheOutputAndIsReportedUntilFixed) {
  Workspace ws(options("out"), false);
  Diagnostics d;
  ASSERT_TRUE(ws.build(d));
  auto before = snapshot(root / "out");
  fs::path file = root / "site/portfolios/luca-ferrari/veille-robotique.md";
  replace(file, "module: m2", "module: m9");
  Diagnostics broken;
  EXPECT_FALSE(ws.update({"portfolios/luca-ferrari/veille-robotique.md"}, broken));
  EXPECT_TRUE(broken.has_errors());
  EXPECT_EQ(snapshot(root / "out"), before);
  // Another file changes: the broken one is still reported.
  Diagnostics again;
  EXPECT_FALSE(ws.update({"portfolios/luca-ferrari/atelier-robots.md"}, again));
  EXPECT_TRUE(again.has_errors());
  replace(file, "module: m9", "module: m2");
  Diagnostics fixed;
  EXPECT_TRUE(ws.update({"portfolios/luca-ferrari/veille-robotique.md"}, fixed));
}

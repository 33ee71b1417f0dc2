// Incremental rebuilds write the same bytes as a full build.
#include "build/build.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <set>
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

  // What an update did: the pages and feeds it rendered, and those whose
  // bytes the edit changed, found by comparing the output before and after
  // (an oracle independent of the recorded dependencies). The output after
  // is checked against a full build's.
  struct Rebuild {
    std::set<std::string> rendered;
    std::set<std::string> changed;
  };
  Rebuild rebuild_after(const std::function<void()>& edit, const std::vector<std::string>& files,
                        const std::string& audience = "public") {
    Rebuild r;
    Workspace ws(options("incremental", audience), false);
    Diagnostics d1;
    EXPECT_TRUE(ws.build(d1));
    auto before = snapshot(root / "incremental");
    edit();
    Diagnostics d2;
    bool incremental = false;
    EXPECT_TRUE(ws.update(files, d2, &incremental)) << d2.sorted().size();
    EXPECT_TRUE(incremental);
    r.rendered.insert(ws.last_rendered().begin(), ws.last_rendered().end());
    auto after = snapshot(root / "incremental");
    for (const auto& [path, bytes] : after) {
      bool page = path.ends_with("index.html") || path.ends_with(".ics") || path.ends_with("atom.xml");
      if (page && (!before.count(path) || before[path] != bytes)) r.changed.insert(path);
    }
    Diagnostics d3;
    EXPECT_TRUE(build_site(options("full", audience), d3).ok);
    auto full = snapshot(root / "full");
    EXPECT_EQ(after.size(), full.size());
    for (const auto& [path, bytes] : full) EXPECT_EQ(after[path], bytes) << path;
    for (const auto& [path, bytes] : after) EXPECT_TRUE(full.count(path)) << "stale file " << path;
    // No page whose bytes changed may be missing from the rebuild.
    for (const std::string& path : r.changed) EXPECT_TRUE(r.rendered.count(path)) << "not re-rendered: " << path;
    return r;
  }

  fs::path root;
};

std::set<std::string> with(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

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

TEST_F(Incremental, ChangesEveryPageMayShowRebuildEverything) {
  Workspace ws(options("out"), false);
  Diagnostics d;
  ASSERT_TRUE(ws.build(d));
  replace(root / "site/content/places.yaml", "name:", "name: Site –");
  bool incremental = true;
  ASSERT_TRUE(ws.update({"content/places.yaml"}, d, &incremental));
  EXPECT_FALSE(incremental);
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

// Exact sets of re-rendered pages, for each kind of edit. Where a set is
// given as "changed + ...", `changed` holds the pages whose bytes changed
// and the rest are pages that read what changed without showing the
// difference (a list they iterate, a count).

TEST_F(Incremental, AnEntrysTextRendersItsPageAndItsAuthorsPrintView) {
  fs::path file = root / "site/portfolios/luca-ferrari/veille-robotique.md";
  Rebuild r = rebuild_after([&] { replace(file, "une question de science informatique.", "une question d'informatique."); },
                            {"portfolios/luca-ferrari/veille-robotique.md"});
  EXPECT_EQ(r.rendered, (std::set<std::string>{"portfolios/luca-ferrari/veille-robotique/index.html",
                                               "portfolios/luca-ferrari/impression/index.html"}));
}

TEST_F(Incremental, AnEntrysTitleRendersEveryPageThatListsIt) {
  // Tagged rc-num-so/1.3 and 6.2, which the crosswalk makes equivalent to
  // crcne/1 and crcne/5: its title shows on all four competency pages.
  fs::path file = root / "site/portfolios/luca-ferrari/veille-robotique.md";
  Rebuild r = rebuild_after([&] { replace(file, "title: Veille sur la robotique pédagogique", "title: Veille robotique"); },
                            {"portfolios/luca-ferrari/veille-robotique.md"});
  EXPECT_EQ(r.rendered, (std::set<std::string>{
                            "portfolios/luca-ferrari/veille-robotique/index.html",
                            "portfolios/luca-ferrari/impression/index.html",
                            "portfolios/luca-ferrari/index.html",
                            "modules/m2/index.html",  // its task's entries
                            "referentiels/rc-num-so/1.3/index.html",
                            "referentiels/rc-num-so/6.2/index.html",
                            "referentiels/crcne/1/index.html",
                            "referentiels/crcne/5/index.html",
                        }));
  EXPECT_EQ(r.rendered, r.changed);
}

TEST_F(Incremental, AddingAndRemovingACoauthorRendersBothPortfolios) {
  fs::path file = root / "site/portfolios/luca-ferrari/atelier-robots.md";
  const std::set<std::string> both = {
      "portfolios/luca-ferrari/atelier-robots/index.html",
      "portfolios/luca-ferrari/impression/index.html",
      "portfolios/luca-ferrari/index.html",
      "portfolios/camille-rochat/impression/index.html",
      "portfolios/camille-rochat/index.html",
      "portfolios/index.html",  // Camille's count of entries
      "modules/m4/index.html",  // the task's entries, with their authors
      "referentiels/rc-num-so/6.2/index.html",
      "referentiels/rc-num-so/3.1/index.html",
      "referentiels/inspe-grille/item-5/index.html",
      "referentiels/crcne/5/index.html",  // equivalent of 6.2
      "referentiels/crcne/3/index.html",  // equivalent of 3.1
  };
  Rebuild added = rebuild_after([&] { replace(file, "status: submitted\n", "status: submitted\ncoauthors: [camille-rochat]\n"); },
                                {"portfolios/luca-ferrari/atelier-robots.md"});
  EXPECT_EQ(added.rendered, both);
  EXPECT_EQ(added.rendered, added.changed);
  Rebuild removed = rebuild_after([&] { replace(file, "coauthors: [camille-rochat]\n", ""); },
                                  {"portfolios/luca-ferrari/atelier-robots.md"});
  EXPECT_EQ(removed.rendered, both);
}

TEST_F(Incremental, ACrosswalkChangeRendersTheCompetenciesAndCoveragesItMoves) {
  // rc-num-so/6.2 no longer counts for crcne/5: Luca's three entries tagged
  // 6.2 leave the crcne/5 page and his coverage table.
  fs::path file = root / "site/content/crosswalks/crcne-rc-num-so.yaml";
  Rebuild r = rebuild_after([&] { replace(file, "rc-num-so/6.1, rc-num-so/6.2, rc-num-so/6.3", "rc-num-so/6.1, rc-num-so/6.3"); },
                            {"content/crosswalks/crcne-rc-num-so.yaml"});
  EXPECT_EQ(r.rendered, (std::set<std::string>{
                            "referentiels/crcne/5/index.html",
                            "referentiels/rc-num-so/6.2/index.html",
                            "portfolios/luca-ferrari/index.html",
                        }));
  EXPECT_EQ(r.rendered, r.changed);
}

TEST_F(Incremental, ALinkedEntrysTitleRendersThePagesThatLinkToIt) {
  fs::path from = root / "site/portfolios/camille-rochat/veille.md";
  fs::path to = root / "site/portfolios/luca-ferrari/veille-robotique.md";
  std::ofstream(from, std::ios::app) << "\nVoir aussi [](entry:luca-ferrari/veille-robotique).\n";
  Rebuild r = rebuild_after([&] { replace(to, "title: Veille sur la robotique pédagogique", "title: Veille robotique"); },
                            {"portfolios/luca-ferrari/veille-robotique.md"});
  // Camille's entry and print view show the title as the link's text.
  EXPECT_TRUE(r.rendered.count("portfolios/camille-rochat/veille/index.html"));
  EXPECT_TRUE(r.rendered.count("portfolios/camille-rochat/impression/index.html"));
  EXPECT_EQ(r.rendered, r.changed);
}

TEST_F(Incremental, APortfolioTurnedExpertsOnlyLeavesThePublicSite) {
  fs::path file = root / "site/portfolios/luca-ferrari/portfolio.yaml";
  Rebuild r = rebuild_after([&] { replace(file, "visibility: public", "visibility: experts"); },
                            {"portfolios/luca-ferrari/portfolio.yaml"});
  EXPECT_FALSE(fs::exists(root / "incremental/portfolios/luca-ferrari"));
  EXPECT_TRUE(r.rendered.count("portfolios/index.html"));
  // Camille's group work with Luca no longer names him.
  EXPECT_TRUE(r.rendered.count("portfolios/camille-rochat/strategie-college/index.html"));
  EXPECT_EQ(r.rendered, r.changed);
}

TEST_F(Incremental, ASessionsTitleRendersThePagesAndFeedsThatShowIt) {
  fs::path file = root / "site/content/calendar.yaml";
  Rebuild r = rebuild_after(
      [&] { replace(file, "title: Tour d'horizon de projets numériques", "title: Tour d'horizon des projets numériques"); },
      {"content/calendar.yaml"});
  EXPECT_TRUE(r.rendered.count("seances/m2-tour-horizon/index.html"));
  EXPECT_TRUE(r.rendered.count("seances/m2-strategie-travail/index.html"));  // its predecessor links to it
  EXPECT_TRUE(r.rendered.count("modules/m2/calendrier.ics"));
  EXPECT_TRUE(r.rendered.count("referentiels/rc-num-so/2.1/index.html"));  // m2 develops it: its sessions
  // The changes page and feed read every session but show only changed
  // ones, which this one is not.
  EXPECT_EQ(r.rendered, with(r.changed, {"calendrier/modifications/index.html", "calendrier/modifications/atom.xml"}));
}

TEST_F(Incremental, AModulesTitleRendersThePagesThatShowTheModule) {
  fs::path file = root / "site/content/modules/m1.md";
  Rebuild r = rebuild_after([&] { replace(file, "\ntitle: ", "\ntitle: Le module "); }, {"content/modules/m1.md"});
  EXPECT_TRUE(r.rendered.count("modules/m1/index.html"));
  EXPECT_TRUE(r.rendered.count("modules/m2/index.html"));  // links to its predecessor
  EXPECT_FALSE(r.rendered.count("modules/m3/index.html"));
  // Beyond the pages that show the title: competency pages listing an entry
  // of m1, which read the module for the entry's kind (its task's).
  for (const std::string& path : r.rendered) {
    if (!r.changed.count(path)) {
      EXPECT_EQ(path.rfind("referentiels/", 0), 0u) << path;
    }
  }
}

TEST_F(Incremental, AModulesDaysRenderOnlyThePagesThatShowThem) {
  fs::path file = root / "site/content/modules/m1.md";
  Rebuild r = rebuild_after([&] { replace(file, "days: 9", "days: 8"); }, {"content/modules/m1.md"});
  EXPECT_NE(slurp(root / "incremental/modules/m1/index.html").find("<dd>8</dd>"), std::string::npos);
  EXPECT_TRUE(r.rendered.count("modules/m1/index.html"));
  EXPECT_FALSE(r.rendered.count("referentiels/index.html"));  // counts modules per competency: unchanged
}

// site.yaml's programme names on the real programme (model.h, SiteConfig):
// an override reaches every page (no French URL word nor `#tache-` anchor is
// left in any file), and without a certification grid or coverage
// framework the pages show nothing for them rather than an empty section.
#include <gtest/gtest.h>

#include "support.h"

using namespace cartable_test;

namespace {

// Files of `dir` whose text contains `needle`, but for the theme's static
// scripts (copied as written, comments included).
std::vector<std::string> files_containing(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& [rel, bytes] : snapshot(dir)) {
    if (rel.rfind("js/", 0) == 0) continue;
    if (bytes.find(needle) != std::string::npos) out.push_back(rel);
  }
  return out;
}

}  // namespace

TEST(SiteNames, OverridesReachEveryPageAndNoGridShowsNoDefenceForm) {
  fs::path dir = temp_dir("site-names");
  copy_default_site(dir);
  const std::string print = "experts/portfolios/camille-rochat/impression/index.html";
  const std::string portfolio = "experts/portfolios/camille-rochat/index.html";
  // As published today: the oracle that the checks below can fail.
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  ASSERT_EQ(run_cartable(dir, "build --no-search --audience experts --out experts").status, 0);
  EXPECT_NE(read(dir / print).find("id=\"grille-soutenance\""), std::string::npos);
  EXPECT_NE(read(dir / portfolio).find("id=\"couverture\""), std::string::npos);
  EXPECT_NE(read(dir / "experts/experts/index.html").find("id=\"matrice\""), std::string::npos);
  EXPECT_FALSE(files_containing(dir / "public", "#tache-").empty());
  EXPECT_FALSE(files_containing(dir / "public", "/calendrier/").empty());

  fs::path site = dir / "site.yaml";
  replace_in_file(site, "task_anchor: tache-", "task_anchor: task-");
  replace_in_file(site, "calendar: calendrier ", "calendar: calendar ");
  replace_in_file(site, "changes: modifications", "changes: changes");
  replace_in_file(site, "sessions: seances", "sessions: sessions");
  replace_in_file(site, "frameworks: referentiels", "frameworks: frameworks");
  replace_in_file(site, "search: recherche", "search: search");
  replace_in_file(site, "certification_grid: inspe-grille", "certification_grid: \"\"");
  replace_in_file(site, "coverage_framework: rc-num-so", "coverage_framework: \"\"");
  RunResult pub = run_cartable(dir, "build --no-search");
  ASSERT_EQ(pub.status, 0) << pub.err;
  RunResult experts = run_cartable(dir, "build --no-search --audience experts --out experts");
  ASSERT_EQ(experts.status, 0) << experts.err;

  for (const char* gone : {"#tache-", "/calendrier/", "calendrier.ics", "/seances/", "/referentiels/", "/recherche/",
                           "/modifications/"}) {
    EXPECT_EQ(files_containing(dir / "public", gone), std::vector<std::string>{}) << gone;
  }
  EXPECT_TRUE(fs::exists(dir / "public/calendar/index.html"));
  EXPECT_TRUE(fs::exists(dir / "public/calendar/changes/index.html"));
  EXPECT_TRUE(fs::exists(dir / "public/calendar.ics"));
  EXPECT_TRUE(fs::exists(dir / "public/frameworks/rc-num-so/index.html"));
  EXPECT_FALSE(fs::exists(dir / "public/calendrier"));
  EXPECT_FALSE(fs::exists(dir / "public/seances"));
  // Each task's anchor and the links to it agree.
  std::string module = read(dir / "public/modules/m1/index.html");
  EXPECT_NE(module.find("<li id=\"task-"), std::string::npos);
  std::vector<std::string> linking = files_containing(dir / "public", "/modules/m1/#task-");
  EXPECT_FALSE(linking.empty());
  // No grid, no coverage framework: nothing for them, not an empty section.
  std::string print_page = read(dir / print);
  EXPECT_EQ(print_page.find("grille-soutenance"), std::string::npos);
  EXPECT_EQ(read(dir / portfolio).find("id=\"couverture\""), std::string::npos);
  EXPECT_EQ(read(dir / "experts/experts/index.html").find("id=\"matrice\""), std::string::npos);
  fs::remove_all(dir);
}

TEST(SiteNames, AFrameworkIdThatNamesNothingFailsTheBuildAtItsPlace) {
  fs::path dir = temp_dir("site-names-typo");
  copy_default_site(dir);
  ASSERT_EQ(run_cartable(dir, "build --no-search").status, 0);
  std::string before = read(dir / "public/index.html");
  replace_in_file(dir / "site.yaml", "coverage_framework: rc-num-so", "coverage_framework: rc-num-os");
  auto [line, col] = position_of(dir / "site.yaml", "rc-num-os");
  RunResult r = run_cartable(dir, "build --no-search");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("site.yaml:" + std::to_string(line) + ":" + std::to_string(col) +
                       ": error: site.yaml: coverage_framework names no framework: 'rc-num-os'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("did you mean rc-num-so?"), std::string::npos) << r.err;
  EXPECT_EQ(read(dir / "public/index.html"), before);  // the published site is intact
  fs::remove_all(dir);
}

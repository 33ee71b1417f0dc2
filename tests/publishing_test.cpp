// Portfolio-only repositories: a participant's repository holds only their
// portfolio and builds against the programme saved as /api/catalogue.json.
#include <gtest/gtest.h>

#include "support.h"

using namespace cartable_test;

TEST(PortfolioOnlyRepository, BuildsTheSamePortfolioPagesAsTheHepRepository) {
  fs::path hep = temp_dir("solo-hep");
  copy_default_site(hep);
  // Inès's portfolio, made public for the comparison.
  replace_in_file(hep / "portfolios/ines-maillard/portfolio.yaml", "visibility: experts", "visibility: public");
  ASSERT_EQ(run_cartable(hep, "build --no-search").status, 0);

  fs::path solo = temp_dir("solo-repo");
  RunResult setup = run_cartable(solo, "new portfolio \"Inès Maillard\" --catalogue '" +
                                           (hep / "public/api/catalogue.json").string() + "' --theme '" +
                                           (hep / "themes/default").string() + "'");
  ASSERT_EQ(setup.status, 0) << setup.err;
  EXPECT_NE(read(solo / "site.yaml").find("catalogue: catalogue.json"), std::string::npos);
  EXPECT_TRUE(fs::exists(solo / "portfolios/ines-maillard/portfolio.yaml"));
  // The participant's own files, as they would be in their repository.
  fs::remove_all(solo / "portfolios/ines-maillard");
  fs::copy(hep / "portfolios/ines-maillard", solo / "portfolios/ines-maillard", fs::copy_options::recursive);
  RunResult build = run_cartable(solo, "build --no-search");
  ASSERT_EQ(build.status, 0) << build.err;

  auto a = snapshot(hep / "public/portfolios/ines-maillard");
  auto b = snapshot(solo / "public/portfolios/ines-maillard");
  ASSERT_GT(a.size(), 10u);
  EXPECT_EQ(a.size(), b.size());
  for (const auto& [path, bytes] : a) EXPECT_EQ(b[path], bytes) << path;
  // And a typo is caught against the catalogue's frameworks.
  replace_in_file(solo / "portfolios/ines-maillard/newsletter.md", "rc-num-so/1.1", "rc-num-so/1.9");
  RunResult bad = run_cartable(solo, "check");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("unknown competency 'rc-num-so/1.9'"), std::string::npos) << bad.err;
  fs::remove_all(hep);
  fs::remove_all(solo);
}

// A link to a portfolio that lives in the HEP's repository is a warning its
// page gives as it renders. A build or a check that reuses the previous run
// after an edit elsewhere (another portfolio's entry) still gives it, as
// one from scratch does.
TEST(PortfolioOnlyRepository, ALinkToAPortfolioElsewhereIsReportedByEveryRun) {
  fs::path hep = temp_dir("solo-hep-links");
  copy_default_site(hep);
  ASSERT_EQ(run_cartable(hep, "build --no-search").status, 0);
  fs::path solo = temp_dir("solo-repo-links");
  ASSERT_EQ(run_cartable(solo, "new portfolio \"Inès Maillard\" --catalogue '" +
                                   (hep / "public/api/catalogue.json").string() + "'")
                .status,
            0);
  fs::remove_all(solo / "portfolios/ines-maillard");
  fs::copy(hep / "portfolios/ines-maillard", solo / "portfolios/ines-maillard", fs::copy_options::recursive);
  replace_in_file(solo / "portfolios/ines-maillard/portfolio.yaml", "visibility: experts", "visibility: public");
  fs::copy(hep / "portfolios/luca-ferrari", solo / "portfolios/luca-ferrari", fs::copy_options::recursive);  // a second one
  replace_in_file(solo / "portfolios/ines-maillard/newsletter.md", "\n---\n",
                  "\n---\nComme [Camille](entry:camille-rochat/prevention).\n");
  const std::string warning = "link to 'camille-rochat/prevention', whose portfolio is not in this repository";
  std::string check = "check --cache " + (solo / ".check.cartable").string();
  for (const char* step : {"first", "after another entry changed"}) {
    RunResult built = run_cartable(solo, "build --no-search");
    RunResult kept = run_cartable(solo, check);
    RunResult fresh = run_cartable(solo, "check");
    for (const RunResult* r : {&built, &kept, &fresh}) {
      EXPECT_EQ(r->status, 0) << step << "\n" << r->err;
      EXPECT_NE(r->err.find(warning), std::string::npos) << step << "\n" << r->err;
    }
    EXPECT_EQ(kept.err, fresh.err) << step;
    replace_in_file(solo / "portfolios/luca-ferrari/atelier-robots.md", "\n---\n", "\n---\nUne ligne de plus.\n");
  }
  fs::remove_all(hep);
  fs::remove_all(solo);
}

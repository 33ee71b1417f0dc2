// Hostile inputs (tests/hostile/): each gets its expected diagnostic, or is
// rendered safely; never a crash, a hang, or content escaping its place.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "support.h"

using namespace cartable_test;

namespace {

struct Case {
  std::string name;
  std::string expect;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  fs::path dir = fs::path(CARTABLE_SOURCE_DIR) / "tests/hostile";
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".md" && e.path().filename() != "README.md") {
      out.push_back({e.path().stem().string(), read(fs::path(e.path()).replace_extension(".expect"))});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

class Hostile : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(Hostile, IsDiagnosedOrRenderedSafely) {
  const Case& c = GetParam();
  fs::path site = temp_dir("hostile-" + c.name);
  copy_default_site(site);
  fs::copy_file(fs::path(CARTABLE_SOURCE_DIR) / "tests/hostile" / (c.name + ".md"),
                site / "portfolios/luca-ferrari" / (c.name + ".md"));
  RunResult r = run_cartable(site, "build --no-search");
  std::istringstream lines(c.expect);
  std::string first;
  std::getline(lines, first);
  if (first.rfind("error: ", 0) == 0) {
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("portfolios/luca-ferrari/" + c.name + ".md:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(first), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(site / "public"));
  } else {
    ASSERT_EQ(first, "ok");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string html = read(site / "public/portfolios/luca-ferrari" / c.name / "index.html");
    ASSERT_FALSE(html.empty());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("absent: ", 0) == 0) EXPECT_EQ(html.find(line.substr(8)), std::string::npos) << line;
      if (line.rfind("present: ", 0) == 0) EXPECT_NE(html.find(line.substr(9)), std::string::npos) << line;
    }
  }
  fs::remove_all(site);
}

INSTANTIATE_TEST_SUITE_P(Inputs, Hostile, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// Too big to keep in git: a 50 MB entry.
TEST(HostileSize, FiftyMegabyteEntryIsRefusedWithAHint) {
  fs::path site = temp_dir("hostile-huge");
  copy_default_site(site);
  {
    std::ofstream out(site / "portfolios/luca-ferrari/enorme.md", std::ios::binary);
    out << "---\ntitle: Énorme\ndate: 2027-01-01\nmodule: m1\ntask: environnements\ncompetencies: [rc-num-so/2.1]\n"
           "status: submitted\n---\n";
    std::string line(1023, 'a');
    line += '\n';
    for (int i = 0; i < 50 * 1024; ++i) out << line;
  }
  RunResult r = run_cartable(site, "build --no-search");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("portfolios/luca-ferrari/enorme.md: error: file too large (50 MB; the limit is 8 MB)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("hint: put long documents in a PDF attachment"), std::string::npos);
  fs::remove_all(site);
}

// Nothing a participant writes reaches a page as markup or script, anywhere.
TEST(HostileEverywhere, NoInlineScriptOrStyleInAnyPage) {
  fs::path site = temp_dir("hostile-csp");
  copy_default_site(site);
  ASSERT_EQ(run_cartable(site, "build --no-search").status, 0);
  size_t pages = 0;
  for (const auto& [path, html] : snapshot(site / "public")) {
    if (path.size() < 5 || path.substr(path.size() - 5) != ".html") continue;
    ++pages;
    // Under Content-Security-Policy "script-src 'self'; style-src 'self'":
    // scripts come from files, styles from the stylesheet; JSON-LD is data.
    for (size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) {
      std::string tag = html.substr(at, html.find('>', at) - at);
      EXPECT_TRUE(tag.find(" src=") != std::string::npos || tag.find("application/ld+json") != std::string::npos)
          << path << ": " << tag;
    }
    EXPECT_EQ(html.find("<style"), std::string::npos) << path;
    EXPECT_EQ(html.find(" style=\""), std::string::npos) << path;
    EXPECT_EQ(html.find(" onclick="), std::string::npos) << path;
  }
  EXPECT_GT(pages, 100u);
  fs::remove_all(site);
}

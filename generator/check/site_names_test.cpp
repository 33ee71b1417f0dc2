// The programme's own ids and URL words in site.yaml (model.h, SiteConfig):
// the defaults keep the CAS CNE's, an override changes the URLs and anchors
// the index hands to pages, and a framework id that names nothing is an
// error at its place (tests/fixture_site.h: frameworks a and b).
#include <gtest/gtest.h>

#include "check/check.h"
#include "fixture_site.h"
#include "index/index.h"

using namespace cartable;
using cartable_test::FixtureSite;

namespace {

const std::string kSite =
    "title: CAS fixture\nbase_url: https://example.org/cas/\nlanguage: fr\ntimezone: Europe/Zurich\n"
    "institution:\n  name: HEP fixture\n";

std::vector<std::string> errors(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.sorted()) {
    if (d.severity == Severity::Error) {
      out.push_back(d.pos.path.str() + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) + ": " +
                    d.message + " | " + d.hint);
    }
  }
  return out;
}

}  // namespace

TEST(SiteNames, TheDefaultsAreTheProgrammesFrenchWords) {
  FixtureSite fixture;
  Diagnostics diags;
  Site site = fixture.load(diags);
  Index index(site);
  EXPECT_EQ(index.calendar_url(), "/cas/calendrier/");
  EXPECT_EQ(index.calendar_feed_url(), "/cas/calendrier.ics");
  EXPECT_EQ(index.changes_url(), "/cas/calendrier/modifications/");
  EXPECT_EQ(index.module_feed_url("m1"), "/cas/modules/m1/calendrier.ics");
  EXPECT_EQ(index.session_url("s1"), "/cas/seances/s1/");
  EXPECT_EQ(index.competency_url("a/1.1"), "/cas/referentiels/a/1.1/");
  EXPECT_EQ(index.search_url(), "/cas/recherche/");
  EXPECT_EQ(index.print_url("ana"), "/cas/portfolios/ana/impression/");
  EXPECT_EQ(index.experts_url(1), "/cas/experts/prets/");
  EXPECT_EQ(index.experts_url(2), "/cas/experts/a-completer/");
  EXPECT_EQ(index.task_url("m1", "t1"), "/cas/modules/m1/#tache-t1");
}

TEST(SiteNames, AnOverrideChangesEveryUrlAndTheTaskAnchor) {
  FixtureSite fixture;
  fixture.add("site.yaml", kSite +
                               "task_anchor: task-\nurls:\n  calendar: calendar\n  changes: changes\n  sessions: sessions\n"
                               "  frameworks: frameworks\n  search: search\n  print: print\n  ready: ready\n"
                               "  incomplete: to-complete\n");
  Diagnostics diags;
  Site site = fixture.load(diags);
  ASSERT_FALSE(diags.has_errors()) << cartable_test::all_diagnostics(diags);
  Index index(site);
  EXPECT_EQ(index.calendar_url(), "/cas/calendar/");
  EXPECT_EQ(index.calendar_feed_url(), "/cas/calendar.ics");
  EXPECT_EQ(index.changes_url(), "/cas/calendar/changes/");
  EXPECT_EQ(index.module_feed_url("m1"), "/cas/modules/m1/calendar.ics");
  EXPECT_EQ(index.session_url("s1"), "/cas/sessions/s1/");
  EXPECT_EQ(index.competency_url("a/1.1"), "/cas/frameworks/a/1.1/");
  EXPECT_EQ(index.search_url(), "/cas/search/");
  EXPECT_EQ(index.print_url("ana"), "/cas/portfolios/ana/print/");
  EXPECT_EQ(index.experts_url(1), "/cas/experts/ready/");
  EXPECT_EQ(index.experts_url(2), "/cas/experts/to-complete/");
  EXPECT_EQ(index.task_anchor("t1"), "task-t1");
  EXPECT_EQ(index.task_url("m1", "t1"), "/cas/modules/m1/#task-t1");
  // The print view's folder is no entry's name any more; the new one is.
  fixture.add("portfolios/ana/print.md", "---\ntitle: P\ndate: 2027-03-02\nmodule: m1\ntask: t1\ncompetencies: [a/1.1]\n---\nT.\n");
  Diagnostics clash;
  Site with_print = fixture.load(clash);
  check_site(with_print, clash);
  std::vector<std::string> e = errors(clash);
  ASSERT_EQ(e.size(), 1u) << cartable_test::all_diagnostics(clash);
  EXPECT_NE(e[0].find("an entry cannot be named print.md"), std::string::npos) << e[0];
}

TEST(SiteNames, AUrlWordMustBeOneFolderName) {
  FixtureSite fixture;
  fixture.add("site.yaml", kSite + "urls:\n  calendar: Calendrier Annuel\n  search: \"\"\n");
  Diagnostics diags;
  fixture.load(diags);
  EXPECT_EQ(errors(diags),
            (std::vector<std::string>{
                "site/site.yaml:8:13: urls.calendar 'Calendrier Annuel' must be one folder name of a-z, 0-9 and '-' | "
                "write a word of the site's language, e.g. calendrier-annuel",
                "site/site.yaml:9:11: urls.search '' must be one folder name of a-z, 0-9 and '-' | "
                "write a word of the site's language, e.g. search"}));
}

TEST(SiteNames, AFrameworkIdThatNamesNoFrameworkIsAnErrorAtItsPlace) {
  FixtureSite fixture;
  fixture.add("site.yaml", kSite + "coverage_framework: aa\ncertification_grid: zzz\n");
  Diagnostics diags;
  Site site = fixture.load(diags);
  ASSERT_FALSE(diags.has_errors()) << cartable_test::all_diagnostics(diags);
  check_site(site, diags);
  EXPECT_EQ(errors(diags),
            (std::vector<std::string>{
                "site/site.yaml:7:21: site.yaml: coverage_framework names no framework: 'aa' | did you mean a?",
                "site/site.yaml:8:21: site.yaml: certification_grid names no framework: 'zzz' | "
                "the frameworks are: a, b; an empty value shows none"}));
}

// The defaults name frameworks this site lacks: no error (the coverage
// falls back to the first framework, the defence has no grid); an empty
// value says « none » on purpose; an existing id is fine.
TEST(SiteNames, DefaultsEmptyValuesAndExistingIdsAreNoError) {
  for (const std::string& extra : {std::string(), std::string("coverage_framework: \"\"\ncertification_grid: \"\"\n"),
                                   std::string("coverage_framework: b\ncertification_grid: a\n")}) {
    FixtureSite fixture;
    fixture.add("site.yaml", kSite + extra);
    Diagnostics diags;
    Site site = fixture.load(diags);
    check_site(site, diags);
    EXPECT_TRUE(errors(diags).empty()) << extra << cartable_test::all_diagnostics(diags);
  }
}

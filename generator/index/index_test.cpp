// The index's cross-links on a small site held in memory (tests/fixture_site.h
// says what it holds): crosswalks in both directions, evidence ("backlinks"
// from competencies to entries), a participant's coverage, modules and
// sessions by competency, coauthored entries.
#include "index/index.h"

#include <gtest/gtest.h>

#include "check/check.h"
#include "fixture_site.h"

using namespace cartable;

namespace {

struct IndexTest : cartable_test::IndexedFixture {};

// "portfolio/slug" of each entry, "+" marking evidence through a crosswalk.
std::vector<std::string> names(const std::vector<Evidence>& list) {
  std::vector<std::string> out;
  for (const Evidence& ev : list) out.push_back(ev.entry->portfolio + "/" + ev.entry->slug + (ev.equivalent ? "+" : ""));
  return out;
}

std::vector<std::string> names(const std::vector<const Entry*>& list) {
  std::vector<std::string> out;
  for (const Entry* e : list) out.push_back(e->portfolio + "/" + e->slug);
  return out;
}

template <typename T>
std::vector<std::string> ids(const std::vector<const T*>& list) {
  std::vector<std::string> out;
  for (const T* x : list) out.push_back(x->id);
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

// The fixture is a valid site: every other test starts from it.
TEST_F(IndexTest, TheFixtureLoadsAndChecksWithoutDiagnostics) {
  load();
  check_site(site, diags);
  EXPECT_TRUE(diags.sorted().empty()) << cartable_test::all_diagnostics(diags);
  EXPECT_EQ(site.portfolios.size(), 2u);
  EXPECT_EQ(site.sessions.size(), 3u);
}

TEST_F(IndexTest, ACrosswalkMakesEquivalentsInBothDirections) {
  load();
  EXPECT_EQ(index->equivalents("a/1.1"), Names{"b/X.1"});
  EXPECT_EQ(index->equivalents("b/X.1"), Names{"a/1.1"});
  EXPECT_TRUE(index->equivalents("a/1.2").empty());
  EXPECT_TRUE(index->equivalents("b/X.2").empty());
}

// Direct evidence first, then evidence through the crosswalk; by date within each.
TEST_F(IndexTest, EvidenceOfACompetencyIncludesEntriesTaggedWithAnEquivalent) {
  load();
  EXPECT_EQ(names(index->evidence_for("a/1.1")), (Names{"ana/a1", "bob/b1+"}));
  EXPECT_EQ(names(index->evidence_for("b/X.1")), (Names{"bob/b1", "ana/a1+"}));
  EXPECT_EQ(names(index->evidence_for("b/X.2")), Names{"ana/a2"});
  EXPECT_TRUE(index->evidence_for("a/1.2").empty());
  EXPECT_TRUE(index->evidence_for("a/2.1").empty());
}

// An entry tagged on both sides of a crosswalk is direct evidence of each, once.
TEST_F(IndexTest, AnEntryTaggedOnBothSidesCountsOnceAsDirectEvidence) {
  fixture.add("portfolios/bob/b2.md",
              "---\ntitle: Entrée b2\ndate: 2027-03-04\nmodule: m1\ntask: t1\ncompetencies: [a/1.1, b/X.1]\n---\nTexte.\n");
  load();
  EXPECT_EQ(names(index->evidence_for("b/X.1")), (Names{"bob/b1", "bob/b2", "ana/a1+"}));
  EXPECT_EQ(names(index->evidence_for("a/1.1")), (Names{"ana/a1", "bob/b2", "bob/b1+"}));
}

// The coverage table of a portfolio: own and coauthored entries, direct and
// through the crosswalk, each once per competency.
TEST_F(IndexTest, ACoauthorsCoverageIncludesTheCoauthoredEntryAndItsEquivalents) {
  load();
  std::map<std::string, std::vector<Evidence>> ana = index->evidence_of("ana");
  EXPECT_EQ(names(ana["a/1.1"]), (Names{"ana/a1", "bob/b1+"}));
  EXPECT_EQ(names(ana["b/X.1"]), (Names{"bob/b1", "ana/a1+"}));
  EXPECT_EQ(names(ana["b/X.2"]), Names{"ana/a2"});
  EXPECT_EQ(ana.count("a/1.2"), 0u);
  std::map<std::string, std::vector<Evidence>> bob = index->evidence_of("bob");
  EXPECT_EQ(names(bob["b/X.1"]), Names{"bob/b1"});
  EXPECT_EQ(names(bob["a/1.1"]), Names{"bob/b1+"});
  EXPECT_EQ(bob.count("b/X.2"), 0u);  // ana's own entry is not bob's
}

TEST_F(IndexTest, AParticipantsEntriesAreTheirOwnAndThoseTheyCoauthoredByDate) {
  load();
  EXPECT_EQ(names(index->entries_of("ana")), (Names{"ana/a1", "bob/b1", "ana/a2"}));
  EXPECT_EQ(names(index->entries_of("bob")), Names{"bob/b1"});
  const Entry* b1 = site.find_entry("bob", "b1");
  ASSERT_NE(b1, nullptr);
  std::vector<std::string> authors;
  for (const Portfolio* p : index->authors(*b1)) authors.push_back(p->slug);
  EXPECT_EQ(authors, (Names{"bob", "ana"}));
  EXPECT_EQ(names(index->entries_for_task("m2", "t2")), (Names{"bob/b1", "ana/a2"}));
}

TEST_F(IndexTest, ModulesAndSessionsByCompetencyInProgrammeAndTimeOrder) {
  load();
  EXPECT_EQ(ids(index->modules_developing("a/1.1")), (Names{"m1", "m2"}));
  EXPECT_EQ(ids(index->modules_developing("b/X.2")), Names{"m2"});
  EXPECT_TRUE(index->modules_developing("a/2.1").empty());
  EXPECT_EQ(ids(index->sessions_of("m2")), (Names{"s2", "s3"}));
  EXPECT_EQ(ids(index->sessions_developing("a/1.1")), (Names{"s1", "s2", "s3"}));
}

TEST_F(IndexTest, URLsCarryTheBasePathAndLinksResolveOrHint) {
  load();
  EXPECT_EQ(index->module_url("m1"), "/cas/modules/m1/");
  EXPECT_EQ(index->entry_url(*site.find_entry("ana", "a1")), "/cas/portfolios/ana/a1/");
  EXPECT_EQ(index->absolute(index->session_url("s2")), "https://example.org/cas/seances/s2/");
  Text hint;
  std::optional<LinkTarget> m1 = index->resolve(LinkKind::Module, "m1", hint);
  ASSERT_TRUE(m1);
  EXPECT_EQ(m1->url, "/cas/modules/m1/");
  EXPECT_FALSE(index->resolve(LinkKind::Module, "m9", hint));
  std::optional<LinkTarget> a1 = index->resolve(LinkKind::Entry, "ana/a1", hint);
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->title, "Entrée a1");
}

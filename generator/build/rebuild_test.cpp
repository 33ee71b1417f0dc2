// What an edit changes: classify() and the digests of a site's keys.
#include "build/rebuild.h"

#include <gtest/gtest.h>

#include <functional>

#include "load/load.h"

using namespace cartable;

TEST(Classify, SaysWhatAnEditedSourceFileIs) {
  struct Case {
    const char* path;
    SourceKind kind;
    const char* folder;
    const char* id;
  };
  const Case cases[] = {
      {"portfolios/luca-ferrari/veille.md", SourceKind::Entry, "luca-ferrari", "veille"},
      {"./portfolios/luca-ferrari/veille.md", SourceKind::Entry, "luca-ferrari", "veille"},
      {"portfolios/luca-ferrari/portfolio.yaml", SourceKind::Portfolio, "luca-ferrari", ""},
      {"portfolios/luca-ferrari", SourceKind::Portfolio, "luca-ferrari", ""},
      {"portfolios", SourceKind::Portfolio, "", ""},
      {"portfolios/luca-ferrari/capture.png", SourceKind::Attachment, "luca-ferrari", ""},
      {"portfolios/luca-ferrari/attestations/cours.pdf", SourceKind::Attachment, "luca-ferrari", ""},
      {"portfolios/luca-ferrari/notes/brouillon.md", SourceKind::Attachment, "luca-ferrari", ""},
      {"content/modules/m2.md", SourceKind::Module, "", "m2"},
      {"content/frameworks/crcne.yaml", SourceKind::Framework, "", "crcne"},
      {"content/crosswalks/crcne-rc-num-so.yaml", SourceKind::Crosswalk, "", "crcne-rc-num-so"},
      {"content/calendar.yaml", SourceKind::Calendar, "", ""},
      {"content/reglement.md", SourceKind::Page, "", "reglement"},
      // What any page may show: everything is rendered again.
      {"content/programme.md", SourceKind::Global, "", ""},
      {"content/places.yaml", SourceKind::Global, "", ""},
      {"content/people.yaml", SourceKind::Global, "", ""},
      {"content/attendance.yaml", SourceKind::Global, "", ""},
      {"content/assessments/m1.yaml", SourceKind::Global, "", ""},
      {"site.yaml", SourceKind::Global, "", ""},
      {"themes/default/templates/entry.mustache", SourceKind::Global, "", ""},
      {"content/modules/notes.txt", SourceKind::Global, "", ""},
      {"../elsewhere/portfolios/x/y.md", SourceKind::Global, "", ""},
      {"portfolios/../site.yaml", SourceKind::Global, "", ""},
  };
  for (const Case& c : cases) {
    SourceChange got = classify(c.path);
    EXPECT_EQ(static_cast<int>(got.kind), static_cast<int>(c.kind)) << c.path;
    EXPECT_EQ(got.folder, c.folder) << c.path;
    EXPECT_EQ(got.id, c.id) << c.path;
  }
}

namespace {

// The default site, edited in memory: which keys differ.
class Digests : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Diagnostics diags;
    loaded = new Site(load_site(CARTABLE_SOURCE_DIR, diags));
    ASSERT_FALSE(diags.has_errors());
  }
  static void TearDownTestSuite() { delete loaded; }

  std::set<std::string> changes(const std::function<void(Site&)>& edit) {
    Site after = *loaded;
    edit(after);
    after.build_lookups();
    KeyTable keys;
    SiteDigests before = digest_site(Index(*loaded), keys);
    return changed_names(keys, changed_keys(before, digest_site(Index(after), keys)));
  }
  static Entry& entry(Site& site, const std::string& portfolio, const std::string& slug) {
    return const_cast<Entry&>(*site.find_entry(portfolio, slug));
  }

  static Site* loaded;
};
Site* Digests::loaded = nullptr;

}  // namespace

TEST_F(Digests, NothingChangedNoKey) {
  EXPECT_TRUE(changes([](Site&) {}).empty());
}

TEST_F(Digests, AnEntrysTextIsItsBodyKeyAlone) {
  auto keys = changes([](Site& s) { entry(s, "luca-ferrari", "veille-robotique").body.text += "Encore."; });
  EXPECT_EQ(keys, (std::set<std::string>{"body:luca-ferrari/veille-robotique"}));
}

TEST_F(Digests, ACompetencyAddedChangesItsEvidenceAndItsEquivalents) {
  auto keys = changes([](Site& s) { entry(s, "luca-ferrari", "veille-robotique").competencies.push_back({"rc-num-so/5.1", {}}); });
  // crcne/4 is equivalent to rc-num-so/5.1 (content/crosswalks).
  EXPECT_EQ(keys, (std::set<std::string>{"entry:luca-ferrari/veille-robotique", "evidence:rc-num-so/5.1",
                                         "evidence:crcne/4"}));
}

TEST_F(Digests, ACoauthorChangesTheirListOfEntries) {
  auto keys = changes([](Site& s) { entry(s, "luca-ferrari", "veille-robotique").coauthors.push_back({"camille-rochat", {}}); });
  EXPECT_EQ(keys, (std::set<std::string>{"entry:luca-ferrari/veille-robotique", "entries-of:camille-rochat"}));
}

TEST_F(Digests, AnEarlierDateReordersTheListsThatHoldTheEntry) {
  auto keys = changes([](Site& s) { entry(s, "luca-ferrari", "veille-robotique").date = {2026, 1, 1, 0, 0}; });
  EXPECT_TRUE(keys.count("entry:luca-ferrari/veille-robotique"));
  EXPECT_TRUE(keys.count("entries-of:luca-ferrari"));
  EXPECT_TRUE(keys.count("task:m2/veille"));
  EXPECT_FALSE(keys.count("body:luca-ferrari/veille-robotique"));
}

TEST_F(Digests, ACrosswalkPairChangesBothSidesEquivalentsAndEvidence) {
  auto keys = changes([](Site& s) {
    for (auto& [from, to] : s.crosswalks[0].pairs) {
      if (from.id == "crcne/5") std::erase_if(to, [](const Ref& r) { return r.id == "rc-num-so/6.2"; });
    }
  });
  EXPECT_EQ(keys, (std::set<std::string>{"equivalents:crcne/5", "equivalents:rc-num-so/6.2", "evidence:crcne/5",
                                         "evidence:rc-num-so/6.2"}));
}

TEST_F(Digests, ASessionMovedToAnotherModuleChangesBothModulesSessions) {
  auto keys = changes([](Site& s) { const_cast<Session&>(*s.find_session("m2-reseau")).module.id = "m3"; });
  EXPECT_EQ(keys, (std::set<std::string>{"session:m2-reseau", "sessions", "sessions-of:m2", "sessions-of:m3"}));
}

TEST_F(Digests, AModulesCompetenciesAndTotals) {
  auto keys = changes([](Site& s) { s.modules[0].ects += 1; });
  EXPECT_EQ(keys, (std::set<std::string>{"module:" + loaded->modules[0].id, "totals"}));
  keys = changes([](Site& s) { s.modules[0].competencies.pop_back(); });
  EXPECT_EQ(keys, (std::set<std::string>{"module:" + loaded->modules[0].id, "competency-modules"}));
}

TEST_F(Digests, AModuleAddedIsAStructuralChange) {
  auto keys = changes([](Site& s) {
    s.modules.push_back(s.modules.back());
    s.modules.back().id = "m9";
  });
  EXPECT_TRUE(keys.count("structure"));
}

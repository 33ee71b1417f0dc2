#include "check/check.h"

#include <gtest/gtest.h>

using namespace cartable;

namespace {

Site small_site() {
  Site site;
  Framework fw;
  fw.id = "rc-num-so";
  Domain d;
  d.code = "3";
  d.title = "Enseignement";
  d.competencies.push_back({"3.1", "Intégration critique", "", {}, {}});
  fw.domains.push_back(d);
  site.frameworks.push_back(fw);
  Module m;
  m.id = "m1";
  m.number = 1;
  m.ects = 4;
  m.periods = 80;
  m.self_study_hours = 30;
  site.modules.push_back(m);
  Module w;
  w.id = "tc";
  w.kind = "certifying-work";
  w.ects = 2;
  w.self_study_hours = 50;
  site.modules.push_back(w);
  site.build_lookups();
  return site;
}

}  // namespace

TEST(Check, UnknownCompetencyGetsClosestHint) {
  Site site = small_site();
  site.modules[0].competencies.push_back({"rc-num-so/3.2", {"content/modules/m1.md", 9, 5}});
  Diagnostics diags;
  check_site(site, diags);
  ASSERT_EQ(diags.error_count(), 1u);
  Diagnostic d = diags.sorted()[0];
  EXPECT_EQ(format_diagnostic(d),
            "content/modules/m1.md:9:5: error: unknown competency 'rc-num-so/3.2'\n  hint: did you mean rc-num-so/3.1?");
}

TEST(Check, UnknownFrameworkIsNamed) {
  Site site = small_site();
  site.modules[0].competencies.push_back({"rc-num-sp/3.1", {"m1.md", 9, 5}});
  Diagnostics diags;
  check_site(site, diags);
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.sorted()[0].hint, "did you mean rc-num-so?");
}

TEST(Check, TotalsAreComputedFromModules) {
  Totals t = compute_totals(small_site());
  EXPECT_EQ(t.ects, 6);
  EXPECT_EQ(t.periods, 80);
  EXPECT_EQ(t.self_study_hours, 80);
}

TEST(Check, DeclaredTotalThatDisagreesIsAWarningAtItsLine) {
  Site site = small_site();
  site.programme.declared_totals["self_study_hours"] = {70, {"content/programme.md", 12, 23}};
  site.programme.declared_totals["ects"] = {6, {"content/programme.md", 10, 11}};
  Diagnostics diags;
  check_site(site, diags);
  EXPECT_FALSE(diags.has_errors());
  ASSERT_EQ(diags.warning_count(), 1u);
  Diagnostic d = diags.sorted()[0];
  EXPECT_EQ(d.pos.line, 12);
  EXPECT_NE(d.message.find("(70)"), std::string::npos);
  EXPECT_NE(d.message.find("(80)"), std::string::npos);
}

TEST(Check, DuplicateIdsAreErrors) {
  Site site = small_site();
  site.modules.push_back(site.modules[0]);
  site.modules.back().number = 2;
  site.modules.back().pos = {"content/modules/x.md", 2, 1};
  Diagnostics diags;
  check_site(site, diags);
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_NE(diags.sorted()[0].message.find("duplicate module id 'm1'"), std::string::npos);
}

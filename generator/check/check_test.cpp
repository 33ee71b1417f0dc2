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
  w.kind = ModuleKind::CertifyingWork;
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
  EXPECT_EQ(diags.sorted()[0].hint, "did you mean rc-num-so/3.1?");
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

namespace {

// Two sessions of one cohort on 22 May 2027, in two places.
Site two_sessions(const LocalTime& second_start) {
  Site site = small_site();
  site.places.push_back({"sbi", "HEP-BEJUNE, site de Bienne", "SBI", "Chemin de la Ciblerie 45", false, {}});
  site.places.push_back({"sde", "HEP-BEJUNE, site de Delémont", "SDE", "Route de Moutier 14", false, {}});
  Session a;
  a.id = "matin";
  a.module = {"m1", {}};
  a.title = "Matin";
  a.start = {2027, 5, 22, 9, 0};
  a.end = {2027, 5, 22, 12, 0};
  a.place = {"sde", {}};
  Session b = a;
  b.id = "apres-midi";
  b.title = "Après-midi";
  b.start = second_start;
  b.end = {2027, 5, 22, 16, 0};
  b.place = {"sbi", {}};
  b.start_pos = {"content/calendar.yaml", 12, 12};
  site.sessions = {a, b};
  site.build_lookups();
  return site;
}

std::string messages(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.sorted()) out += format_diagnostic(d) + "\n";
  return out;
}

}  // namespace

TEST(CheckCalendar, BaseSessionsNeverOverlapEvenInDifferentPlaces) {
  Site site = two_sessions({2027, 5, 22, 11, 0});
  Diagnostics diags;
  check_site(site, diags);
  EXPECT_NE(messages(diags).find("content/calendar.yaml:12:12: error: session apres-midi overlaps matin (2027-05-22 09:00 to "
                                 "12:00): the cohort attends every base session"),
            std::string::npos)
      << messages(diags);
  // Options marked parallel may; back to back is no overlap.
  site.sessions[0].parallel = site.sessions[1].parallel = true;
  Diagnostics parallel;
  check_site(site, parallel);
  EXPECT_EQ(parallel.error_count(), 0u) << messages(parallel);
  Site back_to_back = two_sessions({2027, 5, 22, 12, 0});
  Diagnostics none;
  check_site(back_to_back, none);
  EXPECT_EQ(none.error_count(), 0u) << messages(none);
}

TEST(CheckCalendar, HistoryDatesAreBounded) {
  Site site = two_sessions({2027, 5, 22, 13, 0});
  site.calendar.created = {2026, 9, 1, 0, 0};
  site.calendar.has_period = true;
  site.calendar.period_start = {2026, 11, 1, 0, 0};
  site.calendar.period_end = {2028, 7, 31, 0, 0};
  HistoryEntry typo;
  typo.date = {2062, 2, 10, 0, 0};
  typo.note = "Salle B201.";
  typo.date_pos = {"content/calendar.yaml", 20, 15};
  site.sessions[1].history.push_back(typo);
  Diagnostics diags;
  check_site(site, diags);
  EXPECT_NE(messages(diags).find("content/calendar.yaml:20:15: error: history entry of session apres-midi is dated 2062-02-10, "
                                 "after the end of the programme's period (2028-07-31)"),
            std::string::npos)
      << messages(diags);
}

TEST(CheckCalendar, ZeroLengthIsNotEndingBeforeStarting) {
  Site site = two_sessions({2027, 5, 22, 13, 0});
  site.sessions[1].end = site.sessions[1].start;
  Diagnostics diags;
  check_site(site, diags);
  EXPECT_NE(messages(diags).find("session apres-midi ends when it starts (2027-05-22 13:00)"), std::string::npos);
  EXPECT_EQ(messages(diags).find("before it starts"), std::string::npos);
}

// The closed sets of words of the sources (model/kinds.cpp): each name reads
// back into its value, and a word outside the set is a diagnostic at its
// place in the file, with the nearest name as a hint (load/, on the small
// site of tests/fixture_site.h).
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture_site.h"
#include "model/model.h"

using namespace cartable;
using cartable_test::FixtureSite;

namespace {

// The first error, as `path:line:col: message | hint`.
std::string first_error(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.sorted()) {
    if (d.severity != Severity::Error) continue;
    return d.pos.path.str() + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) + ": " + d.message +
           " | " + d.hint;
  }
  return "";
}

}  // namespace

TEST(Kinds, EveryNameReadsBackAndOnlyThose) {
  for (auto s : {SessionStatus::Confirmed, SessionStatus::Tentative, SessionStatus::Cancelled}) {
    SessionStatus back = SessionStatus::Confirmed;
    ASSERT_TRUE(parse_session_status(session_status_name(s), back)) << session_status_name(s);
    EXPECT_EQ(back, s);
  }
  EXPECT_EQ(session_status_names(), (std::vector<std::string>{"confirmed", "tentative", "cancelled"}));
  for (auto k : {ModuleKind::Module, ModuleKind::CertifyingWork}) {
    ModuleKind back = ModuleKind::Module;
    ASSERT_TRUE(parse_module_kind(module_kind_name(k), back));
    EXPECT_EQ(back, k);
  }
  EXPECT_STREQ(module_kind_name(ModuleKind::CertifyingWork), "certifying-work");
  DefenceOutcome outcome = DefenceOutcome::None;
  EXPECT_TRUE(parse_defence_outcome("failed", outcome));
  EXPECT_EQ(outcome, DefenceOutcome::Failed);
  EXPECT_FALSE(parse_defence_outcome("", outcome));  // « not held » is no word a file may write
  EXPECT_EQ(link_kind_names(), (std::vector<std::string>{"module", "competency", "framework", "page", "session",
                                                          "portfolio", "entry"}));
  LinkKind link = LinkKind::Module;
  EXPECT_TRUE(parse_link_kind("entry", link));
  EXPECT_EQ(link, LinkKind::Entry);
  SessionStatus status = SessionStatus::Confirmed;
  for (const char* wrong : {"Cancelled", "canceled", "cancelled ", "", "annulée"}) {
    EXPECT_FALSE(parse_session_status(wrong, status)) << wrong;
  }
  EXPECT_FALSE(parse_link_kind("modules", link));
}

TEST(Kinds, TheFixtureReadsIntoEnums) {
  FixtureSite fixture;
  Diagnostics diags;
  Site site = fixture.load(diags);
  ASSERT_FALSE(diags.has_errors()) << cartable_test::all_diagnostics(diags);
  EXPECT_EQ(site.find_session("s1")->status, SessionStatus::Confirmed);  // the default
  EXPECT_EQ(site.find_session("s3")->status, SessionStatus::Cancelled);
  EXPECT_EQ(site.find_module("m1")->kind, ModuleKind::Module);
  EXPECT_EQ(site.find_module("tc")->kind, ModuleKind::CertifyingWork);
}

TEST(Kinds, AnUnknownSessionStatusIsAnErrorAtItsPlace) {
  FixtureSite fixture;
  std::string calendar;
  ASSERT_TRUE(fixture.files->read("content/calendar.yaml", &calendar));
  size_t at = calendar.find("status: cancelled");
  ASSERT_NE(at, std::string::npos);
  calendar.replace(at, 17, "status: canceled");
  fixture.add("content/calendar.yaml", calendar);
  // Line and column of the value, counted here from the text.
  int line = 1 + static_cast<int>(std::count(calendar.begin(), calendar.begin() + static_cast<long>(at), '\n'));
  int col = static_cast<int>(at - calendar.rfind('\n', at)) + 8;
  Diagnostics diags;
  fixture.load(diags);
  EXPECT_EQ(first_error(diags), "site/content/calendar.yaml:" + std::to_string(line) + ":" + std::to_string(col) +
                                    ": unknown session status 'canceled' | did you mean cancelled?");
}

TEST(Kinds, AnUnknownModuleKindIsAnErrorAtItsPlace) {
  FixtureSite fixture;
  std::string tc;
  ASSERT_TRUE(fixture.files->read("content/modules/tc.md", &tc));
  size_t at = tc.find("kind: certifying-work");
  ASSERT_NE(at, std::string::npos);
  tc.replace(at, 21, "kind: certifying-wrok");
  fixture.add("content/modules/tc.md", tc);
  int line = 1 + static_cast<int>(std::count(tc.begin(), tc.begin() + static_cast<long>(at), '\n'));
  Diagnostics diags;
  fixture.load(diags);
  EXPECT_EQ(first_error(diags), "site/content/modules/tc.md:" + std::to_string(line) +
                                    ":7: unknown module kind 'certifying-wrok' | did you mean certifying-work?");
}

TEST(Kinds, AnUnknownDefenceOutcomeIsAnErrorAtItsPlace) {
  FixtureSite fixture;
  fixture.add("content/attendance.yaml",
              "participants:\n  - participant: ana\n    defence: {date: 2028-05-01 09:00, held: true, outcome: passd}\n");
  Diagnostics diags;
  Site site = fixture.load(diags);
  EXPECT_EQ(first_error(diags), "site/content/attendance.yaml:3:60: unknown defence outcome 'passd' | write outcome: passed or outcome: failed");
  fixture.add("content/attendance.yaml",
              "participants:\n  - participant: ana\n    defence: {date: 2028-05-01 09:00, held: true, outcome: failed}\n");
  Diagnostics fine;
  site = fixture.load(fine);
  ASSERT_FALSE(fine.has_errors()) << cartable_test::all_diagnostics(fine);
  ASSERT_FALSE(site.records.empty());
  EXPECT_EQ(site.records[0].defence_outcome, DefenceOutcome::Failed);
}

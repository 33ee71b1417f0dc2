// Readiness against section 7 of the programme, on small sites held in
// memory. Each test can fail: the boundaries (20 % inclusive, by time not
// by sessions), the rules that forbid (unjustified absence, no record,
// unconfirmed periods, an entry changed after validation, a forced
// coauthor, a participant's own « acquired »).
#include "index/readiness.h"

#include <gtest/gtest.h>

#include "base/filesystem.h"
#include "load/fingerprint.h"
#include "load/hep_records.h"
#include "load/load.h"

using namespace cartable;

namespace {

// One module m1 (one task, 48 à-la-carte periods), a certifying work with
// the portfolio task, and a calendar of sessions given by the test.
struct Fixture {
  std::shared_ptr<MemoryFileSystem> files = std::make_shared<MemoryFileSystem>();
  std::string sessions;     // calendar.yaml items
  std::string attendance;   // attendance.yaml items (participants:)
  std::string assessments;  // m1.yaml items
  std::string ana_extra;    // more keys of ana's portfolio.yaml
  int min_periods = 0;

  Fixture() {
    files->add_file("site.yaml", "title: T\nbase_url: https://example.org/\n");
    files->add_file("content/programme.md", "---\ntitle: Programme\n---\nTexte.\n");
    files->add_file("content/places.yaml", "places:\n  - id: salle\n    name: Salle\n");
    files->add_file("content/people.yaml", "people:\n  - id: tina\n    name: Tina Formatrice\n    trainer: true\n");
    files->add_file("content/certification.yaml",
                    "max_absence_percent: 20\ntask_modules: [m1]\nportfolio_task: tc/portfolio\n");
    files->add_file("content/modules/tc.md",
                    "---\nnumber: 0\nkind: certifying-work\ntitle: TC\nects: 2\nself_study_hours: 50\ntasks:\n  - id: portfolio\n    title: Portfolio\n    kind: reflexive-text\n---\n");
  }
  // A session of `minutes` on day `day` of March 2027, from 08:00.
  void session(const std::string& id, int day, int minutes, bool cancelled = false) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "  - id: %s\n    module: m1\n    title: %s\n    start: 2027-03-%02d 08:00\n    end: 2027-03-%02d %02d:%02d\n    place: salle\n%s",
                  id.c_str(), id.c_str(), day, day, 8 + minutes / 60, minutes % 60,
                  cancelled ? "    status: cancelled\n    history:\n      - date: 2027-01-01\n        note: Annulée.\n" : "");
    sessions += line;
  }
  void entry(const std::string& who, const std::string& slug, const std::string& task, const std::string& extra = "") {
    std::string module = task == "portfolio" ? "tc" : "m1";
    files->add_file("portfolios/" + who + "/" + slug + ".md",
                    "---\ntitle: " + slug + "\ndate: 2027-03-01\nmodule: " + module + "\ntask: " + task +
                        "\ncompetencies: [x/1]\n" + extra + "---\nTexte de " + slug + ".\n");
  }
  void assess(const std::string& who, const std::string& slug, const std::string& task, const std::string& status,
              const std::string& fingerprint, const std::string& extra = "") {
    std::string file = task == "portfolio" ? "tc" : "m1";
    std::string item = "  - participant: " + who + "\n    entry: " + slug + "\n    task: " + task + "\n    status: " + status +
                       "\n    date: 2027-04-01\n    assessor: tina\n    fingerprint: " + fingerprint + "\n" + extra;
    std::string path = "content/assessments/" + file + ".yaml";
    std::string text;
    if (files->read(path, &text)) {
      files->add_file(path, text + item);
    } else {
      files->add_file(path, "assessments:\n" + item);
    }
  }
  // The fingerprint the entry has now (what `cartable assess` records).
  std::string fingerprint_of(const std::string& who, const std::string& slug) {
    Site site = load();
    const Portfolio* p = site.find_portfolio(who);
    const Entry* e = site.find_entry(who, slug);
    return p && e ? entry_fingerprint(*files, *p, *e).value_or("") : "";
  }
  Site load() {
    files->add_file("content/modules/m1.md", "---\nnumber: 1\ntitle: M1\nects: 4\nself_study_hours: 30\na_la_carte_min_periods: " + std::to_string(min_periods) +
                                                 "\ntasks:\n  - id: t1\n    title: Tâche 1\n    kind: reflexive-text\n---\n");
    files->add_file("content/calendar.yaml", "sessions:\n" + sessions);
    files->add_file("content/attendance.yaml", "participants:\n" + attendance);
    if (!files->is_file("portfolios/ana/portfolio.yaml")) files->add_file("portfolios/ana/portfolio.yaml", "name: Ana\n" + ana_extra);
    if (!files->is_file("portfolios/bob/portfolio.yaml")) files->add_file("portfolios/bob/portfolio.yaml", "name: Bob\n");
    Site site = load_site(files, "site", diags);
    fingerprint_assessed_entries(site);
    return site;
  }
  Readiness of(const std::string& who) {
    site = load();
    index = std::make_unique<Index>(site);
    return readiness(*index, *site.find_portfolio(who), today);
  }
  // Ana with every task validated and a record: ready unless a test breaks it.
  void ready_ana() {
    entry("ana", "tache", "t1");
    entry("ana", "bilan", "portfolio");
    assess("ana", "tache", "t1", "acquired", fingerprint_of("ana", "tache"));
    assess("ana", "bilan", "portfolio", "acquired", fingerprint_of("ana", "bilan"));
  }
  Diagnostics diags;
  Site site;
  std::unique_ptr<Index> index;
  LocalTime today{2028, 12, 31, 23, 59};  // the build's: after every session unless a test says otherwise
};

const char* kHeld = "    defence: {date: 2028-05-01 09:00, held: true, outcome: passed}\n";

}  // namespace

TEST(Readiness, ReadyWhenEveryConditionHolds) {
  Fixture f;
  f.session("s1", 1, 240);
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld;
  Readiness r = f.of("ana");
  EXPECT_FALSE(f.diags.has_errors()) << (f.diags.sorted().empty() ? "" : format_diagnostic(f.diags.sorted()[0]));
  EXPECT_TRUE(r.attendance_ok);
  EXPECT_TRUE(r.tasks_ok);
  EXPECT_TRUE(r.portfolio_ok);
  EXPECT_TRUE(r.defence_ok);
  EXPECT_TRUE(r.ready);
}

// Attendance, case by case: the calendar in groups of sessions of the same
// length, attended the same way. Ana is otherwise ready (every task
// acquired, defence held), so `ready` follows attendance alone. The
// expected figures are worked out by hand from the calendar.
namespace {

enum class Was { Present, Justified, Unjustified };

struct Sessions {
  int count;
  int minutes;
  Was was;
  bool cancelled = false;
};

struct AttendanceCase {
  const char* name;
  std::vector<Sessions> calendar;
  int sessions;  // that count: not cancelled
  long total_minutes;
  long missed_minutes;
  int unjustified_absences;
  bool attendance_ok;
};

const AttendanceCase kAttendanceCases[] = {
    // 20 % of the training time is allowed, inclusive: 1 h of 5 h.
    {"TwentyPercentOfTheTimeIsStillWithinTheLimit", {{1, 60, Was::Justified}, {1, 240, Was::Present}}, 2, 300, 60, 0, true},
    {"OneMinuteOverTwentyPercentIsNot", {{1, 61, Was::Justified}, {1, 239, Was::Present}}, 2, 300, 61, 0, false},
    // Four absences on 7 h 45 Saturdays out of 21 sessions: 19 % of the
    // sessions (fine by count) but 31 % of the time (not fine): time decides.
    {"CountingSessionsAndCountingTimeDisagreeTimeDecides",
     {{4, 465, Was::Justified}, {17, 240, Was::Present}}, 21, 4 * 465 + 17 * 240, 4 * 465, 0, false},
    // And the other way round: three short absences of ten sessions, 30 %
    // by count (not fine) but 5 % of the time (fine).
    {"ShortAbsencesOverTheCountButWithinTheTimeAreFine",
     {{3, 60, Was::Justified}, {7, 465, Was::Present}}, 10, 3 * 60 + 7 * 465, 3 * 60, 0, true},
    // Even an unjustified absence from a cancelled session.
    {"CancelledSessionsCountNeitherWay", {{1, 240, Was::Present}, {1, 465, Was::Unjustified, true}}, 1, 240, 0, 0, true},
    // « au maximum 20% d'absence justifiée »: 6 % of the time, unjustified.
    {"AnUnjustifiedAbsenceFailsEvenWithinTheLimit", {{1, 30, Was::Unjustified}, {1, 465, Was::Present}}, 2, 495, 30, 1, false},
};

// A failure names the case, not its bytes.
void PrintTo(const AttendanceCase& c, std::ostream* out) { *out << c.name; }

struct Attendance : ::testing::TestWithParam<AttendanceCase> {};

}  // namespace

TEST_P(Attendance, DecidesReadiness) {
  const AttendanceCase& c = GetParam();
  Fixture f;
  std::string absences;
  std::vector<int> missed;  // minutes of each absence that counts, by date
  int day = 0;
  for (const Sessions& group : c.calendar) {
    for (int i = 0; i < group.count; ++i) {
      std::string id = "s" + std::to_string(++day);
      f.session(id, day, group.minutes, group.cancelled);
      if (group.was == Was::Present) continue;
      absences += "      - session: " + id + "\n        justified: " + (group.was == Was::Justified ? "true" : "false") + "\n";
      if (!group.cancelled) missed.push_back(group.minutes);
    }
  }
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld + "    absences:\n" + absences;
  Readiness r = f.of("ana");
  EXPECT_FALSE(f.diags.has_errors()) << (f.diags.sorted().empty() ? "" : format_diagnostic(f.diags.sorted()[0]));
  EXPECT_EQ(r.sessions, c.sessions);
  EXPECT_EQ(r.total_minutes, c.total_minutes);
  EXPECT_EQ(r.missed_minutes, c.missed_minutes);
  EXPECT_DOUBLE_EQ(r.absence_percent, 100.0 * static_cast<double>(c.missed_minutes) / static_cast<double>(c.total_minutes));
  EXPECT_EQ(r.unjustified_absences, c.unjustified_absences);
  std::vector<int> reported;
  for (const MissedSession& m : r.missed) reported.push_back(m.minutes);
  EXPECT_EQ(reported, missed);
  EXPECT_EQ(r.attendance_ok, c.attendance_ok);
  EXPECT_EQ(r.ready, c.attendance_ok);
}

INSTANTIATE_TEST_SUITE_P(Readiness, Attendance, ::testing::ValuesIn(kAttendanceCases),
                         [](const ::testing::TestParamInfo<AttendanceCase>& info) { return std::string(info.param.name); });

TEST(Readiness, AMissingJustifiedIsAnError) {
  Fixture f;
  f.session("s1", 1, 240);
  f.attendance = "  - participant: ana\n    absences:\n      - session: s1\n";
  f.of("ana");
  auto all = f.diags.sorted();
  auto it = std::find_if(all.begin(), all.end(), [](const Diagnostic& d) { return d.message.find("'justified'") != std::string::npos; });
  ASSERT_NE(it, all.end());
  EXPECT_EQ(it->severity, Severity::Error);
  EXPECT_EQ(std::string(it->pos.path), "site/content/attendance.yaml");
  EXPECT_EQ(it->pos.line, 4);
}

TEST(Readiness, NoAttendanceRecordIsMissingDataNeverReady) {
  Fixture f;
  f.session("s1", 1, 240);
  f.ready_ana();
  f.attendance = "  - participant: bob\n";
  Readiness r = f.of("ana");
  EXPECT_FALSE(r.has_record);
  EXPECT_EQ(r.missed_minutes, 0);
  EXPECT_FALSE(r.attendance_ok);
  EXPECT_FALSE(r.ready);
}

TEST(Readiness, APlannedDefenceIsNotAHeldOne) {
  Fixture f;
  f.session("s1", 1, 240);
  f.ready_ana();
  f.attendance = "  - participant: ana\n    defence: 2028-05-01 09:00\n";
  Readiness r = f.of("ana");
  EXPECT_EQ(r.defence_state, DefenceState::Planned);
  EXPECT_FALSE(r.defence_ok);
  EXPECT_TRUE(r.ready_for_defence);
  EXPECT_FALSE(r.ready);
}

TEST(Readiness, ConfirmedALaCartePeriodsBelowTheMinimumAreNotEnough) {
  Fixture f;
  f.min_periods = 48;
  f.session("s1", 1, 240);
  f.files->add_file("portfolios/ana/attestation.pdf", "%PDF-1.4\n");
  f.ana_extra =
      "a_la_carte:\n"
      "  - {id: a, title: A, date: 2027-01-01, periods: 24, attestation: attestation.pdf}\n"
      "  - {id: b, title: B, date: 2027-01-02, periods: 24, attestation: attestation.pdf}\n";
  f.ready_ana();
  // Both declared (48 periods) but only one confirmed: 24 < 48.
  f.attendance = std::string("  - participant: ana\n") + kHeld + "    a_la_carte:\n      - course: a\n";
  Readiness r = f.of("ana");
  ASSERT_EQ(r.a_la_carte.size(), 1u);
  EXPECT_EQ(r.a_la_carte[0].declared_periods, 48);
  EXPECT_EQ(r.a_la_carte[0].confirmed_periods, 24);
  EXPECT_FALSE(r.a_la_carte_ok);
  EXPECT_FALSE(r.ready);
  // Confirming the second one reaches 48: ready.
  f.attendance = std::string("  - participant: ana\n") + kHeld + "    a_la_carte:\n      - course: a\n      - course: b\n";
  EXPECT_TRUE(f.of("ana").ready);
}

TEST(Readiness, AnEntryEditedAfterItsAssessmentIsToRevalidate) {
  Fixture f;
  f.session("s1", 1, 240);
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld;
  ASSERT_TRUE(f.of("ana").ready);
  f.entry("ana", "tache", "t1", "");  // same front matter...
  f.files->add_file("portfolios/ana/tache.md", "---\ntitle: tache\ndate: 2027-03-01\nmodule: m1\ntask: t1\ncompetencies: [x/1]\n---\nTexte changé.\n");
  Readiness r = f.of("ana");
  ASSERT_EQ(r.tasks[0].entries.size(), 1u);
  EXPECT_TRUE(r.tasks[0].entries[0].changed);
  EXPECT_EQ(r.tasks[0].state, TaskState::Revalidate);
  EXPECT_FALSE(r.tasks_ok);
  EXPECT_FALSE(r.ready);
}

// The best state among entries used to win, and a participant could write
// their own « acquired »: neither can make anyone ready now.
TEST(Readiness, AnAddedAcquiredEntryCannotMakeAnyoneReady) {
  Fixture f;
  f.session("s1", 1, 240);
  f.entry("ana", "tache", "t1");
  f.entry("ana", "bilan", "portfolio");
  f.assess("ana", "tache", "t1", "not-acquired", f.fingerprint_of("ana", "tache"));
  f.assess("ana", "bilan", "portfolio", "acquired", f.fingerprint_of("ana", "bilan"));
  f.entry("ana", "autre", "t1", "status: acquired\n");
  f.attendance = std::string("  - participant: ana\n") + kHeld;
  Readiness r = f.of("ana");
  EXPECT_EQ(r.tasks[0].state, TaskState::NotAcquired);
  EXPECT_FALSE(r.ready);
}

TEST(Readiness, AForcedCoauthorGetsNothing) {
  Fixture f;
  f.session("s1", 1, 240);
  // Ana's validated work names Bob, who never agreed: it counts for Ana only.
  f.entry("ana", "tache", "t1", "coauthors: [bob]\n");
  f.entry("bob", "bilan", "portfolio");
  f.assess("ana", "tache", "t1", "acquired", f.fingerprint_of("ana", "tache"));
  f.assess("bob", "bilan", "portfolio", "acquired", f.fingerprint_of("bob", "bilan"));
  f.attendance = std::string("  - participant: bob\n") + kHeld;
  Readiness bob = f.of("bob");
  ASSERT_EQ(bob.tasks[0].entries.size(), 1u);
  EXPECT_FALSE(bob.tasks[0].entries[0].coauthor_agreed);
  EXPECT_NE(bob.tasks[0].state, TaskState::Acquired);
  EXPECT_FALSE(bob.ready);
  // Bob lists it as his group work: now it counts for him too.
  f.files->add_file("portfolios/bob/portfolio.yaml", "name: Bob\ncoauthored: [ana/tache]\n");
  EXPECT_TRUE(f.of("bob").ready);
}

TEST(Readiness, AnAssessmentNamingTheCoauthorCountsForThem) {
  Fixture f;
  f.session("s1", 1, 240);
  f.entry("ana", "tache", "t1", "coauthors: [bob]\n");
  f.entry("bob", "bilan", "portfolio");
  f.assess("ana", "tache", "t1", "acquired", f.fingerprint_of("ana", "tache"), "    coauthors: [bob]\n");
  f.assess("bob", "bilan", "portfolio", "acquired", f.fingerprint_of("bob", "bilan"));
  f.attendance = std::string("  - participant: bob\n") + kHeld;
  EXPECT_TRUE(f.of("bob").ready);
}

TEST(Readiness, TheLatestAssessmentOfAnEntryDecides) {
  Fixture f;
  f.session("s1", 1, 240);
  f.ready_ana();  // acquired on 2027-04-01
  f.files->add_file("content/assessments/m1.yaml",
                    "assessments:\n  - participant: ana\n    entry: tache\n    task: t1\n    status: to-redo\n    date: 2027-05-01\n"
                    "    assessor: tina\n    fingerprint: " + f.fingerprint_of("ana", "tache") + "\n"
                    "  - participant: ana\n    entry: tache\n    task: t1\n    status: acquired\n    date: 2027-04-01\n"
                    "    assessor: tina\n    fingerprint: " + f.fingerprint_of("ana", "tache") + "\n");
  f.attendance = std::string("  - participant: ana\n") + kHeld;
  Readiness r = f.of("ana");
  EXPECT_EQ(r.tasks[0].state, TaskState::ToRedo);
  EXPECT_FALSE(r.ready);
}

TEST(Fingerprint, IsSha256OfASha256sumManifest) {
  // sha256sum of "abc" is the FIPS 180-2 test vector.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Training held so far (readiness.h): what starts after the build's today
// has not happened, and parallel options are one slot. Kept as separate
// tests at the end of the file (h14-model).
namespace {
// Overlapping options on 2 March 2027: « a » 08:00-09:01, « b » 08:00-08:30.
const char* kOptions =
    "  - id: a\n    module: m1\n    title: Option A\n    start: 2027-03-02 08:00\n    end: 2027-03-02 09:01\n    place: salle\n"
    "    parallel: true\n"
    "  - id: b\n    module: m1\n    title: Option B\n    start: 2027-03-02 08:00\n    end: 2027-03-02 08:30\n    place: en-ligne\n"
    "    parallel: true\n";
}  // namespace

TEST(Readiness, SessionsAfterTheBuildsTodayCountNeitherWay) {
  Fixture f;
  f.session("passee", 1, 240);
  f.session("a-venir", 10, 465);
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld + "    absences:\n      - session: a-venir\n        justified: false\n";
  f.today = {2027, 3, 9, 23, 59};
  Readiness r = f.of("ana");
  EXPECT_FALSE(f.diags.has_errors()) << (f.diags.sorted().empty() ? "" : format_diagnostic(f.diags.sorted()[0]));
  EXPECT_EQ(r.sessions, 1);
  EXPECT_EQ(r.total_minutes, 240);
  EXPECT_EQ(r.missed_minutes, 0);
  EXPECT_EQ(r.unjustified_absences, 0);
  EXPECT_TRUE(r.attendance_ok);
  // Once its day has come, it counts, and so does the absence.
  f.today = {2027, 3, 10, 23, 59};
  r = f.of("ana");
  EXPECT_EQ(r.sessions, 2);
  EXPECT_EQ(r.total_minutes, 240 + 465);
  EXPECT_EQ(r.unjustified_absences, 1);
  EXPECT_FALSE(r.attendance_ok);
}

// The boundary: a session of the build's day has happened (its start is
// before the day's last minute), one of the next day has not.
TEST(Readiness, ASessionOfTheBuildsDayHasHappenedTheNextDaysHasNot) {
  Fixture f;
  f.session("s1", 5, 120);
  f.session("s2", 6, 120);
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld;
  f.today = {2027, 3, 5, 23, 59};
  EXPECT_EQ(f.of("ana").total_minutes, 120);
  f.today = {2027, 3, 5, 7, 59};  // before s1's start
  EXPECT_EQ(f.of("ana").total_minutes, 0);
  f.today = {2027, 3, 5, 8, 0};  // s1 starts
  EXPECT_EQ(f.of("ana").total_minutes, 120);
}

// One participant attends one of the options: the slot counts once, for its
// longest option (61 min). 240 + 61 = 301 minutes of training; missing the
// slot is 61 of them, 20.3 %: over the limit. Counting both options (362
// minutes, 16.9 %) would have let it pass.
TEST(Readiness, ParallelOptionsAreOneSlotOfTheLongestOption) {
  Fixture f;
  f.files->add_file("content/places.yaml", "places:\n  - id: salle\n    name: Salle\n  - id: en-ligne\n    name: En ligne\n    online: true\n");
  f.session("base", 1, 240);
  f.sessions += kOptions;
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld + "    absences:\n      - session: b\n        justified: true\n";
  Readiness r = f.of("ana");
  EXPECT_FALSE(f.diags.has_errors()) << (f.diags.sorted().empty() ? "" : format_diagnostic(f.diags.sorted()[0]));
  EXPECT_EQ(r.sessions, 2);
  EXPECT_EQ(r.total_minutes, 301);
  EXPECT_EQ(r.missed_minutes, 61);
  ASSERT_EQ(r.missed.size(), 1u);
  EXPECT_EQ(r.missed[0].session->id, "b");
  EXPECT_FALSE(r.attendance_ok);
}

// Absent from both options of a slot: the slot is missed once.
TEST(Readiness, AbsencesFromTwoOptionsOfOneSlotMissItOnce) {
  Fixture f;
  f.files->add_file("content/places.yaml", "places:\n  - id: salle\n    name: Salle\n  - id: en-ligne\n    name: En ligne\n    online: true\n");
  f.session("base", 1, 600);
  f.sessions += kOptions;
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld +
                 "    absences:\n      - session: a\n        justified: true\n      - session: b\n        justified: true\n";
  Readiness r = f.of("ana");
  EXPECT_FALSE(f.diags.has_errors()) << (f.diags.sorted().empty() ? "" : format_diagnostic(f.diags.sorted()[0]));
  EXPECT_EQ(r.total_minutes, 661);
  EXPECT_EQ(r.missed_minutes, 61);
  EXPECT_EQ(r.justified_absences, 1);
}

// Options that follow each other without overlapping are two slots.
TEST(Readiness, ParallelOptionsThatDoNotOverlapAreTwoSlots) {
  Fixture f;
  f.session("base", 1, 240);
  f.sessions +=
      "  - id: matin\n    module: m1\n    title: Matin\n    start: 2027-03-02 08:00\n    end: 2027-03-02 10:00\n    place: salle\n"
      "    parallel: true\n"
      "  - id: midi\n    module: m1\n    title: Midi\n    start: 2027-03-02 10:00\n    end: 2027-03-02 11:00\n    place: salle\n"
      "    parallel: true\n";
  f.ready_ana();
  f.attendance = std::string("  - participant: ana\n") + kHeld;
  Readiness r = f.of("ana");
  EXPECT_EQ(r.sessions, 3);
  EXPECT_EQ(r.total_minutes, 240 + 120 + 60);
}

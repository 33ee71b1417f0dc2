// Readiness for certification: the programme's conditions (seed 000,
// section 7, as data in content/certification.yaml) applied to one
// participant, from what the HEP records (attendance, defence, confirmed
// à-la-carte courses, trainers' assessments) and never from what the
// participant writes about themself. Experts' build only: it reads records
// the public build never has.
//
//  - attendance: « au maximum 20% d'absence justifiée au temps de
//    formation »: minutes missed over the minutes of training held so far,
//    at most the limit (inclusive), and no unjustified absence; no record at
//    all is missing data, never ready. Training held so far: the sessions
//    neither cancelled nor still to come (they start after the build's
//    today); overlapping `parallel` options are one slot, since each
//    participant attends one of them: it counts once, for its longest
//    option, and an absence from any of its options misses that slot;
//  - tasks: every task of the rules' modules acquired, by a trainer's
//    assessment whose fingerprint still matches the entry; a coauthored
//    entry counts for a coauthor only when the assessment names them or
//    their portfolio lists it under `coauthored`;
//  - à-la-carte: confirmed periods reach each module's minimum;
//  - defence: recorded as held, outcome passed (« planifiée » before).
#pragma once

#include <string>
#include <vector>

#include "index/index.h"

namespace cartable {

// Ordered: the best state among a task's entries is the task's.
enum class TaskState { Missing, Submitted, NotAcquired, ToRedo, Revalidate, Acquired };

// One of the participant's entries for a task, as the jury sees it.
struct EntryProgress {
  const Entry* entry = nullptr;
  const Assessment* assessment = nullptr;  // the latest one, if any
  std::vector<const Assessment*> history;  // every assessment, oldest first
  bool changed = false;          // edited after the assessment (fingerprint differs)
  bool coauthored = false;       // someone else's entry naming this participant
  bool coauthor_agreed = true;   // coauthored: named by the assessment or listed in `coauthored`
  TaskState state = TaskState::Submitted;
};

struct TaskProgress {
  const Module* module = nullptr;
  const Task* task = nullptr;
  TaskState state = TaskState::Missing;
  std::vector<EntryProgress> entries;
};

struct MissedSession {
  const Session* session = nullptr;
  int minutes = 0;
  bool justified = false;
};

// A unit of training time: a base session, or overlapping parallel options
// (a participant attends one).
struct TrainingSlot {
  std::vector<const Session*> sessions;  // the first one starts the slot
  int minutes = 0;                       // the longest option's
};

struct CourseProgress {
  const AlaCarteCourse* course = nullptr;
  bool confirmed = false;
  int periods = 0;  // confirmed: as the HEP attests; else as declared
};

struct ModuleAlaCarte {
  const Module* module = nullptr;
  int required_periods = 0;
  int declared_periods = 0;
  int confirmed_periods = 0;
  std::vector<CourseProgress> courses;
};

struct Readiness {
  std::vector<TaskProgress> tasks;  // every task of the rules' modules, then the portfolio task
  bool has_record = false;          // the HEP keeps attendance for this participant
  int sessions = 0;                 // training slots that count (held, not cancelled)
  long total_minutes = 0;           // their training time
  long missed_minutes = 0;
  long unjustified_minutes = 0;
  int justified_absences = 0;
  int unjustified_absences = 0;
  double absence_percent = 0;       // missed minutes over total minutes
  std::vector<MissedSession> missed;  // by date
  bool attendance_ok = false;       // a record, within the limit, none unjustified
  bool tasks_ok = false;            // every module task acquired
  bool portfolio_ok = false;        // the portfolio task acquired
  std::vector<ModuleAlaCarte> a_la_carte;  // modules with a minimum of à-la-carte periods
  bool a_la_carte_ok = false;
  DefenceState defence_state = DefenceState::None;
  LocalTime defence;
  DefenceOutcome defence_outcome = DefenceOutcome::None;
  bool defence_ok = false;          // held, passed
  bool ready_for_defence = false;   // every condition but the defence
  bool ready = false;               // all of the above
  std::vector<const Entry*> timeline;  // « réalisation en continu »: own and coauthored entries by date
};

const char* task_state_name(TaskState s);  // "missing", "submitted", "not-acquired", "to-redo", "revalidate", "acquired"
// A session's length in minutes (wall-clock: sessions never span a DST change).
int session_minutes(const Session& s);
// Training held by `today` (calendar/timezone.h, build_today), in slots.
std::vector<TrainingSlot> training_slots(const Site& site, const LocalTime& today);
// `today`: the build's (build_today); sessions after it have not happened.
Readiness readiness(const Index& index, const Portfolio& p, const LocalTime& today);
// An entry as its owner's trainers assessed it (no assessment: Submitted).
EntryProgress entry_validation(const Index& index, const Entry& e);

}  // namespace cartable

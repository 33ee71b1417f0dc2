// Readiness for certification: the programme's conditions (certification
// rules, seed 000 section 7) applied to one participant's entries and
// attendance. Experts' build only: it reads attendance records, which the
// public build never has.
#pragma once

#include <string>
#include <vector>

#include "index/index.h"

namespace cartable {

enum class TaskState { Missing, NotAcquired, Submitted, Acquired };

struct TaskProgress {
  const Module* module = nullptr;
  const Task* task = nullptr;
  TaskState state = TaskState::Missing;
  std::vector<const Entry*> entries;  // the participant's entries for it
};

struct Readiness {
  std::vector<TaskProgress> tasks;  // every task of the rules' modules, then the portfolio task
  int sessions = 0;                 // sessions that count (not cancelled)
  int justified_absences = 0;
  int unjustified_absences = 0;
  double absence_percent = 0;       // all absences over sessions
  bool attendance_ok = false;       // within the limit, none unjustified
  bool tasks_ok = false;            // every module task acquired
  bool portfolio_ok = false;        // the portfolio task acquired
  bool defence_scheduled = false;
  LocalTime defence;
  bool ready = false;               // all of the above
};

const char* task_state_name(TaskState s);  // "missing", "not-acquired", ...
Readiness readiness(const Index& index, const Portfolio& p);

}  // namespace cartable

#include "index/readiness.h"

namespace cartable {

const char* task_state_name(TaskState s) {
  switch (s) {
    case TaskState::Missing: return "missing";
    case TaskState::NotAcquired: return "not-acquired";
    case TaskState::Submitted: return "submitted";
    case TaskState::Acquired: return "acquired";
  }
  return "";
}

namespace {

TaskProgress progress(const Index& index, const Portfolio& p, const Module& m, const Task& t) {
  TaskProgress tp{&m, &t, TaskState::Missing, {}};
  for (const Entry* e : index.entries_of(p.slug)) {
    if (e->module.id != m.id || e->task.id != t.id) continue;
    tp.entries.push_back(e);
    // The best status among the entries answering the task counts.
    TaskState s = e->status == "acquired" ? TaskState::Acquired
                  : e->status == "submitted" ? TaskState::Submitted
                                             : TaskState::NotAcquired;
    if (static_cast<int>(s) > static_cast<int>(tp.state)) tp.state = s;
  }
  return tp;
}

}  // namespace

Readiness readiness(const Index& index, const Portfolio& p) {
  const Site& site = index.site();
  const CertificationRules& rules = site.certification;
  Readiness r;
  r.tasks_ok = true;
  for (const Ref& ref : rules.task_modules) {
    const Module* m = site.find_module(ref.id);
    if (!m) continue;
    for (const Task& t : m->tasks) {
      r.tasks.push_back(progress(index, p, *m, t));
      r.tasks_ok &= r.tasks.back().state == TaskState::Acquired;
    }
  }
  auto slash = rules.portfolio_task.id.find('/');
  if (slash != std::string::npos) {
    if (const Module* m = site.find_module(rules.portfolio_task.id.substr(0, slash))) {
      for (const Task& t : m->tasks) {
        if (t.id != rules.portfolio_task.id.substr(slash + 1)) continue;
        r.tasks.push_back(progress(index, p, *m, t));
        r.portfolio_ok = r.tasks.back().state == TaskState::Acquired;
      }
    }
  }
  for (const Session& s : site.sessions) r.sessions += s.status != "cancelled";
  if (const ParticipantRecord* rec = site.find_record(p.slug)) {
    for (const Absence& a : rec->absences) {
      const Session* s = site.find_session(a.session.id);
      if (!s || s->status == "cancelled") continue;
      (a.justified ? r.justified_absences : r.unjustified_absences)++;
    }
    r.defence_scheduled = rec->has_defence;
    r.defence = rec->defence;
  }
  int absences = r.justified_absences + r.unjustified_absences;
  r.absence_percent = r.sessions ? 100.0 * absences / r.sessions : 0;
  r.attendance_ok = r.unjustified_absences == 0 && r.absence_percent <= rules.max_absence_percent + 1e-9;
  r.ready = r.attendance_ok && r.tasks_ok && r.portfolio_ok && r.defence_scheduled;
  return r;
}

}  // namespace cartable

#include "index/readiness.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace cartable {

const char* task_state_name(TaskState s) {
  switch (s) {
    case TaskState::Missing: return "missing";
    case TaskState::Submitted: return "submitted";
    case TaskState::NotAcquired: return "not-acquired";
    case TaskState::ToRedo: return "to-redo";
    case TaskState::Revalidate: return "revalidate";
    case TaskState::Acquired: return "acquired";
  }
  return "";
}

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

long minutes_since_epoch(const LocalTime& t) {
  return days_from_civil(t.year, t.month, t.day) * 1440 + t.hour * 60 + t.minute;
}

bool names(const std::vector<Ref>& refs, const std::string& id) {
  return std::any_of(refs.begin(), refs.end(), [&](const Ref& r) { return r.id == id; });
}

EntryProgress entry_progress(const Index& index, const Portfolio& p, const Entry& e) {
  const Site& site = index.site();
  EntryProgress ep;
  ep.entry = &e;
  auto found = site.assessments_by_entry.find(e.portfolio + "/" + e.slug);
  if (found != site.assessments_by_entry.end()) {
    for (size_t i : found->second) ep.history.push_back(&site.assessments[i]);
  }
  // Oldest first; the same date keeps the files' order, the later one wins.
  std::stable_sort(ep.history.begin(), ep.history.end(),
                   [](const Assessment* a, const Assessment* b) { return a->date < b->date; });
  ep.coauthored = e.portfolio != p.slug;
  if (!ep.history.empty()) ep.assessment = ep.history.back();
  if (ep.coauthored) {
    ep.coauthor_agreed = names(p.coauthored, e.portfolio + "/" + e.slug) ||
                         (ep.assessment && names(ep.assessment->coauthors, p.slug));
  }
  if (!ep.assessment) return ep;
  auto now = site.entry_fingerprints.find(e.portfolio + "/" + e.slug);
  // Another file, or the same file now answering another task: the
  // decision was about something else.
  ep.changed = now == site.entry_fingerprints.end() || now->second != ep.assessment->fingerprint ||
               ep.assessment->module != e.module.id || ep.assessment->task.id != e.task.id;
  switch (ep.assessment->status) {
    case AssessmentStatus::Acquired: ep.state = ep.changed ? TaskState::Revalidate : TaskState::Acquired; break;
    case AssessmentStatus::NotAcquired: ep.state = TaskState::NotAcquired; break;
    case AssessmentStatus::ToRedo: ep.state = TaskState::ToRedo; break;
  }
  // Being named coauthor by someone else gives nothing without agreement.
  if (ep.coauthored && !ep.coauthor_agreed) ep.state = TaskState::Submitted;
  return ep;
}

TaskProgress progress(const Index& index, const Portfolio& p, const Module& m, const Task& t) {
  TaskProgress tp{&m, &t, TaskState::Missing, {}};
  for (const Entry* e : index.entries_of(p.slug)) {
    if (e->module.id != m.id || e->task.id != t.id) continue;
    tp.entries.push_back(entry_progress(index, p, *e));
    tp.state = std::max(tp.state, tp.entries.back().state);
  }
  return tp;
}

void add_tasks(const Index& index, const Portfolio& p, Readiness& r) {
  const Site& site = index.site();
  const CertificationRules& rules = site.certification;
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
  if (slash == std::string::npos) return;
  if (const Module* m = site.find_module(rules.portfolio_task.id.substr(0, slash))) {
    for (const Task& t : m->tasks) {
      if (t.id != rules.portfolio_task.id.substr(slash + 1)) continue;
      r.tasks.push_back(progress(index, p, *m, t));
      r.portfolio_ok = r.tasks.back().state == TaskState::Acquired;
    }
  }
}

void add_attendance(const Site& site, const ParticipantRecord* rec, const LocalTime& today, Readiness& r) {
  std::vector<TrainingSlot> slots = training_slots(site, today);
  std::map<const Session*, size_t> slot_of;
  for (size_t i = 0; i < slots.size(); ++i) {
    r.sessions++;
    r.total_minutes += slots[i].minutes;
    for (const Session* s : slots[i].sessions) slot_of[s] = i;
  }
  r.has_record = rec != nullptr;
  if (!rec) return;  // « données manquantes »: never ready
  std::vector<bool> missed(slots.size(), false);
  for (const Absence& a : rec->absences) {
    const Session* s = site.find_session(a.session.id);
    auto it = slot_of.find(s);
    if (it == slot_of.end() || missed[it->second]) continue;  // cancelled, to come, or the slot already missed
    missed[it->second] = true;
    int minutes = slots[it->second].minutes;
    r.missed.push_back({s, minutes, a.justified});
    r.missed_minutes += minutes;
    if (a.justified) {
      r.justified_absences++;
    } else {
      r.unjustified_absences++;
      r.unjustified_minutes += minutes;
    }
  }
  std::sort(r.missed.begin(), r.missed.end(),
            [](const MissedSession& a, const MissedSession& b) { return a.session->start < b.session->start; });
  r.absence_percent = r.total_minutes ? 100.0 * static_cast<double>(r.missed_minutes) / static_cast<double>(r.total_minutes) : 0;
  // Compared in integers: 20 % of the time is allowed, not a rounding error more.
  long limit_times_100 = static_cast<long>(site.certification.max_absence_percent * 100 + 0.5);
  bool within = r.missed_minutes * 10000 <= limit_times_100 * r.total_minutes;
  r.attendance_ok = r.unjustified_absences == 0 && within;
}

void add_a_la_carte(const Site& site, const Portfolio& p, const ParticipantRecord* rec, Readiness& r) {
  r.a_la_carte_ok = true;
  const Module* fallback = nullptr;
  for (const Ref& ref : site.certification.task_modules) {
    const Module* m = site.find_module(ref.id);
    if (!m || m->a_la_carte_min_periods <= 0) continue;
    if (!fallback) fallback = m;
    r.a_la_carte.push_back({m, m->a_la_carte_min_periods, 0, 0, {}});
  }
  for (ModuleAlaCarte& mc : r.a_la_carte) {
    for (const AlaCarteCourse& c : p.a_la_carte) {
      const Module* m = c.module.id.empty() ? fallback : site.find_module(c.module.id);
      if (m != mc.module) continue;
      CourseProgress cp{&c, false, c.periods};
      if (rec) {
        for (const AlaCarteConfirmation& k : rec->a_la_carte) {
          if (k.course.id != c.id) continue;
          cp.confirmed = true;
          if (k.periods > 0) cp.periods = k.periods;
        }
      }
      mc.declared_periods += c.periods;
      if (cp.confirmed) mc.confirmed_periods += cp.periods;
      mc.courses.push_back(cp);
    }
    r.a_la_carte_ok &= mc.confirmed_periods >= mc.required_periods;
  }
}

}  // namespace

EntryProgress entry_validation(const Index& index, const Entry& e) {
  const Portfolio* owner = index.site().find_portfolio(e.portfolio);
  if (!owner) {
    EntryProgress none;
    none.entry = &e;
    return none;
  }
  return entry_progress(index, *owner, e);
}

std::vector<TrainingSlot> training_slots(const Site& site, const LocalTime& today) {
  std::vector<TrainingSlot> slots;
  size_t options = SIZE_MAX;  // the slot of the parallel options under way
  LocalTime options_end;
  for (const Session& s : site.sessions) {  // by start
    if (s.status == SessionStatus::Cancelled || today < s.start) continue;
    int minutes = session_minutes(s);
    if (s.parallel && options != SIZE_MAX && s.start < options_end) {
      slots[options].sessions.push_back(&s);
      slots[options].minutes = std::max(slots[options].minutes, minutes);
      options_end = std::max(options_end, s.end);
      continue;
    }
    slots.push_back({{&s}, minutes});
    if (s.parallel) {
      options = slots.size() - 1;
      options_end = s.end;
    }
  }
  return slots;
}

int session_minutes(const Session& s) {
  return static_cast<int>(minutes_since_epoch(s.end) - minutes_since_epoch(s.start));
}

Readiness readiness(const Index& index, const Portfolio& p, const LocalTime& today) {
  const Site& site = index.site();
  const ParticipantRecord* rec = site.find_record(p.slug);
  Readiness r;
  add_tasks(index, p, r);
  add_attendance(site, rec, today, r);
  add_a_la_carte(site, p, rec, r);
  if (rec) {
    r.defence_state = rec->defence_state;
    r.defence = rec->defence;
    r.defence_outcome = rec->defence_outcome;
  }
  r.defence_ok = r.defence_state == DefenceState::Held && r.defence_outcome == DefenceOutcome::Passed;
  for (const Entry* e : index.entries_of(p.slug)) r.timeline.push_back(e);
  std::stable_sort(r.timeline.begin(), r.timeline.end(), [](const Entry* a, const Entry* b) { return a->date < b->date; });
  r.ready_for_defence = r.attendance_ok && r.tasks_ok && r.portfolio_ok && r.a_la_carte_ok;
  r.ready = r.ready_for_defence && r.defence_ok;
  return r;
}

}  // namespace cartable
